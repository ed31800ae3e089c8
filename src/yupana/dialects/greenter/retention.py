"""Greenter / Lycet JSON → comprobante de retención (20): Greenter's ``Retention`` model, as
Lycet's ``/retention/*`` endpoints take it. The mapping and where Greenter's XML is wrong are
described in ``greenter.agent_documents``."""

from __future__ import annotations

from yupana.dialects.greenter import agent_documents
from yupana.domain.agent_documents import RETENTION
from yupana.domain.party import Company
from yupana.domain.retention import RetentionDocument

__all__ = ["parse_retention", "translate_path"]

RETENTION_JSON = agent_documents.GreenterFamily(
    agent=RETENTION,
    payments_key="pagos",
    date_key="fechaRetencion",
    amount_key="impRetenido",
    net_key="impPagar",
    total_net_key="impPagado",
)


def parse_retention(body: object, issuer: Company | None) -> RetentionDocument:
    """The comprobante de retención of a Lycet request; ``InvalidDocument`` lists every
    structural problem with its path in Lycet's terms (``details[0].pagos[0].importe``)."""
    return agent_documents.parse(RETENTION_JSON, body, issuer)


def translate_path(domain_path: str, body: object = None) -> str:
    """The Lycet path of a field named by its domain path (``documents[0].payments[0].retenido``
    → ``details[0].impRetenido``: Greenter declares amounts per document only)."""
    return agent_documents.translate_path(RETENTION_JSON, domain_path, body)
