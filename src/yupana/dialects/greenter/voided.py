"""Greenter / Lycet JSON → comunicación de baja (RA) and resumen de reversiones (RR).

The request is what Lycet's ``/voided/*`` (Greenter's ``Voided``) and ``/reversion/*``
(``Reversion``) endpoints take, bare or inside Lycet's envelope ``{"document": ...,
"parameters": ...}`` (then every path starts with ``document.``). Both models have the same
fields; the endpoint says which communication it is.

Mapping (Greenter field → domain):

- ``correlativo`` (a string in Greenter) → ``correlativo``: the N of ``RA-AAAAMMDD-N``, a
  number from 1 to 99999. Greenter writes the string as given (``RA-20261121-00111``); Yupana
  writes the number (``RA-20261121-111``), the form SUNAT's file-name rule describes
  (``NNNNN``, 1 to 99999). Both are accepted by SUNAT.
- ``fecComunicacion`` → ``fecha_generacion`` (``cbc:IssueDate``, the date in the identifier);
  ``fecGeneracion`` → ``fecha_referencia`` (``cbc:ReferenceDate``, the issue date of the voided
  documents). Greenter's names are easy to swap: its "generación" is the documents' one.
  Date-times are taken in Lima time (an offset such as ``-05:00`` is honoured).
- ``company`` → ``issuer`` (``ruc``, ``razonSocial``, ``nombreComercial``, ``address`` with
  ``ubigueo`` and ``codLocal``, ``email``, ``telephone``); without it, the ``issuer`` argument.
- ``details[]`` → ``lines``: ``tipoDoc`` → ``tipo_documento``, ``serie``, ``correlativo``
  (digits, leading zeros dropped), ``desMotivoBaja`` → ``motivo``.
- ``name`` and ``xmlId`` (Greenter's computed file name and signature id) are ignored, as
  every other unknown key, as Lycet does.

Where Greenter's XML for these documents is wrong: its ``cac:Signature`` names the signature
``#GREENTER-SIGN`` while the ``ds:Signature`` it writes has ``Id="GreenterSign"``, so the
reference points at nothing (SUNAT does not check it); and Greenter checks nothing, so it
writes an RA with a boleta, a retention in an RA or a factura in an RR, which SUNAT rejects
(2308). Yupana's ``validate_voided`` refuses those before building.
"""

from __future__ import annotations

import re

from yupana.dialects.greenter import LENIENCY
from yupana.dialects.greenter.company import read_issuer
from yupana.dialects.greenter.envelope import document_fields, is_enveloped
from yupana.dialects.json_fields import Fields
from yupana.domain.party import Company
from yupana.domain.problems import Problems
from yupana.domain.voided import COMUNICACION_BAJA, RESUMEN_REVERSIONES, VoidedDocument, VoidedLine

__all__ = ["parse_reversion", "parse_voided", "translate_path"]

_DIGITS = re.compile(r"\d{1,8}")
_IDENTIFIER_CODES = {COMUNICACION_BAJA: "2283", RESUMEN_REVERSIONES: "2673"}


def parse_voided(body: object, issuer: Company | None) -> VoidedDocument:
    """Greenter's ``Voided``: a comunicación de baja (RA)."""
    return _parse(body, issuer, COMUNICACION_BAJA)


def parse_reversion(body: object, issuer: Company | None) -> VoidedDocument:
    """Greenter's ``Reversion``: a resumen de reversiones (RR)."""
    return _parse(body, issuer, RESUMEN_REVERSIONES)


# Domain path → Greenter path.
_HEADER = {
    "correlativo": "correlativo",
    "fecha_generacion": "fecComunicacion",
    "fecha_referencia": "fecGeneracion",
    "issuer": "company",
    "issuer.ruc": "company.ruc",
    "issuer.razon_social": "company.razonSocial",
    "issuer.nombre_comercial": "company.nombreComercial",
    "issuer.email": "company.email",
    "issuer.telefono": "company.telephone",
    "lines": "details",
}
_LINE = {
    "tipo_documento": "tipoDoc",
    "serie": "serie",
    "correlativo": "correlativo",
    "motivo": "desMotivoBaja",
}
_LINE_PATH = re.compile(r"lines\[(\d+)\](?:\.(\w+))?")


def translate_path(domain_path: str, body: object = None) -> str:
    """The Lycet path of a field named by its domain path (``lines[1].motivo`` →
    ``details[1].desMotivoBaja``); with the request ``body``, paths of an enveloped request
    start with ``document.``. A path it does not know comes back unchanged."""
    translated = _HEADER.get(domain_path)
    if translated is None:
        match = _LINE_PATH.fullmatch(domain_path)
        if match is None:
            return domain_path
        index, name = match.groups()
        if name is None:
            translated = f"details[{index}]"
        elif name == "fecha_emision":  # a Greenter detail has no date of its own
            translated = "fecGeneracion"
        elif name in _LINE:
            translated = f"details[{index}].{_LINE[name]}"
        else:
            return domain_path
    return f"document.{translated}" if is_enveloped(body, "details") else translated


def _parse(body: object, issuer: Company | None, tipo: str) -> VoidedDocument:
    problems = Problems()
    doc = document_fields(body, problems, LENIENCY, own_key="details")
    code = _IDENTIFIER_CODES[tipo]
    correlativo = _number(doc, (code, code), 99_999)
    generated = doc.day("fecComunicacion", required=True, missing_code="2299", invalid_code="2298")
    reference = doc.day("fecGeneracion", required=True, missing_code="2303", invalid_code="2302")
    company = read_issuer(doc, issuer, ruc_code="2217", name_code="2229", strip_ruc=True)
    lines = [_line(entry) for entry in doc.objects("details", required=True)]
    if doc.data.get("details") == []:
        doc.error("a communication needs at least one document to void", "details")
    problems.raise_if_errors()
    # Every required value was reported above when missing, so these hold here.
    assert correlativo is not None and generated and reference and company
    return VoidedDocument(
        tipo_documento=tipo,
        correlativo=correlativo,
        fecha_generacion=generated,
        fecha_referencia=reference,
        issuer=company,
        lines=[line for line in lines if line is not None],
    )


def _number(fields: Fields, codes: tuple[str, str], maximum: int) -> int | None:
    """A Greenter correlativo: a string (or integer) of digits, 1 to ``maximum``. ``codes``:
    SUNAT's (absent, malformed) codes."""
    text = fields.text("correlativo", required=True, code=codes[0])
    if text is None:
        return None
    text = text.strip()
    if not _DIGITS.fullmatch(text) or not 1 <= int(text) <= maximum:
        fields.error(
            f"correlativo must be a number from 1 to {maximum}, not {text!r}", "correlativo", codes[1]
        )
        return None
    return int(text)


def _line(fields: Fields) -> VoidedLine | None:
    tipo = fields.code("tipoDoc", width=2, required=True, code="2309")
    serie = fields.text("serie", required=True, upper=True, code="2311")
    correlativo = _number(fields, ("2313", "2312"), 99_999_999)
    motivo = fields.text("desMotivoBaja", required=True, code="2315")
    if tipo is None or serie is None or correlativo is None or motivo is None:
        return None
    return VoidedLine(tipo.strip(), serie.strip(), correlativo, motivo)
