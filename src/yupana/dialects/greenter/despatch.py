"""Greenter / Lycet JSON → guías de remisión (09, and 31 in the lycet fork's dialect).

The request is what Lycet's ``/despatch/*`` endpoints take: Greenter's ``Despatch`` model
(``version: "2022"``, SUNAT's 2022 format) serialised by Lycet, bare or inside Lycet's envelope
``{"document": ..., "parameters": ...}`` (then every path starts with ``document.``). Upstream
Greenter writes only the guía remitente (09); a fork of Lycet adds the guía transportista (31)
with a ``remitente`` field, read here too. Problems carry the path in Lycet's terms
(``envio.vehiculo.placa``) and SUNAT's code where one fits; ``translate_path`` maps paths of
problems found later on the domain document back to those terms.

Mapping (Greenter field → domain):

- ``tipoDoc``, ``serie``, ``correlativo``; ``fechaEmision`` → ``fecha_emision`` and
  ``hora_emision`` in Lima time; ``observacion`` → ``observaciones``.
- ``company`` → ``issuer`` (without it, the ``issuer`` argument; with both and the same RUC,
  fields missing in the body come from the argument); ``destinatario``, ``comprador``,
  ``tercero`` (Greenter's name for the proveedor, ``cac:SellerSupplierParty``), ``remitente``
  (31) → parties (``tipoDoc``, ``numDoc``, ``rznSocial``).
- ``addDocs[]`` (``tipo``, ``nro``, ``emisor``, ``tipoDesc``) → ``related``.
- ``envio``: ``codTraslado`` → ``motivo_traslado``; ``desTraslado`` → ``descripcion_motivo``
  (``cbc:HandlingInstructions``: Greenter's older template wrote it in ``cbc:Information``);
  ``modTraslado`` → ``modalidad``; ``pesoTotal``/``undPesoTotal`` → ``peso_bruto``/
  ``unidad_peso``; ``pesoItems``/``sustentoPeso`` → ``peso_items``/``sustento_peso``;
  ``numBultos``; ``indicadores`` (SUNAT's names; the legacy ``indicador`` and
  ``indTransbordo`` too) → ``indicadores``, except ``SUNAT_Envio_IndicadorPagadorFlete_*``
  (31) → ``pagador_flete``.
- ``envio.fecTraslado`` → ``fecha_inicio_traslado``; by public transport it is also the
  ``fecha_entrega_transportista`` (SUNAT's "fecha de entrega de bienes al transportista",
  required since 2025, rule 3617): Greenter has one date and writes it as the start only, so
  SUNAT's stylesheet rejects its public-transport guías with 3617.
- ``envio.transportista`` (``numDoc``, ``rznSocial``, ``nroMtc``) → ``transportista`` (09); in
  a 31 its ``nroMtc`` is the issuer's ``registro_mtc``.
- ``envio.vehiculo`` (``placa``, ``nroCirculacion`` → ``tuce``, ``codEmisor`` +
  ``nroAutorizacion`` → ``autorizacion``, ``secundarios``) → ``vehiculo`` and
  ``vehiculos_secundarios``; ``envio.choferes[]`` (``tipo`` Principal/Secundario, ``tipoDoc``,
  ``nroDoc``, ``nombres``, ``apellidos``, ``licencia``) → ``conductor`` (the first Principal,
  else the first) and ``conductores_secundarios``.
- ``envio.partida``/``llegada`` (``ubigueo``, ``direccion``, ``ruc``, ``codLocal``) →
  ``partida``/``llegada``; ``envio.puerto``/``aeropuerto`` (``codigo``, ``nombre``) or
  ``codPuerto`` → ``puerto``; ``contenedores`` (or ``numContenedor``) → ``contenedores``.
- ``details[]`` (``codigo``, ``descripcion``, ``unidad``, ``cantidad``, ``codProdSunat``,
  ``atributos[]`` ``code``/``name``/``value``) → ``lines``.
- Not supported, an error when present: ``version`` other than ``2022`` (the pre-2022 guía
  SUNAT no longer receives), ``docBaja`` and ``relDoc`` (its fields), and the pre-2022
  transportista fields ``placa``, ``choferTipoDoc``, ``choferDoc``. Other unknown keys are
  ignored, as Lycet does.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from decimal import Decimal

from yupana.dialects.greenter import LENIENCY
from yupana.dialects.greenter.company import read_address
from yupana.dialects.greenter.envelope import document_fields, is_enveloped
from yupana.dialects.json_fields import PLACEHOLDER_DATE, Fields, JsonObject
from yupana.domain.despatch import (
    DESPATCH_TYPES,
    GUIA_TRANSPORTISTA,
    PAGADOR_FLETE_PREFIX,
    TRANSBORDO_PROGRAMADO,
    TRANSPORTE_PUBLICO,
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
from yupana.domain.party import Address, Company, Customer
from yupana.domain.problems import Problems

__all__ = ["parse_despatch", "translate_path"]

VERSION = "2022"
_CORRELATIVO = re.compile(r"\d{1,8}")
_UNSUPPORTED = ("docBaja", "relDoc")
_LEGACY_CARRIER = ("placa", "choferTipoDoc", "choferDoc")


def parse_despatch(body: object, issuer: Company | None) -> DespatchDocument:
    """A guía remitente (``tipoDoc`` 09) or transportista (31) in Lycet's JSON."""
    problems = Problems()
    doc = document_fields(body, problems, LENIENCY, own_key="tipoDoc")
    tipo = doc.text("tipoDoc", required=True, code="1050")
    if tipo is not None and tipo not in DESPATCH_TYPES:
        doc.error(f"{doc.at('tipoDoc')} must be 09 or 31, not {tipo!r}", "tipoDoc", "1051")
    version = doc.text("version")
    if version is not None and version.strip() != VERSION:
        doc.error(
            f"{doc.at('version')} must be {VERSION} (SUNAT's 2022 guía), not {version!r}", "version", "2112"
        )
    for key in _UNSUPPORTED:
        if doc.raw(key) is not None:
            doc.error(f"{doc.at(key)} belongs to the guía before 2022: give the documents in addDocs", key)
    is_31 = tipo == GUIA_TRANSPORTISTA
    emision = doc.moment("fechaEmision", required=True, code="3436")
    envio = doc.object("envio", required=True) or Fields({}, doc.at("envio"), problems, LENIENCY)
    observacion = doc.text("observacion")
    modalidad = envio.text("modTraslado")
    carrier_fields = envio.object("transportista")
    inicio = envio.day("fecTraslado", invalid_code="3407")
    indicators, payer = _indicators(envio)
    drivers = _drivers(envio)
    vehicle = envio.object("vehiculo")
    result = DespatchDocument(
        tipo_documento=tipo or "",
        serie=(doc.text("serie", required=True, code="1001") or "").strip(),
        correlativo=_correlativo(doc),
        fecha_emision=emision[0] if emision else PLACEHOLDER_DATE,
        hora_emision=emision[1] if emision else None,
        issuer=_issuer(doc, issuer) or Company("", ""),
        destinatario=_party(doc.object("destinatario", required=True, code="2757")) or Customer("", "", ""),
        lines=[_line(line) for line in doc.objects("details", required=True, code="2580")],
        observaciones=[observacion] if observacion else [],
        related=[_related(entry) for entry in doc.objects("addDocs")],
        motivo_traslado=None if is_31 else envio.text("codTraslado", required=True, code="3404"),
        descripcion_motivo=envio.text("desTraslado"),
        modalidad=None if is_31 else modalidad,
        transportista=None if is_31 else _carrier(carrier_fields),
        proveedor=_party(doc.object("tercero")),
        comprador=_party(doc.object("comprador")),
        remitente=_party(doc.object("remitente", required=is_31, code="3383")),
        registro_mtc=carrier_fields.text("nroMtc") if is_31 and carrier_fields is not None else None,
        pagador_flete=payer,
        peso_bruto=envio.amount("pesoTotal", invalid_code="2523"),
        unidad_peso=(envio.text("undPesoTotal") or "KGM").strip().upper(),
        peso_items=envio.amount("pesoItems", invalid_code="3397"),
        sustento_peso=envio.text("sustentoPeso"),
        numero_bultos=envio.integer("numBultos", invalid_code="3489"),
        fecha_inicio_traslado=inicio,
        fecha_entrega_transportista=inicio if not is_31 and modalidad == TRANSPORTE_PUBLICO else None,
        indicadores=indicators,
        vehiculo=_vehicle(vehicle),
        vehiculos_secundarios=[_vehicle(v) or Vehicle("") for v in vehicle.objects("secundarios")]
        if vehicle
        else [],
        conductor=drivers[0] if drivers else None,
        conductores_secundarios=drivers[1:],
        partida=_point(envio.object("partida", required=True, code="2775"), "2577"),
        llegada=_point(envio.object("llegada"), "2574"),
        puerto=_port(envio),
        contenedores=_containers(envio),
    )
    if carrier_fields is not None:
        for key in _LEGACY_CARRIER:
            if carrier_fields.raw(key) is not None:
                carrier_fields.error(
                    f"{carrier_fields.at(key)} belongs to the guía before 2022: give envio.vehiculo and envio.choferes",
                    key,
                )
    problems.raise_if_errors()
    return result


def _correlativo(doc: Fields) -> int:
    text = doc.text("correlativo", required=True, code="1001")
    if text is None:
        return 0
    digits = text.strip()
    if not _CORRELATIVO.fullmatch(digits) or int(digits) == 0:
        doc.error(
            f"{doc.at('correlativo')} must be a number from 1 to 99999999, not {text!r}",
            "correlativo",
            "1001",
        )
        return 0
    return int(digits)


def _issuer(doc: Fields, issuer: Company | None) -> Company | None:
    obj = doc.object("company")
    if obj is None:
        if issuer is None and doc.raw("company") is None:
            doc.error(
                f"{doc.at('company')} is required: the request names no issuer and none is configured",
                "company",
            )
        return copy.deepcopy(issuer)
    ruc = obj.text("ruc", required=True, code="2678")
    same = issuer if issuer is not None and ruc is not None and ruc.strip() == issuer.ruc else None
    name = obj.text("razonSocial", required=same is None, code="1037")
    address = obj.object("address")
    if ruc is None:
        return None
    return Company(
        ruc=ruc.strip(),
        razon_social=(name or (same.razon_social if same else "")).strip(),
        nombre_comercial=obj.text("nombreComercial") or (same.nombre_comercial if same else None),
        address=read_address(address, upper_country=False)
        if address is not None
        else (copy.deepcopy(same.address) if same else Address()),
    )


def _party(obj: Fields | None) -> Customer | None:
    if obj is None:
        return None
    return Customer(
        tipo_documento=(obj.text("tipoDoc", required=True) or "").strip(),
        numero_documento=(obj.text("numDoc", required=True) or "").strip(),
        razon_social=(obj.text("rznSocial", required=True) or "").strip(),
    )


def _related(obj: Fields) -> RelatedDocument:
    return RelatedDocument(
        tipo_documento=(obj.text("tipo", required=True, code="3376") or "").strip(),
        numero=(obj.text("nro", required=True, code="3403") or "").strip(),
        emisor_ruc=_stripped(obj.text("emisor")),
        descripcion=_stripped(obj.text("tipoDesc")),
    )


def _stripped(value: str | None) -> str | None:
    return value.strip() if value is not None and value.strip() else None


def _carrier(obj: Fields | None) -> Carrier | None:
    if obj is None:
        return None
    return Carrier(
        ruc=(obj.text("numDoc", required=True, code="2558") or "").strip(),
        razon_social=(obj.text("rznSocial", required=True, code="2563") or "").strip(),
        registro_mtc=_stripped(obj.text("nroMtc")),
    )


def _indicators(envio: Fields) -> tuple[list[str], str | None]:
    found: list[str] = []
    payer: str | None = None
    for key in ("indicadores", "indicador"):
        for name in envio.strings(key):
            name = name.strip()
            if name.startswith(PAGADOR_FLETE_PREFIX):
                payer = name[len(PAGADOR_FLETE_PREFIX) :]
            elif name:
                found.append(name)
    if envio.boolean("indTransbordo") and TRANSBORDO_PROGRAMADO not in found:
        found.append(TRANSBORDO_PROGRAMADO)
    return found, payer


def _drivers(envio: Fields) -> list[Driver]:
    """The drivers, the principal first: Greenter marks it with ``tipo`` Principal."""
    drivers = envio.objects("choferes")
    principal = next(
        (i for i, d in enumerate(drivers) if (d.text("tipo") or "").strip().lower() == "principal"), 0
    )
    ordered = drivers[principal : principal + 1] + drivers[:principal] + drivers[principal + 1 :]
    return [_driver(obj) for obj in ordered]


def _driver(obj: Fields) -> Driver:
    return Driver(
        tipo_documento=(obj.text("tipoDoc", required=True, code="2570") or "").strip(),
        numero_documento=(obj.text("nroDoc", required=True, code="2568") or "").strip(),
        nombres=(obj.text("nombres", required=True, code="3360") or "").strip(),
        apellidos=(obj.text("apellidos", required=True, code="3361") or "").strip(),
        licencia=(obj.text("licencia", required=True, code="2572") or "").strip().upper(),
    )


def _vehicle(obj: Fields | None) -> Vehicle | None:
    if obj is None:
        return None
    entidad, numero = obj.text("codEmisor"), obj.text("nroAutorizacion")
    authorization = None
    if entidad or numero:
        authorization = SpecialAuthorization((entidad or "").strip(), (numero or "").strip())
    return Vehicle(
        placa=(obj.text("placa", required=True, code="2566") or "").strip().upper(),
        tuce=_stripped(obj.text("nroCirculacion")),
        autorizacion=authorization,
    )


def _point(obj: Fields | None, address_code: str) -> TransferPoint | None:
    if obj is None:
        return None
    return TransferPoint(
        ubigeo=(obj.text("ubigueo", required=True, code="2775") or "").strip(),
        direccion=(obj.text("direccion", required=True, code=address_code) or "").strip(),
        ruc=_stripped(obj.text("ruc")),
        codigo_establecimiento=_stripped(obj.text("codLocal")),
    )


def _port(envio: Fields) -> Port | None:
    for key, tipo in (("puerto", "1"), ("aeropuerto", "2")):
        obj = envio.object(key)
        if obj is not None:
            return Port(
                (obj.text("codigo", required=True) or "").strip(), tipo, _stripped(obj.text("nombre"))
            )
    code = envio.text("codPuerto")
    return Port(code.strip(), "1") if code and code.strip() else None


def _containers(envio: Fields) -> list[Container]:
    numbers = [n.strip() for n in envio.strings("contenedores") if n.strip()]
    single = envio.text("numContenedor")
    if single and single.strip() and single.strip() not in numbers:
        numbers.append(single.strip())
    return [Container(number) for number in numbers]


def _line(obj: Fields) -> DespatchLine:
    quantity = obj.amount("cantidad", required=True, missing_code="2580", invalid_code="2780")
    return DespatchLine(
        descripcion=(obj.text("descripcion", required=True, code="2781") or "").strip(),
        cantidad=quantity if quantity is not None else Decimal(0),
        unidad=(obj.text("unidad") or "NIU").strip().upper(),
        codigo=_stripped(obj.text("codigo")),
        codigo_sunat=_stripped(obj.text("codProdSunat")),
        atributos=[
            LineAttribute(
                codigo=(attribute.text("code", required=True) or "").strip(),
                valor=(attribute.text("value", required=True, code="3064") or "").strip(),
                nombre=_stripped(attribute.text("name")),
            )
            for attribute in obj.objects("atributos")
        ],
    )


# Paths ----------------------------------------------------------------------------------------

_HEADER = {
    "tipo_documento": "tipoDoc",
    "serie": "serie",
    "correlativo": "correlativo",
    "fecha_emision": "fechaEmision",
    "hora_emision": "fechaEmision",
    "issuer": "company",
    "issuer.ruc": "company.ruc",
    "issuer.razon_social": "company.razonSocial",
    "destinatario": "destinatario",
    "remitente": "remitente",
    "proveedor": "tercero",
    "comprador": "comprador",
    "lines": "details",
    "related": "addDocs",
    "observaciones": "observacion",
    "motivo_traslado": "envio.codTraslado",
    "descripcion_motivo": "envio.desTraslado",
    "modalidad": "envio.modTraslado",
    "transportista": "envio.transportista",
    "transportista.ruc": "envio.transportista.numDoc",
    "transportista.razon_social": "envio.transportista.rznSocial",
    "transportista.registro_mtc": "envio.transportista.nroMtc",
    "registro_mtc": "envio.transportista.nroMtc",
    "pagador_flete": "envio.indicadores",
    "indicadores": "envio.indicadores",
    "peso_bruto": "envio.pesoTotal",
    "unidad_peso": "envio.undPesoTotal",
    "peso_items": "envio.pesoItems",
    "sustento_peso": "envio.sustentoPeso",
    "numero_bultos": "envio.numBultos",
    "fecha_inicio_traslado": "envio.fecTraslado",
    "fecha_entrega_transportista": "envio.fecTraslado",
    "vehiculo": "envio.vehiculo",
    "vehiculos_secundarios": "envio.vehiculo.secundarios",
    "conductor": "envio.choferes",
    "conductores_secundarios": "envio.choferes",
    "partida": "envio.partida",
    "llegada": "envio.llegada",
    "puerto": "envio.puerto",
    "contenedores": "envio.contenedores",
}
_PARTY = {"tipo_documento": "tipoDoc", "numero_documento": "numDoc", "razon_social": "rznSocial"}
_FIELDS = {
    "related": {"tipo_documento": "tipo", "numero": "nro", "emisor_ruc": "emisor", "descripcion": "tipoDesc"},
    "vehicle": {"placa": "placa", "tuce": "nroCirculacion", "autorizacion": "nroAutorizacion"},
    "driver": {
        "tipo_documento": "tipoDoc",
        "numero_documento": "nroDoc",
        "nombres": "nombres",
        "apellidos": "apellidos",
        "licencia": "licencia",
    },
    "point": {
        "ubigeo": "ubigueo",
        "direccion": "direccion",
        "ruc": "ruc",
        "codigo_establecimiento": "codLocal",
    },
    "line": {"descripcion": "descripcion", "cantidad": "cantidad", "unidad": "unidad", "codigo": "codigo"},
}
_SEGMENT = re.compile(r"^(?P<name>[a-z_]+)(?:\[(?P<index>\d+)\])?(?:\.(?P<rest>.+))?$")


def translate_path(domain_path: str, body: object = None) -> str:
    """The Lycet path of a field named by its domain path (``conductor.licencia`` →
    ``envio.choferes[0].licencia``, ``lines[2].codigo_sunat`` → ``details[2].codProdSunat``);
    with the request ``body``, the drivers' positions are those of the request and the paths
    of an enveloped request start with ``document.``. Unknown paths come back unchanged."""
    document = body.get("document") if is_enveloped(body, "tipoDoc") else body  # type: ignore[union-attr]
    translated = _translate(domain_path, document if isinstance(document, Mapping) else None)
    if translated is None:
        return domain_path
    return f"document.{translated}" if is_enveloped(body, "tipoDoc") else translated


def _translate(path: str, document: JsonObject | None) -> str | None:
    if path in _HEADER and path not in ("conductor", "conductores_secundarios"):
        return _HEADER[path]
    match = _SEGMENT.fullmatch(path)
    if match is None:
        return None
    name, index, rest = match["name"], match["index"], match["rest"]
    at = f"[{index}]" if index is not None else ""
    if name in ("destinatario", "remitente", "proveedor", "comprador") and rest in _PARTY:
        return f"{_HEADER[name]}.{_PARTY[rest]}"
    if name == "issuer" and rest is not None:
        return "company." + {"ruc": "ruc", "razon_social": "razonSocial"}.get(rest, rest)
    if name == "related" and index is not None:
        return f"addDocs{at}" + (f".{_FIELDS['related'][rest]}" if rest in _FIELDS["related"] else "")
    if name in ("vehiculo", "vehiculos_secundarios"):
        field = _FIELDS["vehicle"].get((rest or "").split(".")[0])
        entidad = (rest or "").endswith("autorizacion.entidad")
        base = f"{_HEADER[name]}{at}"
        if entidad:
            return f"{base}.codEmisor"
        return f"{base}.{field}" if field else base
    if name in ("conductor", "conductores_secundarios"):
        position = _driver_position(document, None if name == "conductor" else int(index or 0))
        field = _FIELDS["driver"].get(rest or "")
        return f"envio.choferes[{position}]" + (f".{field}" if field else "")
    if name in ("partida", "llegada"):
        field = _FIELDS["point"].get(rest or "")
        return f"envio.{name}" + (f".{field}" if field else "")
    if name == "puerto":
        return "envio.puerto" + (".codigo" if rest == "codigo" else "")
    if name == "contenedores":
        return f"envio.contenedores{at}"
    if name == "indicadores":
        return f"envio.indicadores{at}"
    if name == "lines" and index is not None:
        return _line_path(index, rest)
    return None


def _line_path(index: str, rest: str | None) -> str:
    base = f"details[{index}]"
    if rest is None:
        return base
    if rest == "codigo_sunat":
        return f"{base}.codProdSunat"
    if rest.startswith("atributos"):
        return (
            base
            + "."
            + rest.replace(".codigo", ".code").replace(".valor", ".value").replace(".nombre", ".name")
        )
    field = _FIELDS["line"].get(rest)
    return f"{base}.{field}" if field else base


def _driver_position(document: JsonObject | None, secondary: int | None) -> int:
    """The request index of the principal driver (``secondary`` None) or of a secondary one."""
    envio = document.get("envio") if document is not None else None
    drivers = envio.get("choferes") if isinstance(envio, Mapping) else None
    if not isinstance(drivers, list):
        return 0 if secondary is None else secondary + 1
    kinds = [str(d.get("tipo", "")).strip().lower() if isinstance(d, Mapping) else "" for d in drivers]
    principal = kinds.index("principal") if "principal" in kinds else 0
    if secondary is None:
        return principal
    others = [i for i in range(len(drivers)) if i != principal]
    return others[secondary] if secondary < len(others) else secondary + 1
