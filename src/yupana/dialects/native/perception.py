"""Yupana's native JSON for the comprobante de percepción (40).

The domain model (``yupana.domain.perception``) written as JSON;
docs/api-native-retention-perception.md describes it and docs/native-perception.schema.json is its
JSON Schema. A body needs the cliente, serie/correlativo, fecha_emision and each related document
with its cobros (``payments``: fecha and importe); ``calc.perception`` derives the rate of the
régimen (01, venta interna 2 %, by default), every amount perceived and collected, and the totals.
Amounts the caller declares are checked instead::

    {
      "serie": "P001", "correlativo": 1, "fecha_emision": "2026-11-22",
      "cliente": {"tipo_documento": "6", "numero_documento": "20601234565",
                  "razon_social": "CLIENTE S.A.C."},
      "documents": [
        {"tipo_documento": "01", "numero": "F001-1", "fecha_emision": "2026-11-20",
         "importe_total": 1180.00, "payments": [{"fecha": "2026-11-22", "importe": 1180.00}]}
      ]
    }
"""

from __future__ import annotations

from yupana.dialects.native import agent_documents
from yupana.domain.agent_documents import PERCEPTION
from yupana.domain.party import Company
from yupana.domain.perception import PerceptionDocument

__all__ = ["parse_perception", "translate_path"]


def parse_perception(body: object, issuer: Company | None) -> PerceptionDocument:
    """The comprobante de percepción described by the native JSON ``body``.

    ``issuer`` stands in when the body has no ``issuer``; when both are there their RUCs must
    agree. Raises ``InvalidDocument`` with every structural problem, each with its path in the
    body (``documents[0].payments[1].importe``) and SUNAT's code where one fits.
    """
    return agent_documents.parse(PERCEPTION, body, issuer)


def translate_path(domain_path: str) -> str:
    """The native path of a field named by its domain path (``cliente.address.ubigeo`` →
    ``cliente.direccion.ubigeo``; every other path is the same)."""
    return agent_documents.translate_path(domain_path)
