"""Blob storage for a document's files (signed XML, zip, CDR, PDF, logos): one interface, a local folder.

A key is a relative path of segments separated by ``/`` (``20123456786/01/F001-1.xml``). Each
segment uses only letters, digits, ``.``, ``_`` and ``-``, does not start with a dot, and is not
empty: a key can never name anything outside the store's root, whatever the caller passes. Keys
that break these rules are refused (``InvalidBlobKey``), never silently rewritten, so two
different keys never land on the same file.

``LocalBlobStore`` writes each blob to a temporary file in the target folder, flushes it to disk
and renames it over the final name (``os.replace``): a reader sees the old content or the new
one, never half a file, even if the process dies mid-write.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol, runtime_checkable

MAX_KEY_LENGTH = 500
BLOB_FOLDER_NAME = "blobs"
_SEGMENT = re.compile(r"[A-Za-z0-9_\-][A-Za-z0-9_.\-]{0,199}")


def document_xml_key(ruc: str, tipo: str, serie: str, correlativo: int) -> str:
    """Where a document's signed XML is kept: ``RUC/TT/SERIE-NUMERO.xml`` (its CDR goes beside it)."""
    return f"{ruc}/{tipo}/{serie}-{correlativo}.xml"


class InvalidBlobKey(ValueError):
    """A key that is not a safe relative path."""


class BlobNotFound(KeyError):
    """No blob is stored under the key."""


def checked_key(key: str) -> str:
    """``key`` when it is a valid blob key; ``InvalidBlobKey`` otherwise."""
    if not isinstance(key, str) or not key:
        raise InvalidBlobKey("a blob key must be a non-empty string")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidBlobKey(f"a blob key has at most {MAX_KEY_LENGTH} characters")
    for segment in key.split("/"):
        if not _SEGMENT.fullmatch(segment):
            raise InvalidBlobKey(
                f"invalid blob key {key!r}: segments are letters, digits, '.', '_' or '-', "
                "not empty and not starting with '.'"
            )
    return key


@runtime_checkable
class BlobStore(Protocol):
    """Where files live; keys are chosen by the caller and checked by the store."""

    def put(self, key: str, data: bytes) -> str:
        """Store ``data`` under ``key`` (replacing any previous content) and return the key."""
        ...

    def get(self, key: str) -> bytes:
        """The content under ``key``; ``BlobNotFound`` when there is none."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove ``key`` if present (no error when absent)."""
        ...


class LocalBlobStore:
    """Blobs as files under one folder (``<data dir>/blobs`` by default)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._resolved_root = self.root.resolve()

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> LocalBlobStore:
        """The default store: the ``blobs`` folder of Yupana's data folder."""
        return cls(Path(data_dir) / BLOB_FOLDER_NAME)

    def __repr__(self) -> str:
        return f"LocalBlobStore({str(self.root)!r})"

    def path_of(self, key: str) -> Path:
        """The file of ``key``; refuses keys that would leave the root (also through symlinks)."""
        path = self._resolved_root.joinpath(*checked_key(key).split("/"))
        resolved = path.resolve()
        if not resolved.is_relative_to(self._resolved_root):
            raise InvalidBlobKey(f"blob key {key!r} leads outside the store")
        return path

    def put(self, key: str, data: bytes) -> str:
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError("a blob is bytes")
        path = self.path_of(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _fsync_folder(path.parent)
        return key

    def get(self, key: str) -> bytes:
        path = self.path_of(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise BlobNotFound(key) from None

    def exists(self, key: str) -> bool:
        return self.path_of(key).is_file()

    def delete(self, key: str) -> None:
        path = self.path_of(key)
        try:
            path.unlink()
        except (FileNotFoundError, NotADirectoryError):
            pass


class MemoryBlobStore:
    """Blobs in a dict, with the same key rules: for tests and throwaway runs."""

    def __init__(self) -> None:
        self._blobs: dict[str, bytes] = {}

    def __repr__(self) -> str:
        return f"MemoryBlobStore({len(self._blobs)} blobs)"

    def put(self, key: str, data: bytes) -> str:
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError("a blob is bytes")
        self._blobs[checked_key(key)] = bytes(data)
        return key

    def get(self, key: str) -> bytes:
        try:
            return self._blobs[checked_key(key)]
        except KeyError:
            raise BlobNotFound(key) from None

    def exists(self, key: str) -> bool:
        return checked_key(key) in self._blobs

    def delete(self, key: str) -> None:
        self._blobs.pop(checked_key(key), None)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not every platform can open a folder.
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
