"""Identity documents: the RUC check digit and the formats SUNAT accepts per catalog 06 type."""

from __future__ import annotations

import re

RUC_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_RUC_SHAPE = re.compile(r"^[12]\d{10}$")
_DNI_SHAPE = re.compile(r"^\d{8}$")
# Catalog 06 types written as up to 15 characters with no whitespace (SUNAT rules 2802/4208).
FREE_FORMAT_TYPES = frozenset("0 4 7 A B C D E F G H".split())
_FREE_SHAPE = re.compile(r"^\S{1,15}$")


def ruc_check_digit(first_ten: str) -> int:
    """Módulo 11 check digit of the first ten digits of a RUC."""
    if len(first_ten) != 10 or not first_ten.isdigit():
        raise ValueError("a RUC body is ten digits")
    remainder = 11 - sum(int(d) * w for d, w in zip(first_ten, RUC_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 1}.get(remainder, remainder)


def is_ruc_shape(value: str | None) -> bool:
    """Eleven digits starting with 1 or 2 (10/15/16/17 personas, 20 entidades)."""
    return value is not None and bool(_RUC_SHAPE.match(value))


def is_valid_ruc(value: str | None) -> bool:
    """Shape and módulo 11 check digit."""
    return is_ruc_shape(value) and ruc_check_digit(value[:10]) == int(value[10])  # type: ignore[index]


def is_dni_shape(value: str | None) -> bool:
    return value is not None and bool(_DNI_SHAPE.match(value))


def is_free_shape(value: str | None) -> bool:
    """Up to 15 characters with no whitespace (carnet de extranjería, pasaporte, TIN...)."""
    return value is not None and bool(_FREE_SHAPE.match(value))
