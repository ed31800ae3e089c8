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
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from yupana.dialects.greenter import LENIENCY
from yupana.dialects.greenter.company import read_address
from yupana.dialects.greenter.envelope import is_enveloped, json_object
from yupana.dialects.greenter.extras import payments_text, print_extras, scalar_text
from yupana.dialects.greenter.paths import RETENCION_CODE, translate_path
from yupana.dialects.json_fields import Fields, JsonObject, child, item
from yupana.domain.party import Address, Company, Customer
from yupana.domain.problems import InvalidDocument, Problems
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
    path = child(request.prefix, "tipoDoc")
    raise InvalidDocument.single(f"{path} must be 01, 03, 07 or 08, not {tipo!r}", path, "1003")


def parse_invoice(body: object, issuer: Company | None) -> SaleDocument:
    """Greenter's ``Invoice``: a factura (01) or boleta (03)."""
    return _parse(_request(body), issuer, INVOICE_TYPES)


def parse_note(body: object, issuer: Company | None) -> SaleDocument:
    """Greenter's ``Note``: a nota de crédito (07) or nota de débito (08)."""
    return _parse(_request(body), issuer, NOTE_TYPES)


def _request(body: object) -> _Request:
    body = json_object(body)
    if is_enveloped(body, "tipoDoc"):
        return _Request(body["document"], body.get("parameters"), "document")  # type: ignore[arg-type]
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
    doc = Fields.open(request.document, request.prefix, Problems(), LENIENCY)
    assert doc is not None  # _request found an object
    is_note = types == NOTE_TYPES

    tipo = doc.text("tipoDoc", required=True, code="1004")
    if tipo is not None and tipo not in types:
        kind = "a nota" if is_note else "a factura or boleta"
        doc.error(
            f"{doc.at('tipoDoc')} must be {' or '.join(types)} for {kind}, not {tipo!r}", "tipoDoc", "1003"
        )
    ubl = doc.text("ublVersion")
    if ubl is not None and ubl.strip() not in _UBL_VERSIONS:
        doc.error(f"{doc.at('ublVersion')} must be 2.1, not {ubl!r}", "ublVersion", "2074")
    serie = doc.text("serie", required=True, code="0006")
    correlativo = _correlativo(doc)
    emision = doc.moment("fechaEmision", required=True, code="1010", invalid_code="1009")
    moneda = doc.text("tipoMoneda") or "PEN"
    company = _issuer(doc, issuer)
    customer = _customer(doc)
    lines = _lines(doc, quantity_code="2580" if is_note else "2025")
    extras = print_extras(doc.data, request.parameters)
    payment = _payment(doc, moneda, extras)
    totals = _totals(doc, _TOTALS if is_note else _TOTALS + _INVOICE_TOTALS)
    percepcion = _perception(doc)
    guias = _references(doc, "guias")
    related = _references(doc, "relDocs", number_code="1057", type_code="1058")
    legends = _legends(doc)
    orden_compra = doc.text("compra")
    note = _note_reference(doc, tipo) if is_note else None
    invoice = _InvoiceFields() if is_note else _invoice_fields(doc, extras)
    _reject_unsupported(doc, is_note)
    doc.problems.raise_if_errors()
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


def _invoice_fields(doc: Fields, extras: dict[str, str]) -> _InvoiceFields:
    fields = _InvoiceFields(fecha_vencimiento=doc.day("fecVencimiento"))
    fields.tipo_operacion = doc.text("tipoOperacion") or fields.tipo_operacion
    fields.allowances, fields.retencion = _document_allowances(doc)
    fields.anticipos = _prepayments(doc)
    fields.detraccion = _detraccion(doc, extras)
    observacion = doc.text("observacion")
    fields.observaciones = [observacion] if observacion else []
    for key in _PRINTED_TOTALS:
        value = doc.amount(key)
        if value is not None:
            extras[key] = format(value, "f")
    return fields


# -- header -------------------------------------------------------------------------------


def _correlativo(doc: Fields) -> int | None:
    text = doc.text("correlativo", required=True, code="0009")
    if text is None:
        return None
    digits = text.strip()
    if not _CORRELATIVO.fullmatch(digits) or int(digits) == 0:
        doc.error(
            f"{doc.at('correlativo')} must be a number from 1 to 99999999, not {text!r}",
            "correlativo",
            "1001",
        )
        return None
    return int(digits)


def _issuer(doc: Fields, issuer: Company | None) -> Company | None:
    if doc.data.get("company") is None:
        if issuer is None:
            doc.error(
                f"{doc.at('company')} is required: the request names no issuer and none is configured",
                "company",
                "2676",
            )
        return copy.deepcopy(issuer)
    obj = doc.object("company")
    if obj is None:
        return None
    ruc = obj.text("ruc", required=True, code="2676")
    same = issuer if issuer is not None and ruc is not None and ruc.strip() == issuer.ruc else None
    razon_social = obj.text("razonSocial", required=same is None, code="1037")
    address_obj = obj.object("address")
    if address_obj is not None:
        address = read_address(address_obj, upper_country=False)
    else:
        address = copy.deepcopy(same.address) if same is not None else Address()
    if ruc is None or (razon_social is None and same is None):
        return None
    return Company(
        ruc=ruc,
        razon_social=razon_social or (same.razon_social if same else ""),
        nombre_comercial=obj.text("nombreComercial") or (same.nombre_comercial if same else None),
        address=address,
        email=obj.text("email") or (same.email if same else None),
        telefono=obj.text("telephone") or (same.telefono if same else None),
    )


def _customer(doc: Fields) -> Customer | None:
    obj = doc.object("client", required=True, code="2514")
    if obj is None:
        return None
    tipo = obj.text("tipoDoc", required=True, code="2015")
    numero = obj.text("numDoc", required=True, code="2014")
    nombre = obj.text("rznSocial", required=True, code="2021")
    address_obj = obj.object("address")
    address = read_address(address_obj, upper_country=False, with_local=False) if address_obj else None
    if tipo is None or numero is None or nombre is None:
        return None
    return Customer(
        tipo_documento=tipo,
        numero_documento=numero,
        razon_social=nombre,
        address=address,
        email=obj.text("email"),
        telefono=obj.text("telephone"),
    )


# -- lines --------------------------------------------------------------------------------


def _lines(doc: Fields, *, quantity_code: str) -> list[SaleLine]:
    entries = doc.objects("details", required=True)
    if isinstance(doc.data.get("details"), list) and not doc.data["details"]:
        doc.error(f"{doc.at('details')} must have at least one line", "details")
    lines = []
    for obj in entries:
        line = _line(obj, quantity_code)
        if line is not None:
            lines.append(line)
    return lines


def _line(obj: Fields, quantity_code: str) -> SaleLine | None:
    descripcion = obj.text("descripcion", required=True, code="2026")
    cantidad = obj.amount("cantidad", required=True, code="2580", invalid_code=quantity_code)
    icbper = obj.amount("icbper")
    icbper_factor = obj.amount("factorIcbper")
    has_icbper = icbper is not None and icbper != 0
    line = SaleLine(
        descripcion=descripcion or "",
        cantidad=cantidad if cantidad is not None else Decimal(0),
        unidad=obj.text("unidad") or "NIU",
        tipo_afectacion_igv=obj.text("tipAfeIgv") or "10",
        codigo=obj.text("codProducto"),
        codigo_sunat=obj.text("codProdSunat"),
        codigo_gs1=obj.text("codProdGS1"),
        valor_unitario=obj.amount("mtoValorUnitario"),
        precio_unitario=obj.amount("mtoPrecioUnitario"),
        valor_referencial=obj.amount("mtoValorGratuito"),
        porcentaje_igv=obj.amount("porcentajeIgv"),
        isc=_isc(obj),
        icbper_factor=icbper_factor if has_icbper else None,
        allowances=_line_allowances(obj),
        properties=_properties(obj),
        valor_venta=obj.amount("mtoValorVenta"),
        base_igv=obj.amount("mtoBaseIgv"),
        igv=obj.amount("igv"),
        icbper=icbper if has_icbper else None,
        total_impuestos=obj.amount("totalImpuestos"),
    )
    for key in ("otroTributo", "mtoBaseOth", "porcentajeOth"):
        _reject_amount(obj, key, "otros tributos (9999) are not supported")
    if descripcion is None or cantidad is None:
        return None
    return line


def _isc(obj: Fields) -> Isc | None:
    sistema = obj.text("tipSisIsc")
    porcentaje = obj.amount("porcentajeIsc")
    base = obj.amount("mtoBaseIsc")
    monto = obj.amount("isc")
    if not any(value for value in (porcentaje, base, monto)):
        return None
    if sistema is None:
        obj.error(f"{obj.at('tipSisIsc')} is required when the line has ISC", "tipSisIsc")
    if porcentaje is None:
        obj.error(f"{obj.at('porcentajeIsc')} is required when the line has ISC", "porcentajeIsc")
    if sistema is None or porcentaje is None:
        return None
    return Isc(sistema=sistema, porcentaje=porcentaje, base=base, monto=monto)


def _charges(obj: Fields, key: str, *, code: str) -> list[tuple[Fields, AllowanceCharge]]:
    found = []
    for entry in obj.objects(key):
        codigo = entry.text("codTipo", required=True, code=code)
        charge = AllowanceCharge(
            codigo=codigo or "",
            monto=entry.amount("monto"),
            base=entry.amount("montoBase"),
            factor=entry.amount("factor"),
            is_charge=key == "cargos",
        )
        if codigo is not None:
            found.append((entry, charge))
    return found


def _line_allowances(obj: Fields) -> list[AllowanceCharge]:
    discounts = _charges(obj, "descuentos", code="3073")
    charges = _charges(obj, "cargos", code="3073")
    allowances = [charge for _, charge in discounts + charges]
    single = obj.amount("descuento")
    if single and obj.data.get("descuentos") is None:
        allowances.insert(0, AllowanceCharge(codigo="00", monto=single, is_charge=False))
    return allowances


def _properties(obj: Fields) -> list[ItemProperty]:
    found = []
    for entry in obj.objects("atributos"):
        codigo = entry.text("code", required=True)
        value = entry.raw("value")
        valor = scalar_text(value) if not isinstance(value, bool) else None
        if value is not None and valor is None:
            entry.error(f"{entry.at('value')} must be a string", "value")
        prop = ItemProperty(
            codigo=codigo or "",
            nombre=entry.text("name") or "",
            valor=valor,
            fecha_inicio=entry.day("fecInicio"),
            fecha_fin=entry.day("fecFin"),
            duracion_dias=entry.integer("duracion"),
        )
        if codigo is not None:
            found.append(prop)
    return found


# -- document-level blocks ----------------------------------------------------------------


def _document_allowances(doc: Fields) -> tuple[list[AllowanceCharge], Retencion | None]:
    allowances: list[AllowanceCharge] = []
    retencion: Retencion | None = None
    for entry, charge in _charges(doc, "descuentos", code="3072"):
        if charge.codigo.strip() != RETENCION_CODE:
            allowances.append(charge)
        elif retencion is None:
            retencion = Retencion(base=charge.base, monto=charge.monto)
            if charge.factor is not None:
                retencion.factor = charge.factor
        else:
            entry.error(f"{entry.path} repeats the retención (codTipo 62): a document has one")
    allowances.extend(charge for _, charge in _charges(doc, "cargos", code="3072"))
    return allowances, retencion


def _prepayments(doc: Fields) -> list[Prepayment]:
    found = []
    for obj in doc.objects("anticipos"):
        tipo = obj.text("tipoDocRel", required=True, code="2505")
        numero = obj.text("nroDocRel", required=True, code="2522")
        monto = obj.amount("total", required=True, code="2503")
        if tipo is not None and numero is not None and monto is not None:
            found.append(Prepayment(tipo_documento=tipo, numero=numero, monto=monto))
    return found


def _detraccion(doc: Fields, extras: dict[str, str]) -> Detraccion | None:
    obj = doc.object("detraccion")
    if obj is None:
        return None
    codigo = obj.text("codBienDetraccion", required=True, code="3127")
    porcentaje = obj.amount("percent", required=True)
    cuenta = obj.text("ctaBanco", required=True, code="3034")
    monto = obj.amount("mount", invalid_code="3035")
    medio = obj.text("codMedioPago") or "001"
    reference = obj.amount("valueRef")
    if reference is not None:
        extras["detraccion.valueRef"] = format(reference, "f")
    if codigo is None or porcentaje is None or cuenta is None:
        return None
    return Detraccion(
        codigo_bien=codigo, porcentaje=porcentaje, cuenta_banco=cuenta, monto=monto, medio_pago=medio
    )


def _perception(doc: Fields) -> Percepcion | None:
    obj = doc.object("perception")
    if obj is None:
        return None
    codigo = obj.text("codReg", required=True)
    factor = obj.amount("porcentaje", required=True)
    percepcion = Percepcion(
        codigo=codigo or "",
        factor=factor if factor is not None else Decimal(0),
        base=obj.amount("mtoBase"),
        monto=obj.amount("mto"),
        total=obj.amount("mtoTotal"),
    )
    return percepcion if codigo is not None and factor is not None else None


def _references(
    doc: Fields, key: str, *, number_code: str | None = None, type_code: str | None = None
) -> list[DocumentReference]:
    found = []
    for obj in doc.objects(key):
        tipo = obj.text("tipoDoc", required=True, code=type_code)
        numero = obj.text("nroDoc", required=True, code=number_code)
        if tipo is not None and numero is not None:
            found.append(DocumentReference(tipo_documento=tipo, numero=numero))
    return found


def _legends(doc: Fields) -> list[Legend]:
    found = []
    for obj in doc.objects("legends"):
        codigo = obj.text("code", required=True)
        valor = obj.text("value", required=True)
        if codigo is not None and valor is not None:
            found.append(Legend(codigo=codigo, valor=valor))
    return found


def _totals(doc: Fields, keys: tuple[tuple[str, str], ...]) -> SaleTotals:
    totals = SaleTotals()
    for key, attribute in keys:
        setattr(totals, attribute, doc.amount(key))
    return totals


def _note_reference(doc: Fields, tipo: str | None) -> NoteReference | None:
    codigo = doc.text("codMotivo", required=True, code="2128")
    motivo = doc.text("desMotivo", required=True, code="2136")
    tipo_afectado = doc.text("tipDocAfectado", required=True, code="2583")
    number_key = (
        "numDocAfectado"
        if doc.data.get("numDocfectado") is None and "numDocAfectado" in doc.data
        else "numDocfectado"
    )
    numero = doc.text(number_key, required=True, code="2205" if tipo == NOTA_DEBITO else "2117")
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


def _payment(doc: Fields, moneda: str, extras: dict[str, str]) -> PaymentTerms | None:
    cuotas = []
    for obj in doc.objects("cuotas"):
        monto = obj.amount("monto", required=True, code="3254", invalid_code="3253")
        fecha = obj.day("fechaPago", required=True, code="3256", invalid_code="3255")
        cuota_moneda = obj.text("moneda")
        if monto is not None and fecha is not None:
            cuotas.append(Installment(monto=monto, fecha_pago=fecha, moneda=cuota_moneda))

    forma_pago = doc.data.get("formaPago")
    if forma_pago is None:
        return PaymentTerms(forma="Credito", cuotas=cuotas) if cuotas else None
    if isinstance(forma_pago, Mapping):
        obj = doc.object("formaPago")
        assert obj is not None  # a mapping, just checked
        tipo = obj.text("tipo", required=True, code="3245")
        monto = obj.amount("monto", invalid_code="3250")
        currency = obj.text("moneda")
        if currency is not None and currency.strip() != moneda:
            obj.error(
                f"{obj.at('moneda')} must be the document's currency {moneda}, not {currency!r}",
                "moneda",
                "2071",
            )
        return PaymentTerms(forma=_forma(tipo or ""), monto=monto, cuotas=cuotas)
    if isinstance(forma_pago, list):
        extras["formaPago"] = payments_text(forma_pago)
        path = doc.at("formaPago")
        credit = [
            Fields(entry, item(path, index), doc.problems, LENIENCY)
            for index, entry in enumerate(forma_pago)
            if isinstance(entry, Mapping)
            and isinstance(entry.get("tipo"), str)
            and _forma(entry["tipo"]) == "Credito"
        ]
        if not credit and not cuotas:
            return PaymentTerms(forma="Contado")
        amounts = [entry.amount("monto", invalid_code="3250") for entry in credit]
        declared = [amount for amount in amounts if amount is not None]
        return PaymentTerms(
            forma="Credito", monto=sum(declared, Decimal(0)) if declared else None, cuotas=cuotas
        )
    doc.error(f"{doc.at('formaPago')} must be an object or a list", "formaPago", "3245")
    return None


# -- what the domain cannot carry ---------------------------------------------------------


def _reject_amount(obj: Fields, key: str, reason: str) -> None:
    if obj.amount(key):
        obj.error(f"{obj.at(key)}: {reason}", key)


def _reject_unsupported(doc: Fields, is_note: bool) -> None:
    for key in ("mtoOtrosTributos", "mtoBaseOth"):
        _reject_amount(doc, key, "otros tributos (9999) are not supported")
    if is_note:
        return
    for key, what in (
        ("guiaEmbebida", "factura-guía (guiaEmbebida)"),
        ("direccionEntrega", "direccionEntrega"),
    ):
        value = doc.data.get(key)
        if value is not None and value != {} and value != []:
            doc.error(f"{doc.at(key)}: {what} is not supported", key)
