"""Facturador PRO's ``POST /api/retentions`` and ``POST /api/perceptions`` bodies read into domain
documents: the reading shared by ``facturadorpro.retention`` and ``facturadorpro.perception``.

Mapping (Facturador PRO key → domain; the perception's keys in brackets), after Facturador PRO's
``RetentionTransform`` / ``PerceptionTransform`` and its XML templates:

- ``serie_documento``, ``numero_documento`` (``"#"``: the next number, read as correlativo 0,
  for the server's numbering to replace), ``fecha_de_emision``, ``hora_de_emision``,
  ``codigo_tipo_documento`` (20 [40]), ``observaciones``.
- The issuer comes from the account (Facturador PRO bodies do not carry the company);
  ``datos_del_emisor.codigo_del_domicilio_fiscal`` sets its establishment code. The rest of
  ``datos_del_emisor`` (an address some examples send) is not read, as Facturador PRO does not.
- ``datos_del_proveedor`` [``datos_del_cliente_o_receptor``] → ``proveedor`` [``cliente``]:
  ``codigo_tipo_documento_identidad``, ``numero_documento``,
  ``apellidos_y_nombres_o_razon_social``, ``nombre_comercial``, ``direccion``, ``ubigeo``,
  ``codigo_pais``, ``correo_electronico``, ``telefono``.
- ``codigo_tipo_retencion`` [``codigo_tipo_percepcion``] → ``regimen``; the rate is the
  régimen's (Facturador PRO takes it from its table of régimenes too).
- ``totales.total_retenido`` [``total_percibido``] and ``totales.total_pagado`` → the totals
  (SUNAT's total retained and total paid [total perceived and total collected]).
- ``documentos[]`` → ``documents``: ``codigo_tipo_documento``, ``serie_documento`` and
  ``numero_documento`` → ``numero`` (``F001-3``), ``fecha_de_emision``, ``codigo_tipo_moneda``,
  ``total_documento`` → ``importe_total``, ``pagos[]`` (``fecha_de_pago``, ``total_pago``,
  ``codigo_tipo_moneda``) → ``payments``, ``tipo_de_cambio`` (``codigo_tipo_moneda_referencia``,
  ``codigo_tipo_moneda_objetivo``, ``factor``, ``fecha_tipo_de_cambio``) → ``tipo_cambio``,
  ``fecha_de_retencion`` [``fecha_de_percepcion``], ``total_retenido`` [``total_percibido``]
  and ``total_pagado`` → the document's amounts (``total_pagado`` is what Facturador PRO writes
  as the net paid [collected]). ``total_a_pagar`` is read but not kept: Facturador PRO writes it
  nowhere.
- ``leyendas`` and ``acciones`` concern Facturador PRO's own storage and mailing: not read here.
  Keys Facturador PRO does not read are ignored.

Facturador PRO computes and checks nothing; its shipped examples declare amounts SUNAT rejects
(retention: 12.00 retained on a payment of 200.00 at 3 %, a net paid of 412.00 — the payment
plus the retention — and a total paid of 1000.00 for documents paid 412.00 and 618.00). Where
its XML is wrong: several ``pagos`` of one document become several ``cac:Payment`` in one
reference (SUNAT's XSD allows one); the issuer's ``cbc:CityName`` holds the departamento and
``cbc:CountrySubentity`` the provincia (swapped); the receiver's address is not written; a
document lacking any of the retained amount, the net or the date gets no
``sac:SUNATRetentionInformation`` at all (SUNAT: 2739).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Generic

from yupana.dialects.facturadorpro import LENIENCY
from yupana.dialects.json_fields import PLACEHOLDER_DATE, ZERO, Fields, is_blank, type_name
from yupana.domain.agent_documents import AgentFamily, D
from yupana.domain.exchange_rate import PEN, ExchangeRate
from yupana.domain.party import Address, Company
from yupana.domain.problems import InvalidDocument, Problems
from yupana.domain.receiver import Receiver

NEXT_NUMBER = "#"
NEXT_NUMBER_CORRELATIVO = 0
EMISOR = "datos_del_emisor"
_MAX_CORRELATIVO = 99_999_999
_ESTABLECIMIENTO = re.compile(r"\d{4}")


@dataclass(frozen=True, slots=True)
class ProFamily(Generic[D]):
    agent: AgentFamily[D]
    receiver_key: str  # "datos_del_proveedor" / "datos_del_cliente_o_receptor"
    regime_key: str  # "codigo_tipo_retencion" / "codigo_tipo_percepcion"
    date_key: str  # "fecha_de_retencion" / "fecha_de_percepcion"
    amount_key: str  # "total_retenido" / "total_percibido"


def parse(family: ProFamily[D], body: object, issuer: Company | None) -> D:
    if not isinstance(body, Mapping):
        raise InvalidDocument.single(f"the request body must be a JSON object, got {type_name(body)}", "")
    data = Fields(body, "", Problems(), LENIENCY)
    tipo = data.code("codigo_tipo_documento", width=2)
    if tipo is not None and tipo != family.agent.tipo_documento:
        data.error(
            f"'codigo_tipo_documento' must be {family.agent.tipo_documento}, got {tipo!r}",
            "codigo_tipo_documento",
            "1003",
        )
    serie = data.text("serie_documento", required=True, upper=True, code="1001")
    correlativo = _correlativo(data)
    issued = data.date("fecha_de_emision", required=True, missing_code="1010", invalid_code="1009")
    hora = data.time("hora_de_emision")
    company = _issuer(data, issuer)
    receiver = _receiver(
        family, data.object(family.receiver_key, required=True, code=family.agent.receiver_missing)
    )
    regimen = data.code(family.regime_key, width=2) or "01"
    observaciones = data.text("observaciones")
    totales = data.object("totales")
    totals = family.agent.make_totals(
        **{
            family.agent.amount_name: totales.amount(family.amount_key) if totales else None,
            family.agent.net_name: totales.amount("total_pagado") if totales else None,
        }
    )
    documents = [_related(family, row) for row in data.objects("documentos", required=True, code="2691")]
    if data.data.get("documentos") == []:
        data.error("'documentos' must list at least one related document", "documentos", "2691")
    data.problems.raise_if_errors()
    assert company is not None
    return family.agent.make_document(
        serie=serie or "",
        correlativo=correlativo,
        fecha_emision=issued or PLACEHOLDER_DATE,
        hora_emision=hora,
        issuer=company,
        documents=documents,
        regimen=regimen,
        observaciones=observaciones,
        totals=totals,
        **{family.agent.receiver: receiver},
    )


def _correlativo(data: Fields) -> int:
    key = "numero_documento"
    value = data.data.get(key)
    if isinstance(value, str) and value.strip() == NEXT_NUMBER:
        data.raw(key)
        return NEXT_NUMBER_CORRELATIVO
    if is_blank(value):
        data.error(f"'{key}' is required (a number, or '#' for the next number)", key, "1001")
        return NEXT_NUMBER_CORRELATIVO
    number = data.integer(key, code="1001")
    if number is not None and not 1 <= number <= _MAX_CORRELATIVO:
        data.error(f"'{key}' must be from 1 to {_MAX_CORRELATIVO}, or '#', got {value!r}", key, "1001")
    return number or NEXT_NUMBER_CORRELATIVO


def _issuer(data: Fields, issuer: Company | None) -> Company | None:
    emisor = data.object(EMISOR)
    codigo = None
    if emisor is not None:
        key = "codigo_del_domicilio_fiscal"
        codigo = emisor.code(key, width=4)
        if codigo is not None and not _ESTABLECIMIENTO.fullmatch(codigo):
            emisor.error(f"'{key}' must be 4 digits, got {codigo!r}", key, "3030")
            codigo = None
    if issuer is None:
        data.error(
            "the issuing company is not known: Facturador PRO bodies do not carry it, "
            "it comes from the account the request is made with",
            EMISOR,
            "0001",
        )
        return None
    if codigo is None:
        return issuer
    return replace(issuer, address=replace(issuer.address, codigo_establecimiento=codigo))


def _receiver(family: ProFamily, data: Fields | None) -> Receiver:
    if data is None:
        return Receiver("", "", "")
    direccion = data.text("direccion")
    ubigeo = data.code("ubigeo", width=6 if isinstance(data.data.get("ubigeo"), int) else None)
    pais = data.code("codigo_pais")
    address = None
    if (direccion and direccion != "-") or ubigeo or (pais and pais != "PE"):
        address = Address(
            direccion=direccion if direccion != "-" else None, ubigeo=ubigeo, codigo_pais=pais or "PE"
        )
    return Receiver(
        tipo_documento=data.code("codigo_tipo_documento_identidad", required=True, code="2516") or "",
        numero_documento=data.text("numero_documento", required=True, code=family.agent.receiver_missing)
        or "",
        razon_social=data.text("apellidos_y_nombres_o_razon_social", required=True, code="2134") or "",
        address=address,
        email=data.text("correo_electronico"),
        telefono=data.text("telefono"),
        nombre_comercial=data.text("nombre_comercial"),
    )


def _exchange_rate(data: Fields | None) -> ExchangeRate | None:
    if data is None:
        return None
    return ExchangeRate(
        factor=data.amount("factor", required=True, missing_code="2721", invalid_code="2716") or ZERO,
        fecha=data.date("fecha_tipo_de_cambio", invalid_code="2717"),
        moneda_origen=data.code("codigo_tipo_moneda_referencia"),
        moneda_destino=data.code("codigo_tipo_moneda_objetivo") or PEN,
    )


def _related(family: ProFamily, row: Fields) -> object:
    serie = row.text("serie_documento", required=True, upper=True, code="2693") or ""
    numero = row.text("numero_documento", required=True, code="2693") or ""
    if numero.isdigit():
        numero = str(int(numero))  # Facturador PRO writes the number as sent; SUNAT's form has no zeros
    row.amount("total_a_pagar")  # read (its form is checked), not kept: see the module docstring
    return family.agent.make_related(
        tipo_documento=row.code("codigo_tipo_documento", width=2, required=True, code="2691") or "",
        numero=f"{serie}-{numero}",
        fecha_emision=row.date("fecha_de_emision", required=True, missing_code="1010", invalid_code="1009")
        or PLACEHOLDER_DATE,
        importe_total=row.amount("total_documento", required=True, missing_code="2695", invalid_code="2696")
        or ZERO,
        moneda=row.code("codigo_tipo_moneda", invalid_code="2718") or PEN,
        payments=[_payment(family, entry) for entry in row.objects("pagos")],
        tipo_cambio=_exchange_rate(row.object("tipo_de_cambio")),
        **{
            family.agent.date_name: row.date(family.date_key),
            family.agent.amount_name: row.amount(family.amount_key),
            family.agent.net_name: row.amount("total_pagado"),
        },
    )


def _payment(family: ProFamily, row: Fields) -> object:
    return family.agent.make_payment(
        fecha=row.date("fecha_de_pago", required=True, code=family.agent.payment_date_missing)
        or PLACEHOLDER_DATE,
        importe=row.amount("total_pago", required=True, code=family.agent.payment_amount_missing) or ZERO,
        moneda=row.code("codigo_tipo_moneda"),
    )


# -- paths --------------------------------------------------------------------------------------

_RECEIVER = {
    "tipo_documento": "codigo_tipo_documento_identidad",
    "numero_documento": "numero_documento",
    "razon_social": "apellidos_y_nombres_o_razon_social",
    "nombre_comercial": "nombre_comercial",
    "email": "correo_electronico",
    "telefono": "telefono",
    "address": "direccion",
    "address.direccion": "direccion",
    "address.ubigeo": "ubigeo",
    "address.codigo_pais": "codigo_pais",
}
_DOCUMENT = {
    "tipo_documento": "codigo_tipo_documento",
    "numero": "numero_documento",
    "fecha_emision": "fecha_de_emision",
    "importe_total": "total_documento",
    "moneda": "codigo_tipo_moneda",
    "payments": "pagos",
}
_RATE = {
    "factor": "factor",
    "fecha": "fecha_tipo_de_cambio",
    "moneda_origen": "codigo_tipo_moneda_referencia",
    "moneda_destino": "codigo_tipo_moneda_objetivo",
}
_PAYMENT = {"fecha": "fecha_de_pago", "importe": "total_pago", "moneda": "codigo_tipo_moneda"}
_RELATED = re.compile(r"documents\[(\d+)\](?:\.(\w+)(?:\[(\d+)\])?(?:\.(\w+)(?:\.(\w+))?)?)?")


def translate_path(family: ProFamily, domain_path: str) -> str:
    """The Facturador PRO path of a field named by its domain path
    (``documents[0].payments[0].importe`` → ``documentos[0].pagos[0].total_pago``); a path with
    no counterpart comes back unchanged."""
    return _translate(family, domain_path) or domain_path


def _translate(family: ProFamily, path: str) -> str | None:
    header = {
        "tipo_documento": "codigo_tipo_documento",
        "serie": "serie_documento",
        "correlativo": "numero_documento",
        "fecha_emision": "fecha_de_emision",
        "hora_emision": "hora_de_emision",
        "regimen": family.regime_key,
        "tasa": family.regime_key,
        "observaciones": "observaciones",
        "documents": "documentos",
        "totals": "totales",
        f"totals.{family.agent.amount_name}": f"totales.{family.amount_key}",
        f"totals.{family.agent.net_name}": "totales.total_pagado",
        "issuer.address.codigo_establecimiento": f"{EMISOR}.codigo_del_domicilio_fiscal",
    }
    if path in header:
        return header[path]
    head, _, rest = path.partition(".")
    if head == "issuer":
        return EMISOR
    if head == family.agent.receiver:
        if not rest:
            return family.receiver_key
        return f"{family.receiver_key}.{_RECEIVER[rest]}" if rest in _RECEIVER else None
    match = _RELATED.fullmatch(path)
    if match is None:
        return None
    index, name, position, field, sub = match.groups()
    base = f"documentos[{index}]"
    own = {
        family.agent.date_name: family.date_key,
        family.agent.amount_name: family.amount_key,
        family.agent.net_name: "total_pagado",
    }
    if name is None:
        return base
    if name == "tipo_cambio":
        return f"{base}.tipo_de_cambio" + (f".{_RATE[field]}" if field in _RATE else "")
    if name in own and position is None:
        return f"{base}.{own[name]}"
    if name != "payments":
        return f"{base}.{_DOCUMENT[name]}" if name in _DOCUMENT and position is None else None
    if position is None:
        return f"{base}.pagos"
    if field in _PAYMENT:
        return f"{base}.pagos[{position}].{_PAYMENT[field]}"
    if field in own:  # Facturador PRO declares amounts, dates and rates per document only
        return f"{base}.{own[field]}"
    if field == "tipo_cambio":
        return f"{base}.tipo_de_cambio" + (f".{_RATE[sub]}" if sub in _RATE else "")
    return f"{base}.pagos[{position}]"
