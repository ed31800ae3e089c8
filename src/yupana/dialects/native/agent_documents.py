"""Yupana's native JSON for the documents of an agente de retención or percepción: the reading
shared by ``native.retention`` (20) and ``native.perception`` (40).

The format is the domain model written as JSON (``yupana.domain.retention`` and
``yupana.domain.perception``), with the names of the sales format where they are the same
(``serie``, ``correlativo``, ``fecha_emision``, ``issuer``, ``totals``); docs/api-native.md
describes it. Structural problems carry the code SUNAT answers when the field is absent or
malformed in the XML. Paths are the domain's except ``*.address``, written ``*.direccion``
(``issuer.address.codigo_establecimiento`` is ``issuer.codigo_establecimiento``), which
``translate_path`` maps.
"""

from __future__ import annotations

import re
from decimal import Decimal

from yupana.dialects.json_fields import PLACEHOLDER_DATE, ZERO, Fields
from yupana.dialects.native.header import read_correlativo, read_document_issuer
from yupana.dialects.native.issuer import read_address
from yupana.domain.agent_documents import AgentFamily, D
from yupana.domain.exchange_rate import PEN, ExchangeRate
from yupana.domain.party import Company
from yupana.domain.problems import InvalidDocument, Problems
from yupana.domain.receiver import Receiver


def parse(family: AgentFamily[D], body: object, issuer: Company | None) -> D:
    """The document ``body`` describes; ``InvalidDocument`` lists every structural problem."""
    problems = Problems()
    fields = Fields.open(body, "", problems)
    if fields is None:
        raise InvalidDocument(problems.errors)
    fields.ignore("$schema")
    tipo = fields.text("tipo_documento")
    if tipo is not None and tipo != family.tipo_documento:
        fields.error(
            f"tipo_documento must be {family.tipo_documento} for this document", "tipo_documento", "1003"
        )
    serie = fields.text("serie", required=True, upper=True, code="1001") or ""
    correlativo = read_correlativo(fields, missing_code="1001", invalid_code="1001")
    issued = fields.date("fecha_emision", required=True, missing_code="1010", invalid_code="1009")
    hora = fields.time("hora_emision")
    company = read_document_issuer(fields, issuer)
    receiver = _receiver(family, fields.object(family.receiver, required=True, code=family.receiver_missing))
    regimen = fields.code("regimen", width=2) or "01"
    tasa = fields.amount("tasa")
    observaciones = fields.text("observaciones")
    documents = [_related(family, entry) for entry in fields.objects("documents", required=True, code="2691")]
    if fields.data.get("documents") == []:
        fields.error("a document needs at least one related document", "documents", "2691")
    totals = _totals(family, fields.object("totals"))
    fields.close()
    problems.raise_if_errors()
    return family.make_document(
        serie=serie,
        correlativo=correlativo,
        fecha_emision=issued or PLACEHOLDER_DATE,
        issuer=company,
        documents=documents,
        regimen=regimen,
        tasa=tasa,
        hora_emision=hora,
        observaciones=observaciones,
        totals=totals,
        **{family.receiver: receiver},
    )


_ADDRESS = re.compile(r"^(issuer|proveedor|cliente)\.address(?=\.|$)")


def translate_path(domain_path: str) -> str:
    """The native path of a field named by its domain path (``proveedor.address.ubigeo`` →
    ``proveedor.direccion.ubigeo``); every other path is the same."""
    if domain_path == "issuer.address.codigo_establecimiento":
        return "issuer.codigo_establecimiento"
    return _ADDRESS.sub(r"\1.direccion", domain_path)


def _receiver(family: AgentFamily, fields: Fields | None) -> Receiver:
    if fields is None:
        return Receiver("", "", "")
    receiver = Receiver(
        tipo_documento=fields.text("tipo_documento", required=True, code="2516") or "",
        numero_documento=fields.text("numero_documento", required=True, code=family.receiver_missing) or "",
        razon_social=fields.text("razon_social", required=True, code="2134") or "",
        address=read_address(fields.object("direccion")),
        email=fields.text("email"),
        telefono=fields.text("telefono"),
        nombre_comercial=fields.text("nombre_comercial"),
    )
    fields.close()
    return receiver


def _exchange_rate(fields: Fields | None) -> ExchangeRate | None:
    if fields is None:
        return None
    rate = ExchangeRate(
        factor=fields.amount("factor", required=True, missing_code="2721", invalid_code="2716") or ZERO,
        fecha=fields.date("fecha", invalid_code="2717"),
        moneda_origen=fields.text("moneda_origen", upper=True, invalid_code="2714"),
        moneda_destino=fields.text("moneda_destino", upper=True, invalid_code="2715") or PEN,
    )
    fields.close()
    return rate


def _related(family: AgentFamily, fields: Fields) -> object:
    payments = [_payment(family, entry) for entry in fields.objects("payments")]
    related = family.make_related(
        tipo_documento=fields.code("tipo_documento", width=2, required=True, code="2691") or "",
        numero=fields.text("numero", required=True, upper=True, code="2693") or "",
        fecha_emision=fields.date("fecha_emision", required=True, missing_code="1010", invalid_code="1009")
        or PLACEHOLDER_DATE,
        importe_total=fields.amount("importe_total", required=True, missing_code="2695", invalid_code="2696")
        or ZERO,
        moneda=fields.text("moneda", upper=True, invalid_code="2718") or PEN,
        payments=payments,
        tipo_cambio=_exchange_rate(fields.object("tipo_cambio")),
        **{
            family.date_name: fields.date(family.date_name),
            family.amount_name: fields.amount(family.amount_name),
            family.net_name: fields.amount(family.net_name),
        },
    )
    fields.close()
    return related


def _payment(family: AgentFamily, fields: Fields) -> object:
    payment = family.make_payment(
        fecha=fields.date("fecha", required=True, code=family.payment_date_missing) or PLACEHOLDER_DATE,
        importe=fields.amount("importe", required=True, code=family.payment_amount_missing) or ZERO,
        numero=fields.integer("numero", code=family.payment_number_invalid),
        moneda=fields.text("moneda", upper=True),
        tipo_cambio=_exchange_rate(fields.object("tipo_cambio")),
        **{
            family.date_name: fields.date(family.date_name),
            family.amount_name: fields.amount(family.amount_name),
            family.net_name: fields.amount(family.net_name),
        },
    )
    fields.close()
    return payment


def _totals(family: AgentFamily, fields: Fields | None) -> object:
    if fields is None:
        return family.make_totals()
    values: dict[str, Decimal | None] = {
        name: fields.amount(name) for name in (family.amount_name, family.net_name, "redondeo")
    }
    fields.close()
    return family.make_totals(**values)
