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

from yupana.domain.agent_documents import RETENTION
from yupana.domain.retention import RetentionDocument
from yupana.ubl.agent_documents import UblFamily, build_agent_document
from yupana.ubl.namespaces import SAC
from yupana.ubl.nodes import Element

RETENTION_NS: Final = "urn:sunat:names:specification:ubl:peru:schema:xsd:Retention-1"

RETENTION_UBL: Final = UblFamily(
    RETENTION,
    RETENTION_NS,
    "Retention",
    "retención",
    total_net=SAC.SUNATTotalPaid,
    net_total=SAC.SUNATNetTotalPaid,
)


def build_retention(doc: RetentionDocument) -> Element:
    """The UBL tree of a comprobante de retención whose amounts are complete
    (``calc.retention.process_retention``). Raises ``InvalidDocument`` naming the first amount
    the XML needs and the document lacks."""
    return build_agent_document(RETENTION_UBL, doc)
