"""Checking the enveloped XMLDSig of a SUNAT document (or of a CDR).

The digest is recomputed from the document (enveloped-signature transform, then the C14N
the Reference declares) and the RSA signature over the canonical SignedInfo is checked
against the certificate embedded in ``ds:KeyInfo``. Whether that certificate is trusted
(the one the issuer registered with SUNAT, not revoked) is not this module's question.

Input is untrusted: it is parsed without entity expansion, DTD loading or network access,
documents with a DOCTYPE are refused, and :func:`verify` never raises.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from yupana.signing.certificate import CertificateError, CertificateInfo, read_certificate
from yupana.signing.xmldsig import (
    CANONICALIZATIONS,
    DIGEST_METHODS,
    DS,
    ENVELOPED,
    EXT,
    SIGNATURE_METHODS,
    canonicalize,
    safe_parser,
)

_EXC_NS = "http://www.w3.org/2001/10/xml-exc-c14n#"


@dataclass(frozen=True, slots=True)
class VerifyResult:
    valid: bool
    digest_ok: bool
    signature_ok: bool
    message: str
    digest_value: str | None = None  # as written in the document
    algorithm: str | None = None  # signature method, e.g. "rsa-sha1"
    digest_algorithm: str | None = None  # e.g. "sha1"
    subject: str | None = None
    serial_number: int | None = None
    not_after: datetime | None = None


class _Invalid(Exception):
    pass


def _ds(name: str) -> str:
    return f"{{{DS}}}{name}"


def verify(xml: bytes | str) -> VerifyResult:
    """Verify the document's enveloped signature. Never raises: problems come back as results."""
    try:
        return _verify(xml)
    except _Invalid as exc:
        return VerifyResult(False, False, False, str(exc))
    except Exception as exc:
        return VerifyResult(False, False, False, f"cannot verify the signature: {type(exc).__name__}: {exc}")


def _verify(xml: bytes | str) -> VerifyResult:
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _Invalid("the document must be bytes")
    try:
        tree = etree.ElementTree(etree.fromstring(bytes(data), safe_parser()))
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise _Invalid(f"not well-formed XML: {exc}") from None
    if tree.docinfo.doctype:
        raise _Invalid("documents with a DOCTYPE are not accepted")
    root = tree.getroot()
    signature = _find_signature(root)

    signed_info = _child(signature, "SignedInfo")
    c14n_method = _algorithm(_child(signed_info, "CanonicalizationMethod"))
    if c14n_method not in CANONICALIZATIONS:
        raise _Invalid(f"unsupported CanonicalizationMethod {c14n_method}")
    signature_method = _algorithm(_child(signed_info, "SignatureMethod"))
    if signature_method not in SIGNATURE_METHODS:
        raise _Invalid(f"unsupported SignatureMethod {signature_method}")
    algorithm, hash_type = SIGNATURE_METHODS[signature_method]

    references = signed_info.findall(_ds("Reference"))
    if len(references) != 1:
        raise _Invalid(f"expected one ds:Reference, found {len(references)}")
    reference = references[0]
    if reference.get("URI") != "":
        raise _Invalid(
            f'only Reference URI="" (the whole document) is supported, found {reference.get("URI")!r}'
        )
    enveloped, ref_c14n = _transforms(reference)
    digest_method = _algorithm(_child(reference, "DigestMethod"))
    digest_name = DIGEST_METHODS.get(digest_method)
    if digest_name is None:
        raise _Invalid(f"unsupported DigestMethod {digest_method}")
    written_digest = (_child(reference, "DigestValue").text or "").strip()

    certificate = _certificate(signature)
    public_key = certificate.public_key
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise _Invalid("the embedded certificate does not hold an RSA key")
    try:
        signature_value = base64.b64decode(
            "".join((_child(signature, "SignatureValue").text or "").split()), validate=True
        )
    except binascii.Error:
        raise _Invalid("ds:SignatureValue is not base64") from None

    exclusive, with_comments = CANONICALIZATIONS[c14n_method]
    canonical_signed_info = canonicalize(
        signed_info,
        exclusive=exclusive,
        with_comments=with_comments,
        inclusive_ns_prefixes=_prefix_list(_child(signed_info, "CanonicalizationMethod"))
        if exclusive
        else None,
    )
    try:
        public_key.verify(signature_value, canonical_signed_info, padding.PKCS1v15(), hash_type())
        signature_ok = True
    except InvalidSignature:
        signature_ok = False

    if enveloped:
        _remove_keeping_tail(signature)
    exclusive, prefixes = ref_c14n
    # URI="" selects the document without comments, whatever the C14N variant says.
    canonical = etree.tostring(
        tree, method="c14n", exclusive=exclusive, with_comments=False, inclusive_ns_prefixes=prefixes
    )
    computed = base64.b64encode(hashlib.new(digest_name, canonical).digest()).decode("ascii")
    digest_ok = computed == written_digest

    if digest_ok and signature_ok:
        message = "the signature is valid"
    elif not digest_ok:
        message = "the document was altered after signing (digest mismatch)"
    else:
        message = "the signature value does not match SignedInfo and the embedded certificate"
    return VerifyResult(
        valid=digest_ok and signature_ok,
        digest_ok=digest_ok,
        signature_ok=signature_ok,
        message=message,
        digest_value=written_digest or None,
        algorithm=algorithm,
        digest_algorithm=digest_name,
        subject=certificate.subject,
        serial_number=certificate.serial_number,
        not_after=certificate.not_after,
    )


def _find_signature(root: etree._Element) -> etree._Element:
    signatures = list(root.iter(_ds("Signature")))
    if not signatures:
        raise _Invalid("the document has no ds:Signature")
    for signature in signatures:
        parent = signature.getparent()
        if parent is not None and parent.tag == f"{{{EXT}}}ExtensionContent":
            return signature
    return signatures[0]


def _child(parent: etree._Element, name: str) -> etree._Element:
    found = parent.find(_ds(name))
    if found is None:
        raise _Invalid(f"ds:{name} is missing")
    return found


def _algorithm(element: etree._Element) -> str:
    return element.get("Algorithm") or ""


def _prefix_list(method: etree._Element) -> list[str] | None:
    inclusive = method.find(f"{{{_EXC_NS}}}InclusiveNamespaces")
    if inclusive is None:
        return None
    return [p for p in (inclusive.get("PrefixList") or "").split() if p != "#default"] or None


def _transforms(reference: etree._Element) -> tuple[bool, tuple[bool, list[str] | None]]:
    """(enveloped?, (exclusive?, inclusive prefixes)) for the Reference's transform chain."""
    enveloped = False
    c14n: tuple[bool, list[str] | None] = (False, None)
    transforms = reference.find(_ds("Transforms"))
    for transform in transforms if transforms is not None else ():
        if not isinstance(transform.tag, str):
            continue
        uri = _algorithm(transform)
        if uri == ENVELOPED:
            enveloped = True
        elif uri in CANONICALIZATIONS:
            exclusive, _ = CANONICALIZATIONS[uri]
            c14n = (exclusive, _prefix_list(transform) if exclusive else None)
        else:
            raise _Invalid(f"unsupported Transform {uri}")
    return enveloped, c14n


def _certificate(signature: etree._Element) -> CertificateInfo:
    element = signature.find(f"{_ds('KeyInfo')}/{_ds('X509Data')}/{_ds('X509Certificate')}")
    if element is None or not (element.text or "").strip():
        raise _Invalid("ds:KeyInfo/ds:X509Data/ds:X509Certificate is missing")
    try:
        raw = base64.b64decode("".join(element.text.split()), validate=True)
        return read_certificate(raw)
    except binascii.Error:
        raise _Invalid("ds:X509Certificate is not base64") from None
    except CertificateError as exc:
        raise _Invalid(f"the embedded certificate cannot be read: {exc.message}") from None


def _remove_keeping_tail(element: etree._Element) -> None:
    """Remove ``element`` but leave its tail text where it was (as the DOM would)."""
    parent = element.getparent()
    if parent is None:
        raise _Invalid("the signature cannot be the document element")
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)
