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
- **Total discounts and charges.** SUNAT's ``AllowanceTotalAmount`` (``SaleTotals.descuentos``)
  is the sum of the discounts that do not touch the base, line code 01 and global codes 03 and
  63 (rule 3300); ``ChargeTotalAmount`` (``cargos``) that of the charges off the base, line code
  48 and global codes 45, 46 and 50 (rule 3301). Facturador PRO's ``totales.total_descuentos``
  and ``total_cargos`` add up every discount (charge) of the body, line and global, on the base
  or not. A declared total that is SUNAT's sum is kept; one that is Facturador PRO's sum (and not
  SUNAT's) is read as SUNAT's sum of the same body, so a body right by either convention checks
  clean; any other declared total goes into the domain as sent, for ``calc`` to report.
- **Detracción** ``porcentaje`` is a percentage (4 = 4 %); **percepción** and **retención**
  ``porcentaje`` is a factor (0.02 = 2 %), as Facturador PRO writes them in the XML.
- **Placeholder blocks.** A ``detraccion``, ``percepcion`` or ``retencion`` whose code is blank
  and whose amounts are blank or zero (the shipped examples carry such templates) is absent.
- **Anticipos.** Facturador PRO gives each anticipo twice: ``monto``, its value without IGV
  (what the ``04`` discount deducts from the taxable base), and ``total``, the amount paid with
  IGV. ``Prepayment.monto`` (``PrepaidPayment/PaidAmount``) is ``total`` when given, else
  ``monto``. ``totales.total_anticipos`` (``PrepaidAmount``, the sum of the amounts paid) is
  kept when it is that sum; older Facturador PRO versions declare the sum of the ``monto``
  values instead, and such a total (given with every anticipo's ``total``) is read as the sum
  of the amounts paid. ``codigo_tipo_documento`` is catalog 12 (``02`` factura, ``03`` boleta
  emitida por anticipos); Facturador PRO's own examples send the catalog 01 type of the anticipo's
  document, ``01`` for a factura, read as ``02`` (a boleta is ``03`` in both catalogs); any other
  type is refused (2505). ``prepayments`` is accepted for ``anticipos``.
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
  ``total_cargos`` (sums of the line's own data), ``relacionados[].monto``, ``pagos`` (cash-register entries), ``pago_anticipado``,
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
from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from decimal import Decimal

from yupana.dialects.facturadorpro import LENIENCY
from yupana.dialects.facturadorpro.actions import read_actions
from yupana.dialects.facturadorpro.paths import path_translator, translate_path
from yupana.dialects.json_fields import Fields, is_blank, type_name
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
# Catalog 53 codes SUNAT adds up in AllowanceTotalAmount (rule 3300) and ChargeTotalAmount
# (rule 3301), by charge indicator: (line codes, global codes) off the taxable base.
_OFF_BASE = {
    False: (frozenset({"01"}), frozenset({"03", "63"})),
    True: (frozenset({"48"}), frozenset({"45", "46", "50"})),
}
_PERCEPCION_CODES = frozenset({"51", "52", "53"})
_RETENCION_CODES = frozenset({"62"})
_GUIA_TYPES = frozenset({"09", "31"})
# The document an anticipo was paid with, as sent -> catalog 12 (see the module docstring).
_PREPAYMENT_TYPES = {"01": "02", "02": "02", "03": "03"}
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
        raise InvalidDocument.single(f"the request body must be a JSON object, got {type_name(body)}", "")
    data = Fields.open(body, "", Problems(), LENIENCY)
    assert data is not None  # an object, checked above

    tipo = data.code(
        "codigo_tipo_documento",
        width=2,
        allowed=SALE_TYPES,
        required=True,
        missing_code="1004",
        invalid_code="1003",
    )
    serie = _serie(data)
    correlativo = _correlativo(data)
    fecha = data.date("fecha_de_emision", required=True, missing_code="1010", invalid_code="1009")
    hora = data.time("hora_de_emision", code="2806")
    moneda = _currency(data, "codigo_tipo_moneda", required=True)
    is_note = tipo in NOTE_TYPES

    tipo_operacion = "0101"
    fecha_vencimiento = None
    if not is_note:
        tipo_operacion = (
            data.code("codigo_tipo_operacion", width=4, allowed=catalogs.entries("51"), invalid_code="3206")
            or tipo_operacion
        )
        fecha_vencimiento = data.date("fecha_de_vencimiento")
    tipo_cambio = data.amount("factor_tipo_de_cambio")
    orden_compra = data.text("numero_orden_de_compra")

    company = _issuer(data, issuer)
    customer = _customer(data)
    lines = _lines(data)
    allowances = _allowances(data)
    anticipos, anticipos_sin_igv = _prepayments(data)
    totals, pendiente = _totals(data, lines, allowances, anticipos, anticipos_sin_igv)
    payment = _payment(data, is_note, pendiente)
    note = _note(data, tipo) if is_note and tipo else None
    detraccion = _detraccion(data)
    percepcion = _percepcion(data)
    retencion = _retencion(data)
    guias = _guias(data)
    related = _related(data)
    legends = _legends(data)
    extras = _extras(data)
    _check_payments(data)
    read_actions(data)
    for flag in ("pago_anticipado", "es_itinerante"):
        data.boolean(flag)  # read for their form only: not part of the domain

    data.problems.raise_if_errors()
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


def _serie(data: Fields) -> str | None:
    serie = data.text("serie_documento", required=True, upper=True, code="1002")
    if serie is not None and not _SERIE.fullmatch(serie):
        data.error(f"'serie_documento' must be 4 letters or digits, got {serie!r}", "serie_documento", "1001")
        return None
    return serie


def _correlativo(data: Fields) -> int | None:
    key = "numero_documento"
    value = data.data.get(key)
    if isinstance(value, str) and value.strip() == NEXT_NUMBER:
        return NEXT_NUMBER_CORRELATIVO
    if is_blank(value):
        data.error(f"'{key}' is required (a number, or '#' for the next number)", key, "1002")
        return None
    number = data.integer(key, code="1001")
    if number is None:
        return None
    if not 1 <= number <= _MAX_CORRELATIVO:
        data.error(f"'{key}' must be from 1 to {_MAX_CORRELATIVO}, or '#', got {value!r}", key, "1001")
        return None
    return number


def _currency(data: Fields, key: str, *, required: bool = False) -> str | None:
    code = data.code(key, required=required, missing_code="2070", invalid_code="3088")
    if code is not None and not _CURRENCY.fullmatch(code):
        data.error(f"'{key}' must be an ISO 4217 currency code (PEN, USD...), got {code!r}", key, "3088")
        return None
    return code


def _ubigeo(data: Fields, key: str) -> str | None:
    # Only a JSON number loses the leading zero of a ubigeo ("040101" sent as 40101).
    ubigeo = data.code(key, width=6 if isinstance(data.data.get(key), int) else None)
    if ubigeo is not None and not _UBIGEO.fullmatch(ubigeo):
        data.error(f"'{key}' must be a 6-digit ubigeo, got {ubigeo!r}", key)
        return None
    return ubigeo


# Parties --------------------------------------------------------------------------------------


def _issuer(body: Fields, issuer: Company | None) -> Company | None:
    emisor = body.object(EMISOR)
    codigo = None
    if emisor is not None:
        key = "codigo_del_domicilio_fiscal"
        codigo = emisor.code(key, width=4)
        if codigo is not None and not _ESTABLECIMIENTO.fullmatch(codigo):
            emisor.error(f"'{key}' must be 4 digits, got {codigo!r}", key, "3030")
            codigo = None
    if issuer is None:
        body.error(
            "the issuing company is not known: Facturador PRO bodies do not carry it, "
            "it comes from the account the request is made with",
            EMISOR,
            "0001",
        )
        return None
    if codigo is None:
        return issuer
    return replace(issuer, address=replace(issuer.address, codigo_establecimiento=codigo))


def _customer(body: Fields) -> Customer | None:
    data = body.object(CLIENTE)
    if data is None:
        if not body.has(CLIENTE):
            hint = " (found 'cliente', which is not a key of this API)" if "cliente" in body.data else ""
            body.error(f"'{CLIENTE}' is required{hint}", CLIENTE, "2014")
        return None
    tipo = data.code(
        "codigo_tipo_documento_identidad",
        allowed=_IDENTITY_TYPES,
        required=True,
        missing_code="2015",
        invalid_code="2016",
    )
    numero = data.text("numero_documento", required=True, code="2014")
    if numero is not None and tipo == "1" and isinstance(data.data.get("numero_documento"), int):
        numero = numero.zfill(8)  # a DNI sent as a JSON number loses its leading zeros
    razon_social = data.text("apellidos_y_nombres_o_razon_social", required=True, code="2021")
    direccion = data.text("direccion")
    if direccion == "-":
        direccion = None
    ubigeo = _ubigeo(data, "ubigeo")
    pais = data.code("codigo_pais")
    email = data.text("correo_electronico")
    telefono = data.text("telefono")
    address = None
    if direccion or ubigeo or (pais and pais != "PE"):
        address = Address(direccion=direccion, ubigeo=ubigeo, codigo_pais=pais or "PE")
    if tipo is None or numero is None or razon_social is None:
        return None
    return Customer(tipo, numero, razon_social, address=address, email=email, telefono=telefono)


# Lines ----------------------------------------------------------------------------------------


def _lines(body: Fields) -> list[SaleLine]:
    rows = body.objects("items", required=True)
    if body.data.get("items") == []:
        body.error("the document needs at least one item", "items", "2024")
    lines: list[SaleLine] = []
    for row in rows:
        line = _line(row)
        if line is not None:
            lines.append(line)
    return lines


def _line(row: Fields) -> SaleLine | None:
    description_key = "nombre_producto_xml" if row.has("nombre_producto_xml") else "descripcion"
    descripcion = row.text(description_key, required=True, code="2026")
    cantidad = row.amount("cantidad", required=True, code="2025", missing_code="2024")
    unidad = row.code("unidad_de_medida", required=True, missing_code="2883")
    afectacion = row.code(
        "codigo_tipo_afectacion_igv",
        width=2,
        allowed=catalogs.entries("07"),
        required=True,
        missing_code="2371",
        invalid_code="2040",
    )
    tipo_precio = row.code("codigo_tipo_precio", width=2, allowed=_PRICE_TYPES, invalid_code="2029")
    precio = row.amount("precio_unitario", code="2367")
    if tipo_precio is None:
        tipo_precio = "01" if afectacion is None or afectacion in _ONEROUS else "02"

    icbper = row.amount(row.first_given("total_impuestos_bolsa_plastica", "total_impuestos_bolsas")) or None
    isc = _isc(row)
    _unsupported_other_taxes(row)
    for key in ("total_item", "total_descuentos", "total_cargos", "total_base_otros_impuestos"):
        row.amount(key)  # read for their form only: the domain derives them
    allowances = _allowances(row)
    properties = _properties(row)
    row.boolean("actualizar_descripcion")
    codigo = row.text("codigo_interno")
    codigo_sunat = row.text("codigo_producto_sunat")
    codigo_gs1 = row.text(row.first_given("codigo_producto_gsl", "codigo_producto_gs1"))
    valor_unitario = row.amount("valor_unitario", code="2369")
    porcentaje_igv = row.amount("porcentaje_igv")
    base_igv = row.amount("total_base_igv")
    igv = row.amount("total_igv")
    total_impuestos = row.amount("total_impuestos")
    valor_venta = row.amount("total_valor_item")
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


def _isc(row: Fields) -> Isc | None:
    sistema = row.code("codigo_tipo_sistema_isc", width=2, allowed=catalogs.entries("08"))
    porcentaje = row.amount("porcentaje_isc")
    base = row.amount("total_base_isc")
    monto = row.amount("total_isc")
    if sistema is None:
        if monto and not row.has("codigo_tipo_sistema_isc"):
            row.error(
                "'codigo_tipo_sistema_isc' is required when 'total_isc' is declared",
                "codigo_tipo_sistema_isc",
            )
        return None
    if porcentaje is None:
        row.error("'porcentaje_isc' is required with 'codigo_tipo_sistema_isc'", "porcentaje_isc")
        return None
    return Isc(sistema, porcentaje, base, monto)


def _unsupported_other_taxes(data: Fields) -> None:
    for key in ("total_otros_impuestos", "porcentaje_otros_impuestos"):
        value = data.amount(key)
        if value and key == "total_otros_impuestos":
            data.error("otros tributos (9999) are not supported: 'total_otros_impuestos' must be 0", key)


def _allowances(owner: Fields) -> list[AllowanceCharge]:
    """``descuentos`` then ``cargos`` of a line or of the document."""
    found: list[AllowanceCharge] = []
    for key, is_charge in (("descuentos", False), ("cargos", True)):
        for row in owner.objects(key):
            codigo = row.code("codigo", width=2, allowed=catalogs.entries("53"), required=True)
            factor = row.amount(row.first_given("factor", "porcentaje"))
            monto = row.amount("monto")
            amount_base = row.amount("base")
            if codigo is not None:
                found.append(AllowanceCharge(codigo, monto, amount_base, factor, is_charge))
    return found


def _properties(row: Fields) -> list[ItemProperty]:
    found: list[ItemProperty] = []
    for data in row.objects("datos_adicionales"):
        codigo = data.code("codigo", required=True)
        nombre = data.text(data.first_given("descripcion", "nombre"), required=True)
        valor = data.text("valor")
        inicio = data.date("fecha_inicio")
        fin = data.date("fecha_fin")
        dias = data.integer("duracion")
        if codigo is not None and nombre is not None:
            found.append(ItemProperty(codigo, nombre, valor, inicio, fin, dias))
    return found


# Totals and payment ---------------------------------------------------------------------------


def _totals(
    body: Fields,
    lines: list[SaleLine],
    allowances: list[AllowanceCharge],
    anticipos: list[Prepayment],
    anticipos_sin_igv: Decimal | None,
) -> tuple[SaleTotals, Decimal | None]:
    """The declared totals, and ``total_pendiente_pago`` (the pending amount of a credit sale)."""
    data = body.object("totales")
    if data is None:
        return SaleTotals(), None
    totals = SaleTotals()
    for key, attribute in _TOTALS:
        setattr(totals, attribute, data.amount(key))
    line_allowances = [a for line in lines for a in line.allowances]
    descuentos = data.amount("total_descuentos")
    if descuentos is not None:
        totals.descuentos = _off_base_total(descuentos, line_allowances, allowances, is_charge=False)
    cargos = data.amount("total_cargos")
    if cargos is not None:
        totals.cargos = _off_base_total(cargos, line_allowances, allowances, is_charge=True)
    prepaid = data.amount("total_anticipos")
    if prepaid is not None:
        totals.anticipos = _prepaid_total(prepaid, anticipos, anticipos_sin_igv)
    _unsupported_other_taxes(data)
    data.amount("total_base_otros_impuestos")
    pendiente = data.amount("total_pendiente_pago", code="3250")
    return totals, pendiente


def _off_base_total(
    declared: Decimal,
    line_allowances: list[AllowanceCharge],
    allowances: list[AllowanceCharge],
    *,
    is_charge: bool,
) -> Decimal:
    """``total_descuentos`` / ``total_cargos`` as SUNAT means them (rules 3300 / 3301).

    SUNAT's total is kept; Facturador PRO's sum of every discount (charge) of the body becomes
    SUNAT's total of the same body; any other value is kept as sent (``calc`` says whether it
    is wrong).
    """
    line_codes, global_codes = _OFF_BASE[is_charge]
    of_line = [a for a in line_allowances if a.is_charge is is_charge]
    of_document = [a for a in allowances if a.is_charge is is_charge]
    sunat = _sum(a for a in of_line if a.codigo in line_codes) + _sum(
        a for a in of_document if a.codigo in global_codes
    )
    if declared != sunat and declared == _sum(of_line) + _sum(of_document):
        return sunat
    return declared


def _prepaid_total(declared: Decimal, anticipos: list[Prepayment], sin_igv: Decimal | None) -> Decimal:
    """``total_anticipos`` as SUNAT's ``PrepaidAmount``: the sum of the amounts paid.

    A declared sum of the anticipos' values without IGV (``sin_igv``, older Facturador PRO
    versions) becomes the sum of the amounts paid; any other value is kept as sent.
    """
    paid = sum((p.monto for p in anticipos), Decimal(0))
    if declared != paid and sin_igv is not None and declared == sin_igv:
        return paid
    return declared


def _sum(allowances: Iterable[AllowanceCharge]) -> Decimal:
    return sum((a.monto for a in allowances if a.monto is not None), Decimal(0))


def _payment(body: Fields, is_note: bool, pendiente: Decimal | None) -> PaymentTerms | None:
    condition = body.code(
        body.first_given("codigo_condicion_de_pago", "condicion_de_pago"),
        width=2,
        allowed=_CONDITIONS,
        invalid_code="3246",
    )
    cuotas = _installments(body)
    if condition is None:
        if not body.has("cuotas") and is_note:
            return None
        forma = "Credito" if cuotas else "Contado"
    else:
        forma = _CONDITIONS[condition]
    monto = pendiente if forma == "Credito" else None
    return PaymentTerms(forma=forma, monto=monto, cuotas=cuotas)


def _installments(body: Fields) -> list[Installment]:
    found: list[Installment] = []
    for row in body.objects("cuotas"):
        fecha = row.date("fecha", required=True, missing_code="3256", invalid_code="3255")
        moneda = _currency(row, "codigo_tipo_moneda")
        monto = row.amount("monto", required=True, code="3253", missing_code="3254")
        row.text("codigo_metodo_de_pago")
        if fecha is not None and monto is not None:
            found.append(Installment(monto, fecha, moneda))
    return found


def _check_payments(body: Fields) -> None:
    """``pagos`` (cash-register entries of the sale) are not part of the document: only their form is read."""
    for row in body.objects("pagos"):
        row.text("codigo_metodo_pago", required=True)
        row.text("codigo_destino_pago")
        row.text("referencia")
        row.amount("monto")
        row.amount("pago_recibido")


# Notes ----------------------------------------------------------------------------------------


def _note(body: Fields, tipo: str) -> NoteReference | None:
    codigo = body.code(
        "codigo_tipo_nota",
        width=2,
        allowed=catalogs.entries("09" if tipo == NOTA_CREDITO else "10"),
        required=True,
        missing_code=_NOTE_CODE_MISSING[tipo],
        invalid_code=_NOTE_CODE_INVALID[tipo],
    )
    motivo = body.text(
        body.first_given("motivo_o_sustento_de_nota", "motivo_o_sustento_de_la_nota"),
        required=True,
        code=_NOTE_REASON_MISSING[tipo],
    )
    affected = _affected(body, tipo)
    if codigo is None or motivo is None or affected is None:
        return None
    return NoteReference(codigo, motivo, affected[0], affected[1])


def _affected(body: Fields, tipo: str) -> tuple[str, str] | None:
    """(tipo_documento_afectado, numero_documento_afectado) of ``documento_afectado``."""
    key = "documento_afectado"
    data = body.object(key, required=True, code=_NOTE_AFFECTED_MISSING[tipo])
    if data is None:
        return None
    reference_keys = ("serie_documento", "numero_documento", "codigo_tipo_documento")
    complete = all(data.has(name) for name in reference_keys)
    if not complete and data.has("external_id"):
        external_id = data.text("external_id")
        return ("", EXTERNAL_ID_MARKER + external_id) if external_id else None
    if not any(data.has(name) for name in reference_keys):
        body.error(
            f"'{key}' needs 'external_id', or 'serie_documento', 'numero_documento' and 'codigo_tipo_documento'",
            key,
            _NOTE_AFFECTED_MISSING[tipo],
        )
        return None
    format_code = _NOTE_AFFECTED_FORMAT[tipo]
    serie = data.text("serie_documento", required=True, upper=True, code=format_code)
    if serie is not None and not _SERIE.fullmatch(serie):
        data.error(
            f"'serie_documento' must be 4 letters or digits, got {serie!r}", "serie_documento", format_code
        )
        serie = None
    numero = data.integer("numero_documento", required=True, code=format_code)
    if numero is not None and not 1 <= numero <= _MAX_CORRELATIVO:
        data.error(
            f"'numero_documento' must be from 1 to {_MAX_CORRELATIVO}", "numero_documento", format_code
        )
        numero = None
    affected_type = data.code("codigo_tipo_documento", width=2, allowed=catalogs.entries("01"), required=True)
    if serie is None or numero is None or affected_type is None:
        return None
    return affected_type, f"{serie}-{numero}"


# Regimes --------------------------------------------------------------------------------------


def _is_placeholder(block: Fields, code_keys: tuple[str, ...], amount_keys: tuple[str, ...]) -> bool:
    """A template left in the body: blank code and amounts blank or zero."""
    if any(block.has(key) for key in code_keys):
        return False
    for key in amount_keys:
        value = block.data.get(key)
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


def _detraccion(body: Fields) -> Detraccion | None:
    data = body.object("detraccion")
    if data is None or _is_placeholder(data, ("codigo_tipo_detraccion", "codigo"), ("monto", "porcentaje")):
        return None
    codigo = data.code(
        data.first_given("codigo_tipo_detraccion", "codigo"),
        width=3,
        allowed=catalogs.entries("54"),
        required=True,
        missing_code="3127",
        invalid_code="3033",
    )
    porcentaje = data.amount("porcentaje", required=True)
    monto = data.amount("monto", code="3035")
    medio = data.code("codigo_metodo_pago", width=3, allowed=catalogs.entries("59"))
    cuenta = data.text("cuenta_bancaria", required=True, code="3034")
    transporte = _transporte(data)
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


def _transporte(data: Fields) -> DetraccionTransporte | None:
    if not any(data.has(key) for key in _TRANSPORT_KEYS):
        return None
    return DetraccionTransporte(
        origen=Address(direccion=data.text("direccion_origen"), ubigeo=_ubigeo(data, "ubigeo_origen")),
        destino=Address(direccion=data.text("direccion_destino"), ubigeo=_ubigeo(data, "ubigeo_destino")),
        detalle_viaje=data.text("detalle_viaje"),
        valor_referencial_servicio=data.amount("valor_referencial_servicio_transporte"),
        valor_referencial_carga_efectiva=data.amount(
            data.first_given("valor_referencia_carga_efectiva", "valor_referencial_carga_efectiva")
        ),
        valor_referencial_carga_util=data.amount("valor_referencial_carga_util"),
    )


def _percepcion(body: Fields) -> Percepcion | None:
    data = body.object("percepcion")
    if data is None or _is_placeholder(data, ("codigo",), ("monto", "porcentaje", "factor", "base")):
        return None
    codigo = data.code("codigo", width=2, allowed=_PERCEPCION_CODES, required=True)
    factor = data.amount(data.first_given("porcentaje", "factor"), required=True)
    monto = data.amount("monto")
    amount_base = data.amount("base")
    if codigo is None or factor is None:
        return None
    return Percepcion(codigo, factor, amount_base, monto)


def _retencion(body: Fields) -> Retencion | None:
    data = body.object("retencion")
    if data is None or _is_placeholder(data, ("codigo",), ("monto", "porcentaje", "factor", "base")):
        return None
    data.code("codigo", width=2, allowed=_RETENCION_CODES)
    factor = data.amount(data.first_given("porcentaje", "factor"))
    monto = data.amount("monto")
    amount_base = data.amount("base")
    if factor is None:
        return Retencion(base=amount_base, monto=monto)
    return Retencion(factor, amount_base, monto)


# References -----------------------------------------------------------------------------------


def _prepayments(body: Fields) -> tuple[list[Prepayment], Decimal | None]:
    """The anticipos, and the sum of their values without IGV (``monto``) when every one gives
    both its ``monto`` and its ``total``."""
    found: list[Prepayment] = []
    sin_igv: Decimal | None = Decimal(0)
    for row in body.objects(body.first_given("anticipos", "prepayments")):
        numero = row.text(row.first_given("numero", "number"), required=True, code="2521")
        tipo = row.code(
            row.first_given("codigo_tipo_documento", "document_type_id"),
            width=2,
            allowed=_PREPAYMENT_TYPES,
            required=True,
            code="2505",
        )
        amount_key = row.first_given("total", "monto", "amount")
        monto = row.amount(amount_key, required=True, code="2503")
        value = row.amount("monto") if amount_key == "total" else None
        sin_igv = sin_igv + value if sin_igv is not None and value is not None else None
        if numero is not None and tipo is not None and monto is not None:
            found.append(Prepayment(_PREPAYMENT_TYPES[tipo], numero, monto))
    return found, sin_igv if found else None


def _references(body: Fields, key: str, allowed: Collection[str]) -> list[DocumentReference]:
    found: list[DocumentReference] = []
    for row in body.objects(key):
        numero = row.text("numero", required=True, code="1057")
        tipo = row.code("codigo_tipo_documento", width=2, allowed=allowed, required=True, missing_code="1058")
        row.amount("monto")
        if numero is not None and tipo is not None:
            found.append(DocumentReference(tipo, numero))
    return found


def _guias(body: Fields) -> list[DocumentReference]:
    return _references(body, "guias", _GUIA_TYPES)


def _related(body: Fields) -> list[DocumentReference]:
    return _references(
        body, body.first_given("relacionados", "documentos_relacionados"), catalogs.entries("12")
    )


def _legends(body: Fields) -> list[Legend]:
    found: list[Legend] = []
    for row in body.objects("leyendas"):
        codigo = row.code("codigo", width=4, required=True)
        valor = row.text("valor", required=True, code="3006")
        if codigo is not None and valor is not None:
            found.append(Legend(codigo, valor))
    return found


def _extras(body: Fields) -> dict[str, str]:
    extras: dict[str, str] = {}
    block = body.object("extras")
    for name, value in (block.data if block else {}).items():
        if isinstance(value, str | int | Decimal) and not isinstance(value, bool) and not is_blank(value):
            extras[str(name)] = str(value).strip()
    for key in _EXTRA_TEXTS:
        text = body.text(key)
        if text:
            extras[key] = text
    return extras
