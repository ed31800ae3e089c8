"""Reading JSON objects field by field, collecting every structural problem with its path.

A ``Fields`` wraps one JSON object. Each read names a field and says what it must be; a bad
value is recorded in ``Problems`` (path in the caller's terms, e.g. ``lines[2].cantidad``) and
a neutral stand-in is returned so the reading goes on and reports everything at once.
``close()`` reports the fields nobody asked for: an unknown field is an error, not silence.

Numbers are read exactly: ``Decimal`` (what ``json.loads(..., parse_float=Decimal)`` yields),
``int``, or a string holding a plain decimal (``"12.50"``). A ``float`` only arrives when the
body was parsed without ``parse_float=Decimal``; it is taken by its shortest representation
(``repr``), which is the literal the caller wrote for any amount with up to 15 significant
digits, never by its binary value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, time
from decimal import Decimal, InvalidOperation

from yupana.domain.problems import Problems

_DECIMAL_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_INTEGER_TEXT = re.compile(r"\d+")
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME_TEXT = re.compile(r"\d{2}:\d{2}(:\d{2})?")

PLACEHOLDER_DATE = date(1, 1, 1)


def child(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def item(path: str, index: int) -> str:
    return f"{path}[{index}]"


def type_name(value: object) -> str:
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


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def to_decimal(value: object) -> Decimal | None:
    """``value`` as an exact finite ``Decimal``, or ``None`` when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        return number if number.is_finite() else None
    if isinstance(value, str):
        text = value.strip()
        if not _DECIMAL_TEXT.fullmatch(text):
            return None
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
            return None
    return None


class Fields:
    """The fields of one JSON object at ``path``."""

    def __init__(self, data: Mapping[str, object], path: str, problems: Problems) -> None:
        self.data = data
        self.path = path
        self.problems = problems
        self._seen: set[str] = set()

    @classmethod
    def open(cls, value: object, path: str, problems: Problems) -> Fields | None:
        """The object ``value``, or ``None`` (and a problem) when it is not a JSON object."""
        if not isinstance(value, Mapping):
            problems.error(f"expected an object, got {type_name(value)}", path)
            return None
        return cls(value, path, problems)

    def at(self, name: str) -> str:
        return child(self.path, name)

    def ignore(self, *names: str) -> None:
        """Accept these fields without reading them (e.g. ``$schema``)."""
        self._seen.update(names)

    def close(self) -> None:
        for key in self.data:
            if key not in self._seen:
                self.problems.error(f"unknown field '{key}'", child(self.path, str(key)))

    def has(self, name: str) -> bool:
        """Whether ``name`` has a value (``null`` and blank strings count as absent)."""
        return not _blank(self.data.get(name))

    def raw(self, name: str) -> object:
        """The value of ``name`` (``None`` when absent, null or blank), marking it as known."""
        self._seen.add(name)
        value = self.data.get(name)
        return None if _blank(value) else value

    def _missing(self, name: str) -> None:
        self.problems.error(f"'{name}' is required", self.at(name))

    def _wrong(self, name: str, expected: str, value: object) -> None:
        self.problems.error(f"expected {expected}, got {type_name(value)}", self.at(name))

    # Text ---------------------------------------------------------------------------------

    def text(self, name: str, *, upper: bool = False) -> str | None:
        """An optional string; an empty string counts as absent."""
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, str):
            self._wrong(name, "a string", value)
            return None
        text = value.strip()
        return text.upper() if upper else text

    def required_text(self, name: str, *, upper: bool = False) -> str:
        value = self.data.get(name)
        if value is None:
            self.raw(name)
            self._missing(name)
            return ""
        if _blank(value):
            self.raw(name)
            self.problems.error(f"'{name}' cannot be empty", self.at(name))
            return ""
        return self.text(name, upper=upper) or ""

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

    # Numbers ------------------------------------------------------------------------------

    def amount(self, name: str) -> Decimal | None:
        """An optional exact decimal number (JSON number or numeric string)."""
        value = self.raw(name)
        if value is None:
            return None
        number = to_decimal(value)
        if number is None:
            if isinstance(value, str):
                self.problems.error(f"'{value}' is not a decimal number", self.at(name))
            elif isinstance(value, float | Decimal):
                self.problems.error(f"{value} is not a finite number", self.at(name))
            else:
                self._wrong(name, "a number", value)
        return number

    def required_amount(self, name: str) -> Decimal:
        if not self.has(name):
            self.raw(name)
            self._missing(name)
            return Decimal(0)
        number = self.amount(name)
        return Decimal(0) if number is None else number

    def integer(self, name: str) -> int | None:
        """An optional whole number: a JSON integer or a string of digits."""
        value = self.raw(name)
        if value is None:
            return None
        if isinstance(value, str):
            text = value.strip()
            if _INTEGER_TEXT.fullmatch(text):
                return int(text)
            self.problems.error(f"'{value}' is not a whole number", self.at(name))
            return None
        number = to_decimal(value)
        if number is None:
            self._wrong(name, "a whole number", value)
            return None
        if number != number.to_integral_value():
            self.problems.error(f"expected a whole number, got {value}", self.at(name))
            return None
        return int(number)

    # Dates --------------------------------------------------------------------------------

    def date(self, name: str) -> date | None:
        """An optional date written ``YYYY-MM-DD``."""
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, str):
            self._wrong(name, "a date string YYYY-MM-DD", value)
            return None
        text = value.strip()
        try:
            if not _DATE_TEXT.fullmatch(text):
                raise ValueError
            return date.fromisoformat(text)
        except ValueError:
            self.problems.error(f"'{value}' is not a date YYYY-MM-DD", self.at(name))
            return None

    def required_date(self, name: str) -> date:
        if not self.has(name):
            self.raw(name)
            self._missing(name)
            return PLACEHOLDER_DATE
        return self.date(name) or PLACEHOLDER_DATE

    def time(self, name: str) -> time | None:
        """An optional time of day written ``HH:MM:SS`` (or ``HH:MM``)."""
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, str):
            self._wrong(name, "a time string HH:MM:SS", value)
            return None
        text = value.strip()
        try:
            if not _TIME_TEXT.fullmatch(text):
                raise ValueError
            return time.fromisoformat(text)
        except ValueError:
            self.problems.error(f"'{value}' is not a time HH:MM:SS", self.at(name))
            return None

    # Structure ----------------------------------------------------------------------------

    def object(self, name: str, *, required: bool = False) -> Fields | None:
        """The nested object ``name``; ``None`` when absent (a problem if required) or not an object."""
        value = self.raw(name)
        if value is None:
            if required:
                self._missing(name)
            return None
        return Fields.open(value, self.at(name), self.problems)

    def array(self, name: str, *, required: bool = False) -> Iterator[tuple[str, object]]:
        """(path, value) of each element of the array ``name``; nothing when absent or not an array."""
        value = self.raw(name)
        if value is None:
            if required:
                self._missing(name)
            return
        if not isinstance(value, list):
            self._wrong(name, "an array", value)
            return
        for index, element in enumerate(value):
            yield item(self.at(name), index), element

    def objects(self, name: str, *, required: bool = False) -> Iterator[Fields]:
        """Each element of the array ``name`` that is an object (the others are reported)."""
        for path, element in self.array(name, required=required):
            fields = Fields.open(element, path, self.problems)
            if fields is not None:
                yield fields

    def strings(self, name: str) -> list[str]:
        """An optional array of strings."""
        texts: list[str] = []
        for path, element in self.array(name):
            if isinstance(element, str):
                texts.append(element)
            else:
                self.problems.error(f"expected a string, got {type_name(element)}", path)
        return texts

    def string_map(self, name: str) -> dict[str, str]:
        """An optional object whose values are all strings."""
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
