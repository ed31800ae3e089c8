"""Loading signing keys: PKCS#12 and PEM, passwords, the tolerant paths, the cache, self-signed files."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12 as crypto_pkcs12
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import NameOID
from lxml import etree

from conftest import TEST_PEM, TEST_PFX, TEST_PFX_PASSWORD
from yupana.signing import certificate as certificate_module
from yupana.signing import der
from yupana.signing.certificate import (
    CertificateError,
    clear_key_cache,
    load_signing_key,
    read_certificate,
    signing_key_from_bytes,
)
from yupana.signing.pkcs12 import Pkcs12Error, WrongPassword, read_pkcs12
from yupana.signing.selfsigned import make_self_signed_pfx
from yupana.signing.verify import verify
from yupana.signing.xmldsig import Signer

EXT = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"

# Greenter's test certificate: serial 0xA5CC54C19EF796804F1CAFFC30C2EC9C read as a signed DER INTEGER.
GREENTER_SERIAL = int.from_bytes(bytes.fromhex("a5cc54c19ef796804f1caffc30c2ec9c"), "big", signed=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_key_cache()
    yield
    clear_key_cache()


@pytest.fixture(scope="module")
def greenter_pfx() -> bytes:
    return TEST_PFX.read_bytes()


@pytest.fixture(scope="module")
def self_signed() -> bytes:
    return make_self_signed_pfx("20123456789", "secreto", razon_social="EMPRESA DE PRUEBAS S.A.C.")


def _tiny_invoice() -> etree._Element:
    root = etree.Element(
        "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice", nsmap={"ext": EXT}
    )
    extension = etree.SubElement(etree.SubElement(root, f"{{{EXT}}}UBLExtensions"), f"{{{EXT}}}UBLExtension")
    etree.SubElement(extension, f"{{{EXT}}}ExtensionContent")
    etree.SubElement(
        root, "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}ID"
    ).text = "F001-1"
    return root


def _same_key(a: rsa.RSAPrivateKey, b: rsa.RSAPrivateKey) -> bool:
    return a.private_numbers() == b.private_numbers()


# --------------------------------------------------------------------------- PKCS#12


def test_greenter_pfx_loads_without_warnings_despite_negative_serial(greenter_pfx: bytes) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", CryptographyDeprecationWarning)
        key = signing_key_from_bytes(greenter_pfx, TEST_PFX_PASSWORD)
    assert key.serial_number == GREENTER_SERIAL < 0
    assert key.private_key.key_size == 4096
    assert "CN=TI SOLUCIONES" in key.subject
    assert "RUC 20210441213" in key.subject
    assert key.issuer == key.subject  # self-issued
    assert key.not_before == datetime(2016, 10, 26, 14, 54, 17, tzinfo=UTC)
    assert key.not_after == datetime(2039, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert base64.b64decode(key.certificate_b64) == key.certificate_der
    assert key.certificate.is_current()


def test_pfx_loads_when_cryptography_refuses_the_file(
    greenter_pfx: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = signing_key_from_bytes(greenter_pfx, TEST_PFX_PASSWORD)

    def refuse(*args: object, **kwargs: object) -> None:
        raise ValueError("Could not deserialize PKCS12 data")

    monkeypatch.setattr(certificate_module.crypto_pkcs12, "load_key_and_certificates", refuse)
    key = signing_key_from_bytes(greenter_pfx, TEST_PFX_PASSWORD)
    assert key.certificate_der == expected.certificate_der
    assert _same_key(key.private_key, expected.private_key)
    with pytest.raises(CertificateError, match="wrong password"):
        signing_key_from_bytes(greenter_pfx, "654321")


def test_certificate_read_never_hands_a_negative_serial_to_cryptography(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Simulates the announced cryptography release that refuses non-positive serials."""
    original = x509.load_der_x509_certificate

    def strict(data: bytes) -> x509.Certificate:
        tbs = der.read_all(data).children()[0].children()
        serial = der.integer(tbs[1] if tbs[0].tag == 0xA0 else tbs[0])
        if serial <= 0:
            raise ValueError("non-positive serial")
        return original(data)

    monkeypatch.setattr(certificate_module.x509, "load_der_x509_certificate", strict)
    pem = TEST_PEM.read_bytes()
    info = read_certificate(pem)
    assert info.serial_number == GREENTER_SERIAL
    assert info.subject == "CN=TI SOLUCIONES,OU=DNI 48004835 RUC 20210441213"
    assert isinstance(info.public_key, rsa.RSAPublicKey)
    # the embedded bytes are the original certificate, not the normalised copy
    assert info.der == _first_cert_der(pem)


def _first_cert_der(pem: bytes) -> bytes:
    body = pem.split(b"-----BEGIN CERTIFICATE-----")[1].split(b"-----END CERTIFICATE-----")[0]
    return base64.b64decode(b"".join(body.split()))


def test_wrong_pfx_password_is_a_certificate_error_without_the_password(greenter_pfx: bytes) -> None:
    with pytest.raises(CertificateError) as caught:
        signing_key_from_bytes(greenter_pfx, "clave-equivocada-987")
    assert "wrong password" in caught.value.message
    assert "clave-equivocada-987" not in str(caught.value)
    with pytest.raises(CertificateError, match="wrong password"):
        signing_key_from_bytes(greenter_pfx, None)


def test_pfx_without_password_opens_with_none_or_empty() -> None:
    pfx = make_self_signed_pfx("20123456789", "")
    a = signing_key_from_bytes(pfx, None)
    b = signing_key_from_bytes(pfx, "")
    assert a.certificate_der == b.certificate_der


def _legacy_pfx(key: rsa.RSAPrivateKey, cert: x509.Certificate, password: bytes) -> bytes:
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(2048)
        .key_cert_algorithm(crypto_pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .hmac_hash(hashes.SHA1())
        .build(password)
    )
    return crypto_pkcs12.serialize_key_and_certificates(b"legacy", key, cert, None, encryption)


def test_tolerant_reader_opens_pbes2_and_3des_files(greenter_pfx: bytes, self_signed: bytes) -> None:
    contents = read_pkcs12(greenter_pfx, TEST_PFX_PASSWORD)  # PBES2 / AES-256 / HMAC-SHA256
    assert len(contents.private_keys) == 1 and len(contents.certificates) == 1
    assert read_certificate(contents.certificates[0]).serial_number == GREENTER_SERIAL

    key = signing_key_from_bytes(self_signed, "secreto")
    cert = x509.load_der_x509_certificate(key.certificate_der)
    legacy = _legacy_pfx(key.private_key, cert, b"antigua")
    contents = read_pkcs12(legacy, "antigua")
    assert contents.certificates == [key.certificate_der]
    assert _same_key(contents.private_keys[0], key.private_key)
    with pytest.raises(WrongPassword):
        read_pkcs12(legacy, "otra")
    with pytest.raises(Pkcs12Error):
        read_pkcs12(b"\x30\x03\x02\x01\x03", "x")


@pytest.mark.skipif(
    shutil.which("openssl") is None, reason="needs the openssl command to write an RC2-40 file"
)
def test_tolerant_reader_opens_rc2_40_files_written_by_openssl(tmp_path: Path, self_signed: bytes) -> None:
    key = signing_key_from_bytes(self_signed, "secreto")
    (tmp_path / "key.pem").write_bytes(
        key.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (tmp_path / "cert.pem").write_text(key.certificate.pem)
    command = ["openssl", "pkcs12", "-export", "-legacy", "-inkey", "key.pem", "-in", "cert.pem"]
    command += ["-out", "legacy.p12", "-passout", "pass:rc2clave"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"openssl cannot write legacy PKCS#12 here: {done.stderr.strip()[:200]}")
    info = subprocess.run(
        ["openssl", "pkcs12", "-info", "-noout", "-legacy", "-in", "legacy.p12", "-passin", "pass:rc2clave"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert "RC2" in info.stdout + info.stderr  # the certificate bag really is RC2-40
    contents = read_pkcs12((tmp_path / "legacy.p12").read_bytes(), "rc2clave")
    assert contents.certificates == [key.certificate_der]
    assert _same_key(contents.private_keys[0], key.private_key)


def test_rc2_matches_rfc2268_test_vectors() -> None:
    from yupana.signing.pkcs12 import _rc2_decrypt_block, _rc2_key_schedule

    vectors = [  # key, effective bits, plaintext, ciphertext (RFC 2268 section 5)
        ("0000000000000000", 63, "0000000000000000", "ebb773f993278eff"),
        ("ffffffffffffffff", 64, "ffffffffffffffff", "278b27e42e2f0d49"),
        ("3000000000000000", 64, "1000000000000001", "30649edf9be7d2c2"),
        ("88", 64, "0000000000000000", "61a8a244adacccf0"),
        ("88bca90e90875a", 64, "0000000000000000", "6ccf4308974c267f"),
    ]
    for key, bits, plain, cipher in vectors:
        schedule = _rc2_key_schedule(bytes.fromhex(key), bits)
        assert _rc2_decrypt_block(schedule, bytes.fromhex(cipher)).hex() == plain


# --------------------------------------------------------------------------- PEM


def test_pem_with_key_and_certificate_in_one_file(greenter_pfx: bytes) -> None:
    from_pem = signing_key_from_bytes(TEST_PEM.read_bytes(), None)
    from_pfx = signing_key_from_bytes(greenter_pfx, TEST_PFX_PASSWORD)
    assert from_pem.certificate_der == from_pfx.certificate_der
    assert _same_key(from_pem.private_key, from_pfx.private_key)


def test_pem_key_and_certificate_in_separate_files(tmp_path: Path, self_signed: bytes) -> None:
    key = signing_key_from_bytes(self_signed, "secreto")
    key_pem = key.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.BestAvailableEncryption(b"pem-clave"),
    )
    (tmp_path / "key.pem").write_bytes(key_pem)
    (tmp_path / "cert.pem").write_text(key.certificate.pem)
    (tmp_path / "cert.der").write_bytes(key.certificate_der)
    for cert_file in ("cert.pem", "cert.der"):
        loaded = load_signing_key(tmp_path / "key.pem", "pem-clave", certificate_path=tmp_path / cert_file)
        assert loaded.certificate_der == key.certificate_der
        assert _same_key(loaded.private_key, key.private_key)
    with pytest.raises(CertificateError, match="password is needed"):
        signing_key_from_bytes(key_pem, None, certificate=key.certificate_der)
    with pytest.raises(CertificateError, match="wrong password") as caught:
        signing_key_from_bytes(key_pem, "no-es-esta", certificate=key.certificate_der)
    assert "no-es-esta" not in str(caught.value)
    with pytest.raises(CertificateError, match="no certificate"):
        signing_key_from_bytes(key_pem, "pem-clave")


def test_pkcs8_encrypted_pem_key(self_signed: bytes) -> None:
    key = signing_key_from_bytes(self_signed, "secreto")
    pem = key.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"k"),
    )
    loaded = signing_key_from_bytes(pem + key.certificate.pem.encode(), "k")
    assert loaded.certificate_der == key.certificate_der


def test_unusable_inputs_are_certificate_errors(self_signed: bytes) -> None:
    key = signing_key_from_bytes(self_signed, "secreto")
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other_pem = other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    ec_pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    cases = {
        b"": "empty",
        b"hola, no soy un certificado": "not a PKCS#12",
        key.certificate.pem.encode(): "no private key",
        other_pem + key.certificate.pem.encode(): "matches",
        ec_pem + key.certificate.pem.encode(): "not RSA",
        b"\x30\x82\x00\x10garbage": "PKCS#12",
        other_pem + b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n": "not an X.509",
    }
    for data, expected in cases.items():
        with pytest.raises(CertificateError, match=expected):
            signing_key_from_bytes(data, None)
    with pytest.raises(CertificateError, match="not an X.509"):
        read_certificate(b"\x30\x03\x02\x01\x01")


# --------------------------------------------------------------------------- cache


def test_load_signing_key_parses_each_file_once(tmp_path: Path) -> None:
    path = tmp_path / "tenant.pfx"
    shutil.copy(TEST_PFX, path)
    first = load_signing_key(path, TEST_PFX_PASSWORD)
    assert load_signing_key(str(path), TEST_PFX_PASSWORD) is first
    assert load_signing_key(tmp_path / "." / "tenant.pfx", TEST_PFX_PASSWORD) is first
    with pytest.raises(CertificateError, match="wrong password"):
        load_signing_key(path, "otra")
    assert load_signing_key(path, TEST_PFX_PASSWORD) is first

    # a renewed certificate in the same place is picked up
    path.write_bytes(make_self_signed_pfx("20123456789", TEST_PFX_PASSWORD))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    renewed = load_signing_key(path, TEST_PFX_PASSWORD)
    assert renewed is not first
    assert "RUC 20123456789" in renewed.subject
    clear_key_cache()
    assert load_signing_key(path, TEST_PFX_PASSWORD) is not renewed


def test_load_signing_key_reports_missing_files(tmp_path: Path) -> None:
    with pytest.raises(CertificateError, match="not found"):
        load_signing_key(tmp_path / "no-existe.pfx", "x")


# --------------------------------------------------------------------------- self-signed


def test_self_signed_pfx_has_positive_serial_and_sunat_like_subject(self_signed: bytes) -> None:
    key, cert, _ = crypto_pkcs12.load_key_and_certificates(self_signed, b"secreto")
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048
    assert cert is not None and cert.serial_number > 0
    subject = cert.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "EMPRESA DE PRUEBAS S.A.C."
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == "RUC 20123456789"
    assert subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == "20123456789"
    assert subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "PE"
    lifetime = cert.not_valid_after_utc - datetime.now(UTC)
    assert timedelta(days=3649) < lifetime <= timedelta(days=3650)


def test_self_signed_without_razon_social_uses_the_ruc() -> None:
    pfx = make_self_signed_pfx("10456789012", "x", days=30)
    key = signing_key_from_bytes(pfx, "x")
    assert "CN=10456789012" in key.subject
    assert "serialNumber=10456789012" in key.subject
    assert key.not_after - key.not_before <= timedelta(days=31)


@pytest.mark.parametrize("ruc", ["2012345678", "201234567890", "2012345678A", "", " 20123456789"])
def test_self_signed_rejects_malformed_ruc(ruc: str) -> None:
    with pytest.raises(CertificateError, match="11 digits"):
        make_self_signed_pfx(ruc, "x")


def test_self_signed_key_signs_verifiable_documents(self_signed: bytes) -> None:
    key = signing_key_from_bytes(self_signed, "secreto")
    root = _tiny_invoice()
    digest = Signer(key, "rsa-sha256").sign(root)
    result = verify(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    assert result.valid, result.message
    assert result.digest_value == digest
    assert result.serial_number == key.serial_number > 0
    assert result.subject == key.subject
