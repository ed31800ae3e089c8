"""SUNAT's file names, as the reception services read them (rules sheet *General*, 0151–0161).

A document travels as ``RRRRRRRRRRR-TT-SSSS-NNNNNNNN.zip`` holding one
``RRRRRRRRRRR-TT-SSSS-NNNNNNNN.xml``; a summary as ``RRRRRRRRRRR-TT-AAAAMMDD-NNNNN`` (TT = RC, RA
or RR, the RUC starting with 1 or 2, the correlative 1–99999); a batch (``sendPack``) as
``RRRRRRRRRRR-LT-AAAAMMDD-NNNNN``. Extensions may be lower or upper case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

DOCUMENT_TYPES = frozenset({"01", "03", "07", "08", "09", "20", "31", "40"})
SUMMARY_TYPES = frozenset({"RC", "RA", "RR"})
PACK_TYPE = "LT"

_DOCUMENT = re.compile(r"(?P<ruc>\d{11})-(?P<tipo>\d{2})-(?P<serie>[A-Z0-9]{4})-(?P<numero>\d{1,8})")
_SUMMARY = re.compile(r"(?P<ruc>[12]\d{10})-(?P<tipo>RC|RA|RR|LT)-(?P<fecha>\d{8})-(?P<numero>\d{1,5})")


@dataclass(frozen=True, slots=True)
class SunatName:
    """A file name SUNAT accepts, without its extension."""

    stem: str
    ruc: str
    tipo: str  # "01"… for documents, "RC"/"RA"/"RR" for summaries, "LT" for a batch
    serie: str  # the series of a document; the date (AAAAMMDD) of a summary or batch
    numero: int
    correlativo: str  # the number as written in the name ("00000003")

    @property
    def is_summary(self) -> bool:
        return self.tipo in SUMMARY_TYPES

    @property
    def is_pack(self) -> bool:
        return self.tipo == PACK_TYPE


def _split(name: str, extension: str) -> str | None:
    if not name.lower().endswith("." + extension) or name.count(".") != 1:
        return None
    return name[: -len(extension) - 1]


def parse_stem(stem: str) -> SunatName | None:
    """The parts of a file name without extension, or ``None`` when SUNAT would refuse it."""
    found = _DOCUMENT.fullmatch(stem)
    if found:
        if found["tipo"] not in DOCUMENT_TYPES or int(found["numero"]) == 0:
            return None
        return SunatName(
            stem, found["ruc"], found["tipo"], found["serie"], int(found["numero"]), found["numero"]
        )
    found = _SUMMARY.fullmatch(stem)
    if found:
        try:
            date(int(found["fecha"][:4]), int(found["fecha"][4:6]), int(found["fecha"][6:]))
        except ValueError:
            return None
        if int(found["numero"]) == 0:
            return None
        return SunatName(
            stem, found["ruc"], found["tipo"], found["fecha"], int(found["numero"]), found["numero"]
        )
    return None


def parse_zip_name(name: str) -> SunatName | None:
    """``…​.zip`` (or ``.ZIP``) named as SUNAT wants, else ``None`` (SUNAT answers 0151)."""
    stem = _split(name, "zip")
    return parse_stem(stem) if stem is not None else None


def parse_xml_name(name: str) -> SunatName | None:
    """``…​.xml`` (or ``.XML``) named as SUNAT wants, else ``None`` (SUNAT answers 0159)."""
    stem = _split(name, "xml")
    return parse_stem(stem) if stem is not None else None
