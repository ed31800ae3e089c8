"""Greenter / Lycet JSON → resumen diario de boletas (RC).

The request is what Lycet's ``/summary/*`` endpoints take (Greenter's ``Summary`` model), bare
or inside Lycet's envelope ``{"document": ..., "parameters": ...}`` (then every path starts
with ``document.``). Problems carry the path in Lycet's terms (``details[1].serieNro``) and the
SUNAT code SUNAT answers when that field is absent or malformed; ``translate_path`` maps paths
of problems found later on the domain document back to those terms.

Mapping (Greenter field → domain):

- ``correlativo`` (a string in Greenter) → ``correlativo``, a number from 1 to 99999. Greenter
  writes the string as given (``RC-20261121-001``); Yupana writes the number
  (``RC-20261121-1``), the form of SUNAT's file-name rule (1 to 99999). SUNAT takes both, but
  as different identifiers.
- ``fecResumen`` → ``fecha_generacion`` (``cbc:IssueDate``, the date in the identifier);
  ``fecGeneracion`` → ``fecha_referencia`` (``cbc:ReferenceDate``, the issue date of the
  documents). Greenter's names are easy to swap: its "generación" is the documents' one.
  Date-times are taken in Lima time (an offset such as ``-05:00`` is honoured).
- ``moneda`` → the ``moneda`` of every line (``PEN`` when absent): Greenter has one currency
  per summary, SUNAT one per line.
- ``company`` → ``issuer`` (as in Greenter's other documents); without it, the ``issuer``
  argument.
- ``details[]`` → ``lines``: ``tipoDoc``; ``serieNro`` (``B001-1``) → ``serie`` and
  ``correlativo``; ``clienteTipo``/``clienteNro`` → ``customer`` (when either is given);
  ``docReferencia`` (``tipoDoc``, ``nroDoc``) → ``referencia``; ``estado``; ``total`` →
  ``importe_total``; ``mtoOperGravadas``/``Exoneradas``/``Inafectas``/``Exportacion``/
  ``Gratuitas`` → ``gravadas``/``exoneradas``/``inafectas``/``exportacion``/``gratuitas``;
  ``mtoOtrosCargos`` → ``otros_cargos``; ``mtoIGV``, ``mtoIvap``, ``mtoISC``, ``mtoIcbper``,
  ``mtoOtrosTributos`` → ``igv``, ``ivap``, ``isc``, ``icbper``, ``otros_tributos``;
  ``percepcion`` (``codReg``, ``tasa`` (a percentage), ``mtoBase``, ``mto``, ``mtoTotal``) →
  ``percepcion`` (``regimen``, ``porcentaje``, ``base``, ``monto``, ``total``).
- Amounts are written by Greenter with two decimals, rounded half up (PHP ``number_format``):
  the parser rounds them the same way, so the summary says what Greenter would have sent
  (Greenter's demo declares ``10.555`` and sends ``10.56``). An amount Greenter leaves out is
  derived (``yupana.calc.summary``) where Greenter would write ``0.00`` or nothing.
- ``name`` and ``xmlId`` (Greenter's computed file name and id) are ignored, as every other
  unknown key, as Lycet does.

Where Greenter is wrong. Its XML builder checks nothing and its optional validator
(greenter/validator) little: no arithmetic, so whatever the caller declares is sent (its demo's
nota line declares an IGV of 7.20 on a base of 40.00 with 2.80 of ISC, where SUNAT computes
(40.00 + 2.80) × 18 % = 7.70; SUNAT lets it through because its tolerance is 5); no date rule
(2236, 2671, 4443, 2957), no limit of 500 lines (0158), no duplicate lines (3094-3096), no
percepción rule (2986, 2608); a factura in the summary is 2513 there where SUNAT answers 2241;
it asks for the customer above 750 where SUNAT's threshold is 700 (2514); and it refuses a
contingency serie (``0001-1``, which SUNAT accepts), so it rejects its own
``resumen-contingencia`` demo. In the XML: the customer block is written even when there is no
customer (an empty ``cbc:CustomerAssignedAccountID``, which SUNAT's XSD accepts and its
stylesheet rejects with 2014 above S/ 700); an IVAP line gets no IGV tax total, which SUNAT's
stylesheet demands (2278); and, as in all its documents, ``cac:Signature`` names the signature
``#GREENTER-SIGN`` while its ``ds:Signature`` has ``Id="GreenterSign"``. Its demo summaries
themselves pass SUNAT's XSD and stylesheet; the two with an exportación line get SUNAT's
stylesheet observation 4027, because that stylesheet leaves exportación out of the sum it
compares with the importe total (the workbook, and Yupana, count it).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from yupana.dialects.greenter.company import read_issuer
from yupana.dialects.greenter.envelope import document_fields, is_enveloped
from yupana.dialects.json_fields import Fields, Leniency
from yupana.domain.party import Company, Customer
from yupana.domain.problems import Problems
from yupana.domain.summary import (
    CORRELATIVO_MAX,
    DailySummary,
    SummaryLine,
    SummaryPercepcion,
    SummaryReference,
)

__all__ = ["parse_summary", "translate_path"]

# What Lycet's serializer takes: integers for strings (``"correlativo": 12``), unknown keys.
LYCET = Leniency(integers_as_text=True, ignore_unknown_fields=True)
_CORRELATIVO = re.compile(r"\d{1,5}")
_SERIE_NUMERO = re.compile(r"([A-Za-z0-9]{1,4})-(\d{1,8})")
_CENT = Decimal("0.01")

# Greenter amount key → (domain attribute, SUNAT code of a malformed value).
_AMOUNTS = (
    ("total", "importe_total", "2251"),
    ("mtoOperGravadas", "gravadas", "2254"),
    ("mtoOperExoneradas", "exoneradas", "2254"),
    ("mtoOperInafectas", "inafectas", "2254"),
    ("mtoOperExportacion", "exportacion", "2254"),
    ("mtoOperGratuitas", "gratuitas", "2254"),
    ("mtoOtrosCargos", "otros_cargos", "2261"),
    ("mtoIGV", "igv", "2048"),
    ("mtoIvap", "ivap", "2048"),
    ("mtoISC", "isc", "2048"),
    ("mtoIcbper", "icbper", "2048"),
    ("mtoOtrosTributos", "otros_tributos", "2048"),
)
_PERCEPCION = {
    "regimen": "codReg",
    "porcentaje": "tasa",
    "base": "mtoBase",
    "monto": "mto",
    "total": "mtoTotal",
}


def parse_summary(body: object, issuer: Company | None) -> DailySummary:
    """Greenter's ``Summary``: a resumen diario de boletas (RC)."""
    problems = Problems()
    doc = document_fields(body, problems, LYCET, own_key="details")
    correlativo = _correlativo(doc)
    generated = doc.day("fecResumen", required=True, missing_code="2231", invalid_code="2230")
    reference = doc.day("fecGeneracion", required=True, missing_code="2234", invalid_code="2233")
    moneda = doc.text("moneda", upper=True) or "PEN"
    company = read_issuer(doc, issuer, ruc_code="2217", name_code="2229", strip_ruc=False)
    lines = [_line(entry, moneda) for entry in doc.objects("details", required=True, code="2279")]
    if doc.data.get("details") == []:
        doc.error("a resumen diario needs at least one document", "details", "2279")
    problems.raise_if_errors()
    # Every required value was reported above when missing, so these hold here.
    assert correlativo is not None and generated and reference and company
    return DailySummary(
        correlativo=correlativo,
        fecha_generacion=generated,
        fecha_referencia=reference,
        issuer=company,
        lines=[line for line in lines if line is not None],
    )


# Domain path → Greenter path.
_HEADER = {
    "correlativo": "correlativo",
    "fecha_generacion": "fecResumen",
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
    "serie": "serieNro",
    "correlativo": "serieNro",
    "estado": "estado",
    "customer": "clienteNro",
    "customer.tipo_documento": "clienteTipo",
    "customer.numero_documento": "clienteNro",
    "referencia": "docReferencia",
    "referencia.tipo_documento": "docReferencia.tipoDoc",
    "referencia.numero": "docReferencia.nroDoc",
    "percepcion": "percepcion",
    **{f"percepcion.{name}": f"percepcion.{key}" for name, key in _PERCEPCION.items()},
    **{name: key for key, name, _ in _AMOUNTS},
}
_AT_ROOT = {"moneda": "moneda", "fecha_emision": "fecGeneracion"}
_LINE_PATH = re.compile(r"lines\[(\d+)\](?:\.([\w.]+))?")


def translate_path(domain_path: str, body: object = None) -> str:
    """The Lycet path of a field named by its domain path (``lines[1].referencia.numero`` →
    ``details[1].docReferencia.nroDoc``); with the request ``body``, paths of an enveloped
    request start with ``document.``. A path it does not know comes back unchanged."""
    translated = _HEADER.get(domain_path)
    if translated is None:
        match = _LINE_PATH.fullmatch(domain_path)
        if match is None:
            return domain_path
        index, name = match.groups()
        if name is None:
            translated = f"details[{index}]"
        elif name in _AT_ROOT:  # a Greenter detail has no currency or date of its own
            translated = _AT_ROOT[name]
        elif name in _LINE:
            translated = f"details[{index}].{_LINE[name]}"
        else:
            return domain_path
    return f"document.{translated}" if is_enveloped(body, "details") else translated


def _correlativo(doc: Fields) -> int | None:
    text = doc.text("correlativo", required=True, code="2211")
    if text is None:
        return None
    if not _CORRELATIVO.fullmatch(text) or not 1 <= int(text) <= CORRELATIVO_MAX:
        doc.error(
            f"correlativo must be a number from 1 to {CORRELATIVO_MAX}, not {text!r}", "correlativo", "2210"
        )
        return None
    return int(text)


def _amount(fields: Fields, key: str, code: str) -> Decimal | None:
    """A Greenter amount as Greenter writes it: two decimals, rounded half up."""
    value = fields.amount(key, code=code)
    return None if value is None else value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _line(fields: Fields, moneda: str) -> SummaryLine | None:
    tipo = fields.code("tipoDoc", width=2, required=True, missing_code="2242", invalid_code="2241")
    numero = fields.text("serieNro", required=True, upper=True, code="2512")
    estado = fields.code("estado", required=True, missing_code="2522", invalid_code="2896")
    serie_numero = _SERIE_NUMERO.fullmatch(numero or "")
    if numero is not None and serie_numero is None:
        fields.error(f"serieNro must be SERIE-NUMERO (B001-1), not {numero!r}", "serieNro", "2513")
    customer = _customer(fields)
    reference = _reference(fields.object("docReferencia"))
    percepcion = _percepcion(fields.object("percepcion"))
    amounts = {name: _amount(fields, key, code) for key, name, code in _AMOUNTS}
    if tipo is None or estado is None or serie_numero is None:
        return None
    serie, correlativo = serie_numero.groups()
    return SummaryLine(
        tipo_documento=tipo,
        serie=serie,
        correlativo=int(correlativo),
        estado=estado,
        moneda=moneda,
        customer=customer,
        referencia=reference,
        percepcion=percepcion,
        **amounts,
    )


def _customer(fields: Fields) -> Customer | None:
    tipo = fields.code("clienteTipo", code="2016")
    number = fields.text("clienteNro", code="2014")
    if tipo is None and number is None:
        return None
    if tipo is None:
        fields.error("clienteTipo is required with clienteNro", "clienteTipo", "2015")
    if number is None:
        fields.error("clienteNro is required with clienteTipo", "clienteNro", "2014")
    return Customer(tipo or "", number or "", "")


def _reference(fields: Fields | None) -> SummaryReference | None:
    if fields is None:
        return None
    tipo = fields.code("tipoDoc", width=2, required=True, missing_code="2583", invalid_code="2513")
    numero = fields.text("nroDoc", required=True, upper=True, missing_code="2524", invalid_code="2920")
    return SummaryReference(tipo or "", numero or "")


def _percepcion(fields: Fields | None) -> SummaryPercepcion | None:
    if fields is None:
        return None
    return SummaryPercepcion(
        regimen=fields.code("codReg", width=2, required=True, code="2517") or "",
        porcentaje=_amount(fields, "tasa", "2891"),
        base=_amount(fields, "mtoBase", "2897"),
        monto=_amount(fields, "mto", "2893"),
        total=_amount(fields, "mtoTotal", "2895"),
    )
