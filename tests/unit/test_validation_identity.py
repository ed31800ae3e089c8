"""RUC check digit (módulo 11) and identity document shapes."""

from __future__ import annotations

import pytest

from yupana.validation.identity import (
    is_dni_shape,
    is_free_shape,
    is_ruc_shape,
    is_valid_ruc,
    ruc_check_digit,
)


@pytest.mark.parametrize(
    "ruc",
    [
        "20100070970",  # Supermercados Peruanos
        "20000000001",  # SUNAT's beta issuer
        "20601030013",
        "10467793549",
        "20131312955",  # SUNAT
        "20100047218",  # Banco de Crédito del Perú
    ],
)
def test_real_shaped_rucs_are_valid(ruc: str) -> None:
    assert is_valid_ruc(ruc)


@pytest.mark.parametrize(
    ("body", "digit"),
    [
        ("2010007097", 0),  # remainder 10 -> 0
        ("2000000000", 1),  # 11 - 10 = 1
        ("2012345678", 6),  # 20123456789 is the demo RUC of many samples: its check digit is 6
        ("2013131295", 5),
        ("1046779354", 9),
    ],
)
def test_check_digit(body: str, digit: int) -> None:
    assert ruc_check_digit(body) == digit


def test_check_digit_remainder_one_gives_zero_and_remainder_zero_gives_one() -> None:
    # sum % 11 == 0 -> 11 -> 1 ; sum % 11 == 1 -> 10 -> 0
    assert ruc_check_digit("1000000000") == 6  # 5 % 11 = 5 -> 6
    assert ruc_check_digit("2000000000") == 1  # 10 % 11 = 10 -> 1
    bodies = {ruc_check_digit(f"20{n:08d}") for n in range(200)}
    assert bodies <= set(range(10))


@pytest.mark.parametrize(
    "ruc",
    [
        "20123456789",  # wrong check digit
        "20100070971",
        "2010007097",  # ten digits
        "201000709700",
        "30100070970",  # must start with 1 or 2
        "2010007097A",
        "",
        None,
    ],
)
def test_invalid_rucs(ruc: str | None) -> None:
    assert not is_valid_ruc(ruc)


def test_ruc_shape_ignores_the_check_digit() -> None:
    assert is_ruc_shape("20123456789")
    assert not is_ruc_shape("40123456789")


def test_check_digit_rejects_bad_bodies() -> None:
    with pytest.raises(ValueError):
        ruc_check_digit("20100")


def test_dni_and_free_shapes() -> None:
    assert is_dni_shape("46027897")
    assert not is_dni_shape("4602789")
    assert not is_dni_shape("4602789A")
    assert is_free_shape("AB1234567")
    assert is_free_shape("X" * 15)
    assert not is_free_shape("X" * 16)
    assert not is_free_shape("AB 123")
    assert not is_free_shape("")
