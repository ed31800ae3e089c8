"""The comprobante de percepción (40) as SUNAT's UBL 2.0 ``Perception`` (UBLPE-Perception-1.0.xsd).

Element order is the XSD's: extensions, versions, ``cac:Signature``, ``cbc:ID``, dates,
``cac:AgentParty``, ``cac:ReceiverParty``, régimen and rate, ``cbc:Note``, the totals
(``cbc:TotalInvoiceAmount`` perceived, ``cbc:PayableRoundingAmount``, ``sac:SUNATTotalCashed``),
then one ``sac:SUNATPerceptionDocumentReference`` per cobro.

SUNAT's schema holds a single ``cac:Payment`` per reference, so a document collected in several
cobros is written once per cobro (same ``cbc:ID``, its own número de cobro and perception
amounts). A nota de crédito (07) is written alone, with no cobro. The exchange rate is written
for documents in another currency than soles.
"""

from __future__ import annotations

from typing import Final

from yupana.domain.exchange_rate import payment_rate
from yupana.domain.perception import PerceivedDocument, PerceptionDocument, PerceptionPayment
from yupana.domain.problems import InvalidDocument
from yupana.ubl import agent_documents as blocks
from yupana.ubl import formats
from yupana.ubl.namespaces import CBC, SAC
from yupana.ubl.nodes import Element, amount, code, has_text, required, sub, text

PERCEPTION_NS: Final = "urn:sunat:names:specification:ubl:peru:schema:xsd:Perception-1"


def build_perception(doc: PerceptionDocument) -> Element:
    """The UBL tree of a comprobante de percepción whose amounts are complete
    (``calc.perception.process_perception``). Raises ``InvalidDocument`` naming the first amount
    the XML needs and the document lacks."""
    if doc.tasa is None:
        raise InvalidDocument.single(
            f"régimen de percepción {doc.regimen!r} has no rate: give 'tasa'", "regimen", "2602"
        )
    root = blocks.document_root(PERCEPTION_NS, "Perception")
    blocks.signature(root, doc.issuer)
    code(root, CBC.ID, doc.numero)
    code(root, CBC.IssueDate, formats.day(doc.fecha_emision))
    if doc.hora_emision is not None:
        code(root, CBC.IssueTime, formats.clock(doc.hora_emision))
    blocks.agent_party(root, doc.issuer)
    blocks.receiver_party(root, doc.cliente)
    code(root, SAC.SUNATPerceptionSystemCode, doc.regimen)
    code(root, SAC.SUNATPerceptionPercent, formats.rate(doc.tasa))
    if has_text(doc.observaciones):
        text(root, CBC.Note, doc.observaciones)
    totals = doc.totals
    blocks.soles(root, CBC.TotalInvoiceAmount, required(totals.percibido, "totals.percibido"))
    if totals.redondeo:
        blocks.soles(root, CBC.PayableRoundingAmount, totals.redondeo)
    blocks.soles(root, SAC.SUNATTotalCashed, required(totals.cobrado, "totals.cobrado"))
    for index, related in enumerate(doc.documents):
        path = f"documents[{index}]"
        if not related.payments:
            _reference(root, related)
        for position, payment in enumerate(related.payments):
            _information(_reference(root, related), related, payment, f"{path}.payments[{position}]")
    return root


def _reference(root: Element, related: PerceivedDocument) -> Element:
    reference = sub(root, SAC.SUNATPerceptionDocumentReference)
    blocks.related_id(reference, related.tipo_documento, related.numero)
    code(reference, CBC.IssueDate, formats.day(related.fecha_emision))
    amount(reference, CBC.TotalInvoiceAmount, related.importe_total, related.moneda)
    return reference


def _information(
    reference: Element, related: PerceivedDocument, payment: PerceptionPayment, path: str
) -> None:
    paid_on = formats.day(payment.fecha)
    numero = payment.numero
    if numero is None:
        raise InvalidDocument.single(f"{path}.numero is missing: complete the document first", path)
    blocks.payment(reference, numero, payment.importe, payment.moneda or related.moneda, paid_on)
    information = sub(reference, SAC.SUNATPerceptionInformation)
    blocks.soles(information, SAC.SUNATPerceptionAmount, required(payment.percibido, f"{path}.percibido"))
    perceived_on = payment.fecha_percepcion or related.fecha_percepcion or payment.fecha
    code(information, SAC.SUNATPerceptionDate, formats.day(perceived_on))
    blocks.soles(information, SAC.SUNATNetTotalCashed, required(payment.cobrado, f"{path}.cobrado"))
    rate = payment_rate(related.moneda, payment.tipo_cambio, related.tipo_cambio, payment.fecha)
    if rate is not None:
        blocks.exchange_rate(information, rate)
