"""Sales documents as SUNAT UBL 2.1 (customization 2.0): factura (01) and boleta (03) as
``Invoice``, nota de crédito (07) as ``CreditNote``, nota de débito (08) as ``DebitNote``.

The root's first child is ``ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent``, left
empty for the signer, which puts the ``ds:Signature`` (Id ``SignatureSP``) there.

Element order follows each document's XSD sequence; the three differ after the customer party:

- Invoice: PaymentMeans, PaymentTerms, PrepaidPayment, AllowanceCharge, PaymentExchangeRate;
- CreditNote: PaymentMeans, PaymentTerms, PaymentExchangeRate, AllowanceCharge (no PrepaidPayment);
- DebitNote: PrepaidPayment, AllowanceCharge, PaymentMeans, PaymentTerms, PaymentExchangeRate.

SUNAT rules that shape what is written:

- boletas carry no forma de pago unless asked for: SUNAT's SFS stylesheet for boletas rejects a
  boleta outside operaciones 1001-1004 that has any ``cac:PaymentTerms/cbc:PaymentMeansID``
  (3128), although SUNAT's server accepts the forma de pago there;
- a nota carries the forma de pago only when it is ``Credito`` (nota de crédito 13): SUNAT
  rejects any other value on a nota de crédito (3246) and defines none for notas de débito;
- notas have no ``cbc:DueDate`` in UBL: their payment dates go in the cuotas;
- the detracción, percepción and transport reference amounts are always in soles (3208, 2788);
- under operación 1004 every line carries the transport data (3116-3126).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final, NamedTuple

from lxml import etree

from yupana.domain.problems import InvalidDocument
from yupana.domain.sale import BOLETA, FACTURA, NOTA_CREDITO, NOTA_DEBITO, SaleDocument
from yupana.ubl import allowances, code_lists, formats, party, payment, references
from yupana.ubl.code_lists import Attributes
from yupana.ubl.lines import CREDIT_NOTE_LINE, DEBIT_NOTE_LINE, INVOICE_LINE, LineKind, write_line
from yupana.ubl.monetary import monetary_total
from yupana.ubl.namespaces import (
    CAC,
    CBC,
    CREDIT_NOTE_NS,
    CUSTOMIZATION_VERSION,
    DEBIT_NOTE_NS,
    EXT,
    INVOICE_NS,
    UBL_VERSION,
    nsmap,
)
from yupana.ubl.nodes import Element, code, fill, has_text, remembered, sub, text
from yupana.ubl.taxes import document_tax_total

DETRACCION_TRANSPORTE_CARGA: Final = "1004"
PEN: Final = "PEN"


class _Family(NamedTuple):
    root: str
    nsmap: dict[str | None, str]
    line: LineKind
    monetary: str
    response: Attributes | None


_INVOICE: Final = _Family(
    f"{{{INVOICE_NS}}}Invoice", nsmap(INVOICE_NS), INVOICE_LINE, CAC.LegalMonetaryTotal, None
)
_CREDIT_NOTE: Final = _Family(
    f"{{{CREDIT_NOTE_NS}}}CreditNote",
    nsmap(CREDIT_NOTE_NS),
    CREDIT_NOTE_LINE,
    CAC.LegalMonetaryTotal,
    code_lists.CREDIT_NOTE_TYPE,
)
_DEBIT_NOTE: Final = _Family(
    f"{{{DEBIT_NOTE_NS}}}DebitNote",
    nsmap(DEBIT_NOTE_NS),
    DEBIT_NOTE_LINE,
    CAC.RequestedMonetaryTotal,
    code_lists.DEBIT_NOTE_TYPE,
)
# Header shape: root tag, InvoiceTypeCode (type and operación), currency, whether IssueTime and
# DueDate are written, the legends' codes and how many observaciones.
_HeaderShape = tuple[str, str | None, str | None, str, bool, bool, tuple[str, ...], int]
_HEADERS: dict[_HeaderShape, Element] = {}
_FAMILIES: Final = {FACTURA: _INVOICE, BOLETA: _INVOICE, NOTA_CREDITO: _CREDIT_NOTE, NOTA_DEBITO: _DEBIT_NOTE}


@lru_cache(maxsize=128)
def _invoice_type(tipo_operacion: str) -> Attributes:
    return (*code_lists.INVOICE_TYPE, ("listID", tipo_operacion))


@lru_cache(maxsize=128)
def _legend(codigo: str) -> Attributes:
    return (("languageLocaleID", codigo),)


def _root(family: _Family) -> Element:
    """The document element with what every document of the family starts with: the empty
    extension for the signature, the UBL version and SUNAT's customization."""
    root = etree.Element(family.root, nsmap=family.nsmap)
    sub(sub(sub(root, EXT.UBLExtensions), EXT.UBLExtension), EXT.ExtensionContent)
    code(root, CBC.UBLVersionID, UBL_VERSION)
    code(root, CBC.CustomizationID, CUSTOMIZATION_VERSION, code_lists.CUSTOMIZATION)
    return root


def _start(doc: SaleDocument, family: _Family) -> Element:
    """The document element and its header (number, dates, type, notes, currency, line count).

    The header's shape repeats from document to document, so it is pasted from a template of its
    shape, written once by :func:`_header`, and only its number, dates, notes and line count are
    written here, in the places :func:`_header` puts them."""
    invoice = family is _INVOICE
    observaciones = [value for value in doc.observaciones if has_text(value)]
    shape: _HeaderShape = (
        family.root,
        doc.tipo_documento if invoice else None,
        doc.tipo_operacion if invoice else None,
        doc.moneda,
        doc.hora_emision is not None,
        invoice and doc.fecha_vencimiento is not None,
        tuple(legend.codigo for legend in doc.legends),
        len(observaciones),
    )
    template = _HEADERS.get(shape)
    if template is None:
        template = remembered(_HEADERS, shape, lambda: _header(_root(family), doc, family), 256)
    root = template.__copy__()
    children = root.iterchildren()
    for _ in range(3):  # UBLExtensions, UBLVersionID, CustomizationID
        next(children)
    fill(next(children), doc.numero)
    next(children).text = formats.day(doc.fecha_emision)
    if doc.hora_emision is not None:
        next(children).text = formats.clock(doc.hora_emision)
    if invoice:
        if doc.fecha_vencimiento is not None:
            next(children).text = formats.day(doc.fecha_vencimiento)
        next(children)  # InvoiceTypeCode
    for legend in doc.legends:
        fill(next(children), formats.clean(legend.valor))
    for observacion in observaciones:
        next(children).text = formats.clean(observacion)
    next(children)  # DocumentCurrencyCode
    next(children).text = str(len(doc.lines))
    return root


def _header(root: Element, doc: SaleDocument, family: _Family) -> Element:
    code(root, CBC.ID, doc.numero)
    code(root, CBC.IssueDate, formats.day(doc.fecha_emision))
    if doc.hora_emision is not None:
        code(root, CBC.IssueTime, formats.clock(doc.hora_emision))
    if family is _INVOICE:
        if doc.fecha_vencimiento is not None:
            code(root, CBC.DueDate, formats.day(doc.fecha_vencimiento))
        code(root, CBC.InvoiceTypeCode, doc.tipo_documento, _invoice_type(doc.tipo_operacion))
    for legend in doc.legends:
        code(root, CBC.Note, formats.clean(legend.valor), _legend(legend.codigo))
    for observacion in doc.observaciones:
        if has_text(observacion):
            text(root, CBC.Note, observacion)
    code(root, CBC.DocumentCurrencyCode, doc.moneda, code_lists.CURRENCY)
    code(root, CBC.LineCountNumeric, str(len(doc.lines)))
    return root


def _references(root: Element, doc: SaleDocument, family: _Family) -> None:
    note = doc.note
    if family.response is not None:
        if note is None:
            raise InvalidDocument.single("a nota must say what it modifies and why", "note", "2524")
        references.discrepancy(root, note, family.response)
    if has_text(doc.orden_compra):
        references.order(root, doc.orden_compra)
    if family.response is not None and note is not None:
        references.billing(root, note)
    references.despatches(root, doc.guias)
    references.related(root, doc.related)
    references.anticipos(root, doc.anticipos, doc.issuer.ruc)


def _payment_terms(root: Element, doc: SaleDocument, family: _Family, forma_pago_en_boleta: bool) -> None:
    if doc.detraccion is not None:
        payment.detraccion_means(root, doc.detraccion)
        payment.detraccion_terms(root, doc.detraccion)
    if doc.percepcion is not None:
        payment.percepcion_terms(root, doc.percepcion)
    terms = doc.payment
    if terms is None:
        return
    if doc.tipo_documento == BOLETA and not forma_pago_en_boleta:
        return
    if family is not _INVOICE and terms.forma != payment.CREDITO:
        return
    payment.forma_pago(root, terms, doc.moneda)


def _allowances(root: Element, doc: SaleDocument) -> None:
    for index, item in enumerate(doc.allowances):
        allowances.allowance_charge(root, item, doc.moneda, f"allowances[{index}]")
    if doc.percepcion is not None:
        allowances.percepcion(root, doc.percepcion)
    if doc.retencion is not None:
        allowances.retencion(root, doc.retencion, doc.moneda)


def _exchange_rate(root: Element, doc: SaleDocument) -> None:
    """``cac:PaymentExchangeRate``: soles per unit of the document's currency, on its issue date."""
    if doc.tipo_cambio is None or doc.moneda == PEN:
        return
    rate = sub(root, CAC.PaymentExchangeRate)
    code(rate, CBC.SourceCurrencyCode, doc.moneda)
    code(rate, CBC.TargetCurrencyCode, PEN)
    code(rate, CBC.CalculationRate, formats.quantity(doc.tipo_cambio))
    code(rate, CBC.Date, formats.day(doc.fecha_emision))


def build_sale(doc: SaleDocument, *, forma_pago_en_boleta: bool = False) -> Element:
    """The UBL tree of a factura, boleta, nota de crédito or nota de débito whose amounts are
    complete. ``forma_pago_en_boleta`` writes a boleta's forma de pago (see the module notes).

    Raises :class:`~yupana.domain.problems.InvalidDocument` when the document type is not a sale,
    when an amount the XML needs is missing, or when the document holds something its UBL type
    cannot carry (anticipos on a nota de crédito).
    """
    family = _FAMILIES.get(doc.tipo_documento)
    if family is None:
        raise InvalidDocument.single(
            f"tipo de documento {doc.tipo_documento!r} is not a factura, boleta or nota",
            "tipo_documento",
            "1003",
        )
    if family is _CREDIT_NOTE and doc.anticipos:
        raise InvalidDocument.single("a nota de crédito cannot carry anticipos", "anticipos")
    root = _start(doc, family)
    _references(root, doc, family)
    party.signature(root, doc.issuer)
    party.supplier(root, doc.issuer)
    party.customer(root, doc.customer)
    if family is _INVOICE:
        _payment_terms(root, doc, family, forma_pago_en_boleta)
        payment.prepaid_payments(root, doc.anticipos, doc.moneda)
        _allowances(root, doc)
        _exchange_rate(root, doc)
    elif family is _CREDIT_NOTE:
        _payment_terms(root, doc, family, forma_pago_en_boleta)
        _exchange_rate(root, doc)
        _allowances(root, doc)
    else:
        payment.prepaid_payments(root, doc.anticipos, doc.moneda)
        _allowances(root, doc)
        _payment_terms(root, doc, family, forma_pago_en_boleta)
        _exchange_rate(root, doc)
    document_tax_total(root, doc.totals, doc.moneda)
    monetary_total(root, family.monetary, doc.totals, doc.moneda)
    transport = None
    if doc.detraccion is not None and doc.tipo_operacion == DETRACCION_TRANSPORTE_CARGA:
        transport = doc.detraccion.transporte
    line_kind = family.line
    currency = doc.moneda
    for index, line in enumerate(doc.lines):
        write_line(root, line_kind, index + 1, line, currency, f"lines[{index}]", transport)
    return root
