"""Native SUNAT rules on sales documents: each rule fires with its return code and domain path,
and stays silent on the valid variant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from yupana.domain.party import Address, Company, Customer
from yupana.domain.problems import Severity
from yupana.domain.sale import (
    AllowanceCharge,
    Detraccion,
    DetraccionTransporte,
    DocumentReference,
    Installment,
    Isc,
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
from yupana.validation.native import NativeOptions, validate_sale

TODAY = date(2026, 3, 10)
E = Severity.ERROR
W = Severity.WARNING


def line(**changes: object) -> SaleLine:
    base = SaleLine(
        descripcion="Arroz extra 5 kg",
        cantidad=Decimal("2"),
        unidad="NIU",
        tipo_afectacion_igv="10",
        valor_unitario=Decimal("100"),
    )
    return replace(base, **changes)


def factura(**changes: object) -> SaleDocument:
    doc = SaleDocument(
        tipo_documento="01",
        serie="F001",
        correlativo=123,
        fecha_emision=TODAY,
        issuer=Company(
            ruc="20100070970",
            razon_social="SUPERMERCADOS PERUANOS SOCIEDAD ANONIMA",
            nombre_comercial="PLAZA VEA",
            address=Address(
                direccion="CAL. MORELLI NRO. 181 INT. P-2",
                ubigeo="150130",
                departamento="LIMA",
                provincia="LIMA",
                distrito="SAN BORJA",
                codigo_establecimiento="0000",
            ),
        ),
        customer=Customer("6", "20601030013", "EMPRESA CLIENTE S.A.C."),
        lines=[line()],
        totals=SaleTotals(importe_total=Decimal("236.00")),
    )
    return replace(doc, **changes)


def boleta(**changes: object) -> SaleDocument:
    base = factura(
        tipo_documento="03",
        serie="B001",
        customer=Customer("1", "46027897", "JUAN PEREZ QUISPE"),
    )
    return replace(base, **changes)


def nota(tipo: str = "07", **changes: object) -> SaleDocument:
    codigo = "01" if tipo == "07" else "02"
    base = factura(
        tipo_documento=tipo,
        serie="F001",
        note=NoteReference(codigo, "Anulación de la operación", "01", "F001-100"),
    )
    return replace(base, **changes)


def note_ref(**changes: object) -> NoteReference:
    return replace(NoteReference("01", "Anulación de la operación", "01", "F001-100"), **changes)


def credito(**changes: object) -> PaymentTerms:
    base = PaymentTerms(
        forma="Credito",
        monto=Decimal("236.00"),
        cuotas=[
            Installment(Decimal("118.00"), TODAY + timedelta(days=30)),
            Installment(Decimal("118.00"), TODAY + timedelta(days=60)),
        ],
    )
    return replace(base, **changes)


def detraccion(**changes: object) -> Detraccion:
    return replace(
        Detraccion(codigo_bien="037", porcentaje=Decimal("12"), cuenta_banco="00-000-123456"), **changes
    )


def transporte(**changes: object) -> DetraccionTransporte:
    base = DetraccionTransporte(
        origen=Address(direccion="AV. ARGENTINA 123", ubigeo="150101"),
        destino=Address(direccion="CAL. MERCADERES 410", ubigeo="040101"),
        detalle_viaje="Carga de cemento Lima - Arequipa",
        valor_referencial_servicio=Decimal("1000"),
        valor_referencial_carga_efectiva=Decimal("800"),
        valor_referencial_carga_util=Decimal("900"),
    )
    return replace(base, **changes)


def found(doc: SaleDocument, **kwargs: object) -> set[tuple[str | None, str, Severity]]:
    problems = validate_sale(doc, today=TODAY, **kwargs)  # type: ignore[arg-type]
    return {(p.code, p.path, p.severity) for p in problems.items}


# -- valid documents: no problem at all ---------------------------------------------------------

VALID: dict[str, Callable[[], SaleDocument]] = {
    "factura": factura,
    "boleta": boleta,
    "factura contingencia serie 0001, 30 days old": lambda: factura(
        serie="0001", fecha_emision=TODAY - timedelta(days=30)
    ),
    "factura 3 days old": lambda: factura(fecha_emision=TODAY - timedelta(days=3)),
    "factura dated 2 days ahead": lambda: factura(fecha_emision=TODAY + timedelta(days=2)),
    "factura in USD": lambda: factura(moneda="USD"),
    "factura al crédito": lambda: factura(payment=credito()),
    "factura al contado": lambda: factura(payment=PaymentTerms()),
    "exportación to a foreign customer": lambda: factura(
        tipo_operacion="0200",
        customer=Customer("7", "AB1234567", "JOHN SMITH TRADING LLC"),
        lines=[line(tipo_afectacion_igv="40")],
    ),
    "exportación 0200 to a RUC with legend 2008": lambda: factura(
        tipo_operacion="0200",
        legends=[Legend("2008", "VENTA EXONERADA DEL IGV-ISC-IPM")],
        lines=[line(tipo_afectacion_igv="40")],
    ),
    "0112 to a DNI": lambda: factura(
        tipo_operacion="0112", customer=Customer("1", "46027897", "JUAN PEREZ QUISPE")
    ),
    "detracción 1001": lambda: factura(tipo_operacion="1001", detraccion=detraccion()),
    "detracción 1004 transporte de carga": lambda: factura(
        tipo_operacion="1004", detraccion=detraccion(codigo_bien="027", transporte=transporte())
    ),
    "percepción 2001": lambda: factura(tipo_operacion="2001", percepcion=Percepcion("51", Decimal("0.02"))),
    "retención": lambda: factura(retencion=Retencion()),
    "anticipo": lambda: factura(anticipos=[Prepayment("02", "F001-99", Decimal("100"), "20100070970")]),
    "IVAP": lambda: factura(lines=[line(tipo_afectacion_igv="17"), line(tipo_afectacion_igv="17")]),
    "guía and related document": lambda: factura(
        guias=[DocumentReference("09", "T001-45")], related=[DocumentReference("99", "OC-2026-77")]
    ),
    "boleta above S/ 700 to an identified customer": lambda: boleta(
        totals=SaleTotals(importe_total=Decimal("5000"))
    ),
    "boleta of S/ 700 without customer": lambda: boleta(
        customer=Customer("-", "-", "CLIENTES VARIOS"), totals=SaleTotals(importe_total=Decimal("700.00"))
    ),
    "boleta in USD without tipo de cambio": lambda: boleta(
        moneda="USD",
        customer=Customer("0", "00000000", "CLIENTES VARIOS"),
        totals=SaleTotals(importe_total=Decimal("900")),
    ),
    "nota de crédito": nota,
    "nota de débito": lambda: nota("08"),
    "nota de crédito B on a boleta": lambda: nota(
        serie="BC01", note=note_ref(tipo_documento_afectado="03", numero_documento_afectado="B001-5")
    ),
    "nota on a contingency factura": lambda: nota(note=note_ref(numero_documento_afectado="0001-5")),
    "nota on an E001 factura": lambda: nota(note=note_ref(numero_documento_afectado="E001-77")),
    "NC 10 without affected document": lambda: nota(
        note=note_ref(codigo="10", tipo_documento_afectado="", numero_documento_afectado="")
    ),
    "ND 03 without affected document": lambda: nota(
        "08", note=note_ref(codigo="03", tipo_documento_afectado="-", numero_documento_afectado="")
    ),
    "NC 13 ajuste de cuotas": lambda: nota(
        note=note_ref(codigo="13"), payment=credito(), totals=SaleTotals(importe_total=Decimal("0"))
    ),
    "nota B 5 days old": lambda: nota(
        serie="B001",
        note=note_ref(tipo_documento_afectado="03", numero_documento_afectado="B001-5"),
        fecha_emision=TODAY - timedelta(days=5),
    ),
}


@pytest.mark.parametrize("name", list(VALID))
def test_valid_documents_have_no_problems(name: str) -> None:
    assert found(VALID[name]()) == set()


# -- each rule: code, path, severity ------------------------------------------------------------

long_text = "x" * 501
CASES: list[tuple[str, Callable[[], SaleDocument], str | None, str, Severity]] = [
    # document type, numbering, dates
    ("not a sales type", lambda: factura(tipo_documento="02"), "1003", "tipo_documento", E),
    ("factura with a B serie", lambda: factura(serie="B001"), "1001", "serie", E),
    ("serie too short", lambda: factura(serie="F01"), "1001", "serie", E),
    ("contingency serie of 3 digits", lambda: factura(serie="001"), "1001", "serie", E),
    ("boleta with an F serie", lambda: boleta(serie="F001"), "1001", "serie", E),
    ("nota with a T serie", lambda: nota(serie="T001"), "1001", "serie", E),
    ("correlativo 0", lambda: factura(correlativo=0), "1001", "correlativo", E),
    ("correlativo over 8 digits", lambda: factura(correlativo=100_000_000), "1001", "correlativo", E),
    (
        "issue date 3 days ahead",
        lambda: factura(fecha_emision=TODAY + timedelta(days=3)),
        "2329",
        "fecha_emision",
        E,
    ),
    (
        "factura 4 days old",
        lambda: factura(fecha_emision=TODAY - timedelta(days=4)),
        "2108",
        "fecha_emision",
        E,
    ),
    (
        "boleta 4 days old",
        lambda: boleta(fecha_emision=TODAY - timedelta(days=4)),
        "1079",
        "fecha_emision",
        E,
    ),
    ("nota F 4 days old", lambda: nota(fecha_emision=TODAY - timedelta(days=4)), "2108", "fecha_emision", E),
    (
        "nota B 6 days old",
        lambda: nota(
            serie="B001",
            note=note_ref(tipo_documento_afectado="03", numero_documento_afectado="B001-5"),
            fecha_emision=TODAY - timedelta(days=6),
        ),
        "1079",
        "fecha_emision",
        E,
    ),
    # currency
    ("no currency", lambda: factura(moneda=""), "2070", "moneda", E),
    ("unknown currency", lambda: factura(moneda="SOL"), "3088", "moneda", E),
    # issuer
    (
        "issuer RUC of 10 digits",
        lambda: factura(issuer=replace(factura().issuer, ruc="2010007097")),
        "0002",
        "issuer.ruc",
        E,
    ),
    (
        "issuer RUC starting with 3",
        lambda: factura(issuer=replace(factura().issuer, ruc="30100070970")),
        "0002",
        "issuer.ruc",
        E,
    ),
    (
        "issuer RUC check digit",
        lambda: factura(issuer=replace(factura().issuer, ruc="20100070971")),
        "2104",
        "issuer.ruc",
        E,
    ),
    (
        "issuer without name",
        lambda: factura(issuer=replace(factura().issuer, razon_social=" ")),
        "1037",
        "issuer.razon_social",
        E,
    ),
    (
        "issuer name with a line break",
        lambda: factura(issuer=replace(factura().issuer, razon_social="EMPRESA\nSAC")),
        "4338",
        "issuer.razon_social",
        W,
    ),
    (
        "nombre comercial with a tab",
        lambda: factura(issuer=replace(factura().issuer, nombre_comercial="PLAZA\tVEA")),
        "4092",
        "issuer.nombre_comercial",
        W,
    ),
    (
        "issuer ubigeo unknown",
        lambda: factura(issuer=replace(factura().issuer, address=Address(ubigeo="999999"))),
        "4093",
        "issuer.address.ubigeo",
        W,
    ),
    (
        "issuer dirección too short",
        lambda: factura(issuer=replace(factura().issuer, address=Address(direccion="AV"))),
        "4094",
        "issuer.address.direccion",
        W,
    ),
    (
        "issuer urbanización too long",
        lambda: factura(issuer=replace(factura().issuer, address=Address(urbanizacion="U" * 26))),
        "4095",
        "issuer.address.urbanizacion",
        W,
    ),
    (
        "issuer provincia too long",
        lambda: factura(issuer=replace(factura().issuer, address=Address(provincia="P" * 31))),
        "4096",
        "issuer.address.provincia",
        W,
    ),
    (
        "issuer departamento too long",
        lambda: factura(issuer=replace(factura().issuer, address=Address(departamento="D" * 31))),
        "4097",
        "issuer.address.departamento",
        W,
    ),
    (
        "issuer distrito too long",
        lambda: factura(issuer=replace(factura().issuer, address=Address(distrito="D" * 31))),
        "4098",
        "issuer.address.distrito",
        W,
    ),
    (
        "issuer abroad",
        lambda: factura(issuer=replace(factura().issuer, address=Address(codigo_pais="CL"))),
        "4041",
        "issuer.address.codigo_pais",
        W,
    ),
    (
        "establecimiento not 4 digits",
        lambda: factura(issuer=replace(factura().issuer, address=Address(codigo_establecimiento="1"))),
        "4242",
        "issuer.address.codigo_establecimiento",
        W,
    ),
    # customer
    (
        "customer document type unknown",
        lambda: boleta(customer=Customer("Z", "123", "JUAN PEREZ")),
        "2016",
        "customer.tipo_documento",
        E,
    ),
    (
        "customer without number",
        lambda: factura(customer=Customer("6", "", "EMPRESA SAC")),
        "2014",
        "customer.numero_documento",
        E,
    ),
    (
        "nota customer without number",
        lambda: nota(customer=Customer("6", "", "EMPRESA SAC")),
        "2679",
        "customer.numero_documento",
        E,
    ),
    (
        "customer RUC of 10 digits",
        lambda: factura(customer=Customer("6", "2060103001", "EMPRESA SAC")),
        "2017",
        "customer.numero_documento",
        E,
    ),
    (
        "customer RUC check digit",
        lambda: factura(customer=Customer("6", "20601030014", "EMPRESA SAC")),
        "1083",
        "customer.numero_documento",
        E,
    ),
    (
        "factura to a DNI",
        lambda: factura(customer=Customer("1", "46027897", "JUAN PEREZ")),
        "2800",
        "customer.tipo_documento",
        E,
    ),
    (
        "factura 0112 with a bad DNI",
        lambda: factura(tipo_operacion="0112", customer=Customer("1", "4602789", "JUAN PEREZ")),
        "2801",
        "customer.numero_documento",
        E,
    ),
    (
        "factura export to a passport with a space",
        lambda: factura(
            tipo_operacion="0200",
            lines=[line(tipo_afectacion_igv="40")],
            customer=Customer("7", "AB 123", "JOHN SMITH"),
        ),
        "2802",
        "customer.numero_documento",
        E,
    ),
    (
        "boleta DNI of 7 digits",
        lambda: boleta(customer=Customer("1", "4602789", "JUAN PEREZ")),
        "4207",
        "customer.numero_documento",
        W,
    ),
    (
        "boleta passport of 16 characters",
        lambda: boleta(customer=Customer("7", "A" * 16, "JOHN SMITH")),
        "4208",
        "customer.numero_documento",
        W,
    ),
    (
        "customer without name",
        lambda: factura(customer=Customer("6", "20601030013", "")),
        "2021",
        "customer.razon_social",
        E,
    ),
    (
        "customer name of 2 characters",
        lambda: factura(customer=Customer("6", "20601030013", "AB")),
        "2022",
        "customer.razon_social",
        E,
    ),
    (
        "exportación 0200 to a RUC without legend 2008",
        lambda: factura(tipo_operacion="0200", lines=[line(tipo_afectacion_igv="40")]),
        "2800",
        "customer.tipo_documento",
        E,
    ),
    ("2106 tax free to a RUC", lambda: factura(tipo_operacion="2106"), "2800", "customer.tipo_documento", E),
    (
        "0112 to a passport",
        lambda: factura(tipo_operacion="0112", customer=Customer("7", "AB123", "JOHN SMITH")),
        "2800",
        "customer.tipo_documento",
        E,
    ),
    (
        "boleta exportación to a RUC",
        lambda: boleta(
            tipo_operacion="0201",
            customer=Customer("6", "20601030013", "EMPRESA SAC"),
            lines=[line(tipo_afectacion_igv="40")],
        ),
        "2800",
        "customer.tipo_documento",
        E,
    ),
    (
        "boleta above S/ 700 without customer",
        lambda: boleta(
            customer=Customer("-", "-", "CLIENTES VARIOS"), totals=SaleTotals(importe_total=Decimal("700.01"))
        ),
        "2396",
        "customer.numero_documento",
        E,
    ),
    (
        "boleta above S/ 700 to DNI 00000000",
        lambda: boleta(
            customer=Customer("1", "00000000", "CLIENTES VARIOS"),
            totals=SaleTotals(importe_total=Decimal("1200")),
        ),
        "2396",
        "customer.numero_documento",
        E,
    ),
    (
        "boleta in USD above S/ 700 at the exchange rate",
        lambda: boleta(
            moneda="USD",
            tipo_cambio=Decimal("3.80"),
            customer=Customer("-", "-", "CLIENTES VARIOS"),
            totals=SaleTotals(importe_total=Decimal("200")),
        ),
        "2396",
        "customer.numero_documento",
        E,
    ),
    # tipo de operación
    ("no tipo de operación", lambda: factura(tipo_operacion=""), "3205", "tipo_operacion", E),
    ("unknown tipo de operación", lambda: factura(tipo_operacion="9999"), "3206", "tipo_operacion", E),
    ("NRUS 0113 on a factura", lambda: factura(tipo_operacion="0113"), "3206", "tipo_operacion", E),
    ("0112 on a boleta", lambda: boleta(tipo_operacion="0112"), "3206", "tipo_operacion", E),
    # lines
    ("no lines", lambda: factura(lines=[]), None, "lines", E),
    ("more than 999 lines", lambda: factura(lines=[line()] * 1000), "2023", "lines[999]", E),
    ("line without unit", lambda: factura(lines=[line(), line(unidad="")]), "2883", "lines[1].unidad", E),
    ("NC line without unit", lambda: nota(lines=[line(unidad="")]), "2138", "lines[0].unidad", E),
    ("ND line without unit", lambda: nota("08", lines=[line(unidad="")]), "2188", "lines[0].unidad", E),
    ("unit not in catalog 03", lambda: factura(lines=[line(unidad="UNIDAD")]), "2936", "lines[0].unidad", E),
    ("quantity zero", lambda: factura(lines=[line(cantidad=Decimal("0"))]), "2024", "lines[0].cantidad", E),
    (
        "quantity negative",
        lambda: boleta(lines=[line(cantidad=Decimal("-1"))]),
        "2024",
        "lines[0].cantidad",
        E,
    ),
    (
        "quantity with 11 decimals",
        lambda: factura(lines=[line(cantidad=Decimal("1.00000000001"))]),
        "2025",
        "lines[0].cantidad",
        E,
    ),
    (
        "quantity with 13 integer digits",
        lambda: factura(lines=[line(cantidad=Decimal("1234567890123"))]),
        "2025",
        "lines[0].cantidad",
        E,
    ),
    ("NC quantity zero", lambda: nota(lines=[line(cantidad=Decimal("0"))]), "2139", "lines[0].cantidad", E),
    (
        "line without description",
        lambda: factura(lines=[line(descripcion="")]),
        "2026",
        "lines[0].descripcion",
        E,
    ),
    (
        "description of 501 characters",
        lambda: factura(lines=[line(descripcion=long_text)]),
        "2027",
        "lines[0].descripcion",
        E,
    ),
    (
        "NC description of 2 characters",
        lambda: nota(lines=[line(descripcion="AB")]),
        "4084",
        "lines[0].descripcion",
        W,
    ),
    (
        "afectación not in catalog 07",
        lambda: factura(lines=[line(tipo_afectacion_igv="19")]),
        "2040",
        "lines[0].tipo_afectacion_igv",
        E,
    ),
    (
        "exportación with a gravado line",
        lambda: factura(
            tipo_operacion="0200",
            customer=Customer("7", "AB123", "JOHN SMITH"),
            lines=[line(tipo_afectacion_igv="40"), line()],
        ),
        "2642",
        "lines[1].tipo_afectacion_igv",
        E,
    ),
    (
        "IVAP with an IGV line",
        lambda: factura(lines=[line(tipo_afectacion_igv="17"), line()]),
        "2644",
        "lines[1].tipo_afectacion_igv",
        E,
    ),
    (
        "ISC sistema not in catalog 08",
        lambda: factura(lines=[line(isc=Isc("04", Decimal("10")))]),
        "2041",
        "lines[0].isc.sistema",
        E,
    ),
    (
        "product code of 31 characters",
        lambda: factura(lines=[line(codigo="C" * 31)]),
        "4269",
        "lines[0].codigo",
        W,
    ),
    (
        "NC product code with a line break",
        lambda: nota(lines=[line(codigo="A\nB")]),
        "4234",
        "lines[0].codigo",
        W,
    ),
    (
        "código SUNAT of 6 digits",
        lambda: factura(lines=[line(codigo_sunat="501615")]),
        "3496",
        "lines[0].codigo_sunat",
        W,
    ),
    (
        "line allowance not in catalog 53",
        lambda: factura(lines=[line(allowances=[AllowanceCharge("99")])]),
        "2954",
        "lines[0].allowances[0].codigo",
        E,
    ),
    (
        "global discount on a line",
        lambda: factura(lines=[line(allowances=[AllowanceCharge("02")])]),
        "4268",
        "lines[0].allowances[0].codigo",
        W,
    ),
    # global allowances
    (
        "global allowance not in catalog 53",
        lambda: factura(allowances=[AllowanceCharge("99")]),
        "3071",
        "allowances[0].codigo",
        E,
    ),
    (
        "line discount at document level",
        lambda: factura(allowances=[AllowanceCharge("00")]),
        "4291",
        "allowances[0].codigo",
        W,
    ),
    (
        "percepción charge outside 2001",
        lambda: factura(allowances=[AllowanceCharge("51")]),
        "3308",
        "allowances[0].codigo",
        E,
    ),
    # legends
    (
        "legend not in catalog 52",
        lambda: factura(legends=[Legend("9999", "texto")]),
        "3027",
        "legends[0].codigo",
        E,
    ),
    (
        "legend repeated",
        lambda: factura(legends=[Legend("1000", "CIEN SOLES"), Legend("1000", "CIEN SOLES")]),
        "3014",
        "legends[1].codigo",
        E,
    ),
    ("legend without text", lambda: factura(legends=[Legend("1000", "")]), "3006", "legends[0].valor", E),
    (
        "legend of 201 characters",
        lambda: factura(legends=[Legend("1000", "X" * 201)]),
        "3006",
        "legends[0].valor",
        E,
    ),
    # forma de pago
    (
        "forma de pago unknown",
        lambda: factura(payment=PaymentTerms(forma="Efectivo")),
        "3246",
        "payment.forma",
        E,
    ),
    (
        "boleta forma de pago unknown",
        lambda: boleta(payment=PaymentTerms(forma="Tarjeta")),
        "3246",
        "payment.forma",
        E,
    ),
    (
        "cuotas on a sale al contado",
        lambda: factura(payment=PaymentTerms(cuotas=credito().cuotas)),
        "3252",
        "payment.cuotas",
        E,
    ),
    ("crédito without cuotas", lambda: factura(payment=credito(cuotas=[])), "3249", "payment.cuotas", E),
    (
        "crédito without monto pendiente",
        lambda: factura(payment=credito(monto=None)),
        "3251",
        "payment.monto",
        E,
    ),
    (
        "monto pendiente negative",
        lambda: factura(payment=credito(monto=Decimal("-5"))),
        "3250",
        "payment.monto",
        E,
    ),
    (
        "monto pendiente with 3 decimals",
        lambda: factura(payment=credito(monto=Decimal("236.001"))),
        "3250",
        "payment.monto",
        E,
    ),
    (
        "cuota of zero",
        lambda: factura(
            payment=credito(
                monto=Decimal("118"),
                cuotas=[
                    Installment(Decimal("118"), TODAY + timedelta(days=9)),
                    Installment(Decimal("0"), TODAY + timedelta(days=9)),
                ],
            )
        ),
        "3253",
        "payment.cuotas[1].monto",
        E,
    ),
    (
        "cuota due on the issue date",
        lambda: factura(payment=credito(cuotas=[Installment(Decimal("236"), TODAY)])),
        "3267",
        "payment.cuotas[0].fecha_pago",
        E,
    ),
    # detracción
    (
        "detracción operation without detracción",
        lambda: factura(tipo_operacion="1001"),
        "3127",
        "detraccion",
        E,
    ),
    ("detracción on a venta interna", lambda: factura(detraccion=detraccion()), "3128", "detraccion", E),
    (
        "detracción code not in catalog 54",
        lambda: factura(tipo_operacion="1001", detraccion=detraccion(codigo_bien="999")),
        "3033",
        "detraccion.codigo_bien",
        E,
    ),
    (
        "transporte de carga with another code",
        lambda: factura(tipo_operacion="1004", detraccion=detraccion(transporte=transporte())),
        "3129",
        "detraccion.codigo_bien",
        E,
    ),
    (
        "hidrobiológicos with another code",
        lambda: factura(tipo_operacion="1002", detraccion=detraccion()),
        "3129",
        "detraccion.codigo_bien",
        E,
    ),
    (
        "detracción without account",
        lambda: factura(tipo_operacion="1001", detraccion=detraccion(cuenta_banco="")),
        "3034",
        "detraccion.cuenta_banco",
        E,
    ),
    (
        "detracción medio de pago not in catalog 59",
        lambda: factura(tipo_operacion="1001", detraccion=detraccion(medio_pago="000")),
        "3174",
        "detraccion.medio_pago",
        E,
    ),
    (
        "transporte de carga without transport data",
        lambda: factura(tipo_operacion="1004", detraccion=detraccion(codigo_bien="027")),
        "3116",
        "detraccion.transporte",
        E,
    ),
    (
        "transporte origin without ubigeo",
        lambda: factura(
            tipo_operacion="1004",
            detraccion=detraccion(
                codigo_bien="027", transporte=transporte(origen=Address(direccion="AV. LIMA 1"))
            ),
        ),
        "3116",
        "detraccion.transporte.origen.ubigeo",
        E,
    ),
    (
        "transporte origin without address",
        lambda: factura(
            tipo_operacion="1004",
            detraccion=detraccion(codigo_bien="027", transporte=transporte(origen=Address(ubigeo="150101"))),
        ),
        "3117",
        "detraccion.transporte.origen.direccion",
        E,
    ),
    (
        "transporte destination without ubigeo",
        lambda: factura(
            tipo_operacion="1004",
            detraccion=detraccion(
                codigo_bien="027", transporte=transporte(destino=Address(direccion="AV. LIMA 1"))
            ),
        ),
        "3118",
        "detraccion.transporte.destino.ubigeo",
        E,
    ),
    (
        "transporte destination without address",
        lambda: factura(
            tipo_operacion="1004",
            detraccion=detraccion(codigo_bien="027", transporte=transporte(destino=Address(ubigeo="150101"))),
        ),
        "3119",
        "detraccion.transporte.destino.direccion",
        E,
    ),
    (
        "transporte destination ubigeo unknown",
        lambda: factura(
            tipo_operacion="1004",
            detraccion=detraccion(
                codigo_bien="027",
                transporte=transporte(destino=Address(direccion="AV. LIMA 1", ubigeo="990101")),
            ),
        ),
        "4200",
        "detraccion.transporte.destino.ubigeo",
        W,
    ),
    (
        "transporte without trip detail",
        lambda: factura(
            tipo_operacion="1004",
            detraccion=detraccion(codigo_bien="027", transporte=transporte(detalle_viaje=None)),
        ),
        "3120",
        "detraccion.transporte.detalle_viaje",
        E,
    ),
    (
        "transporte without reference value",
        lambda: factura(
            tipo_operacion="1004",
            detraccion=detraccion(
                codigo_bien="027", transporte=transporte(valor_referencial_carga_util=None)
            ),
        ),
        "3122",
        "detraccion.transporte.valor_referencial_carga_util",
        E,
    ),
    # percepción, retención, anticipos
    (
        "percepción operation al contado without percepción",
        lambda: factura(tipo_operacion="2001"),
        "3093",
        "percepcion",
        E,
    ),
    (
        "percepción outside 2001",
        lambda: factura(percepcion=Percepcion("51", Decimal("0.02"))),
        "3308",
        "percepcion",
        E,
    ),
    (
        "percepción on a sale on credit",
        lambda: factura(
            tipo_operacion="2001", payment=credito(), percepcion=Percepcion("51", Decimal("0.02"))
        ),
        "3330",
        "percepcion",
        E,
    ),
    (
        "percepción code not 51-53",
        lambda: factura(tipo_operacion="2001", percepcion=Percepcion("62", Decimal("0.02"))),
        "3071",
        "percepcion.codigo",
        E,
    ),
    ("retención to a DNI", lambda: boleta(retencion=Retencion()), "3262", "retencion", E),
    (
        "anticipo on a nota de venta",
        lambda: factura(anticipos=[Prepayment("01", "F001-9", Decimal("10"))]),
        "2505",
        "anticipos[0].tipo_documento",
        E,
    ),
    (
        "factura anticipo with a B serie",
        lambda: factura(anticipos=[Prepayment("02", "B001-9", Decimal("10"))]),
        "2521",
        "anticipos[0].numero",
        E,
    ),
    (
        "anticipo of zero",
        lambda: factura(anticipos=[Prepayment("02", "F001-9", Decimal("0"))]),
        "2503",
        "anticipos[0].monto",
        E,
    ),
    (
        "anticipo issuer RUC check digit",
        lambda: factura(anticipos=[Prepayment("02", "F001-9", Decimal("10"), "20100070971")]),
        "2529",
        "anticipos[0].emisor_ruc",
        E,
    ),
    # related documents
    (
        "guía of another type",
        lambda: factura(guias=[DocumentReference("01", "T001-1")]),
        "4005",
        "guias[0].tipo_documento",
        W,
    ),
    (
        "guía number without serie",
        lambda: factura(guias=[DocumentReference("09", "12345")]),
        "4006",
        "guias[0].numero",
        W,
    ),
    (
        "guía repeated",
        lambda: factura(guias=[DocumentReference("09", "T001-1"), DocumentReference("09", "T001-1")]),
        "2364",
        "guias[1].numero",
        E,
    ),
    (
        "related document of type 01 on a factura",
        lambda: factura(related=[DocumentReference("01", "F001-1")]),
        "4009",
        "related[0].tipo_documento",
        W,
    ),
    (
        "related document number with a space",
        lambda: factura(related=[DocumentReference("99", "OC 77")]),
        "4010",
        "related[0].numero",
        W,
    ),
    (
        "related document repeated",
        lambda: factura(related=[DocumentReference("99", "OC-77"), DocumentReference("99", "OC-77")]),
        "2365",
        "related[1].numero",
        E,
    ),
    ("orden de compra of 21 characters", lambda: factura(orden_compra="O" * 21), "4233", "orden_compra", W),
    # notas
    ("nota without reference", lambda: nota(note=None), "2128", "note", E),
    ("NC code not in catalog 09", lambda: nota(note=note_ref(codigo="14")), "2172", "note.codigo", E),
    ("ND code not in catalog 10", lambda: nota("08", note=note_ref(codigo="04")), "2172", "note.codigo", E),
    ("nota without motivo", lambda: nota(note=note_ref(motivo="")), "2136", "note.motivo", E),
    (
        "motivo with a line break",
        lambda: nota(note=note_ref(motivo="Anulación\nde la operación")),
        "2135",
        "note.motivo",
        E,
    ),
    (
        "NC 01 without affected document",
        lambda: nota(note=note_ref(numero_documento_afectado="")),
        "2524",
        "note.numero_documento_afectado",
        E,
    ),
    (
        "NC F on a boleta",
        lambda: nota(note=note_ref(tipo_documento_afectado="03", numero_documento_afectado="B001-5")),
        "2116",
        "note.tipo_documento_afectado",
        E,
    ),
    (
        "ND F on a boleta",
        lambda: nota(
            "08", note=note_ref(codigo="02", tipo_documento_afectado="03", numero_documento_afectado="B001-5")
        ),
        "2204",
        "note.tipo_documento_afectado",
        E,
    ),
    (
        "NC B on a factura",
        lambda: nota(serie="B001", note=note_ref(numero_documento_afectado="F001-5")),
        "2399",
        "note.tipo_documento_afectado",
        E,
    ),
    (
        "ND B on a factura",
        lambda: nota("08", serie="B001", note=note_ref(codigo="02")),
        "2400",
        "note.tipo_documento_afectado",
        E,
    ),
    (
        "contingency nota on a type 99",
        lambda: nota(
            serie="0001", note=note_ref(tipo_documento_afectado="99", numero_documento_afectado="X-1")
        ),
        "2594",
        "note.tipo_documento_afectado",
        E,
    ),
    (
        "NC on a factura numbered as a boleta",
        lambda: nota(note=note_ref(numero_documento_afectado="B001-5")),
        "2117",
        "note.numero_documento_afectado",
        E,
    ),
    (
        "NC B on a boleta numbered as a factura",
        lambda: nota(
            serie="B001", note=note_ref(tipo_documento_afectado="03", numero_documento_afectado="F001-5")
        ),
        "2117",
        "note.numero_documento_afectado",
        E,
    ),
    (
        "ND on a factura numbered as a boleta",
        lambda: nota("08", note=note_ref(codigo="02", numero_documento_afectado="B001-5")),
        "2205",
        "note.numero_documento_afectado",
        E,
    ),
    (
        "NC on a factura without correlativo",
        lambda: nota(note=note_ref(numero_documento_afectado="F001")),
        "2117",
        "note.numero_documento_afectado",
        E,
    ),
    (
        "NC 13 on a boleta",
        lambda: nota(
            serie="B001",
            note=note_ref(codigo="13", tipo_documento_afectado="03", numero_documento_afectado="B001-5"),
            payment=credito(),
            totals=SaleTotals(importe_total=Decimal("0")),
        ),
        "3259",
        "note.tipo_documento_afectado",
        E,
    ),
    (
        "NC 13 without crédito",
        lambda: nota(note=note_ref(codigo="13"), totals=SaleTotals(importe_total=Decimal("0"))),
        "3257",
        "payment",
        E,
    ),
    (
        "NC 04 descuento global on a boleta",
        lambda: nota(
            serie="B001",
            note=note_ref(codigo="04", tipo_documento_afectado="03", numero_documento_afectado="B001-5"),
        ),
        "4367",
        "note.codigo",
        W,
    ),
]


@pytest.mark.parametrize(("name", "build", "code", "path", "severity"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_code_and_path(
    name: str, build: Callable[[], SaleDocument], code: str | None, path: str, severity: Severity
) -> None:
    assert (code, path, severity) in found(build())


def test_problem_messages_are_sunat_messages() -> None:
    problems = validate_sale(factura(moneda="SOL"), today=TODAY)
    (problem,) = problems.items
    assert problem.message.startswith(
        "El valor ingresado como moneda del comprobante no es valido (catalogo nro 02)."
    )
    assert "SOL" in problem.message


def test_send_window_can_be_configured_or_disabled() -> None:
    old = factura(fecha_emision=TODAY - timedelta(days=5))
    assert ("2108", "fecha_emision", E) in found(old)
    assert found(old, options=NativeOptions(max_days_late={"01": 7})) == set()
    assert found(old, options=NativeOptions(check_send_window=False)) == set()


def test_today_defaults_to_lima_date() -> None:
    # A document dated far ahead is always outside the tolerance, whatever the clock says.
    problems = validate_sale(factura(fecha_emision=date.today() + timedelta(days=10)))
    assert [p.code for p in problems.errors] == ["2329"]


def test_boleta_threshold_is_an_option() -> None:
    doc = boleta(
        customer=Customer("-", "-", "CLIENTES VARIOS"), totals=SaleTotals(importe_total=Decimal("600"))
    )
    assert found(doc) == set()
    assert ("2396", "customer.numero_documento", E) in found(
        doc, options=NativeOptions(boleta_threshold=Decimal("500"))
    )


def test_boleta_threshold_waits_for_the_total() -> None:
    doc = boleta(customer=Customer("-", "-", "CLIENTES VARIOS"), totals=SaleTotals())
    assert found(doc) == set()


def test_wrong_document_type_stops_other_rules() -> None:
    problems = validate_sale(factura(tipo_documento="09", serie="T001"), today=TODAY)
    assert [p.code for p in problems.items] == ["1003"]


def test_ruc_check_digit_can_be_relaxed_for_demo_rucs() -> None:
    demo = factura(
        issuer=replace(factura().issuer, ruc="20123456789"),
        customer=Customer("6", "20123456789", "CLIENTE DEMO S.A.C."),
        anticipos=[Prepayment("02", "F001-9", Decimal("10"), "20123456789")],
    )
    assert {
        ("2104", "issuer.ruc"),
        ("1083", "customer.numero_documento"),
        ("2529", "anticipos[0].emisor_ruc"),
    } <= {(code, path) for code, path, _ in found(demo)}
    assert found(demo, options=NativeOptions(check_ruc_digit=False)) == set()
    malformed = replace(demo, issuer=replace(demo.issuer, ruc="2012345678"))
    assert ("0002", "issuer.ruc", E) in found(malformed, options=NativeOptions(check_ruc_digit=False))


def test_missing_values_are_problems_not_exceptions() -> None:
    doc = factura(
        serie=None,
        correlativo=None,
        fecha_emision=None,
        moneda=None,
        tipo_operacion=None,
        issuer=Company(ruc=None, razon_social=None),  # type: ignore[arg-type]
        customer=Customer(None, None, None),  # type: ignore[arg-type]
        lines=[
            SaleLine(
                descripcion=None, cantidad=None, unidad=None, tipo_afectacion_igv=None, isc=Isc(None, None)
            )  # type: ignore[arg-type]
        ],
        legends=[Legend(None, None)],  # type: ignore[arg-type]
        payment=PaymentTerms(forma=None),  # type: ignore[arg-type]
        guias=[DocumentReference(None, None)],  # type: ignore[arg-type]
        related=[DocumentReference(None, None)],  # type: ignore[arg-type]
        anticipos=[Prepayment(None, None, None)],  # type: ignore[arg-type]
        allowances=[AllowanceCharge(None)],  # type: ignore[arg-type]
    )
    codes = {p.code for p in validate_sale(doc, today=TODAY).errors}
    assert {
        "1001",
        "2329",
        "2070",
        "0002",
        "1037",
        "2016",
        "2014",
        "2021",
        "2883",
        "2024",
        "2026",
        "2040",
    } <= codes
    note = nota(note=NoteReference(None, None, None, None), lines=[line(cantidad=None)])  # type: ignore[arg-type]
    codes = {p.code for p in validate_sale(note, today=TODAY).errors}
    assert {"2128", "2136", "2524", "2139"} <= codes
