"""The JSON Schema of the native format, the examples and the parser agree with each other."""

import copy
import json
import re
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from yupana.dialects import json_fields as reader
from yupana.dialects.native.issuer import parse_issuer
from yupana.dialects.native.sales import parse_sale
from yupana.domain.party import Company
from yupana.domain.problems import InvalidDocument

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "docs" / "native-sale.schema.json"
DOC_PATH = ROOT / "docs" / "api-native.md"
EXAMPLES = ROOT / "examples"
ISSUER = Company("20123456786", "EMPRESA DE DEMOSTRACION S.A.C.")


def decimal_json(text: str | bytes) -> object:
    return json.loads(text, parse_float=Decimal)


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def decimal_validator(schema: dict) -> jsonschema.protocols.Validator:
    # Decimal is what the parser receives; for the schema it is a JSON number.
    checker = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "number",
        lambda _checker, value: isinstance(value, int | float | Decimal) and not isinstance(value, bool),
    )
    cls = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=checker)
    return cls(schema)


@pytest.fixture(scope="module")
def validator(schema):
    return decimal_validator(schema)


def doc_blocks() -> list[object]:
    text = DOC_PATH.read_text(encoding="utf-8")
    return [decimal_json(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]


def full_example() -> dict:
    bodies = [b for b in doc_blocks() if isinstance(b, dict) and "$schema" in b]
    assert len(bodies) == 1
    return bodies[0]


def test_schema_is_valid_draft_2020_12(schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_object_in_the_schema_is_closed(schema):
    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                assert node.get("additionalProperties") is False, sorted(node["properties"])
            for key, value in node.items():
                if key == "properties":
                    for subschema in value.values():
                        walk(subschema)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)


FAMILY_SCHEMAS = {
    **dict.fromkeys(("01", "03", "07", "08"), "native-sale"),
    "RC": "native-summary",
    **dict.fromkeys(("RA", "RR"), "native-voided"),
    "20": "native-retention",
    "40": "native-perception",
    **dict.fromkeys(("09", "31"), "native-despatch"),
}


@pytest.mark.parametrize("path", sorted((EXAMPLES / "documents").glob("*.json")), ids=lambda p: p.name)
def test_examples_validate(path):
    body = decimal_json(path.read_bytes())
    schema = json.loads((ROOT / "docs" / f"{FAMILY_SCHEMAS[body['tipo_documento']]}.schema.json").read_text())
    decimal_validator(schema).validate(body)


def test_issuer_example_validates_as_issuer(schema):
    issuer = {"$ref": "#/$defs/issuer", "$defs": schema["$defs"]}
    jsonschema.Draft202012Validator(issuer).validate(json.loads((EXAMPLES / "issuer.json").read_text()))


def test_documentation_examples_validate_and_parse(schema, validator):
    blocks = doc_blocks()
    assert len(blocks) >= 3
    issuer = jsonschema.Draft202012Validator({"$ref": "#/$defs/issuer", "$defs": schema["$defs"]})
    for block in blocks:
        assert isinstance(block, dict)
        if "tipo_documento" in block:
            validator.validate(block)
            parse_sale(block, ISSUER)
        else:
            issuer.validate(block)
            parse_issuer(block)


def _schema_fields(schema: dict, instance: object, node: dict, path: str, found: dict[str, set[str]]) -> None:
    """For each object of ``instance``: the property names the schema declares for it."""
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    if isinstance(instance, dict) and "properties" in node:
        found.setdefault(path, set()).update(node["properties"])
        for key, value in instance.items():
            if key in node["properties"]:
                _schema_fields(
                    schema, value, node["properties"][key], f"{path}.{key}" if path else key, found
                )
    elif isinstance(instance, list) and "items" in node:
        for value in instance:
            _schema_fields(schema, value, node["items"], f"{path}[]", found)


def _used_by_definition(
    schema: dict, instance: object, node: dict, name: str, used: dict[str, set[str]]
) -> None:
    """For each definition of the schema: the property names ``instance`` uses somewhere."""
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        node = schema["$defs"][name]
    if isinstance(instance, dict) and "properties" in node:
        used.setdefault(name, set()).update(instance)
        for key, value in instance.items():
            if key in node["properties"]:
                _used_by_definition(schema, value, node["properties"][key], f"{name}.{key}", used)
    elif isinstance(instance, list) and "items" in node:
        for value in instance:
            _used_by_definition(schema, value, node["items"], f"{name}[]", used)


def test_full_example_uses_every_field_of_the_schema(schema):
    used: dict[str, set[str]] = {}
    _used_by_definition(schema, full_example(), schema, "document", used)
    declared = {
        name: set(node["properties"]) for name, node in schema["$defs"].items() if "properties" in node
    }
    declared["document"] = set(schema["properties"])
    for name, names in declared.items():
        assert used.get(name) == names, f"{name}: unused {sorted(names - used.get(name, set()))}"


def test_parser_reads_exactly_the_fields_of_the_schema(schema, monkeypatch):
    read: dict[str, set[str]] = {}
    original = reader.Fields.raw

    def recording(self, name):
        read.setdefault(re.sub(r"\[\d+\]", "[]", self.path), set()).add(name)
        return original(self, name)

    monkeypatch.setattr(reader.Fields, "raw", recording)
    body = full_example()
    parse_sale(body, None)
    declared: dict[str, set[str]] = {}
    _schema_fields(schema, body, schema, "", declared)
    declared[""].discard("$schema")  # accepted and ignored
    for path, names in declared.items():
        assert read.get(path) == names, (
            f"{path or 'document'}: schema {sorted(names)} parser {sorted(read.get(path, ()))}"
        )


INVALID = [
    {"campo": 1},
    {"customer": "X"},
    {"lines": []},
    {"lines": [{"descripcion": "X"}]},
    {"lines": [{"descripcion": "X", "cantidad": "1,5"}]},
    {"lines": [{"descripcion": "X", "cantidad": 1, "desc": 1}]},
    {"fecha_emision": "20/11/2026"},
    {"correlativo": "F1"},
    {"correlativo": 0},
    {"tipo_documento": "09"},
    {"payment": {"cuotas": []}},
    {"payment": {"forma": "Cheque"}},
    {"descuentos": [{"monto": "x"}]},
    {"note": {"codigo": "01"}},
    {"extras": {"a": 1}},
    {"observaciones": "texto"},
    {"issuer": {"ruc": "123", "razon_social": "X"}},
    {"detraccion": {"codigo_bien": "037", "porcentaje": 12}},
    {"lines": [{"descripcion": "X", "cantidad": 1, "isc": {"sistema": "01"}}]},
]


@pytest.mark.parametrize("change", INVALID, ids=lambda c: json.dumps(c, ensure_ascii=False)[:40])
def test_schema_and_parser_both_refuse(validator, change):
    body = {
        "tipo_documento": "01",
        "serie": "F001",
        "correlativo": 1,
        "fecha_emision": "2026-11-20",
        "customer": {"tipo_documento": "6", "numero_documento": "20601234565", "razon_social": "C"},
        "lines": [{"descripcion": "X", "cantidad": 1, "valor_unitario": 1}],
    }
    body = copy.deepcopy(body) | change
    assert not validator.is_valid(body)
    with pytest.raises(InvalidDocument):
        parse_sale(body, None if "issuer" in change else ISSUER)


def test_parser_covers_every_field_of_the_domain_model(monkeypatch):
    """A field added to the domain model must be given a place in the native format."""
    from dataclasses import fields as dataclass_fields

    from yupana.domain import party, sale

    read: dict[str, set[str]] = {}
    original = reader.Fields.raw

    def recording(self, name):
        read.setdefault(re.sub(r"\[\d+\]", "[]", self.path), set()).add(name)
        return original(self, name)

    monkeypatch.setattr(reader.Fields, "raw", recording)
    parse_sale(full_example(), None)

    allowance = {"codigo", "monto", "base", "factor"}  # is_charge: which list it is in
    address = {f.name for f in dataclass_fields(party.Address)} - {"codigo_establecimiento"}
    native_names = {"address": "direccion"}
    owners = {
        "": sale.SaleDocument,
        "issuer": party.Company,
        "customer": party.Customer,
        "lines[]": sale.SaleLine,
        "lines[].isc": sale.Isc,
        "lines[].properties[]": sale.ItemProperty,
        "anticipos[]": sale.Prepayment,
        "payment": sale.PaymentTerms,
        "payment.cuotas[]": sale.Installment,
        "detraccion": sale.Detraccion,
        "detraccion.transporte": sale.DetraccionTransporte,
        "percepcion": sale.Percepcion,
        "retencion": sale.Retencion,
        "guias[]": sale.DocumentReference,
        "related[]": sale.DocumentReference,
        "note": sale.NoteReference,
        "legends[]": sale.Legend,
        "totals": sale.SaleTotals,
    }
    for path, cls in owners.items():
        expected = {native_names.get(f.name, f.name) for f in dataclass_fields(cls)}
        if "allowances" in expected:
            expected = (expected - {"allowances"}) | {"descuentos", "cargos"}
        if cls is party.Company:
            expected.add("codigo_establecimiento")
        if path == "":
            expected -= {"extras"}  # read as a map of strings
        assert read[path] - {"extras"} == expected, path
    for path in ("issuer.direccion", "customer.direccion", "detraccion.transporte.origen"):
        assert read[path] == address, path
    for path in ("descuentos[]", "cargos[]", "lines[].descuentos[]", "lines[].cargos[]"):
        assert read[path] == allowance, path
