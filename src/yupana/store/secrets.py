"""Secrets at rest: encryption of company credentials, and API tokens kept only as digests.

Company secrets (SOL user and password, GRE client id and secret, the certificate PFX and its
password) are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) before they
reach the database. The key comes from the settings (``YUPANA_SECRET_KEY``); without one, Yupana
keeps a key file in its data folder, created on first run with mode 0600 (``load_or_create_key``).
Several keys may be given, separated by commas: the first encrypts, all of them decrypt, so a key
can be rotated without losing what the old one encrypted.

API tokens are random (32 bytes from ``secrets``), so a plain SHA-256 is a safe digest for them:
the token is shown once, only the digest is stored, and comparisons are constant-time.

Nothing here puts a key, a secret or a token in a ``repr`` or a log line.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import secrets
import stat
from collections.abc import Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

log = logging.getLogger("yupana.store")

KEY_FILE_NAME = "secret.key"
TOKEN_PREFIX = "yup_"
TOKEN_BYTES = 32
# Characters of a token kept in clear to tell tokens apart ("yup_" and 8 more).
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 8


class SecretKeyError(ValueError):
    """The encryption key is missing, malformed, or not the one that encrypted a value."""


class Secret:
    """A string that never shows itself in ``repr``/``str``; ``reveal()`` gives the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


def _checked_key(key: bytes | str) -> bytes:
    raw = key.encode("ascii") if isinstance(key, str) else key
    raw = raw.strip()
    try:
        decoded = base64.urlsafe_b64decode(raw)
    except (binascii.Error, ValueError) as exc:
        raise SecretKeyError(
            "the secret key is not URL-safe base64 (make one with Fernet.generate_key())"
        ) from exc
    if len(decoded) != 32:
        raise SecretKeyError("the secret key must be 32 bytes in URL-safe base64 (44 characters)")
    return raw


def parse_keys(value: str | bytes) -> list[bytes]:
    """Keys from a setting: one Fernet key, or several separated by commas (first one encrypts)."""
    text = value.decode("ascii") if isinstance(value, bytes) else value
    keys = [_checked_key(part) for part in text.split(",") if part.strip()]
    if not keys:
        raise SecretKeyError("the secret key setting is empty")
    return keys


def generate_key() -> bytes:
    return Fernet.generate_key()


def load_or_create_key(data_dir: Path) -> bytes:
    """The key file ``secret.key`` in ``data_dir``, created (mode 0600) and logged when missing.

    Safe when several processes start at once: the file appears complete or not at all, and
    exactly one process creates it. The file may hold several comma-separated keys (rotation);
    its content is returned as written.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / KEY_FILE_NAME
    if not path.exists():
        temporary = data_dir / f".{KEY_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(generate_key() + b"\n")
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(temporary, path)  # fails if another process got there first
                created = True
            except FileExistsError:
                created = False
        finally:
            temporary.unlink(missing_ok=True)
        if created:
            log.warning(
                "created a new encryption key for stored secrets at %s; back it up: "
                "without it the stored credentials and certificates cannot be read",
                path,
            )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("the encryption key file %s can be read by other users (mode %o)", path, mode)
    content = path.read_bytes().strip()
    parse_keys(content)
    return content


def resolve_key(secret_key: str | None, data_dir: Path) -> bytes:
    """The configured key (``YUPANA_SECRET_KEY``) if any, else the key file of ``data_dir``."""
    if secret_key:
        return b",".join(parse_keys(secret_key))
    return load_or_create_key(data_dir)


class SecretBox:
    """Encrypts and decrypts secrets with one key (or several, for rotation)."""

    __slots__ = ("_fernet",)

    def __init__(self, keys: bytes | str | Sequence[bytes | str]) -> None:
        if isinstance(keys, bytes | str):
            parsed = parse_keys(keys)
        else:
            parsed = [_checked_key(key) for key in keys]
            if not parsed:
                raise SecretKeyError("SecretBox needs at least one key")
        self._fernet = MultiFernet([Fernet(key) for key in parsed])

    def __repr__(self) -> str:
        return "SecretBox(keys='***')"

    def encrypt(self, plain: bytes) -> bytes:
        return self._fernet.encrypt(plain)

    def decrypt(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken as exc:
            raise SecretKeyError(
                "a stored secret cannot be decrypted: the secret key is not the one that encrypted it"
            ) from exc

    def encrypt_text(self, plain: str | Secret) -> bytes:
        value = plain.reveal() if isinstance(plain, Secret) else plain
        return self.encrypt(value.encode("utf-8"))

    def decrypt_text(self, token: bytes) -> Secret:
        return Secret(self.decrypt(token).decode("utf-8"))

    def rotate(self, token: bytes) -> bytes:
        """``token`` re-encrypted with the first key."""
        try:
            return self._fernet.rotate(token)
        except InvalidToken as exc:
            raise SecretKeyError("a stored secret cannot be decrypted with any configured key") from exc


def new_api_token() -> str:
    """A fresh API token: ``yup_`` and 43 URL-safe characters (32 random bytes)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """The SHA-256 (hex) under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_prefix(token: str) -> str:
    """The part of a token that may be shown (``yup_AbCd1234``)."""
    return token[:SHOWN_PREFIX_LENGTH]


def token_matches(token: str, stored_digest: str) -> bool:
    """Whether ``token`` is the one whose digest was stored (constant-time comparison)."""
    return hmac.compare_digest(token_digest(token).encode("ascii"), stored_digest.encode("ascii"))
