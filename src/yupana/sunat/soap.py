"""SUNAT's SOAP 1.1 messages: building the request envelope and reading the answer.

The envelope is built with lxml, shaped like SUNAT's published request samples
(``services/soap-messages/requests``): a WS-Security ``UsernameToken`` with a ``PasswordText``
password in the header (user = RUC + SOL user), and in the body one element of namespace
``http://service.sunat.gob.pe`` named after the operation, holding unqualified parameters.

Answers are read with the hardened parser, by local names, so any prefix (``soap-env:``, ``S:``,
``br:``, ``ns2:``…) works. A ``Fault`` gives a ``SoapFault`` whose SUNAT code comes from the
faultcode (``soap-env:Client.0111``, ``Server.0130``) or, failing that, from the start of the
faultstring.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from yupana.sunat.credentials import SolCredentials
from yupana.sunat.untrusted_xml import first_child, local_name, parse_untrusted, text_of

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
PASSWORD_TEXT = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"
)
SERVICE_NS = "http://service.sunat.gob.pe"

CONTENT_TYPE = "text/xml; charset=utf-8"

_CODE_AT_END = re.compile(r"(?:^|[.:])(\d{1,4})$")
_CODE_AT_START = re.compile(r"^\s*(\d{4})(?=\s*(?:-|:|$))")


class SoapError(ValueError):
    """An answer that is not a SOAP envelope SUNAT would send."""


def soap_action(operation: str) -> str:
    return f"urn:{operation}"


def build_envelope(credentials: SolCredentials, operation: str, fields: Sequence[tuple[str, str]]) -> bytes:
    """The request envelope of ``operation`` with its parameters, in order."""
    envelope = etree.Element(etree.QName(SOAP_NS, "Envelope"), nsmap={"soapenv": SOAP_NS})
    header = etree.SubElement(envelope, etree.QName(SOAP_NS, "Header"))
    security = etree.SubElement(
        header, etree.QName(WSSE_NS, "Security"), nsmap={"wsse": WSSE_NS, "wsu": WSU_NS}
    )
    token = etree.SubElement(security, etree.QName(WSSE_NS, "UsernameToken"))
    etree.SubElement(token, etree.QName(WSSE_NS, "Username")).text = credentials.username
    password = etree.SubElement(token, etree.QName(WSSE_NS, "Password"), Type=PASSWORD_TEXT)
    password.text = credentials.password
    body = etree.SubElement(envelope, etree.QName(SOAP_NS, "Body"))
    call = etree.SubElement(body, etree.QName(SERVICE_NS, operation), nsmap={"ser": SERVICE_NS})
    for name, value in fields:
        etree.SubElement(call, name).text = value
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


@dataclass(frozen=True, slots=True)
class SoapFault:
    faultcode: str  # as sent, e.g. "soap-env:Client.0111"
    faultstring: str
    code: str | None  # SUNAT's return code found in it, e.g. "0111"

    @property
    def is_server(self) -> bool:
        """The fault blames the server (``Server``/``Receiver``), not the request."""
        kind = self.faultcode.rpartition(":")[2].split(".")[0].lower()
        return kind in ("server", "receiver")


@dataclass(frozen=True, slots=True)
class SoapReply:
    """The first element of the SOAP body (``sendBillResponse``...)."""

    element: etree._Element
    http_status: int | None = None

    @property
    def operation(self) -> str:
        return local_name(self.element)

    def find(self, *path: str) -> etree._Element | None:
        """The descendant at ``path`` of local names, e.g. ``find("status", "statusCode")``."""
        node: etree._Element | None = self.element
        for name in path:
            if node is None:
                return None
            node = first_child(node, name)
        return node

    def text(self, *path: str) -> str | None:
        return text_of(self.find(*path))


def parse_answer(data: bytes) -> SoapReply | SoapFault:
    """The reply or the fault in a SOAP answer; raises ``SoapError`` (or ``UnsafeXmlError``)."""
    root = parse_untrusted(data)
    if local_name(root) != "Envelope":
        raise SoapError(f"not a SOAP envelope: root element is {local_name(root) or root.tag!r}")
    body = first_child(root, "Body")
    if body is None:
        raise SoapError("SOAP envelope without Body")
    content = [child for child in body if isinstance(child.tag, str)]
    if not content:
        raise SoapError("empty SOAP Body")
    first = content[0]
    if local_name(first) == "Fault":
        return _fault(first)
    return SoapReply(first)


def _fault(fault: etree._Element) -> SoapFault:
    faultcode = text_of(first_child(fault, "faultcode"))
    faultstring = text_of(first_child(fault, "faultstring"))
    if faultcode is None:  # SOAP 1.2: Code/Value, Reason/Text
        code_node = first_child(fault, "Code")
        faultcode = text_of(first_child(code_node, "Value")) if code_node is not None else None
        reason = first_child(fault, "Reason")
        faultstring = faultstring or (text_of(first_child(reason, "Text")) if reason is not None else None)
    if faultstring is None:
        detail = first_child(fault, "detail")
        faultstring = text_of(detail if detail is not None else first_child(fault, "Detail"))
    faultcode = faultcode or ""
    faultstring = faultstring or ""
    return SoapFault(faultcode, faultstring, fault_code_number(faultcode, faultstring))


def fault_code_number(faultcode: str, faultstring: str) -> str | None:
    """SUNAT's return code in a fault: ``soap-env:Client.0111`` → ``"0111"``; else a leading
    ``"0306 - …"`` in the faultstring."""
    match = _CODE_AT_END.search(faultcode.strip())
    if match:
        return match.group(1).zfill(4)
    match = _CODE_AT_START.match(faultstring)
    if match:
        return match.group(1)
    return None


def decode_base64(text: str | None) -> bytes | None:
    """Bytes of a base64 element's text (whitespace allowed); ``None`` if absent or invalid."""
    if not text:
        return None
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def encode_base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
