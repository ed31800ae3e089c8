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

from decimal import Decimal
from functools import lru_cache
from typing import Final, NamedTuple

from lxml import etree

from yupana.domain.problems import InvalidDocument
from yupana.domain.sale import BOLETA, FACTURA, NOTA_CREDITO, NOTA_DEBITO, SaleDocument
from yupana.ubl import allowances, code_lists, formats, party, payment, references
from yupana.ubl.code_lists import Attributes
from yupana.ubl.lines import CREDIT_NOTE_LINE, DEBIT_NOTE_LINE, INVOICE_LINE, LineKind, write_line
from yupana.ubl.monetary import fill_monetary_total, monetary_total, monetary_values
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
from yupana.ubl.taxes import Subtotal, document_subtotals, document_tax_total, fill_document_tax_total

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


def _header_shape(doc: SaleDocument, family: _Family, observaciones: list[str]) -> _HeaderShape:
    invoice = family is _INVOICE
    return (
        family.root,
        doc.tipo_documento if invoice else None,
        doc.tipo_operacion if invoice else None,
        doc.moneda,
        doc.hora_emision is not None,
        invoice and doc.fecha_vencimiento is not None,
        tuple(legend.codigo for legend in doc.legends),
        len(observaciones),
    )


def _start(doc: SaleDocument, family: _Family, shape: _HeaderShape, observaciones: list[str]) -> Element:
    """The document element and its header (number, dates, type, notes, currency, line count).

    The header's shape repeats from document to document, so it is pasted from a template of its
    shape, written once by :func:`_header`, and only its number, dates, notes and line count are
    written, by :func:`_fill_header`."""
    template = _HEADERS.get(shape)
    if template is None:
        template = remembered(_HEADERS, shape, lambda: _header(_root(family), doc, family), 256)
    root = template.__copy__()
    _fill_header(root, doc, family is _INVOICE, observaciones)
    return root


def _fill_header(root: Element, doc: SaleDocument, invoice: bool, observaciones: list[str]) -> None:
    """Write the header's number, dates, notes and line count in the places :func:`_header` puts
    them, into a copy of a document of the same header shape."""
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
    observaciones = [value for value in doc.observaciones if has_text(value)]
    header = _header_shape(doc, family, observaciones)
    plain = _plain_head(doc, family, forma_pago_en_boleta, header)
    template = _HEADS.get(plain.shape) if plain is not None else None
    if template is not None and plain is not None:
        root = _fill_head(template.__copy__(), doc, plain, observaciones)
    else:
        root = _head(doc, family, forma_pago_en_boleta, header, observaciones)
        if plain is not None and root[plain.customer_at].tag == CAC.AccountingCustomerParty:
            skeleton = root.__copy__()
            del skeleton[plain.customer_at]
            remembered(_HEADS, plain.shape, lambda: skeleton, 256)
    transport = None
    if doc.detraccion is not None and doc.tipo_operacion == DETRACCION_TRANSPORTE_CARGA:
        transport = doc.detraccion.transporte
    line_kind = family.line
    currency = doc.moneda
    for index, line in enumerate(doc.lines):
        write_line(root, line_kind, index + 1, line, currency, f"lines[{index}]", transport)
    return root


def _head(
    doc: SaleDocument,
    family: _Family,
    forma_pago_en_boleta: bool,
    header: _HeaderShape,
    observaciones: list[str],
) -> Element:
    """The document without its lines, block by block."""
    root = _start(doc, family, header, observaciones)
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
    return root


class _PlainHead(NamedTuple):
    """A factura or boleta whose blocks before the lines are the header, the parties, at most a
    forma de pago ``Contado`` and the totals. Its shape (header shape, issuer, forma de pago,
    tributos and amounts present) fixes every element of those blocks but the customer's and every
    text but the amounts and the header's numbers, dates and notes."""

    shape: tuple[object, ...]
    customer_at: int
    subtotals: list[Subtotal]
    amounts: list[tuple[str, Decimal]]


_HEADS: dict[tuple[object, ...], Element] = {}


def _plain_head(
    doc: SaleDocument, family: _Family, forma_pago_en_boleta: bool, header: _HeaderShape
) -> _PlainHead | None:
    """The plain head of ``doc`` (see :class:`_PlainHead`), ``None`` for any other document and for
    a document missing an amount (:func:`_head` then reports it)."""
    totals = doc.totals
    if (
        family is not _INVOICE
        or doc.anticipos
        or doc.allowances
        or doc.guias
        or doc.related
        or doc.detraccion is not None
        or doc.percepcion is not None
        or doc.retencion is not None
        or has_text(doc.orden_compra)
        or (doc.tipo_cambio is not None and doc.moneda != PEN)
        or totals.total_impuestos is None
        or totals.valor_venta is None
        or totals.precio_venta is None
        or totals.importe_total is None
    ):
        return None
    forma = None
    terms = doc.payment
    if terms is not None and (doc.tipo_documento != BOLETA or forma_pago_en_boleta):
        if terms.forma == payment.CREDITO:
            return None
        forma = terms.forma
    subtotals = document_subtotals(totals)
    amounts = monetary_values(totals)
    shape = (
        header,
        party.issuer_key(doc.issuer),
        forma,
        tuple((scheme, base is not None) for scheme, base, _ in subtotals),
        tuple(tag for tag, _ in amounts),
    )
    # UBLExtensions, UBLVersionID, CustomizationID, ID, IssueDate, [IssueTime], [DueDate],
    # InvoiceTypeCode, the notes, DocumentCurrencyCode, LineCountNumeric, Signature, the supplier.
    customer_at = 10 + header[4] + header[5] + len(header[6]) + header[7]
    return _PlainHead(shape, customer_at, subtotals, amounts)


def _fill_head(root: Element, doc: SaleDocument, plain: _PlainHead, observaciones: list[str]) -> Element:
    """A copy of the head of a document of the same plain shape, made this document's: its
    header's values, its customer and its amounts, where :func:`_head` writes them."""
    _fill_header(root, doc, True, observaciones)
    root.insert(plain.customer_at, party.customer_block(doc.customer))
    fill_document_tax_total(root[-2], doc.totals.total_impuestos, plain.subtotals)  # type: ignore[arg-type]
    fill_monetary_total(root[-1], plain.amounts)
    return root
