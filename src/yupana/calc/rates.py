"""Tax rates in force on a date (Lima date of issue).

- IGV: 18 % (16 % IGV + 2 % IPM), the general rate.
- Special IGV rate for micro and small restaurants, hotels and lodgings in SUNAT's register
  (Ley 31556 and its amendments): 10 % from 2022-09-01, 10.5 % from 2026-01-01. SUNAT's rules
  (codes 3291, 3279, 3462, observation 4439) accept 18 or the special rate in force; notes may
  also carry 10 % because the document they modify may (NC/ND rules 3291/4290: "18.00, 10.50 o 10.00").
  The special rate is never assumed: a line carries it only when the caller declares its
  ``porcentaje_igv``.
- IVAP (tributo 1016, arroz pilado): 4 %.
- ICBPER (tributo 7152, plastic bags, Ley 30884): an amount per bag rising each year,
  S/ 0.10 (from 2019-08-01), 0.20 (2020), 0.30 (2021), 0.40 (2022), 0.50 (2023 on). SUNAT rejects
  ICBPER before 2019-08-01 (code 2949) and observes a per-bag amount that is not the one in force
  on a PEN document (observation 4237).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

IGV_GENERAL = Decimal("18")
IVAP = Decimal("4")

_SPECIAL_IGV: tuple[tuple[date, Decimal], ...] = (
    (date(2022, 9, 1), Decimal("10")),
    (date(2026, 1, 1), Decimal("10.5")),
)
_NOTE_IGV_RATES = frozenset({IGV_GENERAL, *(rate for _, rate in _SPECIAL_IGV)})

ICBPER_START = date(2019, 8, 1)
_ICBPER: tuple[tuple[date, Decimal], ...] = (
    (ICBPER_START, Decimal("0.10")),
    (date(2020, 1, 1), Decimal("0.20")),
    (date(2021, 1, 1), Decimal("0.30")),
    (date(2022, 1, 1), Decimal("0.40")),
    (date(2023, 1, 1), Decimal("0.50")),
)


def _in_force(table: tuple[tuple[date, Decimal], ...], day: date) -> Decimal | None:
    found: Decimal | None = None
    for start, rate in table:
        if day >= start:
            found = rate
    return found


def special_igv_rate(day: date) -> Decimal | None:
    """The special IGV rate of Ley 31556 in force on ``day`` (``None`` before 2022-09-01)."""
    return _in_force(_SPECIAL_IGV, day)


def special_igv_since(rate: Decimal) -> date | None:
    """The day the special IGV ``rate`` came into force (``None`` if it never was one)."""
    return next((start for start, value in _SPECIAL_IGV if value == rate), None)


def igv_rates(day: date, note: bool = False) -> frozenset[Decimal]:
    """IGV percentages SUNAT accepts on a document issued on ``day`` (rule 3462)."""
    if note:
        return _NOTE_IGV_RATES
    special = special_igv_rate(day)
    return frozenset({IGV_GENERAL} if special is None else {IGV_GENERAL, special})


def icbper_rate(day: date) -> Decimal | None:
    """ICBPER per bag in soles in force on ``day`` (``None`` before the tax existed)."""
    return _in_force(_ICBPER, day)
