"""Arithmetic shared by retentions (20) and perceptions (40): the rate of a régimen, the exchange
rate and soles amount of each payment, and comparing declared amounts the way SUNAT does.

SUNAT's rules (workbook sheets Retenciones1_0 and Percepciones1_0):

- the amount retained or perceived on a payment is the payment times the rate, times the
  exchange rate when the related document is not in soles, "con una tolerancia de más/menos
  uno (1)" (2623, 2608): declared amounts pass when ``|declared - computed| <= 1``, computed
  being the unrounded product;
- the totals are the exact sums of the amounts written per payment (2628/2629, 2667/2668), as
  SUNAT's stylesheets compare them after rounding the sum to cents.

Derived amounts are rounded half up to cents (``calc.rounding.amount``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from yupana.calc.rounding import HUNDRED, ONE, amount
from yupana.domain import catalogs, return_codes
from yupana.domain.exchange_rate import PEN, ExchangeRate
from yupana.domain.problems import Problems

TOLERANCE = ONE
PRECISION = 50


def regime_rate(catalog: str, regimen: str) -> Decimal | None:
    """The percentage SUNAT's catalog (22 percepción, 23 retención) sets for ``regimen``."""
    tasa = catalogs.attribute(catalog, regimen, "tasa")
    return Decimal(str(tasa)) if tasa is not None else None


def in_soles(importe: Decimal, moneda: str, rate: ExchangeRate | None) -> Decimal | None:
    """``importe`` in soles, unrounded; ``None`` when a foreign amount has no usable rate."""
    if moneda == PEN:
        return importe
    if rate is None or rate.factor is None or rate.factor <= 0:
        return None
    return importe * rate.factor


def percent_of(base: Decimal, tasa: Decimal) -> Decimal:
    return base * tasa / HUNDRED


@dataclass(slots=True)
class PaymentNumbers:
    """SUNAT's número de pago / cobro: 1, 2... per related document (type and number), counted
    across every reference to the same document, so that none repeats (2626)."""

    seen: Counter[tuple[str, str]] = field(default_factory=Counter)

    def next(self, tipo_documento: str, numero: str, given: int | None) -> int:
        key = (tipo_documento, numero)
        self.seen[key] += 1
        return given if given is not None else self.seen[key]


@dataclass(slots=True)
class AmountCheck:
    """Compares declared amounts with SUNAT's arithmetic and records each difference."""

    problems: Problems

    def settle(
        self,
        code: str,
        path: str,
        declared: Decimal | None,
        expected: Decimal,
        tolerance: Decimal | None = TOLERANCE,
    ) -> Decimal:
        """``expected`` rounded to cents when nothing was declared; else the declared value,
        reported with ``code`` when it differs from ``expected`` beyond ``tolerance`` (exactly
        when ``tolerance`` is ``None``)."""
        if declared is None:
            return amount(expected)
        differs = declared != expected if tolerance is None else abs(declared - expected) > tolerance
        if differs:
            self.problems.error(
                f"{return_codes.message(code)} (declared {declared}, SUNAT's arithmetic gives "
                f"{amount(expected)})",
                path,
                code,
            )
        return declared

    def rounding(self, path: str, redondeo: Decimal | None) -> None:
        """3303: a rounding of the total beyond one sol either way."""
        if redondeo is not None and abs(redondeo) > ONE:
            self.problems.error(f"{return_codes.message('3303')} ({redondeo})", path, "3303")
