"""Reading typed values out of a decoded Facturador PRO JSON body.

Every reader method takes the JSON object, the key and the path of that key in the caller's
own terms (``items[0].cantidad``), records a problem when the value cannot be read and returns
``None`` in that case, so that one pass finds every structural problem of a request.

Leniency shared by every field, as Facturador PRO clients send them:

- ``null``, an absent key and a blank string (``""``, ``"  "``) all mean "not given";
- numbers may come as JSON numbers or as strings (``"100.00"``); they are read as ``Decimal``
  (a JSON float is read through its shortest text form, never through binary arithmetic);
- codes may come as numbers (``1`` for ``"01"``, ``6`` for ``"6"``) and are zero-padded to the
  width of their catalog;
- booleans may come as ``true``/``false``, ``1``/``0`` or the strings ``"true"``, ``"false"``,
  ``"1"``, ``"0"``, ``"si"``, ``"no"``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date, time
from decimal import Decimal, InvalidOperation

from yupana.domain.problems import Problems

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?")
_TRUE = frozenset({"true", "1", "si", "sí", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


def join(base: str, key: str) -> str:
    """``base.key``, or ``key`` at the top of the body."""
    return f"{base}.{key}" if base else key


def at(base: str, index: int) -> str:
    return f"{base}[{index}]"


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def given(obj: Mapping[str, object], key: str) -> bool:
    """Whether ``key`` carries a value (not absent, not null, not blank)."""
    return not is_blank(obj.get(key))


def first_given(obj: Mapping[str, object], *keys: str) -> str:
    """The first of ``keys`` that carries a value; the first key when none does.

    Used for the aliases Facturador PRO clients send (``factor``/``porcentaje``,
    ``relacionados``/``documentos_relacionados``...).
    """
    for key in keys:
        if given(obj, key):
            return key
    return keys[0]


def _leaf(path: str) -> str:
    return path.rsplit(".", 1)[-1]


class FieldReader:
    """Reads the fields of one body, collecting every problem in ``problems``."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems

    def error(self, message: str, path: str, code: str | None = None) -> None:
        self.problems.error(message, path, code)

    def missing(self, path: str, code: str | None = None) -> None:
        self.error(f"'{_leaf(path)}' is required", path, code)

    # Containers ---------------------------------------------------------------------------------

    def mapping(
        self,
        obj: Mapping[str, object],
        key: str,
        path: str,
        *,
        required: bool = False,
        code: str | None = None,
    ) -> Mapping[str, object] | None:
        value = obj.get(key)
        if is_blank(value):
            if required:
                self.missing(path, code)
            return None
        if not isinstance(value, Mapping):
            self.error(f"'{_leaf(path)}' must be a JSON object", path, code)
            return None
        return value

    def sequence(
        self,
        obj: Mapping[str, object],
        key: str,
        path: str,
        *,
        required: bool = False,
        code: str | None = None,
    ) -> list[object] | None:
        value = obj.get(key)
        if is_blank(value):
            if required:
                self.missing(path, code)
            return None
        if not isinstance(value, list):
            self.error(f"'{_leaf(path)}' must be a JSON array", path, code)
            return None
        return value

    def objects(
        self, obj: Mapping[str, object], key: str, path: str
    ) -> list[tuple[str, Mapping[str, object]]]:
        """The elements of an optional array of objects, each with its path; problems for the rest."""
        found: list[tuple[str, Mapping[str, object]]] = []
        for index, element in enumerate(self.sequence(obj, key, path) or []):
            element_path = at(path, index)
            if isinstance(element, Mapping):
                found.append((element_path, element))
            else:
                self.error("each element must be a JSON object", element_path)
        return found

    # Scalars ------------------------------------------------------------------------------------

    def text(
        self,
        obj: Mapping[str, object],
        key: str,
        path: str,
        *,
        required: bool = False,
        code: str | None = None,
    ) -> str | None:
        """A string, stripped. Numbers are accepted and written as text."""
        value = obj.get(key)
        if is_blank(value):
            if required:
                self.missing(path, code)
            return None
        return self._as_text(value, path, code)

    def _as_text(self, value: object, path: str, code: str | None) -> str | None:
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, float):
            return repr(value)
        self.error(f"'{_leaf(path)}' must be a string", path, code)
        return None

    def code(
        self,
        obj: Mapping[str, object],
        key: str,
        path: str,
        *,
        width: int | None = None,
        allowed: Collection[str] | None = None,
        required: bool = False,
        missing_code: str | None = None,
        invalid_code: str | None = None,
    ) -> str | None:
        """A catalog code: text, upper-cased; digits are zero-padded to ``width``."""
        value = obj.get(key)
        if is_blank(value):
            if required:
                self.missing(path, missing_code)
            return None
        if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
            value = int(value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        text = self._as_text(value, path, invalid_code)
        if text is None:
            return None
        text = text.upper()
        if width is not None and text.isdigit() and len(text) < width:
            text = text.zfill(width)
        if allowed is not None and text not in allowed:
            expected = ", ".join(sorted(allowed))
            self.error(
                f"unknown value '{text}' for '{_leaf(path)}' (expected one of: {expected})",
                path,
                invalid_code,
            )
            return None
        return text

    def decimal(
        self,
        obj: Mapping[str, object],
        key: str,
        path: str,
        *,
        required: bool = False,
        code: str | None = None,
        missing_code: str | None = None,
    ) -> Decimal | None:
        """A number, exactly: JSON number or numeric string (``"100.00"``).

        ``code`` goes with an unreadable value, ``missing_code`` (default ``code``) with a missing one.
        """
        value = obj.get(key)
        if is_blank(value):
            if required:
                self.missing(path, missing_code or code)
            return None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int | Decimal):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
            try:
                number = Decimal(value.strip())
            except InvalidOperation:
                number = None
        else:
            number = None
        if number is None or not number.is_finite():
            self.error(f"'{_leaf(path)}' must be a number, got {value!r}", path, code)
            return None
        return number

    def integer(
        self,
        obj: Mapping[str, object],
        key: str,
        path: str,
        *,
        required: bool = False,
        code: str | None = None,
    ) -> int | None:
        number = self.decimal(obj, key, path, required=required, code=code)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.error(f"'{_leaf(path)}' must be a whole number, got {obj.get(key)!r}", path, code)
            return None
        return int(number)

    def date(
        self,
        obj: Mapping[str, object],
        key: str,
        path: str,
        *,
        required: bool = False,
        missing_code: str | None = None,
        invalid_code: str | None = None,
    ) -> date | None:
        """A date written ``YYYY-MM-DD``."""
        value = obj.get(key)
        if is_blank(value):
            if required:
                self.missing(path, missing_code)
            return None
        found = _DATE.fullmatch(value.strip()) if isinstance(value, str) else None
        if found:
            try:
                return date(int(found[1]), int(found[2]), int(found[3]))
            except ValueError:
                pass
        self.error(f"'{_leaf(path)}' must be a date YYYY-MM-DD, got {value!r}", path, invalid_code)
        return None

    def time(
        self, obj: Mapping[str, object], key: str, path: str, *, invalid_code: str | None = None
    ) -> time | None:
        """A time of day written ``HH:MM:SS`` (or ``HH:MM``)."""
        value = obj.get(key)
        if is_blank(value):
            return None
        found = _TIME.fullmatch(value.strip()) if isinstance(value, str) else None
        if found:
            try:
                return time(int(found[1]), int(found[2]), int(found[3] or 0))
            except ValueError:
                pass
        self.error(f"'{_leaf(path)}' must be a time HH:MM:SS, got {value!r}", path, invalid_code)
        return None

    def boolean(self, obj: Mapping[str, object], key: str, path: str) -> bool | None:
        value = obj.get(key)
        if is_blank(value):
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            word = value.strip().lower()
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
        self.error(f"'{_leaf(path)}' must be true or false, got {value!r}", path)
        return None
