"""The document totals: ``cac:LegalMonetaryTotal`` (facturas, boletas, notas de crédito) or
``cac:RequestedMonetaryTotal`` (notas de débito)."""

from __future__ import annotations

from yupana.domain.sale import SaleTotals
from yupana.ubl.namespaces import CBC
from yupana.ubl.nodes import Element, amount, required, sub


def monetary_total(parent: Element, tag: str, totals: SaleTotals, currency: str) -> Element:
    """Valor de venta, precio de venta, global discounts and charges (those outside the taxable
    base), anticipos, rounding and the amount payable. Zero discounts, charges, anticipos and
    rounding are left out."""
    block = sub(parent, tag)
    amount(block, CBC.LineExtensionAmount, required(totals.valor_venta, "totals.valor_venta"), currency)
    amount(block, CBC.TaxInclusiveAmount, required(totals.precio_venta, "totals.precio_venta"), currency)
    if totals.descuentos:
        amount(block, CBC.AllowanceTotalAmount, totals.descuentos, currency)
    if totals.cargos:
        amount(block, CBC.ChargeTotalAmount, totals.cargos, currency)
    if totals.anticipos:
        amount(block, CBC.PrepaidAmount, totals.anticipos, currency)
    if totals.redondeo:
        amount(block, CBC.PayableRoundingAmount, totals.redondeo, currency)
    amount(block, CBC.PayableAmount, required(totals.importe_total, "totals.importe_total"), currency)
    return block
