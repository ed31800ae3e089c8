"""Self-signed PKCS#12 files for tests, demos and SUNAT's beta environment.

SUNAT beta and the local simulator accept any certificate; production needs one issued by a
certification authority registered with SUNAT (or SUNAT's own CDT). The subject follows the
shape of Peruvian signing certificates: the company name as CN and O, ``RUC <ruc>`` in OU,
the RUC as serialNumber, country PE.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from yupana.signing.certificate import CertificateError

_RUC = re.compile(r"\d{11}")
_NAME_LIMIT = 64  # upper bound of CN, O and OU in X.520


def make_self_signed_pfx(
    ruc: str,
    password: str,
    razon_social: str | None = None,
    days: int = 3650,
    key_size: int = 2048,
) -> bytes:
    """A PKCS#12 file with a new RSA key and a self-signed certificate for ``ruc``."""
    if not isinstance(ruc, str) or not _RUC.fullmatch(ruc):
        raise CertificateError("the RUC must be 11 digits")
    if days < 1:
        raise CertificateError("the certificate must be valid for at least one day")
    if key_size < 2048:
        raise CertificateError("the RSA key must have at least 2048 bits")
    name = " ".join((razon_social or "").split())[:_NAME_LIMIT] or ruc
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"RUC {ruc}"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, ruc),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    now = datetime.now(UTC).replace(microsecond=0)
    public_key = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))  # tolerate clocks that run behind
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password.encode("utf-8"))
        if password
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(ruc.encode("ascii"), key, certificate, None, encryption)
