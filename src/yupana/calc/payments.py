"""What the customer pays and when: detracción, percepción, retención, forma de pago.

- Detracción (SPOT, tipos de operación 1001–1004): the deposit is the total with taxes
  (``importe_total``) × the catalog 54 percentage, in soles (``tipo_cambio`` converts other
  currencies) and rounded to whole soles, as the Banco de la Nación takes deposits without
  decimals (RS 183-2004/SUNAT as amended by RS 343-2014/SUNAT). SUNAT does not check this
  amount in the CPE (only its format, 3037): a declared amount is kept as declared.
- Percepción (2001, cat. 53 codes 51–53): base = importe_total in soles (rule 2797: not above
  it on PEN documents; 3233: not zero), monto = base × factor (2798, ±1), total = base + monto
  (the PaymentTerms "Percepcion" amount).
- Retención del IGV (cat. 53 code 62, facturas): base = importe_total (3264: not above it),
  monto = base × factor, 3 % by default (3263, ±1).
- Forma de pago: a factura without one is al contado (SUNAT rejects a factura that states none,
  3244).
- Forma de pago Crédito: ``monto`` is the net amount pending, importe_total less the
  detracción (converted back to the document's currency) and the retención; instalments must
  add up to it exactly (3319), none above the total (3266), each due after the date of issue
  (3267); a customer with RUC must get instalments (3249). A nota de crédito 13 corrects the
  pending amount: it is not derived there and must be declared (3251).
"""

from __future__ import annotations

from decimal import Decimal

from yupana.calc import check
from yupana.calc.check import Checker
from yupana.calc.rounding import ZERO, amount, percent_of, whole
from yupana.calc.totals import NC_ADJUSTMENT
from yupana.domain.sale import FACTURA, NOTA_CREDITO, PaymentTerms, SaleDocument

PEN = "PEN"
CREDITO = "credito"
RUC = "6"


def _in_soles(checker: Checker, value: Decimal, path: str) -> Decimal | None:
    doc = checker.doc
    if doc.moneda == PEN:
        return value
    if doc.tipo_cambio is None:
        checker.problems.error(
            f"a document in {doc.moneda} needs its tipo_cambio to express this amount in PEN", path
        )
        return None
    return value * doc.tipo_cambio


def complete_detraccion(checker: Checker, doc: SaleDocument) -> None:
    detraccion = doc.detraccion
    if detraccion is None or detraccion.monto is not None:
        return
    base = _in_soles(checker, doc.totals.importe_total or ZERO, "detraccion.monto")
    detraccion.monto = whole(percent_of(base, detraccion.porcentaje)) if base is not None else None


def complete_percepcion(checker: Checker, doc: SaleDocument) -> None:
    percepcion = doc.percepcion
    if percepcion is None:
        return
    total = doc.totals.importe_total or ZERO
    if percepcion.base is None:
        base = _in_soles(checker, total, "percepcion.base")
        percepcion.base = amount(base) if base is not None else ZERO
    base = percepcion.base
    if base == 0:
        checker.report(check.PERCEPCION_BASE_ZERO, "percepcion.base", "the base of the percepción is zero")
    if doc.moneda == PEN and base > total:
        checker.report(
            check.PERCEPCION_BASE_OVER_TOTAL, "percepcion.base", f"base {base} exceeds the total {total}"
        )
    percepcion.monto = checker.settle(
        check.PERCEPCION_AMOUNT, "percepcion.monto", percepcion.monto, base * percepcion.factor
    )
    if percepcion.total is None:
        percepcion.total = base + percepcion.monto


def complete_retencion(checker: Checker, doc: SaleDocument) -> None:
    retencion = doc.retencion
    if retencion is None:
        return
    total = doc.totals.importe_total or ZERO
    if retencion.base is None:
        retencion.base = total
    if retencion.base > total:
        checker.report(
            check.RETENCION_BASE_OVER_TOTAL,
            "retencion.base",
            f"base {retencion.base} exceeds the total {total}",
        )
    retencion.monto = checker.settle(
        check.RETENCION_AMOUNT, "retencion.monto", retencion.monto, retencion.base * retencion.factor
    )


def _detraccion_in_document_currency(doc: SaleDocument) -> Decimal:
    detraccion = doc.detraccion
    if detraccion is None or detraccion.monto is None:
        return ZERO
    if doc.moneda == PEN:
        return detraccion.monto
    if not doc.tipo_cambio:
        return ZERO
    return amount(detraccion.monto / doc.tipo_cambio)


def is_credit(forma: str) -> bool:
    return forma.strip().lower().replace("é", "e") == CREDITO


def complete_payment(checker: Checker, doc: SaleDocument) -> None:
    payment = doc.payment
    if payment is None and doc.tipo_documento == FACTURA:
        # Every factura states its forma de pago (3244, an error since 2021-09-01); a factura
        # that names none is a sale al contado.
        payment = doc.payment = PaymentTerms()
    if payment is None or not is_credit(payment.forma):
        return
    total = doc.totals.importe_total or ZERO
    adjustment = (
        doc.tipo_documento == NOTA_CREDITO and doc.note is not None and doc.note.codigo == NC_ADJUSTMENT
    )
    with_ruc = doc.customer.tipo_documento == RUC
    if payment.monto is None:
        if adjustment:
            checker.report(
                check.CREDIT_WITHOUT_AMOUNT,
                "payment.monto",
                "a nota de crédito 13 declares the corrected pending amount",
            )
        else:
            retained = (
                doc.retencion.monto if doc.retencion is not None and doc.retencion.monto is not None else ZERO
            )
            payment.monto = amount(total - _detraccion_in_document_currency(doc) - retained)
    pending = payment.monto
    if pending is not None and not adjustment and pending > total:
        checker.report(
            check.CREDIT_OVER_TOTAL, "payment.monto", f"pending {pending} exceeds the total {total}"
        )

    if not payment.cuotas:
        if with_ruc:
            checker.report(
                check.CREDIT_WITHOUT_INSTALMENTS,
                "payment.cuotas",
                "a sale on credit to a RUC lists its instalments",
            )
        return
    for i, cuota in enumerate(payment.cuotas):
        where = f"payment.cuotas[{i}]"
        if not adjustment and cuota.monto > total:
            checker.report(
                check.INSTALMENT_OVER_TOTAL,
                f"{where}.monto",
                f"instalment {cuota.monto} exceeds the total {total}",
            )
        if cuota.fecha_pago <= doc.fecha_emision:
            checker.report(
                check.INSTALMENT_DATE,
                f"{where}.fecha_pago",
                f"instalment due {cuota.fecha_pago} is not after the date of issue {doc.fecha_emision}",
            )
    if with_ruc and pending is not None and (doc.tipo_documento != NOTA_CREDITO or adjustment):
        instalments = sum((c.monto for c in payment.cuotas), ZERO)
        if instalments != pending:
            checker.report(
                check.INSTALMENTS_SUM,
                "payment.cuotas",
                f"the instalments add up to {instalments}, the pending amount is {pending}",
            )
