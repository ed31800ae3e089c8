"""Native and Greenter/Lycet JSON for the comunicación de baja (RA) and resumen de reversiones (RR)."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from paths import FIXTURES
from yupana.dialects.greenter import voided as greenter
from yupana.dialects.native import voided as native
from yupana.domain.party import Company
from yupana.domain.problems import InvalidDocument
from yupana.domain.voided import VoidedLine

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "documents").glob("voided-*.json"))
SCHEMA = ROOT / "docs" / "native-voided.schema.json"
ISSUER = Company("20123456786", "EMPRESA DE DEMOSTRACION S.A.C.")
GREENTER_JSON = FIXTURES / "greenter-lycet" / "greenter-demo-json"

BODY: dict[str, object] = {
    "tipo_documento": "RA",
    "correlativo": 5,
    "fecha_generacion": "2026-11-22",
    "fecha_referencia": "2026-11-20",
    "lines": [{"tipo_documento": "01", "serie": "F001", "correlativo": 12, "motivo": "ERROR EN EL RUC"}],
}


def body(**changes: object) -> dict[str, object]:
    result = copy.deepcopy(BODY)
    result.update(changes)
    return result


def errors_of(parse, payload: object, issuer: Company | None = ISSUER) -> list[tuple[str | None, str]]:
    with pytest.raises(InvalidDocument) as caught:
        parse(payload, issuer)
    return [(p.code, p.path) for p in caught.value.errors]


# -- native -------------------------------------------------------------------------------------


def test_native_minimal() -> None:
    doc = native.parse_voided(BODY, ISSUER)
    assert (doc.tipo_documento, doc.correlativo, doc.issuer) == ("RA", 5, ISSUER)
    assert (doc.fecha_generacion, doc.fecha_referencia) == (date(2026, 11, 22), date(2026, 11, 20))
    assert doc.lines == [VoidedLine("01", "F001", 12, "ERROR EN EL RUC")]
    assert doc.file_stem == "20123456786-RA-20261122-5"


def test_native_normalises_case_and_accepts_numeric_strings() -> None:
    lines = [{"tipo_documento": "20", "serie": "r001", "correlativo": "0012", "motivo": " ERROR "}]
    doc = native.parse_voided(body(tipo_documento="rr", correlativo="7", lines=lines), ISSUER)
    assert (doc.tipo_documento, doc.correlativo) == ("RR", 7)
    assert doc.lines == [VoidedLine("20", "R001", 12, "ERROR")]


def test_native_next_number() -> None:
    assert native.parse_voided(body(correlativo="#"), ISSUER).correlativo == 0


def test_native_reference_date_from_the_lines() -> None:
    first = {**BODY["lines"][0], "fecha_emision": "2026-11-19"}  # type: ignore[index]
    payload = body(lines=[first])
    del payload["fecha_referencia"]
    doc = native.parse_voided(payload, ISSUER)
    assert doc.fecha_referencia == date(2026, 11, 19) == doc.lines[0].fecha_emision


def test_native_reference_date_required_without_line_dates() -> None:
    payload = body()
    del payload["fecha_referencia"]
    assert errors_of(native.parse_voided, payload) == [("2303", "fecha_referencia")]


def test_native_issuer_from_body_must_be_the_configured_one() -> None:
    payload = body(issuer={"ruc": "20601234565", "razon_social": "OTRA S.A.C."})
    assert errors_of(native.parse_voided, payload) == [("1034", "issuer.ruc")]
    assert native.parse_voided(payload, None).issuer.ruc == "20601234565"
    assert errors_of(native.parse_voided, BODY, None) == [(None, "issuer")]


def test_native_structural_problems_carry_sunat_codes() -> None:
    payload = {
        "tipo_documento": "RA",
        "correlativo": "x",
        "fecha_generacion": "2026-02-30",
        "fecha_referencia": "22/11/2026",
        "lines": [{"tipo_documento": 1, "serie": "", "correlativo": 1.5}, {"motivo": "X", "extra": 1}],
    }
    assert errors_of(native.parse_voided, payload) == [
        ("2283", "correlativo"),
        ("2298", "fecha_generacion"),
        ("2302", "fecha_referencia"),
        ("2308", "lines[0].tipo_documento"),
        ("2311", "lines[0].serie"),
        ("2312", "lines[0].correlativo"),
        ("2315", "lines[0].motivo"),
        ("2309", "lines[1].tipo_documento"),
        ("2311", "lines[1].serie"),
        ("2313", "lines[1].correlativo"),
        (None, "lines[1].extra"),
    ]


def test_native_wrong_type_and_empty_lines() -> None:
    assert errors_of(native.parse_voided, body(tipo_documento="RC", lines=[])) == [
        (None, "tipo_documento"),
        (None, "lines"),
    ]
    assert errors_of(native.parse_voided, [1]) == [(None, "")]


def test_native_paths() -> None:
    assert native.translate_path("lines[2].motivo") == "lines[2].motivo"
    assert native.translate_path("issuer.address.ubigeo") == "issuer.direccion.ubigeo"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_examples_parse(example: Path) -> None:
    doc = native.parse_voided(json.loads(example.read_text(), parse_float=Decimal), ISSUER)
    assert doc.tipo_documento in ("RA", "RR") and doc.lines


def test_examples_exist_for_both_types() -> None:
    assert [p.name for p in EXAMPLES] == ["voided-comunicacion-baja.json", "voided-resumen-reversiones.json"]


@pytest.fixture(scope="module")
def validator():
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_examples_follow_the_schema(example: Path, validator) -> None:
    assert list(validator.iter_errors(json.loads(example.read_text()))) == []


def test_schema_refuses_what_the_parser_refuses(validator) -> None:
    payload = body()
    del payload["lines"][0]["motivo"]  # type: ignore[index]
    assert list(validator.iter_errors(payload))
    assert list(validator.iter_errors(body(tipo_documento="RC")))
    assert list(validator.iter_errors(body(correlativo=100_000)))
    assert not list(validator.iter_errors(body(correlativo="#")))


# -- Greenter / Lycet ---------------------------------------------------------------------------


def greenter_body() -> dict[str, object]:
    return json.loads((GREENTER_JSON / "comunicacion-baja.json").read_text(), parse_float=Decimal)


def test_greenter_voided() -> None:
    doc = greenter.parse_voided(greenter_body(), None)
    assert (doc.tipo_documento, doc.correlativo) == ("RA", 111)
    # fecComunicacion is the communication's date, fecGeneracion the voided documents' one.
    assert (doc.fecha_generacion, doc.fecha_referencia) == (date(2026, 11, 21), date(2026, 11, 19))
    assert doc.issuer.ruc == "20123456789" and doc.issuer.address.codigo_establecimiento == "0000"
    assert doc.lines == [
        VoidedLine("01", "F001", 2132132, "ERROR EN CÁLCULOS"),
        VoidedLine("07", "FC01", 222, "ERROR DE RUC"),
    ]


def test_greenter_reversion() -> None:
    payload = json.loads((GREENTER_JSON / "reversion.json").read_text(), parse_float=Decimal)
    doc = greenter.parse_reversion(payload, None)
    assert (doc.tipo_documento, doc.correlativo, doc.file_stem) == ("RR", 1, "20123456789-RR-20261121-1")
    assert [(line.tipo_documento, line.serie) for line in doc.lines] == [("20", "R001"), ("40", "P001")]


def test_greenter_envelope_bytes_and_integers() -> None:
    payload = greenter_body()
    payload["correlativo"] = 9
    payload["details"][0]["correlativo"] = 77  # type: ignore[index]
    enveloped = json.dumps({"document": payload, "parameters": {}}, default=str).encode()
    doc = greenter.parse_voided(enveloped, None)
    assert doc.correlativo == 9 and doc.lines[0].correlativo == 77


def test_greenter_issuer_from_configuration() -> None:
    payload = greenter_body()
    del payload["company"]
    assert greenter.parse_voided(payload, ISSUER).issuer == ISSUER
    assert errors_of(greenter.parse_voided, payload, None) == [("2217", "company")]


def test_greenter_problems_in_lycet_terms() -> None:
    payload = greenter_body()
    payload["correlativo"] = "ABC"
    del payload["fecGeneracion"]
    payload["details"][0]["serie"] = ""  # type: ignore[index]
    payload["details"][1]["correlativo"] = "0"  # type: ignore[index]
    assert errors_of(greenter.parse_voided, {"document": payload}) == [
        ("2283", "document.correlativo"),
        ("2303", "document.fecGeneracion"),
        ("2311", "document.details[0].serie"),
        ("2312", "document.details[1].correlativo"),
    ]
    payload = greenter_body()
    payload["correlativo"] = "100000"
    assert errors_of(greenter.parse_reversion, payload) == [("2673", "correlativo")]


@pytest.mark.parametrize(
    ("domain", "lycet"),
    [
        ("correlativo", "correlativo"),
        ("fecha_generacion", "fecComunicacion"),
        ("fecha_referencia", "fecGeneracion"),
        ("issuer.ruc", "company.ruc"),
        ("issuer.razon_social", "company.razonSocial"),
        ("lines", "details"),
        ("lines[3]", "details[3]"),
        ("lines[0].tipo_documento", "details[0].tipoDoc"),
        ("lines[1].motivo", "details[1].desMotivoBaja"),
        ("lines[1].fecha_emision", "fecGeneracion"),
        ("lines[1].unknown", "lines[1].unknown"),
        ("something.else", "something.else"),
    ],
)
def test_greenter_paths(domain: str, lycet: str) -> None:
    assert greenter.translate_path(domain) == lycet


def test_greenter_paths_in_an_envelope() -> None:
    assert (
        greenter.translate_path("lines[0].serie", {"document": greenter_body()})
        == "document.details[0].serie"
    )
    assert greenter.translate_path("lines[0].serie", greenter_body()) == "details[0].serie"
