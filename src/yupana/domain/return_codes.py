"""SUNAT return codes (códigos de retorno): message and severity of each code.

The table is SUNAT's own (see ``yupana/data/README.md``), loaded once on first use.
Codes are four-digit strings ("0306", "2017", "4252"); ``message`` and ``severity`` also
accept integers and shorter strings ("306"), which they pad.
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cache
from importlib import resources


class ReturnSeverity(StrEnum):
    """What a code means for the document, by SUNAT's ranges."""

    ACCEPTED = "accepted"  # 0
    EXCEPTION = "exception"  # 0100-1999: no CDR (SOAP fault / ticket error); the document is not registered
    REJECTION = "rejection"  # 2000-3999: CDR with the code; the document is registered as rejected
    OBSERVATION = "observation"  # 4000+: CDR accepted with observations


def normalize(code: str | int) -> str:
    """The four-digit form of a return code ("306" -> "0306", 98 -> "0098")."""
    text = str(code).strip()
    return text.zfill(4) if text.isdigit() else text


@cache
def _table() -> dict[str, tuple[str, ReturnSeverity]]:
    raw = resources.files("yupana").joinpath("data/codigos-retorno.json").read_text(encoding="utf-8")
    return {
        code: (message, ReturnSeverity(severity)) for code, (message, severity) in json.loads(raw).items()
    }


def is_known(code: str | int) -> bool:
    return normalize(code) in _table()


def message(code: str | int) -> str:
    """SUNAT's message for ``code``; a generic text naming the code when SUNAT lists no such code."""
    key = normalize(code)
    found = _table().get(key)
    return found[0] if found else f"Código de retorno {key} no catalogado por SUNAT"


def severity(code: str | int) -> ReturnSeverity:
    """Severity of ``code``: SUNAT's table, or its numeric range for codes the table lacks."""
    key = normalize(code)
    found = _table().get(key)
    if found:
        return found[1]
    if not key.isdigit():
        return ReturnSeverity.EXCEPTION
    number = int(key)
    if number == 0:
        return ReturnSeverity.ACCEPTED
    if number < 2000:
        return ReturnSeverity.EXCEPTION
    if number < 4000:
        return ReturnSeverity.REJECTION
    return ReturnSeverity.OBSERVATION


def is_error(code: str | int) -> bool:
    """True when the code stops the document (exception or rejection)."""
    return severity(code) in (ReturnSeverity.EXCEPTION, ReturnSeverity.REJECTION)
