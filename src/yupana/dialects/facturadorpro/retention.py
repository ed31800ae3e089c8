"""Facturador PRO's ``POST /api/retentions`` body → comprobante de retención (20). The mapping,
and where Facturador PRO's XML is wrong, are described in ``facturadorpro.agent_documents``."""

from __future__ import annotations

from yupana.dialects.facturadorpro import agent_documents
from yupana.domain.agent_documents import RETENTION
from yupana.domain.party import Company
from yupana.domain.retention import RetentionDocument

__all__ = ["parse_retention", "translate_path"]

RETENTION_JSON = agent_documents.ProFamily(
    agent=RETENTION,
    receiver_key="datos_del_proveedor",
    regime_key="codigo_tipo_retencion",
    date_key="fecha_de_retencion",
    amount_key="total_retenido",
)


def parse_retention(body: object, issuer: Company | None) -> RetentionDocument:
    """Read a Facturador PRO ``/api/retentions`` body; ``issuer`` is the account's company.
    ``InvalidDocument`` lists every structural problem with its path in the body's keys."""
    return agent_documents.parse(RETENTION_JSON, body, issuer)


def translate_path(domain_path: str) -> str:
    """The body key of a field named by its domain path (``documents[1].payments[0].retenido`` →
    ``documentos[1].total_retenido``: Facturador PRO declares amounts per document only)."""
    return agent_documents.translate_path(RETENTION_JSON, domain_path)
