"""Typed reading of decoded JSON objects, field by field, collecting every problem with its path.

A ``Fields`` wraps one JSON object found at ``path`` in the caller's body. Each read names a
field and says what it must be (text, number, whole number, date, time, object, array...); a
value that cannot be read is recorded in ``Problems`` with the field's path in the caller's
terms (``lines[2].cantidad``) and the SUNAT return code the caller names for it, and ``None``
comes back, so that one pass over a body reports every structural problem at once.

``code`` is the SUNAT return code of a problem of the field; ``missing_code`` and
``invalid_code``, when given, replace it for a missing value and for an unreadable one.

Numbers are read exactly: ``Decimal`` (what ``json.loads(..., parse_float=Decimal)`` yields),
``int``, or a string holding a plain decimal (``"12.50"``). A ``float`` only arrives when the
body was parsed without ``parse_float=Decimal``; it is taken by its shortest representation
(``repr``), the literal the caller wrote for any amount of up to 15 significant digits, never
by its binary value. ``null`` and an absent key always mean "not given".

How forgiving a dialect is, is a ``Leniency``: each option names one thing a wire format's
clients send that Yupana's own format refuses. ``STRICT`` (every option at its default) is that
format's reading.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from yupana.domain.problems import Problems

JsonObject = Mapping[str, object]

ZERO = Decimal(0)
PLACEHOLDER_DATE = date(1, 1, 1)

_DECIMAL_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_EXPONENT_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DIGITS = re.compile(r"\d+")
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME_TEXT = re.compile(r"(\d{2}):(\d{2})(?::(\d{2}))?")
_TIME_FRACTION_TEXT = re.compile(r"(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?")
_TRUE = frozenset({"true", "1", "si", "sí", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


def _lima_zone() -> tzinfo:
    try:
        return ZoneInfo("America/Lima")
    except ZoneInfoNotFoundError:  # no tz database: Peru has kept UTC-5 without DST since 1994
        return timezone(timedelta(hours=-5), "PET")


LIMA = _lima_zone()


@dataclass(frozen=True, slots=True)
class Leniency:
    """What a reader accepts beyond strict JSON types; the defaults are ``STRICT``."""

    # A blank string ("", "  ") means "not given" for every kind of field; when off, only a
    # text field takes it so (a blank number is then unreadable).
    blank_is_absent: bool = True
    # A JSON integer where text is expected is read as its digits (``12`` → ``"12"``).
    integers_as_text: bool = False
    # Any JSON number where text is expected is read as its text (``12.5`` → ``"12.5"``).
    numbers_as_text: bool = False
    # A numeric string may carry an exponent (``"1e3"``).
    exponents: bool = False
    # A whole number written as a string may be any numeric string of integral value
    # (``"12.0"``, ``"+3"``); when off, only digits are.
    decimal_integers: bool = False
    # A time of day may carry a fraction of a second (``"10:11:12.500"``, the fraction dropped).
    time_fractions: bool = False
    # Keys nobody reads are ignored; when off, ``Fields.close`` reports each as unknown.
    ignore_unknown_fields: bool = False
    # Text is read as sent, surrounding spaces kept; when on, it is stripped.
    keep_spaces: bool = False


STRICT = Leniency()


def child(path: str, name: str) -> str:
    """The path of ``name`` inside the object at ``path`` (``""`` is the body itself)."""
    return f"{path}.{name}" if path else name


def item(path: str, index: int) -> str:
    return f"{path}[{index}]"


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def type_name(value: object) -> str:
    """The JSON name of ``value``'s type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float | Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def to_decimal(value: object, *, exponents: bool = False) -> Decimal | None:
    """``value`` as an exact finite ``Decimal``; ``None`` when it is not a number.

    A string counts when it holds a plain decimal (with an exponent too when ``exponents``).
    """
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        return number if number.is_finite() else None
    if isinstance(value, str):
        text = value.strip()
        if not (_EXPONENT_TEXT if exponents else _DECIMAL_TEXT).fullmatch(text):
            return None
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the patterns admit only valid literals
            return None
    return None


def to_lima(text: str) -> tuple[date, time | None] | None:
    """An ISO 8601 date or date-time as a Lima date and time of day; ``None`` if it is neither.

    A date-time with an offset (``2026-11-22T04:31:07-05:00``) is converted to Lima time; one
    without an offset is taken as Lima time already; a bare date has no time.
    """
    text = text.strip()
    if _DATE_TEXT.fullmatch(text):
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


class Fields:
    """The fields of one JSON object at ``path``; problems go to ``problems``."""

    __slots__ = ("_blank_is_absent", "_seen", "data", "leniency", "path", "problems")

    def __init__(self, data: JsonObject, path: str, problems: Problems, leniency: Leniency = STRICT) -> None:
        self.data = data
        self.path = path
        self.problems = problems
        self.leniency = leniency
        self._blank_is_absent = leniency.blank_is_absent  # looked up on every read: kept at hand
        self._seen: set[str] = set()

    @classmethod
    def open(
        cls,
        value: object,
        path: str,
        problems: Problems,
        leniency: Leniency = STRICT,
        *,
        code: str | None = None,
    ) -> Fields | None:
        """The object ``value``, or ``None`` (and a problem) when it is not a JSON object.

        When the leniency ignores unknown fields, the reader (and every object read from it) does
        not keep track of the fields read, which nobody will ask for.
        """
        if not isinstance(value, Mapping):
            problems.error(f"expected an object, got {type_name(value)}", path, code)
            return None
        if leniency.ignore_unknown_fields and cls is Fields:
            return _UntrackedFields(value, path, problems, leniency)
        return cls(value, path, problems, leniency)

    def at(self, name: str) -> str:
        """The path of the field ``name``."""
        return f"{self.path}.{name}" if self.path else name

    def error(self, message: str, name: str | None = None, code: str | None = None) -> None:
        """A problem of the field ``name`` (of the object itself when ``None``)."""
        self.problems.error(message, self.path if name is None else self.at(name), code)

    # Presence -------------------------------------------------------------------------------

    def has(self, name: str) -> bool:
        """Whether ``name`` carries a value (``null`` and, when blank is absent, blank do not)."""
        value = self.data.get(name)
        if value is None:
            return False
        return not (self._blank_is_absent and isinstance(value, str) and not value.strip())

    def first_given(self, *names: str) -> str:
        """The first of ``names`` that carries a value (for aliases); the first name when none does."""
        for name in names:
            if self.has(name):
                return name
        return names[0]

    def raw(self, name: str) -> object:
        """The value of ``name``, marking it as read; ``None`` when absent or null (or blank, when
        blank is absent)."""
        self._seen.add(name)
        value = self.data.get(name)
        if self._blank_is_absent and value.__class__ is str and (not value or value.isspace()):
            return None
        return value

    def ignore(self, *names: str) -> None:
        """Accept these fields without reading them (e.g. ``$schema``)."""
        self._seen.update(names)

    def close(self) -> None:
        """Report every field nobody read, unless the leniency ignores unknown fields."""
        if self.leniency.ignore_unknown_fields:
            return
        for key in self.data:
            if key not in self._seen:
                self.problems.error(f"unknown field '{key}'", self.at(str(key)))

    def _missing(self, name: str, code: str | None) -> None:
        self.problems.error(f"'{name}' is required", self.at(name), code)

    def _wrong(self, name: str, expected: str, value: object, code: str | None) -> None:
        self.problems.error(f"expected {expected}, got {type_name(value)}", self.at(name), code)

    # Text -----------------------------------------------------------------------------------

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        upper: bool = False,
        code: str | None = None,
        missing_code: str | None = None,
        invalid_code: str | None = None,
    ) -> str | None:
        """A string, stripped unless the leniency keeps spaces (and upper-cased with ``upper``); a
        blank one counts as absent. A required field that is absent is reported as required, one
        that is blank as empty.
        """
        value = self.raw(name)
        if value.__class__ is str:
            text = value.strip()
            if text:
                if text is not value and self.leniency.keep_spaces:  # stripped something
                    text = value
                return text.upper() if upper else text
        elif value is not None:
            return self._as_text(name, value, invalid_code or code)
        if required:
            if isinstance(self.data.get(name), str):
                self.problems.error(f"'{name}' cannot be empty", self.at(name), missing_code or code)
            else:
                self._missing(name, missing_code or code)
        return None

    def _as_text(self, name: str, value: object, code: str | None) -> str | None:
        """A JSON number where text is expected, as far as the leniency takes it as text."""
        if isinstance(value, int | Decimal | float) and not isinstance(value, bool):
            if self.leniency.numbers_as_text:
                return repr(value) if isinstance(value, float) else str(value)
            if self.leniency.integers_as_text and isinstance(value, int):
                return str(value)
        self._wrong(name, "a string", value, code)
        return None

    def required_text(self, name: str, *, upper: bool = False, code: str | None = None) -> str:
        """A required string; ``""`` stands in (after a problem) when it cannot be read."""
        return self.text(name, required=True, upper=upper, code=code) or ""

    def code(
        self,
        name: str,
        *,
        width: int | None = None,
        allowed: Collection[str] | None = None,
        required: bool = False,
        code: str | None = None,
        missing_code: str | None = None,
        invalid_code: str | None = None,
    ) -> str | None:
        """A catalog code: text, upper-cased, its digits zero-padded to ``width`` (``1`` or
        ``"1"`` → ``"01"``); one of ``allowed`` when given."""
        value = self.data.get(name)
        if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
            value = int(value)  # a whole JSON number written 1.0
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        if type(value) is int and (self.leniency.integers_as_text or self.leniency.numbers_as_text):
            self.raw(name)
            text: str | None = str(value)
        else:
            text = self.text(
                name, required=required, code=code, missing_code=missing_code, invalid_code=invalid_code
            )
        if text is None:
            return None
        text = text.upper()
        if width is not None and len(text) < width and text.isdigit():
            text = text.zfill(width)
        if allowed is not None and text not in allowed:
            self.problems.error(
                f"'{text}' is not one of: {', '.join(sorted(allowed))}", self.at(name), invalid_code or code
            )
            return None
        return text

    def choice(self, name: str, options: Mapping[str, str], default: str | None = None) -> str | None:
        """A string among ``options`` (keys compared in lower case) mapped to its canonical form."""
        value = self.text(name)
        if value is None:
            return default
        canonical = options.get(value.lower())
        if canonical is None:
            allowed = ", ".join(sorted(set(options.values())))
            self.problems.error(f"'{value}' is not one of: {allowed}", self.at(name))
            return default
        return canonical

    def boolean(self, name: str, *, code: str | None = None) -> bool | None:
        """``true``/``false``, ``1``/``0``, or one of the words ``true``, ``false``, ``si``, ``no``..."""
        value = self.raw(name)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            word = value.strip().lower()
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
            self.problems.error(f"'{value}' is not true or false", self.at(name), code)
            return None
        self._wrong(name, "true or false", value, code)
        return None

    # Numbers --------------------------------------------------------------------------------

    def amount(
        self,
        name: str,
        *,
        required: bool = False,
        code: str | None = None,
        missing_code: str | None = None,
        invalid_code: str | None = None,
    ) -> Decimal | None:
        """An exact decimal number (JSON number or numeric string)."""
        value = self.raw(name)
        if value is None:
            if required:
                self._missing(name, missing_code or code)
            return None
        if value.__class__ is Decimal and value.is_finite():
            return value
        if value.__class__ is int:
            return Decimal(value)
        number = to_decimal(value, exponents=self.leniency.exponents)
        if number is None:
            code = invalid_code or code
            if isinstance(value, str):
                self.problems.error(f"'{value}' is not a decimal number", self.at(name), code)
            elif isinstance(value, float | Decimal):
                self.problems.error(f"{value} is not a finite number", self.at(name), code)
            else:
                self._wrong(name, "a number", value, code)
        return number

    def required_amount(self, name: str, *, code: str | None = None) -> Decimal:
        """A required number; ``0`` stands in (after a problem) when it cannot be read."""
        number = self.amount(name, required=True, code=code)
        return ZERO if number is None else number

    def integer(
        self,
        name: str,
        *,
        required: bool = False,
        code: str | None = None,
        missing_code: str | None = None,
        invalid_code: str | None = None,
    ) -> int | None:
        """A whole number: a JSON number of integral value, or a string of one."""
        value = self.raw(name)
        if type(value) is int:
            return value
        if value is None:
            if required:
                self._missing(name, missing_code or code)
            return None
        code = invalid_code or code
        if isinstance(value, str):
            text = value.strip()
            if self.leniency.decimal_integers:
                number = to_decimal(text, exponents=self.leniency.exponents)
                if number is not None and number == number.to_integral_value():
                    return int(number)
            elif _DIGITS.fullmatch(text):
                return int(text)
            self.problems.error(f"'{value}' is not a whole number", self.at(name), code)
            return None
        number = to_decimal(value)
        if number is None:
            self._wrong(name, "a whole number", value, code)
            return None
        if number != number.to_integral_value():
            self.problems.error(f"expected a whole number, got {value}", self.at(name), code)
            return None
        return int(number)

    # Dates and times ------------------------------------------------------------------------

    def date(
        self,
        name: str,
        *,
        required: bool = False,
        code: str | None = None,
        missing_code: str | None = None,
        invalid_code: str | None = None,
    ) -> date | None:
        """A date written ``YYYY-MM-DD``."""
        value = self.raw(name)
        if value is None:
            if required:
                self._missing(name, missing_code or code)
            return None
        if not isinstance(value, str):
            self._wrong(name, "a date string YYYY-MM-DD", value, invalid_code or code)
            return None
        text = value.strip()
        if _DATE_TEXT.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
        self.problems.error(f"'{value}' is not a date YYYY-MM-DD", self.at(name), invalid_code or code)
        return None

    def required_date(self, name: str, *, code: str | None = None) -> date:
        """A required date; ``PLACEHOLDER_DATE`` stands in (after a problem) when it cannot be read."""
        return self.date(name, required=True, code=code) or PLACEHOLDER_DATE

    def time(self, name: str, *, code: str | None = None) -> time | None:
        """A time of day written ``HH:MM:SS`` or ``HH:MM``."""
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, str):
            self._wrong(name, "a time string HH:MM:SS", value, code)
            return None
        pattern = _TIME_FRACTION_TEXT if self.leniency.time_fractions else _TIME_TEXT
        found = pattern.fullmatch(value.strip())
        if found:
            try:
                return time(int(found[1]), int(found[2]), int(found[3] or 0))
            except ValueError:
                pass
        self.problems.error(f"'{value}' is not a time HH:MM:SS", self.at(name), code)
        return None

    def moment(
        self,
        name: str,
        *,
        required: bool = False,
        code: str | None = None,
        missing_code: str | None = None,
        invalid_code: str | None = None,
    ) -> tuple[date, time | None] | None:
        """An ISO 8601 date or date-time, as a Lima date and time of day (see ``to_lima``)."""
        value = self.raw(name)
        if value is None:
            if required:
                self._missing(name, missing_code or code)
            return None
        if not isinstance(value, str):
            self._wrong(name, "an ISO 8601 date or date-time string", value, invalid_code or code)
            return None
        parsed = to_lima(value)
        if parsed is None:
            self.problems.error(
                f"'{value}' is not an ISO 8601 date or date-time (e.g. 2026-11-22T10:30:00-05:00)",
                self.at(name),
                invalid_code or code,
            )
        return parsed

    def day(
        self,
        name: str,
        *,
        required: bool = False,
        code: str | None = None,
        missing_code: str | None = None,
        invalid_code: str | None = None,
    ) -> date | None:
        """The Lima date of an ISO 8601 date or date-time."""
        found = self.moment(
            name, required=required, code=code, missing_code=missing_code, invalid_code=invalid_code
        )
        return found[0] if found else None

    # Structure ------------------------------------------------------------------------------

    def object(self, name: str, *, required: bool = False, code: str | None = None) -> Fields | None:
        """The nested object ``name``; ``None`` when absent (a problem if required) or not an object."""
        value = self.raw(name)
        if value is None:
            if required:
                self._missing(name, code)
            return None
        if not isinstance(value, Mapping):
            self._wrong(name, "an object", value, code)
            return None
        return self.__class__(value, self.at(name), self.problems, self.leniency)

    def array(self, name: str, *, required: bool = False, code: str | None = None) -> list[object] | None:
        """The array ``name``; ``None`` when absent (a problem if required) or not an array."""
        value = self.raw(name)
        if value is None:
            if required:
                self._missing(name, code)
            return None
        if not isinstance(value, list):
            self._wrong(name, "an array", value, code)
            return None
        return value

    def objects(self, name: str, *, required: bool = False, code: str | None = None) -> list[Fields]:
        """Each element of the array ``name`` that is an object (the others are reported)."""
        elements = self.array(name, required=required, code=code)
        if not elements:
            return []
        found: list[Fields] = []
        path = self.at(name)
        for index, element in enumerate(elements):
            if isinstance(element, Mapping):
                found.append(self.__class__(element, f"{path}[{index}]", self.problems, self.leniency))
            else:
                self.problems.error(f"expected an object, got {type_name(element)}", f"{path}[{index}]")
        return found

    def strings(self, name: str) -> list[str]:
        """An array of strings."""
        texts: list[str] = []
        path = self.at(name)
        for index, element in enumerate(self.array(name) or ()):
            if isinstance(element, str):
                texts.append(element)
            else:
                self.problems.error(f"expected a string, got {type_name(element)}", f"{path}[{index}]")
        return texts

    def string_map(self, name: str) -> dict[str, str]:
        """An object whose values are all strings."""
        fields = self.object(name)
        if fields is None:
            return {}
        result: dict[str, str] = {}
        for key, value in fields.data.items():
            fields._seen.add(key)
            if isinstance(value, str):
                result[str(key)] = value
            else:
                self.problems.error(f"expected a string, got {type_name(value)}", fields.at(str(key)))
        return result


class _UntrackedFields(Fields):
    """``Fields`` for a leniency that ignores unknown fields: reads without keeping track."""

    __slots__ = ()

    def raw(self, name: str) -> object:
        value = self.data.get(name)
        if self._blank_is_absent and value.__class__ is str and (not value or value.isspace()):
            return None
        return value
