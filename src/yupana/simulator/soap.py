"""SUNAT's SOAP envelopes, read and written as SUNAT's services write them.

The shapes are those of SUNAT's own answers (``services/soap-messages/responses`` of the shared
material):

* ``sendBill``, ``sendSummary``, ``sendPack`` and faults come from SUNAT's gateway: prefix
  ``soap-env``, an empty ``soap-env:Header``, the answer element ``br:<operation>Response``
  (``xmlns:br="http://service.sunat.gob.pe"``) with unqualified children (``applicationResponse``,
  ``ticket``);
* ``getStatus`` and the consult service come from a JAX-WS backend: prefix ``S``, no header,
  ``ns2:<operation>Response`` holding ``status`` (``content``, ``statusCode``) or, for the
  consult service, ``status``/``statusCdr`` (``content``, ``statusCode``, ``statusMessage``);
* a fault is ``soap-env:Fault`` with ``faultcode`` ``soap-env:Client.NNNN`` (``Server.NNNN`` for
  SUNAT's batch errors 0200–0299, as observed in greenter issue #22) and ``faultstring``
  ``"<mensaje> - Detalle: <detalle>"``; a rejection found by SUNAT's stylesheets reads
  ``"<mensaje> - Detalle: xxx.xxx.xxx value='ticket: <n> error: <mensaje de la hoja>'"``
  (``PROTOCOL-NOTES.md`` §2). Faults travel with HTTP 500, as SOAP 1.1 requires.

Requests are parsed without entities, DTDs or network access.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from lxml import etree

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SERVICE_NS = "http://service.sunat.gob.pe"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CONTENT_TYPE = "text/xml;charset=UTF-8"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


class MalformedRequest(ValueError):
    """A request that is not a SOAP envelope SUNAT could read."""


@dataclass(frozen=True, slots=True)
class SoapRequest:
    operation: str
    username: str | None
    password: str | None
    fields: dict[str, str] = field(default_factory=dict)

    def text(self, name: str) -> str | None:
        return self.fields.get(name)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def parse_request(body: bytes) -> SoapRequest:
    try:
        tree = etree.ElementTree(etree.fromstring(body, _parser()))
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise MalformedRequest(f"not XML: {exc}") from exc
    if tree.docinfo.doctype:
        raise MalformedRequest("a DOCTYPE is not accepted")
    envelope = tree.getroot()
    if envelope.tag != f"{{{SOAP_ENV}}}Envelope":
        raise MalformedRequest("not a SOAP 1.1 envelope")
    body_element = envelope.find(f"{{{SOAP_ENV}}}Body")
    operation = (
        next((child for child in body_element if isinstance(child.tag, str)), None)
        if body_element is not None
        else None
    )
    if operation is None:
        raise MalformedRequest("empty SOAP body")
    name = etree.QName(operation)
    if name.namespace != SERVICE_NS:
        raise MalformedRequest(f"unknown operation {operation.tag}")
    username = password = None
    token = envelope.find(f"{{{SOAP_ENV}}}Header/{{{WSSE}}}Security/{{{WSSE}}}UsernameToken")
    if token is not None:
        username = token.findtext(f"{{{WSSE}}}Username")
        password = token.findtext(f"{{{WSSE}}}Password")
    fields = {
        etree.QName(child).localname: (child.text or "") for child in operation if isinstance(child.tag, str)
    }
    return SoapRequest(name.localname, username, password, fields)


def decode_content(text: str | None) -> bytes:
    """The bytes of a base64 ``contentFile`` (whitespace allowed); ``ValueError`` when not base64."""
    if text is None:
        return b""
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("contentFile is not base64") from exc


# -- answers ---------------------------------------------------------------------------------------
# Written as text so that each prefix is exactly SUNAT's (a serializer would pick its own for the
# envelope namespace, which both services declare under two prefixes); every value is escaped.

_GATEWAY_OPEN = (
    f'<soap-env:Envelope xmlns:soap-env="{SOAP_ENV}" xmlns:xsi="{XSI}" xmlns:wsse="{WSSE}">'
    "<soap-env:Header/><soap-env:Body>"
)
_GATEWAY_CLOSE = "</soap-env:Body></soap-env:Envelope>"


def _gateway_answer(operation: str, child: str, text: str) -> bytes:
    return (
        XML_DECLARATION
        + (
            f'{_GATEWAY_OPEN}<br:{operation}Response xmlns:br="{SERVICE_NS}">'
            f"<{child}>{escape(text)}</{child}></br:{operation}Response>{_GATEWAY_CLOSE}"
        ).encode()
    )


def send_bill_answer(cdr_zip: bytes) -> bytes:
    return _gateway_answer("sendBill", "applicationResponse", base64.b64encode(cdr_zip).decode("ascii"))


def ticket_answer(operation: str, ticket: str) -> bytes:
    """``sendSummaryResponse`` / ``sendPackResponse`` with the ticket."""
    return _gateway_answer(operation, "ticket", ticket)


def status_answer(
    operation: str, wrapper: str, status_code: str, content: bytes | None, message: str | None = None
) -> bytes:
    """A JAX-WS answer: ``getStatusResponse/status`` (billService: content, statusCode; consult:
    statusCode, statusMessage) or ``getStatusCdrResponse/statusCdr``."""
    parts = [f'<S:Envelope xmlns:soap="{SOAP_ENV}" xmlns:S="{SOAP_ENV}"><S:Body>']
    parts.append(f'<ns2:{operation}Response xmlns:ns2="{SERVICE_NS}"><{wrapper}>')
    if content is not None:
        parts.append(f"<content>{base64.b64encode(content).decode('ascii')}</content>")
    parts.append(f"<statusCode>{escape(status_code)}</statusCode>")
    if message is not None:
        parts.append(f"<statusMessage>{escape(message)}</statusMessage>")
    parts.append(f"</{wrapper}></ns2:{operation}Response></S:Body></S:Envelope>")
    return XML_DECLARATION + "".join(parts).encode("utf-8")


def fault_code(code: str) -> str:
    """``soap-env:Client.NNNN``; SUNAT's batch and unzip errors (0200–0299) come as ``Server``."""
    if code.isdigit() and 200 <= int(code) < 300:
        return f"soap-env:Server.{code}"
    return f"soap-env:Client.{code}"


def fault(faultcode: str, faultstring: str) -> bytes:
    return (
        XML_DECLARATION
        + (
            f'{_GATEWAY_OPEN}<soap-env:Fault xmlns:soap="{SOAP_ENV}">'
            f"<faultcode>{escape(faultcode)}</faultcode><faultstring>{escape(faultstring)}</faultstring>"
            f"</soap-env:Fault>{_GATEWAY_CLOSE}"
        ).encode()
    )


def fault_text(message: str, detail: str = "") -> str:
    return f"{message} - Detalle: {detail}" if detail else message


def stylesheet_fault_text(message: str, ticket: str, stylesheet_message: str) -> str:
    return f"{message} - Detalle: xxx.xxx.xxx value='ticket: {ticket} error: {stylesheet_message}'"
