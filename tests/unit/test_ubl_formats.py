"""How the UBL writer spells numbers, dates and text."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal as D

import pytest

from yupana.ubl import formats


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("118", "118.00"),
        ("0", "0.00"),
        ("1.005", "1.01"),  # half up, not half even
        ("2.675", "2.68"),
        ("-0.001", "0.00"),  # no negative zero
        ("1E+3", "1000.00"),
        ("12345678901.2", "12345678901.20"),
    ],
)
def test_amount_has_two_decimals(value: str, expected: str) -> None:
    assert formats.amount(D(value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("100", "100.00"),
        ("0.059", "0.059"),
        ("118.0000", "118.00"),
        ("0.12345678905", "0.1234567891"),  # ten places at most, half up
        ("1E+2", "100.00"),
        ("0", "0.00"),
    ],
)
def test_unit_value_keeps_up_to_ten_decimals(value: str, expected: str) -> None:
    assert formats.unit_value(D(value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2", "2"), ("2.000", "2"), ("1.50", "1.5"), ("0.0000000001", "0.0000000001"), ("1E+2", "100")],
)
def test_quantity_drops_trailing_zeros(value: str, expected: str) -> None:
    assert formats.quantity(D(value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("18", "18.00"), ("0.1", "0.10"), ("0.035", "0.035"), ("4.123456", "4.12346")]
)
def test_rate_has_two_to_five_decimals(value: str, expected: str) -> None:
    assert formats.rate(D(value)) == expected


def test_dates_and_times() -> None:
    assert formats.day(date(2024, 3, 9)) == "2024-03-09"
    assert formats.clock(time(7, 5, 3, 999)) == "07:05:03"


def test_clean_removes_what_xml_cannot_carry() -> None:
    assert formats.clean("  CAFÉ\x00 \x1f\x0bMOLIDO\ufffe ") == "CAFÉ MOLIDO"
    assert formats.clean("LÍNEA 1\nLÍNEA 2\tFIN") == "LÍNEA 1\nLÍNEA 2\tFIN"
