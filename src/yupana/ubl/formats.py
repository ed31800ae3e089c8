"""How SUNAT writes numbers, dates and text in a CPE.

- amounts: two decimals (n(12,2));
- unit values and prices: up to ten decimals, at least two (n(12,10));
- quantities: up to ten decimals, no trailing zeros;
- rates (percentages, factors): up to five decimals, at least two (n(3,5));
- text: without the control characters XML 1.0 forbids, without surrounding blanks.

Rounding, where a value carries more places than SUNAT allows, is half up.
"""

from __future__ import annotations

import re
from datetime import date, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

_CENT: Final = Decimal("0.01")
_PLACES: Final = {places: Decimal(1).scaleb(-places) for places in range(11)}
# C0 controls except TAB, LF, CR; DEL; lone surrogates; the two non-characters XML forbids.
_FORBIDDEN: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def amount(value: Decimal) -> str:
    """An amount with exactly two decimals: ``Decimal("118") -> "118.00"``."""
    # With exponent -2, ``str`` writes plain notation, as ``format(..., "f")`` does, at a fraction of the cost.
    text = str(value.quantize(_CENT, ROUND_HALF_UP))
    return "0.00" if text == "-0.00" else text


def _plain(value: Decimal) -> str:
    """``format(value, "f")``: ``str`` when it writes no exponent (most values), which is cheaper."""
    text = str(value)
    return format(value, "f") if "E" in text else text


def _places(value: Decimal, max_places: int, min_places: int) -> str:
    text = _plain(value)
    whole, _, fraction = text.partition(".")
    if len(fraction) > max_places:
        text = _plain(value.quantize(_PLACES[max_places], ROUND_HALF_UP))
        whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    if len(fraction) < min_places:
        fraction += "0" * (min_places - len(fraction))
    if whole == "-0" and not fraction.strip("0"):
        whole = "0"
    return f"{whole}.{fraction}" if fraction else whole


def unit_value(value: Decimal) -> str:
    """A unit value or price: up to ten decimals, at least two (``"0.059"``, ``"100.00"``)."""
    return _places(value, 10, 2)


def quantity(value: Decimal) -> str:
    """A quantity: up to ten decimals, trailing zeros dropped (``"2"``, ``"1.5"``)."""
    return _places(value, 10, 0)


def rate(value: Decimal) -> str:
    """A percentage or factor: up to five decimals, at least two (``"18.00"``, ``"0.035"``)."""
    return _places(value, 5, 2)


def day(value: date) -> str:
    return value.isoformat()


def clock(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"


def clean(value: str) -> str:
    """Text as it may go into the XML: forbidden characters removed, outer blanks stripped."""
    return _FORBIDDEN.sub("", value).strip()
