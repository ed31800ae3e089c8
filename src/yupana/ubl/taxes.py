"""``cac:TaxTotal`` of a document and of a line.

A subtotal names its tributo with catalog 05's triple (``cbc:ID``/``cbc:Name``/``cbc:TaxTypeCode``);
a line's subtotal also carries the rate and the catalog 07 afectación (``TaxExemptionReasonCode``).
The ICBPER subtotal has no taxable amount: it counts bags (``cbc:BaseUnitMeasure``) and names the
amount per bag (``cbc:PerUnitAmount``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from yupana.domain.problems import InvalidDocument
from yupana.domain.sale import SaleLine, SaleTotals
from yupana.ubl import code_lists, formats
from yupana.ubl.code_lists import TaxScheme
from yupana.ubl.namespaces import CAC, CBC
from yupana.ubl.nodes import ZERO, Element, amount, code, paste, remembered, required, sub, template_holder

_BAGS: Final = (("unitCode", "NIU"),)
_TOTALS: dict[str, Element] = {}


def _tax_total(parent: Element, tax: Decimal, currency: str) -> Element:
    """``cac:TaxTotal`` and its ``cbc:TaxAmount``, pasted from a template per currency."""
    template = _TOTALS.get(currency)
    if template is None:

        def build() -> Element:
            block = sub(template_holder(), CAC.TaxTotal)
            amount(block, CBC.TaxAmount, ZERO, currency)
            return block

        template = remembered(_TOTALS, currency, build)
    block = paste(parent, template)
    block[0].text = formats.amount(tax)
    return block


def _scheme(parent: Element, scheme: TaxScheme) -> None:
    element = sub(parent, CAC.TaxScheme)
    code(element, CBC.ID, scheme.code, code_lists.TAX_SCHEME_ID)
    code(element, CBC.Name, scheme.name)
    code(element, CBC.TaxTypeCode, scheme.type_code)


_SubtotalKey = tuple[TaxScheme, bool, str, str | None, str | None, str | None]
_SUBTOTALS: dict[_SubtotalKey, Element] = {}


def _subtotal_template(key: _SubtotalKey) -> Element:
    scheme, with_taxable, currency, percent, afectacion, tier = key
    subtotal = sub(template_holder(), CAC.TaxSubtotal)
    if with_taxable:
        amount(subtotal, CBC.TaxableAmount, ZERO, currency)
    amount(subtotal, CBC.TaxAmount, ZERO, currency)
    category = sub(subtotal, CAC.TaxCategory)
    if percent is not None:
        code(category, CBC.Percent, percent)
    if afectacion is not None:
        code(category, CBC.TaxExemptionReasonCode, afectacion, code_lists.TAX_EXEMPTION)
    if tier is not None:
        code(category, CBC.TierRange, tier)
    _scheme(category, scheme)
    return subtotal


def _subtotal(
    parent: Element,
    scheme: TaxScheme,
    taxable: Decimal | None,
    tax: Decimal,
    currency: str,
    percent: Decimal | None = None,
    afectacion: str | None = None,
    tier: str | None = None,
) -> Element:
    """A ``cac:TaxSubtotal``: taxable amount, tax, and the category (rate, catalog 07 afectación,
    catalog 08 ISC system, tributo). Pasted from a template per tributo, rate and afectación."""
    key = (
        scheme,
        taxable is not None,
        currency,
        None if percent is None else formats.rate(percent),
        afectacion,
        tier,
    )
    subtotal = paste(parent, remembered(_SUBTOTALS, key, lambda: _subtotal_template(key)))
    if taxable is not None:
        subtotal[0].text = formats.amount(taxable)
        subtotal[1].text = formats.amount(tax)
    else:
        subtotal[0].text = formats.amount(tax)
    return subtotal


Subtotal = tuple[TaxScheme, Decimal | None, Decimal]


def document_subtotals(totals: SaleTotals) -> list[Subtotal]:
    """The subtotals of the document's ``cac:TaxTotal``: tributo, taxable amount (none for ICBPER)
    and tax, one per tributo or kind of operation present.

    A subtotal is written when its base or its tax is not zero; a document whose every base is
    zero (a note that only corrects dates, say) still gets the first base it declares.
    """
    candidates: tuple[tuple[TaxScheme, Decimal | None, Decimal | None], ...] = (
        (code_lists.IGV, totals.gravadas, totals.igv),
        (code_lists.IVAP, totals.ivap_base, totals.ivap),
        (code_lists.ISC, totals.isc_base, totals.isc),
        (code_lists.EXPORTACION, totals.exportacion, None),
        (code_lists.GRATUITO, totals.gratuitas, totals.igv_gratuitas),
        (code_lists.EXONERADO, totals.exoneradas, None),
        (code_lists.INAFECTO, totals.inafectas, None),
    )
    found: list[Subtotal] = [
        (scheme, base, tax or ZERO) for scheme, base, tax in candidates if base is not None and (base or tax)
    ]
    if totals.icbper:
        found.append((code_lists.ICBPER, None, totals.icbper))
    if not found:
        for scheme, base, tax in candidates:
            if base is not None:
                found.append((scheme, base, tax or ZERO))
                break
    return found


def document_tax_total(parent: Element, totals: SaleTotals, currency: str) -> Element:
    """The document's ``cac:TaxTotal`` with the subtotals of :func:`document_subtotals`."""
    block = _tax_total(parent, required(totals.total_impuestos, "totals.total_impuestos"), currency)
    for scheme, base, tax in document_subtotals(totals):
        _subtotal(block, scheme, base, tax, currency)
    return block


def fill_document_tax_total(block: Element, tax: Decimal, subtotals: list[Subtotal]) -> None:
    """Write the amounts into a copy of a ``cac:TaxTotal`` that :func:`document_tax_total` wrote
    with subtotals of the same tributos (``tax`` is the document's total of taxes)."""
    block[0].text = formats.amount(tax)
    for subtotal, (_, base, amount_of_tax) in zip(block[1:], subtotals, strict=True):
        if base is not None:
            subtotal[0].text = formats.amount(base)
            subtotal[1].text = formats.amount(amount_of_tax)
        else:
            subtotal[0].text = formats.amount(amount_of_tax)


def line_tax_total(parent: Element, line: SaleLine, currency: str, path: str) -> Element:
    """A line's ``cac:TaxTotal``: ISC (if any), the IGV/IVAP/exoneración/inafectación/exportación
    or gratuidad subtotal of its afectación, and ICBPER (if any)."""
    block = _tax_total(parent, required(line.total_impuestos, f"{path}.total_impuestos"), currency)
    isc = line.isc
    if isc is not None:
        _subtotal(
            block,
            code_lists.ISC,
            required(isc.base, f"{path}.isc.base"),
            required(isc.monto, f"{path}.isc.monto"),
            currency,
            percent=isc.porcentaje,
            tier=isc.sistema,
        )
    scheme = code_lists.SCHEME_BY_AFECTACION.get(line.tipo_afectacion_igv)
    if scheme is None:
        raise InvalidDocument.single(
            f"tipo de afectación del IGV {line.tipo_afectacion_igv!r} is not in catalog 07",
            f"{path}.tipo_afectacion_igv",
            "2040",
        )
    _subtotal(
        block,
        scheme,
        required(line.base_igv, f"{path}.base_igv"),
        line.igv if line.igv is not None else ZERO,
        currency,
        percent=line.porcentaje_igv,
        afectacion=line.tipo_afectacion_igv,
    )
    if line.icbper is not None:
        subtotal = sub(block, CAC.TaxSubtotal)
        amount(subtotal, CBC.TaxAmount, line.icbper, currency)
        code(subtotal, CBC.BaseUnitMeasure, formats.quantity(line.cantidad), _BAGS)
        category = sub(subtotal, CAC.TaxCategory)
        factor = required(line.icbper_factor, f"{path}.icbper_factor")
        amount(category, CBC.PerUnitAmount, factor, currency)
        _scheme(category, code_lists.ICBPER)
    return block
