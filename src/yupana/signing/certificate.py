"""The issuer's certificate and private key: loading, checking, caching.

A tenant's signing key arrives as a PKCS#12 file (.pfx/.p12, how Peruvian certification
authorities and SUNAT deliver it) or as PEM (key and certificate in one file or in two).
Parsing a key costs milliseconds (hundreds for RSA-4096), signing costs a fraction of one,
so :func:`load_signing_key` parses each file once and hands back the same
:class:`SigningKey` until the file changes.

Certificates are read tolerantly: some in use in Peru break RFC 5280 (Greenter's test
certificate, used by most open-source SUNAT projects, has a negative serial number), which
``cryptography`` reports with a deprecation warning today and has announced it will refuse.
Such certificates are read from a copy whose serial was made positive (only names, dates
and the public key are taken from it) and the serial is decoded from the original bytes;
PKCS#12 files ``cryptography`` refuses are opened with :mod:`yupana.signing.pkcs12`. The
original certificate bytes are what goes into signatures.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import threading
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes, PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12 as crypto_pkcs12
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import NameOID

from yupana.signing import der
from yupana.signing.pkcs12 import Pkcs12Error, WrongPassword, read_pkcs12


class CertificateError(ValueError):
    """A signing key or certificate cannot be used. The message is meant for people (and
    never contains the password)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class CertificateInfo:
    """An X.509 certificate as the signer and verifier need it."""

    der: bytes  # the original bytes, as issued
    subject: str  # RFC 4514
    issuer: str
    serial_number: int  # as encoded (may be negative in certificates that break RFC 5280)
    not_before: datetime  # UTC
    not_after: datetime  # UTC
    public_key: CertificatePublicKeyTypes
    b64: str = field(init=False)
    fingerprint_sha256: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "b64", base64.b64encode(self.der).decode("ascii"))
        object.__setattr__(self, "fingerprint_sha256", hashlib.sha256(self.der).hexdigest())

    @property
    def pem(self) -> str:
        lines = [self.b64[i : i + 64] for i in range(0, len(self.b64), 64)]
        return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"

    def is_current(self, at: datetime | None = None) -> bool:
        """Whether the certificate is within its validity period at ``at`` (default: now)."""
        moment = at or datetime.now(UTC)
        return self.not_before <= moment <= self.not_after


@dataclass(frozen=True, slots=True, eq=False)
class SigningKey:
    """An RSA private key with the certificate that matches it."""

    private_key: rsa.RSAPrivateKey
    certificate: CertificateInfo

    @property
    def certificate_der(self) -> bytes:
        return self.certificate.der

    @property
    def certificate_b64(self) -> str:
        return self.certificate.b64

    @property
    def subject(self) -> str:
        return self.certificate.subject

    @property
    def issuer(self) -> str:
        return self.certificate.issuer

    @property
    def serial_number(self) -> int:
        return self.certificate.serial_number

    @property
    def not_before(self) -> datetime:
        return self.certificate.not_before

    @property
    def not_after(self) -> datetime:
        return self.certificate.not_after

    def __repr__(self) -> str:
        return f"SigningKey(subject={self.subject!r}, serial={self.serial_number}, not_after={self.not_after:%Y-%m-%d})"


# --------------------------------------------------------------------------- certificates


def read_certificate(data: bytes) -> CertificateInfo:
    """Read one X.509 certificate (DER, or PEM with a CERTIFICATE block)."""
    if b"-----BEGIN" in data:
        blocks = [body for label, body in _pem_blocks(data) if label == "CERTIFICATE"]
        if not blocks:
            raise CertificateError("the PEM data has no CERTIFICATE block")
        data = blocks[0]
    try:
        serial_item = _serial_item(data)
        serial = der.integer(serial_item)
    except (der.DerError, IndexError):
        raise CertificateError("not an X.509 certificate") from None
    readable = data if serial > 0 else _with_positive_serial(data, serial_item)
    try:
        cert = x509.load_der_x509_certificate(readable)
        public_key = cert.public_key()
    except ValueError:
        raise CertificateError("not an X.509 certificate, or one that cannot be read") from None
    return CertificateInfo(
        der=data,
        subject=cert.subject.rfc4514_string(_NAME_LABELS),
        issuer=cert.issuer.rfc4514_string(_NAME_LABELS),
        serial_number=serial,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        public_key=public_key,
    )


# Names Peruvian certificates use that RFC 4514 would print as bare OIDs.
_NAME_LABELS = {
    NameOID.SERIAL_NUMBER: "serialNumber",
    NameOID.EMAIL_ADDRESS: "emailAddress",
    NameOID.TITLE: "title",
    NameOID.GIVEN_NAME: "givenName",
    NameOID.SURNAME: "surname",
    NameOID.ORGANIZATION_IDENTIFIER: "organizationIdentifier",
}


def _serial_item(cert_der: bytes) -> der.Item:
    tbs = der.read_all(cert_der).expect(der.SEQUENCE).children()[0].expect(der.SEQUENCE)
    fields = tbs.children()
    return (fields[1] if fields[0].tag == 0xA0 else fields[0]).expect(der.INTEGER)


def _with_positive_serial(cert_der: bytes, serial: der.Item) -> bytes:
    """A copy of the certificate whose serial is positive, same length, still minimal DER."""
    patched = bytearray(cert_der)
    length = serial.content_end - serial.content_start
    patched[serial.content_start] = 0x7F if length > 1 or cert_der[serial.content_start] else 0x01
    return bytes(patched)


# --------------------------------------------------------------------------- keys


def signing_key_from_bytes(
    data: bytes, password: str | None = None, *, certificate: bytes | None = None
) -> SigningKey:
    """Build a signing key from PKCS#12 bytes, or from PEM.

    PEM may hold the private key and the certificate together; otherwise pass the
    certificate (PEM or DER) as ``certificate``. ``password`` opens the PKCS#12 file or the
    encrypted PEM key; ``None`` and ``""`` both mean none.
    """
    if not data:
        raise CertificateError("the key file is empty")
    if b"-----BEGIN " in data:
        return _from_pem(data, password, certificate)
    if certificate is None and data[:1] == b"\x30":
        return _from_pkcs12(data, password)
    if data[:1] == b"\x30":
        raise CertificateError("a separate certificate goes with a PEM private key, not with a PKCS#12 file")
    raise CertificateError("not a PKCS#12 (.pfx/.p12) or PEM file")


def _from_pkcs12(data: bytes, password: str | None) -> SigningKey:
    try:
        keys, certificates = _pkcs12_with_cryptography(data, password)
    except ValueError:
        # cryptography refused the file: wrong password, damaged, or a certificate it will
        # not parse. The tolerant reader tells these apart.
        try:
            contents = read_pkcs12(data, password)
        except WrongPassword:
            raise CertificateError("wrong password for the PKCS#12 (.pfx/.p12) file") from None
        except Pkcs12Error as exc:
            raise CertificateError(f"cannot open the PKCS#12 (.pfx/.p12) file: {exc}") from None
        except ValueError:
            raise CertificateError("the private key in the PKCS#12 file cannot be read") from None
        keys, certificates = contents.private_keys, contents.certificates
    return _pair(keys, certificates, "PKCS#12 file")


def _pkcs12_with_cryptography(data: bytes, password: str | None) -> tuple[list[PrivateKeyTypes], list[bytes]]:
    attempts: list[bytes | None] = [password.encode("utf-8")] if password else [None, b""]
    failure: ValueError | None = None
    for attempt in attempts:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", CryptographyDeprecationWarning)
                key, cert, extra = crypto_pkcs12.load_key_and_certificates(data, attempt)
        except ValueError as exc:
            failure = exc
            continue
        certs = [c.public_bytes(serialization.Encoding.DER) for c in (cert, *extra) if c is not None]
        return ([key] if key is not None else []), certs
    raise failure or ValueError("unreadable PKCS#12")


_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.S)


def _pem_blocks(data: bytes) -> list[tuple[str, bytes]]:
    """(label, DER) for each PEM block; encrypted legacy keys keep their PEM text."""
    out: list[tuple[str, bytes]] = []
    for match in _PEM_BLOCK.finditer(data):
        label = match.group(1).decode("ascii")
        body = match.group(2)
        if b"Proc-Type:" in body:
            out.append((label, match.group(0)))
            continue
        try:
            out.append((label, base64.b64decode(b"".join(body.split()), validate=True)))
        except ValueError:
            raise CertificateError(f"damaged PEM block {label}") from None
    return out


def _from_pem(data: bytes, password: str | None, certificate: bytes | None) -> SigningKey:
    blocks = _pem_blocks(data)
    if certificate is not None:
        if b"-----BEGIN " in certificate:
            blocks += _pem_blocks(certificate)
        else:
            blocks.append(("CERTIFICATE", certificate))
    keys = [
        _pem_private_key(label, body, password) for label, body in blocks if label.endswith("PRIVATE KEY")
    ]
    certificates = [body for label, body in blocks if label in ("CERTIFICATE", "X509 CERTIFICATE")]
    return _pair(keys, certificates, "PEM data")


def _pem_private_key(label: str, body: bytes, password: str | None) -> PrivateKeyTypes:
    encrypted = label == "ENCRYPTED PRIVATE KEY" or body.startswith(b"-----BEGIN")
    if encrypted and not password:
        raise CertificateError("the private key is encrypted: a password is needed")
    try:
        if body.startswith(b"-----BEGIN"):
            return serialization.load_pem_private_key(body, password.encode("utf-8") if password else None)
        return serialization.load_der_private_key(
            body, password.encode("utf-8") if encrypted and password else None
        )
    except ValueError:
        if encrypted:
            raise CertificateError("wrong password for the private key (or the key is damaged)") from None
        raise CertificateError(f"the {label} block cannot be read") from None
    except TypeError:
        raise CertificateError(f"the {label} block cannot be read") from None


def _pair(keys: list[PrivateKeyTypes], certificates: list[bytes], source: str) -> SigningKey:
    if not keys:
        raise CertificateError(f"the {source} has no private key")
    if not certificates:
        raise CertificateError(f"the {source} has no certificate")
    key = keys[0]
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CertificateError(
            "the private key is not RSA; SUNAT signatures (RSA-SHA1/SHA256) need an RSA key"
        )
    wanted = key.public_key().public_numbers()
    for cert_der in certificates:
        info = read_certificate(cert_der)
        public = info.public_key
        if isinstance(public, rsa.RSAPublicKey) and public.public_numbers() == wanted:
            return SigningKey(key, info)
    raise CertificateError(f"no certificate in the {source} matches its private key")


# --------------------------------------------------------------------------- cache

_CACHE_SIZE = 256
_cache: dict[tuple[object, ...], SigningKey] = {}
_cache_lock = threading.Lock()
_PASSWORD_PEPPER = os.urandom(32)  # cache keys never hold a reusable password hash


def _password_tag(password: str | None) -> bytes:
    if password is None:
        return b""
    return hmac.new(_PASSWORD_PEPPER, password.encode("utf-8"), hashlib.sha256).digest()


def _file_identity(path: str | Path, what: str) -> tuple[Path, tuple[str, int, int]]:
    try:
        resolved = Path(path).resolve(strict=True)
        stat = resolved.stat()
    except FileNotFoundError:
        raise CertificateError(f"{what} not found: {path}") from None
    except OSError as exc:
        raise CertificateError(f"cannot read {what} {path}: {exc.strerror}") from None
    return resolved, (str(resolved), stat.st_mtime_ns, stat.st_size)


def load_signing_key(
    path: str | Path, password: str | None = None, *, certificate_path: str | Path | None = None
) -> SigningKey:
    """Load (once) the signing key stored at ``path``.

    The result is cached by (resolved path, modification time, size, password); the same
    object comes back until the file changes. Failures are not cached.
    """
    resolved, identity = _file_identity(path, "key file")
    cert_resolved: Path | None = None
    cert_identity: tuple[str, int, int] | None = None
    if certificate_path is not None:
        cert_resolved, cert_identity = _file_identity(certificate_path, "certificate file")
    cache_key = (identity, cert_identity, _password_tag(password))
    with _cache_lock:
        hit = _cache.pop(cache_key, None)
        if hit is not None:
            _cache[cache_key] = hit  # most recently used goes last
            return hit
    try:
        data = resolved.read_bytes()
        cert_data = cert_resolved.read_bytes() if cert_resolved is not None else None
    except OSError as exc:
        raise CertificateError(f"cannot read key file {path}: {exc.strerror}") from None
    key = signing_key_from_bytes(data, password, certificate=cert_data)
    with _cache_lock:
        key = _cache.setdefault(cache_key, key)
        while len(_cache) > _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
    return key


def clear_key_cache() -> None:
    with _cache_lock:
        _cache.clear()
