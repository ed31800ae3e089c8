"""The comprobante de retención (20) as SUNAT's UBL 2.0 ``Retention`` (UBLPE-Retention-1.0.xsd).

Element order is the XSD's: extensions, versions, ``cac:Signature``, ``cbc:ID``, dates,
``cac:AgentParty``, ``cac:ReceiverParty``, régimen and rate, ``cbc:Note``, the totals
(``cbc:TotalInvoiceAmount`` retained, ``cbc:PayableRoundingAmount``, ``sac:SUNATTotalPaid``),
then one ``sac:SUNATRetentionDocumentReference`` per payment.

SUNAT's schema holds a single ``cac:Payment`` per reference, so a document paid several times is
written once per payment (same ``cbc:ID``, its own número de pago and retention amounts). A
nota de crédito (07) is written alone, with no payment. The exchange rate is written for
documents in another currency than soles; in soles it would carry nothing.
"""

from __future__ import annotations

from typing import Final

from yupana.domain.exchange_rate import payment_rate
from yupana.domain.problems import InvalidDocument
from yupana.domain.retention import RetainedDocument, RetentionDocument, RetentionPayment
from yupana.ubl import agent_documents as blocks
from yupana.ubl import formats
from yupana.ubl.namespaces import CBC, SAC
from yupana.ubl.nodes import Element, amount, code, has_text, required, sub, text

RETENTION_NS: Final = "urn:sunat:names:specification:ubl:peru:schema:xsd:Retention-1"


def build_retention(doc: RetentionDocument) -> Element:
    """The UBL tree of a comprobante de retención whose amounts are complete
    (``calc.retention.process_retention``). Raises ``InvalidDocument`` naming the first amount
    the XML needs and the document lacks."""
    if doc.tasa is None:
        raise InvalidDocument.single(
            f"régimen de retención {doc.regimen!r} has no rate: give 'tasa'", "regimen", "2618"
        )
    root = blocks.document_root(RETENTION_NS, "Retention")
    blocks.signature(root, doc.issuer)
    code(root, CBC.ID, doc.numero)
    code(root, CBC.IssueDate, formats.day(doc.fecha_emision))
    if doc.hora_emision is not None:
        code(root, CBC.IssueTime, formats.clock(doc.hora_emision))
    blocks.agent_party(root, doc.issuer)
    blocks.receiver_party(root, doc.proveedor)
    code(root, SAC.SUNATRetentionSystemCode, doc.regimen)
    code(root, SAC.SUNATRetentionPercent, formats.rate(doc.tasa))
    if has_text(doc.observaciones):
        text(root, CBC.Note, doc.observaciones)
    totals = doc.totals
    blocks.soles(root, CBC.TotalInvoiceAmount, required(totals.retenido, "totals.retenido"))
    if totals.redondeo:
        blocks.soles(root, CBC.PayableRoundingAmount, totals.redondeo)
    blocks.soles(root, SAC.SUNATTotalPaid, required(totals.pagado, "totals.pagado"))
    for index, related in enumerate(doc.documents):
        path = f"documents[{index}]"
        if not related.payments:
            _reference(root, related)
        for position, payment in enumerate(related.payments):
            _information(_reference(root, related), related, payment, f"{path}.payments[{position}]")
    return root


def _reference(root: Element, related: RetainedDocument) -> Element:
    reference = sub(root, SAC.SUNATRetentionDocumentReference)
    blocks.related_id(reference, related.tipo_documento, related.numero)
    code(reference, CBC.IssueDate, formats.day(related.fecha_emision))
    amount(reference, CBC.TotalInvoiceAmount, related.importe_total, related.moneda)
    return reference


def _information(reference: Element, related: RetainedDocument, payment: RetentionPayment, path: str) -> None:
    paid_on = formats.day(payment.fecha)
    numero = payment.numero
    if numero is None:
        raise InvalidDocument.single(f"{path}.numero is missing: complete the document first", path)
    blocks.payment(reference, numero, payment.importe, payment.moneda or related.moneda, paid_on)
    information = sub(reference, SAC.SUNATRetentionInformation)
    blocks.soles(information, SAC.SUNATRetentionAmount, required(payment.retenido, f"{path}.retenido"))
    retained_on = payment.fecha_retencion or related.fecha_retencion or payment.fecha
    code(information, SAC.SUNATRetentionDate, formats.day(retained_on))
    blocks.soles(information, SAC.SUNATNetTotalPaid, required(payment.pagado, f"{path}.pagado"))
    rate = payment_rate(related.moneda, payment.tipo_cambio, related.tipo_cambio, payment.fecha)
    if rate is not None:
        blocks.exchange_rate(information, rate)
