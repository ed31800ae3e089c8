"""A boleta's (or its note's) resumen diario line, kept as JSON with the stored document.

The line is made once, when the document is issued (``summary_line_json``), from the completed
domain document; the summary is later built from the stored lines (``summary_line_from_json``)
without reading the document's XML again. Money is kept as strings, dates in ISO form.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

from yupana.domain.party import Customer
from yupana.domain.sale import SaleDocument
from yupana.domain.summary import SummaryLine, SummaryPercepcion, SummaryReference
from yupana.domain.summary_from_sales import summary_line_from_sale

_DECIMALS = {f.name for f in dataclasses.fields(SummaryLine) if "Decimal" in str(f.type)}
_PERCEPCION_DECIMALS = {f.name for f in dataclasses.fields(SummaryPercepcion) if "Decimal" in str(f.type)}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def summary_line_json(sale: SaleDocument) -> dict[str, Any]:
    """The completed ``sale``'s summary line (estado 1) as JSON (of the customer, what a summary
    reports: document type, number and name)."""
    data = _plain(dataclasses.asdict(summary_line_from_sale(sale, "1")))
    if data.get("customer") is not None:
        customer = data["customer"]
        data["customer"] = {
            key: customer[key] for key in ("tipo_documento", "numero_documento", "razon_social")
        }
    return data


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def summary_line_from_json(data: dict[str, Any], estado: str) -> SummaryLine:
    """The stored line, reporting the document with ``estado`` (1 add, 2 modify, 3 void)."""
    values = dict(data)
    values["estado"] = estado
    for name in _DECIMALS:
        values[name] = _decimal(values.get(name))
    if values.get("fecha_emision"):
        values["fecha_emision"] = date.fromisoformat(values["fecha_emision"])
    if values.get("customer") is not None:
        values["customer"] = Customer(**values["customer"])
    if values.get("referencia") is not None:
        values["referencia"] = SummaryReference(**values["referencia"])
    if values.get("percepcion") is not None:
        percepcion = dict(values["percepcion"])
        for name in _PERCEPCION_DECIMALS:
            percepcion[name] = _decimal(percepcion.get(name))
        values["percepcion"] = SummaryPercepcion(**percepcion)
    return SummaryLine(**values)
