"""The native JSON of guías de remisión: its JSON Schema, the examples, the documentation and the
parser agree with each other, and the parser reports structural problems with paths and codes."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from yupana.dialects import json_fields
from yupana.dialects.native.despatch import parse_despatch, translate_path
from yupana.dialects.native.issuer import parse_issuer
from yupana.domain.despatch import TRANSBORDO_PROGRAMADO, VEHICULO_M1L
from yupana.domain.party import Company
from yupana.domain.problems import InvalidDocument
from yupana.validation.despatch import validate_despatch

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "docs" / "native-despatch.schema.json"
DOC_PATH = ROOT / "docs" / "api-native-despatch.md"
EXAMPLES = sorted((ROOT / "examples" / "documents").glob("despatch-*.json"))
ISSUER = Company("20123456786", "EMPRESA DE DEMOSTRACION S.A.C.")


def decimal_json(text: str | bytes) -> object:
    return json.loads(text, parse_float=Decimal)


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema):
    checker = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "number",
        lambda _checker, value: isinstance(value, int | float | Decimal) and not isinstance(value, bool),
    )
    cls = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=checker)
    return cls(schema)


def full_example() -> dict:
    text = DOC_PATH.read_text(encoding="utf-8")
    bodies = [decimal_json(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]
    found = [b for b in bodies if isinstance(b, dict) and "$schema" in b]
    assert len(found) == 1
    return found[0]


def minimal() -> dict:
    return {
        "tipo_documento": "09",
        "serie": "T001",
        "correlativo": 1,
        "fecha_emision": "2026-11-20",
        "hora_emision": "09:30:00",
        "destinatario": {
            "tipo_documento": "6",
            "numero_documento": "20601234565",
            "razon_social": "C S.A.C.",
        },
        "motivo_traslado": "01",
        "modalidad": "02",
        "fecha_inicio_traslado": "2026-11-20",
        "peso_bruto": 10,
        "vehiculo": {"placa": "ABC123"},
        "conductor": {
            "tipo_documento": "1",
            "numero_documento": "44004400",
            "nombres": "ROBERTO",
            "apellidos": "RODRIGUEZ",
            "licencia": "Q44004400",
        },
        "partida": {"ubigeo": "150101", "direccion": "AV. UNO 123"},
        "llegada": {"ubigeo": "040101", "direccion": "AV. DOS 456"},
        "lines": [{"descripcion": "PRODUCTO", "cantidad": 1}],
    }


def test_schema_is_valid_and_closed(schema):
    jsonschema.Draft202012Validator.check_schema(schema)

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                assert node.get("additionalProperties") is False, sorted(node["properties"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_validate_parse_and_pass_the_rules(validator, path):
    body = decimal_json(path.read_bytes())
    validator.validate(body)
    issuer = parse_issuer(json.loads((ROOT / "examples" / "issuer.json").read_text()))
    doc = parse_despatch(body, issuer)
    problems = validate_despatch(doc, today=doc.fecha_emision)
    assert problems.items == []


def test_there_are_examples_of_both_guias():
    kinds = {decimal_json(p.read_bytes())["tipo_documento"] for p in EXAMPLES}  # type: ignore[index]
    assert kinds == {"09", "31"}


def test_full_example_validates_and_parses(validator):
    body = full_example()
    validator.validate(body)
    doc = parse_despatch(body, None)
    assert doc.correlativo == 0  # "#": the server's next number
    assert doc.indicadores == [TRANSBORDO_PROGRAMADO, "SUNAT_Envio_IndicadorRetornoVehiculoVacio"]
    assert doc.pagador_flete == "Tercero"
    assert doc.partida is not None and doc.partida.latitud == Decimal("-12.0464")
    assert doc.lines[0].atributos[1].codigo == "7023"


def _declared(schema: dict, instance: object, node: dict, path: str, found: dict[str, set[str]]) -> None:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    if isinstance(instance, dict) and "properties" in node:
        found.setdefault(path, set()).update(node["properties"])
        for key, value in instance.items():
            if key in node["properties"]:
                _declared(schema, value, node["properties"][key], f"{path}.{key}" if path else key, found)
    elif isinstance(instance, list) and "items" in node:
        for value in instance:
            _declared(schema, value, node["items"], f"{path}[]", found)


def test_full_example_uses_every_field_and_the_parser_reads_exactly_them(schema, monkeypatch):
    body = full_example()
    declared: dict[str, set[str]] = {}
    _declared(schema, body, schema, "", declared)
    used: dict[str, set[str]] = {}

    def collect(instance: object, path: str) -> None:
        if isinstance(instance, dict):
            used.setdefault(path, set()).update(instance)
            for key, value in instance.items():
                collect(value, f"{path}.{key}" if path else key)
        elif isinstance(instance, list):
            for value in instance:
                collect(value, f"{path}[]")

    collect(body, "")
    read: dict[str, set[str]] = {}
    original = json_fields.Fields.raw

    def recording(self, name):
        read.setdefault(re.sub(r"\[\d+\]", "[]", self.path), set()).add(name)
        return original(self, name)

    monkeypatch.setattr(json_fields.Fields, "raw", recording)
    parse_despatch(body, None)
    declared[""].discard("$schema")
    used[""].discard("$schema")
    for path, names in declared.items():
        assert used.get(path) == names, (
            f"{path or 'document'}: unused {sorted(names - used.get(path, set()))}"
        )
        assert read.get(path) == names, (
            f"{path or 'document'}: schema {sorted(names)} parser {sorted(read[path])}"
        )


INVALID = [
    {"campo": 1},
    {"tipo_documento": "01"},
    {"destinatario": "X"},
    {"lines": [{"descripcion": "X"}]},
    {"lines": [{"descripcion": "X", "cantidad": "1,5"}]},
    {"lines": [{"descripcion": "X", "cantidad": 1, "color": "rojo"}]},
    {"fecha_emision": "20/11/2026"},
    {"hora_emision": "9h30"},
    {"correlativo": "T1"},
    {"indicadores": ["vehiculo_pesado"]},
    {"pagador_flete": "cliente"},
    {"vehiculo": {"tuce": "X"}},
    {"conductor": {"tipo_documento": "1", "numero_documento": "44004400"}},
    {"partida": {"ubigeo": "150101"}},
    {"peso_bruto": "doce"},
    {"motivo_traslado": 1},
    {"observaciones": "texto"},
    {"issuer": {"ruc": "123", "razon_social": "X"}},
]


@pytest.mark.parametrize("change", INVALID, ids=lambda c: json.dumps(c, ensure_ascii=False)[:40])
def test_schema_and_parser_both_refuse(validator, change):
    body = minimal()
    body.update(copy.deepcopy(change))
    assert not validator.is_valid(body)
    with pytest.raises(InvalidDocument):
        parse_despatch(body, ISSUER)


def test_minimal_body_is_a_valid_guia():
    doc = parse_despatch(minimal(), ISSUER)
    assert doc.issuer is ISSUER
    assert validate_despatch(doc, today=date(2026, 11, 20)).items == []


def test_structural_problems_name_the_field_and_sunat_code():
    body = minimal()
    body["lines"] = [{"descripcion": "X"}, {"descripcion": "Y", "cantidad": "x"}]
    del body["destinatario"]
    body["partida"] = {"direccion": "AV. UNO 123"}
    with pytest.raises(InvalidDocument) as caught:
        parse_despatch(body, ISSUER)
    found = {(p.code, p.path) for p in caught.value.errors}
    assert ("2580", "lines[0].cantidad") in found
    assert ("2780", "lines[1].cantidad") in found
    assert ("2757", "destinatario") in found
    assert ("2775", "partida.ubigeo") in found


def test_codes_are_normalised():
    body = minimal()
    body["motivo_traslado"] = "1"
    body["modalidad"] = "2"
    body["indicadores"] = ["VEHICULO_M1L"]
    doc = parse_despatch(body, ISSUER)
    assert (doc.motivo_traslado, doc.modalidad, doc.indicadores) == ("01", "02", [VEHICULO_M1L])


def test_issuer_of_the_body_must_be_the_configured_one():
    body = minimal()
    body["issuer"] = {"ruc": "20100070970", "razon_social": "OTRA S.A."}
    with pytest.raises(InvalidDocument) as caught:
        parse_despatch(body, ISSUER)
    assert [(p.code, p.path) for p in caught.value.errors] == [("1034", "issuer.ruc")]


def test_a_guia_transportista_may_carry_an_anotacion_instead_of_lines():
    body = minimal()
    del body["lines"]
    with pytest.raises(InvalidDocument) as caught:
        parse_despatch(body, ISSUER)
    assert [(p.code, p.path) for p in caught.value.errors] == [("2580", "lines")]
    body["anotacion"] = "Bienes detallados en la guía T001-5"
    assert parse_despatch(body, ISSUER).lines == []


def test_translate_path():
    assert translate_path("issuer.address.ubigeo") == "issuer.direccion.ubigeo"
    assert translate_path("conductores_secundarios[1].licencia") == "conductores_secundarios[1].licencia"
    assert translate_path("lines[0].atributos[2].valor") == "lines[0].atributos[2].valor"
