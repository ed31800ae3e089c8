"""The ZIP files SUNAT exchanges: one signed XML per upload, one CDR per answer.

SUNAT wants exactly one entry, named like the ZIP (``RUC-TT-SERIE-NUMERO.xml`` inside
``RUC-TT-SERIE-NUMERO.zip``); its CDR answers are ``R-<name>.zip`` holding ``R-<name>.xml`` and,
often, an empty ``dummy/`` folder entry. Reading is defensive: the ZIP comes from the network, so
sizes, entry counts and compression ratios are bounded (zip bombs) and names are never used as
paths.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

# Bounds on what is read from a ZIP that came over the network.
MAX_ENTRIES = 16
MAX_UNCOMPRESSED = 32 * 1024 * 1024  # bytes of one entry
MAX_RATIO = 200  # uncompressed / compressed of one entry


class ArchiveError(ValueError):
    """A ZIP that is not what SUNAT exchanges (or not a ZIP at all)."""


@dataclass(frozen=True, slots=True)
class ArchiveEntry:
    name: str
    content: bytes


def zip_single(name: str, content: bytes) -> bytes:
    """A ZIP holding one file ``name`` (deflated), as SUNAT expects an upload."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        archive.writestr(info, content)
    return buffer.getvalue()


def zip_cdr(name: str, content: bytes) -> bytes:
    """A CDR ZIP as SUNAT sends it: the ``dummy/`` folder entry, then the ``R-…xml`` file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("dummy/", date_time=(2000, 1, 1, 0, 0, 0)), b"")
        info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, content)
    return buffer.getvalue()


def read_entries(data: bytes) -> list[ArchiveEntry]:
    """The files of a ZIP (folder entries skipped), within the bounds above."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ArchiveError(f"not a ZIP file: {exc}") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ArchiveError(f"the ZIP holds {len(infos)} entries (at most {MAX_ENTRIES})")
        entries = []
        for info in infos:
            if info.is_dir():
                continue
            if info.file_size > MAX_UNCOMPRESSED:
                raise ArchiveError(f"entry {info.filename!r} is too large ({info.file_size} bytes)")
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                raise ArchiveError(f"entry {info.filename!r} expands too much (a zip bomb?)")
            try:
                with archive.open(info) as handle:
                    content = handle.read(MAX_UNCOMPRESSED + 1)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as exc:
                raise ArchiveError(f"cannot read entry {info.filename!r}: {exc}") from exc
            if len(content) > MAX_UNCOMPRESSED:
                raise ArchiveError(f"entry {info.filename!r} is too large")
            entries.append(ArchiveEntry(info.filename, content))
        return entries


def read_single_xml(data: bytes) -> ArchiveEntry:
    """The one XML file of a ZIP (a CDR's ``dummy/`` folder is ignored)."""
    xml = [entry for entry in read_entries(data) if entry.name.lower().endswith(".xml")]
    if len(xml) != 1:
        raise ArchiveError(f"the ZIP must hold exactly one XML file, it holds {len(xml)}")
    return xml[0]
