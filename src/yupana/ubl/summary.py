"""The resumen diario de boletas (RC) as SUNAT's UBL 2.0 ``SummaryDocuments``, version 1.1.

Element order follows SUNAT's schema (``UBLPE-SummaryDocuments-1.0.xsd`` and
``SummaryDocumentsLineType`` in ``UBLPE-SunatAggregateComponents-1.0.xsd``)::

    ext:UBLExtensions (empty ext:ExtensionContent for the signer), cbc:UBLVersionID 2.0,
    cbc:CustomizationID 1.1, cbc:ID RC-AAAAMMDD-N, cbc:ReferenceDate, cbc:IssueDate,
    cac:Signature, cac:AccountingSupplierParty (UBL 2.0 form: CustomerAssignedAccountID,
    AdditionalAccountID 6, Party/PartyLegalEntity/RegistrationName), then per document
    sac:SummaryDocumentsLine: cbc:LineID, cbc:DocumentTypeCode, cbc:ID, cac:AccountingCustomerParty,
    cac:BillingReference, sac:SUNATPerceptionSummaryDocumentReference, cac:Status,
    sac:TotalAmount, sac:BillingPayment*, cac:AllowanceCharge, cac:TaxTotal*.

What is written, and why:

- a ``sac:BillingPayment`` per catalog 11 category whose amount is above 0 (SUNAT rejects a
  PaidAmount of 0, 2260);
- one ``cac:AllowanceCharge`` (ChargeIndicator ``true``) when there are otros cargos above 0;
- the IGV ``cac:TaxTotal`` (tributo 1000) on every line, with 0.00 when there is none: SUNAT's
  stylesheet rejects a line without it (2278), IVAP lines included; then IVAP (1016), ISC
  (2000), otros tributos (9999) and ICBPER (7152) when above 0;
- the customer only when the line has one (SUNAT requires it above S/ 700, 2514);
- the percepción amounts always in soles (2685, 2690).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from lxml import etree

from yupana.domain.party import Company
from yupana.domain.problems import InvalidDocument
from yupana.domain.summary import DailySummary, SummaryLine, SummaryPercepcion
from yupana.ubl import code_lists, formats, party
from yupana.ubl.account_supplier import account_supplier
from yupana.ubl.code_lists import TaxScheme
from yupana.ubl.namespaces import CAC, CAC_NS, CBC, CBC_NS, DS_NS, EXT, EXT_NS, SAC, SAC_NS
from yupana.ubl.nodes import Element, amount, code, paste, remembered, required, sub

SUMMARY_NS: Final = "urn:sunat:names:specification:ubl:peru:schema:xsd:SummaryDocuments-1"
ROOT_TAG: Final = f"{{{SUMMARY_NS}}}SummaryDocuments"
UBL_VERSION: Final = "2.0"
CUSTOMIZATION_VERSION: Final = "1.1"
PEN: Final = "PEN"
_NSMAP: Final[dict[str | None, str]] = {
    None: SUMMARY_NS,
    "cac": CAC_NS,
    "cbc": CBC_NS,
    "ds": DS_NS,
    "ext": EXT_NS,
    "sac": SAC_NS,
}
_ZERO: Final = Decimal(0)

_TEMPLATES: dict[object, Element] = {}


def _holder() -> Element:
    """A parent for template blocks declaring the summary's prefixes."""
    return etree.Element(ROOT_TAG, nsmap=_NSMAP)


def _root_template() -> Element:
    root = _holder()
    sub(sub(sub(root, EXT.UBLExtensions), EXT.UBLExtension), EXT.ExtensionContent)
    code(root, CBC.UBLVersionID, UBL_VERSION)
    code(root, CBC.CustomizationID, CUSTOMIZATION_VERSION)
    return root


def _supplier(parent: Element, issuer: Company) -> None:
    key = ("supplier", issuer.ruc, issuer.razon_social)
    paste(parent, remembered(_TEMPLATES, key, lambda: account_supplier(_holder(), issuer)))


def _tax_template(scheme: TaxScheme, currency: str) -> Element:
    block = sub(_holder(), CAC.TaxTotal)
    amount(block, CBC.TaxAmount, _ZERO, currency)
    subtotal = sub(block, CAC.TaxSubtotal)
    amount(subtotal, CBC.TaxAmount, _ZERO, currency)
    tax_scheme = sub(sub(subtotal, CAC.TaxCategory), CAC.TaxScheme)
    code(tax_scheme, CBC.ID, scheme.code)
    code(tax_scheme, CBC.Name, scheme.name)
    code(tax_scheme, CBC.TaxTypeCode, scheme.type_code)
    return block


def _tax_total(parent: Element, scheme: TaxScheme, value: Decimal, currency: str) -> None:
    block = paste(parent, remembered(_TEMPLATES, (scheme, currency), lambda: _tax_template(scheme, currency)))
    written = formats.amount(value)
    block[0].text = written
    block[1][0].text = written


def _payment_template(instruction: str, currency: str) -> Element:
    block = sub(_holder(), SAC.BillingPayment)
    amount(block, CBC.PaidAmount, _ZERO, currency)
    code(block, CBC.InstructionID, instruction)
    return block


def _billing_payment(parent: Element, instruction: str, value: Decimal, currency: str) -> None:
    key = ("payment", instruction, currency)
    block = paste(parent, remembered(_TEMPLATES, key, lambda: _payment_template(instruction, currency)))
    block[0].text = formats.amount(value)


def _status_template(estado: str) -> Element:
    block = sub(_holder(), CAC.Status)
    code(block, CBC.ConditionCode, estado)
    return block


def _percepcion(parent: Element, percepcion: SummaryPercepcion, path: str) -> None:
    block = sub(parent, SAC.SUNATPerceptionSummaryDocumentReference)
    code(block, SAC.SUNATPerceptionSystemCode, percepcion.regimen)
    code(
        block, SAC.SUNATPerceptionPercent, formats.rate(required(percepcion.porcentaje, f"{path}.porcentaje"))
    )
    amount(block, CBC.TotalInvoiceAmount, required(percepcion.monto, f"{path}.monto"), PEN)
    amount(block, SAC.SUNATTotalCashed, required(percepcion.total, f"{path}.total"), PEN)
    amount(block, CBC.TaxableAmount, required(percepcion.base, f"{path}.base"), PEN)


def _positive(value: Decimal | None) -> bool:
    return value is not None and value > 0


_OTHER_TAXES: Final = ("ivap", "isc", "otros_tributos", "icbper")
_SCHEMES: Final = {
    "ivap": code_lists.IVAP,
    "isc": code_lists.ISC,
    "otros_tributos": code_lists.OTROS,
    "icbper": code_lists.ICBPER,
}


def _write(root: Element, number: int, line: SummaryLine, path: str) -> Element:
    """Append the ``sac:SummaryDocumentsLine`` of ``line``, element by element."""
    currency = line.moneda
    element = sub(root, SAC.SummaryDocumentsLine)
    code(element, CBC.LineID, str(number))
    code(element, CBC.DocumentTypeCode, line.tipo_documento)
    code(element, CBC.ID, line.numero)
    customer = line.customer
    if customer is not None:
        block = sub(element, CAC.AccountingCustomerParty)
        code(block, CBC.CustomerAssignedAccountID, customer.numero_documento)
        code(block, CBC.AdditionalAccountID, customer.tipo_documento)
    reference = line.referencia
    if reference is not None:
        document = sub(sub(element, CAC.BillingReference), CAC.InvoiceDocumentReference)
        code(document, CBC.ID, reference.numero)
        code(document, CBC.DocumentTypeCode, reference.tipo_documento)
    if line.percepcion is not None:
        _percepcion(element, line.percepcion, f"{path}.percepcion")
    estado = line.estado
    paste(element, remembered(_TEMPLATES, ("status", estado), lambda: _status_template(estado)))
    amount(element, SAC.TotalAmount, required(line.importe_total, f"{path}.importe_total"), currency)
    for instruction, value in line.sale_values():
        if _positive(value):
            _billing_payment(element, instruction, value, currency)  # type: ignore[arg-type]
    if _positive(line.otros_cargos):
        charge = sub(element, CAC.AllowanceCharge)
        code(charge, CBC.ChargeIndicator, "true")
        amount(charge, CBC.Amount, line.otros_cargos, currency)  # type: ignore[arg-type]
    _tax_total(element, code_lists.IGV, required(line.igv, f"{path}.igv"), currency)
    for name in _OTHER_TAXES:
        value = getattr(line, name)
        if _positive(value):
            _tax_total(element, _SCHEMES[name], value, currency)
    return element


# -- lines by shape -------------------------------------------------------------------------
#
# A summary repeats a handful of line shapes (which optional blocks, categories and taxes a
# line has, in which currency) hundreds of times. The first line of each shape is written
# element by element; the result, stripped of the line's own values, is kept as a template,
# with the positions of the elements that carry values. Each later line of that shape is one
# copy of the template and one text per value. ``_plan`` gives a line's shape and its values
# in document order; the template is checked against it when it is made.

_Shape = tuple[object, ...]
# Elements whose text belongs to the line (not to its shape), except the tributo's identity.
_VALUE_TAGS: Final = frozenset(
    {
        CBC.LineID,
        CBC.DocumentTypeCode,
        CBC.ID,
        CBC.CustomerAssignedAccountID,
        CBC.AdditionalAccountID,
        SAC.SUNATPerceptionSystemCode,
        SAC.SUNATPerceptionPercent,
        CBC.TotalInvoiceAmount,
        SAC.SUNATTotalCashed,
        CBC.TaxableAmount,
        CBC.ConditionCode,
        SAC.TotalAmount,
        CBC.PaidAmount,
        CBC.Amount,
        CBC.TaxAmount,
    }
)
_LINE_SHAPES: dict[_Shape, tuple[Element, tuple[int, ...]]] = {}


def _plan(number: int, line: SummaryLine, path: str) -> tuple[_Shape, list[str]]:
    """The shape of ``line`` and the texts of its value elements, in document order."""
    money = formats.amount
    values = [str(number), line.tipo_documento, line.numero]
    customer = line.customer
    if customer is not None:
        values += (customer.numero_documento, customer.tipo_documento)
    reference = line.referencia
    if reference is not None:
        values += (reference.numero, reference.tipo_documento)
    percepcion = line.percepcion
    if percepcion is not None:
        where = f"{path}.percepcion"
        values += (
            percepcion.regimen,
            formats.rate(required(percepcion.porcentaje, f"{where}.porcentaje")),
            money(required(percepcion.monto, f"{where}.monto")),
            money(required(percepcion.total, f"{where}.total")),
            money(required(percepcion.base, f"{where}.base")),
        )
    values += (line.estado, money(required(line.importe_total, f"{path}.importe_total")))
    categories = []
    for instruction, value in line.sale_values():
        if value is not None and value > 0:
            categories.append(instruction)
            values.append(money(value))
    charges = line.otros_cargos
    charged = charges is not None and charges > 0
    if charged:
        values.append(money(charges))  # type: ignore[arg-type]
    igv = money(required(line.igv, f"{path}.igv"))
    values += (igv, igv)
    taxes = []
    for name in _OTHER_TAXES:
        value = getattr(line, name)
        if value is not None and value > 0:
            taxes.append(name)
            tax = money(value)
            values += (tax, tax)
    shape = (
        line.moneda,
        customer is not None,
        reference is not None,
        percepcion is not None,
        tuple(categories),
        charged,
        tuple(taxes),
    )
    return shape, values


def _value_positions(template: Element) -> tuple[int, ...]:
    scheme = CAC.TaxScheme
    return tuple(
        index
        for index, element in enumerate(template.iter())
        if element.tag in _VALUE_TAGS and element.getparent().tag != scheme  # type: ignore[union-attr]
    )


def _shape_template(
    number: int, line: SummaryLine, path: str, values: list[str]
) -> tuple[Element, tuple[int, ...]]:
    template = _write(_holder(), number, line, path)
    positions = _value_positions(template)
    elements = list(template.iter())
    written = [elements[index].text for index in positions]
    # The writer drops characters XML cannot carry (``formats.clean``); anything else that
    # differs means the plan and the writer are out of step: a defect, never bad input.
    if len(written) != len(values) or any(
        text != value and text != formats.clean(value) for text, value in zip(written, values, strict=True)
    ):
        raise AssertionError(f"summary line template out of step: {written} != {values}")
    return template, positions


def write_line(root: Element, number: int, line: SummaryLine, path: str) -> Element:
    """Append the ``sac:SummaryDocumentsLine`` of ``line`` (``cbc:LineID`` ``number``)."""
    shape, values = _plan(number, line, path)
    found = _LINE_SHAPES.get(shape)
    if found is None:
        if len(_LINE_SHAPES) >= 1024:
            _LINE_SHAPES.clear()
        found = _LINE_SHAPES[shape] = _shape_template(number, line, path, values)
    template, positions = found
    element = template.__copy__()
    root.append(element)
    elements = list(element.iter())
    for index, value in zip(positions, values, strict=True):
        try:
            elements[index].text = value
        except ValueError:  # a character XML cannot carry
            elements[index].text = formats.clean(value)
    return element


def build_summary(doc: DailySummary) -> Element:
    """The UBL tree of a resumen diario whose line amounts are complete.

    Raises :class:`~yupana.domain.problems.InvalidDocument` when the document is not an RC or
    an amount the XML needs is missing (run ``calc.summary.process_summary`` first).
    """
    if doc.tipo_documento != "RC":
        raise InvalidDocument.single(
            f"tipo de documento {doc.tipo_documento!r} is not a resumen diario (RC)", "tipo_documento", "2210"
        )
    root = remembered(_TEMPLATES, "root", _root_template).__copy__()
    code(root, CBC.ID, doc.identificador)
    code(root, CBC.ReferenceDate, formats.day(doc.fecha_referencia))
    code(root, CBC.IssueDate, formats.day(doc.fecha_generacion))
    party.signature(root, doc.issuer)
    _supplier(root, doc.issuer)
    for index, line in enumerate(doc.lines):
        write_line(root, index + 1, line, f"lines[{index}]")
    return root
