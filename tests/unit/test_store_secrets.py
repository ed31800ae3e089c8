"""Secrets at rest: Fernet encryption, the key file, API token digests; nothing secret in repr or logs."""

from __future__ import annotations

import hashlib
import logging
import stat
import threading

import pytest
from cryptography.fernet import Fernet

from yupana.store.secrets import (
    KEY_FILE_NAME,
    Secret,
    SecretBox,
    SecretKeyError,
    generate_key,
    load_or_create_key,
    new_api_token,
    parse_keys,
    resolve_key,
    token_digest,
    token_matches,
    token_prefix,
)


def test_encrypt_and_decrypt():
    box = SecretBox(generate_key())
    token = box.encrypt_text("clave-sol")
    assert b"clave-sol" not in token
    assert box.decrypt_text(token).reveal() == "clave-sol"
    assert box.encrypt_text("clave-sol") != token  # random IV: equal secrets do not look equal
    pfx = bytes(range(256))
    assert box.decrypt(box.encrypt(pfx)) == pfx
    assert box.decrypt_text(box.encrypt_text(Secret("from a Secret"))).reveal() == "from a Secret"


def test_another_key_cannot_decrypt():
    token = SecretBox(generate_key()).encrypt_text("x")
    with pytest.raises(SecretKeyError, match="not the one that encrypted"):
        SecretBox(generate_key()).decrypt(token)
    with pytest.raises(SecretKeyError):
        SecretBox(generate_key()).decrypt(b"not a token")


def test_rotation_keeps_old_values_readable():
    old, new = generate_key(), generate_key()
    token = SecretBox(old).encrypt_text("pw")
    both = SecretBox([new, old])
    assert both.decrypt_text(token).reveal() == "pw"
    assert SecretBox(new).decrypt_text(both.encrypt_text("pw2")).reveal() == "pw2"  # the first key encrypts
    assert SecretBox(new).decrypt_text(both.rotate(token)).reveal() == "pw"
    assert SecretBox(b",".join([new, old])).decrypt_text(token).reveal() == "pw"
    with pytest.raises(SecretKeyError):
        SecretBox(generate_key()).rotate(token)


def test_keys_are_checked():
    for bad in ("", "not-base64!", "c2hvcnQ=", b"x" * 44):
        with pytest.raises(SecretKeyError):
            SecretBox(bad)
    with pytest.raises(SecretKeyError):
        SecretBox([])
    key = generate_key()
    assert parse_keys(f" {key.decode()} , {key.decode()} ") == [key, key]


def test_nothing_secret_in_repr():
    key = generate_key()
    box = SecretBox(key)
    assert key.decode() not in repr(box) and key.decode() not in str(box)
    secret = Secret("hunter2")
    assert "hunter2" not in repr(secret) and "hunter2" not in str(secret) and "hunter2" not in f"{secret}"
    assert "hunter2" not in repr([secret]) and "hunter2" not in repr({"password": secret})
    assert secret == Secret("hunter2") and secret != Secret("other")
    assert bool(secret) and not bool(Secret(""))


def test_the_key_file_is_created_once_private_and_announced(tmp_path, caplog):
    data = tmp_path / "data"
    with caplog.at_level(logging.INFO, logger="yupana.store"):
        key = load_or_create_key(data)
    path = data / KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Fernet(key)  # a valid Fernet key
    created = [r for r in caplog.records if "created a new encryption key" in r.getMessage()]
    assert len(created) == 1 and str(path) in created[0].getMessage()
    assert key.decode() not in caplog.text

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="yupana.store"):
        assert load_or_create_key(data) == key
    assert "created" not in caplog.text
    assert [p.name for p in data.iterdir()] == [KEY_FILE_NAME]


def test_concurrent_first_runs_agree_on_one_key(tmp_path):
    keys: list[bytes] = []
    start = threading.Barrier(8)

    def run() -> None:
        start.wait()
        keys.append(load_or_create_key(tmp_path))

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(keys) == 8 and len(set(keys)) == 1
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE_NAME]


def test_a_readable_key_file_is_warned_about(tmp_path, caplog):
    (tmp_path / KEY_FILE_NAME).write_bytes(generate_key())
    (tmp_path / KEY_FILE_NAME).chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="yupana.store"):
        load_or_create_key(tmp_path)
    assert "can be read by other users" in caplog.text


def test_a_broken_key_file_is_refused(tmp_path):
    (tmp_path / KEY_FILE_NAME).write_text("garbage")
    with pytest.raises(SecretKeyError):
        load_or_create_key(tmp_path)


def test_the_configured_key_wins_over_the_file(tmp_path):
    configured = generate_key()
    assert resolve_key(configured.decode(), tmp_path) == configured
    assert not (tmp_path / KEY_FILE_NAME).exists()
    from_file = resolve_key(None, tmp_path)
    assert (tmp_path / KEY_FILE_NAME).exists() and from_file != configured
    with pytest.raises(SecretKeyError):
        resolve_key("short", tmp_path)


def test_api_tokens():
    tokens = {new_api_token() for _ in range(200)}
    assert len(tokens) == 200
    token = next(iter(tokens))
    assert token.startswith("yup_") and len(token) == 4 + 43  # 32 random bytes in URL-safe base64
    digest = token_digest(token)
    assert digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in digest
    assert token_matches(token, digest)
    assert not token_matches(token + "x", digest)
    assert not token_matches(new_api_token(), digest)
    assert token_prefix(token) == token[:12] and len(token_prefix(token)) == 12
