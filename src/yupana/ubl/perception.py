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

from yupana.domain.agent_documents import PERCEPTION
from yupana.domain.perception import PerceptionDocument
from yupana.ubl.agent_documents import UblFamily, build_agent_document
from yupana.ubl.namespaces import SAC
from yupana.ubl.nodes import Element

PERCEPTION_NS: Final = "urn:sunat:names:specification:ubl:peru:schema:xsd:Perception-1"

PERCEPTION_UBL: Final = UblFamily(
    PERCEPTION,
    PERCEPTION_NS,
    "Perception",
    "percepción",
    total_net=SAC.SUNATTotalCashed,
    net_total=SAC.SUNATNetTotalCashed,
)


def build_perception(doc: PerceptionDocument) -> Element:
    """The UBL tree of a comprobante de percepción whose amounts are complete
    (``calc.perception.process_perception``). Raises ``InvalidDocument`` naming the first amount
    the XML needs and the document lacks."""
    return build_agent_document(PERCEPTION_UBL, doc)
