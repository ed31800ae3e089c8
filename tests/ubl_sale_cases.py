"""Sales documents for the UBL writer's tests: complete domain documents (every amount filled)
covering what a factura, boleta or nota can carry.

Amounts come from the small arithmetic below, SUNAT's as its validation stylesheets check it
(valor de venta, ISC, IGV/IVAP base and tax, ICBPER, totals), independent of ``yupana.calc``.
Issue dates are today in Lima: SUNAT rejects documents issued too long ago or in the future.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from yupana.domain.party import Address, Company, Customer
from yupana.domain.sale import (
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

D = Decimal
CENT = D("0.01")
ZERO = D(0)
LIMA = ZoneInfo("America/Lima")
TODAY = datetime.now(LIMA).date()
NOW = time(10, 30, 15)


def q(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


ISSUER = Company(
    ruc="20123456786",
    razon_social="EMPRESA DE PRUEBAS S.A.C.",
    nombre_comercial="PRUEBAS & HIJOS <TIENDA>",
    address=Address(
        direccion="AV. LOS OLIVOS 123 - INT. 4",
        ubigeo="150101",
        departamento="LIMA",
        provincia="LIMA",
        distrito="LIMA",
        urbanizacion="URB. CENTRAL",
        codigo_establecimiento="0000",
    ),
    email="ventas@pruebas.pe",
    telefono="01-4445555",
)
COMPANY = Customer("6", "20000000001", "CLIENTE CORPORATIVO S.A.", Address(direccion="JR. NIQUEL 456, LIMA"))
PERSON = Customer("1", "45678912", "JUAN PEREZ QUISPE", email="juan@correo.pe")


def sale_line(
    descripcion: str,
    cantidad: str,
    unitario: str,
    afectacion: str = "10",
    *,
    porcentaje: str | None = None,
    unidad: str = "NIU",
    codigo: str | None = "P001",
    isc: tuple[str, str] | None = None,
    icbper: str | None = None,
    allowances: tuple[AllowanceCharge, ...] = (),
    properties: tuple[ItemProperty, ...] = (),
    codigo_sunat: str | None = None,
    codigo_gs1: str | None = None,
) -> SaleLine:
    """A line with every amount SUNAT writes, from quantity, unit value (without taxes; the
    reference value on free lines) and afectación. ``isc`` is (sistema, porcentaje)."""
    qty = D(cantidad)
    unit = D(unitario)
    rate = D(porcentaje) if porcentaje is not None else {"10": D(18), "17": D(4)}.get(afectacion, D(18))
    line = SaleLine(
        descripcion,
        qty,
        unidad,
        afectacion,
        codigo=codigo,
        codigo_sunat=codigo_sunat,
        codigo_gs1=codigo_gs1,
        porcentaje_igv=rate,
        allowances=list(allowances),
        properties=list(properties),
    )
    if line.gratuita:
        line.valor_unitario = D(0)
        line.valor_referencial = unit
        line.valor_venta = q(qty * unit)
        line.base_igv = line.valor_venta
        charged = afectacion in ("11", "12", "13", "14", "15", "16")
        line.igv = q(line.base_igv * rate / 100) if charged else D("0.00")
        # SUNAT's line total of taxes sums only the taxes charged (1000, 1016, 2000, 7152, 9999).
        line.total_impuestos = D("0.00")
        return line
    base_changes = sum(
        (a.monto if a.codigo == "47" else -a.monto)
        for a in allowances
        if a.codigo in ("00", "47") and a.monto
    )
    outside_changes = sum(
        (a.monto if a.codigo == "48" else -a.monto)
        for a in allowances
        if a.codigo in ("01", "48") and a.monto
    )
    line.valor_unitario = unit
    line.valor_venta = q(qty * unit + base_changes)
    isc_amount = D(0)
    if isc is not None:
        isc_amount = q(line.valor_venta * D(isc[1]) / 100)
        line.isc = Isc(isc[0], D(isc[1]), line.valor_venta, isc_amount)
    line.base_igv = line.valor_venta + isc_amount
    line.igv = q(line.base_igv * rate / 100) if afectacion in ("10", "17") else D("0.00")
    if afectacion not in ("10", "17"):
        line.porcentaje_igv = D(0)
    if icbper is not None:
        line.icbper_factor = D(icbper)
        line.icbper = q(qty * D(icbper))
    line.total_impuestos = isc_amount + line.igv + (line.icbper or 0)
    with_taxes = line.valor_venta + line.total_impuestos + outside_changes
    line.precio_unitario = (with_taxes / qty).quantize(D("1E-10"), ROUND_HALF_UP).normalize()
    return line


def totals_for(
    lines: list[SaleLine],
    *,
    global_base: Decimal = ZERO,
    descuentos: Decimal = ZERO,
    cargos: Decimal = ZERO,
    anticipos: Decimal = ZERO,
    redondeo: Decimal = ZERO,
) -> SaleTotals:
    """Document totals from complete lines. ``global_base`` is the net change global discounts
    and charges make to the IGV base (negative for 02/04, positive for 49); ``descuentos`` and
    ``cargos`` are those outside the base (03, 50...)."""
    t = SaleTotals()

    def add(field_name: str, value: Decimal) -> None:
        setattr(t, field_name, (getattr(t, field_name) or D(0)) + value)

    for line in lines:
        assert line.valor_venta is not None and line.base_igv is not None and line.igv is not None
        afectacion = line.tipo_afectacion_igv
        if line.gratuita:
            add("gratuitas", line.valor_venta)
            add("igv_gratuitas", line.igv)
            continue
        # SUNAT's totals take the IGV/IVAP base from the lines' valor de venta (without ISC).
        if afectacion == "10":
            add("gravadas", line.valor_venta)
            add("igv", line.igv)
        elif afectacion == "17":
            add("ivap_base", line.valor_venta)
            add("ivap", line.igv)
        elif afectacion == "20":
            add("exoneradas", line.valor_venta)
        elif afectacion == "30":
            add("inafectas", line.valor_venta)
        elif afectacion == "40":
            add("exportacion", line.valor_venta)
        if line.isc is not None:
            add("isc_base", line.isc.base or D(0))
            add("isc", line.isc.monto or D(0))
        if line.icbper is not None:
            add("icbper", line.icbper)
        add("valor_venta", line.valor_venta)
    if global_base and t.gravadas is not None:
        t.gravadas += global_base
        t.igv = q(t.gravadas * D(18) / 100)
        t.valor_venta = (t.valor_venta or D(0)) + global_base
    t.total_impuestos = (t.igv or 0) + (t.ivap or 0) + (t.isc or 0) + (t.icbper or 0)
    t.total_impuestos = q(D(t.total_impuestos))
    t.valor_venta = q(t.valor_venta or D(0))
    t.precio_venta = t.valor_venta + t.total_impuestos
    t.descuentos = descuentos or None
    t.cargos = cargos or None
    t.anticipos = anticipos or None
    t.redondeo = redondeo or None
    t.importe_total = t.precio_venta - descuentos + cargos - anticipos + redondeo
    return t


def document(
    tipo: str,
    serie: str,
    lines: list[SaleLine],
    *,
    customer: Customer = COMPANY,
    totals: SaleTotals | None = None,
    legends: tuple[tuple[str, str], ...] = (("1000", "SON MONTO EN LETRAS"),),
    **fields: object,
) -> SaleDocument:
    doc = SaleDocument(
        tipo_documento=tipo,
        serie=serie,
        correlativo=123,
        fecha_emision=TODAY,
        issuer=ISSUER,
        customer=customer,
        lines=lines,
        hora_emision=NOW,
        legends=[Legend(code, text) for code, text in legends],
        totals=totals or totals_for(lines),
    )
    if tipo in ("01", "03") and "payment" not in fields:
        doc.payment = PaymentTerms("Contado")
    for name, value in fields.items():
        setattr(doc, name, value)
    return doc


# --------------------------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------------------------


def factura_gravada() -> SaleDocument:
    lines = [
        sale_line("LAPTOP 14 PULGADAS", "2", "1500", codigo_sunat="43211503", codigo_gs1="7751234567890"),
        sale_line("MOUSE INALAMBRICO", "3", "25.50", unidad="NIU", codigo="P002"),
    ]
    return document("01", "F001", lines, fecha_vencimiento=TODAY + timedelta(days=30))


def factura_exonerada() -> SaleDocument:
    return document("01", "F001", [sale_line("LIBRO DE TEXTO", "5", "40", "20")])


def factura_inafecta() -> SaleDocument:
    return document("01", "F001", [sale_line("SERVICIO EDUCATIVO", "1", "800", "30", unidad="ZZ")])


def factura_mixta() -> SaleDocument:
    lines = [
        sale_line("PRODUCTO GRAVADO", "2", "100"),
        sale_line("PRODUCTO EXONERADO", "1", "50", "20", codigo="P002"),
        sale_line("PRODUCTO INAFECTO", "4", "12.5", "30", codigo="P003"),
        sale_line("MUESTRA GRATUITA", "1", "30", "13", codigo="P004"),
    ]
    return document(
        "01",
        "F001",
        lines,
        legends=(
            ("1000", "SON MONTO EN LETRAS"),
            ("1002", "TRANSFERENCIA GRATUITA DE UN BIEN Y/O SERVICIO PRESTADO GRATUITAMENTE"),
        ),
    )


def factura_exportacion() -> SaleDocument:
    foreign = Customer(
        "0", "US-778899", "ACME IMPORTS LLC", Address(direccion="1200 MAIN ST, MIAMI", codigo_pais="US")
    )
    lines = [sale_line("CAFE ORGANICO EN GRANO", "100", "12.75", "40", unidad="KGM")]
    return document(
        "01", "F001", lines, customer=foreign, tipo_operacion="0200", moneda="USD", tipo_cambio=D("3.745")
    )


def factura_gratuita() -> SaleDocument:
    lines = [
        sale_line("BONIFICACION GRAVADA", "2", "100", "15"),
        sale_line("RETIRO INAFECTO", "1", "40", "31", codigo="P002"),
    ]
    return document(
        "01",
        "F001",
        lines,
        legends=(("1002", "TRANSFERENCIA GRATUITA DE UN BIEN Y/O SERVICIO PRESTADO GRATUITAMENTE"),),
    )


def factura_ivap() -> SaleDocument:
    lines = [sale_line("ARROZ PILADO SUPERIOR", "50", "3.20", "17", unidad="KGM")]
    return document(
        "01", "F001", lines, legends=(("1000", "SON MONTO EN LETRAS"), ("2007", "Operación sujeta al IVAP"))
    )


def factura_isc() -> SaleDocument:
    lines = [
        sale_line("CERVEZA 620ML", "12", "5.10", isc=("01", "30")),
        sale_line("AGUA MINERAL", "6", "1.50", codigo="P002"),
    ]
    return document("01", "F001", lines)


def factura_icbper() -> SaleDocument:
    lines = [
        sale_line("ABARROTES VARIOS", "1", "84.75"),
        sale_line("BOLSA PLASTICA", "3", "0.10", icbper="0.50", codigo="BOLSA"),
    ]
    return document("01", "F001", lines)


def factura_igv_10() -> SaleDocument:
    lines = [sale_line("MENU EJECUTIVO", "4", "15", porcentaje="10", unidad="ZZ")]
    return document("01", "F001", lines)


def factura_descuentos() -> SaleDocument:
    lines = [
        sale_line(
            "IMPRESORA LASER",
            "1",
            "900",
            allowances=(AllowanceCharge("00", D("90.00"), D("900.00"), D("0.10")),),
        ),
        sale_line(
            "SERVICIO DE INSTALACION",
            "1",
            "100",
            unidad="ZZ",
            codigo="S001",
            allowances=(AllowanceCharge("47", D("5.00"), D("100.00"), D("0.05")),),
        ),
    ]
    subtotal = sum((line.valor_venta or D(0)) for line in lines)  # 915.00
    global_discount = q(subtotal * D("0.02"))
    totals = totals_for(lines, global_base=-global_discount, descuentos=D("10.00"), cargos=D("5.00"))
    allowances = [
        AllowanceCharge("02", global_discount, subtotal, D("0.02")),
        AllowanceCharge("03", D("10.00"), totals.precio_venta),
        AllowanceCharge("50", D("5.00"), totals.precio_venta),
    ]
    return document("01", "F001", lines, totals=totals, allowances=allowances)


def factura_anticipos() -> SaleDocument:
    lines = [sale_line("MAQUINARIA INDUSTRIAL", "1", "5000")]
    anticipo = D("1000.00")
    # The anticipo (04) lowers the IGV base, not the valor de venta nor the precio de venta;
    # what was paid (with its IGV) is then deducted as PrepaidAmount.
    totals = totals_for(lines, anticipos=D("1180.00"))
    totals.gravadas = D("4000.00")
    totals.igv = totals.total_impuestos = D("720.00")
    totals.importe_total = (totals.precio_venta or D(0)) - D("1180.00")
    return document(
        "01",
        "F001",
        lines,
        totals=totals,
        anticipos=[Prepayment("02", "F001-45", D("1180.00"))],
        allowances=[AllowanceCharge("04", anticipo, D("5000.00"), D("0.2"))],
    )


def factura_detraccion() -> SaleDocument:
    lines = [sale_line("SERVICIO DE MANTENIMIENTO", "1", "2500", unidad="ZZ", codigo="S010")]
    totals = totals_for(lines)
    monto = q((totals.importe_total or D(0)) * D("0.12")).quantize(D(1), ROUND_HALF_UP)
    return document(
        "01",
        "F001",
        lines,
        totals=totals,
        tipo_operacion="1001",
        detraccion=Detraccion("022", D("12"), "00-000-123456", D(monto)),
        legends=(("1000", "SON MONTO EN LETRAS"), ("2006", "Operación sujeta a detracción")),
    )


def factura_detraccion_transporte() -> SaleDocument:
    lines = [
        sale_line("SERVICIO DE TRANSPORTE DE CARGA LIMA - AREQUIPA", "1", "3000", unidad="ZZ", codigo="T001")
    ]
    totals = totals_for(lines)
    transporte = DetraccionTransporte(
        origen=Address(direccion="AV. ARGENTINA 1200, CALLAO", ubigeo="070101"),
        destino=Address(direccion="CALLE MERCADERES 300, AREQUIPA", ubigeo="040101"),
        detalle_viaje="TRASLADO DE MERCADERIA EN CAMION",
        valor_referencial_servicio=D("2800.00"),
        valor_referencial_carga_efectiva=D("2500.00"),
        valor_referencial_carga_util=D("2600.00"),
    )
    monto = q((totals.importe_total or D(0)) * D("0.04")).quantize(D(1), ROUND_HALF_UP)
    return document(
        "01",
        "F001",
        lines,
        totals=totals,
        tipo_operacion="1004",
        detraccion=Detraccion("027", D("4"), "00-000-123456", D(monto), transporte=transporte),
        legends=(("1000", "SON MONTO EN LETRAS"), ("2006", "Operación sujeta a detracción")),
    )


def factura_percepcion() -> SaleDocument:
    lines = [sale_line("GASEOSA 3L PAQUETE X6", "10", "40")]
    totals = totals_for(lines)
    base = totals.importe_total or D(0)
    monto = q(base * D("0.02"))
    return document(
        "01",
        "F001",
        lines,
        totals=totals,
        tipo_operacion="2001",
        percepcion=Percepcion("51", D("0.02"), base, monto, base + monto),
        legends=(("1000", "SON MONTO EN LETRAS"), ("2000", "COMPROBANTE DE PERCEPCIÓN")),
    )


def factura_retencion() -> SaleDocument:
    lines = [sale_line("SERVICIO DE CONSULTORIA", "1", "2000", unidad="ZZ")]
    totals = totals_for(lines)
    base = totals.importe_total or D(0)
    return document(
        "01", "F001", lines, totals=totals, retencion=Retencion(D("0.03"), base, q(base * D("0.03")))
    )


def factura_credito() -> SaleDocument:
    lines = [sale_line("EQUIPO DE COMPUTO", "2", "1200")]
    totals = totals_for(lines)
    total = totals.importe_total or D(0)
    first = q(total / 2)
    cuotas = [
        Installment(first, TODAY + timedelta(days=30)),
        Installment(total - first, TODAY + timedelta(days=60)),
    ]
    return document(
        "01",
        "F001",
        lines,
        totals=totals,
        fecha_vencimiento=TODAY + timedelta(days=60),
        payment=PaymentTerms("Credito", total, cuotas),
    )


def factura_usd() -> SaleDocument:
    lines = [sale_line("LICENCIA DE SOFTWARE ANUAL", "1", "1250.00", unidad="ZZ")]
    return document("01", "F001", lines, moneda="USD", tipo_cambio=D("3.752"))


def factura_referencias() -> SaleDocument:
    lines = [sale_line("CEMENTO PORTLAND TIPO I", "100", "24.50", unidad="BG", codigo="CEM01")]
    return document(
        "01",
        "F001",
        lines,
        orden_compra="OC2024000123",
        guias=[DocumentReference("09", "T001-1234"), DocumentReference("31", "V001-88")],
        related=[DocumentReference("99", "CONTRATO-2024-15")],
        observaciones=["ENTREGA EN OBRA", "PAGO CONTRA ENTREGA"],
    )


def factura_contingencia() -> SaleDocument:
    return document("01", "0001", [sale_line("PRODUCTO EN CONTINGENCIA", "1", "100")])


def factura_propiedades() -> SaleDocument:
    properties = (
        ItemProperty(
            "4003", "Fecha de ingreso al establecimiento", None, fecha_inicio=TODAY - timedelta(days=3)
        ),
        ItemProperty("4004", "Fecha de salida del establecimiento", None, fecha_inicio=TODAY),
        ItemProperty("4005", "Número de días de permanencia", "3", duracion_dias=3),
    )
    lines = [sale_line("HOSPEDAJE HABITACION DOBLE", "3", "150", unidad="DAY", properties=properties)]
    return document("01", "F001", lines)


def boleta_dni() -> SaleDocument:
    lines = [
        sale_line("ZAPATILLAS DEPORTIVAS", "1", "169.49"),
        sale_line("MEDIAS", "2", "8.47", codigo="P002"),
    ]
    return document("03", "B001", lines, customer=PERSON)


def boleta_varios() -> SaleDocument:
    lines = [sale_line("PAN FRANCES", "20", "0.25", unidad="NIU")]
    return document("03", "B001", lines, customer=Customer("-", "-", "CLIENTES VARIOS"))


def boleta_sin_documento() -> SaleDocument:
    lines = [sale_line("GASEOSA PERSONAL", "2", "2.12")]
    return document("03", "B001", lines, customer=Customer("0", "-", "CLIENTES VARIOS"))


def boleta_icbper() -> SaleDocument:
    lines = [
        sale_line("LECHE EVAPORADA", "6", "3.30"),
        sale_line("BOLSA", "2", "0.10", icbper="0.50", codigo="BOLSA"),
    ]
    return document("03", "B001", lines, customer=PERSON)


def _note(codigo: str, motivo: str, afectado: str = "F001-45", tipo_afectado: str = "01") -> NoteReference:
    return NoteReference(codigo, motivo, tipo_afectado, afectado)


def nota_credito_anulacion() -> SaleDocument:
    lines = [sale_line("LAPTOP 14 PULGADAS", "1", "1500")]
    return document("07", "F001", lines, note=_note("01", "ANULACION DE LA OPERACION"))


def nota_credito_devolucion() -> SaleDocument:
    lines = [
        sale_line("MOUSE INALAMBRICO", "1", "25.50"),
        sale_line("TECLADO", "1", "40", "20", codigo="P002"),
    ]
    return document(
        "07",
        "F001",
        lines,
        note=_note("07", "DEVOLUCION POR ITEM"),
        guias=[DocumentReference("09", "T001-99")],
    )


def nota_credito_cuotas() -> SaleDocument:
    line = sale_line("AJUSTE DE FECHAS DE PAGO", "1", "0")
    line.precio_unitario = D(0)
    totals = totals_for([line])
    cuotas = [
        Installment(D("1416.00"), TODAY + timedelta(days=45)),
        Installment(D("1416.00"), TODAY + timedelta(days=75)),
    ]
    return document(
        "07",
        "F001",
        [line],
        totals=totals,
        note=_note("13", "AJUSTE EN FECHAS Y MONTOS DE CUOTAS"),
        payment=PaymentTerms("Credito", D("2832.00"), cuotas),
    )


def nota_credito_boleta() -> SaleDocument:
    lines = [sale_line("ZAPATILLAS DEPORTIVAS", "1", "169.49")]
    return document(
        "07",
        "B001",
        lines,
        customer=PERSON,
        note=_note("07", "DEVOLUCION DE PRODUCTO", "B001-77", "03"),
    )


def nota_debito_intereses() -> SaleDocument:
    lines = [sale_line("INTERESES POR MORA", "1", "45.00", unidad="ZZ")]
    return document("08", "F001", lines, note=_note("01", "INTERESES POR MORA"))


def nota_debito_aumento() -> SaleDocument:
    lines = [
        sale_line("AUMENTO EN EL VALOR", "1", "120", unidad="ZZ"),
        sale_line("FLETE EXONERADO", "1", "30", "20"),
    ]
    return document("08", "F001", lines, note=_note("02", "AUMENTO EN EL VALOR"), orden_compra="OC778")


CASES: dict[str, Callable[[], SaleDocument]] = {
    "factura-gravada": factura_gravada,
    "factura-exonerada": factura_exonerada,
    "factura-inafecta": factura_inafecta,
    "factura-mixta": factura_mixta,
    "factura-exportacion": factura_exportacion,
    "factura-gratuita": factura_gratuita,
    "factura-ivap": factura_ivap,
    "factura-isc": factura_isc,
    "factura-icbper": factura_icbper,
    "factura-igv-10": factura_igv_10,
    "factura-descuentos": factura_descuentos,
    "factura-anticipos": factura_anticipos,
    "factura-detraccion-1001": factura_detraccion,
    "factura-detraccion-1004": factura_detraccion_transporte,
    "factura-percepcion-2001": factura_percepcion,
    "factura-retencion": factura_retencion,
    "factura-credito-cuotas": factura_credito,
    "factura-usd": factura_usd,
    "factura-guias-relacionados-oc": factura_referencias,
    "factura-contingencia-0001": factura_contingencia,
    "factura-propiedades-item": factura_propiedades,
    "boleta-dni": boleta_dni,
    "boleta-varios": boleta_varios,
    "boleta-sin-documento": boleta_sin_documento,
    "boleta-icbper": boleta_icbper,
    "nota-credito-01": nota_credito_anulacion,
    "nota-credito-07": nota_credito_devolucion,
    "nota-credito-13-cuotas": nota_credito_cuotas,
    "nota-credito-boleta": nota_credito_boleta,
    "nota-debito-01": nota_debito_intereses,
    "nota-debito-02": nota_debito_aumento,
}


def everything(tipo: str) -> SaleDocument:
    """A document carrying every block the writer knows, SUNAT's business rules aside: it shows
    that each block lands where the document type's XSD sequence wants it."""
    serie = {"01": "F001", "03": "B001", "07": "F001", "08": "F001"}[tipo]
    lines = [
        sale_line(
            "PRODUCTO CON TODO",
            "2",
            "100",
            isc=("01", "10"),
            codigo_sunat="43211503",
            codigo_gs1="77512345",
            allowances=(AllowanceCharge("00", D("10.00"), D("200.00"), D("0.05")),),
            properties=(ItemProperty("4005", "Número de días de permanencia", "3", TODAY, TODAY, 3),),
        ),
        sale_line("BOLSA", "1", "0.10", icbper="0.50", codigo="BOLSA"),
        sale_line("MUESTRA", "1", "5", "13", codigo="M001"),
    ]
    transporte = DetraccionTransporte(
        Address(direccion="ORIGEN 1", ubigeo="150101"),
        Address(direccion="DESTINO 2", ubigeo="040101"),
        "DETALLE",
        D("10"),
        D("20"),
        D("30"),
    )
    totals = totals_for(
        lines, global_base=D("-1.00"), descuentos=D("1.00"), cargos=D("1.00"), anticipos=D("1.00")
    )
    cuotas = [Installment(D("5.00"), TODAY + timedelta(days=10))]
    doc = document(
        tipo,
        serie,
        lines,
        totals=totals,
        fecha_vencimiento=TODAY + timedelta(days=10),
        moneda="USD",
        tipo_cambio=D("3.7"),
        tipo_operacion="1004",
        payment=PaymentTerms("Credito", D("5.00"), cuotas),
        detraccion=Detraccion("027", D("4"), "00-000-1", D("10"), transporte=transporte),
        percepcion=Percepcion("51", D("0.02"), D("100.00"), D("2.00"), D("102.00")),
        retencion=Retencion(D("0.03"), D("100.00"), D("3.00")),
        allowances=[AllowanceCharge("02", D("1.00"), D("200.00")), AllowanceCharge("49", D("1.00"))],
        guias=[DocumentReference("09", "T001-1")],
        related=[DocumentReference("99", "X-1")],
        orden_compra="OC1",
        observaciones=["OBSERVACION"],
        legends=(("1000", "SON MONTO EN LETRAS"), ("2006", "Operación sujeta a detracción")),
    )
    if tipo != "07":
        doc.anticipos = [Prepayment("02", "F001-1", D("1.00"), "20100070970")]
    if tipo in ("07", "08"):
        doc.note = _note("13" if tipo == "07" else "01", "MOTIVO")
    return doc
