"""Document lines: ``cac:InvoiceLine``, ``cac:CreditNoteLine`` and ``cac:DebitNoteLine``.

The three differ in the quantity element and in the place of ``cac:AllowanceCharge`` (before the
line's ``cac:TaxTotal`` on an invoice line, after it on note lines), as their XSD sequences say.

Most lines are plain: a quantity, a value, a price, one IGV subtotal, a description and perhaps
the seller's code. Their shape (unit, currency, price type, afectación, rate, code or not)
repeats from line to line, so a plain line is pasted whole from a template of its shape, built
by :func:`build_line` itself, and only its numbers and texts are written; every other line is
built element by element.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Final, NamedTuple

from yupana.domain.sale import DetraccionTransporte, ItemProperty, SaleLine
from yupana.ubl import code_lists, formats
from yupana.ubl.allowances import allowance_charge
from yupana.ubl.code_lists import Attributes
from yupana.ubl.namespaces import CAC, CBC
from yupana.ubl.nodes import (
    ZERO,
    Element,
    amount,
    code,
    has_text,
    paste,
    price,
    remembered,
    required,
    sub,
    template_holder,
    text,
)
from yupana.ubl.party import address
from yupana.ubl.taxes import line_tax_total

PEN: Final = "PEN"
PRECIO_UNITARIO: Final = "01"
VALOR_REFERENCIAL: Final = "02"
_DAYS: Final = (("unitCode", "DAY"),)
_PRICINGS: dict[tuple[str, str], Element] = {}
_PRICES: dict[str, Element] = {}


class LineKind(NamedTuple):
    tag: str
    quantity_tag: str
    allowances_before_taxes: bool


INVOICE_LINE: Final = LineKind(CAC.InvoiceLine, CBC.InvoicedQuantity, True)
CREDIT_NOTE_LINE: Final = LineKind(CAC.CreditNoteLine, CBC.CreditedQuantity, False)
DEBIT_NOTE_LINE: Final = LineKind(CAC.DebitNoteLine, CBC.DebitedQuantity, False)


@lru_cache(maxsize=512)
def _unit(unit_code: str) -> Attributes:
    return (("unitCode", unit_code), *code_lists.UNIT)


@lru_cache(maxsize=32)
def _gtin(length: int) -> Attributes:
    return (("schemeID", f"GTIN-{length}"),)


def _pricing_template(price_type: str, currency: str) -> Element:
    reference = sub(template_holder(), CAC.PricingReference)
    alternative = sub(reference, CAC.AlternativeConditionPrice)
    price(alternative, CBC.PriceAmount, ZERO, currency)
    code(alternative, CBC.PriceTypeCode, price_type, code_lists.PRICE_TYPE)
    return reference


def _pricing(parent: Element, value: Decimal, price_type: str, currency: str) -> None:
    """``cac:PricingReference``: the unit price with taxes (01) or the reference value of a
    free line (02)."""
    key = (price_type, currency)
    reference = paste(parent, remembered(_PRICINGS, key, lambda: _pricing_template(price_type, currency)))
    reference[0][0].text = formats.unit_value(value)


def _price_template(currency: str) -> Element:
    block = sub(template_holder(), CAC.Price)
    price(block, CBC.PriceAmount, ZERO, currency)
    return block


def _price(parent: Element, value: Decimal, currency: str) -> None:
    """``cac:Price``: the unit value without taxes."""
    block = paste(parent, remembered(_PRICES, currency, lambda: _price_template(currency)))
    block[0].text = formats.unit_value(value)


def transport_delivery(parent: Element, value: DetraccionTransporte) -> Element:
    """``cac:Delivery`` of a line under detracción for transporte de carga (operación 1004):
    destination, origin, trip detail and the reference values (01 servicio, 02 carga efectiva,
    03 carga útil), in soles."""
    delivery = sub(parent, CAC.Delivery)
    address(sub(delivery, CAC.DeliveryLocation), CAC.Address, value.destino)
    despatch = sub(delivery, CAC.Despatch)
    if has_text(value.detalle_viaje):
        text(despatch, CBC.Instructions, value.detalle_viaje)
    address(despatch, CAC.DespatchAddress, value.origen)
    for key, reference in (
        ("01", value.valor_referencial_servicio),
        ("02", value.valor_referencial_carga_efectiva),
        ("03", value.valor_referencial_carga_util),
    ):
        if reference is not None:
            terms = sub(delivery, CAC.DeliveryTerms)
            code(terms, CBC.ID, key)
            amount(terms, CBC.Amount, reference, PEN)
    return delivery


def _property(parent: Element, value: ItemProperty) -> None:
    element = sub(parent, CAC.AdditionalItemProperty)
    text(element, CBC.Name, value.nombre)
    code(element, CBC.NameCode, value.codigo, code_lists.ITEM_PROPERTY)
    if has_text(value.valor):
        text(element, CBC.Value, value.valor)
    if value.fecha_inicio or value.fecha_fin or value.duracion_dias is not None:
        period = sub(element, CAC.UsabilityPeriod)
        if value.fecha_inicio:
            code(period, CBC.StartDate, formats.day(value.fecha_inicio))
        if value.fecha_fin:
            code(period, CBC.EndDate, formats.day(value.fecha_fin))
        if value.duracion_dias is not None:
            code(period, CBC.DurationMeasure, str(value.duracion_dias), _DAYS)


def _item(parent: Element, line: SaleLine) -> None:
    item = sub(parent, CAC.Item)
    text(item, CBC.Description, line.descripcion)
    if has_text(line.codigo):
        text(sub(item, CAC.SellersItemIdentification), CBC.ID, line.codigo)
    if has_text(line.codigo_gs1):
        gtin = formats.clean(line.codigo_gs1)
        code(sub(item, CAC.StandardItemIdentification), CBC.ID, gtin, _gtin(len(gtin)))
    if has_text(line.codigo_sunat):
        classification = sub(item, CAC.CommodityClassification)
        code(
            classification,
            CBC.ItemClassificationCode,
            formats.clean(line.codigo_sunat),
            code_lists.ITEM_CLASSIFICATION,
        )
    for item_property in line.properties:
        _property(item, item_property)


def write_line(
    parent: Element,
    kind: LineKind,
    number: int,
    line: SaleLine,
    currency: str,
    path: str,
    transport: DetraccionTransporte | None = None,
) -> Element:
    """One document line: number, quantity and unit, valor de venta, unit price with taxes (or
    the reference value of a free line), transport data (1004), discounts and charges, taxes,
    item and unit value. Exactly what :func:`build_line` writes."""
    if transport is None:
        key = plain_shape(kind, line, currency)
        if key is not None:
            return _paste_plain(parent, key, number, line, currency, path)
    return build_line(parent, kind, number, line, currency, path, transport)


PlainShape = tuple[LineKind, str, str, str | None, str, Decimal | None, bool]
_PLAIN_LINES: dict[PlainShape, Element] = {}


def plain_shape(kind: LineKind, line: SaleLine, currency: str) -> PlainShape | None:
    """The shape of a plain line (see the module notes), ``None`` for any other line and for a
    line missing an amount (:func:`build_line` then reports it)."""
    if (
        line.allowances
        or line.isc is not None
        or line.icbper is not None
        or line.properties
        or has_text(line.codigo_gs1)
        or has_text(line.codigo_sunat)
        or line.valor_venta is None
        or line.total_impuestos is None
        or line.base_igv is None
        or line.valor_unitario is None
        or line.tipo_afectacion_igv not in code_lists.SCHEME_BY_AFECTACION
    ):
        return None
    if line.gratuita:
        pricing = VALOR_REFERENCIAL if line.valor_referencial is not None else None
    else:
        pricing = PRECIO_UNITARIO if line.precio_unitario is not None else None
    # Equal rates are written alike (``formats.rate``), so the rate's value is a sound key.
    return (
        kind,
        line.unidad,
        currency,
        pricing,
        line.tipo_afectacion_igv,
        line.porcentaje_igv,
        has_text(line.codigo),
    )


def _paste_plain(
    parent: Element, key: PlainShape, number: int, line: SaleLine, currency: str, path: str
) -> Element:
    """A plain line pasted from the template of its shape; every number and text that is not
    part of the shape is written here, in the places :func:`build_line` puts them."""
    template = _PLAIN_LINES.get(key)
    if template is None:
        template = remembered(
            _PLAIN_LINES,
            key,
            lambda: build_line(template_holder(), key[0], number, line, currency, path),
        )
    element = paste(parent, template)
    fill_plain(element, key, number, line)
    return element


def fill_plain(element: Element, key: PlainShape, number: int, line: SaleLine) -> None:
    """Write every number and text of a plain line that is not part of its shape into a copy of a
    line of that shape, in the places :func:`build_line` puts them."""
    element[0].text = str(number)
    element[1].text = formats.quantity(line.cantidad)
    element[2].text = formats.amount(line.valor_venta)  # type: ignore[arg-type]
    at = 3
    pricing = key[3]
    if pricing is not None:
        value = line.valor_referencial if pricing == VALOR_REFERENCIAL else line.precio_unitario
        element[3][0][0].text = formats.unit_value(value)  # type: ignore[arg-type]
        at = 4
    taxes = element[at]
    taxes[0].text = formats.amount(line.total_impuestos)  # type: ignore[arg-type]
    subtotal = taxes[1]
    subtotal[0].text = formats.amount(line.base_igv)  # type: ignore[arg-type]
    subtotal[1].text = formats.amount(line.igv if line.igv is not None else ZERO)
    item = element[at + 1]
    item[0].text = formats.clean(line.descripcion)
    if key[6]:
        item[1][0].text = formats.clean(line.codigo)  # type: ignore[arg-type]
    element[at + 2][0].text = formats.unit_value(line.valor_unitario)  # type: ignore[arg-type]


def build_line(
    parent: Element,
    kind: LineKind,
    number: int,
    line: SaleLine,
    currency: str,
    path: str,
    transport: DetraccionTransporte | None = None,
) -> Element:
    """:func:`write_line`, element by element."""
    element = sub(parent, kind.tag)
    code(element, CBC.ID, str(number))
    code(element, kind.quantity_tag, formats.quantity(line.cantidad), _unit(line.unidad))
    amount(element, CBC.LineExtensionAmount, required(line.valor_venta, f"{path}.valor_venta"), currency)
    if line.gratuita:
        if line.valor_referencial is not None:
            _pricing(element, line.valor_referencial, VALOR_REFERENCIAL, currency)
    elif line.precio_unitario is not None:
        _pricing(element, line.precio_unitario, PRECIO_UNITARIO, currency)
    if transport is not None:
        transport_delivery(element, transport)
    if kind.allowances_before_taxes:
        for index, item in enumerate(line.allowances):
            allowance_charge(element, item, currency, f"{path}.allowances[{index}]")
        line_tax_total(element, line, currency, path)
    else:
        line_tax_total(element, line, currency, path)
        for index, item in enumerate(line.allowances):
            allowance_charge(element, item, currency, f"{path}.allowances[{index}]")
    _item(element, line)
    _price(element, required(line.valor_unitario, f"{path}.valor_unitario"), currency)
    return element
