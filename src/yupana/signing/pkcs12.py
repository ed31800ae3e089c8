"""A tolerant PKCS#12 (.pfx/.p12) reader, used when ``cryptography`` refuses a file.

``cryptography`` is the first choice for PKCS#12 files (see ``certificate.py``). Some
certificates still in use in Peru break RFC 5280 (Greenter's widely used test certificate
has a negative serial number) and ``cryptography`` has announced it will refuse them. This
reader opens such files without judging the certificates inside: it checks the integrity
MAC, decrypts the bags and hands back the private keys (parsed by ``cryptography``) and the
certificates as raw DER.

Supported (RFC 7292, RFC 8018, RFC 9579): password integrity with HMAC over the PKCS#12 key
derivation (SHA-1/SHA-2) or PBMAC1; bags encrypted with PBES2 (PBKDF2 + AES-CBC or 3DES) or
the PKCS#12 password-based schemes (3DES, RC2-128, RC2-40); plain and shrouded key bags,
certificate bags, nested safe-contents bags. Public-key integrity/privacy modes are not.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.serialization import load_der_private_key

from yupana.signing import der

_DATA = "1.2.840.113549.1.7.1"
_ENCRYPTED_DATA = "1.2.840.113549.1.7.6"
_KEY_BAG = "1.2.840.113549.1.12.10.1.1"
_SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2"
_CERT_BAG = "1.2.840.113549.1.12.10.1.3"
_SAFE_CONTENTS_BAG = "1.2.840.113549.1.12.10.1.6"
_X509_CERTIFICATE = "1.2.840.113549.1.9.22.1"
_PBES2 = "1.2.840.113549.1.5.13"
_PBKDF2 = "1.2.840.113549.1.5.12"
_PBMAC1 = "1.2.840.113549.1.5.14"

_HASHES = {
    "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.4": "sha224",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}
_HMACS = {
    "1.2.840.113549.2.7": "sha1",
    "1.2.840.113549.2.8": "sha224",
    "1.2.840.113549.2.9": "sha256",
    "1.2.840.113549.2.10": "sha384",
    "1.2.840.113549.2.11": "sha512",
}
# PBES2 ciphers: OID -> (name, key length)
_PBES2_CIPHERS = {
    "2.16.840.1.101.3.4.1.2": ("aes", 16),
    "2.16.840.1.101.3.4.1.22": ("aes", 24),
    "2.16.840.1.101.3.4.1.42": ("aes", 32),
    "1.2.840.113549.3.7": ("3des", 24),
}
# PKCS#12 password-based encryption: OID -> (cipher, key length, RC2 effective bits)
_PKCS12_PBE = {
    "1.2.840.113549.1.12.1.3": ("3des", 24, 0),
    "1.2.840.113549.1.12.1.4": ("3des", 16, 0),
    "1.2.840.113549.1.12.1.5": ("rc2", 16, 128),
    "1.2.840.113549.1.12.1.6": ("rc2", 5, 40),
}
_MAX_ITERATIONS = 10_000_000


class Pkcs12Error(ValueError):
    """The file cannot be read as PKCS#12 (damaged, or a form this reader does not handle)."""


class WrongPassword(Pkcs12Error):
    """The integrity check or the decryption failed with the password given."""


@dataclass(slots=True)
class Pkcs12Contents:
    private_keys: list[PrivateKeyTypes] = field(default_factory=list)
    certificates: list[bytes] = field(default_factory=list)  # DER, in file order


def read_pkcs12(data: bytes, password: str | None) -> Pkcs12Contents:
    """Open a PKCS#12 file. ``None`` and ``""`` both mean "no password"."""
    try:
        return _read(data, password)
    except (der.DerError, IndexError) as exc:
        raise Pkcs12Error(f"not a readable PKCS#12 file ({exc})") from None


def _read(data: bytes, password: str | None) -> Pkcs12Contents:
    pfx = der.read(data).expect(der.SEQUENCE).children()
    if len(pfx) < 2 or der.integer(pfx[0]) != 3:
        raise Pkcs12Error("not a PKCS#12 version 3 file")
    content_type, content = _content_info(pfx[1])
    if content_type != _DATA:
        raise Pkcs12Error("PKCS#12 files protected with public keys are not supported")
    auth_safe = der.octets(content)
    secrets = _Secrets(password)
    if len(pfx) > 2:
        secrets.check_mac(pfx[2], auth_safe)
    out = Pkcs12Contents()
    for info in der.read_all(auth_safe).expect(der.SEQUENCE).children():
        kind, body = _content_info(info)
        if kind == _DATA:
            _read_bags(der.octets(body), secrets, out, 0)
        elif kind == _ENCRYPTED_DATA:
            encrypted_info = body.expect(der.SEQUENCE).children()[1].children()
            plain = secrets.decrypt(encrypted_info[1], der.octets(encrypted_info[2]))
            _read_bags(plain, secrets, out, 0)
        else:
            raise Pkcs12Error("PKCS#12 content encrypted with public keys is not supported")
    return out


def _content_info(item: der.Item) -> tuple[str, der.Item]:
    parts = item.expect(der.SEQUENCE).children()
    return der.oid(parts[0]), parts[1].children()[0]


def _read_bags(safe_contents: bytes, secrets: _Secrets, out: Pkcs12Contents, depth: int) -> None:
    if depth > 4:
        raise Pkcs12Error("PKCS#12 safe contents nested too deeply")
    for bag in der.read_all(safe_contents).expect(der.SEQUENCE).children():
        parts = bag.expect(der.SEQUENCE).children()
        bag_id, value = der.oid(parts[0]), parts[1].children()[0]
        if bag_id == _KEY_BAG:
            out.private_keys.append(load_der_private_key(value.encoded, None))
        elif bag_id == _SHROUDED_KEY_BAG:
            enc = value.expect(der.SEQUENCE).children()
            plain = secrets.decrypt(enc[0], der.octets(enc[1]))
            out.private_keys.append(load_der_private_key(plain, None))
        elif bag_id == _CERT_BAG:
            cert = value.expect(der.SEQUENCE).children()
            if der.oid(cert[0]) == _X509_CERTIFICATE:
                out.certificates.append(der.octets(cert[1].children()[0]))
        elif bag_id == _SAFE_CONTENTS_BAG:
            _read_bags(value.encoded, secrets, out, depth + 1)
        # CRL and secret bags carry nothing a signer needs.


class _Secrets:
    """The password in the encodings PKCS#12 uses, narrowed down by the MAC when present."""

    def __init__(self, password: str | None) -> None:
        self.text = (password or "").encode("utf-8")
        if password:
            self.bmp_candidates = [password.encode("utf-16-be") + b"\0\0"]
        else:
            # "No password" is written either as an empty BMPString or as nothing at all.
            self.bmp_candidates = [b"\0\0", b""]
        self.verified = False

    def check_mac(self, mac_data: der.Item, content: bytes) -> None:
        parts = mac_data.expect(der.SEQUENCE).children()
        digest_info = parts[0].children()
        algorithm = digest_info[0].children()
        expected = der.octets(digest_info[1])
        alg_oid = der.oid(algorithm[0])
        if alg_oid == _PBMAC1:
            params = algorithm[1].children()
            key = _pbkdf2(params[0], self.text)
            hash_name = _HMACS.get(der.oid(params[1].children()[0]))
            if hash_name is None:
                raise Pkcs12Error("unsupported PBMAC1 algorithm")
            if not hmac.compare_digest(hmac.new(key, content, hash_name).digest(), expected):
                raise WrongPassword("wrong password (integrity check failed)")
            self.verified = True
            return
        hash_name = _HASHES.get(alg_oid)
        if hash_name is None:
            raise Pkcs12Error(f"unsupported PKCS#12 MAC algorithm {alg_oid}")
        salt = der.octets(parts[1])
        iterations = der.integer(parts[2]) if len(parts) > 2 else 1
        _check_iterations(iterations)
        size = hashlib.new(hash_name).digest_size
        for candidate in self.bmp_candidates:
            key = pkcs12_kdf(hash_name, candidate, salt, 3, iterations, size)
            if hmac.compare_digest(hmac.new(key, content, hash_name).digest(), expected):
                self.bmp_candidates = [candidate]
                self.verified = True
                return
        raise WrongPassword("wrong password (integrity check failed)")

    def decrypt(self, algorithm: der.Item, ciphertext: bytes) -> bytes:
        parts = algorithm.expect(der.SEQUENCE).children()
        alg_oid = der.oid(parts[0])
        if alg_oid == _PBES2:
            params = parts[1].children()
            name, size = _PBES2_CIPHERS.get(der.oid(params[1].children()[0]), ("", 0))
            if not name:
                raise Pkcs12Error("unsupported PBES2 cipher")
            key = _pbkdf2(params[0], self.text, size)
            iv = der.octets(params[1].children()[1])
            return self._unpad(_cbc_decrypt(name, key, iv, ciphertext, 0))
        if alg_oid in _PKCS12_PBE:
            name, size, rc2_bits = _PKCS12_PBE[alg_oid]
            params = parts[1].children()
            salt, iterations = der.octets(params[0]), der.integer(params[1])
            _check_iterations(iterations)
            failure: Pkcs12Error | None = None
            for candidate in self.bmp_candidates:
                key = pkcs12_kdf("sha1", candidate, salt, 1, iterations, size)
                iv = pkcs12_kdf("sha1", candidate, salt, 2, iterations, 8)
                try:
                    return self._unpad(_cbc_decrypt(name, key, iv, ciphertext, rc2_bits))
                except WrongPassword as exc:
                    failure = exc
            raise failure or WrongPassword("wrong password")
        raise Pkcs12Error(f"unsupported PKCS#12 encryption {alg_oid}")

    def _unpad(self, plain: bytes) -> bytes:
        pad = plain[-1] if plain else 0
        if not 1 <= pad <= 16 or pad > len(plain) or plain[-pad:] != bytes([pad]) * pad:
            if self.verified:
                raise Pkcs12Error("damaged PKCS#12 content (bad padding)")
            raise WrongPassword("wrong password (decryption failed)")
        return plain[:-pad]


def _check_iterations(iterations: int) -> None:
    if not 1 <= iterations <= _MAX_ITERATIONS:
        raise Pkcs12Error(f"unreasonable iteration count {iterations}")


def _pbkdf2(kdf: der.Item, password: bytes, size: int = 0) -> bytes:
    parts = kdf.expect(der.SEQUENCE).children()
    if der.oid(parts[0]) != _PBKDF2:
        raise Pkcs12Error("unsupported key derivation (only PBKDF2)")
    params = parts[1].children()
    salt = der.octets(params[0].expect(der.OCTET_STRING))
    iterations = der.integer(params[1])
    _check_iterations(iterations)
    hash_name = "sha1"
    for extra in params[2:]:
        if extra.tag == der.INTEGER:
            size = der.integer(extra)
        elif extra.tag == der.SEQUENCE:
            prf = der.oid(extra.children()[0])
            if prf not in _HMACS:
                raise Pkcs12Error(f"unsupported PBKDF2 PRF {prf}")
            hash_name = _HMACS[prf]
    if not 1 <= size <= 64:
        raise Pkcs12Error("bad PBKDF2 key length")
    return hashlib.pbkdf2_hmac(hash_name, password, salt, iterations, size)


def pkcs12_kdf(
    hash_name: str, password: bytes, salt: bytes, purpose: int, iterations: int, size: int
) -> bytes:
    """The PKCS#12 key derivation (RFC 7292 appendix B.2); purpose 1 key, 2 IV, 3 MAC key."""
    probe = hashlib.new(hash_name)
    u, v = probe.digest_size, probe.block_size

    def stretch(value: bytes) -> bytes:
        if not value:
            return b""
        length = v * -(-len(value) // v)
        return (value * -(-length // len(value)))[:length]

    block = bytearray(stretch(salt) + stretch(password))
    prefix = bytes([purpose]) * v
    out = bytearray()
    modulus = 1 << (8 * v)
    while True:
        a = hashlib.new(hash_name, prefix + block).digest()
        for _ in range(iterations - 1):
            a = hashlib.new(hash_name, a).digest()
        out += a
        if len(out) >= size:
            return bytes(out[:size])
        b = int.from_bytes((a * -(-v // u))[:v], "big") + 1
        for j in range(0, len(block), v):
            chunk = (int.from_bytes(block[j : j + v], "big") + b) % modulus
            block[j : j + v] = chunk.to_bytes(v, "big")


def _cbc_decrypt(name: str, key: bytes, iv: bytes, data: bytes, rc2_bits: int) -> bytes:
    block = 16 if name == "aes" else 8
    if not data or len(data) % block or len(iv) != block:
        raise Pkcs12Error("damaged PKCS#12 content (bad cipher text length)")
    if name == "rc2":
        return _rc2_cbc_decrypt(key, rc2_bits, iv, data)
    cipher = algorithms.AES(key) if name == "aes" else TripleDES(key)
    decryptor = Cipher(cipher, modes.CBC(iv)).decryptor()
    return decryptor.update(data) + decryptor.finalize()


# RC2 (RFC 2268). ``cryptography`` offers RC2 only with 128-bit keys, while PKCS#12 files
# written by OpenSSL 1.x and older Java protect their certificates with 40-bit RC2.
# PITABLE is the permutation published in RFC 2268 section 2.
_PITABLE = bytes.fromhex(
    "d978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2"
    "179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e82"
    "54d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626"
    "6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed7"
    "08e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ec"
    "c2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731"
    "2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a9"
    "0d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad"
)


def _rc2_key_schedule(key: bytes, effective_bits: int) -> list[int]:
    t = len(key)
    t8 = (effective_bits + 7) // 8
    tm = 0xFF >> (8 * t8 - effective_bits)
    expanded = bytearray(key) + bytearray(128 - t)
    for i in range(t, 128):
        expanded[i] = _PITABLE[(expanded[i - 1] + expanded[i - t]) & 0xFF]
    expanded[128 - t8] = _PITABLE[expanded[128 - t8] & tm]
    for i in range(127 - t8, -1, -1):
        expanded[i] = _PITABLE[expanded[i + 1] ^ expanded[i + t8]]
    return [expanded[2 * i] | (expanded[2 * i + 1] << 8) for i in range(64)]


def _rc2_decrypt_block(k: list[int], block: bytes) -> bytes:
    r = [int.from_bytes(block[i : i + 2], "little") for i in range(0, 8, 2)]
    shifts = (1, 2, 3, 5)
    j = 63
    for step in range(16):
        for i in (3, 2, 1, 0):
            s = shifts[i]
            value = ((r[i] >> s) | (r[i] << (16 - s))) & 0xFFFF
            mix = (r[i - 1] & r[i - 2]) + (~r[i - 1] & r[i - 3] & 0xFFFF)
            r[i] = (value - k[j] - mix) & 0xFFFF
            j -= 1
        if step in (4, 10):  # r-mashing after the 5th and 11th r-mixing rounds
            for i in (3, 2, 1, 0):
                r[i] = (r[i] - k[r[i - 1] & 63]) & 0xFFFF
    return b"".join(x.to_bytes(2, "little") for x in r)


def _rc2_cbc_decrypt(key: bytes, effective_bits: int, iv: bytes, data: bytes) -> bytes:
    schedule = _rc2_key_schedule(key, effective_bits)
    out = bytearray()
    previous = iv
    for pos in range(0, len(data), 8):
        chunk = data[pos : pos + 8]
        plain = _rc2_decrypt_block(schedule, chunk)
        out += bytes(a ^ b for a, b in zip(plain, previous, strict=True))
        previous = chunk
    return bytes(out)
