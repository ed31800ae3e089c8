"""Enveloped XMLDSig: our signer checked by python-xmlsec, signxml and our verifier; the verifier
checked against Greenter's signed documents; tampering caught by all three."""

from __future__ import annotations

import base64
import re
import threading
import warnings
from copy import deepcopy

import pytest
import xmlsec
from cryptography.hazmat.primitives import serialization
from cryptography.utils import CryptographyDeprecationWarning
from lxml import etree
from signxml import DigestAlgorithm, SignatureConfiguration, SignatureMethod, XMLVerifier

from conftest import FIXTURES, SUNAT, TEST_PEM, TEST_PFX, TEST_PFX_PASSWORD
from yupana.signing.certificate import SigningKey, load_signing_key, signing_key_from_bytes
from yupana.signing.selfsigned import make_self_signed_pfx
from yupana.signing.verify import verify
from yupana.signing.xmldsig import DEFAULT_ALGORITHM, Signer, digest_value, signer_for

DS = "http://www.w3.org/2000/09/xmldsig#"
EXT = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
GREENTER = FIXTURES / "greenter-lycet" / "greenter-demo-xml"
ALGORITHMS = ("rsa-sha1", "rsa-sha256")
XMLSEC_METHODS = {
    "rsa-sha1": (xmlsec.constants.TransformRsaSha1, xmlsec.constants.TransformSha1),
    "rsa-sha256": (xmlsec.constants.TransformRsaSha256, xmlsec.constants.TransformSha256),
}
SIGNXML_ANY = SignatureConfiguration(
    signature_methods=frozenset(SignatureMethod), digest_algorithms=frozenset(DigestAlgorithm)
)


@pytest.fixture(scope="module")
def keys() -> dict[str, SigningKey]:
    pfx = make_self_signed_pfx("20123456789", "clave", razon_social="EMPRESA DE PRUEBAS S.A.C.")
    return {
        "greenter-pfx": load_signing_key(TEST_PFX, TEST_PFX_PASSWORD),
        "greenter-pem": load_signing_key(TEST_PEM, None),
        "self-signed": signing_key_from_bytes(pfx, "clave"),
    }


def tiny_invoice() -> etree._Element:
    root = etree.Element(
        "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice",
        nsmap={
            None: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
            "cbc": CBC,
            "ext": EXT,
        },
    )
    extension = etree.SubElement(etree.SubElement(root, f"{{{EXT}}}UBLExtensions"), f"{{{EXT}}}UBLExtension")
    etree.SubElement(extension, f"{{{EXT}}}ExtensionContent")
    etree.SubElement(root, f"{{{CBC}}}ID").text = "F001-1"
    etree.SubElement(root, f"{{{CBC}}}Note").text = "SON CIEN CON 00/100 SOLES & ñandú <ok>"
    return root


def unsigned(name: str) -> etree._Element:
    return etree.parse(str(GREENTER / f"{name}.unsigned.xml")).getroot()


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def xmlsec_verify(xml: bytes, key: SigningKey) -> None:
    node = xmlsec.tree.find_node(etree.fromstring(xml), xmlsec.constants.NodeSignature)
    ctx = xmlsec.SignatureContext()
    ctx.key = xmlsec.Key.from_memory(key.certificate.pem, xmlsec.constants.KeyDataFormatCertPem)
    ctx.verify(node)


def signxml_verify(xml: bytes, key: SigningKey) -> None:
    with warnings.catch_warnings():  # signxml parses Greenter's negative-serial certificate itself
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        XMLVerifier().verify(xml, x509_cert=key.certificate.pem, expect_config=SIGNXML_ANY)


def xmlsec_sign(root: etree._Element, key: SigningKey, algorithm: str) -> etree._Element:
    """Sign with libxmlsec1 into the same slot our signer uses; returns the ds:Signature."""
    sign_method, digest_method = XMLSEC_METHODS[algorithm]
    signature = xmlsec.template.create(root, xmlsec.constants.TransformInclC14N, sign_method, ns="ds")
    reference = xmlsec.template.add_reference(signature, digest_method, uri="")
    xmlsec.template.add_transform(reference, xmlsec.constants.TransformEnveloped)
    xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(signature))
    for element in signature.iter():  # libxmlsec1 templates carry line breaks; ours carry none
        element.text = element.text if element.text and element.text.strip() else None
        element.tail = None
    root.find(f".//{{{EXT}}}ExtensionContent").append(signature)
    pem = key.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    ctx = xmlsec.SignatureContext()
    ctx.key = xmlsec.Key.from_memory(pem, xmlsec.constants.KeyDataFormatPem)
    ctx.key.load_cert_from_memory(key.certificate.pem, xmlsec.constants.KeyDataFormatCertPem)
    ctx.sign(signature)
    return signature


def ds_text(root: etree._Element, name: str) -> str:
    return "".join(root.find(f".//{{{DS}}}{name}").text.split())


# --------------------------------------------------------------------------- signing


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("key_name", ["greenter-pfx", "greenter-pem", "self-signed"])
def test_signature_verifies_with_xmlsec_signxml_and_ours(
    keys: dict[str, SigningKey], key_name: str, algorithm: str
) -> None:
    key = keys[key_name]
    for root in (tiny_invoice(), unsigned("factura")):
        digest = Signer(key, algorithm).sign(root)
        xml = serialize(root)
        xmlsec_verify(xml, key)
        signxml_verify(xml, key)
        result = verify(xml)
        assert result.valid, result.message
        assert result.digest_ok and result.signature_ok
        assert result.algorithm == algorithm
        assert result.digest_value == digest == digest_value(xml) == digest_value(root)
        assert result.serial_number == key.serial_number
        assert result.not_after == key.not_after
        assert len(base64.b64decode(digest)) == (20 if algorithm == "rsa-sha1" else 32)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_same_digest_and_signature_value_as_libxmlsec1(keys: dict[str, SigningKey], algorithm: str) -> None:
    key = keys["self-signed"]
    ours = unsigned("factura-detraccion")
    theirs = deepcopy(ours)
    digest = Signer(key, algorithm).sign(ours)
    xmlsec_sign(theirs, key, algorithm)
    assert digest == ds_text(theirs, "DigestValue")
    assert digest_value(serialize(ours)) == ds_text(theirs, "DigestValue")
    # PKCS#1 v1.5 is deterministic: same canonical SignedInfo, same signature bytes
    assert ds_text(ours, "SignatureValue") == ds_text(theirs, "SignatureValue")
    assert verify(serialize(theirs)).valid


def golden_names() -> list[str]:
    return sorted(p.name.removesuffix(".unsigned.xml") for p in GREENTER.glob("*.unsigned.xml"))


def test_reproduces_greenters_signatures_byte_for_byte(keys: dict[str, SigningKey]) -> None:
    """Greenter signs with RSA-SHA1 and the same certificate; deterministic PKCS#1 v1.5 means
    our signature of each unsigned document must equal Greenter's golden one."""
    signer = Signer(keys["greenter-pfx"], "rsa-sha1")
    names = golden_names()
    assert len(names) >= 30
    for name in names:
        root = unsigned(name)
        digest = signer.sign(root, "GreenterSign")
        golden = etree.parse(str(GREENTER / f"{name}.signed.xml")).getroot()
        assert digest == ds_text(golden, "DigestValue"), name
        assert ds_text(root, "SignatureValue") == ds_text(golden, "SignatureValue"), name
        assert ds_text(root, "X509Certificate") == ds_text(golden, "X509Certificate"), name


@pytest.mark.parametrize(
    "name",
    ["resumen", "comunicacion-baja", "reversion", "retencion", "percepcion", "guia-remision", "nota-credito"],
)
def test_ubl20_roots_and_despatch_advice(keys: dict[str, SigningKey], name: str) -> None:
    key = keys["self-signed"]
    root = unsigned(name)
    Signer(key, "rsa-sha256").sign(root)
    xml = serialize(root)
    xmlsec_verify(xml, key)
    assert verify(xml).valid


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_signed_bytes_are_the_signed_document(keys: dict[str, SigningKey], algorithm: str) -> None:
    """``sign_serialized`` writes the document its tree holds (the same canonical form), signed
    alike whether SignedInfo's canonical form is computed or known from an earlier document."""
    key = keys["self-signed"]
    signer = Signer(key, algorithm)
    names = ("factura", "factura-detraccion", "factura", "nota-credito")
    for root in (tiny_invoice(), tiny_invoice(), *(unsigned(name) for name in names)):
        fresh = deepcopy(root)
        digest, xml = signer.sign_serialized(root, "SignatureSP")
        assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n")
        assert etree.tostring(etree.fromstring(xml), method="c14n") == etree.tostring(root, method="c14n")
        assert digest == Signer(key, algorithm).sign(fresh, "SignatureSP")
        assert ds_text(root, "SignatureValue") == ds_text(fresh, "SignatureValue")
        xmlsec_verify(xml, key)
        assert verify(xml).valid


def test_signed_bytes_outside_plain_slots(keys: dict[str, SigningKey]) -> None:
    """A slot holding whitespace, or an ``xml:*`` attribute above it, still gives the signed
    document's bytes."""
    signer = Signer(keys["self-signed"])
    spaced = tiny_invoice()
    spaced[0][0][0].text = "\n  "
    lang = tiny_invoice()
    lang.set("{http://www.w3.org/XML/1998/namespace}lang", "es")
    for root in (spaced, lang):
        digest, xml = signer.sign_serialized(root)
        assert etree.tostring(etree.fromstring(xml), method="c14n") == etree.tostring(root, method="c14n")
        assert digest == digest_value(xml)
        xmlsec_verify(xml, keys["self-signed"])
        assert verify(xml).valid


def test_default_algorithm_is_rsa_sha1(keys: dict[str, SigningKey]) -> None:
    root = tiny_invoice()
    Signer(keys["self-signed"]).sign(root)
    assert DEFAULT_ALGORITHM == "rsa-sha1"
    assert verify(serialize(root)).algorithm == "rsa-sha1"


def test_signature_structure_matches_sunat_rules(keys: dict[str, SigningKey]) -> None:
    root = tiny_invoice()
    Signer(keys["self-signed"]).sign(root, "SIGN-F001-1")
    path = f"{{{EXT}}}UBLExtensions/{{{EXT}}}UBLExtension/{{{EXT}}}ExtensionContent/{{{DS}}}Signature"
    signature = root.find(path)
    assert signature is not None and signature.get("Id") == "SIGN-F001-1"
    signed_info = signature.find(f"{{{DS}}}SignedInfo")
    c14n = signed_info.find(f"{{{DS}}}CanonicalizationMethod").get("Algorithm")
    assert c14n == "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    reference = signed_info.find(f"{{{DS}}}Reference")
    assert reference.get("URI") == ""
    transforms = [t.get("Algorithm") for t in reference.iter(f"{{{DS}}}Transform")]
    assert transforms == ["http://www.w3.org/2000/09/xmldsig#enveloped-signature"]
    assert re.fullmatch(r"[A-Za-z0-9+/=]{2,}", ds_text(signature, "SignatureValue"))  # SUNAT 2098
    assert re.fullmatch(r"[A-Za-z0-9+/=]{2,}", ds_text(signature, "X509Certificate"))  # SUNAT 2100
    assert [el.tag.split("}")[1] for el in signature] == ["SignedInfo", "SignatureValue", "KeyInfo"]


def test_signature_goes_into_the_first_empty_extension_content(keys: dict[str, SigningKey]) -> None:
    root = tiny_invoice()
    extensions = root[0]
    busy = etree.Element(f"{{{EXT}}}UBLExtension")
    etree.SubElement(etree.SubElement(busy, f"{{{EXT}}}ExtensionContent"), "{urn:sunat}AdditionalInformation")
    extensions.insert(0, busy)
    Signer(keys["self-signed"]).sign(root)
    assert len(extensions) == 2
    assert extensions[1][0][0].tag == f"{{{DS}}}Signature"
    assert verify(serialize(root)).valid


def test_extension_is_created_when_none_is_empty_or_present(keys: dict[str, SigningKey]) -> None:
    signer = Signer(keys["self-signed"])
    full = tiny_invoice()
    etree.SubElement(full[0][0][0], "{urn:sunat}AdditionalInformation")
    signer.sign(full)
    assert len(full[0]) == 2 and full[0][1][0][0].tag == f"{{{DS}}}Signature"
    assert verify(serialize(full)).valid

    bare = etree.Element("{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice")
    etree.SubElement(bare, f"{{{CBC}}}ID").text = "F001-2"
    signer.sign(bare)
    assert bare[0].tag == f"{{{EXT}}}UBLExtensions"
    assert verify(serialize(bare)).valid


def test_pretty_printed_documents_and_comments(keys: dict[str, SigningKey]) -> None:
    xml = (
        '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"'
        f' xmlns:ext="{EXT}" xmlns:cbc="{CBC}" xml:lang="es">\n'
        "  <ext:UBLExtensions>\n    <ext:UBLExtension>\n      <ext:ExtensionContent>\n"
        "      </ext:ExtensionContent>\n    </ext:UBLExtension>\n  </ext:UBLExtensions>\n"
        "  <!-- a comment is not signed -->\n  <cbc:ID>F001-3</cbc:ID>\n</Invoice>\n"
    )
    for algorithm in ALGORITHMS:
        root = etree.fromstring(xml.encode())
        Signer(keys["self-signed"], algorithm).sign(root)
        signed = serialize(root)
        xmlsec_verify(signed, keys["self-signed"])
        assert verify(signed).valid


def test_refuses_to_sign_twice_or_a_non_root_element(keys: dict[str, SigningKey]) -> None:
    signer = Signer(keys["self-signed"])
    root = tiny_invoice()
    signer.sign(root)
    with pytest.raises(ValueError, match="already signed"):
        signer.sign(root)
    with pytest.raises(ValueError, match="root"):
        signer.sign(tiny_invoice()[1])
    with pytest.raises(ValueError, match="unknown signature algorithm"):
        Signer(keys["self-signed"], "rsa-md5")


def test_signer_for_reuses_one_signer_per_key(keys: dict[str, SigningKey]) -> None:
    key = keys["self-signed"]
    assert signer_for(key) is signer_for(key)
    assert signer_for(key, "rsa-sha256") is not signer_for(key)


def test_one_signer_shared_by_threads(keys: dict[str, SigningKey]) -> None:
    signer = Signer(keys["self-signed"], "rsa-sha256")
    results: list[bytes] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        for i in range(20):
            root = tiny_invoice()
            root[1].text = f"F{n:03d}-{i}"
            signer.sign(root)
            with lock:
                results.append(serialize(root))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 80
    assert all(verify(xml).valid for xml in results)


# --------------------------------------------------------------------------- tampering


def test_tampering_is_caught_by_every_verifier(keys: dict[str, SigningKey]) -> None:
    key = keys["greenter-pfx"]
    root = unsigned("factura")
    Signer(key, "rsa-sha1").sign(root)
    xml = serialize(root)
    altered = xml.replace(
        b'<cbc:PayableAmount currencyID="PEN">336.00<', b'<cbc:PayableAmount currencyID="PEN">3.36<'
    )
    assert altered != xml
    result = verify(altered)
    assert not result.valid and not result.digest_ok and result.signature_ok
    assert "altered" in result.message
    with pytest.raises(xmlsec.Error):
        xmlsec_verify(altered, key)
    with pytest.raises(Exception, match="[Dd]igest"):
        signxml_verify(altered, key)

    value = ds_text(root, "SignatureValue")
    forged = xml.replace(value.encode(), (("B" if value[0] == "A" else "A") + value[1:]).encode())
    result = verify(forged)
    assert not result.valid and result.digest_ok and not result.signature_ok
    with pytest.raises(xmlsec.Error):
        xmlsec_verify(forged, key)
    with pytest.raises(Exception):  # noqa: B017 - signxml raises InvalidSignature subclasses
        signxml_verify(forged, key)


def test_altered_signed_info_is_caught(keys: dict[str, SigningKey]) -> None:
    root = tiny_invoice()
    Signer(keys["self-signed"], "rsa-sha256").sign(root)
    digest = ds_text(root, "DigestValue")
    root.find(f".//{{{DS}}}DigestValue").text = base64.b64encode(b"\0" * 32).decode()
    result = verify(serialize(root))
    assert not result.valid and not result.digest_ok and not result.signature_ok
    root.find(f".//{{{DS}}}DigestValue").text = digest
    assert verify(serialize(root)).valid


# --------------------------------------------------------------------------- verifying others' documents


def test_verifies_greenters_signed_goldens() -> None:
    files = sorted(GREENTER.glob("*.signed.xml"))
    assert len(files) >= 30
    for path in files:
        result = verify(path.read_bytes())
        assert result.valid, f"{path.name}: {result.message}"
        assert result.algorithm == "rsa-sha1" and result.digest_algorithm == "sha1"
        assert result.digest_value == digest_value(path.read_bytes())
        assert "RUC 20210441213" in (result.subject or "")
        assert result.serial_number is not None and result.serial_number < 0


def test_verifier_agrees_with_libxmlsec1_on_third_party_examples() -> None:
    examples = SUNAT / "examples"
    checked = 0
    for path in sorted(examples.rglob("*")):
        if path.suffix.lower() != ".xml" or b"SignatureValue>" not in (data := path.read_bytes()):
            continue
        try:
            node = xmlsec.tree.find_node(etree.fromstring(data), xmlsec.constants.NodeSignature)
            cert = "".join(node.find(f".//{{{DS}}}X509Certificate").text.split())
            ctx = xmlsec.SignatureContext()
            pem = f"-----BEGIN CERTIFICATE-----\n{cert}\n-----END CERTIFICATE-----\n"
            ctx.key = xmlsec.Key.from_memory(pem, xmlsec.constants.KeyDataFormatCertPem)
            ctx.verify(node)
            theirs = True
        except Exception:
            theirs = False
        assert verify(data).valid is theirs, path.name
        checked += 1
    assert checked >= 10


# --------------------------------------------------------------------------- hostile or broken input


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "well-formed"),
        (b"<Invoice", "well-formed"),
        ("\u00f1o XML".encode("latin-1"), "well-formed"),
        (b"<Invoice xmlns='urn:x'><ID>1</ID></Invoice>", "no ds:Signature"),
        (
            b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
            "DOCTYPE",
        ),
        (
            b'<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>',
            "DOCTYPE",
        ),
        (f'<r xmlns:ds="{DS}"><ds:Signature/></r>'.encode(), "SignedInfo"),
    ],
)
def test_verify_never_raises_on_bad_input(data: bytes, reason: str) -> None:
    result = verify(data)
    assert not result.valid
    assert reason in result.message


def test_verify_reports_unsupported_and_broken_parts(keys: dict[str, SigningKey]) -> None:
    root = tiny_invoice()
    Signer(keys["self-signed"]).sign(root)
    xml = serialize(root)
    cases = {
        b"xmldsig#rsa-sha1": (b"xmldsig#rsa-md5", "unsupported SignatureMethod"),
        b'URI=""': (b'URI="#other"', "only Reference URI"),
        b"enveloped-signature": (b"xpath-filter", "unsupported Transform"),
        b"<ds:X509Certificate>": (b"<ds:X509Certificate>***", "not base64"),
        b"<ds:SignatureValue>": (b"<ds:SignatureValue>%%", "not base64"),
    }
    for needle, (replacement, message) in cases.items():
        broken = xml.replace(needle, replacement, 1)
        assert broken != xml
        result = verify(broken)
        assert not result.valid and message in result.message, (needle, result.message)
    assert verify(xml.decode("utf-8")).valid
    assert not verify(12345).valid  # type: ignore[arg-type]


def test_digest_value_of_unsigned_or_broken_input() -> None:
    assert digest_value(unsigned("factura")) is None
    assert digest_value(b"not xml") is None
    golden = (GREENTER / "factura.signed.xml").read_bytes()
    assert digest_value(golden) == ds_text(etree.fromstring(golden), "DigestValue")
