"""Where SUNAT writes a number, and with how many decimals.

Amounts (line and document totals, taxes, allowances, instalments) carry 2 decimals
(``n(12,2)`` in SUNAT's rules); unit values and prices up to 10 (``n(12,10)``); allowance
factors and ICBPER amounts per bag up to 5 (``n(3,5)``). Every rounding is ROUND_HALF_UP,
the rounding SUNAT's own software and the printed representation use.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
_FIVE_PLACES = Decimal("0.00001")
_TEN_PLACES = Decimal("0.0000000001")


def amount(value: Decimal) -> Decimal:
    """An amount as SUNAT writes it: 2 decimals."""
    return value.quantize(CENT, ROUND_HALF_UP)


def unit(value: Decimal) -> Decimal:
    """A unit value or price: at most 10 decimals, at least 2 (``7.88``, ``6.6779661017``)."""
    rounded = value.quantize(_TEN_PLACES, ROUND_HALF_UP)
    cents = rounded.quantize(CENT)
    if cents == rounded:  # nothing beyond the second decimal
        return cents
    return rounded.normalize()


def factor(value: Decimal) -> Decimal:
    """A multiplier (allowance factor, ICBPER amount per bag): 5 decimals."""
    return value.quantize(_FIVE_PLACES, ROUND_HALF_UP)


def whole(value: Decimal) -> Decimal:
    """Rounded to whole units, written with 2 decimals (``37.76`` -> ``38.00``)."""
    return value.quantize(ONE, ROUND_HALF_UP).quantize(CENT)


def percent_of(base: Decimal, percent: Decimal) -> Decimal:
    """``base`` times a percentage (``18`` for 18 %), unrounded."""
    return base * percent / HUNDRED


def decimals(value: Decimal) -> int:
    """How many decimals ``value`` is written with (``Decimal("1.50")`` -> 2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
