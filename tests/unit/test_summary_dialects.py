"""Dialects of the resumen diario: the native JSON (with its JSON Schema, examples and docs) and
Greenter/Lycet's ``Summary``; structural problems with their path and SUNAT code."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from paths import FIXTURES
from yupana.dialects.greenter.summary import parse_summary as parse_greenter
from yupana.dialects.greenter.summary import translate_path as greenter_path
from yupana.dialects.native.issuer import parse_issuer
from yupana.dialects.native.summary import parse_summary, translate_path
from yupana.domain.party import Company, Customer
from yupana.domain.problems import InvalidDocument
from yupana.domain.summary import SummaryPercepcion, SummaryReference

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "native-summary.schema.json"
DOC = ROOT / "docs" / "api-native-summary.md"
EXAMPLES = sorted((ROOT / "examples" / "documents").glob("summary-*.json"))
ISSUER = Company("20123456786", "EMPRESA DE PRUEBAS S.A.C.")
GREENTER = FIXTURES / "greenter-lycet" / "greenter-demo-json"
D = Decimal


def decimal_json(text: str | bytes) -> object:
    return json.loads(text, parse_float=Decimal)


def errors(parse, body: object, issuer: Company | None = ISSUER) -> list[tuple[str | None, str]]:
    with pytest.raises(InvalidDocument) as caught:
        parse(body, issuer)
    return [(p.code, p.path) for p in caught.value.errors]


# -- native ------------------------------------------------------------------------------------


def test_native_body() -> None:
    doc = parse_summary(
        {
            "correlativo": "12",
            "fecha_generacion": "2026-11-22",
            "moneda": "usd",
            "lines": [
                {
                    "tipo_documento": "7",
                    "serie": "bc01",
                    "correlativo": "5",
                    "estado": "3",
                    "fecha_emision": "2026-11-21",
                    "customer": {
                        "tipo_documento": "1",
                        "numero_documento": "45678912",
                        "razon_social": "JUAN",
                    },
                    "referencia": {"tipo_documento": "03", "numero": "b001-4"},
                    "gravadas": "10.00",
                    "igv": 1.8,
                },
                {
                    "tipo_documento": "03",
                    "serie": "B001",
                    "correlativo": 6,
                    "moneda": "PEN",
                    "customer": {"tipo_documento": "1", "numero_documento": "45678912"},
                    "percepcion": {"regimen": "1", "porcentaje": 2},
                    "importe_total": "50",
                },
            ],
        },
        ISSUER,
    )
    assert (doc.correlativo, doc.fecha_generacion, doc.fecha_referencia) == (
        12,
        date(2026, 11, 22),
        date(2026, 11, 21),
    )
    assert doc.identificador == "RC-20261122-12"
    assert doc.file_stem == "20123456786-RC-20261122-12"
    first, second = doc.lines
    assert (first.tipo_documento, first.numero, first.estado, first.moneda) == ("07", "BC01-5", "3", "USD")
    assert first.customer == Customer("1", "45678912", "JUAN")
    assert first.referencia == SummaryReference("03", "B001-4")
    assert (first.gravadas, first.igv, first.importe_total) == (D("10.00"), D("1.8"), None)
    assert (second.estado, second.moneda, second.importe_total) == ("1", "PEN", D("50"))
    assert second.percepcion == SummaryPercepcion("01", D("2"))


def test_native_structural_problems_carry_sunat_codes() -> None:
    body = {
        "tipo_documento": "RA",
        "correlativo": "uno",
        "fecha_generacion": "22/11/2026",
        "lines": [
            {"serie": "B001", "correlativo": "x", "estado": 9, "gravadas": "diez", "sorpresa": 1},
            {"tipo_documento": "03", "correlativo": 1, "customer": {"numero_documento": "1"}},
            {"tipo_documento": "07", "serie": "BC01", "correlativo": 1, "referencia": {}},
        ],
    }
    assert errors(parse_summary, body) == [
        ("2210", "tipo_documento"),
        ("2210", "correlativo"),
        ("2230", "fecha_generacion"),
        ("2242", "lines[0].tipo_documento"),
        ("2513", "lines[0].correlativo"),
        ("2896", "lines[0].estado"),
        ("2254", "lines[0].gravadas"),
        (None, "lines[0].sorpresa"),
        ("2512", "lines[1].serie"),
        ("2015", "lines[1].customer.tipo_documento"),
        ("2583", "lines[2].referencia.tipo_documento"),
        ("2524", "lines[2].referencia.numero"),
        ("2234", "fecha_referencia"),
    ]


def test_native_needs_lines_and_an_issuer() -> None:
    body = {"correlativo": 1, "fecha_generacion": "2026-11-22", "fecha_referencia": "2026-11-22", "lines": []}
    assert errors(parse_summary, body) == [("2279", "lines")]
    body["lines"] = [{"tipo_documento": "03", "serie": "B001", "correlativo": 1}]
    assert errors(parse_summary, body, None) == [("2217", "issuer")]
    other = {**body, "issuer": {"ruc": "20100070970", "razon_social": "OTRA"}}
    assert errors(parse_summary, other) == [("1034", "issuer.ruc")]


def test_next_number_and_paths() -> None:
    body = {"correlativo": "#", "fecha_generacion": "2026-11-22", "fecha_referencia": "2026-11-22", "lines": [
        {"tipo_documento": "03", "serie": "B001", "correlativo": 1}
    ]}  # fmt: skip
    assert parse_summary(body, ISSUER).correlativo == 0
    assert translate_path("issuer.address.ubigeo") == "issuer.direccion.ubigeo"
    assert translate_path("lines[3].percepcion.base") == "lines[3].percepcion.base"


# -- schema, examples, docs --------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator():
    import jsonschema

    checker = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "number",
        lambda _checker, value: isinstance(value, int | float | Decimal) and not isinstance(value, bool),
    )
    cls = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=checker)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return cls(schema)


def doc_bodies() -> list[object]:
    blocks = re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return [decimal_json(block) for block in blocks]


def test_examples_follow_the_schema_and_parse(validator) -> None:
    assert len(EXAMPLES) >= 5
    issuer = parse_issuer(json.loads((ROOT / "examples" / "issuer.json").read_text(encoding="utf-8")))
    for path in [*EXAMPLES]:
        body = decimal_json(path.read_bytes())
        assert list(validator.iter_errors(body)) == [], path.name
        assert parse_summary(body, issuer).lines, path.name
    bodies = doc_bodies()
    assert bodies
    for body in bodies:
        assert list(validator.iter_errors(body)) == []
        parse_summary(body, issuer)


def test_schema_and_parser_name_the_same_fields(validator) -> None:
    schema = validator.schema
    line_fields = set(schema["$defs"]["line"]["properties"])
    body = {
        "correlativo": 1,
        "fecha_generacion": "2026-11-22",
        "fecha_referencia": "2026-11-22",
        "lines": [
            {name: None for name in line_fields} | {"tipo_documento": "03", "serie": "B001", "correlativo": 1}
        ],
    }
    parse_summary(body, ISSUER)  # every field the schema names is known to the parser
    assert set(schema["properties"]) >= {
        "correlativo",
        "fecha_generacion",
        "fecha_referencia",
        "lines",
        "issuer",
    }


# -- Greenter ----------------------------------------------------------------------------------


def greenter_body(name: str = "resumen") -> dict:
    body = decimal_json((GREENTER / f"{name}.json").read_bytes())
    assert isinstance(body, dict)
    return body


def test_greenter_mapping() -> None:
    doc = parse_greenter(greenter_body(), None)
    assert (doc.correlativo, doc.fecha_generacion, doc.fecha_referencia) == (
        1,
        date(2026, 11, 21),
        date(2026, 11, 19),
    )
    assert (doc.issuer.ruc, doc.issuer.razon_social, doc.issuer.address.codigo_establecimiento) == (
        "20123456789",
        "GREENTER S.A.C.",
        "0000",
    )
    void, nota, perceived = doc.lines
    assert (void.numero, void.estado, void.customer) == ("B001-1", "3", Customer("1", "00000000", ""))
    assert (void.exportacion, void.otros_cargos, void.importe_total) == (D("10.56"), D("21.00"), D("129.56"))
    assert (nota.tipo_documento, nota.referencia) == ("07", SummaryReference("03", "0001-122"))
    assert (nota.igv, nota.isc, nota.gravadas) == (D("7.20"), D("2.80"), D("40.00"))
    assert perceived.percepcion == SummaryPercepcion("01", D("2.00"), D("119.00"), D("2.38"), D("121.38"))
    usd = parse_greenter(greenter_body("resumen-usd"), None)
    assert {line.moneda for line in usd.lines} == {"USD"}
    assert usd.correlativo == 211


def test_greenter_envelope_and_issuer() -> None:
    body = greenter_body()
    del body["company"]
    doc = parse_greenter({"document": body, "parameters": {}}, ISSUER)
    assert doc.issuer is ISSUER
    assert greenter_path("lines[0].serie", {"document": body}) == "document.details[0].serieNro"


def test_greenter_structural_problems() -> None:
    body = greenter_body()
    body["correlativo"] = "000000"
    body["details"][0]["serieNro"] = "B001"
    body["details"][1]["estado"] = None
    body["details"][2]["percepcion"]["mto"] = "dos"
    del body["fecResumen"]
    assert errors(parse_greenter, body, None) == [
        ("2210", "correlativo"),
        ("2231", "fecResumen"),
        ("2513", "details[0].serieNro"),
        ("2522", "details[1].estado"),
        ("2893", "details[2].percepcion.mto"),
    ]


@pytest.mark.parametrize(
    ("domain", "greenter"),
    [
        ("fecha_generacion", "fecResumen"),
        ("fecha_referencia", "fecGeneracion"),
        ("issuer.razon_social", "company.razonSocial"),
        ("lines", "details"),
        ("lines[2]", "details[2]"),
        ("lines[2].correlativo", "details[2].serieNro"),
        ("lines[1].customer", "details[1].clienteNro"),
        ("lines[1].customer.tipo_documento", "details[1].clienteTipo"),
        ("lines[1].referencia.numero", "details[1].docReferencia.nroDoc"),
        ("lines[0].percepcion.base", "details[0].percepcion.mtoBase"),
        ("lines[0].importe_total", "details[0].total"),
        ("lines[0].igv", "details[0].mtoIGV"),
        ("lines[0].otros_cargos", "details[0].mtoOtrosCargos"),
        ("lines[0].moneda", "moneda"),
        ("lines[4].fecha_emision", "fecGeneracion"),
        ("lines[0].unknown", "lines[0].unknown"),
    ],
)
def test_greenter_paths(domain: str, greenter: str) -> None:
    assert greenter_path(domain) == greenter
