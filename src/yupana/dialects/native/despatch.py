"""Yupana's native JSON for guías de remisión remitente (09) and transportista (31).

The format is the domain model (``yupana.domain.despatch``) written as JSON, with the same
names; docs/api-native-despatch.md describes it and docs/native-despatch.schema.json is its JSON
Schema. A guía remitente by public transport needs little::

    {
      "tipo_documento": "09", "serie": "T001", "correlativo": 1,
      "fecha_emision": "2026-11-22", "hora_emision": "09:30:00",
      "destinatario": {"tipo_documento": "6", "numero_documento": "20601234565",
                       "razon_social": "CLIENTE S.A.C."},
      "motivo_traslado": "01", "modalidad": "01",
      "transportista": {"ruc": "20100070970", "razon_social": "TRANSPORTES S.A.C.",
                        "registro_mtc": "15123456CNG"},
      "fecha_entrega_transportista": "2026-11-22",
      "peso_bruto": 1725.5,
      "partida": {"ubigeo": "150101", "direccion": "AV. LOS OLIVOS 123"},
      "llegada": {"ubigeo": "040101", "direccion": "CALLE MERCADERES 456"},
      "lines": [{"descripcion": "CEMENTO X 42.5 KG", "cantidad": 40, "unidad": "BG"}]
    }

``indicadores`` take SUNAT's names (``SUNAT_Envio_IndicadorTrasladoVehiculoM1L``) or the short
names of ``INDICATOR_NAMES`` (``vehiculo_m1l``). ``pagador_flete`` is ``remitente``,
``subcontratador`` or ``tercero`` in any case. Paths are the domain's, except
``issuer.address`` (``issuer.direccion``), which ``translate_path`` maps. A structural problem
of a field SUNAT checks carries the code SUNAT answers when the field is absent or malformed.
"""

from __future__ import annotations

from decimal import Decimal

from yupana.dialects.json_fields import PLACEHOLDER_DATE, Fields
from yupana.dialects.native.header import read_correlativo, read_document_issuer
from yupana.dialects.native.sales import translate_path as sale_path
from yupana.domain.despatch import (
    CONTENEDOR_MANIFIESTO_CARGA,
    DESPATCH_TYPES,
    INDICADORES_REMITENTE,
    INDICADORES_TRANSPORTISTA,
    PAGADORES_FLETE,
    RETORNO_ENVASES_VACIOS,
    RETORNO_VEHICULO_VACIO,
    TRANSBORDO_PROGRAMADO,
    TRANSPORTE_SUBCONTRATADO,
    TRASLADO_CONTENEDOR,
    TRASLADO_TOTAL,
    TRASLADO_TOTAL_DAM_DS,
    VEHICULO_CONDUCTORES_TRANSPORTISTA,
    VEHICULO_M1L,
    Carrier,
    Container,
    DespatchDocument,
    DespatchLine,
    Driver,
    LineAttribute,
    Port,
    RelatedDocument,
    SpecialAuthorization,
    TransferPoint,
    Vehicle,
)
from yupana.domain.party import Company, Customer
from yupana.domain.problems import InvalidDocument, Problems

__all__ = ["INDICATOR_NAMES", "parse_despatch", "translate_path"]

INDICATOR_NAMES = {
    "transbordo_programado": TRANSBORDO_PROGRAMADO,
    "vehiculo_m1l": VEHICULO_M1L,
    "retorno_envases_vacios": RETORNO_ENVASES_VACIOS,
    "retorno_vehiculo_vacio": RETORNO_VEHICULO_VACIO,
    "traslado_total_dam_ds": TRASLADO_TOTAL_DAM_DS,
    "vehiculo_conductores_transportista": VEHICULO_CONDUCTORES_TRANSPORTISTA,
    "contenedor_manifiesto_carga": CONTENEDOR_MANIFIESTO_CARGA,
    "traslado_contenedor": TRASLADO_CONTENEDOR,
    "transporte_subcontratado": TRANSPORTE_SUBCONTRATADO,
    "traslado_total": TRASLADO_TOTAL,
}
_SUNAT_INDICATORS = frozenset(INDICADORES_REMITENTE + INDICADORES_TRANSPORTISTA)
_PAYERS = {name.lower(): name for name in PAGADORES_FLETE}


def parse_despatch(body: object, issuer: Company | None) -> DespatchDocument:
    """The guía described by the native JSON ``body``.

    ``issuer`` (the CLI's ``--issuer``, the tenant of an API call) stands in when the body has
    no ``issuer``; when both are there their RUCs must agree. Raises ``InvalidDocument`` with
    every structural problem found, each with its path in the body.
    """
    problems = Problems()
    fields = Fields.open(body, "", problems)
    if fields is None:
        raise InvalidDocument(problems.errors)
    fields.ignore("$schema")

    tipo = (
        fields.code("tipo_documento", width=2, required=True, missing_code="1050", invalid_code="1051") or ""
    )
    if tipo and tipo not in DESPATCH_TYPES:
        fields.error(
            "tipo_documento must be 09 (guía remitente) or 31 (guía transportista)", "tipo_documento", "1051"
        )
    doc = DespatchDocument(
        tipo_documento=tipo,
        serie=fields.text("serie", required=True, upper=True, code="1001") or "",
        correlativo=read_correlativo(fields, missing_code=None, invalid_code="1001"),
        fecha_emision=fields.date("fecha_emision", required=True, invalid_code="3436") or PLACEHOLDER_DATE,
        hora_emision=fields.time("hora_emision", code="3438"),
        issuer=read_document_issuer(fields, issuer),
        destinatario=_party(fields.object("destinatario", required=True, code="2757"), _DESTINATARIO)
        or Customer("", "", ""),
        lines=[_line(line) for line in fields.objects("lines")],
        observaciones=fields.strings("observaciones"),
        related=[_related(entry) for entry in fields.objects("related")],
        motivo_traslado=fields.code("motivo_traslado", width=2, invalid_code="3405"),
        descripcion_motivo=fields.text("descripcion_motivo"),
        modalidad=fields.code("modalidad", width=2, invalid_code="2773"),
        transportista=_carrier(fields.object("transportista")),
        proveedor=_party(fields.object("proveedor"), _PROVEEDOR),
        comprador=_party(fields.object("comprador"), _COMPRADOR),
        autorizacion_remitente=_authorization(fields.object("autorizacion_remitente")),
        remitente=_party(fields.object("remitente"), _REMITENTE),
        registro_mtc=fields.text("registro_mtc", upper=True),
        autorizacion=_authorization(fields.object("autorizacion")),
        pagador_flete=_payer(fields),
        tercero_pagador=_party(fields.object("tercero_pagador"), _TERCERO),
        subcontratador=_party(fields.object("subcontratador"), _SUBCONTRATADOR),
        anotacion=fields.text("anotacion"),
        peso_bruto=fields.amount("peso_bruto", invalid_code="2523"),
        unidad_peso=fields.text("unidad_peso", upper=True) or "KGM",
        peso_items=fields.amount("peso_items", invalid_code="3397"),
        sustento_peso=fields.text("sustento_peso"),
        numero_bultos=fields.integer("numero_bultos", invalid_code="3489"),
        fecha_inicio_traslado=fields.date("fecha_inicio_traslado", invalid_code="3407"),
        fecha_entrega_transportista=fields.date("fecha_entrega_transportista", invalid_code="3619"),
        indicadores=_indicators(fields),
        vehiculo=_vehicle(fields.object("vehiculo")),
        vehiculos_secundarios=[
            _vehicle(entry) or Vehicle("") for entry in fields.objects("vehiculos_secundarios")
        ],
        conductor=_driver(fields.object("conductor")),
        conductores_secundarios=[
            _driver(entry) or Driver("", "", "", "", "")
            for entry in fields.objects("conductores_secundarios")
        ],
        partida=_point(fields.object("partida"), "2577"),
        llegada=_point(fields.object("llegada"), "2574"),
        puerto=_port(fields.object("puerto")),
        contenedores=[_container(entry) for entry in fields.objects("contenedores")],
        extras=fields.string_map("extras"),
    )
    if not fields.has("lines") and not fields.has("anotacion"):
        fields.error(
            "'lines' is required: the goods moved (or, in a guía 31, an 'anotacion')", "lines", "2580"
        )
    fields.close()
    problems.raise_if_errors()
    return doc


def translate_path(domain_path: str) -> str:
    """The native path of a field named by its domain path (``issuer.address.ubigeo`` →
    ``issuer.direccion.ubigeo``; every other path is the same)."""
    return sale_path(domain_path)


# Codes of a party's fields: (tipo_documento missing, numero_documento missing, razon_social missing).
_DESTINATARIO = ("2759", "2757", "2761")
_REMITENTE = ("2541", "3383", "3387")
_PROVEEDOR = ("2552", "2723", "3449")
_COMPRADOR = ("3331", "3333", "3339")
_TERCERO = ("3399", "3400", None)
_SUBCONTRATADOR = ("3391", None, None)


def _party(fields: Fields | None, codes: tuple[str | None, str | None, str | None]) -> Customer | None:
    if fields is None:
        return None
    party = Customer(
        tipo_documento=fields.code("tipo_documento", required=True, code=codes[0]) or "",
        numero_documento=fields.text("numero_documento", required=True, code=codes[1]) or "",
        razon_social=fields.text("razon_social", required=True, code=codes[2]) or "",
    )
    fields.close()
    return party


def _authorization(fields: Fields | None) -> SpecialAuthorization | None:
    if fields is None:
        return None
    value = SpecialAuthorization(
        entidad=fields.code("entidad", width=2, required=True, code="4394") or "",
        numero=fields.text("numero", required=True) or "",
    )
    fields.close()
    return value


def _carrier(fields: Fields | None) -> Carrier | None:
    if fields is None:
        return None
    carrier = Carrier(
        ruc=fields.text("ruc", required=True, code="2558") or "",
        razon_social=fields.text("razon_social", required=True, code="2563") or "",
        registro_mtc=fields.text("registro_mtc", upper=True),
        autorizacion=_authorization(fields.object("autorizacion")),
    )
    fields.close()
    return carrier


def _payer(fields: Fields) -> str | None:
    value = fields.text("pagador_flete")
    if value is None:
        return None
    payer = _PAYERS.get(value.lower())
    if payer is None:
        fields.error(f"pagador_flete must be one of {', '.join(PAGADORES_FLETE)}", "pagador_flete", "3388")
    return payer


def _indicators(fields: Fields) -> list[str]:
    found: list[str] = []
    for index, name in enumerate(fields.strings("indicadores")):
        indicator = INDICATOR_NAMES.get(name.strip().lower(), name.strip())
        if indicator not in _SUNAT_INDICATORS:
            names = ", ".join(INDICATOR_NAMES)
            fields.error(f"unknown indicator '{name}' (one of: {names})", f"indicadores[{index}]", "3388")
        found.append(indicator)
    return found


def _vehicle(fields: Fields | None) -> Vehicle | None:
    if fields is None:
        return None
    vehicle = Vehicle(
        placa=fields.text("placa", required=True, upper=True, code="2566") or "",
        tuce=fields.text("tuce", upper=True),
        autorizacion=_authorization(fields.object("autorizacion")),
    )
    fields.close()
    return vehicle


def _driver(fields: Fields | None) -> Driver | None:
    if fields is None:
        return None
    driver = Driver(
        tipo_documento=fields.code("tipo_documento", required=True, code="2570") or "",
        numero_documento=fields.text("numero_documento", required=True, code="2568") or "",
        nombres=fields.text("nombres", required=True, code="3360") or "",
        apellidos=fields.text("apellidos", required=True, code="3361") or "",
        licencia=fields.text("licencia", required=True, upper=True, code="2572") or "",
    )
    fields.close()
    return driver


def _point(fields: Fields | None, address_code: str) -> TransferPoint | None:
    if fields is None:
        return None
    point = TransferPoint(
        ubigeo=fields.text("ubigeo", required=True, code="2775") or "",
        direccion=fields.text("direccion", required=True, code=address_code) or "",
        ruc=fields.text("ruc"),
        codigo_establecimiento=fields.text("codigo_establecimiento"),
        latitud=fields.amount("latitud", invalid_code="3413"),
        longitud=fields.amount("longitud", invalid_code="3413"),
    )
    fields.close()
    return point


def _port(fields: Fields | None) -> Port | None:
    if fields is None:
        return None
    port = Port(
        codigo=fields.text("codigo", required=True, upper=True) or "",
        tipo=fields.code("tipo", allowed=("1", "2"), invalid_code="4416") or "1",
        nombre=fields.text("nombre"),
    )
    fields.close()
    return port


def _container(fields: Fields) -> Container:
    container = Container(
        numero=fields.text("numero", required=True, upper=True) or "",
        precinto=fields.text("precinto", upper=True),
    )
    fields.close()
    return container


def _related(fields: Fields) -> RelatedDocument:
    related = RelatedDocument(
        tipo_documento=fields.code("tipo_documento", width=2, required=True, code="3376") or "",
        numero=fields.text("numero", required=True, upper=True, code="3403") or "",
        emisor_ruc=fields.text("emisor_ruc"),
        descripcion=fields.text("descripcion"),
    )
    fields.close()
    return related


def _line(fields: Fields) -> DespatchLine:
    line = DespatchLine(
        descripcion=fields.text("descripcion", required=True, code="2781") or "",
        cantidad=_quantity(fields),
        unidad=fields.text("unidad", upper=True) or "NIU",
        codigo=fields.text("codigo"),
        codigo_sunat=fields.text("codigo_sunat"),
        codigo_gs1=fields.text("codigo_gs1"),
        atributos=[_attribute(entry) for entry in fields.objects("atributos")],
    )
    fields.close()
    return line


def _quantity(fields: Fields) -> Decimal:
    value = fields.amount("cantidad", required=True, missing_code="2580", invalid_code="2780")
    return value if value is not None else Decimal(0)


def _attribute(fields: Fields) -> LineAttribute:
    attribute = LineAttribute(
        codigo=fields.text("codigo", required=True) or "",
        valor=fields.text("valor", required=True, code="3064") or "",
        nombre=fields.text("nombre"),
    )
    fields.close()
    return attribute
