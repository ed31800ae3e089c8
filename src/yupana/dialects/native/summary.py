"""Yupana's native JSON for the resumen diario de boletas (RC).

The format is the domain model (``yupana.domain.summary``) written as JSON; docs/api-native.md
describes it and docs/native-summary.schema.json is its JSON Schema::

    {
      "correlativo": 1,
      "fecha_generacion": "2026-11-22",
      "fecha_referencia": "2026-11-21",
      "lines": [
        {"tipo_documento": "03", "serie": "B001", "correlativo": 1, "gravadas": 100},
        {"tipo_documento": "07", "serie": "B001", "correlativo": 2,
         "referencia": {"tipo_documento": "03", "numero": "B001-1"}, "gravadas": 20},
        {"tipo_documento": "03", "serie": "B001", "correlativo": 3, "estado": "3",
         "importe_total": 59}
      ]
    }

``correlativo`` is the N of ``RC-AAAAMMDD-N`` (``"#"`` asks the server for the next one, 0
here). ``fecha_referencia`` (the issue date of the documents) may be left out when the lines
give their ``fecha_emision``: it is then the first line's. ``tipo_documento`` may be given
(``"RC"``). ``moneda`` at the top is the currency of every line that names none (``PEN`` when
absent). ``issuer`` is optional, as in sales documents. A line's amounts are all optional:
what is left out is derived (see ``yupana.calc.summary``), what is given is checked.

Paths are the domain's, except ``issuer.address`` (``issuer.direccion``), which
``translate_path`` maps. Each structural problem carries the code SUNAT answers when that field
is absent or malformed in the XML (a line without ``tipo_documento``: 2242).
"""

from __future__ import annotations

from yupana.dialects.json_fields import PLACEHOLDER_DATE, Fields
from yupana.dialects.native.header import read_correlativo, read_document_issuer, reference_date
from yupana.dialects.native.sales import translate_path as sale_path
from yupana.domain.party import Company, Customer
from yupana.domain.problems import InvalidDocument, Problems
from yupana.domain.summary import (
    ADICIONAR,
    RESUMEN_DIARIO,
    DailySummary,
    SummaryLine,
    SummaryPercepcion,
    SummaryReference,
)

__all__ = ["parse_summary", "translate_path"]

# Amounts of a line and SUNAT's code when the value cannot be read as a number.
_AMOUNTS = (
    ("gravadas", "2254"),
    ("exoneradas", "2254"),
    ("inafectas", "2254"),
    ("exportacion", "2254"),
    ("gratuitas", "2254"),
    ("otros_cargos", "2261"),
    ("igv", "2048"),
    ("ivap", "2048"),
    ("isc", "2048"),
    ("icbper", "2048"),
    ("otros_tributos", "2048"),
    ("importe_total", "2251"),
)


def parse_summary(body: object, issuer: Company | None) -> DailySummary:
    """The resumen diario described by the native JSON ``body``.

    ``issuer`` stands in when the body has no ``issuer``; when both are there their RUCs must
    agree. Raises ``InvalidDocument`` with every structural problem found, each with its path
    in the body.
    """
    problems = Problems()
    fields = Fields.open(body, "", problems)
    if fields is None:
        raise InvalidDocument(problems.errors)
    fields.ignore("$schema")

    tipo = fields.text("tipo_documento", upper=True)
    if tipo is not None and tipo != RESUMEN_DIARIO:
        fields.error("tipo_documento of a resumen diario is RC", "tipo_documento", "2210")
    correlativo = read_correlativo(fields, missing_code="2211", invalid_code="2210")
    generated = fields.date("fecha_generacion", required=True, missing_code="2231", invalid_code="2230")
    reference = fields.date("fecha_referencia", invalid_code="2233")
    moneda = fields.text("moneda", upper=True) or "PEN"
    company = read_document_issuer(fields, issuer, missing_code="2217")
    lines = [_line(line, moneda) for line in fields.objects("lines", required=True, code="2279")]
    if fields.data.get("lines") == []:
        fields.error("a resumen diario needs at least one document", "lines", "2279")
    reference = reference_date(
        fields,
        reference,
        (line.fecha_emision for line in lines),
        message="'fecha_referencia' is required (or a fecha_emision on the lines)",
        code="2234",
    )
    fields.close()
    problems.raise_if_errors()
    return DailySummary(
        correlativo=correlativo,
        fecha_generacion=generated or PLACEHOLDER_DATE,
        fecha_referencia=reference or PLACEHOLDER_DATE,
        issuer=company,
        lines=lines,
    )


def translate_path(domain_path: str) -> str:
    """The native path of a field named by its domain path (``issuer.address.ubigeo`` →
    ``issuer.direccion.ubigeo``; every other path is the same)."""
    return sale_path(domain_path)


def _line(fields: Fields, moneda: str) -> SummaryLine:
    line = SummaryLine(
        tipo_documento=fields.code(
            "tipo_documento", width=2, required=True, missing_code="2242", invalid_code="2241"
        )
        or "",
        serie=fields.text("serie", required=True, upper=True, missing_code="2512", invalid_code="2513") or "",
        correlativo=fields.integer("correlativo", required=True, missing_code="2512", invalid_code="2513")
        or 0,
        estado=fields.code("estado", invalid_code="2896") or ADICIONAR,
        moneda=fields.text("moneda", upper=True) or moneda,
        customer=_customer(fields.object("customer", code="2014")),
        referencia=_reference(fields.object("referencia", code="2524")),
        fecha_emision=fields.date("fecha_emision"),
        percepcion=_percepcion(fields.object("percepcion")),
        porcentaje_igv=fields.amount("porcentaje_igv"),
    )
    for name, code in _AMOUNTS:
        setattr(line, name, fields.amount(name, code=code))
    fields.close()
    return line


def _customer(fields: Fields | None) -> Customer | None:
    if fields is None:
        return None
    customer = Customer(
        tipo_documento=fields.code("tipo_documento", required=True, missing_code="2015", invalid_code="2016")
        or "",
        numero_documento=fields.text("numero_documento", required=True, code="2014") or "",
        razon_social=fields.text("razon_social") or "",
    )
    fields.close()
    return customer


def _reference(fields: Fields | None) -> SummaryReference | None:
    if fields is None:
        return None
    reference = SummaryReference(
        tipo_documento=fields.code(
            "tipo_documento", width=2, required=True, missing_code="2583", invalid_code="2513"
        )
        or "",
        numero=fields.text("numero", required=True, upper=True, missing_code="2524", invalid_code="2920")
        or "",
    )
    fields.close()
    return reference


def _percepcion(fields: Fields | None) -> SummaryPercepcion | None:
    if fields is None:
        return None
    percepcion = SummaryPercepcion(
        regimen=fields.code("regimen", width=2, required=True, code="2517") or "",
        porcentaje=fields.amount("porcentaje", code="2891"),
        base=fields.amount("base", code="2897"),
        monto=fields.amount("monto", code="2893"),
        total=fields.amount("total", code="2895"),
    )
    fields.close()
    return percepcion
