"""Facturador PRO's ``POST /api/documents`` body (01, 03, 07, 08) read into a domain ``SaleDocument``.

``parse_document`` is a pure function: it reads the body, reports every structural problem at
once (missing required key, wrong type, unreadable number or date, unknown code) with its path
in Facturador PRO's own terms, and otherwise returns the document exactly as declared. It does
not compute or check amounts: every amount the body declares is carried into the domain
(``SaleLine`` and ``SaleTotals`` fields) so that ``calc`` can check it.

Mapping decisions (where Facturador PRO's meaning is not a one-to-one copy):

- **Issuer.** The body does not carry the company (Facturador PRO knows it from the token): it
  comes from the caller. ``datos_del_emisor.codigo_del_domicilio_fiscal`` (older bodies), when
  given, sets the establishment code (``Address.codigo_establecimiento``) of a copy of it.
- **Next number.** ``numero_documento: "#"`` asks the server for the next number of the series:
  it is read as ``correlativo == NEXT_NUMBER_CORRELATIVO`` (0). Whoever numbers (the server's
  store) replaces it; without a store the document cannot be built.
- **Affected document by ``external_id``.** A note may name the document it modifies by the
  server's ``external_id`` only. That is kept as ``NoteReference.numero_documento_afectado ==
  EXTERNAL_ID_MARKER + external_id`` with an empty ``tipo_documento_afectado``;
  ``affected_external_id`` returns it, and the server must resolve it (and fill both fields)
  before the document is checked. When both the external_id and the full reference
  (``serie_documento``, ``numero_documento``, ``codigo_tipo_documento``) are given, the full
  reference is used. Affected numbers are written without leading zeros (``"00000003"`` → 3).
- **Unit prices.** ``precio_unitario`` is the unit price with taxes when ``codigo_tipo_precio``
  is ``01`` and the unit reference value of a free line when it is ``02`` (``valor_referencial``).
  Without ``codigo_tipo_precio``, free lines (catalog 07 other than 10, 17, 20, 30, 40) take 02.
- **Discounts and charges.** ``factor`` is a fraction (0.10 = 10 %). The shipped examples name it
  ``porcentaje`` with the same meaning (0.10 with base 100 and monto 10): ``porcentaje`` is read
  as an alias of ``factor``. Line and global ``descuentos`` come first, then ``cargos``.
- **Total discounts and charges.** Facturador PRO's ``totales.total_descuentos`` and
  ``total_cargos`` add up every discount (charge), line and global, on the base or not; the
  domain's ``SaleTotals.descuentos``/``cargos`` (``AllowanceTotalAmount``/``ChargeTotalAmount``)
  hold only the global ones that do not touch the base. When the declared total is that sum of
  every discount (charge) of the body, the line amounts and the global on-base amounts (discount
  codes 02, 04, 05, 06, 20; charge code 49) are taken out of it, so a consistent Facturador PRO
  body checks clean; any other declared total goes into the domain as sent.
- **Detracción** ``porcentaje`` is a percentage (4 = 4 %); **percepción** and **retención**
  ``porcentaje`` is a factor (0.02 = 2 %), as Facturador PRO writes them in the XML.
- **Placeholder blocks.** A ``detraccion``, ``percepcion`` or ``retencion`` whose code is blank
  and whose amounts are blank or zero (the shipped examples carry such templates) is absent.
- **Anticipos.** ``Prepayment.monto`` is the amount paid as written in ``PrepaidPayment``:
  ``total`` when given, else ``monto``. ``prepayments`` is accepted for ``anticipos``.
- **Forma de pago.** ``codigo_condicion_de_pago`` (or ``condicion_de_pago``): ``01`` Contado
  (Facturador PRO's default for 01/03), ``02`` and ``03`` ("crédito con cuotas") Credito; words
  ``Contado``/``Credito`` are accepted too. Without a condition, ``cuotas`` mean Credito. A
  credit's pending amount is ``totales.total_pendiente_pago`` when declared. Notes carry a forma
  de pago only when the body gives a condition or cuotas.
- **ICBPER.** Lines declare the tax amount (``total_impuestos_bolsa_plastica``, also read as
  ``total_impuestos_bolsas``); the amount per bag is that amount divided by ``cantidad`` when the
  division is exact. A zero amount means no ICBPER on the line.
- **ISC** is on a line when ``codigo_tipo_sistema_isc`` is given (``porcentaje_isc`` is a
  percentage); a non-zero ``total_isc`` without it is a problem.
- **Otros tributos (9999)** have no place in the domain: a non-zero ``total_otros_impuestos`` is
  reported as unsupported instead of being dropped.
- **Not in the domain, read but not kept:** line ``total_item``, ``total_descuentos``,
  ``total_cargos`` (sums of the line's own data), ``relacionados[].monto``, ``anticipos[].monto``
  when ``total`` is given, ``pagos`` (cash-register entries), ``pago_anticipado``,
  ``es_itinerante``, ``actualizar_descripcion``, ``codigo_vendedor``, ``lots``: their form is
  checked, their values are not kept. ``acciones`` are read by ``actions.read_actions``.
- **Printed extras.** ``extras{...}``, ``informacion_adicional``, ``terminos_condiciones``,
  ``dato_adicional``, ``numero_de_placa`` and ``folio`` go to ``SaleDocument.extras``.
- **Descriptions.** ``nombre_producto_xml``, when given, is the line description (Facturador PRO
  writes it in the XML instead of ``descripcion``).
- Keys Facturador PRO does not read are ignored (including ``_`` annotations).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import replace
from decimal import Decimal

from yupana.dialects.facturadorpro.actions import read_actions
from yupana.dialects.facturadorpro.paths import path_translator, translate_path
from yupana.dialects.facturadorpro.reader import FieldReader, at, first_given, given, is_blank, join
from yupana.domain import catalogs
from yupana.domain.party import Address, Company, Customer
from yupana.domain.problems import InvalidDocument, Problems
from yupana.domain.sale import (
    NOTA_CREDITO,
    NOTE_TYPES,
    SALE_TYPES,
    AllowanceCharge,
    Detraccion,
    DetraccionTransporte,
    DocumentReference,
    Installment,
    Isc,
    ItemProperty,
    Legend,
    NoteReference,
    PaymentTerms,
    Percepcion,
    Prepayment,
    Retencion,
    SaleDocument,
    SaleLine,
    SaleTotals,
)

__all__ = [
    "EXTERNAL_ID_MARKER",
    "NEXT_NUMBER",
    "NEXT_NUMBER_CORRELATIVO",
    "affected_external_id",
    "parse_document",
    "path_translator",
    "translate_path",
]

NEXT_NUMBER = "#"
NEXT_NUMBER_CORRELATIVO = 0
EXTERNAL_ID_MARKER = "external_id:"

CLIENTE = "datos_del_cliente_o_receptor"
EMISOR = "datos_del_emisor"

_SERIE = re.compile(r"[A-Z0-9]{4}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_UBIGEO = re.compile(r"\d{6}")
_ESTABLECIMIENTO = re.compile(r"\d{4}")
_MAX_CORRELATIVO = 99_999_999

# Catalog 06 plus "-" (boleta to an unidentified customer).
_IDENTITY_TYPES = frozenset(catalogs.entries("06")) | {"-"}
# Catalog 07 codes of onerous lines; every other code is a free (gratuita) line.
_ONEROUS = frozenset({"10", "17", "20", "30", "40"})
# Catalog 16: the two price types the domain represents.
_PRICE_TYPES = frozenset({"01", "02"})
# Catalog 53 codes of global discounts / charges that change the taxable base.
_GLOBAL_DISCOUNTS_ON_BASE = frozenset({"02", "04", "05", "06", "20"})
_GLOBAL_CHARGES_ON_BASE = frozenset({"49"})
_PERCEPCION_CODES = frozenset({"51", "52", "53"})
_RETENCION_CODES = frozenset({"62"})
_GUIA_TYPES = frozenset({"09", "31"})
_CONDITIONS = {
    "01": "Contado",
    "02": "Credito",
    "03": "Credito",
    "CONTADO": "Contado",
    "CREDITO": "Credito",
    "CRÉDITO": "Credito",
}

# SUNAT return codes used for structural problems (factura / nota de crédito / nota de débito).
_NOTE_CODE_MISSING = {NOTA_CREDITO: "2128", "08": "2173"}
_NOTE_CODE_INVALID = {NOTA_CREDITO: "2127", "08": "2172"}
_NOTE_REASON_MISSING = {NOTA_CREDITO: "2136", "08": "2175"}
_NOTE_AFFECTED_MISSING = {NOTA_CREDITO: "2524", "08": "2206"}
_NOTE_AFFECTED_FORMAT = {NOTA_CREDITO: "2117", "08": "2205"}

_TOTALS = (
    ("total_operaciones_gravadas", "gravadas"),
    ("total_operaciones_exoneradas", "exoneradas"),
    ("total_operaciones_inafectas", "inafectas"),
    ("total_exportacion", "exportacion"),
    ("total_operaciones_gratuitas", "gratuitas"),
    ("total_igv_operaciones_gratuitas", "igv_gratuitas"),
    ("total_base_isc", "isc_base"),
    ("total_isc", "isc"),
    ("total_impuestos_bolsa_plastica", "icbper"),
    ("total_igv", "igv"),
    ("total_impuestos", "total_impuestos"),
    ("total_valor", "valor_venta"),
    ("subtotal_venta", "precio_venta"),
    ("total_anticipos", "anticipos"),
    ("total_venta", "importe_total"),
)

_EXTRA_TEXTS = ("informacion_adicional", "terminos_condiciones", "dato_adicional", "numero_de_placa", "folio")


def affected_external_id(note: NoteReference | None) -> str | None:
    """The ``external_id`` a note names its affected document by, still to be resolved; else ``None``."""
    if note is None or not note.numero_documento_afectado.startswith(EXTERNAL_ID_MARKER):
        return None
    return note.numero_documento_afectado[len(EXTERNAL_ID_MARKER) :]


def parse_document(body: object, issuer: Company | None) -> SaleDocument:
    """Read a Facturador PRO ``/api/documents`` body; ``InvalidDocument`` lists every problem found."""
    if not isinstance(body, Mapping):
        raise InvalidDocument.single(
            f"the request body must be a JSON object, got {_json_kind(body)}",
            "",
        )
    problems = Problems()
    reader = FieldReader(problems)

    tipo = reader.code(
        body,
        "codigo_tipo_documento",
        "codigo_tipo_documento",
        width=2,
        allowed=SALE_TYPES,
        required=True,
        missing_code="1004",
        invalid_code="1003",
    )
    serie = _serie(reader, body)
    correlativo = _correlativo(reader, body)
    fecha = reader.date(
        body, "fecha_de_emision", "fecha_de_emision", required=True, missing_code="1010", invalid_code="1009"
    )
    hora = reader.time(body, "hora_de_emision", "hora_de_emision", invalid_code="2806")
    moneda = _currency(reader, body, "codigo_tipo_moneda", "codigo_tipo_moneda", required=True)
    is_note = tipo in NOTE_TYPES

    tipo_operacion = "0101"
    fecha_vencimiento = None
    if not is_note:
        tipo_operacion = (
            reader.code(
                body,
                "codigo_tipo_operacion",
                "codigo_tipo_operacion",
                width=4,
                allowed=catalogs.entries("51"),
                invalid_code="3206",
            )
            or tipo_operacion
        )
        fecha_vencimiento = reader.date(body, "fecha_de_vencimiento", "fecha_de_vencimiento")
    tipo_cambio = reader.decimal(body, "factor_tipo_de_cambio", "factor_tipo_de_cambio")
    orden_compra = reader.text(body, "numero_orden_de_compra", "numero_orden_de_compra")

    company = _issuer(reader, body, issuer)
    customer = _customer(reader, body)
    lines = _lines(reader, body)
    allowances = _allowances(reader, body, "")
    totals, pendiente = _totals(reader, body, lines, allowances)
    payment = _payment(reader, body, is_note, pendiente)
    note = _note(reader, body, tipo) if is_note and tipo else None
    detraccion = _detraccion(reader, body)
    percepcion = _percepcion(reader, body)
    retencion = _retencion(reader, body)
    anticipos = _prepayments(reader, body)
    guias = _guias(reader, body)
    related = _related(reader, body)
    legends = _legends(reader, body)
    extras = _extras(reader, body)
    _check_payments(reader, body)
    read_actions(reader, body)
    for flag in ("pago_anticipado", "es_itinerante"):
        reader.boolean(body, flag, flag)  # read for their form only: not part of the domain

    problems.raise_if_errors()
    if (
        tipo is None
        or serie is None
        or correlativo is None
        or fecha is None
        or moneda is None
        or company is None
        or customer is None
    ):  # not reached: each of these was reported above
        raise InvalidDocument.single("the document could not be read", "")
    return SaleDocument(
        tipo_documento=tipo,
        serie=serie,
        correlativo=correlativo,
        fecha_emision=fecha,
        issuer=company,
        customer=customer,
        lines=lines,
        moneda=moneda,
        hora_emision=hora,
        fecha_vencimiento=fecha_vencimiento,
        tipo_operacion=tipo_operacion,
        tipo_cambio=tipo_cambio,
        allowances=allowances,
        anticipos=anticipos,
        payment=payment,
        detraccion=detraccion,
        percepcion=percepcion,
        retencion=retencion,
        guias=guias,
        related=related,
        orden_compra=orden_compra,
        note=note,
        legends=legends,
        totals=totals,
        extras=extras,
    )


# Header ---------------------------------------------------------------------------------------


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number" if isinstance(value, int | float | Decimal) else type(value).__name__


def _serie(reader: FieldReader, body: Mapping[str, object]) -> str | None:
    serie = reader.text(body, "serie_documento", "serie_documento", required=True, code="1002")
    if serie is None:
        return None
    serie = serie.upper()
    if not _SERIE.fullmatch(serie):
        reader.error(
            f"'serie_documento' must be 4 letters or digits, got {serie!r}", "serie_documento", "1001"
        )
        return None
    return serie


def _correlativo(reader: FieldReader, body: Mapping[str, object]) -> int | None:
    path = "numero_documento"
    value = body.get(path)
    if isinstance(value, str) and value.strip() == NEXT_NUMBER:
        return NEXT_NUMBER_CORRELATIVO
    if is_blank(value):
        reader.error(f"'{path}' is required (a number, or '#' for the next number)", path, "1002")
        return None
    number = reader.integer(body, path, path, code="1001")
    if number is None:
        return None
    if not 1 <= number <= _MAX_CORRELATIVO:
        reader.error(f"'{path}' must be from 1 to {_MAX_CORRELATIVO}, or '#', got {value!r}", path, "1001")
        return None
    return number


def _currency(
    reader: FieldReader, obj: Mapping[str, object], key: str, path: str, *, required: bool = False
) -> str | None:
    code = reader.code(obj, key, path, required=required, missing_code="2070", invalid_code="3088")
    if code is not None and not _CURRENCY.fullmatch(code):
        reader.error(f"'{key}' must be an ISO 4217 currency code (PEN, USD...), got {code!r}", path, "3088")
        return None
    return code


def _ubigeo(reader: FieldReader, obj: Mapping[str, object], key: str, path: str) -> str | None:
    # Only a JSON number loses the leading zero of a ubigeo ("040101" sent as 40101).
    ubigeo = reader.code(obj, key, path, width=6 if isinstance(obj.get(key), int) else None)
    if ubigeo is not None and not _UBIGEO.fullmatch(ubigeo):
        reader.error(f"'{key}' must be a 6-digit ubigeo, got {ubigeo!r}", path)
        return None
    return ubigeo


# Parties --------------------------------------------------------------------------------------


def _issuer(reader: FieldReader, body: Mapping[str, object], issuer: Company | None) -> Company | None:
    emisor = reader.mapping(body, EMISOR, EMISOR)
    codigo = None
    if emisor is not None:
        path = join(EMISOR, "codigo_del_domicilio_fiscal")
        codigo = reader.code(emisor, "codigo_del_domicilio_fiscal", path, width=4)
        if codigo is not None and not _ESTABLECIMIENTO.fullmatch(codigo):
            reader.error(f"'codigo_del_domicilio_fiscal' must be 4 digits, got {codigo!r}", path, "3030")
            codigo = None
    if issuer is None:
        reader.error(
            "the issuing company is not known: Facturador PRO bodies do not carry it, "
            "it comes from the account the request is made with",
            EMISOR,
            "0001",
        )
        return None
    if codigo is None:
        return issuer
    return replace(issuer, address=replace(issuer.address, codigo_establecimiento=codigo))


def _customer(reader: FieldReader, body: Mapping[str, object]) -> Customer | None:
    data = reader.mapping(body, CLIENTE, CLIENTE)
    if data is None:
        if not given(body, CLIENTE):
            hint = " (found 'cliente', which is not a key of this API)" if "cliente" in body else ""
            reader.error(f"'{CLIENTE}' is required{hint}", CLIENTE, "2014")
        return None
    tipo = reader.code(
        data,
        "codigo_tipo_documento_identidad",
        join(CLIENTE, "codigo_tipo_documento_identidad"),
        allowed=_IDENTITY_TYPES,
        required=True,
        missing_code="2015",
        invalid_code="2016",
    )
    numero = reader.text(
        data, "numero_documento", join(CLIENTE, "numero_documento"), required=True, code="2014"
    )
    if numero is not None and tipo == "1" and isinstance(data.get("numero_documento"), int):
        numero = numero.zfill(8)  # a DNI sent as a JSON number loses its leading zeros
    razon_social = reader.text(
        data,
        "apellidos_y_nombres_o_razon_social",
        join(CLIENTE, "apellidos_y_nombres_o_razon_social"),
        required=True,
        code="2021",
    )
    direccion = reader.text(data, "direccion", join(CLIENTE, "direccion"))
    if direccion == "-":
        direccion = None
    ubigeo = _ubigeo(reader, data, "ubigeo", join(CLIENTE, "ubigeo"))
    pais = reader.code(data, "codigo_pais", join(CLIENTE, "codigo_pais"))
    email = reader.text(data, "correo_electronico", join(CLIENTE, "correo_electronico"))
    telefono = reader.text(data, "telefono", join(CLIENTE, "telefono"))
    address = None
    if direccion or ubigeo or (pais and pais != "PE"):
        address = Address(direccion=direccion, ubigeo=ubigeo, codigo_pais=pais or "PE")
    if tipo is None or numero is None or razon_social is None:
        return None
    return Customer(tipo, numero, razon_social, address=address, email=email, telefono=telefono)


# Lines ----------------------------------------------------------------------------------------


def _lines(reader: FieldReader, body: Mapping[str, object]) -> list[SaleLine]:
    items = reader.sequence(body, "items", "items", required=True)
    if items is None:
        return []
    if not items:
        reader.error("the document needs at least one item", "items", "2024")
    lines: list[SaleLine] = []
    for index, row in enumerate(items):
        path = at("items", index)
        if not isinstance(row, Mapping):
            reader.error("each item must be a JSON object", path)
            continue
        line = _line(reader, row, path)
        if line is not None:
            lines.append(line)
    return lines


def _line(reader: FieldReader, row: Mapping[str, object], path: str) -> SaleLine | None:
    description_key = "nombre_producto_xml" if given(row, "nombre_producto_xml") else "descripcion"
    descripcion = reader.text(row, description_key, join(path, description_key), required=True, code="2026")
    cantidad = reader.decimal(
        row, "cantidad", join(path, "cantidad"), required=True, code="2025", missing_code="2024"
    )
    unidad = reader.code(
        row, "unidad_de_medida", join(path, "unidad_de_medida"), required=True, missing_code="2883"
    )
    afectacion = reader.code(
        row,
        "codigo_tipo_afectacion_igv",
        join(path, "codigo_tipo_afectacion_igv"),
        width=2,
        allowed=catalogs.entries("07"),
        required=True,
        missing_code="2371",
        invalid_code="2040",
    )
    tipo_precio = reader.code(
        row,
        "codigo_tipo_precio",
        join(path, "codigo_tipo_precio"),
        width=2,
        allowed=_PRICE_TYPES,
        invalid_code="2029",
    )
    precio = reader.decimal(row, "precio_unitario", join(path, "precio_unitario"), code="2367")
    if tipo_precio is None:
        tipo_precio = "01" if afectacion is None or afectacion in _ONEROUS else "02"

    def amount(key: str) -> Decimal | None:
        return reader.decimal(row, key, join(path, key))

    icbper_key = first_given(row, "total_impuestos_bolsa_plastica", "total_impuestos_bolsas")
    icbper = amount(icbper_key) or None
    isc = _isc(reader, row, path)
    _unsupported_other_taxes(reader, row, path)
    for key in ("total_item", "total_descuentos", "total_cargos", "total_base_otros_impuestos"):
        amount(key)  # read for their form only: the domain derives them
    allowances = _allowances(reader, row, path)
    properties = _properties(reader, row, path)
    reader.boolean(row, "actualizar_descripcion", join(path, "actualizar_descripcion"))
    codigo_gs1_key = first_given(row, "codigo_producto_gsl", "codigo_producto_gs1")
    codigo = reader.text(row, "codigo_interno", join(path, "codigo_interno"))
    codigo_sunat = reader.text(row, "codigo_producto_sunat", join(path, "codigo_producto_sunat"))
    codigo_gs1 = reader.text(row, codigo_gs1_key, join(path, codigo_gs1_key))
    valor_unitario = reader.decimal(row, "valor_unitario", join(path, "valor_unitario"), code="2369")
    porcentaje_igv = amount("porcentaje_igv")
    base_igv = amount("total_base_igv")
    igv = amount("total_igv")
    total_impuestos = amount("total_impuestos")
    valor_venta = amount("total_valor_item")
    if descripcion is None or cantidad is None or unidad is None or afectacion is None:
        return None
    return SaleLine(
        descripcion=descripcion,
        cantidad=cantidad,
        unidad=unidad,
        tipo_afectacion_igv=afectacion,
        codigo=codigo,
        codigo_sunat=codigo_sunat,
        codigo_gs1=codigo_gs1,
        valor_unitario=valor_unitario,
        precio_unitario=precio if tipo_precio == "01" else None,
        valor_referencial=precio if tipo_precio == "02" else None,
        porcentaje_igv=porcentaje_igv,
        isc=isc,
        icbper_factor=_per_bag(icbper, cantidad),
        allowances=allowances,
        properties=properties,
        valor_venta=valor_venta,
        base_igv=base_igv,
        igv=igv,
        icbper=icbper,
        total_impuestos=total_impuestos,
    )


def _per_bag(icbper: Decimal | None, bags: Decimal) -> Decimal | None:
    """The ICBPER amount per bag, when the line amount divides exactly (to 4 decimals) by the bags."""
    if icbper is None or not bags:
        return None
    per_bag = icbper / bags
    exponent = per_bag.normalize().as_tuple().exponent
    if per_bag * bags != icbper or not isinstance(exponent, int) or exponent < -4:
        return None
    return per_bag


def _isc(reader: FieldReader, row: Mapping[str, object], path: str) -> Isc | None:
    sistema = reader.code(
        row,
        "codigo_tipo_sistema_isc",
        join(path, "codigo_tipo_sistema_isc"),
        width=2,
        allowed=catalogs.entries("08"),
    )
    porcentaje = reader.decimal(row, "porcentaje_isc", join(path, "porcentaje_isc"))
    base = reader.decimal(row, "total_base_isc", join(path, "total_base_isc"))
    monto = reader.decimal(row, "total_isc", join(path, "total_isc"))
    if sistema is None:
        if monto and is_blank(row.get("codigo_tipo_sistema_isc")):
            reader.error(
                "'codigo_tipo_sistema_isc' is required when 'total_isc' is declared",
                join(path, "codigo_tipo_sistema_isc"),
            )
        return None
    if porcentaje is None:
        reader.error(
            "'porcentaje_isc' is required with 'codigo_tipo_sistema_isc'", join(path, "porcentaje_isc")
        )
        return None
    return Isc(sistema, porcentaje, base, monto)


def _unsupported_other_taxes(reader: FieldReader, obj: Mapping[str, object], path: str) -> None:
    for key in ("total_otros_impuestos", "porcentaje_otros_impuestos"):
        value = reader.decimal(obj, key, join(path, key))
        if value and key == "total_otros_impuestos":
            reader.error(
                "otros tributos (9999) are not supported: 'total_otros_impuestos' must be 0", join(path, key)
            )


def _allowances(reader: FieldReader, obj: Mapping[str, object], base: str) -> list[AllowanceCharge]:
    """``descuentos`` then ``cargos`` of a line (``base`` = its path) or of the document (``base`` = "")."""
    found: list[AllowanceCharge] = []
    for key, is_charge in (("descuentos", False), ("cargos", True)):
        for path, row in reader.objects(obj, key, join(base, key)):
            codigo = reader.code(
                row, "codigo", join(path, "codigo"), width=2, allowed=catalogs.entries("53"), required=True
            )
            factor_key = first_given(row, "factor", "porcentaje")
            factor = reader.decimal(row, factor_key, join(path, factor_key))
            monto = reader.decimal(row, "monto", join(path, "monto"))
            amount_base = reader.decimal(row, "base", join(path, "base"))
            if codigo is not None:
                found.append(AllowanceCharge(codigo, monto, amount_base, factor, is_charge))
    return found


def _properties(reader: FieldReader, row: Mapping[str, object], base: str) -> list[ItemProperty]:
    found: list[ItemProperty] = []
    for path, data in reader.objects(row, "datos_adicionales", join(base, "datos_adicionales")):
        codigo = reader.code(data, "codigo", join(path, "codigo"), required=True)
        name_key = first_given(data, "descripcion", "nombre")
        nombre = reader.text(data, name_key, join(path, name_key), required=True)
        valor = reader.text(data, "valor", join(path, "valor"))
        inicio = reader.date(data, "fecha_inicio", join(path, "fecha_inicio"))
        fin = reader.date(data, "fecha_fin", join(path, "fecha_fin"))
        dias = reader.integer(data, "duracion", join(path, "duracion"))
        if codigo is not None and nombre is not None:
            found.append(ItemProperty(codigo, nombre, valor, inicio, fin, dias))
    return found


# Totals and payment ---------------------------------------------------------------------------


def _totals(
    reader: FieldReader, body: Mapping[str, object], lines: list[SaleLine], allowances: list[AllowanceCharge]
) -> tuple[SaleTotals, Decimal | None]:
    """The declared totals, and ``total_pendiente_pago`` (the pending amount of a credit sale)."""
    data = reader.mapping(body, "totales", "totales")
    if data is None:
        return SaleTotals(), None
    totals = SaleTotals()
    for key, attribute in _TOTALS:
        setattr(totals, attribute, reader.decimal(data, key, join("totales", key)))
    descuentos = reader.decimal(data, "total_descuentos", "totales.total_descuentos")
    cargos = reader.decimal(data, "total_cargos", "totales.total_cargos")
    line_allowances = [a for line in lines for a in line.allowances]
    if descuentos is not None:
        totals.descuentos = _global_off_base(
            descuentos,
            [a for a in line_allowances + allowances if not a.is_charge],
            [a for a in line_allowances if not a.is_charge]
            + [a for a in allowances if not a.is_charge and a.codigo in _GLOBAL_DISCOUNTS_ON_BASE],
        )
    if cargos is not None:
        totals.cargos = _global_off_base(
            cargos,
            [a for a in line_allowances + allowances if a.is_charge],
            [a for a in line_allowances if a.is_charge]
            + [a for a in allowances if a.is_charge and a.codigo in _GLOBAL_CHARGES_ON_BASE],
        )
    _unsupported_other_taxes(reader, data, "totales")
    reader.decimal(data, "total_base_otros_impuestos", "totales.total_base_otros_impuestos")
    pendiente = reader.decimal(data, "total_pendiente_pago", "totales.total_pendiente_pago", code="3250")
    return totals, pendiente


def _global_off_base(
    declared: Decimal, every: list[AllowanceCharge], on_base: list[AllowanceCharge]
) -> Decimal:
    """``total_descuentos``/``total_cargos`` as the domain means them (global, off the base).

    When the declared total is the sum of every discount (charge) of the body, as Facturador
    PRO adds them, the line and on-base global amounts are taken out of it; any other declared
    total is kept as sent (it may already be meant as SUNAT's total, or be wrong: ``calc`` says).
    """
    if declared != _sum(every):
        return declared
    return declared - _sum(on_base)


def _sum(allowances: list[AllowanceCharge]) -> Decimal:
    return sum((a.monto for a in allowances if a.monto is not None), Decimal(0))


def _payment(
    reader: FieldReader, body: Mapping[str, object], is_note: bool, pendiente: Decimal | None
) -> PaymentTerms | None:
    condition_key = first_given(body, "codigo_condicion_de_pago", "condicion_de_pago")
    condition = reader.code(
        body,
        condition_key,
        condition_key,
        width=2,
        allowed=_CONDITIONS,
        invalid_code="3246",
    )
    cuotas = _installments(reader, body)
    if condition is None:
        if not given(body, "cuotas") and is_note:
            return None
        forma = "Credito" if cuotas else "Contado"
    else:
        forma = _CONDITIONS[condition]
    monto = pendiente if forma == "Credito" else None
    return PaymentTerms(forma=forma, monto=monto, cuotas=cuotas)


def _installments(reader: FieldReader, body: Mapping[str, object]) -> list[Installment]:
    found: list[Installment] = []
    for path, row in reader.objects(body, "cuotas", "cuotas"):
        fecha = reader.date(
            row, "fecha", join(path, "fecha"), required=True, missing_code="3256", invalid_code="3255"
        )
        moneda = _currency(reader, row, "codigo_tipo_moneda", join(path, "codigo_tipo_moneda"))
        monto = reader.decimal(
            row, "monto", join(path, "monto"), required=True, code="3253", missing_code="3254"
        )
        reader.text(row, "codigo_metodo_de_pago", join(path, "codigo_metodo_de_pago"))
        if fecha is not None and monto is not None:
            found.append(Installment(monto, fecha, moneda))
    return found


def _check_payments(reader: FieldReader, body: Mapping[str, object]) -> None:
    """``pagos`` (cash-register entries of the sale) are not part of the document: only their form is read."""
    for path, row in reader.objects(body, "pagos", "pagos"):
        reader.text(row, "codigo_metodo_pago", join(path, "codigo_metodo_pago"), required=True)
        reader.text(row, "codigo_destino_pago", join(path, "codigo_destino_pago"))
        reader.text(row, "referencia", join(path, "referencia"))
        reader.decimal(row, "monto", join(path, "monto"))
        reader.decimal(row, "pago_recibido", join(path, "pago_recibido"))


# Notes ----------------------------------------------------------------------------------------


def _note(reader: FieldReader, body: Mapping[str, object], tipo: str) -> NoteReference | None:
    codigo = reader.code(
        body,
        "codigo_tipo_nota",
        "codigo_tipo_nota",
        width=2,
        allowed=catalogs.entries("09" if tipo == NOTA_CREDITO else "10"),
        required=True,
        missing_code=_NOTE_CODE_MISSING[tipo],
        invalid_code=_NOTE_CODE_INVALID[tipo],
    )
    reason_key = first_given(body, "motivo_o_sustento_de_nota", "motivo_o_sustento_de_la_nota")
    motivo = reader.text(body, reason_key, reason_key, required=True, code=_NOTE_REASON_MISSING[tipo])
    affected = _affected(reader, body, tipo)
    if codigo is None or motivo is None or affected is None:
        return None
    return NoteReference(codigo, motivo, affected[0], affected[1])


def _affected(reader: FieldReader, body: Mapping[str, object], tipo: str) -> tuple[str, str] | None:
    """(tipo_documento_afectado, numero_documento_afectado) of ``documento_afectado``."""
    base = "documento_afectado"
    data = reader.mapping(body, base, base, required=True, code=_NOTE_AFFECTED_MISSING[tipo])
    if data is None:
        return None
    reference_keys = ("serie_documento", "numero_documento", "codigo_tipo_documento")
    complete = all(given(data, key) for key in reference_keys)
    if not complete and given(data, "external_id"):
        external_id = reader.text(data, "external_id", join(base, "external_id"))
        return ("", EXTERNAL_ID_MARKER + external_id) if external_id else None
    if not any(given(data, key) for key in reference_keys):
        reader.error(
            f"'{base}' needs 'external_id', or 'serie_documento', 'numero_documento' and 'codigo_tipo_documento'",
            base,
            _NOTE_AFFECTED_MISSING[tipo],
        )
        return None
    format_code = _NOTE_AFFECTED_FORMAT[tipo]
    serie = reader.text(
        data, "serie_documento", join(base, "serie_documento"), required=True, code=format_code
    )
    if serie is not None and not _SERIE.fullmatch(serie.upper()):
        reader.error(
            f"'serie_documento' must be 4 letters or digits, got {serie!r}",
            join(base, "serie_documento"),
            format_code,
        )
        serie = None
    numero = reader.integer(
        data, "numero_documento", join(base, "numero_documento"), required=True, code=format_code
    )
    if numero is not None and not 1 <= numero <= _MAX_CORRELATIVO:
        reader.error(
            f"'numero_documento' must be from 1 to {_MAX_CORRELATIVO}",
            join(base, "numero_documento"),
            format_code,
        )
        numero = None
    affected_type = reader.code(
        data,
        "codigo_tipo_documento",
        join(base, "codigo_tipo_documento"),
        width=2,
        allowed=catalogs.entries("01"),
        required=True,
    )
    if serie is None or numero is None or affected_type is None:
        return None
    return affected_type, f"{serie.upper()}-{numero}"


# Regimes --------------------------------------------------------------------------------------


def _is_placeholder(
    block: Mapping[str, object], code_keys: tuple[str, ...], amount_keys: tuple[str, ...]
) -> bool:
    """A template left in the body: blank code and amounts blank or zero."""
    if any(given(block, key) for key in code_keys):
        return False
    for key in amount_keys:
        value = block.get(key)
        if is_blank(value):
            continue
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
            return False
        try:
            if Decimal(str(value).strip()) != 0:
                return False
        except ArithmeticError:
            return False
    return True


def _detraccion(reader: FieldReader, body: Mapping[str, object]) -> Detraccion | None:
    base = "detraccion"
    data = reader.mapping(body, base, base)
    if data is None or _is_placeholder(data, ("codigo_tipo_detraccion", "codigo"), ("monto", "porcentaje")):
        return None
    code_key = first_given(data, "codigo_tipo_detraccion", "codigo")
    codigo = reader.code(
        data,
        code_key,
        join(base, code_key),
        width=3,
        allowed=catalogs.entries("54"),
        required=True,
        missing_code="3127",
        invalid_code="3033",
    )
    porcentaje = reader.decimal(data, "porcentaje", join(base, "porcentaje"), required=True)
    monto = reader.decimal(data, "monto", join(base, "monto"), code="3035")
    medio = reader.code(
        data, "codigo_metodo_pago", join(base, "codigo_metodo_pago"), width=3, allowed=catalogs.entries("59")
    )
    cuenta = reader.text(data, "cuenta_bancaria", join(base, "cuenta_bancaria"), required=True, code="3034")
    transporte = _transporte(reader, data, base)
    if codigo is None or porcentaje is None or cuenta is None:
        return None
    return Detraccion(codigo, porcentaje, cuenta, monto, medio or "001", transporte)


_TRANSPORT_KEYS = (
    "detalle_viaje",
    "direccion_origen",
    "direccion_destino",
    "ubigeo_origen",
    "ubigeo_destino",
    "valor_referencial_servicio_transporte",
    "valor_referencia_carga_efectiva",
    "valor_referencial_carga_efectiva",
    "valor_referencial_carga_util",
)


def _transporte(reader: FieldReader, data: Mapping[str, object], base: str) -> DetraccionTransporte | None:
    if not any(given(data, key) for key in _TRANSPORT_KEYS):
        return None
    effective_key = first_given(data, "valor_referencia_carga_efectiva", "valor_referencial_carga_efectiva")
    return DetraccionTransporte(
        origen=Address(
            direccion=reader.text(data, "direccion_origen", join(base, "direccion_origen")),
            ubigeo=_ubigeo(reader, data, "ubigeo_origen", join(base, "ubigeo_origen")),
        ),
        destino=Address(
            direccion=reader.text(data, "direccion_destino", join(base, "direccion_destino")),
            ubigeo=_ubigeo(reader, data, "ubigeo_destino", join(base, "ubigeo_destino")),
        ),
        detalle_viaje=reader.text(data, "detalle_viaje", join(base, "detalle_viaje")),
        valor_referencial_servicio=reader.decimal(
            data, "valor_referencial_servicio_transporte", join(base, "valor_referencial_servicio_transporte")
        ),
        valor_referencial_carga_efectiva=reader.decimal(data, effective_key, join(base, effective_key)),
        valor_referencial_carga_util=reader.decimal(
            data, "valor_referencial_carga_util", join(base, "valor_referencial_carga_util")
        ),
    )


def _percepcion(reader: FieldReader, body: Mapping[str, object]) -> Percepcion | None:
    base = "percepcion"
    data = reader.mapping(body, base, base)
    if data is None or _is_placeholder(data, ("codigo",), ("monto", "porcentaje", "factor", "base")):
        return None
    codigo = reader.code(
        data, "codigo", join(base, "codigo"), width=2, allowed=_PERCEPCION_CODES, required=True
    )
    factor_key = first_given(data, "porcentaje", "factor")
    factor = reader.decimal(data, factor_key, join(base, factor_key), required=True)
    monto = reader.decimal(data, "monto", join(base, "monto"))
    amount_base = reader.decimal(data, "base", join(base, "base"))
    if codigo is None or factor is None:
        return None
    return Percepcion(codigo, factor, amount_base, monto)


def _retencion(reader: FieldReader, body: Mapping[str, object]) -> Retencion | None:
    base = "retencion"
    data = reader.mapping(body, base, base)
    if data is None or _is_placeholder(data, ("codigo",), ("monto", "porcentaje", "factor", "base")):
        return None
    reader.code(data, "codigo", join(base, "codigo"), width=2, allowed=_RETENCION_CODES)
    factor_key = first_given(data, "porcentaje", "factor")
    factor = reader.decimal(data, factor_key, join(base, factor_key))
    monto = reader.decimal(data, "monto", join(base, "monto"))
    amount_base = reader.decimal(data, "base", join(base, "base"))
    if factor is None:
        return Retencion(base=amount_base, monto=monto)
    return Retencion(factor, amount_base, monto)


# References -----------------------------------------------------------------------------------


def _prepayments(reader: FieldReader, body: Mapping[str, object]) -> list[Prepayment]:
    key = first_given(body, "anticipos", "prepayments")
    found: list[Prepayment] = []
    for path, row in reader.objects(body, key, key):
        number_key = first_given(row, "numero", "number")
        numero = reader.text(row, number_key, join(path, number_key), required=True, code="2521")
        type_key = first_given(row, "codigo_tipo_documento", "document_type_id")
        tipo = reader.code(
            row, type_key, join(path, type_key), width=2, allowed=catalogs.entries("12"), required=True
        )
        amount_key = first_given(row, "total", "monto", "amount")
        monto = reader.decimal(row, amount_key, join(path, amount_key), required=True)
        if amount_key == "total":
            reader.decimal(row, "monto", join(path, "monto"))
        if numero is not None and tipo is not None and monto is not None:
            found.append(Prepayment(tipo, numero, monto))
    return found


def _references(
    reader: FieldReader, body: Mapping[str, object], key: str, allowed: Collection[str]
) -> list[DocumentReference]:
    found: list[DocumentReference] = []
    for path, row in reader.objects(body, key, key):
        numero = reader.text(row, "numero", join(path, "numero"), required=True, code="1057")
        tipo = reader.code(
            row,
            "codigo_tipo_documento",
            join(path, "codigo_tipo_documento"),
            width=2,
            allowed=allowed,
            required=True,
            missing_code="1058",
        )
        reader.decimal(row, "monto", join(path, "monto"))
        if numero is not None and tipo is not None:
            found.append(DocumentReference(tipo, numero))
    return found


def _guias(reader: FieldReader, body: Mapping[str, object]) -> list[DocumentReference]:
    return _references(reader, body, "guias", _GUIA_TYPES)


def _related(reader: FieldReader, body: Mapping[str, object]) -> list[DocumentReference]:
    key = first_given(body, "relacionados", "documentos_relacionados")
    return _references(reader, body, key, catalogs.entries("12"))


def _legends(reader: FieldReader, body: Mapping[str, object]) -> list[Legend]:
    found: list[Legend] = []
    for path, row in reader.objects(body, "leyendas", "leyendas"):
        codigo = reader.code(row, "codigo", join(path, "codigo"), width=4, required=True)
        valor = reader.text(row, "valor", join(path, "valor"), required=True, code="3006")
        if codigo is not None and valor is not None:
            found.append(Legend(codigo, valor))
    return found


def _extras(reader: FieldReader, body: Mapping[str, object]) -> dict[str, str]:
    extras: dict[str, str] = {}
    block = reader.mapping(body, "extras", "extras")
    for name, value in (block or {}).items():
        if isinstance(value, str | int | Decimal) and not isinstance(value, bool) and not is_blank(value):
            extras[str(name)] = str(value).strip()
    for key in _EXTRA_TEXTS:
        text = reader.text(body, key, key)
        if text:
            extras[key] = text
    return extras
