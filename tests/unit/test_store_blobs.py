"""Blob storage: keys never leave the root, writes are atomic, both implementations behave alike."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from yupana.store import blobs
from yupana.store.blobs import BlobNotFound, BlobStore, InvalidBlobKey, LocalBlobStore, MemoryBlobStore


@pytest.fixture(params=["local", "memory"])
def store(request, tmp_path) -> BlobStore:
    return LocalBlobStore(tmp_path / "blobs") if request.param == "local" else MemoryBlobStore()


def test_put_get_exists_delete(store):
    key = "20123456786/01/F001/20123456786-01-F001-1.xml"
    assert isinstance(store, BlobStore)
    assert not store.exists(key)
    assert store.put(key, b"<Invoice/>") == key
    assert store.exists(key)
    assert store.get(key) == b"<Invoice/>"
    store.put(key, b"<Invoice>2</Invoice>")
    assert store.get(key) == b"<Invoice>2</Invoice>"
    store.delete(key)
    assert not store.exists(key)
    store.delete(key)  # deleting twice is fine
    with pytest.raises(BlobNotFound):
        store.get(key)


def test_empty_and_binary_content(store):
    store.put("a/empty.bin", b"")
    store.put("a/zip.zip", bytes(range(256)) * 10)
    assert store.get("a/empty.bin") == b""
    assert store.get("a/zip.zip") == bytes(range(256)) * 10
    with pytest.raises(TypeError):
        store.put("a/text.txt", "not bytes")  # type: ignore[arg-type]


BAD_KEYS = [
    "",
    "/etc/passwd",
    "../outside.xml",
    "a/../../outside.xml",
    "a/../b.xml",
    "a//b.xml",
    "a/./b.xml",
    "a/",
    ".hidden",
    "a/.tmp-123.part",
    "a\\..\\b.xml",
    "C:/windows.xml",
    "a/b c.xml",
    "a/b\x00.xml",
    "a/ñandú.xml",
    "a/" + "x" * 201,
    "k/" * 300,
]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_unsafe_keys_are_refused(store, key, tmp_path):
    for operation in (
        lambda: store.put(key, b"x"),
        lambda: store.get(key),
        lambda: store.exists(key),
        lambda: store.delete(key),
    ):
        with pytest.raises(InvalidBlobKey):
            operation()
    assert not (tmp_path / "outside.xml").exists()


def test_keys_are_not_strings(store):
    with pytest.raises(InvalidBlobKey):
        store.put(None, b"x")  # type: ignore[arg-type]


def test_a_symlink_cannot_lead_outside(tmp_path):
    store = LocalBlobStore(tmp_path / "blobs")
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "blobs" / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InvalidBlobKey):
        store.put("link/stolen.xml", b"x")
    assert not (outside / "stolen.xml").exists()


def test_files_land_under_the_root(tmp_path):
    store = LocalBlobStore.in_data_dir(tmp_path)
    store.put("20123456786/01/F001-1.xml", b"<x/>")
    assert (tmp_path / "blobs" / "20123456786" / "01" / "F001-1.xml").read_bytes() == b"<x/>"
    assert store.path_of("20123456786/01/F001-1.xml").is_relative_to((tmp_path / "blobs").resolve())


def test_a_failed_write_keeps_the_old_content_and_no_temporary_file(tmp_path, monkeypatch):
    store = LocalBlobStore(tmp_path / "blobs")
    store.put("a/doc.xml", b"old")

    def crash(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(blobs.os, "replace", crash)
    with pytest.raises(OSError):
        store.put("a/doc.xml", b"new")
    monkeypatch.undo()
    assert store.get("a/doc.xml") == b"old"
    assert sorted(p.name for p in (tmp_path / "blobs" / "a").iterdir()) == ["doc.xml"]


def test_a_write_goes_through_a_temporary_file_and_a_rename(tmp_path, monkeypatch):
    store = LocalBlobStore(tmp_path / "blobs")
    renames: list[tuple[Path, Path, bytes]] = []
    real_replace = os.replace

    def spying_replace(source, target) -> None:
        renames.append((Path(source), Path(target), Path(source).read_bytes()))
        real_replace(source, target)

    monkeypatch.setattr(blobs.os, "replace", spying_replace)
    store.put("a/doc.xml", b"complete content")
    [(source, target, content)] = renames
    assert source.parent == target.parent and source.name.startswith(".tmp-")
    assert target.name == "doc.xml" and content == b"complete content"
    assert not source.exists()
    assert sorted(p.name for p in target.parent.iterdir()) == ["doc.xml"]


def test_readers_never_see_a_partial_blob(tmp_path):
    """While one thread rewrites a blob many times, another only ever reads whole versions."""
    store = LocalBlobStore(tmp_path / "blobs")
    versions = [bytes([n]) * 200_000 for n in range(1, 6)]
    store.put("a/big.bin", versions[0])
    stop = threading.Event()
    seen: set[bytes] = set()

    def read() -> None:
        while not stop.is_set():
            content = store.get("a/big.bin")
            seen.add(content[:1] + content[-1:] + len(content).to_bytes(4, "big"))

    reader = threading.Thread(target=read)
    reader.start()
    for _ in range(10):
        for version in versions:
            store.put("a/big.bin", version)
    stop.set()
    reader.join(10)
    whole = {v[:1] + v[-1:] + len(v).to_bytes(4, "big") for v in versions}
    assert seen and seen <= whole
