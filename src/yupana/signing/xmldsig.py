"""Enveloped XMLDSig for SUNAT documents, on lxml C14N and ``cryptography``.

What SUNAT asks for (workbook sheet *Firma*, codes 2084–2101, and the XML guides, annex
"Firma Digital"): one ``ds:Signature`` with an ``Id`` inside
``ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent``; ``ds:SignedInfo`` with a
canonicalization method, a signature method and one ``ds:Reference URI=""`` (the whole
document) with the enveloped-signature transform, a digest method and a digest value;
``ds:SignatureValue``; and the signer's certificate in
``ds:KeyInfo/ds:X509Data/ds:X509Certificate``. The DigestValue is the "valor resumen"
(hash) SUNAT prints on the document and puts in its QR code.

Algorithm. SUNAT's rules (sheet *Firma*) only require the algorithm attributes to exist; its
XML guides name RSA-SHA1 with inclusive C14N 1.0, and that is what 22 of the 23 signed
issuer documents among the examples collected from other projects use, Greenter included
(and so most issuers). SUNAT's own systems handle SHA-2 too: its CDRs are signed with
RSA-SHA512 and a GRE example uses RSA-SHA256. The default is ``rsa-sha1`` because it is the
form the guide prescribes, so every SUNAT and OSE validator accepts it by the letter;
``rsa-sha256`` is available per signer for issuers who prefer a current hash (SHA-1's known
weakness is collisions, which need the attacker to shape what the issuer signs). Either way
canonicalization is inclusive C14N 1.0 without comments.

How it stays fast. The document is canonicalized once (before the signature is inserted,
which is exactly what the enveloped-signature transform yields), SignedInfo is built by
copying a per-signer template of lxml elements and canonicalized in place, and the RSA key,
padding and hash objects are made once per signer. SignedInfo's canonical form depends only on
the namespaces in scope at the slot and on its DigestValue, so the signer keeps it per namespace
context as the bytes around the DigestValue and, for the next document in that context, joins
them with the new DigestValue instead of canonicalizing again. :meth:`Signer.sign_serialized`
writes the signed document from the document's canonical form and the signature's own bytes
instead of serializing the tree again. No XML is built from strings, and nothing is re-parsed
except in two namespace contexts UBL documents never have (see :func:`_plain_context`).
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

from yupana.signing.canonical import canonical_form
from yupana.signing.certificate import SigningKey

DS = "http://www.w3.org/2000/09/xmldsig#"
EXT = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"

C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N_WITH_COMMENTS = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
EXC_C14N_WITH_COMMENTS = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

# C14N algorithm URI -> (exclusive, with_comments)
CANONICALIZATIONS: dict[str, tuple[bool, bool]] = {
    C14N: (False, False),
    C14N_WITH_COMMENTS: (False, True),
    EXC_C14N: (True, False),
    EXC_C14N_WITH_COMMENTS: (True, True),
}
# Signature method URI -> (short name, hash)
SIGNATURE_METHODS: dict[str, tuple[str, type[hashes.HashAlgorithm]]] = {
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1": ("rsa-sha1", hashes.SHA1),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha224": ("rsa-sha224", hashes.SHA224),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": ("rsa-sha256", hashes.SHA256),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": ("rsa-sha384", hashes.SHA384),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": ("rsa-sha512", hashes.SHA512),
}
# Digest method URI -> hashlib name
DIGEST_METHODS: dict[str, str] = {
    "http://www.w3.org/2000/09/xmldsig#sha1": "sha1",
    "http://www.w3.org/2001/04/xmldsig-more#sha224": "sha224",
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
}


@dataclass(frozen=True, slots=True)
class Algorithm:
    name: str
    signature_method: str
    digest_method: str
    hash: type[hashes.HashAlgorithm]
    digest: Callable[[bytes], hashlib._Hash]


ALGORITHMS: dict[str, Algorithm] = {
    "rsa-sha1": Algorithm(
        "rsa-sha1",
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        "http://www.w3.org/2000/09/xmldsig#sha1",
        hashes.SHA1,
        hashlib.sha1,
    ),
    "rsa-sha256": Algorithm(
        "rsa-sha256",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2001/04/xmlenc#sha256",
        hashes.SHA256,
        hashlib.sha256,
    ),
}
DEFAULT_ALGORITHM = "rsa-sha1"

_UBL_EXTENSIONS = f"{{{EXT}}}UBLExtensions"
_UBL_EXTENSION = f"{{{EXT}}}UBLExtension"
_EXTENSION_CONTENT = f"{{{EXT}}}ExtensionContent"
_SIGNATURE = f"{{{DS}}}Signature"
_REFERENCE = f"{{{DS}}}Reference"
_DIGEST_VALUE = f"{{{DS}}}DigestValue"
_XML_ATTRIBUTE = "{http://www.w3.org/XML/1998/namespace}"
_CONTEXTS = 64
DECLARATION = b"<?xml version='1.0' encoding='UTF-8'?>\n"  # as lxml writes it


class Signer:
    """Signs UBL documents in place with one key and one algorithm. Safe to share between threads."""

    __slots__ = (
        "algorithm",
        "key",
        "_digest",
        "_hash",
        "_padding",
        "_private_key",
        "_signed_info",
        "_template",
    )

    def __init__(self, key: SigningKey, algorithm: str = DEFAULT_ALGORITHM) -> None:
        spec = ALGORITHMS.get(algorithm)
        if spec is None:
            raise ValueError(f"unknown signature algorithm {algorithm!r}; known: {', '.join(ALGORITHMS)}")
        self.key = key
        self.algorithm = spec.name
        self._private_key = key.private_key
        self._padding = padding.PKCS1v15()
        self._hash = spec.hash()
        self._digest = spec.digest
        self._template = _signature_template(spec, key.certificate_b64)
        # SignedInfo's canonical form around its DigestValue, per namespace context of the slot.
        self._signed_info: dict[frozenset[tuple[str | None, str]], tuple[bytes, bytes]] = {}

    def sign(self, root: etree._Element, signature_id: str = "SignatureSP") -> str:
        """Sign the document whose root element is ``root``; return the DigestValue (base64).

        The signature goes into the first empty ``ext:ExtensionContent`` (one is added when
        none is empty). Works for every SUNAT document: it relies only on the ``ext:`` elements.
        What is signed is the root element, which is what ``etree.tostring(root)`` writes:
        processing instructions or comments outside it are not part of the signed document.
        """
        return self._sign(root, signature_id, False, False)[0]

    def sign_serialized(
        self, root: etree._Element, signature_id: str = "SignatureSP", *, canonical_shape: bool = False
    ) -> tuple[str, bytes]:
        """:meth:`sign`, and the signed document's bytes: UTF-8 with an XML declaration.

        The bytes are the canonical form the digest was computed over with the signature written
        into its slot, so the document is not serialized a second time. They hold the same
        document as ``etree.tostring(root)`` (same elements, attributes, namespaces and text), in
        C14N's spelling: attributes in canonical order, empty elements as start and end tags.

        ``canonical_shape`` says that ``root`` was built in canonical shape (every element's
        attributes in C14N order, namespaces declared on the root only, as Yupana's UBL writers
        build documents): its canonical form is then taken from its plain serialization (see
        :mod:`yupana.signing.canonical`), which costs about half of libxml2's C14N.
        """
        digest, canonical, slot, signature = self._sign(root, signature_id, True, canonical_shape)
        if signature is not None and slot.prefix is not None and not slot.attrib:
            start = f"<{slot.prefix}:ExtensionContent>".encode()
            empty = start + b"</" + start[1:]
            at = canonical.find(empty)
            # Found once, it is the slot itself: "<" is escaped in canonical text and attributes.
            if at >= 0 and canonical.find(empty, at + 1) < 0:
                cut = at + len(start)
                return digest, b"".join((DECLARATION, canonical[:cut], signature, canonical[cut:]))
        return digest, etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def _sign(
        self, root: etree._Element, signature_id: str, serialize: bool, canonical_shape: bool
    ) -> tuple[str, bytes, etree._Element, bytes | None]:
        """Sign ``root``; return the digest, the document's canonical form before the signature,
        the slot and, when ``serialize``, the signature element's bytes on its own."""
        if root.getparent() is not None:
            raise ValueError("sign the document's root element")
        if not signature_id:
            raise ValueError("the signature Id cannot be empty")
        slot = signature_slot(root)
        if canonical_shape:
            if slot.text is None:
                slot.text = ""  # written as a start and an end tag, as C14N writes it
            canonical = canonical_form(root)
        else:
            canonical = etree.tostring(root, method="c14n", with_comments=False)
        digest = base64.b64encode(self._digest(canonical).digest()).decode("ascii")
        signature = self._template.__copy__()  # a deep copy, without the copy module's dispatch
        signature.set("Id", signature_id)
        signed_info = signature[0]
        signed_info[2][2].text = digest  # Reference / DigestValue
        context = _plain_context(slot)
        known = self._signed_info.get(context) if context is not None else None
        if known is not None:
            signed = b"".join((known[0], digest.encode("ascii"), known[1]))
        else:
            slot.append(signature)
            if context is None:
                signed = canonicalize(signed_info)
            else:
                signed = etree.tostring(signed_info, method="c14n", with_comments=False)
                self._remember(context, signed, digest)
        value = self._private_key.sign(signed, self._padding, self._hash)
        signature[1].text = base64.b64encode(value).decode("ascii")
        alone = None
        if serialize:
            alone = etree.tostring(signature if known is not None else signature.__copy__())
        if known is not None:
            slot.append(signature)
        return digest, canonical, slot, alone

    def _remember(self, context: frozenset[tuple[str | None, str]], signed: bytes, digest: str) -> None:
        """Keep SignedInfo's canonical form in ``context`` as the bytes around its DigestValue."""
        parts = signed.split(digest.encode("ascii"))
        if len(parts) == 2:
            if len(self._signed_info) >= _CONTEXTS:
                self._signed_info.clear()
            self._signed_info[context] = (parts[0], parts[1])


def _plain_context(slot: etree._Element) -> frozenset[tuple[str | None, str]] | None:
    """The namespaces in scope at ``slot`` when lxml's in-place C14N of SignedInfo is exact there,
    else ``None``.

    It is exact unless an ancestor carries ``xml:*`` attributes (inclusive C14N inherits them into
    SignedInfo) or makes the XMLDSig namespace the default one; neither happens in UBL
    documents, and :func:`canonicalize` handles both. Where it is exact, SignedInfo's canonical
    form depends only on those namespaces and its DigestValue.
    """
    namespaces = slot.nsmap
    if namespaces.get(None) == DS:
        return None
    element: etree._Element | None = slot
    while element is not None:
        for name in element.attrib:
            if name.startswith(_XML_ATTRIBUTE):
                return None
        element = element.getparent()
    return frozenset(namespaces.items())


def canonicalize(
    element: etree._Element,
    exclusive: bool = False,
    with_comments: bool = False,
    inclusive_ns_prefixes: list[str] | None = None,
) -> bytes:
    """C14N of ``element`` as a subset of its document (what XMLDSig signs for SignedInfo).

    The element is lifted out of the document with every namespace in scope and, for
    inclusive C14N, the ``xml:*`` attributes it inherits, then canonicalized on its own.
    """
    standalone = etree.fromstring(etree.tostring(element, with_tail=False), safe_parser())
    if not exclusive:
        inherited: dict[str, str] = {}
        for ancestor in element.iterancestors():
            for name, value in ancestor.attrib.items():
                if name.startswith(_XML_ATTRIBUTE) and name not in inherited:
                    inherited[name] = value
        for name, value in inherited.items():
            if name not in standalone.attrib:
                standalone.set(name, value)
    return etree.tostring(
        standalone,
        method="c14n",
        exclusive=exclusive,
        with_comments=with_comments,
        inclusive_ns_prefixes=inclusive_ns_prefixes,
    )


def _signature_template(spec: Algorithm, certificate_b64: str) -> etree._Element:
    def ds(name: str) -> str:
        return f"{{{DS}}}{name}"

    signature = etree.Element(ds("Signature"), nsmap={"ds": DS})
    signed_info = etree.SubElement(signature, ds("SignedInfo"))
    etree.SubElement(signed_info, ds("CanonicalizationMethod"), Algorithm=C14N)
    etree.SubElement(signed_info, ds("SignatureMethod"), Algorithm=spec.signature_method)
    reference = etree.SubElement(signed_info, ds("Reference"), URI="")
    transforms = etree.SubElement(reference, ds("Transforms"))
    etree.SubElement(transforms, ds("Transform"), Algorithm=ENVELOPED)
    etree.SubElement(reference, ds("DigestMethod"), Algorithm=spec.digest_method)
    etree.SubElement(reference, ds("DigestValue"))
    etree.SubElement(signature, ds("SignatureValue"))
    key_info = etree.SubElement(signature, ds("KeyInfo"))
    x509_data = etree.SubElement(key_info, ds("X509Data"))
    etree.SubElement(x509_data, ds("X509Certificate")).text = certificate_b64
    return signature


def signature_slot(root: etree._Element) -> etree._Element:
    """The first empty ``ext:ExtensionContent`` under ``ext:UBLExtensions`` (created if needed).

    Raises ``ValueError`` if the document already carries a ``ds:Signature`` there.
    """
    extensions = None
    for child in root:
        if child.tag == _UBL_EXTENSIONS:
            extensions = child
            break
    if extensions is None:
        extensions = etree.Element(
            _UBL_EXTENSIONS, nsmap=None if EXT in root.nsmap.values() else {"ext": EXT}
        )
        root.insert(0, extensions)
    slot = None
    for extension in extensions:
        if extension.tag != _UBL_EXTENSION:
            continue
        for content in extension:
            if content.tag != _EXTENSION_CONTENT:
                continue
            if len(content) == 0:
                if slot is None:
                    slot = content
            elif content.find(_SIGNATURE) is not None:
                raise ValueError("the document is already signed")
    if slot is None:
        extension = etree.SubElement(extensions, _UBL_EXTENSION)
        slot = etree.SubElement(extension, _EXTENSION_CONTENT)
    return slot


@lru_cache(maxsize=256)
def signer_for(key: SigningKey, algorithm: str = DEFAULT_ALGORITHM) -> Signer:
    """The shared :class:`Signer` for a key (keys from ``load_signing_key`` are cached too)."""
    return Signer(key, algorithm)


_local = threading.local()


def safe_parser() -> etree.XMLParser:
    """This thread's parser for untrusted XML: no entities, no DTD loading, no network."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=False
        )
        _local.parser = parser
    return parser


def digest_value(xml: bytes | str | etree._Element) -> str | None:
    """The DigestValue of the ``Reference URI=""`` of the document's signature, or ``None``.

    ``None`` also when ``xml`` is not well-formed XML.
    """
    if isinstance(xml, etree._Element):
        root = xml
    else:
        try:
            data = xml.encode("utf-8") if isinstance(xml, str) else xml
            root = etree.fromstring(data, safe_parser())
        except (etree.XMLSyntaxError, ValueError):
            return None
    for reference in root.iter(_REFERENCE):
        if reference.get("URI") == "" and reference.getparent() is not None:
            value = reference.find(_DIGEST_VALUE)
            if value is not None and value.text:
                return value.text.strip()
    return None
