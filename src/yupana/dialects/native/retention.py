"""Yupana's native JSON for the comprobante de retención (20).

The domain model (``yupana.domain.retention``) written as JSON;
docs/api-native-retention-perception.md describes it and docs/native-retention.schema.json is its
JSON Schema. A body needs the proveedor, serie/correlativo, fecha_emision and each related
document with its payments (fecha and importe); ``calc.retention`` derives the rate of the
régimen (01, 3 %, by default), every amount retained and paid, and the totals. Amounts the caller
declares are checked instead::

    {
      "serie": "R001", "correlativo": 1, "fecha_emision": "2026-11-22",
      "proveedor": {"tipo_documento": "6", "numero_documento": "20601234565",
                    "razon_social": "PROVEEDOR S.A.C."},
      "documents": [
        {"tipo_documento": "01", "numero": "F001-1", "fecha_emision": "2026-11-20",
         "importe_total": 1180.00, "payments": [{"fecha": "2026-11-22", "importe": 1180.00}]}
      ]
    }
"""

from __future__ import annotations

from yupana.dialects.native import agent_documents
from yupana.domain.agent_documents import RETENTION
from yupana.domain.party import Company
from yupana.domain.retention import RetentionDocument

__all__ = ["parse_retention", "translate_path"]


def parse_retention(body: object, issuer: Company | None) -> RetentionDocument:
    """The comprobante de retención described by the native JSON ``body``.

    ``issuer`` stands in when the body has no ``issuer``; when both are there their RUCs must
    agree. Raises ``InvalidDocument`` with every structural problem, each with its path in the
    body (``documents[0].payments[1].importe``) and SUNAT's code where one fits.
    """
    return agent_documents.parse(RETENTION, body, issuer)


def translate_path(domain_path: str) -> str:
    """The native path of a field named by its domain path (``proveedor.address.ubigeo`` →
    ``proveedor.direccion.ubigeo``; every other path is the same)."""
    return agent_documents.translate_path(domain_path)
