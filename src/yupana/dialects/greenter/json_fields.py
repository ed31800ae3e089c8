"""Typed reading of fields from a decoded Greenter/Lycet JSON object.

Every reader method returns the value or ``None`` and records a problem (with the field's
JSON path in Lycet's terms) when the value is missing but required, of the wrong type, or not
a valid number or date. Parsing goes on after a problem, so one request reports all of them.

JSON ``null`` counts as absent, as it does for Lycet's serializer. Leniencies, all of them
Lycet's too: integers are accepted where a string is expected (``"correlativo": 12``) and
numeric strings where a number is expected (``"cantidad": "2.5"``). Floats (a body decoded
without ``parse_float=Decimal``) become ``Decimal`` through ``str()``, so ``100.0`` is
``Decimal("100.0")``, never a binary fraction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from yupana.domain.problems import Problems

JsonObject = Mapping[str, object]

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _lima_zone() -> tzinfo:
    try:
        return ZoneInfo("America/Lima")
    except ZoneInfoNotFoundError:  # no tz database: Peru has kept UTC-5 without DST since 1994
        return timezone(timedelta(hours=-5), "PET")


LIMA = _lima_zone()


def at(path: str, key: str) -> str:
    """The path of ``key`` inside the object at ``path`` (``""`` is the document root)."""
    return f"{path}.{key}" if path else key


def item(path: str, index: int) -> str:
    return f"{path}[{index}]"


def to_decimal(value: object) -> Decimal | None:
    """A JSON number (or numeric string) as a finite ``Decimal``; ``None`` if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def to_lima(value: str) -> tuple[date, time | None] | None:
    """An ISO 8601 date or date-time as a Lima date and time of day.

    A date-time with an offset (Lycet writes ``2026-11-22T04:31:07-05:00``) is converted to
    Lima time; one without an offset is taken as Lima time already; a bare date has no time.
    """
    text = value.strip()
    if _DATE_ONLY.fullmatch(text):
        try:
            return date.fromisoformat(text), None
        except ValueError:
            return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(LIMA)
    return moment.date(), moment.time().replace(microsecond=0)


@dataclass(slots=True)
class FieldReader:
    """Reads typed fields and collects the problems found on the way."""

    problems: Problems = field(default_factory=Problems)

    def error(self, message: str, path: str, code: str | None = None) -> None:
        self.problems.error(message, path, code)

    def _present(self, obj: JsonObject, key: str, path: str, required: bool, code: str | None) -> object:
        value = obj.get(key)
        if value is None and required:
            self.error(f"{at(path, key)} is required", at(path, key), code)
        return value

    def obj(
        self, obj: JsonObject, key: str, path: str, *, required: bool = False, code: str | None = None
    ) -> JsonObject | None:
        value = self._present(obj, key, path, required, code)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.error(f"{at(path, key)} must be an object", at(path, key), code)
            return None
        return value

    def objects(
        self, obj: JsonObject, key: str, path: str, *, required: bool = False, code: str | None = None
    ) -> list[tuple[str, JsonObject]]:
        """A list of objects, each with its own path; non-object items are reported and skipped."""
        value = self._present(obj, key, path, required, code)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(f"{at(path, key)} must be a list", at(path, key), code)
            return []
        found: list[tuple[str, JsonObject]] = []
        for index, entry in enumerate(value):
            entry_path = item(at(path, key), index)
            if isinstance(entry, Mapping):
                found.append((entry_path, entry))
            else:
                self.error(f"{entry_path} must be an object", entry_path, code)
        return found

    def text(
        self, obj: JsonObject, key: str, path: str, *, required: bool = False, code: str | None = None
    ) -> str | None:
        """A string (an integer is taken as its decimal digits). Blank counts as absent."""
        value = self._present(obj, key, path, required, code)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.error(f"{at(path, key)} must be a string", at(path, key), code)
            return None
        if not value.strip():
            if required:
                self.error(f"{at(path, key)} must not be empty", at(path, key), code)
            return None
        return value

    def amount(
        self,
        obj: JsonObject,
        key: str,
        path: str,
        *,
        required: bool = False,
        code: str | None = None,
        invalid_code: str | None = None,
    ) -> Decimal | None:
        value = self._present(obj, key, path, required, code)
        if value is None:
            return None
        number = to_decimal(value)
        if number is None:
            self.error(
                f"{at(path, key)} must be a number, not {value!r}", at(path, key), invalid_code or code
            )
        return number

    def integer(
        self,
        obj: JsonObject,
        key: str,
        path: str,
        *,
        required: bool = False,
        code: str | None = None,
        invalid_code: str | None = None,
    ) -> int | None:
        value = self._present(obj, key, path, required, code)
        if value is None:
            return None
        number = to_decimal(value)
        if number is None or number != number.to_integral_value():
            self.error(
                f"{at(path, key)} must be an integer, not {value!r}", at(path, key), invalid_code or code
            )
            return None
        return int(number)

    def moment(
        self,
        obj: JsonObject,
        key: str,
        path: str,
        *,
        required: bool = False,
        code: str | None = None,
        invalid_code: str | None = None,
    ) -> tuple[date, time | None] | None:
        """An ISO 8601 date or date-time, as a Lima date and time of day (see ``to_lima``)."""
        value = self._present(obj, key, path, required, code)
        if value is None:
            return None
        parsed = to_lima(value) if isinstance(value, str) else None
        if parsed is None:
            self.error(
                f"{at(path, key)} must be an ISO 8601 date or date-time "
                f"(e.g. 2026-11-22T10:30:00-05:00), not {value!r}",
                at(path, key),
                invalid_code or code,
            )
        return parsed

    def day(
        self,
        obj: JsonObject,
        key: str,
        path: str,
        *,
        required: bool = False,
        code: str | None = None,
        invalid_code: str | None = None,
    ) -> date | None:
        parsed = self.moment(obj, key, path, required=required, code=code, invalid_code=invalid_code)
        return parsed[0] if parsed else None
