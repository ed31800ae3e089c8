"""Replaying the dialect corpora: load a fixture as a caller would send it today.

Two normalisations, both what a live caller or the server does, never a change of content:
- keys starting with ``_`` are annotations of the corpus, not part of the wire format;
- every date is moved by the same number of days so that the issue date is today (Lima): SUNAT
  rejects documents issued too long ago (2108) or in the future (2329), so a corpus written years
  ago would otherwise only test the date rules;
- Facturador PRO's ``numero_documento: "#"`` (next number) becomes a number, as the server assigns;
- the corpora use made-up RUCs (Greenter's issuer 20123456789, Facturador PRO's customers) whose
  check digit is wrong, which SUNAT rejects (2104 issuer, 1083 customer: such a RUC cannot exist);
  replays that exercise the rest of a case give each such RUC its right check digit
  (``valid_rucs=True``); separate tests keep the originals and expect those codes.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from yupana.validation.identity import is_valid_ruc, ruc_check_digit

LIMA = ZoneInfo("America/Lima")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def today_lima() -> date:
    return datetime.now(LIMA).date()


def _strip_annotations(value: object) -> object:
    if isinstance(value, dict):
        return {k: _strip_annotations(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_strip_annotations(v) for v in value]
    return value


_RUC = re.compile(r"^(10|15|16|17|20)\d{9}$")


def _with_valid_check_digits(value: object) -> object:
    if isinstance(value, dict):
        return {k: _with_valid_check_digits(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_valid_check_digits(v) for v in value]
    if isinstance(value, str) and _RUC.match(value) and not is_valid_ruc(value):
        return value[:10] + str(ruc_check_digit(value[:10]))
    return value


def _shift_dates(value: object, delta: timedelta) -> object:
    if isinstance(value, dict):
        return {k: _shift_dates(v, delta) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift_dates(v, delta) for v in value]
    if isinstance(value, str):
        match = _DATE.match(value)
        if match:
            try:
                moved = date(int(match[1]), int(match[2]), int(match[3])) + delta
            except ValueError:
                return value
            return moved.isoformat() + value[10:]
    return value


def load_fixture(path: Path, issue_date_key: str, number: int = 1, valid_rucs: bool = True) -> object:
    """The fixture at ``path`` with annotations stripped, dates moved to today, RUCs made valid."""
    body = _strip_annotations(json.loads(path.read_bytes(), parse_float=Decimal))
    if valid_rucs:
        body = _with_valid_check_digits(body)
    if isinstance(body, dict):
        issued = body.get(issue_date_key)
        if isinstance(issued, str) and _DATE.match(issued):
            delta = today_lima() - date.fromisoformat(issued[:10])
            body = _shift_dates(body, delta)
        if body.get("numero_documento") == "#":
            body["numero_documento"] = str(number)
    return body


def dump_json(value: object) -> str:
    """JSON text in which ``Decimal`` values are written as the numbers they are."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {dump_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(dump_json(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def fixture_json(path: Path, issue_date_key: str, number: int = 1, valid_rucs: bool = True) -> bytes:
    return dump_json(load_fixture(path, issue_date_key, number, valid_rucs)).encode()
