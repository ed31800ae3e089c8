"""Greenter / Lycet JSON → comprobante de percepción (40): Greenter's ``Perception`` model, as
Lycet's ``/perception/*`` endpoints take it (its cliente is the key ``proveedor``). The mapping
and where Greenter's XML is wrong are described in ``greenter.agent_documents``."""

from __future__ import annotations

from yupana.dialects.greenter import agent_documents
from yupana.domain.agent_documents import PERCEPTION
from yupana.domain.party import Company
from yupana.domain.perception import PerceptionDocument

__all__ = ["parse_perception", "translate_path"]

PERCEPTION_JSON = agent_documents.GreenterFamily(
    agent=PERCEPTION,
    payments_key="cobros",
    date_key="fechaPercepcion",
    amount_key="impPercibido",
    net_key="impCobrar",
    total_net_key="impCobrado",
)


def parse_perception(body: object, issuer: Company | None) -> PerceptionDocument:
    """The comprobante de percepción of a Lycet request; ``InvalidDocument`` lists every
    structural problem with its path in Lycet's terms (``details[0].cobros[0].importe``)."""
    return agent_documents.parse(PERCEPTION_JSON, body, issuer)


def translate_path(domain_path: str, body: object = None) -> str:
    """The Lycet path of a field named by its domain path (``cliente.numero_documento`` →
    ``proveedor.numDoc``, ``documents[0].payments[0].percibido`` → ``details[0].impPercibido``)."""
    return agent_documents.translate_path(PERCEPTION_JSON, domain_path, body)
