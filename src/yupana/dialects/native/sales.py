"""Yupana's native JSON for facturas (01), boletas (03) and notas de crédito/débito (07/08).

The format is the domain model (``yupana.domain.sale``) written as JSON: the same names
(English for roles: ``issuer``, ``customer``, ``lines``, ``payment``, ``note``, ``totals``;
SUNAT's Spanish for SUNAT's terms: ``serie``, ``tipo_afectacion_igv``, ``detraccion``).
docs/api-native.md describes it and docs/native-sale.schema.json is its JSON Schema. A body
needs little: the customer, serie/correlativo, fecha_emision and lines with cantidad,
descripcion and valor_unitario or precio_unitario; ``calc`` derives every total. Amounts the
caller does declare (``totals``, the derived fields of a line) are compared with SUNAT's
arithmetic instead.

Where the JSON differs from the domain model (``translate_path`` maps domain paths to it)::

    *.address                             -> *.direccion
    issuer.address.codigo_establecimiento -> issuer.codigo_establecimiento
    allowances (document and each line)   -> descuentos + cargos (two lists)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from yupana.dialects.json_fields import Fields, item
from yupana.dialects.native.header import NEXT_NUMBER, read_document_issuer
from yupana.dialects.native.issuer import read_address
from yupana.domain.party import Address, Company, Customer
from yupana.domain.problems import InvalidDocument, Problem, Problems
from yupana.domain.sale import (
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

# SUNAT catalog 53, by the list a code belongs in.
DISCOUNT_CODES = frozenset({"00", "01", "02", "03", "04", "05", "06", "20"})
CHARGE_CODES = frozenset({"45", "46", "47", "48", "49", "50"})
_CODES_WITH_OWN_BLOCK = {"51": "percepcion", "52": "percepcion", "53": "percepcion", "62": "retencion"}
# Codes used when a descuento or cargo comes without one: those that change the IGV base.
LINE_DISCOUNT, LINE_CHARGE = "00", "47"
GLOBAL_DISCOUNT, GLOBAL_CHARGE = "02", "49"

_PAYMENT_FORMS = {"contado": "Contado", "credito": "Credito", "crédito": "Credito"}

_TOTAL_FIELDS = tuple(SaleTotals.__dataclass_fields__)


def parse_sale(body: object, issuer: Company | None) -> SaleDocument:
    """The sales document described by the native JSON ``body``.

    ``issuer`` (the CLI's ``--issuer``, the tenant of an API call) stands in when the body has
    no ``issuer``; when both are present their RUCs must agree and the body's data is used.
    Raises ``InvalidDocument`` with every structural problem found, each with the path of the
    field in the body (``lines[1].cantidad``).
    """
    problems = Problems()
    fields = Fields.open(body, "", problems)
    if fields is None:
        raise InvalidDocument(problems.errors)
    fields.ignore("$schema")

    tipo = fields.required_text("tipo_documento")
    if tipo and tipo not in SALE_TYPES:
        problems.error(f"tipo_documento must be one of {', '.join(SALE_TYPES)}", "tipo_documento", "0302")
    doc = SaleDocument(
        tipo_documento=tipo,
        serie=fields.required_text("serie", upper=True),
        correlativo=_correlativo(fields),
        fecha_emision=fields.required_date("fecha_emision"),
        issuer=read_document_issuer(fields, issuer),
        customer=_customer(fields.object("customer", required=True)),
        lines=[_line(line) for line in fields.objects("lines", required=True)],
        moneda=fields.text("moneda", upper=True) or "PEN",
        hora_emision=fields.time("hora_emision"),
        fecha_vencimiento=fields.date("fecha_vencimiento"),
        tipo_operacion=fields.text("tipo_operacion") or "0101",
        tipo_cambio=fields.amount("tipo_cambio"),
        allowances=_allowances(fields, GLOBAL_DISCOUNT, GLOBAL_CHARGE),
        anticipos=[_prepayment(f) for f in fields.objects("anticipos")],
        payment=_payment(fields.object("payment")),
        detraccion=_detraccion(fields.object("detraccion")),
        percepcion=_percepcion(fields.object("percepcion")),
        retencion=_retencion(fields.object("retencion")),
        guias=[_reference(f, default_type="09") for f in fields.objects("guias")],
        related=[_reference(f) for f in fields.objects("related")],
        orden_compra=fields.text("orden_compra"),
        note=_note(fields.object("note")),
        legends=[_legend(f) for f in fields.objects("legends")],
        observaciones=fields.strings("observaciones"),
        totals=_totals(fields.object("totals")),
        extras=fields.string_map("extras"),
    )
    if "lines" in fields.data and isinstance(fields.data["lines"], list) and not fields.data["lines"]:
        problems.error("a document needs at least one line", "lines")
    fields.close()
    if problems.errors:
        raise InvalidDocument([_with_sunat_code(p, tipo in NOTE_TYPES) for p in problems.errors])
    return doc


# The code SUNAT answers when a field it checks is absent or malformed in the XML, for a
# structural problem of that field in the body: (absent, malformed) on facturas and boletas,
# then on notas.
_SUNAT_CODES: tuple[tuple[re.Pattern[str], tuple[str, str], tuple[str, str]], ...] = (
    (re.compile(r"customer(\.numero_documento)?"), ("2014", "2014"), ("2679", "2679")),
    (re.compile(r"customer\.tipo_documento"), ("2015", "2016"), ("2015", "2016")),
    (re.compile(r"customer\.razon_social"), ("2021", "2021"), ("2021", "2021")),
    (re.compile(r"serie|correlativo"), ("1001", "1001"), ("1001", "1001")),
    (re.compile(r"lines\[\d+\]\.cantidad"), ("2024", "2025"), ("2139", "2139")),
    (re.compile(r"lines\[\d+\]\.descripcion"), ("2026", "2026"), ("2026", "2026")),
    (re.compile(r"payment\.forma"), ("3245", "3246"), ("3245", "3246")),
    (re.compile(r"payment\.cuotas\[\d+\]\.monto"), ("3254", "3253"), ("3254", "3253")),
    (re.compile(r"payment\.cuotas\[\d+\]\.fecha_pago"), ("3256", "3255"), ("3256", "3255")),
)


def _with_sunat_code(problem: Problem, note: bool) -> Problem:
    """A structural problem of a field SUNAT checks, with the code SUNAT answers when that field
    is absent or malformed in the XML (a quantity that is not a number: 2025, 2139 on notes)."""
    if problem.code is not None:
        return problem
    for pattern, sale_codes, note_codes in _SUNAT_CODES:
        if pattern.fullmatch(problem.path):
            absent = "' is required" in problem.message or problem.message.endswith("cannot be empty")
            code = (note_codes if note else sale_codes)[0 if absent else 1]
            return Problem(problem.message, problem.path, code, problem.severity)
    return problem


def _correlativo(fields: Fields) -> int:
    if fields.raw("correlativo") == NEXT_NUMBER:
        return 0
    if not fields.has("correlativo"):
        fields.problems.error(
            f"'correlativo' is required (a number, or \"{NEXT_NUMBER}\" for the next one)",
            fields.at("correlativo"),
        )
        return 0
    number = fields.integer("correlativo")
    if number is not None and number < 1:
        fields.problems.error(
            f'correlativo must be a positive number (or "{NEXT_NUMBER}" for the next one)',
            fields.at("correlativo"),
        )
    return number or 0


def _customer(fields: Fields | None) -> Customer:
    if fields is None:
        return Customer("", "", "")
    customer = Customer(
        tipo_documento=fields.required_text("tipo_documento"),
        numero_documento=fields.required_text("numero_documento"),
        razon_social=fields.required_text("razon_social"),
        address=read_address(fields.object("direccion")),
        email=fields.text("email"),
        telefono=fields.text("telefono"),
    )
    fields.close()
    return customer


def _line(fields: Fields) -> SaleLine:
    line = SaleLine(
        descripcion=fields.required_text("descripcion"),
        cantidad=fields.required_amount("cantidad"),
        unidad=fields.text("unidad", upper=True) or "NIU",
        tipo_afectacion_igv=fields.text("tipo_afectacion_igv") or "10",
        codigo=fields.text("codigo"),
        codigo_sunat=fields.text("codigo_sunat"),
        codigo_gs1=fields.text("codigo_gs1"),
        valor_unitario=fields.amount("valor_unitario"),
        precio_unitario=fields.amount("precio_unitario"),
        valor_referencial=fields.amount("valor_referencial"),
        porcentaje_igv=fields.amount("porcentaje_igv"),
        isc=_isc(fields.object("isc")),
        icbper_factor=fields.amount("icbper_factor"),
        allowances=_allowances(fields, LINE_DISCOUNT, LINE_CHARGE),
        properties=[_property(f) for f in fields.objects("properties")],
        valor_venta=fields.amount("valor_venta"),
        base_igv=fields.amount("base_igv"),
        igv=fields.amount("igv"),
        icbper=fields.amount("icbper"),
        total_impuestos=fields.amount("total_impuestos"),
    )
    fields.close()
    return line


def _isc(fields: Fields | None) -> Isc | None:
    if fields is None:
        return None
    sistema = fields.required_text("sistema")
    # Sistema 02 (monto fijo) may give monto_fijo alone: its percentage is then derived.
    if sistema == "02" and not fields.has("porcentaje"):
        porcentaje = fields.amount("porcentaje") or Decimal(0)
    else:
        porcentaje = fields.required_amount("porcentaje")
    isc = Isc(
        sistema=sistema,
        porcentaje=porcentaje,
        base=fields.amount("base"),
        monto=fields.amount("monto"),
        monto_fijo=fields.amount("monto_fijo"),
        precio_publico=fields.amount("precio_publico"),
    )
    fields.close()
    return isc


def _allowances(fields: Fields, discount_code: str, charge_code: str) -> list[AllowanceCharge]:
    """``descuentos`` then ``cargos`` of a document or a line, as one domain list."""
    result: list[AllowanceCharge] = []
    for name, is_charge, default in (("descuentos", False, discount_code), ("cargos", True, charge_code)):
        for entry in fields.objects(name):
            codigo = entry.text("codigo") or default
            wrong_kind = DISCOUNT_CODES if is_charge else CHARGE_CODES
            if codigo in wrong_kind:
                other = "descuentos" if is_charge else "cargos"
                entry.problems.error(f"code {codigo} of catalog 53 belongs in '{other}'", entry.at("codigo"))
            elif codigo in _CODES_WITH_OWN_BLOCK:
                block = _CODES_WITH_OWN_BLOCK[codigo]
                entry.problems.error(
                    f"code {codigo} of catalog 53 is declared with '{block}'", entry.at("codigo")
                )
            result.append(
                AllowanceCharge(
                    codigo=codigo,
                    monto=entry.amount("monto"),
                    base=entry.amount("base"),
                    factor=entry.amount("factor"),
                    is_charge=is_charge,
                )
            )
            entry.close()
    return result


def _property(fields: Fields) -> ItemProperty:
    prop = ItemProperty(
        codigo=fields.required_text("codigo"),
        nombre=fields.required_text("nombre"),
        valor=fields.text("valor"),
        fecha_inicio=fields.date("fecha_inicio"),
        fecha_fin=fields.date("fecha_fin"),
        duracion_dias=fields.integer("duracion_dias"),
    )
    fields.close()
    return prop


def _prepayment(fields: Fields) -> Prepayment:
    prepayment = Prepayment(
        tipo_documento=fields.required_text("tipo_documento"),
        numero=fields.required_text("numero", upper=True),
        monto=fields.required_amount("monto"),
        emisor_ruc=fields.text("emisor_ruc"),
    )
    fields.close()
    return prepayment


def _payment(fields: Fields | None) -> PaymentTerms | None:
    if fields is None:
        return None
    if not fields.has("forma"):
        fields.raw("forma")
        fields.problems.error("'forma' is required (Contado or Credito)", fields.at("forma"))
    payment = PaymentTerms(
        forma=fields.choice("forma", _PAYMENT_FORMS, "Contado") or "Contado",
        monto=fields.amount("monto"),
        cuotas=[_installment(f) for f in fields.objects("cuotas")],
    )
    fields.close()
    return payment


def _installment(fields: Fields) -> Installment:
    cuota = Installment(
        monto=fields.required_amount("monto"),
        fecha_pago=fields.required_date("fecha_pago"),
        moneda=fields.text("moneda", upper=True),
    )
    fields.close()
    return cuota


def _detraccion(fields: Fields | None) -> Detraccion | None:
    if fields is None:
        return None
    detraccion = Detraccion(
        codigo_bien=fields.required_text("codigo_bien"),
        porcentaje=fields.required_amount("porcentaje"),
        cuenta_banco=fields.required_text("cuenta_banco"),
        monto=fields.amount("monto"),
        medio_pago=fields.text("medio_pago") or "001",
        transporte=_transporte(fields.object("transporte")),
    )
    fields.close()
    return detraccion


def _transporte(fields: Fields | None) -> DetraccionTransporte | None:
    if fields is None:
        return None
    transporte = DetraccionTransporte(
        origen=read_address(fields.object("origen", required=True)) or Address(),
        destino=read_address(fields.object("destino", required=True)) or Address(),
        detalle_viaje=fields.text("detalle_viaje"),
        valor_referencial_servicio=fields.amount("valor_referencial_servicio"),
        valor_referencial_carga_efectiva=fields.amount("valor_referencial_carga_efectiva"),
        valor_referencial_carga_util=fields.amount("valor_referencial_carga_util"),
    )
    fields.close()
    return transporte


def _percepcion(fields: Fields | None) -> Percepcion | None:
    if fields is None:
        return None
    percepcion = Percepcion(
        codigo=fields.required_text("codigo"),
        factor=fields.required_amount("factor"),
        base=fields.amount("base"),
        monto=fields.amount("monto"),
        total=fields.amount("total"),
    )
    fields.close()
    return percepcion


def _retencion(fields: Fields | None) -> Retencion | None:
    if fields is None:
        return None
    retencion = Retencion(base=fields.amount("base"), monto=fields.amount("monto"))
    factor = fields.amount("factor")
    if factor is not None:
        retencion.factor = factor
    fields.close()
    return retencion


def _reference(fields: Fields, default_type: str | None = None) -> DocumentReference:
    tipo = fields.text("tipo_documento") if default_type else fields.required_text("tipo_documento")
    reference = DocumentReference(
        tipo_documento=tipo or default_type or "",
        numero=fields.required_text("numero", upper=True),
    )
    fields.close()
    return reference


def _note(fields: Fields | None) -> NoteReference | None:
    if fields is None:
        return None
    note = NoteReference(
        codigo=fields.required_text("codigo"),
        motivo=fields.required_text("motivo"),
        tipo_documento_afectado=fields.required_text("tipo_documento_afectado"),
        numero_documento_afectado=fields.required_text("numero_documento_afectado", upper=True),
    )
    fields.close()
    return note


def _legend(fields: Fields) -> Legend:
    legend = Legend(codigo=fields.required_text("codigo"), valor=fields.required_text("valor"))
    fields.close()
    return legend


def _totals(fields: Fields | None) -> SaleTotals:
    if fields is None:
        return SaleTotals()
    totals = SaleTotals(**{name: fields.amount(name) for name in _TOTAL_FIELDS})
    fields.close()
    return totals


# Paths ------------------------------------------------------------------------------------

_Renames = Mapping[str, "tuple[str, _Renames | None]"]

_ADDRESS_OWNER: _Renames = {"address": ("direccion", None)}
_RENAMES: _Renames = {"issuer": ("issuer", _ADDRESS_OWNER), "customer": ("customer", _ADDRESS_OWNER)}
_SEGMENT = re.compile(r"([^.\[\]]+)((?:\[\d+\])*)")
_INDEX = re.compile(r"\[(\d+)\]")


def translate_path(domain_path: str, doc: SaleDocument | None = None) -> str:
    """The native path of a field named by its domain path (``lines[0].allowances[1].monto``).

    Domain ``allowances`` are the native ``descuentos`` followed by the ``cargos``; which of the
    two lists (and which index) an allowance came from is read from ``doc``. Without ``doc`` a
    path into ``allowances`` stops at its owner (the line, or the document root ``""``).
    """
    segments = _SEGMENT.findall(domain_path)
    if ".".join(name + indexes for name, indexes in segments) != domain_path:
        return domain_path
    parts: list[str] = []
    renames: _Renames | None = _RENAMES
    owner: object = doc
    for name, indexes in segments:
        if name == "allowances":
            placed = _allowance_path(owner, indexes)
            if placed is None:
                break
            parts.append(placed)
            renames, owner = None, None
            continue
        target, nested = renames.get(name, (name, None)) if renames else (name, None)
        parts.append(target + indexes)
        owner = _line_of(owner, name, indexes)
        renames = nested
    native = ".".join(parts)
    if native == "issuer.direccion.codigo_establecimiento":
        return "issuer.codigo_establecimiento"
    return native


def _line_of(owner: object, name: str, indexes: str) -> SaleLine | None:
    found = _INDEX.findall(indexes)
    if not isinstance(owner, SaleDocument) or name != "lines" or len(found) != 1:
        return None
    index = int(found[0])
    return owner.lines[index] if index < len(owner.lines) else None


def _allowance_path(owner: object, indexes: str) -> str | None:
    allowances = getattr(owner, "allowances", None)
    found = _INDEX.findall(indexes)
    if not isinstance(allowances, list) or len(found) != 1 or int(found[0]) >= len(allowances):
        return None
    index = int(found[0])
    is_charge = _is_charge(allowances[index])
    same_kind = sum(1 for other in allowances[:index] if _is_charge(other) == is_charge)
    return item("cargos" if is_charge else "descuentos", same_kind)


def _is_charge(allowance: AllowanceCharge) -> bool:
    if allowance.is_charge is not None:
        return allowance.is_charge
    return allowance.codigo in CHARGE_CODES
