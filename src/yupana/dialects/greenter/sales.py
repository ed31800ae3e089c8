"""Greenter / Lycet JSON → domain sales documents (factura, boleta, nota de crédito/débito).

The request is what Lycet's ``/invoice/*`` and ``/note/*`` endpoints take: Greenter's
``Invoice`` or ``Note`` model serialised by Lycet (JMS names, e.g. ``ubigueo``, ``codLocal``,
``numDocfectado``), either bare or inside Lycet's envelope ``{"document": ..., "parameters":
...}`` (then every path starts with ``document.``). nexus-doc's variant adds printing blocks
(see ``extras``). Problems are reported with the JSON path in Lycet's terms
(``details[0].cantidad``) and a SUNAT return code where one fits; ``translate_path`` maps
paths of problems found later on the domain document back to those terms.

Greenter computes nothing: callers declare every amount. Declared amounts go into the
domain's declared fields (``SaleLine.valor_venta``, ``SaleTotals.igv``...) for ``calc`` to
check; absent ones stay ``None`` for ``calc`` to derive.

Mapping decisions (Greenter field → domain):

- ``ublVersion``: ``"2.0"``, ``"2.1"`` or absent are accepted; the document is always written
  in UBL 2.1. Anything else is an error (2074).
- ``tipoOperacion`` (invoices) → ``tipo_operacion``, default ``0101``. ``tipoMoneda`` →
  ``moneda``, default ``PEN``. ``unidad`` → ``unidad``, default ``NIU``. ``tipAfeIgv`` →
  ``tipo_afectacion_igv``, default ``10``.
- ``fechaEmision`` → ``fecha_emision`` + ``hora_emision`` in Lima time (an offset such as
  ``-05:00`` is honoured; a bare date gives no time). ``fecVencimiento`` → ``fecha_vencimiento``.
- ``company`` is the issuer; without it the ``issuer`` argument is used. When both are there
  with the same RUC, fields missing in the body are taken from ``issuer``. Address:
  ``ubigueo`` → ``ubigeo``, ``codLocal`` → ``codigo_establecimiento``, ``telephone`` →
  ``telefono``. The customer's ``codLocal`` is not kept: SUNAT has no establishment code for
  the customer (Greenter writes none) and Greenter's model fills ``"0000"`` by default.
- ``details[]``: ``mtoValorUnitario`` → ``valor_unitario``, ``mtoPrecioUnitario`` →
  ``precio_unitario``, ``mtoValorGratuito`` → ``valor_referencial``, ``mtoValorVenta`` →
  ``valor_venta``, ``mtoBaseIgv`` → ``base_igv``, ``codProducto``/``codProdSunat``/
  ``codProdGS1`` → ``codigo``/``codigo_sunat``/``codigo_gs1``, ``atributos`` → ``properties``.
  ISC (``tipSisIsc``, ``porcentajeIsc``, ``mtoBaseIsc``, ``isc``) becomes ``Isc`` when any of
  its amounts is non-zero. ICBPER: ``icbper`` and ``factorIcbper`` are kept only when the line
  declares a non-zero ``icbper``, as Greenter writes the tax only then (its model puts
  ``factorIcbper: 0.3`` on every line). The deprecated scalar ``descuento`` becomes a
  catalog 53 code ``00`` discount when the line has no ``descuentos`` list.
- ``descuentos``/``cargos`` (line and document) → ``allowances`` (discounts first, then
  charges, each in the caller's order). A document discount with ``codTipo`` ``62`` is the
  retención del IGV → ``retencion``.
- Totals: ``mtoOperGravadas``/``Exoneradas``/``Inafectas``/``Exportacion``/``Gratuitas`` →
  ``gravadas``/``exoneradas``/``inafectas``/``exportacion``/``gratuitas``, ``mtoIGVGratuitas``
  → ``igv_gratuitas``, ``mtoBaseIvap``/``mtoIvap``, ``mtoBaseIsc``/``mtoISC``, ``icbper``,
  ``mtoIGV``, ``totalImpuestos``, ``valorVenta`` → ``valor_venta``, ``subTotal`` →
  ``precio_venta`` (TaxInclusiveAmount), ``sumOtrosDescuentos`` → ``descuentos``
  (AllowanceTotalAmount), ``sumOtrosCargos`` → ``cargos``, ``totalAnticipos`` → ``anticipos``,
  ``redondeo``, ``mtoImpVenta`` → ``importe_total``. ``mtoDescuentos``, ``sumDsctoGlobal``
  and ``mtoCargos`` have no UBL 2.1 element (Greenter 2.1 writes ``sumOtrosDescuentos`` /
  ``sumOtrosCargos``): they are kept, as text, in ``extras`` for the printed representation.
- ``formaPago`` object ``{tipo, monto, moneda}`` → ``payment`` (``tipo`` normalised to
  ``Contado``/``Credito``; a ``moneda`` other than the document's is an error, 2071);
  ``cuotas`` → ``payment.cuotas`` (alone, they mean ``Credito``). nexus-doc's ``formaPago``
  list (payments received) is printed (``extras["formaPago"]``) and gives ``Credito`` when an
  entry is ``Credito`` or there are ``cuotas``, else ``Contado``.
- ``anticipos`` (``tipoDocRel``, ``nroDocRel``, ``total``) → ``anticipos``; ``detraccion``
  (``codBienDetraccion``, ``codMedioPago`` default ``001``, ``ctaBanco``, ``percent`` (a
  percentage), ``mount``) → ``detraccion``; its deprecated ``valueRef`` goes to ``extras``.
  ``perception`` (``codReg``, ``porcentaje`` (a factor), ``mtoBase``, ``mto``, ``mtoTotal``)
  → ``percepcion``. ``guias`` → ``guias``, ``relDocs`` → ``related``, ``compra`` →
  ``orden_compra``, ``legends`` → ``legends``, ``observacion`` → ``observaciones``.
- Notes take only what Greenter's ``Note`` model has (like Lycet, invoice-only keys such as
  ``descuentos``, ``anticipos`` or ``detraccion`` are ignored). ``codMotivo``, ``desMotivo``,
  ``tipDocAfectado``, ``numDocfectado`` (Greenter's spelling; ``numDocAfectado`` is accepted
  too) → ``note``.
- Not supported, an error when present with a value: otros tributos (``mtoOtrosTributos``,
  ``mtoBaseOth``, line ``otroTributo``/``mtoBaseOth``/``porcentajeOth``), ``guiaEmbebida``
  (factura-guía) and ``direccionEntrega``: dropping them would change the document.
- Unknown keys are ignored, as Lycet does.
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from yupana.dialects.greenter.extras import payments_text, print_extras, scalar_text
from yupana.dialects.greenter.json_fields import FieldReader, JsonObject, at
from yupana.dialects.greenter.paths import RETENCION_CODE, translate_path
from yupana.domain.party import Address, Company, Customer
from yupana.domain.problems import InvalidDocument
from yupana.domain.sale import (
    BOLETA,
    FACTURA,
    NOTA_DEBITO,
    NOTE_TYPES,
    AllowanceCharge,
    Detraccion,
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

__all__ = ["parse_invoice", "parse_note", "parse_sale", "translate_path"]

INVOICE_TYPES = (FACTURA, BOLETA)
_UBL_VERSIONS = ("2.0", "2.1")
_CORRELATIVO = re.compile(r"\d{1,8}")

# (Greenter key, SaleTotals attribute), for invoices and notes alike.
_TOTALS = (
    ("mtoOperGravadas", "gravadas"),
    ("mtoOperExoneradas", "exoneradas"),
    ("mtoOperInafectas", "inafectas"),
    ("mtoOperExportacion", "exportacion"),
    ("mtoOperGratuitas", "gratuitas"),
    ("mtoIGVGratuitas", "igv_gratuitas"),
    ("mtoBaseIvap", "ivap_base"),
    ("mtoIvap", "ivap"),
    ("mtoBaseIsc", "isc_base"),
    ("mtoISC", "isc"),
    ("icbper", "icbper"),
    ("mtoIGV", "igv"),
    ("totalImpuestos", "total_impuestos"),
    ("valorVenta", "valor_venta"),
    ("subTotal", "precio_venta"),
    ("sumOtrosCargos", "cargos"),
    ("redondeo", "redondeo"),
    ("mtoImpVenta", "importe_total"),
)
_INVOICE_TOTALS = (
    ("sumOtrosDescuentos", "descuentos"),
    ("totalAnticipos", "anticipos"),
)
# Invoice totals with no UBL 2.1 element: printed only.
_PRINTED_TOTALS = ("mtoDescuentos", "sumDsctoGlobal", "mtoCargos")


@dataclass(frozen=True, slots=True)
class _Request:
    document: JsonObject
    parameters: object
    prefix: str  # "" for a bare document, "document" inside Lycet's envelope


def parse_sale(body: object, issuer: Company | None) -> SaleDocument:
    """A factura/boleta (``tipoDoc`` 01/03) or a nota (07/08), by its ``tipoDoc``."""
    request = _request(body)
    tipo = request.document.get("tipoDoc")
    if tipo in NOTE_TYPES:
        return _parse(request, issuer, NOTE_TYPES)
    if tipo in INVOICE_TYPES or tipo is None:
        return _parse(request, issuer, INVOICE_TYPES)
    path = at(request.prefix, "tipoDoc")
    raise InvalidDocument.single(f"{path} must be 01, 03, 07 or 08, not {tipo!r}", path, "1003")


def parse_invoice(body: object, issuer: Company | None) -> SaleDocument:
    """Greenter's ``Invoice``: a factura (01) or boleta (03)."""
    return _parse(_request(body), issuer, INVOICE_TYPES)


def parse_note(body: object, issuer: Company | None) -> SaleDocument:
    """Greenter's ``Note``: a nota de crédito (07) or nota de débito (08)."""
    return _parse(_request(body), issuer, NOTE_TYPES)


def _request(body: object) -> _Request:
    if isinstance(body, bytes | bytearray | str):
        try:
            body = json.loads(body, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidDocument.single(f"the request body is not valid JSON: {exc}") from None
    if not isinstance(body, Mapping):
        raise InvalidDocument.single("the request body must be a JSON object")
    document = body.get("document")
    if isinstance(document, Mapping) and "tipoDoc" not in body:
        return _Request(document, body.get("parameters"), "document")
    return _Request(body, None, "")


@dataclass(slots=True)
class _InvoiceFields:
    """What Greenter's ``Invoice`` has beyond ``BaseSale`` (left at these defaults for notes)."""

    tipo_operacion: str = "0101"
    fecha_vencimiento: date | None = None
    allowances: list[AllowanceCharge] = field(default_factory=list)
    retencion: Retencion | None = None
    anticipos: list[Prepayment] = field(default_factory=list)
    detraccion: Detraccion | None = None
    observaciones: list[str] = field(default_factory=list)


def _parse(request: _Request, issuer: Company | None, types: tuple[str, ...]) -> SaleDocument:
    r = FieldReader()
    doc, p = request.document, request.prefix
    is_note = types == NOTE_TYPES

    tipo = r.text(doc, "tipoDoc", p, required=True, code="1004")
    if tipo is not None and tipo not in types:
        kind = "a nota" if is_note else "a factura or boleta"
        r.error(
            f"{at(p, 'tipoDoc')} must be {' or '.join(types)} for {kind}, not {tipo!r}",
            at(p, "tipoDoc"),
            "1003",
        )
    ubl = r.text(doc, "ublVersion", p)
    if ubl is not None and ubl.strip() not in _UBL_VERSIONS:
        r.error(f"{at(p, 'ublVersion')} must be 2.1, not {ubl!r}", at(p, "ublVersion"), "2074")
    serie = r.text(doc, "serie", p, required=True, code="0006")
    correlativo = _correlativo(r, doc, p)
    emision = r.moment(doc, "fechaEmision", p, required=True, code="1010", invalid_code="1009")
    moneda = r.text(doc, "tipoMoneda", p) or "PEN"
    company = _issuer(r, doc, p, issuer)
    customer = _customer(r, doc, p)
    lines = _lines(r, doc, p, quantity_code="2580" if is_note else "2025")
    extras = print_extras(doc, request.parameters)
    payment = _payment(r, doc, p, moneda, extras)
    totals = _totals(r, doc, p, _TOTALS if is_note else _TOTALS + _INVOICE_TOTALS)
    percepcion = _perception(r, doc, p)
    guias = _references(r, doc, p, "guias")
    related = _references(r, doc, p, "relDocs", number_code="1057", type_code="1058")
    legends = _legends(r, doc, p)
    orden_compra = r.text(doc, "compra", p)
    note = _note_reference(r, doc, p, tipo) if is_note else None
    invoice = _InvoiceFields() if is_note else _invoice_fields(r, doc, p, extras)
    _reject_unsupported(r, doc, p, is_note)
    r.problems.raise_if_errors()
    # Every required value was reported above when missing, so these hold here.
    assert tipo and serie and correlativo and emision and company and customer

    return SaleDocument(
        tipo_documento=tipo,
        serie=serie,
        correlativo=correlativo,
        fecha_emision=emision[0],
        hora_emision=emision[1],
        issuer=company,
        customer=customer,
        lines=lines,
        moneda=moneda,
        tipo_operacion=invoice.tipo_operacion,
        fecha_vencimiento=invoice.fecha_vencimiento,
        allowances=invoice.allowances,
        anticipos=invoice.anticipos,
        payment=payment,
        detraccion=invoice.detraccion,
        percepcion=percepcion,
        retencion=invoice.retencion,
        guias=guias,
        related=related,
        orden_compra=orden_compra,
        note=note,
        legends=legends,
        observaciones=invoice.observaciones,
        totals=totals,
        extras=extras,
    )


def _invoice_fields(r: FieldReader, doc: JsonObject, p: str, extras: dict[str, str]) -> _InvoiceFields:
    fields = _InvoiceFields(fecha_vencimiento=r.day(doc, "fecVencimiento", p))
    fields.tipo_operacion = r.text(doc, "tipoOperacion", p) or fields.tipo_operacion
    fields.allowances, fields.retencion = _document_allowances(r, doc, p)
    fields.anticipos = _prepayments(r, doc, p)
    fields.detraccion = _detraccion(r, doc, p, extras)
    observacion = r.text(doc, "observacion", p)
    fields.observaciones = [observacion] if observacion else []
    for key in _PRINTED_TOTALS:
        value = r.amount(doc, key, p)
        if value is not None:
            extras[key] = format(value, "f")
    return fields


# -- header -------------------------------------------------------------------------------


def _correlativo(r: FieldReader, doc: JsonObject, p: str) -> int | None:
    text = r.text(doc, "correlativo", p, required=True, code="0009")
    if text is None:
        return None
    digits = text.strip()
    if not _CORRELATIVO.fullmatch(digits) or int(digits) == 0:
        r.error(
            f"{at(p, 'correlativo')} must be a number from 1 to 99999999, not {text!r}",
            at(p, "correlativo"),
            "1001",
        )
        return None
    return int(digits)


def _address(r: FieldReader, obj: JsonObject, path: str, *, with_local: bool) -> Address:
    return Address(
        direccion=r.text(obj, "direccion", path),
        ubigeo=r.text(obj, "ubigueo", path),
        departamento=r.text(obj, "departamento", path),
        provincia=r.text(obj, "provincia", path),
        distrito=r.text(obj, "distrito", path),
        urbanizacion=r.text(obj, "urbanizacion", path),
        codigo_pais=r.text(obj, "codigoPais", path) or "PE",
        codigo_establecimiento=r.text(obj, "codLocal", path) if with_local else None,
    )


def _issuer(r: FieldReader, doc: JsonObject, p: str, issuer: Company | None) -> Company | None:
    path = at(p, "company")
    if doc.get("company") is None:
        if issuer is None:
            r.error(f"{path} is required: the request names no issuer and none is configured", path, "2676")
        return copy.deepcopy(issuer)
    obj = r.obj(doc, "company", p)
    if obj is None:
        return None
    ruc = r.text(obj, "ruc", path, required=True, code="2676")
    same = issuer if issuer is not None and ruc is not None and ruc.strip() == issuer.ruc else None
    razon_social = r.text(obj, "razonSocial", path, required=same is None, code="1037")
    address_obj = r.obj(obj, "address", path)
    if address_obj is not None:
        address = _address(r, address_obj, at(path, "address"), with_local=True)
    else:
        address = copy.deepcopy(same.address) if same is not None else Address()
    if ruc is None or (razon_social is None and same is None):
        return None
    return Company(
        ruc=ruc,
        razon_social=razon_social or (same.razon_social if same else ""),
        nombre_comercial=r.text(obj, "nombreComercial", path) or (same.nombre_comercial if same else None),
        address=address,
        email=r.text(obj, "email", path) or (same.email if same else None),
        telefono=r.text(obj, "telephone", path) or (same.telefono if same else None),
    )


def _customer(r: FieldReader, doc: JsonObject, p: str) -> Customer | None:
    obj = r.obj(doc, "client", p, required=True, code="2514")
    if obj is None:
        return None
    path = at(p, "client")
    tipo = r.text(obj, "tipoDoc", path, required=True, code="2015")
    numero = r.text(obj, "numDoc", path, required=True, code="2014")
    nombre = r.text(obj, "rznSocial", path, required=True, code="2021")
    address_obj = r.obj(obj, "address", path)
    address = _address(r, address_obj, at(path, "address"), with_local=False) if address_obj else None
    if tipo is None or numero is None or nombre is None:
        return None
    return Customer(
        tipo_documento=tipo,
        numero_documento=numero,
        razon_social=nombre,
        address=address,
        email=r.text(obj, "email", path),
        telefono=r.text(obj, "telephone", path),
    )


# -- lines --------------------------------------------------------------------------------


def _lines(r: FieldReader, doc: JsonObject, p: str, *, quantity_code: str) -> list[SaleLine]:
    entries = r.objects(doc, "details", p, required=True)
    if isinstance(doc.get("details"), list) and not doc["details"]:
        r.error(f"{at(p, 'details')} must have at least one line", at(p, "details"))
    lines = []
    for path, obj in entries:
        line = _line(r, obj, path, quantity_code)
        if line is not None:
            lines.append(line)
    return lines


def _line(r: FieldReader, obj: JsonObject, path: str, quantity_code: str) -> SaleLine | None:
    descripcion = r.text(obj, "descripcion", path, required=True, code="2026")
    cantidad = r.amount(obj, "cantidad", path, required=True, code="2580", invalid_code=quantity_code)
    icbper = r.amount(obj, "icbper", path)
    icbper_factor = r.amount(obj, "factorIcbper", path)
    has_icbper = icbper is not None and icbper != 0
    line = SaleLine(
        descripcion=descripcion or "",
        cantidad=cantidad if cantidad is not None else Decimal(0),
        unidad=r.text(obj, "unidad", path) or "NIU",
        tipo_afectacion_igv=r.text(obj, "tipAfeIgv", path) or "10",
        codigo=r.text(obj, "codProducto", path),
        codigo_sunat=r.text(obj, "codProdSunat", path),
        codigo_gs1=r.text(obj, "codProdGS1", path),
        valor_unitario=r.amount(obj, "mtoValorUnitario", path),
        precio_unitario=r.amount(obj, "mtoPrecioUnitario", path),
        valor_referencial=r.amount(obj, "mtoValorGratuito", path),
        porcentaje_igv=r.amount(obj, "porcentajeIgv", path),
        isc=_isc(r, obj, path),
        icbper_factor=icbper_factor if has_icbper else None,
        allowances=_line_allowances(r, obj, path),
        properties=_properties(r, obj, path),
        valor_venta=r.amount(obj, "mtoValorVenta", path),
        base_igv=r.amount(obj, "mtoBaseIgv", path),
        igv=r.amount(obj, "igv", path),
        icbper=icbper if has_icbper else None,
        total_impuestos=r.amount(obj, "totalImpuestos", path),
    )
    for key in ("otroTributo", "mtoBaseOth", "porcentajeOth"):
        _reject_amount(r, obj, key, path, "otros tributos (9999) are not supported")
    if descripcion is None or cantidad is None:
        return None
    return line


def _isc(r: FieldReader, obj: JsonObject, path: str) -> Isc | None:
    sistema = r.text(obj, "tipSisIsc", path)
    porcentaje = r.amount(obj, "porcentajeIsc", path)
    base = r.amount(obj, "mtoBaseIsc", path)
    monto = r.amount(obj, "isc", path)
    if not any(value for value in (porcentaje, base, monto)):
        return None
    if sistema is None:
        r.error(f"{at(path, 'tipSisIsc')} is required when the line has ISC", at(path, "tipSisIsc"))
    if porcentaje is None:
        r.error(f"{at(path, 'porcentajeIsc')} is required when the line has ISC", at(path, "porcentajeIsc"))
    if sistema is None or porcentaje is None:
        return None
    return Isc(sistema=sistema, porcentaje=porcentaje, base=base, monto=monto)


def _charges(
    r: FieldReader, obj: JsonObject, path: str, key: str, *, code: str
) -> list[tuple[str, AllowanceCharge]]:
    found = []
    for entry_path, entry in r.objects(obj, key, path):
        codigo = r.text(entry, "codTipo", entry_path, required=True, code=code)
        charge = AllowanceCharge(
            codigo=codigo or "",
            monto=r.amount(entry, "monto", entry_path),
            base=r.amount(entry, "montoBase", entry_path),
            factor=r.amount(entry, "factor", entry_path),
            is_charge=key == "cargos",
        )
        if codigo is not None:
            found.append((entry_path, charge))
    return found


def _line_allowances(r: FieldReader, obj: JsonObject, path: str) -> list[AllowanceCharge]:
    discounts = _charges(r, obj, path, "descuentos", code="3073")
    charges = _charges(r, obj, path, "cargos", code="3073")
    allowances = [charge for _, charge in discounts + charges]
    single = r.amount(obj, "descuento", path)
    if single and obj.get("descuentos") is None:
        allowances.insert(0, AllowanceCharge(codigo="00", monto=single, is_charge=False))
    return allowances


def _properties(r: FieldReader, obj: JsonObject, path: str) -> list[ItemProperty]:
    found = []
    for entry_path, entry in r.objects(obj, "atributos", path):
        codigo = r.text(entry, "code", entry_path, required=True)
        value = entry.get("value")
        valor = scalar_text(value) if not isinstance(value, bool) else None
        if value is not None and valor is None:
            r.error(f"{at(entry_path, 'value')} must be a string", at(entry_path, "value"))
        prop = ItemProperty(
            codigo=codigo or "",
            nombre=r.text(entry, "name", entry_path) or "",
            valor=valor,
            fecha_inicio=r.day(entry, "fecInicio", entry_path),
            fecha_fin=r.day(entry, "fecFin", entry_path),
            duracion_dias=r.integer(entry, "duracion", entry_path),
        )
        if codigo is not None:
            found.append(prop)
    return found


# -- document-level blocks ----------------------------------------------------------------


def _document_allowances(
    r: FieldReader, doc: JsonObject, p: str
) -> tuple[list[AllowanceCharge], Retencion | None]:
    allowances: list[AllowanceCharge] = []
    retencion: Retencion | None = None
    for path, charge in _charges(r, doc, p, "descuentos", code="3072"):
        if charge.codigo.strip() != RETENCION_CODE:
            allowances.append(charge)
        elif retencion is None:
            retencion = Retencion(base=charge.base, monto=charge.monto)
            if charge.factor is not None:
                retencion.factor = charge.factor
        else:
            r.error(f"{path} repeats the retención (codTipo 62): a document has one", path)
    allowances.extend(charge for _, charge in _charges(r, doc, p, "cargos", code="3072"))
    return allowances, retencion


def _prepayments(r: FieldReader, doc: JsonObject, p: str) -> list[Prepayment]:
    found = []
    for path, obj in r.objects(doc, "anticipos", p):
        tipo = r.text(obj, "tipoDocRel", path, required=True, code="2505")
        numero = r.text(obj, "nroDocRel", path, required=True, code="2522")
        monto = r.amount(obj, "total", path, required=True, code="2503")
        if tipo is not None and numero is not None and monto is not None:
            found.append(Prepayment(tipo_documento=tipo, numero=numero, monto=monto))
    return found


def _detraccion(r: FieldReader, doc: JsonObject, p: str, extras: dict[str, str]) -> Detraccion | None:
    obj = r.obj(doc, "detraccion", p)
    if obj is None:
        return None
    path = at(p, "detraccion")
    codigo = r.text(obj, "codBienDetraccion", path, required=True, code="3127")
    porcentaje = r.amount(obj, "percent", path, required=True)
    cuenta = r.text(obj, "ctaBanco", path, required=True, code="3034")
    monto = r.amount(obj, "mount", path, invalid_code="3035")
    medio = r.text(obj, "codMedioPago", path) or "001"
    reference = r.amount(obj, "valueRef", path)
    if reference is not None:
        extras["detraccion.valueRef"] = format(reference, "f")
    if codigo is None or porcentaje is None or cuenta is None:
        return None
    return Detraccion(
        codigo_bien=codigo, porcentaje=porcentaje, cuenta_banco=cuenta, monto=monto, medio_pago=medio
    )


def _perception(r: FieldReader, doc: JsonObject, p: str) -> Percepcion | None:
    obj = r.obj(doc, "perception", p)
    if obj is None:
        return None
    path = at(p, "perception")
    codigo = r.text(obj, "codReg", path, required=True)
    factor = r.amount(obj, "porcentaje", path, required=True)
    percepcion = Percepcion(
        codigo=codigo or "",
        factor=factor if factor is not None else Decimal(0),
        base=r.amount(obj, "mtoBase", path),
        monto=r.amount(obj, "mto", path),
        total=r.amount(obj, "mtoTotal", path),
    )
    return percepcion if codigo is not None and factor is not None else None


def _references(
    r: FieldReader,
    doc: JsonObject,
    p: str,
    key: str,
    *,
    number_code: str | None = None,
    type_code: str | None = None,
) -> list[DocumentReference]:
    found = []
    for path, obj in r.objects(doc, key, p):
        tipo = r.text(obj, "tipoDoc", path, required=True, code=type_code)
        numero = r.text(obj, "nroDoc", path, required=True, code=number_code)
        if tipo is not None and numero is not None:
            found.append(DocumentReference(tipo_documento=tipo, numero=numero))
    return found


def _legends(r: FieldReader, doc: JsonObject, p: str) -> list[Legend]:
    found = []
    for path, obj in r.objects(doc, "legends", p):
        codigo = r.text(obj, "code", path, required=True)
        valor = r.text(obj, "value", path, required=True)
        if codigo is not None and valor is not None:
            found.append(Legend(codigo=codigo, valor=valor))
    return found


def _totals(r: FieldReader, doc: JsonObject, p: str, keys: tuple[tuple[str, str], ...]) -> SaleTotals:
    totals = SaleTotals()
    for key, attribute in keys:
        setattr(totals, attribute, r.amount(doc, key, p))
    return totals


def _note_reference(r: FieldReader, doc: JsonObject, p: str, tipo: str | None) -> NoteReference | None:
    codigo = r.text(doc, "codMotivo", p, required=True, code="2128")
    motivo = r.text(doc, "desMotivo", p, required=True, code="2136")
    tipo_afectado = r.text(doc, "tipDocAfectado", p, required=True, code="2583")
    number_key = (
        "numDocAfectado" if doc.get("numDocfectado") is None and "numDocAfectado" in doc else "numDocfectado"
    )
    numero = r.text(doc, number_key, p, required=True, code="2205" if tipo == NOTA_DEBITO else "2117")
    if codigo is None or motivo is None or tipo_afectado is None or numero is None:
        return None
    return NoteReference(
        codigo=codigo, motivo=motivo, tipo_documento_afectado=tipo_afectado, numero_documento_afectado=numero
    )


# -- payment ------------------------------------------------------------------------------


def _forma(tipo: str) -> str:
    """``Contado`` or ``Credito`` whatever the case and accents; anything else as given."""
    plain = unicodedata.normalize("NFKD", tipo.strip()).encode("ascii", "ignore").decode().casefold()
    return {"contado": "Contado", "credito": "Credito"}.get(plain, tipo.strip())


def _payment(
    r: FieldReader, doc: JsonObject, p: str, moneda: str, extras: dict[str, str]
) -> PaymentTerms | None:
    cuotas = []
    for path, obj in r.objects(doc, "cuotas", p):
        monto = r.amount(obj, "monto", path, required=True, code="3254", invalid_code="3253")
        fecha = r.day(obj, "fechaPago", path, required=True, code="3256", invalid_code="3255")
        cuota_moneda = r.text(obj, "moneda", path)
        if monto is not None and fecha is not None:
            cuotas.append(Installment(monto=monto, fecha_pago=fecha, moneda=cuota_moneda))

    forma_pago = doc.get("formaPago")
    path = at(p, "formaPago")
    if forma_pago is None:
        return PaymentTerms(forma="Credito", cuotas=cuotas) if cuotas else None
    if isinstance(forma_pago, Mapping):
        tipo = r.text(forma_pago, "tipo", path, required=True, code="3245")
        monto = r.amount(forma_pago, "monto", path, invalid_code="3250")
        currency = r.text(forma_pago, "moneda", path)
        if currency is not None and currency.strip() != moneda:
            r.error(
                f"{at(path, 'moneda')} must be the document's currency {moneda}, not {currency!r}",
                at(path, "moneda"),
                "2071",
            )
        return PaymentTerms(forma=_forma(tipo or ""), monto=monto, cuotas=cuotas)
    if isinstance(forma_pago, list):
        extras["formaPago"] = payments_text(forma_pago)
        credit = [
            (f"{path}[{index}]", entry)
            for index, entry in enumerate(forma_pago)
            if isinstance(entry, Mapping)
            and isinstance(entry.get("tipo"), str)
            and _forma(entry["tipo"]) == "Credito"
        ]
        if not credit and not cuotas:
            return PaymentTerms(forma="Contado")
        amounts = [r.amount(entry, "monto", entry_path, invalid_code="3250") for entry_path, entry in credit]
        declared = [amount for amount in amounts if amount is not None]
        return PaymentTerms(
            forma="Credito", monto=sum(declared, Decimal(0)) if declared else None, cuotas=cuotas
        )
    r.error(f"{path} must be an object or a list", path, "3245")
    return None


# -- what the domain cannot carry ---------------------------------------------------------


def _reject_amount(r: FieldReader, obj: JsonObject, key: str, path: str, reason: str) -> None:
    value = r.amount(obj, key, path)
    if value:
        r.error(f"{at(path, key)}: {reason}", at(path, key))


def _reject_unsupported(r: FieldReader, doc: JsonObject, p: str, is_note: bool) -> None:
    for key in ("mtoOtrosTributos", "mtoBaseOth"):
        _reject_amount(r, doc, key, p, "otros tributos (9999) are not supported")
    if is_note:
        return
    for key, what in (
        ("guiaEmbebida", "factura-guía (guiaEmbebida)"),
        ("direccionEntrega", "direccionEntrega"),
    ):
        value = doc.get(key)
        if value is not None and value != {} and value != []:
            r.error(f"{at(p, key)}: {what} is not supported", at(p, key))
