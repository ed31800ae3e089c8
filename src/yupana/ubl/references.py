"""References to other documents: purchase order, guías, related documents, anticipos, and
what a nota modifies (``cac:DiscrepancyResponse`` + ``cac:BillingReference``)."""

from __future__ import annotations

from collections.abc import Sequence

from yupana.domain.sale import DocumentReference, NoteReference, Prepayment
from yupana.ubl import code_lists, formats
from yupana.ubl.code_lists import Attributes
from yupana.ubl.namespaces import CAC, CBC
from yupana.ubl.nodes import Element, code, sub, text
from yupana.ubl.party import identity


def order(parent: Element, numero: str) -> Element:
    """``cac:OrderReference``: the buyer's purchase or service order."""
    block = sub(parent, CAC.OrderReference)
    code(block, CBC.ID, formats.clean(numero))
    return block


def discrepancy(parent: Element, note: NoteReference, attributes: Attributes) -> Element:
    """``cac:DiscrepancyResponse``: the document modified, the catalog 09/10 code and the reason."""
    block = sub(parent, CAC.DiscrepancyResponse)
    code(block, CBC.ReferenceID, note.numero_documento_afectado)
    code(block, CBC.ResponseCode, note.codigo, attributes)
    text(block, CBC.Description, note.motivo)
    return block


def billing(parent: Element, note: NoteReference) -> Element:
    """``cac:BillingReference``: the factura or boleta the nota modifies."""
    block = sub(parent, CAC.BillingReference)
    invoice = sub(block, CAC.InvoiceDocumentReference)
    code(invoice, CBC.ID, note.numero_documento_afectado)
    code(invoice, CBC.DocumentTypeCode, note.tipo_documento_afectado, code_lists.DOCUMENT_TYPE)
    return block


def despatches(parent: Element, guias: Sequence[DocumentReference]) -> None:
    """One ``cac:DespatchDocumentReference`` per guía de remisión (catalog 01: 09, 31)."""
    for guia in guias:
        block = sub(parent, CAC.DespatchDocumentReference)
        code(block, CBC.ID, guia.numero)
        code(block, CBC.DocumentTypeCode, guia.tipo_documento, code_lists.DOCUMENT_TYPE)


def related(parent: Element, documents: Sequence[DocumentReference]) -> None:
    """One ``cac:AdditionalDocumentReference`` per related document (catalog 12)."""
    for document in documents:
        block = sub(parent, CAC.AdditionalDocumentReference)
        code(block, CBC.ID, document.numero)
        code(block, CBC.DocumentTypeCode, document.tipo_documento, code_lists.RELATED_DOCUMENT)


def anticipos(parent: Element, values: Sequence[Prepayment], issuer_ruc: str) -> None:
    """One ``cac:AdditionalDocumentReference`` per anticipo: the document it was paid with
    (catalog 12: 02 factura, 03 boleta), the ``cac:PrepaidPayment`` it belongs to
    (``cbc:DocumentStatusCode``) and the RUC of its issuer."""
    for number, anticipo in enumerate(values, 1):
        block = sub(parent, CAC.AdditionalDocumentReference)
        code(block, CBC.ID, anticipo.numero)
        code(block, CBC.DocumentTypeCode, anticipo.tipo_documento, code_lists.RELATED_DOCUMENT)
        code(block, CBC.DocumentStatusCode, str(number), code_lists.PREPAYMENT_STATUS)
        issuer = sub(sub(block, CAC.IssuerParty), CAC.PartyIdentification)
        code(issuer, CBC.ID, anticipo.emisor_ruc or issuer_ruc, identity("6"))
