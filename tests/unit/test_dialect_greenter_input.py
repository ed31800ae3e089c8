"""Greenter/Lycet requests beyond the corpus: bad input, leniencies, nexus-doc's extras."""

from __future__ import annotations

import copy
import json
from datetime import date, time
from decimal import Decimal

import pytest

from yupana.dialects.greenter.sales import parse_invoice, parse_note, parse_sale
from yupana.domain.party import Address, Company
from yupana.domain.problems import InvalidDocument
from yupana.domain.sale import AllowanceCharge, Installment

ISSUER = Company(
    ruc="20123456789",
    razon_social="ACME S.A.C.",
    nombre_comercial="ACME",
    address=Address(direccion="AV. LIMA 123", ubigeo="150101", codigo_establecimiento="0000"),
    email="ventas@acme.pe",
)


def invoice(**changes: object) -> dict:
    body: dict = {
        "ublVersion": "2.1",
        "tipoDoc": "01",
        "serie": "F001",
        "correlativo": "7",
        "fechaEmision": "2026-11-22T10:15:00-05:00",
        "tipoMoneda": "PEN",
        "company": {"ruc": "20123456789", "razonSocial": "ACME S.A.C."},
        "client": {"tipoDoc": "6", "numDoc": "20000000001", "rznSocial": "CLIENTE S.A.C."},
        "details": [
            {
                "unidad": "NIU",
                "cantidad": 2,
                "descripcion": "PROD",
                "mtoValorUnitario": Decimal("10"),
                "tipAfeIgv": "10",
            }
        ],
    }
    body.update(changes)
    return body


def note(**changes: object) -> dict:
    body = invoice(
        tipoDoc="07",
        serie="FC01",
        codMotivo="01",
        desMotivo="ANULACION DE LA OPERACION",
        tipDocAfectado="01",
        numDocfectado="F001-7",
    )
    body.update(changes)
    return body


def errors_of(body: object, parse=parse_sale, issuer: Company | None = None) -> dict[str, str | None]:
    with pytest.raises(InvalidDocument) as caught:
        parse(body, issuer)
    return {problem.path: problem.code for problem in caught.value.errors}


# -- structural problems ------------------------------------------------------------------


@pytest.mark.parametrize("body", [[1, 2], "[]", 42, None, b"not json {"])
def test_a_body_that_is_not_a_json_object_is_rejected(body: object):
    assert errors_of(body) == {"": None}


def test_details_must_be_a_list():
    assert errors_of(invoice(details={"cantidad": 1})) == {"details": None}


def test_details_must_not_be_empty():
    assert errors_of(invoice(details=[])) == {"details": None}


def test_details_entries_must_be_objects():
    assert errors_of(invoice(details=["PROD"])) == {"details[0]": None}


def test_a_quantity_that_is_not_a_number_is_reported_with_its_path():
    body = invoice()
    body["details"][0]["cantidad"] = "abc"
    assert errors_of(body) == {"details[0].cantidad": "2025"}


def test_missing_serie():
    body = invoice()
    del body["serie"]
    assert errors_of(body) == {"serie": "0006"}


def test_every_problem_is_reported_at_once():
    body = invoice(serie="", fechaEmision="22/11/2026", tipoMoneda=None)
    body["details"][0]["cantidad"] = "abc"
    body["details"].append({"cantidad": True, "mtoValorUnitario": "1,50"})
    del body["client"]["numDoc"]
    assert errors_of(body) == {
        "serie": "0006",
        "fechaEmision": "1009",
        "client.numDoc": "2014",
        "details[0].cantidad": "2025",
        "details[1].descripcion": "2026",
        "details[1].cantidad": "2025",
        "details[1].mtoValorUnitario": None,
    }


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("correlativo", "F12", "1001"),
        ("correlativo", "0", "1001"),
        ("correlativo", "123456789", "1001"),
        ("correlativo", 1.5, "0009"),
        ("tipoDoc", "09", "1003"),
        ("ublVersion", "3.0", "2074"),
        ("client", "CLIENTE", "2514"),
        ("fechaEmision", "2026-13-01", "1009"),
    ],
)
def test_bad_header_values(key: str, value: object, code: str):
    assert errors_of(invoice(**{key: value})) == {key: code}


def test_missing_tipo_doc():
    body = invoice()
    del body["tipoDoc"]
    assert errors_of(body) == {"tipoDoc": "1004"}


def test_typed_entry_points_refuse_the_other_family():
    assert errors_of(note(), parse=parse_invoice) == {"tipoDoc": "1003"}
    assert errors_of(invoice(), parse=parse_note)["tipoDoc"] == "1003"


def test_a_note_needs_its_reference():
    body = invoice(tipoDoc="08", serie="FD01")
    assert errors_of(body) == {
        "codMotivo": "2128",
        "desMotivo": "2136",
        "tipDocAfectado": "2583",
        "numDocfectado": "2205",
    }
    assert errors_of(note(numDocfectado=None))["numDocfectado"] == "2117"


def test_a_string_where_a_number_is_wanted_and_the_reverse():
    body = invoice()
    body["details"][0]["descripcion"] = 1.5
    body["details"][0]["igv"] = [3]
    assert errors_of(body) == {"details[0].descripcion": "2026", "details[0].igv": None}


def test_number_that_is_not_finite_is_rejected():
    body = invoice()
    body["details"][0]["cantidad"] = float("nan")
    assert errors_of(body) == {"details[0].cantidad": "2025"}


# -- issuer ---------------------------------------------------------------------------------


def test_without_company_the_configured_issuer_is_used():
    body = invoice()
    del body["company"]
    assert parse_sale(body, ISSUER).issuer == ISSUER


def test_without_company_nor_issuer_the_error_names_company():
    body = invoice()
    del body["company"]
    assert errors_of(body) == {"company": "2676"}


def test_company_in_the_body_is_the_issuer_and_completes_from_the_configured_one():
    body = invoice(company={"ruc": "20123456789", "nombreComercial": "ACME PLAZA"})
    issuer = parse_sale(body, ISSUER).issuer
    assert issuer.razon_social == "ACME S.A.C."
    assert issuer.nombre_comercial == "ACME PLAZA"
    assert issuer.address == ISSUER.address
    assert issuer.email == "ventas@acme.pe"


def test_company_with_another_ruc_stands_alone():
    body = invoice(company={"ruc": "20999999999"})
    assert errors_of(body, issuer=ISSUER) == {"company.razonSocial": "1037"}
    body = invoice(company={"ruc": "20999999999", "razonSocial": "OTRA S.A."})
    issuer = parse_sale(body, ISSUER).issuer
    assert (issuer.ruc, issuer.razon_social, issuer.address) == ("20999999999", "OTRA S.A.", Address())


def test_greenter_address_spelling():
    body = invoice(
        company={
            "ruc": "20123456789",
            "razonSocial": "ACME S.A.C.",
            "address": {
                "ubigueo": "150131",
                "codLocal": "0001",
                "direccion": "CAL. X 1",
                "distrito": "SAN ISIDRO",
            },
            "telephone": "01-234",
        },
        client={
            "tipoDoc": "6",
            "numDoc": "20000000001",
            "rznSocial": "CLIENTE S.A.C.",
            "address": {"ubigueo": "150101", "codLocal": "0000", "direccion": "JR. Y 2", "codigoPais": "PE"},
        },
    )
    doc = parse_sale(body, None)
    assert doc.issuer.address == Address(
        direccion="CAL. X 1", ubigeo="150131", distrito="SAN ISIDRO", codigo_establecimiento="0001"
    )
    assert doc.issuer.telefono == "01-234"
    # SUNAT has no establishment code for the customer; Greenter's model fills "0000" by default.
    assert doc.customer.address == Address(direccion="JR. Y 2", ubigeo="150101")


# -- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day", "hour"),
    [
        ("2026-11-22T10:15:00-05:00", date(2026, 11, 22), time(10, 15)),
        ("2026-11-22T03:00:00Z", date(2026, 11, 21), time(22, 0)),
        ("2026-11-22T06:30:00+01:00", date(2026, 11, 22), time(0, 30)),
        ("2026-11-22T10:15:00.123456-05:00", date(2026, 11, 22), time(10, 15)),
        ("2026-11-22T10:15:00", date(2026, 11, 22), time(10, 15)),
        ("2026-11-22", date(2026, 11, 22), None),
    ],
)
def test_issue_date_and_time_are_lima_date_and_time(text: str, day: date, hour: time | None):
    doc = parse_sale(invoice(fechaEmision=text), None)
    assert (doc.fecha_emision, doc.hora_emision) == (day, hour)


def test_due_date_and_instalment_dates_are_lima_dates():
    body = invoice(
        fecVencimiento="2026-12-31T02:00:00Z",
        formaPago={"tipo": "Credito", "monto": 23.6},
        cuotas=[{"monto": 23.6, "fechaPago": "2026-12-31T04:59:00Z", "moneda": "PEN"}],
    )
    doc = parse_sale(body, None)
    assert doc.fecha_vencimiento == date(2026, 12, 30)
    assert doc.payment.cuotas == [Installment(Decimal("23.6"), date(2026, 12, 30), "PEN")]


# -- leniencies and numbers ------------------------------------------------------------------


def test_numbers_are_decimals_from_text_floats_and_strings():
    body = invoice(mtoImpVenta=23.6, mtoIGV="3.60", correlativo=12)
    body["details"][0].update(cantidad="2.50", mtoValorVenta=100.0, codProducto=123)
    doc = parse_sale(body, None)
    assert doc.correlativo == 12
    assert doc.totals.importe_total == Decimal("23.6")
    assert str(doc.totals.importe_total) == "23.6"
    assert doc.totals.igv == Decimal("3.60")
    line = doc.lines[0]
    assert (line.cantidad, str(line.valor_venta), line.codigo) == (Decimal("2.50"), "100.0", "123")


def test_defaults_where_greenter_callers_leave_keys_out():
    body = invoice(tipoMoneda=None, ublVersion=None)
    body["details"][0] = {"cantidad": 1, "descripcion": "SERVICIO"}
    doc = parse_sale(body, None)
    assert (doc.moneda, doc.tipo_operacion) == ("PEN", "0101")
    assert (doc.lines[0].unidad, doc.lines[0].tipo_afectacion_igv) == ("NIU", "10")
    assert doc.lines[0].valor_unitario is None and doc.totals.importe_total is None
    assert parse_sale(invoice(ublVersion="2.0"), None).serie == "F001"


def test_correlativo_with_leading_zeros():
    assert parse_sale(invoice(correlativo="00000012"), None).correlativo == 12


def test_unknown_keys_are_ignored():
    body = invoice(name="20123456789-01-F001-7", somethingElse={"a": 1})
    body["details"][0]["extra"] = [1, 2]
    assert parse_sale(body, None).numero == "F001-7"


# -- line taxes and allowances -------------------------------------------------------------


def test_icbper_is_kept_only_when_the_line_declares_it():
    body = invoice()
    body["details"][0]["factorIcbper"] = 0.3
    body["details"].append(
        {"cantidad": 4, "descripcion": "BOLSA", "icbper": 0.8, "factorIcbper": 0.2, "mtoValorUnitario": 0.05}
    )
    body["details"].append({"cantidad": 1, "descripcion": "OTRA", "icbper": 0, "factorIcbper": 0.5})
    first, bag, zero = parse_sale(body, None).lines
    assert (first.icbper, first.icbper_factor) == (None, None)
    assert (bag.icbper, bag.icbper_factor) == (Decimal("0.8"), Decimal("0.2"))
    assert (zero.icbper, zero.icbper_factor) == (None, None)


def test_isc_needs_its_system_and_rate():
    body = invoice()
    body["details"][0].update(tipSisIsc="01", porcentajeIsc=17, mtoBaseIsc=20, isc=3.4)
    isc = parse_sale(body, None).lines[0].isc
    assert (isc.sistema, isc.porcentaje, isc.base, isc.monto) == (
        "01",
        Decimal(17),
        Decimal(20),
        Decimal("3.4"),
    )

    body["details"][0].update(tipSisIsc=None, porcentajeIsc=None)
    assert errors_of(body) == {"details[0].tipSisIsc": None, "details[0].porcentajeIsc": None}

    zeros = invoice()
    zeros["details"][0].update(tipSisIsc="01", porcentajeIsc=0, mtoBaseIsc=0, isc=0)
    assert parse_sale(zeros, None).lines[0].isc is None


def test_line_discounts_charges_and_the_old_single_discount():
    body = invoice()
    body["details"][0].update(
        descuentos=[{"codTipo": "00", "factor": 0.1, "monto": 2, "montoBase": 20}],
        cargos=[{"codTipo": "47", "monto": 1}],
    )
    body["details"].append({"cantidad": 1, "descripcion": "B", "descuento": 1.5})
    first, second = parse_sale(body, None).lines
    assert first.allowances == [
        AllowanceCharge("00", Decimal(2), Decimal(20), Decimal("0.1"), False),
        AllowanceCharge("47", Decimal(1), None, None, True),
    ]
    assert second.allowances == [AllowanceCharge("00", Decimal("1.5"), is_charge=False)]

    body["details"][0]["cargos"] = [{"monto": 1}]
    assert errors_of(body) == {"details[0].cargos[0].codTipo": "3073"}


def test_line_attributes():
    body = invoice()
    body["details"][0]["atributos"] = [
        {"code": "5010", "name": "Placa", "value": "ABC-123"},
        {"code": "7014", "name": "Periodo", "fecInicio": "2026-11-01T00:00:00-05:00", "duracion": 30},
    ]
    plate, period = parse_sale(body, None).lines[0].properties
    assert (plate.codigo, plate.nombre, plate.valor) == ("5010", "Placa", "ABC-123")
    assert (period.fecha_inicio, period.duracion_dias, period.valor) == (date(2026, 11, 1), 30, None)


def test_document_discounts_charges_and_the_retencion():
    body = invoice(
        descuentos=[
            {"codTipo": "62", "factor": 0.03, "monto": 7.08, "montoBase": 236},
            {"codTipo": "02", "factor": 1, "monto": 3, "montoBase": 3},
        ],
        cargos=[{"codTipo": "50", "factor": 0.1, "monto": 2, "montoBase": 20}],
    )
    doc = parse_sale(body, None)
    assert [(a.codigo, a.is_charge) for a in doc.allowances] == [("02", False), ("50", True)]
    assert (doc.retencion.factor, doc.retencion.base, doc.retencion.monto) == (
        Decimal("0.03"),
        Decimal(236),
        Decimal("7.08"),
    )
    body["descuentos"].append({"codTipo": "62", "monto": 1})
    assert errors_of(body) == {"descuentos[2]": None}


# -- document blocks ------------------------------------------------------------------------


def test_detraccion_perception_prepayments_and_references():
    body = invoice(
        tipoOperacion="1001",
        detraccion={
            "codBienDetraccion": "037",
            "ctaBanco": "0004-111",
            "percent": 12,
            "mount": 50,
            "valueRef": 9,
        },
        perception={"codReg": "51", "porcentaje": 0.02, "mtoBase": 100, "mto": 2, "mtoTotal": 102},
        anticipos=[{"tipoDocRel": "02", "nroDocRel": "F001-1", "total": 100}],
        totalAnticipos=100,
        guias=[{"tipoDoc": "09", "nroDoc": "T001-2"}],
        relDocs=[{"tipoDoc": "99", "nroDoc": "X-1"}],
        compra="OC-77",
        observacion="ENTREGA EN ALMACEN",
    )
    doc = parse_sale(body, None)
    assert doc.tipo_operacion == "1001"
    assert (doc.detraccion.codigo_bien, doc.detraccion.porcentaje, doc.detraccion.monto) == ("037", 12, 50)
    assert (doc.detraccion.cuenta_banco, doc.detraccion.medio_pago) == ("0004-111", "001")
    assert doc.extras["detraccion.valueRef"] == "9"
    assert (doc.percepcion.codigo, doc.percepcion.factor, doc.percepcion.total) == (
        "51",
        Decimal("0.02"),
        102,
    )
    assert [(a.tipo_documento, a.numero, a.monto) for a in doc.anticipos] == [("02", "F001-1", 100)]
    assert doc.totals.anticipos == 100
    assert [(g.tipo_documento, g.numero) for g in doc.guias] == [("09", "T001-2")]
    assert [(g.tipo_documento, g.numero) for g in doc.related] == [("99", "X-1")]
    assert (doc.orden_compra, doc.observaciones) == ("OC-77", ["ENTREGA EN ALMACEN"])

    body["detraccion"] = {"percent": 12}
    body["anticipos"] = [{"total": "x"}]
    assert errors_of(body) == {
        "detraccion.codBienDetraccion": "3127",
        "detraccion.ctaBanco": "3034",
        "anticipos[0].tipoDocRel": "2505",
        "anticipos[0].nroDocRel": "2522",
        "anticipos[0].total": "2503",
    }


def test_totals_without_a_ubl_21_element_are_kept_for_printing():
    body = invoice(sumOtrosDescuentos=5, mtoDescuentos=12.5, sumDsctoGlobal=3, mtoCargos=1)
    doc = parse_sale(body, None)
    assert doc.totals.descuentos == 5
    assert doc.extras == {"mtoDescuentos": "12.5", "sumDsctoGlobal": "3", "mtoCargos": "1"}


def test_what_the_domain_cannot_carry_is_refused_not_dropped():
    body = invoice(
        mtoOtrosTributos=5, direccionEntrega={"direccion": "X"}, guiaEmbebida={"tipoTransporte": "01"}
    )
    body["details"][0]["otroTributo"] = 1
    assert errors_of(body) == {
        "mtoOtrosTributos": None,
        "direccionEntrega": None,
        "guiaEmbebida": None,
        "details[0].otroTributo": None,
    }
    assert parse_sale(invoice(mtoOtrosTributos=0, direccionEntrega={}), None).numero == "F001-7"


def test_a_note_takes_only_what_greenter_notes_have():
    body = note(
        descuentos=[{"codTipo": "02", "monto": 1}],
        detraccion={"codBienDetraccion": "037"},
        observacion="X",
        tipoOperacion="1001",
        sumOtrosDescuentos=1,
        perception={"codReg": "51", "porcentaje": 0.02},
        guias=[{"tipoDoc": "09", "nroDoc": "T001-1"}],
    )
    doc = parse_sale(body, None)
    assert doc.is_note and doc.note.numero_documento_afectado == "F001-7"
    assert doc.allowances == [] and doc.detraccion is None and doc.observaciones == []
    assert doc.tipo_operacion == "0101" and doc.totals.descuentos is None
    assert doc.percepcion.codigo == "51" and len(doc.guias) == 1


def test_note_number_accepts_the_corrected_spelling_too():
    body = note(numDocfectado=None, numDocAfectado="F001-9")
    assert parse_note(body, None).note.numero_documento_afectado == "F001-9"


# -- payment --------------------------------------------------------------------------------


def test_forma_pago_object():
    doc = parse_sale(invoice(formaPago={"tipo": "CRÉDITO", "monto": 23.6, "moneda": "PEN"}), None)
    assert (doc.payment.forma, doc.payment.monto) == ("Credito", Decimal("23.6"))
    assert parse_sale(invoice(formaPago={"tipo": "contado"}), None).payment.forma == "Contado"


def test_forma_pago_currency_must_be_the_documents():
    assert errors_of(invoice(formaPago={"tipo": "Credito", "monto": 1, "moneda": "USD"})) == {
        "formaPago.moneda": "2071"
    }


def test_forma_pago_needs_its_type():
    assert errors_of(invoice(formaPago={"monto": 1})) == {"formaPago.tipo": "3245"}
    assert errors_of(invoice(formaPago="Contado")) == {"formaPago": "3245"}


def test_cuotas_alone_mean_credit_and_are_checked():
    body = invoice(cuotas=[{"monto": 10, "fechaPago": "2026-12-01"}])
    assert parse_sale(body, None).payment.forma == "Credito"
    body = invoice(
        formaPago={"tipo": "Credito"}, cuotas=[{"moneda": "PEN"}, {"monto": "x", "fechaPago": "mañana"}]
    )
    assert errors_of(body) == {
        "cuotas[0].monto": "3254",
        "cuotas[0].fechaPago": "3256",
        "cuotas[1].monto": "3253",
        "cuotas[1].fechaPago": "3255",
    }


# -- nexus-doc ------------------------------------------------------------------------------


def test_nexus_doc_blocks_go_to_extras_and_do_not_break_parsing():
    body = invoice(
        seller={"tipoDoc": "1", "numDoc": "45678912", "rznSocial": "JUAN PEREZ"},
        cashier="ANA",
        finalMessage=["GRACIAS POR SU COMPRA", "VUELVA PRONTO"],
        formato="ticket",
        formaPago=[{"tipo": "Efectivo", "monto": 20}, {"tipo": "Yape", "monto": 3.6}],
    )
    doc = parse_sale(body, None)
    assert doc.extras == {
        "seller": "JUAN PEREZ",
        "seller.tipoDoc": "1",
        "seller.numDoc": "45678912",
        "seller.rznSocial": "JUAN PEREZ",
        "cashier": "ANA",
        "finalMessage": "GRACIAS POR SU COMPRA\nVUELVA PRONTO",
        "formato": "ticket",
        "formaPago": "Efectivo 20\nYape 3.6",
    }
    assert (doc.payment.forma, doc.payment.monto, doc.payment.cuotas) == ("Contado", None, [])


def test_nexus_doc_forma_pago_list_with_credit():
    body = invoice(
        formaPago=[{"tipo": "Efectivo", "monto": 3.6}, {"tipo": "Credito", "monto": 20}],
        cuotas=[{"monto": 20, "fechaPago": "2026-12-22"}],
    )
    payment = parse_sale(body, None).payment
    assert (payment.forma, payment.monto, len(payment.cuotas)) == ("Credito", Decimal(20), 1)


def test_nexus_doc_odd_shapes_are_still_printed():
    body = invoice(
        seller="MARIA", cashier={"nombre": "ANA", "turno": 2}, finalMessage=None, formato={"tipo": "a4"}
    )
    assert parse_sale(body, None).extras == {
        "seller": "MARIA",
        "cashier": "ANA",
        "cashier.nombre": "ANA",
        "cashier.turno": "2",
        "formato.tipo": "a4",
    }


def test_nexus_doc_extras_on_a_note():
    doc = parse_sale(note(cashier="ANA", formato="a4"), None)
    assert doc.extras == {"cashier": "ANA", "formato": "a4"}


# -- Lycet envelope ---------------------------------------------------------------------------


def test_lycet_envelope_with_pdf_parameters():
    envelope = {
        "document": invoice(),
        "parameters": {
            "system": {"logo": "iVBOR..."},
            "user": {"extras": [{"name": "VENDEDOR", "value": "ANA"}]},
        },
    }
    doc = parse_sale(envelope, None)
    assert doc.numero == "F001-7"
    assert doc.extras == {"VENDEDOR": "ANA"}

    broken = copy.deepcopy(envelope)
    broken["document"]["details"][0]["cantidad"] = "abc"
    assert errors_of(broken) == {"document.details[0].cantidad": "2025"}


def test_raw_json_text_is_decoded_with_decimals():
    text = json.dumps(invoice(mtoImpVenta=0.1), default=str)
    assert parse_sale(text, None).totals.importe_total == Decimal("0.1")
