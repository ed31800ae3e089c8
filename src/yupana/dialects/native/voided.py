"""Yupana's native JSON for the comunicación de baja (RA) and the resumen de reversiones (RR).

The format is the domain model (``yupana.domain.voided``) written as JSON; docs/api-native.md
describes it and docs/native-voided.schema.json is its JSON Schema::

    {
      "tipo_documento": "RA",
      "correlativo": 1,
      "fecha_generacion": "2026-11-22",
      "fecha_referencia": "2026-11-20",
      "lines": [
        {"tipo_documento": "01", "serie": "F001", "correlativo": 123,
         "motivo": "ERROR EN EL RUC DEL CLIENTE"}
      ]
    }

``correlativo`` is the N of ``RA-AAAAMMDD-N`` (``"#"`` asks the server for the next one, 0
here). ``fecha_referencia`` (the issue date of the voided documents) may be left out when the
lines give their ``fecha_emision``: it is then the first line's. ``issuer`` is optional, as in
sales documents. Paths are the domain's, except ``issuer.address`` (``issuer.direccion``),
which ``translate_path`` maps. Each structural problem carries the code SUNAT answers when
that field is absent or malformed in the XML (a line without ``motivo``: 2315).
"""

from __future__ import annotations

from yupana.dialects.json_fields import PLACEHOLDER_DATE, Fields
from yupana.dialects.native.header import read_correlativo, read_document_issuer, reference_date
from yupana.dialects.native.sales import translate_path as sale_path
from yupana.domain.party import Company
from yupana.domain.problems import InvalidDocument, Problems
from yupana.domain.voided import VOIDED_TYPES, VoidedDocument, VoidedLine

__all__ = ["parse_voided", "translate_path"]

# SUNAT's code for a malformed "RA-fecha-correlativo" / "RR-fecha-correlativo".
_IDENTIFIER_CODES = {"RA": "2283", "RR": "2673"}


def parse_voided(body: object, issuer: Company | None) -> VoidedDocument:
    """The RA or RR described by the native JSON ``body``.

    ``issuer`` stands in when the body has no ``issuer``; when both are there their RUCs must
    agree. Raises ``InvalidDocument`` with every structural problem found, each with its path
    in the body.
    """
    problems = Problems()
    fields = Fields.open(body, "", problems)
    if fields is None:
        raise InvalidDocument(problems.errors)
    fields.ignore("$schema")

    tipo = fields.required_text("tipo_documento", upper=True)
    if tipo and tipo not in VOIDED_TYPES:
        fields.error(
            "tipo_documento must be RA (comunicación de baja) or RR (resumen de reversiones)",
            "tipo_documento",
        )
    code = _IDENTIFIER_CODES.get(tipo)
    correlativo = read_correlativo(fields, missing_code=code, invalid_code=code)
    generated = fields.date("fecha_generacion", required=True, missing_code="2299", invalid_code="2298")
    reference = fields.date("fecha_referencia", invalid_code="2302")
    company = read_document_issuer(fields, issuer)
    lines = [_line(line) for line in fields.objects("lines", required=True)]
    if fields.data.get("lines") == []:
        fields.error("a communication needs at least one document to void", "lines")
    reference = reference_date(
        fields,
        reference,
        (line.fecha_emision for line in lines),
        message="'fecha_referencia' is required (or a fecha_emision on each line)",
        code="2303",
    )
    fields.close()
    problems.raise_if_errors()
    return VoidedDocument(
        tipo_documento=tipo,
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


def _line(fields: Fields) -> VoidedLine:
    line = VoidedLine(
        tipo_documento=fields.code(
            "tipo_documento", width=2, required=True, missing_code="2309", invalid_code="2308"
        )
        or "",
        serie=fields.text("serie", required=True, upper=True, code="2311") or "",
        correlativo=fields.integer("correlativo", required=True, missing_code="2313", invalid_code="2312")
        or 0,
        motivo=fields.text("motivo", required=True, code="2315"),
        fecha_emision=fields.date("fecha_emision"),
    )
    fields.close()
    return line
