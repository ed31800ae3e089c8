"""SUNAT's arithmetic for the comprobante de retención (20).

Per payment (workbook Retenciones1_0, rules 46 and 49, code 2623, tolerance ±1):

- importe retenido = importe del pago × tasa [× tipo de cambio], in soles;
- importe pagado neto = importe del pago [× tipo de cambio] − importe retenido.

Per comprobante (rules 32 and 34): importe total retenido = Σ importes retenidos (2628) and
importe total pagado = Σ importes pagados netos + redondeo (2629), leaving out notas de crédito
(07) and replaced retentions (20). A redondeo beyond ±1 is 3303.

What is completed: the rate of the régimen (catalog 23), each payment's número de pago and fecha
de retención (the document's, else the payment date), every amount left ``None``. A payment of a
document in another currency is converted with its own exchange rate, else the document's
(``domain.exchange_rate.payment_rate``). A document's own ``retenido``/``pagado`` are the sums
over its payments; declared on a document with a single payment, they are that payment's. Totals
are left ``None`` when no payment counts or an amount could not be derived (no exchange rate, no
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
from yupana.domain.problems import Problems
from yupana.domain.retention import (
    OUT_OF_TOTALS,
    WITHOUT_PAYMENT,
    RetainedDocument,
    RetentionDocument,
)

PAYMENT_AMOUNTS = "2623"
TOTAL_RETAINED = "2628"
TOTAL_PAID = "2629"


def process_retention(doc: RetentionDocument) -> Problems:
    """Complete every amount left ``None`` and report each declared one SUNAT would reject.
    Declared amounts are kept. Pure: reads and fills ``doc`` only."""
    problems = Problems()
    check = AmountCheck(problems)
    with localcontext() as context:
        context.prec = PRECISION
        if doc.tasa is None:
            doc.tasa = regime_rate("23", doc.regimen)
        numbers = PaymentNumbers()
        for index, related in enumerate(doc.documents):
            if related.tipo_documento not in WITHOUT_PAYMENT:
                _document(check, related, doc.tasa, numbers, f"documents[{index}]")
        _totals(check, doc)
    return problems


def _document(
    check: AmountCheck, related: RetainedDocument, tasa: Decimal | None, numbers: PaymentNumbers, path: str
) -> None:
    payments = related.payments
    if len(payments) == 1:
        only = payments[0]
        if only.retenido is None:
            only.retenido = related.retenido
        if only.pagado is None:
            only.pagado = related.pagado
    for index, payment in enumerate(payments):
        where = f"{path}.payments[{index}]"
        payment.numero = numbers.next(related.tipo_documento, related.numero, payment.numero)
        if payment.fecha_retencion is None:
            payment.fecha_retencion = related.fecha_retencion or payment.fecha
        rate = payment_rate(related.moneda, payment.tipo_cambio, related.tipo_cambio, payment.fecha)
        soles = in_soles(payment.importe, related.moneda, rate)
        if soles is None or tasa is None:
            continue  # validation reports the missing exchange rate or régimen
        payment.retenido = check.settle(
            PAYMENT_AMOUNTS, f"{where}.retenido", payment.retenido, percent_of(soles, tasa)
        )
        payment.pagado = check.settle(
            PAYMENT_AMOUNTS, f"{where}.pagado", payment.pagado, soles - payment.retenido
        )
    retained = [p.retenido for p in payments]
    paid = [p.pagado for p in payments]
    if payments and None not in retained and None not in paid:
        related.retenido = check.settle(
            PAYMENT_AMOUNTS, f"{path}.retenido", related.retenido, sum(retained, Decimal(0))
        )
        related.pagado = check.settle(
            PAYMENT_AMOUNTS, f"{path}.pagado", related.pagado, sum(paid, Decimal(0))
        )


def _totals(check: AmountCheck, doc: RetentionDocument) -> None:
    counted = [d for d in doc.documents if d.tipo_documento not in OUT_OF_TOTALS]
    totals = doc.totals
    check.rounding("totals.redondeo", totals.redondeo)
    retained = [p.retenido for d in counted for p in d.payments]
    paid = [p.pagado for d in counted for p in d.payments]
    if not retained or None in retained or None in paid:
        return
    totals.retenido = check.settle(
        TOTAL_RETAINED, "totals.retenido", totals.retenido, sum(retained, Decimal(0)), None
    )
    payable = sum(paid, Decimal(0)) + (totals.redondeo or Decimal(0))
    totals.pagado = check.settle(TOTAL_PAID, "totals.pagado", totals.pagado, payable, None)
