"""Facturador PRO's guía de remisión bodies read into a domain ``DespatchDocument``:
``POST /api/dispatches`` (remitente, 09) and ``POST /api/dispatch-carrier`` (transportista, 31).

``parse_dispatch`` reads the body, reports every structural problem at once with its path in
Facturador PRO's terms and SUNAT's code where one fits; ``path_translator(body)`` says the
domain paths of later problems in the same terms (``conductor.licencia`` →
``chofer.numero_licencia``).

Mapping decisions:

- **Issuer.** As in ``/api/documents``: the body does not carry the company (Facturador PRO
  knows it from the token); it comes from the caller. ``datos_del_emisor`` is accepted and not
  used (a guía names no establishment of the issuer).
- **Next number.** ``numero_documento: "#"`` is read as correlativo 0, for the server to number.
- **Parties.** 09: ``datos_del_cliente_o_receptor`` is the destinatario; 31:
  ``datos_remitente`` and ``datos_destinatario``. ``remitente_id``, ``destinatario_id``,
  ``direccion_remitente_id`` and ``direccion_destinatario_id`` name records of Facturador PRO's
  database: without the data blocks they are refused (only a server holding those records
  could resolve them).
- **Motivo and modalidad** (``codigo_motivo_traslado``, ``codigo_modo_transporte``) belong to
  the guía remitente; a guía transportista carries neither in SUNAT's format, so a 31's
  ``codigo_motivo_traslado`` is read and not written.
- **Dates.** ``fecha_de_traslado`` is the start of the transfer; by public transport it is also
  when the goods are handed to the carrier (SUNAT requires that date, rule 3617). A 31 takes
  ``fecha_entrega_transporte`` when it has no ``fecha_de_traslado``.
- **Points.** ``direccion_partida`` / ``direccion_llegada`` (a 31 may give them as
  ``direcciones_proveedores.remitente`` / ``.destinatario``). Their
  ``codigo_del_domicilio_fiscal`` is the issuer's establishment code only under motivo 04
  (between establishments of the same company): it is then written with the issuer's RUC, as
  SUNAT requires (3414, 3365, 3369); Facturador PRO fills it on every address.
- **Drivers.** ``chofer`` and ``chofer_secundario`` (up to two) carry a single ``nombres``;
  SUNAT wants names and surnames apart. ``"APELLIDOS, NOMBRES"`` is split at the comma;
  without a comma, two words are a name and a surname and from three words on the last two
  are the surnames (``"JUAN PEREZ GARCIA"``). An ``apellidos`` key, when sent, is used as is.
  ``telefono`` is not part of SUNAT's guía.
- **Vehicles.** ``numero_de_placa`` is written without hyphens or spaces (``"ABC-123"`` →
  ``ABC123``, SUNAT's format, 2567); ``certificado_habilitacion_vehicular`` is the TUCE or
  certificado; ``modelo`` and ``marca`` go to ``extras`` for the printed guía.
- **The carrier's MTC registration** (31): Facturador PRO takes it from the company's settings;
  here the body may give it as ``numero_mtc`` (SUNAT observes its absence, 4391).
- **Pagador del flete** (31): ``pagador_flete.indicador_pagador_flete`` (``Remitente``,
  ``Subcontratador``, ``Tercero``); the tercero's ``codigo_tipo_documento_identidad``,
  ``numero`` and ``nombres``.
- **Indicators**: ``indicador_de_transbordo``; **port** ``codigo_de_puerto``; **container**
  ``numero_de_contenedor``; **related documents** ``documento_relacionado[]`` (``numero``,
  ``ruc``, ``documento.id`` of catalog 61, ``documento.descripcion``; ``empresa`` is not part
  of SUNAT's guía).
- **Items**: ``codigo_interno``, ``descripcion``, ``unidad_de_medida``, ``cantidad``,
  ``codigo_producto_sunat``; prices and taxes (only used by Facturador PRO to create the
  product) are not part of a guía.
- Ignored, as Facturador PRO does for a guía: ``leyendas``, ``acciones``, ``dato_adicional``,
  ``documento_afectado`` (printed only) and keys it does not read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal

from yupana.dialects.facturadorpro import LENIENCY
from yupana.dialects.json_fields import PLACEHOLDER_DATE, Fields, is_blank, type_name
from yupana.domain.despatch import (
    DESPATCH_TYPES,
    GUIA_TRANSPORTISTA,
    MOTIVO_MISMA_EMPRESA,
    PAGADORES_FLETE,
    TRANSBORDO_PROGRAMADO,
    TRANSPORTE_PUBLICO,
    Carrier,
    Container,
    DespatchDocument,
    DespatchLine,
    Driver,
    Port,
    RelatedDocument,
    TransferPoint,
    Vehicle,
)
from yupana.domain.party import Company, Customer
from yupana.domain.problems import InvalidDocument, Problems

__all__ = ["parse_dispatch", "path_translator", "split_name", "translate_path"]

NEXT_NUMBER = "#"
CLIENTE = "datos_del_cliente_o_receptor"
_SERIE = re.compile(r"[A-Z0-9]{4}")
_MAX_CORRELATIVO = 99_999_999
_PLATE_NOISE = re.compile(r"[\s-]+")
_PAYERS = {name.lower(): name for name in PAGADORES_FLETE}
_SERVER_IDS = ("remitente_id", "destinatario_id", "direccion_remitente_id", "direccion_destinatario_id")


def parse_dispatch(body: object, issuer: Company | None) -> DespatchDocument:
    """Read a Facturador PRO ``/api/dispatches`` (09) or ``/api/dispatch-carrier`` (31) body."""
    if not isinstance(body, Mapping):
        raise InvalidDocument.single(f"the request body must be a JSON object, got {type_name(body)}", "")
    data = Fields(body, "", Problems(), LENIENCY)
    tipo = data.code(
        "codigo_tipo_documento",
        width=2,
        allowed=DESPATCH_TYPES,
        required=True,
        missing_code="1050",
        invalid_code="1051",
    )
    is_31 = tipo == GUIA_TRANSPORTISTA
    serie = data.text("serie_documento", required=True, upper=True, code="1001")
    if serie is not None and not _SERIE.fullmatch(serie):
        data.error(f"'serie_documento' must be 4 letters or digits, got {serie!r}", "serie_documento", "1001")
    if issuer is None:
        data.error(
            "the issuing company is not known: Facturador PRO bodies do not carry it, "
            "it comes from the account the request is made with",
            "datos_del_emisor",
        )
    data.object("datos_del_emisor")
    _server_references(data)
    motivo = data.code("codigo_motivo_traslado", width=2, required=not is_31, code="3404")
    modalidad = data.code("codigo_modo_transporte", width=2, required=not is_31, code="2532")
    inicio = data.date("fecha_de_traslado", invalid_code="3407")
    entrega = data.date("fecha_entrega_transporte", invalid_code="3619")
    extras: dict[str, str] = {}
    vehicle = _vehicle(data.object("vehiculo"), extras, "vehiculo")
    secondary = [
        _vehicle(v, extras, f"vehiculo_secundario[{i}]")
        for i, v in enumerate(data.objects("vehiculo_secundario"))
    ]
    payer, tercero = _payer(data) if is_31 else (None, None)
    company = issuer or Company("", "")
    same_company = motivo == MOTIVO_MISMA_EMPRESA and not is_31
    partida_key, llegada_key = _point_keys(data.data, is_31)
    doc = DespatchDocument(
        tipo_documento=tipo or "",
        serie=serie or "",
        correlativo=_correlativo(data),
        fecha_emision=data.date("fecha_de_emision", required=True, invalid_code="3436") or PLACEHOLDER_DATE,
        hora_emision=data.time("hora_de_emision", code="3438"),
        issuer=company,
        destinatario=_party(data, "datos_destinatario" if is_31 else CLIENTE, "2757") or Customer("", "", ""),
        lines=[_line(item) for item in data.objects("items", required=True, code="2580")],
        observaciones=_observaciones(data),
        related=[_related(entry) for entry in data.objects("documento_relacionado")],
        motivo_traslado=None if is_31 else motivo,
        descripcion_motivo=None if is_31 else data.text("descripcion_motivo_traslado"),
        modalidad=None if is_31 else modalidad,
        transportista=None if is_31 else _carrier(data.object("transportista")),
        remitente=_party(data, "datos_remitente", "3383") if is_31 else None,
        registro_mtc=data.text("numero_mtc", upper=True) if is_31 else None,
        pagador_flete=payer,
        tercero_pagador=tercero,
        peso_bruto=data.amount("peso_total", required=True, missing_code="2880", invalid_code="2523"),
        unidad_peso=data.code("unidad_peso_total") or "KGM",
        numero_bultos=data.integer("numero_de_bultos", invalid_code="3489"),
        fecha_inicio_traslado=inicio or (entrega if is_31 else None),
        fecha_entrega_transportista=inicio if not is_31 and modalidad == TRANSPORTE_PUBLICO else None,
        indicadores=[TRANSBORDO_PROGRAMADO] if data.boolean("indicador_de_transbordo") else [],
        vehiculo=vehicle,
        vehiculos_secundarios=[v for v in secondary if v is not None],
        conductor=_driver(data.object("chofer")),
        conductores_secundarios=[
            d for d in (_driver(entry) for entry in data.objects("chofer_secundario")) if d is not None
        ],
        partida=_point(data, partida_key, "2577", company.ruc if same_company else None),
        llegada=_point(data, llegada_key, "2574", company.ruc if same_company else None),
        puerto=_port(data),
        contenedores=_containers(data),
        extras=extras,
    )
    data.problems.raise_if_errors()
    return doc


def _server_references(data: Fields) -> None:
    data_blocks = {
        "remitente_id": "datos_remitente",
        "destinatario_id": "datos_destinatario",
        "direccion_remitente_id": "direcciones_proveedores",
        "direccion_destinatario_id": "direcciones_proveedores",
    }
    for key in _SERVER_IDS:
        if data.raw(key) is not None and data.raw(data_blocks[key]) is None:
            data.error(
                f"'{key}' names a record of Facturador PRO's database, which only that server can "
                f"resolve; give '{data_blocks[key]}'",
                key,
            )


def _correlativo(data: Fields) -> int:
    value = data.data.get("numero_documento")
    if isinstance(value, str) and value.strip() == NEXT_NUMBER:
        data.raw("numero_documento")
        return 0
    if is_blank(value):
        data.error(
            "'numero_documento' is required (a number, or '#' for the next number)",
            "numero_documento",
            "1001",
        )
        return 0
    number = data.integer("numero_documento", code="1001")
    if number is not None and not 1 <= number <= _MAX_CORRELATIVO:
        data.error(
            f"'numero_documento' must be from 1 to {_MAX_CORRELATIVO}, or '#'", "numero_documento", "1001"
        )
        return 0
    return number or 0


def _observaciones(data: Fields) -> list[str]:
    text = data.text("observaciones")
    return [text] if text else []


def _party(data: Fields, key: str, code: str) -> Customer | None:
    obj = data.object(key, required=True, code=code)
    if obj is None:
        return None
    return Customer(
        tipo_documento=obj.code("codigo_tipo_documento_identidad", required=True, code="2759") or "",
        numero_documento=obj.text("numero_documento", required=True, code=code) or "",
        razon_social=obj.text("apellidos_y_nombres_o_razon_social", required=True, code="2761") or "",
    )


def _carrier(obj: Fields | None) -> Carrier | None:
    if obj is None:
        return None
    tipo = obj.code("codigo_tipo_documento_identidad")
    if tipo is not None and tipo != "6":
        obj.error("the transportista is identified by RUC (6)", "codigo_tipo_documento_identidad", "2485")
    return Carrier(
        ruc=obj.text("numero_documento", required=True, code="2558") or "",
        razon_social=obj.text("apellidos_y_nombres_o_razon_social", required=True, code="2563") or "",
        registro_mtc=obj.text("numero_mtc", upper=True),
    )


def _payer(data: Fields) -> tuple[str | None, Customer | None]:
    obj = data.object("pagador_flete")
    if obj is None:
        return None, None
    text = obj.text("indicador_pagador_flete")
    if text is None:
        return None, None
    payer = _PAYERS.get(text.strip().lower())
    if payer is None:
        obj.error(f"'{text}' is not one of: {', '.join(PAGADORES_FLETE)}", "indicador_pagador_flete", "3388")
        return None, None
    if payer != "Tercero":
        return payer, None
    tercero = Customer(
        tipo_documento=obj.code("codigo_tipo_documento_identidad", code="4401") or "",
        numero_documento=obj.text("numero", code="4402") or "",
        razon_social=obj.text("nombres", code="4370") or "",
    )
    return payer, tercero


def _vehicle(obj: Fields | None, extras: dict[str, str], key: str) -> Vehicle | None:
    if obj is None:
        return None
    plate = obj.text("numero_de_placa", required=True, code="2566") or ""
    for name in ("marca", "modelo"):
        value = obj.text(name)
        if value:
            extras[f"{key}.{name}"] = value
    return Vehicle(
        placa=_PLATE_NOISE.sub("", plate).upper(),
        tuce=obj.text("certificado_habilitacion_vehicular", upper=True),
    )


def split_name(full: str) -> tuple[str, str]:
    """(nombres, apellidos) of a driver's full name as Facturador PRO keeps it (see the module
    notes): ``"PEREZ GARCIA, JUAN"`` → ``("JUAN", "PEREZ GARCIA")``, ``"JUAN PEREZ GARCIA"`` →
    ``("JUAN", "PEREZ GARCIA")``, ``"JUAN PEREZ"`` → ``("JUAN", "PEREZ")``."""
    text = " ".join(full.split())
    if "," in text:
        surnames, _, names = text.partition(",")
        return names.strip(), surnames.strip()
    words = text.split(" ")
    if len(words) < 2:
        return text, text
    cut = 1 if len(words) == 2 else len(words) - 2
    return " ".join(words[:cut]), " ".join(words[cut:])


def _driver(obj: Fields | None) -> Driver | None:
    if obj is None:
        return None
    full = obj.text("nombres", required=True, code="3360") or ""
    surnames = obj.text("apellidos")
    names, split_surnames = (full, surnames) if surnames else split_name(full)
    return Driver(
        tipo_documento=obj.code("codigo_tipo_documento_identidad", required=True, code="2570") or "",
        numero_documento=obj.text("numero_documento", required=True, code="2568") or "",
        nombres=names,
        apellidos=split_surnames,
        licencia=(obj.text("numero_licencia", required=True, code="2572") or "").upper(),
    )


def _point_keys(body: Mapping[str, object], is_31: bool) -> tuple[str, str]:
    if is_31 and isinstance(body.get("direcciones_proveedores"), Mapping):
        return "direcciones_proveedores.remitente", "direcciones_proveedores.destinatario"
    return "direccion_partida", "direccion_llegada"


def _point(data: Fields, key: str, address_code: str, issuer_ruc: str | None) -> TransferPoint | None:
    owner = data
    if "." in key:
        parent, _, key = key.partition(".")
        found = data.object(parent)
        if found is None:
            return None
        owner = found
    obj = owner.object(key, required=True, code="2775")
    if obj is None:
        return None
    establishment = obj.code("codigo_del_domicilio_fiscal", width=4)
    ubigeo = _ubigeo(obj)
    return TransferPoint(
        ubigeo=ubigeo or "",
        direccion=obj.text("direccion", required=True, code=address_code) or "",
        ruc=issuer_ruc,
        codigo_establecimiento=establishment if issuer_ruc else None,
    )


def _ubigeo(obj: Fields) -> str | None:
    """A ubigeo; a JSON number loses its leading zero (``40101`` for ``"040101"``)."""
    return obj.code(
        "ubigeo", width=6 if isinstance(obj.data.get("ubigeo"), int) else None, required=True, code="2775"
    )


def _port(data: Fields) -> Port | None:
    code = data.text("codigo_de_puerto", upper=True)
    return Port(code, "1") if code else None


def _containers(data: Fields) -> list[Container]:
    number = data.text("numero_de_contenedor", upper=True)
    return [Container(number)] if number else []


def _related(obj: Fields) -> RelatedDocument:
    kind = obj.object("documento", required=True, code="3376")
    tipo = kind.code("id", width=2, required=True, code="3376") if kind is not None else None
    descripcion = kind.text("descripcion") if kind is not None else None
    return RelatedDocument(
        tipo_documento=tipo or "",
        numero=obj.text("numero", required=True, upper=True, code="3403") or "",
        emisor_ruc=obj.text("ruc"),
        descripcion=descripcion,
    )


def _line(obj: Fields) -> DespatchLine:
    quantity = obj.amount("cantidad", required=True, missing_code="2580", invalid_code="2780")
    return DespatchLine(
        descripcion=obj.text("descripcion", required=True, code="2781") or "",
        cantidad=quantity if quantity is not None else Decimal(0),
        unidad=obj.code("unidad_de_medida") or "NIU",
        codigo=obj.text("codigo_interno"),
        codigo_sunat=obj.text("codigo_producto_sunat"),
    )


# Paths ----------------------------------------------------------------------------------------

_PARTY = {
    "tipo_documento": "codigo_tipo_documento_identidad",
    "numero_documento": "numero_documento",
    "razon_social": "apellidos_y_nombres_o_razon_social",
}
_PATHS: dict[str, str] = {
    "tipo_documento": "codigo_tipo_documento",
    "serie": "serie_documento",
    "correlativo": "numero_documento",
    "fecha_emision": "fecha_de_emision",
    "hora_emision": "hora_de_emision",
    "issuer": "datos_del_emisor",
    "observaciones": "observaciones",
    "observaciones[]": "observaciones",
    "motivo_traslado": "codigo_motivo_traslado",
    "descripcion_motivo": "descripcion_motivo_traslado",
    "modalidad": "codigo_modo_transporte",
    "transportista": "transportista",
    "transportista.ruc": "transportista.numero_documento",
    "transportista.razon_social": "transportista.apellidos_y_nombres_o_razon_social",
    "transportista.registro_mtc": "transportista.numero_mtc",
    "registro_mtc": "numero_mtc",
    "remitente": "datos_remitente",
    **{f"remitente.{k}": f"datos_remitente.{v}" for k, v in _PARTY.items()},
    "pagador_flete": "pagador_flete.indicador_pagador_flete",
    "tercero_pagador": "pagador_flete",
    "tercero_pagador.tipo_documento": "pagador_flete.codigo_tipo_documento_identidad",
    "tercero_pagador.numero_documento": "pagador_flete.numero",
    "tercero_pagador.razon_social": "pagador_flete.nombres",
    "peso_bruto": "peso_total",
    "unidad_peso": "unidad_peso_total",
    "numero_bultos": "numero_de_bultos",
    "fecha_inicio_traslado": "fecha_de_traslado",
    "fecha_entrega_transportista": "fecha_de_traslado",
    "indicadores": "indicador_de_transbordo",
    "indicadores[]": "indicador_de_transbordo",
    "vehiculo": "vehiculo",
    "vehiculo.placa": "vehiculo.numero_de_placa",
    "vehiculo.tuce": "vehiculo.certificado_habilitacion_vehicular",
    "vehiculos_secundarios": "vehiculo_secundario",
    "vehiculos_secundarios[]": "vehiculo_secundario[{0}]",
    "vehiculos_secundarios[].placa": "vehiculo_secundario[{0}].numero_de_placa",
    "vehiculos_secundarios[].tuce": "vehiculo_secundario[{0}].certificado_habilitacion_vehicular",
    "puerto": "codigo_de_puerto",
    "puerto.codigo": "codigo_de_puerto",
    "contenedores": "numero_de_contenedor",
    "contenedores[]": "numero_de_contenedor",
    "contenedores[].numero": "numero_de_contenedor",
    "related": "documento_relacionado",
    "related[]": "documento_relacionado[{0}]",
    "related[].tipo_documento": "documento_relacionado[{0}].documento.id",
    "related[].descripcion": "documento_relacionado[{0}].documento.descripcion",
    "related[].numero": "documento_relacionado[{0}].numero",
    "related[].emisor_ruc": "documento_relacionado[{0}].ruc",
    "lines": "items",
    "lines[]": "items[{0}]",
    "lines[].descripcion": "items[{0}].descripcion",
    "lines[].cantidad": "items[{0}].cantidad",
    "lines[].unidad": "items[{0}].unidad_de_medida",
    "lines[].codigo": "items[{0}].codigo_interno",
    "lines[].codigo_sunat": "items[{0}].codigo_producto_sunat",
}
_DRIVER = {
    "": "",
    ".tipo_documento": ".codigo_tipo_documento_identidad",
    ".numero_documento": ".numero_documento",
    ".nombres": ".nombres",
    ".apellidos": ".nombres",
    ".licencia": ".numero_licencia",
}
for _suffix, _key in _DRIVER.items():
    _PATHS[f"conductor{_suffix}"] = f"chofer{_key}"
    _PATHS[f"conductores_secundarios[]{_suffix}"] = f"chofer_secundario[{{0}}]{_key}"
_PATHS["conductores_secundarios"] = "chofer_secundario"
_INDEX = re.compile(r"\[(\d+)\]")


def translate_path(
    domain_path: str, tipo_documento: str = "09", points: tuple[str, str] | None = None
) -> str:
    """The Facturador PRO path of a field named by its domain path, for a guía of
    ``tipo_documento`` whose partida and llegada were sent under ``points`` (the keys
    ``direccion_partida``/``direccion_llegada`` when not given). Unknown paths come back unchanged."""
    partida, llegada = points or ("direccion_partida", "direccion_llegada")
    destinatario = "datos_destinatario" if tipo_documento == GUIA_TRANSPORTISTA else CLIENTE
    head, _, rest = domain_path.partition(".")
    if head in ("partida", "llegada"):
        key = partida if head == "partida" else llegada
        field = {"codigo_establecimiento": "codigo_del_domicilio_fiscal"}.get(rest, rest)
        return f"{key}.{field}" if field else key
    if head == "destinatario":
        return f"{destinatario}.{_PARTY.get(rest, rest)}" if rest else destinatario
    indexes = _INDEX.findall(domain_path)
    template = _PATHS.get(_INDEX.sub("[]", domain_path))
    if template is None:
        return domain_path
    return template.format(*indexes)


def path_translator(body: object) -> Callable[[str], str]:
    """``translate_path`` for the guía the ``body`` describes (its type, where its points are)."""
    tipo = "09"
    points = None
    if isinstance(body, Mapping):
        tipo = str(body.get("codigo_tipo_documento") or "09").zfill(2)
        points = _point_keys(body, tipo == GUIA_TRANSPORTISTA)

    def translate(domain_path: str) -> str:
        return translate_path(domain_path, tipo, points)

    return translate
