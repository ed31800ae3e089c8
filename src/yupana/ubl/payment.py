"""Payment blocks: ``cac:PaymentMeans`` and ``cac:PaymentTerms`` of a detracción, the percepción
terms, the forma de pago (Contado, or Credito with its cuotas) and ``cac:PrepaidPayment``
(anticipos)."""

from __future__ import annotations

from collections.abc import Sequence

from yupana.domain.sale import Detraccion, PaymentTerms, Percepcion, Prepayment
from yupana.ubl import code_lists, formats
from yupana.ubl.namespaces import CAC, CBC
from yupana.ubl.nodes import (
    Element,
    amount,
    code,
    fill,
    leaf,
    paste,
    remembered,
    required,
    sub,
    template_holder,
)

PEN = "PEN"
DETRACCION = "Detraccion"
PERCEPCION = "Percepcion"
FORMA_PAGO = "FormaPago"
CONTADO = "Contado"
CREDITO = "Credito"
_TERMS: dict[str, Element] = {}


def _forma_pago_template() -> Element:
    terms = sub(template_holder(), CAC.PaymentTerms)
    code(terms, CBC.ID, FORMA_PAGO)
    leaf(terms, CBC.PaymentMeansID)
    return terms


def detraccion_means(parent: Element, value: Detraccion) -> Element:
    """``cac:PaymentMeans`` of a detracción: the medio de pago (catalog 59) and the Banco de la
    Nación account the buyer deposits into."""
    means = sub(parent, CAC.PaymentMeans)
    code(means, CBC.ID, DETRACCION)
    code(means, CBC.PaymentMeansCode, value.medio_pago, code_lists.PAYMENT_MEANS)
    code(sub(means, CAC.PayeeFinancialAccount), CBC.ID, value.cuenta_banco)
    return means


def detraccion_terms(parent: Element, value: Detraccion) -> Element:
    """``cac:PaymentTerms`` of a detracción: good/service (catalog 54), rate and amount in soles."""
    terms = sub(parent, CAC.PaymentTerms)
    code(terms, CBC.ID, DETRACCION)
    code(terms, CBC.PaymentMeansID, value.codigo_bien, code_lists.DETRACCION_GOOD)
    code(terms, CBC.PaymentPercent, formats.rate(value.porcentaje))
    amount(terms, CBC.Amount, required(value.monto, "detraccion.monto"), PEN)
    return terms


def percepcion_terms(parent: Element, value: Percepcion) -> Element:
    """``cac:PaymentTerms`` of a percepción: the total charged including the percepción, in soles."""
    terms = sub(parent, CAC.PaymentTerms)
    code(terms, CBC.ID, PERCEPCION)
    amount(terms, CBC.Amount, required(value.total, "percepcion.total"), PEN)
    return terms


def forma_pago(parent: Element, value: PaymentTerms, currency: str) -> None:
    """The forma de pago: ``Contado``, or ``Credito`` with the amount pending and one
    ``CuotaNNN`` block per instalment."""
    if value.forma != CREDITO:
        terms = paste(parent, remembered(_TERMS, FORMA_PAGO, _forma_pago_template))
        fill(terms[1], value.forma)
        return
    terms = sub(parent, CAC.PaymentTerms)
    code(terms, CBC.ID, FORMA_PAGO)
    code(terms, CBC.PaymentMeansID, CREDITO)
    if value.monto is not None:
        amount(terms, CBC.Amount, value.monto, currency)
    for number, cuota in enumerate(value.cuotas, 1):
        terms = sub(parent, CAC.PaymentTerms)
        code(terms, CBC.ID, FORMA_PAGO)
        code(terms, CBC.PaymentMeansID, f"Cuota{number:03d}")
        amount(terms, CBC.Amount, cuota.monto, cuota.moneda or currency)
        code(terms, CBC.PaymentDueDate, formats.day(cuota.fecha_pago))


def prepaid_payments(parent: Element, anticipos: Sequence[Prepayment], currency: str) -> None:
    """One ``cac:PrepaidPayment`` per anticipo; its ``cbc:ID`` (1, 2, ...) is the key the
    anticipo's ``cac:AdditionalDocumentReference/cbc:DocumentStatusCode`` repeats."""
    for number, anticipo in enumerate(anticipos, 1):
        payment = sub(parent, CAC.PrepaidPayment)
        code(payment, CBC.ID, str(number), code_lists.PREPAYMENT_ID)
        amount(payment, CBC.PaidAmount, anticipo.monto, currency)
