"""SUNAT's arithmetic for the comprobante de percepción (40).

Per cobro (workbook Percepciones1_0, rules 47 and 50, code 2608, tolerance ±1):

- importe percibido = importe del cobro × tasa [× tipo de cambio], in soles;
- importe cobrado = importe del cobro [× tipo de cambio] + importe percibido.

Per comprobante (rules 33 and 35): importe total percibido = Σ importes percibidos (2667) and
importe total cobrado = Σ importes cobrados + redondeo (2668), leaving out notas de crédito (07)
and replaced perceptions (40). A redondeo beyond ±1 is 3303.

What is completed: the rate of the régimen (catalog 22), each cobro's número de cobro and fecha
de percepción (the document's, else the cobro date), every amount left ``None``. A cobro of a
document in another currency is converted with its own exchange rate, else the document's
(``domain.exchange_rate.payment_rate``). A document's own ``percibido``/``cobrado`` are the sums
over its cobros; declared on a document with a single cobro, they are that cobro's. Totals are
left ``None`` when no cobro counts or an amount could not be derived (no exchange rate, no
régimen): the native rules report why.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from yupana.calc.payment_amounts import (
    PRECISION,
    AmountCheck,
    PaymentNumbers,
    in_soles,
    percent_of,
    regime_rate,
)
from yupana.domain.exchange_rate import payment_rate
from yupana.domain.perception import (
    OUT_OF_TOTALS,
    WITHOUT_PAYMENT,
    PerceivedDocument,
    PerceptionDocument,
)
from yupana.domain.problems import Problems

PAYMENT_AMOUNTS = "2608"
TOTAL_PERCEIVED = "2667"
TOTAL_COLLECTED = "2668"


def process_perception(doc: PerceptionDocument) -> Problems:
    """Complete every amount left ``None`` and report each declared one SUNAT would reject.
    Declared amounts are kept. Pure: reads and fills ``doc`` only."""
    problems = Problems()
    check = AmountCheck(problems)
    with localcontext() as context:
        context.prec = PRECISION
        if doc.tasa is None:
            doc.tasa = regime_rate("22", doc.regimen)
        numbers = PaymentNumbers()
        for index, related in enumerate(doc.documents):
            if related.tipo_documento not in WITHOUT_PAYMENT:
                _document(check, related, doc.tasa, numbers, f"documents[{index}]")
        _totals(check, doc)
    return problems


def _document(
    check: AmountCheck, related: PerceivedDocument, tasa: Decimal | None, numbers: PaymentNumbers, path: str
) -> None:
    payments = related.payments
    if len(payments) == 1:
        only = payments[0]
        if only.percibido is None:
            only.percibido = related.percibido
        if only.cobrado is None:
            only.cobrado = related.cobrado
    for index, payment in enumerate(payments):
        where = f"{path}.payments[{index}]"
        payment.numero = numbers.next(related.tipo_documento, related.numero, payment.numero)
        if payment.fecha_percepcion is None:
            payment.fecha_percepcion = related.fecha_percepcion or payment.fecha
        rate = payment_rate(related.moneda, payment.tipo_cambio, related.tipo_cambio, payment.fecha)
        soles = in_soles(payment.importe, related.moneda, rate)
        if soles is None or tasa is None:
            continue  # validation reports the missing exchange rate or régimen
        payment.percibido = check.settle(
            PAYMENT_AMOUNTS, f"{where}.percibido", payment.percibido, percent_of(soles, tasa)
        )
        payment.cobrado = check.settle(
            PAYMENT_AMOUNTS, f"{where}.cobrado", payment.cobrado, soles + payment.percibido
        )
    perceived = [p.percibido for p in payments]
    collected = [p.cobrado for p in payments]
    if payments and None not in perceived and None not in collected:
        related.percibido = check.settle(
            PAYMENT_AMOUNTS, f"{path}.percibido", related.percibido, sum(perceived, Decimal(0))
        )
        related.cobrado = check.settle(
            PAYMENT_AMOUNTS, f"{path}.cobrado", related.cobrado, sum(collected, Decimal(0))
        )


def _totals(check: AmountCheck, doc: PerceptionDocument) -> None:
    counted = [d for d in doc.documents if d.tipo_documento not in OUT_OF_TOTALS]
    totals = doc.totals
    check.rounding("totals.redondeo", totals.redondeo)
    perceived = [p.percibido for d in counted for p in d.payments]
    collected = [p.cobrado for d in counted for p in d.payments]
    if not perceived or None in perceived or None in collected:
        return
    totals.percibido = check.settle(
        TOTAL_PERCEIVED, "totals.percibido", totals.percibido, sum(perceived, Decimal(0)), None
    )
    payable = sum(collected, Decimal(0)) + (totals.redondeo or Decimal(0))
    totals.cobrado = check.settle(TOTAL_COLLECTED, "totals.cobrado", totals.cobrado, payable, None)
