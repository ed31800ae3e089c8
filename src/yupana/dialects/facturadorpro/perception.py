"""Facturador PRO's ``POST /api/perceptions`` body → comprobante de percepción (40). The mapping,
and where Facturador PRO's XML is wrong, are described in ``facturadorpro.agent_documents``."""

from __future__ import annotations

from yupana.dialects.facturadorpro import agent_documents
from yupana.domain.agent_documents import PERCEPTION
from yupana.domain.party import Company
from yupana.domain.perception import PerceptionDocument

__all__ = ["parse_perception", "translate_path"]

PERCEPTION_JSON = agent_documents.ProFamily(
    agent=PERCEPTION,
    receiver_key="datos_del_cliente_o_receptor",
    regime_key="codigo_tipo_percepcion",
    date_key="fecha_de_percepcion",
    amount_key="total_percibido",
)


def parse_perception(body: object, issuer: Company | None) -> PerceptionDocument:
    """Read a Facturador PRO ``/api/perceptions`` body; ``issuer`` is the account's company.
    ``InvalidDocument`` lists every structural problem with its path in the body's keys."""
    return agent_documents.parse(PERCEPTION_JSON, body, issuer)


def translate_path(domain_path: str) -> str:
    """The body key of a field named by its domain path (``cliente.numero_documento`` →
    ``datos_del_cliente_o_receptor.numero_documento``)."""
    return agent_documents.translate_path(PERCEPTION_JSON, domain_path)
