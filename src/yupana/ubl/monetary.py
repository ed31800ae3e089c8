"""The document totals: ``cac:LegalMonetaryTotal`` (facturas, boletas, notas de crédito) or
``cac:RequestedMonetaryTotal`` (notas de débito).

The block is pasted from a template per tag, currency and set of amounts present, and its
amounts are written in place."""

from __future__ import annotations

from decimal import Decimal

from yupana.domain.sale import SaleTotals
from yupana.ubl import formats
from yupana.ubl.namespaces import CBC
from yupana.ubl.nodes import ZERO, Element, amount, paste, remembered, required, sub, template_holder

_Shape = tuple[str, str, tuple[str, ...]]
_BLOCKS: dict[_Shape, Element] = {}


def _template(shape: _Shape) -> Element:
    tag, currency, tags = shape
    block = sub(template_holder(), tag)
    for name in tags:
        amount(block, name, ZERO, currency)
    return block


def monetary_values(totals: SaleTotals) -> list[tuple[str, Decimal]]:
    """Valor de venta, precio de venta, global discounts and charges (those outside the taxable
    base), anticipos, rounding and the amount payable, by tag. Zero discounts, charges, anticipos
    and rounding are left out."""
    values: list[tuple[str, Decimal]] = [
        (CBC.LineExtensionAmount, required(totals.valor_venta, "totals.valor_venta")),
        (CBC.TaxInclusiveAmount, required(totals.precio_venta, "totals.precio_venta")),
    ]
    if totals.descuentos:
        values.append((CBC.AllowanceTotalAmount, totals.descuentos))
    if totals.cargos:
        values.append((CBC.ChargeTotalAmount, totals.cargos))
    if totals.anticipos:
        values.append((CBC.PrepaidAmount, totals.anticipos))
    if totals.redondeo:
        values.append((CBC.PayableRoundingAmount, totals.redondeo))
    values.append((CBC.PayableAmount, required(totals.importe_total, "totals.importe_total")))
    return values


def monetary_total(parent: Element, tag: str, totals: SaleTotals, currency: str) -> Element:
    """The block of :func:`monetary_values`."""
    values = monetary_values(totals)
    shape = (tag, currency, tuple(name for name, _ in values))
    block = paste(parent, remembered(_BLOCKS, shape, lambda: _template(shape)))
    fill_monetary_total(block, values)
    return block


def fill_monetary_total(block: Element, values: list[tuple[str, Decimal]]) -> None:
    """Write the amounts into a copy of a block :func:`monetary_total` wrote with the same tags."""
    for element, (_, value) in zip(block, values, strict=True):
        element.text = formats.amount(value)
