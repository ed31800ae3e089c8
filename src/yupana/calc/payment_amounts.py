"""Arithmetic shared by retentions (20) and perceptions (40): the rate of a régimen, the exchange
rate and soles amount of each payment, and comparing declared amounts the way SUNAT does.

SUNAT's rules (workbook sheets Retenciones1_0 and Percepciones1_0):

- the amount retained or perceived on a payment is the payment times the rate, times the
  exchange rate when the related document is not in soles, "con una tolerancia de más/menos
  uno (1)" (2623, 2608): declared amounts pass when ``|declared - computed| <= 1``, computed
  being the unrounded product;
- the totals are the exact sums of the amounts written per payment (2628/2629, 2667/2668), as
  SUNAT's stylesheets compare them after rounding the sum to cents.

Derived amounts are rounded half up to cents (``calc.rounding.amount``). ``process_agent_document``
completes and checks either document through its ``Arithmetic``: the names of its amounts
(``domain.agent_documents.AgentFamily``), SUNAT's codes and how the net amount follows from the
payment and the amount retained (less) or perceived (more).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any

from yupana.calc.rounding import HUNDRED, ONE, amount
from yupana.domain import catalogs, return_codes
from yupana.domain.agent_documents import AgentFamily
from yupana.domain.exchange_rate import PEN, ExchangeRate, payment_rate
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


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """One document's arithmetic: its family, SUNAT's codes for the amounts of each payment and
    for the two totals, and the net amount of a payment from its amount in soles and the amount
    retained or perceived."""

    family: AgentFamily
    payment_code: str
    total_amount_code: str
    total_net_code: str
    net: Callable[[Decimal, Decimal], Decimal]


def process_agent_document(arithmetic: Arithmetic, doc: Any) -> Problems:
    """Complete every amount of ``doc`` left ``None`` and report each declared one SUNAT would
    reject. Declared amounts are kept. Pure: reads and fills ``doc`` only."""
    problems = Problems()
    check = AmountCheck(problems)
    family = arithmetic.family
    with localcontext() as context:
        context.prec = PRECISION
        if doc.tasa is None:
            doc.tasa = regime_rate(family.regime_catalog, doc.regimen)
        numbers = PaymentNumbers()
        for index, related in enumerate(doc.documents):
            if related.tipo_documento not in family.without_payment:
                _document(arithmetic, check, related, doc.tasa, numbers, f"documents[{index}]")
        _totals(arithmetic, check, doc)
    return problems


def _document(
    arithmetic: Arithmetic,
    check: AmountCheck,
    related: Any,
    tasa: Decimal | None,
    numbers: PaymentNumbers,
    path: str,
) -> None:
    family = arithmetic.family
    code = arithmetic.payment_code
    amount_name, net_name, date_name = family.amount_name, family.net_name, family.date_name
    payments: Sequence[Any] = related.payments
    if len(payments) == 1:
        only = payments[0]
        for name in (amount_name, net_name):
            if getattr(only, name) is None:
                setattr(only, name, getattr(related, name))
    for index, payment in enumerate(payments):
        where = f"{path}.payments[{index}]"
        payment.numero = numbers.next(related.tipo_documento, related.numero, payment.numero)
        if getattr(payment, date_name) is None:
            setattr(payment, date_name, getattr(related, date_name) or payment.fecha)
        rate = payment_rate(related.moneda, payment.tipo_cambio, related.tipo_cambio, payment.fecha)
        soles = in_soles(payment.importe, related.moneda, rate)
        if soles is None or tasa is None:
            continue  # validation reports the missing exchange rate or régimen
        retained = check.settle(
            code, f"{where}.{amount_name}", getattr(payment, amount_name), percent_of(soles, tasa)
        )
        setattr(payment, amount_name, retained)
        net = check.settle(
            code, f"{where}.{net_name}", getattr(payment, net_name), arithmetic.net(soles, retained)
        )
        setattr(payment, net_name, net)
    for name in (amount_name, net_name):
        values = [getattr(p, name) for p in payments]
        if not payments or None in values:
            return
    for name in (amount_name, net_name):
        total = sum((getattr(p, name) for p in payments), Decimal(0))
        setattr(related, name, check.settle(code, f"{path}.{name}", getattr(related, name), total))


def _totals(arithmetic: Arithmetic, check: AmountCheck, doc: Any) -> None:
    family = arithmetic.family
    amount_name, net_name = family.amount_name, family.net_name
    counted = [d for d in doc.documents if d.tipo_documento not in family.out_of_totals]
    totals = doc.totals
    check.rounding("totals.redondeo", totals.redondeo)
    amounts = [getattr(p, amount_name) for d in counted for p in d.payments]
    nets = [getattr(p, net_name) for d in counted for p in d.payments]
    if not amounts or None in amounts or None in nets:
        return
    declared = getattr(totals, amount_name)
    total = sum(amounts, Decimal(0))
    setattr(
        totals,
        amount_name,
        check.settle(arithmetic.total_amount_code, f"totals.{amount_name}", declared, total, None),
    )
    payable = sum(nets, Decimal(0)) + (totals.redondeo or Decimal(0))
    declared = getattr(totals, net_name)
    setattr(
        totals,
        net_name,
        check.settle(arithmetic.total_net_code, f"totals.{net_name}", declared, payable, None),
    )
