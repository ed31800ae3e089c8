import json
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest

from yupana.dialects.native.issuer import parse_issuer
from yupana.dialects.native.sales import parse_sale, translate_path
from yupana.domain.party import Address, Company
from yupana.domain.problems import InvalidDocument

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SALE_TYPES = ("01", "03", "07", "08")
DOCUMENTS = sorted(
    p
    for p in (EXAMPLES / "documents").glob("*.json")
    if json.loads(p.read_text()).get("tipo_documento") in SALE_TYPES
)


def load(path: Path) -> object:
    return json.loads(path.read_bytes(), parse_float=Decimal)


ISSUER = Company(
    "20123456786", "EMPRESA DE DEMOSTRACION S.A.C.", address=Address(codigo_establecimiento="0000")
)


def minimal(**changes: object) -> dict:
    body = {
        "tipo_documento": "01",
        "serie": "F001",
        "correlativo": 1,
        "fecha_emision": "2026-11-20",
        "customer": {
            "tipo_documento": "6",
            "numero_documento": "20601234565",
            "razon_social": "CLIENTE S.A.C.",
        },
        "lines": [{"descripcion": "Servicio", "cantidad": 1, "valor_unitario": "100"}],
    }
    body.update(changes)
    return body


def errors_of(body: object, issuer: Company | None = ISSUER) -> dict[str, str]:
    with pytest.raises(InvalidDocument) as caught:
        parse_sale(body, issuer)
    return {problem.path: problem.message for problem in caught.value.errors}


def ruc_check_digit_ok(ruc: str) -> bool:
    weights = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    rest = 11 - sum(int(d) * w for d, w in zip(ruc[:10], weights, strict=True)) % 11
    return {10: 0, 11: 1}.get(rest, rest) == int(ruc[10])


# Examples ---------------------------------------------------------------------------------


def test_there_are_examples():
    names = {path.name for path in DOCUMENTS}
    assert {
        "factura-minima.json",
        "boleta.json",
        "nota-credito.json",
        "factura-credito-detraccion.json",
    } <= names


def test_issuer_example_parses_with_a_valid_ruc():
    company = parse_issuer(load(EXAMPLES / "issuer.json"))
    assert company.ruc == "20123456786" and ruc_check_digit_ok(company.ruc)
    assert company.razon_social == "EMPRESA DE DEMOSTRACION S.A.C."
    assert company.nombre_comercial == "YUPANA DEMO"
    assert company.address.codigo_establecimiento == "0000"
    assert company.address.ubigeo == "150101"
    assert company.address.direccion == "AV. ABANCAY 123"
    assert company.address.codigo_pais == "PE"


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_example_documents_parse(path):
    issuer = parse_issuer(load(EXAMPLES / "issuer.json"))
    doc = parse_sale(load(path), issuer)
    assert doc.issuer is issuer
    assert doc.lines
    assert doc.correlativo >= 1
    for ruc in [doc.customer.numero_documento] if doc.customer.tipo_documento == "6" else []:
        assert ruc_check_digit_ok(ruc)


def test_example_detraccion_content():
    doc = parse_sale(load(EXAMPLES / "documents" / "factura-credito-detraccion.json"), ISSUER)
    assert doc.tipo_operacion == "1001"
    assert doc.detraccion is not None
    assert (doc.detraccion.codigo_bien, doc.detraccion.porcentaje) == ("037", Decimal(12))
    assert doc.detraccion.medio_pago == "001"
    assert doc.payment is not None and doc.payment.forma == "Credito"
    assert doc.payment.monto == Decimal("1298.00")
    assert [(c.monto, c.fecha_pago) for c in doc.payment.cuotas] == [
        (Decimal("649.00"), date(2026, 12, 20)),
        (Decimal("649.00"), date(2027, 1, 19)),
    ]
    assert doc.fecha_vencimiento == date(2027, 1, 19)
    assert doc.orden_compra == "OC-2026-0458"
    assert [(leg.codigo, leg.valor) for leg in doc.legends] == [("2006", "Operación sujeta a detracción")]
    assert doc.customer.address is not None and doc.customer.address.distrito == "SAN MARTIN DE PORRES"


def test_example_note_content():
    doc = parse_sale(load(EXAMPLES / "documents" / "nota-credito.json"), ISSUER)
    assert doc.is_note
    assert doc.note is not None
    assert (doc.note.codigo, doc.note.tipo_documento_afectado, doc.note.numero_documento_afectado) == (
        "01",
        "01",
        "F001-1",
    )


def test_example_boleta_content():
    doc = parse_sale(load(EXAMPLES / "documents" / "boleta.json"), ISSUER)
    assert doc.hora_emision == time(10, 15)
    assert [line.tipo_afectacion_igv for line in doc.lines] == ["10", "20", "10"]
    assert doc.lines[0].precio_unitario == Decimal("3.50") and doc.lines[0].valor_unitario is None
    assert doc.lines[2].icbper_factor == Decimal("0.50")
    assert doc.extras == {"cajero": "Caja 1"}


# Minimal input and defaults ---------------------------------------------------------------


def test_minimal_body_gets_domain_defaults_and_no_totals():
    doc = parse_sale(minimal(), ISSUER)
    assert (doc.tipo_documento, doc.serie, doc.correlativo) == ("01", "F001", 1)
    assert doc.fecha_emision == date(2026, 11, 20)
    assert doc.moneda == "PEN" and doc.tipo_operacion == "0101"
    line = doc.lines[0]
    assert (line.unidad, line.tipo_afectacion_igv) == ("NIU", "10")
    assert line.valor_unitario == Decimal("100")
    assert line.igv is None and line.valor_venta is None
    assert all(getattr(doc.totals, name) is None for name in doc.totals.__dataclass_fields__)
    assert doc.payment is None and doc.detraccion is None and doc.note is None
    assert doc.allowances == [] and doc.legends == [] and doc.extras == {}


def test_declared_totals_are_kept_for_checking():
    doc = parse_sale(minimal(totals={"gravadas": "100.00", "igv": 18, "importe_total": "118.00"}), ISSUER)
    assert doc.totals.gravadas == Decimal("100.00")
    assert doc.totals.igv == Decimal(18)
    assert doc.totals.importe_total == Decimal("118.00")
    assert doc.totals.exoneradas is None


def test_next_number_and_zero_padded_correlativo():
    assert parse_sale(minimal(correlativo="#"), ISSUER).correlativo == 0
    assert parse_sale(minimal(correlativo="00000042"), ISSUER).correlativo == 42


def test_codes_are_upper_cased_where_sunat_writes_them_so():
    doc = parse_sale(minimal(moneda="usd", serie="f001"), ISSUER)
    assert (doc.moneda, doc.serie) == ("USD", "F001")


def test_descuentos_and_cargos_with_default_codes():
    body = minimal(
        descuentos=[{"factor": "0.05"}],
        cargos=[{"monto": 3}],
        lines=[
            {
                "descripcion": "X",
                "cantidad": 1,
                "valor_unitario": 10,
                "descuentos": [{"monto": 1}, {"codigo": "01", "monto": 2}],
                "cargos": [{"monto": "0.5"}],
            }
        ],
    )
    doc = parse_sale(body, ISSUER)
    assert [(a.codigo, a.is_charge, a.monto, a.factor) for a in doc.allowances] == [
        ("02", False, None, Decimal("0.05")),
        ("49", True, Decimal(3), None),
    ]
    assert [(a.codigo, a.is_charge, a.monto) for a in doc.lines[0].allowances] == [
        ("00", False, Decimal(1)),
        ("01", False, Decimal(2)),
        ("47", True, Decimal("0.5")),
    ]


def test_every_block_is_read():
    body = minimal(
        anticipos=[{"tipo_documento": "02", "numero": "f001-9", "monto": "50"}],
        percepcion={"codigo": "51", "factor": "0.02"},
        retencion={},
        guias=[{"numero": "T001-5"}, {"tipo_documento": "31", "numero": "V001-2"}],
        related=[{"tipo_documento": "99", "numero": "X-1"}],
        observaciones=["uno", "dos"],
        tipo_cambio="3.7521",
        hora_emision="08:05",
    )
    doc = parse_sale(body, ISSUER)
    assert [(a.tipo_documento, a.numero, a.monto) for a in doc.anticipos] == [("02", "F001-9", Decimal(50))]
    assert doc.percepcion is not None and doc.percepcion.factor == Decimal("0.02")
    assert doc.retencion is not None and doc.retencion.factor == Decimal("0.03")
    assert [(g.tipo_documento, g.numero) for g in doc.guias] == [("09", "T001-5"), ("31", "V001-2")]
    assert [(r.tipo_documento, r.numero) for r in doc.related] == [("99", "X-1")]
    assert doc.observaciones == ["uno", "dos"]
    assert doc.tipo_cambio == Decimal("3.7521")
    assert doc.hora_emision == time(8, 5)


@pytest.mark.parametrize(
    ("written", "forma"), [("Contado", "Contado"), ("credito", "Credito"), ("CRÉDITO", "Credito")]
)
def test_payment_forma_names(written, forma):
    doc = parse_sale(minimal(payment={"forma": written}), ISSUER)
    assert doc.payment is not None and doc.payment.forma == forma


# Exact numbers ----------------------------------------------------------------------------


def test_decimal_exactness_from_json_text():
    text = json.dumps(minimal()).replace('"valor_unitario": "100"', '"valor_unitario": 0.1')
    doc = parse_sale(json.loads(text, parse_float=Decimal), ISSUER)
    assert doc.lines[0].valor_unitario == Decimal("0.1")
    assert str(doc.lines[0].valor_unitario) == "0.1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.1", "0.1"),
        (" 0.10 ", "0.10"),
        ("123.456789012345678901", "123.456789012345678901"),
        (Decimal("0.1"), "0.1"),
        (7, "7"),
        ("-2.5", "-2.5"),
        (".5", "0.5"),
        (0.1, "0.1"),  # a float that slipped through is read by its literal, not its binary value
    ],
)
def test_amounts_are_exact(value, expected):
    doc = parse_sale(minimal(lines=[{"descripcion": "X", "cantidad": value}]), ISSUER)
    assert doc.lines[0].cantidad == Decimal(expected)
    assert str(doc.lines[0].cantidad) == str(Decimal(expected))


@pytest.mark.parametrize(
    "value", ["1e3", "1,50", "abc", "NaN", "Infinity", True, [1], {"a": 1}, float("nan"), Decimal("Infinity")]
)
def test_bad_amounts(value):
    errors = errors_of(minimal(lines=[{"descripcion": "X", "cantidad": value}]))
    assert list(errors) == ["lines[0].cantidad"]


# Structural problems ----------------------------------------------------------------------


def test_unknown_fields_are_named():
    body = minimal(fecha="2026-11-20")
    body["lines"][0]["valor_unitaro"] = "100"
    body["customer"]["dni"] = "123"
    errors = errors_of(body)
    assert errors == {
        "fecha": "unknown field 'fecha'",
        "lines[0].valor_unitaro": "unknown field 'valor_unitaro'",
        "customer.dni": "unknown field 'dni'",
    }


def test_schema_key_is_allowed():
    assert parse_sale(minimal(**{"$schema": "native-sale.schema.json"}), ISSUER).serie == "F001"


def test_non_finite_number_message():
    errors = errors_of(minimal(tipo_cambio=float("inf")))
    assert errors == {"tipo_cambio": "inf is not a finite number"}


def test_missing_required_fields():
    errors = errors_of({"lines": [{}]}, issuer=None)
    assert set(errors) == {
        "tipo_documento",
        "serie",
        "correlativo",
        "fecha_emision",
        "issuer",
        "customer",
        "lines[0].descripcion",
        "lines[0].cantidad",
    }
    assert errors["serie"] == "'serie' is required"


def test_type_errors_with_paths():
    body = minimal(
        tipo_documento=1,
        customer="CLIENTE",
        fecha_emision="20/11/2026",
        correlativo="12a",
        hora_emision="9am",
        observaciones=["ok", 3],
        extras={"vendedor": 5},
        legends={"codigo": "1000"},
        lines=[
            {
                "descripcion": "X",
                "cantidad": 1,
                "properties": [{"codigo": "7000", "nombre": "N", "duracion_dias": 1.5}],
            },
            "Y",
        ],
        payment={"forma": "Cheque"},
        detraccion={
            "codigo_bien": "037",
            "porcentaje": 12,
            "cuenta_banco": "1",
            "transporte": {"origen": {}},
        },
    )
    errors = errors_of(body)
    assert errors == {
        "tipo_documento": "expected a string, got number",
        "customer": "expected an object, got string",
        "fecha_emision": "'20/11/2026' is not a date YYYY-MM-DD",
        "correlativo": "'12a' is not a whole number",
        "hora_emision": "'9am' is not a time HH:MM:SS",
        "observaciones[1]": "expected a string, got number",
        "extras.vendedor": "expected a string, got number",
        "legends": "expected an array, got object",
        "lines[0].properties[0].duracion_dias": "expected a whole number, got 1.5",
        "lines[1]": "expected an object, got string",
        "payment.forma": "'Cheque' is not one of: Contado, Credito",
        "detraccion.transporte.destino": "'destino' is required",
    }


@pytest.mark.parametrize("body", [[], "x", None, 3])
def test_body_must_be_an_object(body):
    with pytest.raises(InvalidDocument) as caught:
        parse_sale(body, ISSUER)
    assert [p.path for p in caught.value.errors] == [""]
    assert caught.value.errors[0].message.startswith("expected an object")


def test_empty_lines_and_bad_document_type():
    errors = errors_of(minimal(lines=[], tipo_documento="09"))
    assert errors["lines"] == "a document needs at least one line"
    assert "tipo_documento" in errors


def test_blank_or_null_values_are_absent():
    body = minimal(
        lines=[{"descripcion": "X", "cantidad": " ", "valor_unitario": "", "precio_unitario": None}]
    )
    assert errors_of(body) == {"lines[0].cantidad": "'cantidad' is required"}
    body["lines"][0]["cantidad"] = 1
    body["fecha_vencimiento"] = ""
    body["payment"] = None
    doc = parse_sale(body, ISSUER)
    assert doc.lines[0].valor_unitario is None and doc.lines[0].precio_unitario is None
    assert doc.fecha_vencimiento is None and doc.payment is None


def test_empty_text_is_missing_for_required_and_absent_for_optional():
    body = minimal()
    body["customer"]["razon_social"] = "  "
    body["lines"][0]["codigo"] = ""
    errors = errors_of(body)
    assert errors == {"customer.razon_social": "'razon_social' cannot be empty"}
    body["customer"]["razon_social"] = "C"
    assert parse_sale(body, ISSUER).lines[0].codigo is None


@pytest.mark.parametrize("value", [0, -3, 1.5])
def test_correlativo_must_be_positive_whole(value):
    assert list(errors_of(minimal(correlativo=value))) == ["correlativo"]


def test_allowance_codes_in_the_wrong_list():
    body = minimal(
        cargos=[{"codigo": "02", "monto": 1}],
        descuentos=[{"codigo": "62", "monto": 1}],
        lines=[{"descripcion": "X", "cantidad": 1, "descuentos": [{"codigo": "47", "monto": 1}]}],
    )
    errors = errors_of(body)
    assert errors == {
        "cargos[0].codigo": "code 02 of catalog 53 belongs in 'descuentos'",
        "descuentos[0].codigo": "code 62 of catalog 53 is declared with 'retencion'",
        "lines[0].descuentos[0].codigo": "code 47 of catalog 53 belongs in 'cargos'",
    }


def test_payment_needs_forma():
    assert errors_of(minimal(payment={"monto": 1})) == {
        "payment.forma": "'forma' is required (Contado or Credito)"
    }


# Issuer -----------------------------------------------------------------------------------


def test_configured_issuer_stands_in_for_emisor():
    assert parse_sale(minimal(), ISSUER).issuer is ISSUER


def test_emisor_in_body_without_configured_issuer():
    doc = parse_sale(minimal(issuer={"ruc": "20601234565", "razon_social": "OTRA S.A.C."}), None)
    assert (doc.issuer.ruc, doc.issuer.razon_social) == ("20601234565", "OTRA S.A.C.")


def test_emisor_must_match_the_configured_issuer():
    errors = errors_of(minimal(issuer={"ruc": "20601234565", "razon_social": "OTRA S.A.C."}))
    assert list(errors) == ["issuer.ruc"]


def test_emisor_with_same_ruc_brings_its_own_data():
    body = minimal(
        issuer={"ruc": ISSUER.ruc, "razon_social": ISSUER.razon_social, "codigo_establecimiento": "0001"}
    )
    assert parse_sale(body, ISSUER).issuer.address.codigo_establecimiento == "0001"


def test_issuer_errors():
    with pytest.raises(InvalidDocument) as caught:
        parse_issuer({"ruc": "2012345678", "direccion": {"calle": "x"}, "nombre": "X"})
    errors = {p.path: p for p in caught.value.errors}
    assert set(errors) == {"ruc", "razon_social", "direccion.calle", "nombre"}
    assert errors["ruc"].code == "0002"
    with pytest.raises(InvalidDocument):
        parse_issuer(["not", "an", "object"])


# Paths ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "native"),
    [
        ("serie", "serie"),
        ("fecha_emision", "fecha_emision"),
        ("lines[0].igv", "lines[0].igv"),
        ("lines[12].isc.monto", "lines[12].isc.monto"),
        ("lines[1].properties[0].valor", "lines[1].properties[0].valor"),
        ("issuer.ruc", "issuer.ruc"),
        ("issuer.address.ubigeo", "issuer.direccion.ubigeo"),
        ("issuer.address.codigo_establecimiento", "issuer.codigo_establecimiento"),
        ("customer.numero_documento", "customer.numero_documento"),
        ("customer.address.direccion", "customer.direccion.direccion"),
        ("payment.forma", "payment.forma"),
        ("payment.cuotas[1].fecha_pago", "payment.cuotas[1].fecha_pago"),
        ("related[0].numero", "related[0].numero"),
        ("note.codigo", "note.codigo"),
        ("legends[0].valor", "legends[0].valor"),
        ("totals.importe_total", "totals.importe_total"),
        ("detraccion.transporte.origen.ubigeo", "detraccion.transporte.origen.ubigeo"),
        ("anticipos[0].monto", "anticipos[0].monto"),
        ("", ""),
    ],
)
def test_translate_path(domain, native):
    assert translate_path(domain) == native


def test_translate_allowance_paths_with_the_document():
    body = minimal(
        descuentos=[{"monto": 1}, {"monto": 2}],
        cargos=[{"monto": 3}],
        lines=[
            {
                "descripcion": "X",
                "cantidad": 1,
                "descuentos": [{"monto": 1}],
                "cargos": [{"monto": 1}, {"monto": 2}],
            }
        ],
    )
    doc = parse_sale(body, ISSUER)
    assert translate_path("allowances[0].monto", doc) == "descuentos[0].monto"
    assert translate_path("allowances[1]", doc) == "descuentos[1]"
    assert translate_path("allowances[2].monto", doc) == "cargos[0].monto"
    assert translate_path("lines[0].allowances[0].factor", doc) == "lines[0].descuentos[0].factor"
    assert translate_path("lines[0].allowances[2].monto", doc) == "lines[0].cargos[1].monto"
    # Without the document the path stops at the owner of the list.
    assert translate_path("lines[0].allowances[2].monto") == "lines[0]"
    assert translate_path("allowances[2].monto") == ""
    # An index the document does not have also stops there.
    assert translate_path("lines[0].allowances[9]", doc) == "lines[0]"


def test_native_is_registered():
    from yupana.dialects.registry import dialect as sale_dialect

    dialect = sale_dialect("native")
    body = load(EXAMPLES / "documents" / "factura-minima.json")
    assert dialect.reader_for(body).parse is parse_sale
    assert dialect.translator(body, None)("customer.address.ubigeo") == "customer.direccion.ubigeo"


def test_problem_paths_use_native_names():
    errors = errors_of(minimal(lines=[{"descripcion": "X"}], customer={"tipo_documento": "6", "address": {}}))
    assert set(errors) == {
        "lines[0].cantidad",
        "customer.numero_documento",
        "customer.razon_social",
        "customer.address",
    }
    assert errors["customer.address"] == "unknown field 'address'"


def test_isc_systems():
    body = minimal(
        lines=[
            {
                "descripcion": "Cerveza",
                "cantidad": 12,
                "valor_unitario": 5,
                "isc": {"sistema": "02", "monto_fijo": "1.50"},
            },
            {
                "descripcion": "Gaseosa",
                "cantidad": 1,
                "valor_unitario": 5,
                "isc": {"sistema": "03", "porcentaje": 17, "precio_publico": "7"},
            },
            {"descripcion": "Licor", "cantidad": 1, "valor_unitario": 5, "isc": {"sistema": "01"}},
        ]
    )
    errors = errors_of(body)
    assert errors == {"lines[2].isc.porcentaje": "'porcentaje' is required"}
    body["lines"][2]["isc"]["porcentaje"] = "30"
    doc = parse_sale(body, ISSUER)
    fixed, retail, value = (line.isc for line in doc.lines)
    assert fixed is not None and (fixed.porcentaje, fixed.monto_fijo) == (Decimal(0), Decimal("1.50"))
    assert retail is not None and (retail.porcentaje, retail.precio_publico) == (Decimal(17), Decimal(7))
    assert value is not None and value.porcentaje == Decimal(30)
