"""SUNAT file names (without extension) of the documents Yupana writes and sends.

- sales documents and other CPE: ``RUC-TT-SERIE-NUMERO`` (``20123456786-01-F001-123``), the
  correlativo without leading zeros, as SUNAT names the files it receives and the CDR it returns;
- summaries and voided communications: ``RUC-RC-YYYYMMDD-N`` (``RC``, ``RA`` or ``RR``), the
  date being the generation date written as the summary's ``cbc:IssueDate``.

Values are checked against the file-name patterns of SUNAT's rules (codes 0151, 0155–0161):
a name that SUNAT would refuse raises ``ValueError`` here instead.
"""

from __future__ import annotations

import re
from datetime import date

SUMMARY_KINDS = ("RC", "RA", "RR")

_RUC = re.compile(r"\d{11}")
_TIPO = re.compile(r"[0-9A-Z]{2}")
_SERIE = re.compile(r"[0-9A-Z]{4}")


def sale_file_stem(ruc: str, tipo: str, serie: str, correlativo: int | str) -> str:
    """``RUC-TT-SERIE-NUMERO`` for a CPE; ``correlativo`` may come with leading zeros."""
    _check(_RUC, ruc, "RUC")
    _check(_TIPO, tipo, "document type")
    _check(_SERIE, serie, "serie")
    number = _positive_int(correlativo, "correlativo", 99_999_999)
    return f"{ruc}-{tipo}-{serie}-{number}"


def summary_file_stem(ruc: str, kind: str, day: date, n: int | str) -> str:
    """``RUC-KIND-YYYYMMDD-N`` for a resumen diario (RC), comunicación de baja (RA) or resumen
    de reversiones (RR); ``day`` is the generation date and ``n`` its sequence of that day."""
    _check(_RUC, ruc, "RUC")
    if kind not in SUMMARY_KINDS:
        raise ValueError(f"summary kind must be one of {', '.join(SUMMARY_KINDS)}, not {kind!r}")
    number = _positive_int(n, "summary number", 99_999)
    return f"{ruc}-{kind}-{day:%Y%m%d}-{number}"


def _check(pattern: re.Pattern[str], value: str, what: str) -> None:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ValueError(f"invalid {what} for a SUNAT file name: {value!r}")


def _positive_int(value: int | str, what: str, maximum: int) -> int:
    if isinstance(value, bool):
        raise ValueError(f"invalid {what}: {value!r}")
    if isinstance(value, str):
        if not value.isascii() or not value.isdigit():
            raise ValueError(f"invalid {what}: {value!r}")
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= maximum:
        raise ValueError(f"{what} must be between 1 and {maximum}: {value!r}")
    return value
