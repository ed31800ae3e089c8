"""Reading retentions (20) and perceptions (40) in the three dialects: the native JSON (against its
JSON Schema, its documentation and its examples), Greenter/Lycet and Facturador PRO; and the
translation of domain paths back into each dialect's terms."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from yupana.calc.perception import process_perception
from yupana.calc.retention import process_retention
from yupana.dialects import json_fields
from yupana.dialects.facturadorpro import perception as pro_perception
from yupana.dialects.facturadorpro import retention as pro_retention
from yupana.dialects.greenter import perception as greenter_perception
from yupana.dialects.greenter import retention as greenter_retention
from yupana.dialects.native import perception as native_perception
from yupana.dialects.native import retention as native_retention
from yupana.domain.party import Company
from yupana.domain.problems import InvalidDocument
from yupana.validation.perception import validate_perception
from yupana.validation.retention import validate_retention

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "api-native-retention-perception.md"
EXAMPLES = ROOT / "examples" / "documents"
ISSUER = Company("20123456786", "EMPRESA DE DEMOSTRACION S.A.C.")
FAMILIES = {
    "retention": (native_retention.parse_retention, "20"),
    "perception": (native_perception.parse_perception, "40"),
}


def decimal_json(text: str | bytes) -> object:
    return json.loads(text, parse_float=Decimal)


def validator(family: str):
    schema = json.loads((ROOT / "docs" / f"native-{family}.schema.json").read_text(encoding="utf-8"))
    checker = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "number",
        lambda _checker, value: isinstance(value, int | float | Decimal) and not isinstance(value, bool),
    )
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=checker)(schema), schema


def doc_example(tipo: str) -> dict:
    blocks = [
        decimal_json(b) for b in re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    ]
    found = [b for b in blocks if isinstance(b, dict) and b.get("tipo_documento") == tipo]
    assert len(found) == 1
    return found[0]


# -- native ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
def test_examples_and_documentation_validate_and_parse(family):
    check, _ = validator(family)
    parse, tipo = FAMILIES[family]
    paths = sorted(EXAMPLES.glob(f"{family}-*.json"))
    assert len(paths) == 3
    for path in paths:
        body = decimal_json(path.read_bytes())
        check.validate(body)
        assert parse(body, ISSUER).tipo_documento == tipo
    body = doc_example(tipo)
    check.validate(body)
    assert parse(body, None).issuer.ruc == "20123456786"


@pytest.mark.parametrize("family", FAMILIES)
def test_documentation_example_is_right(family):
    """The full example declares every amount: SUNAT's arithmetic and rules find nothing."""
    parse, tipo = FAMILIES[family]
    doc = parse(doc_example(tipo), None)
    if family == "retention":
        problems = process_retention(doc)
        problems.extend(validate_retention(doc, today=date(2026, 11, 20)))
    else:
        problems = process_perception(doc)
        problems.extend(validate_perception(doc, today=date(2026, 11, 20)))
    assert problems.items == []


@pytest.mark.parametrize("family", FAMILIES)
def test_documentation_example_uses_every_field_and_the_parser_reads_them(family, monkeypatch):
    _, schema = validator(family)
    parse, tipo = FAMILIES[family]
    body = doc_example(tipo)
    read: dict[str, set[str]] = {}
    original = json_fields.Fields.raw

    def recording(self, name):
        read.setdefault(re.sub(r"\[\d+\]", "[]", self.path), set()).add(name)
        return original(self, name)

    monkeypatch.setattr(json_fields.Fields, "raw", recording)
    parse(body, None)
    declared: dict[str, set[str]] = {}  # per path in the body: the properties its definition has
    used: dict[str, set[str]] = {}  # per definition: the properties the example uses somewhere
    defined: dict[str, set[str]] = {}

    def walk(instance: object, node: dict, path: str, name: str) -> None:
        while "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[1]
            node = schema["$defs"][name]
        if name in ("issuer", "direccion"):
            return  # the issuer's and addresses' format is the sales one, tested there
        if isinstance(instance, dict) and "properties" in node:
            declared.setdefault(path, set()).update(node["properties"])
            used.setdefault(name, set()).update(instance)
            defined[name] = set(node["properties"])
            for key, value in instance.items():
                walk(value, node["properties"][key], f"{path}.{key}" if path else key, f"{name}.{key}")
        elif isinstance(instance, list) and "items" in node:
            for value in instance:
                walk(value, node["items"], f"{path}[]", f"{name}[]")

    walk(body, schema, "", "<root>")
    assert used == defined
    declared[""].discard("$schema")
    for path, names in declared.items():
        assert read.get(path) == names, (
            f"{path or 'document'}: schema {sorted(names)} parser {sorted(read.get(path, ()))}"
        )


MINIMAL = {
    "serie": "R001",
    "correlativo": 1,
    "fecha_emision": "2026-11-20",
    "proveedor": {"tipo_documento": "6", "numero_documento": "20601234565", "razon_social": "P"},
    "documents": [
        {
            "tipo_documento": "01",
            "numero": "F001-1",
            "fecha_emision": "2026-11-20",
            "importe_total": 100,
            "payments": [{"fecha": "2026-11-20", "importe": 100}],
        }
    ],
}
INVALID = [
    ({"campo": 1}, "campo", None),
    ({"documents": []}, "documents", "2691"),
    ({"correlativo": "uno"}, "correlativo", "1001"),
    ({"fecha_emision": "20/11/2026"}, "fecha_emision", "1009"),
    ({"proveedor": {"tipo_documento": "6", "razon_social": "P"}}, "proveedor.numero_documento", "2723"),
    ({"tipo_documento": "40"}, "tipo_documento", "1003"),
    (
        {"documents": [{"tipo_documento": "01", "numero": "F001-1", "fecha_emision": "2026-11-20"}]},
        "documents[0].importe_total",
        "2695",
    ),
    (
        {"documents": [{**MINIMAL["documents"][0], "payments": [{"fecha": "2026-11-20"}]}]},  # type: ignore[dict-item]
        "documents[0].payments[0].importe",
        "2735",
    ),
    (
        {"documents": [{**MINIMAL["documents"][0], "tipo_cambio": {"fecha": "2026-11-20"}}]},  # type: ignore[dict-item]
        "documents[0].tipo_cambio.factor",
        "2721",
    ),
]


@pytest.mark.parametrize(("change", "path", "code"), INVALID, ids=lambda v: str(v)[:30])
def test_schema_and_parser_both_refuse(change, path, code):
    check, _ = validator("retention")
    body = {**MINIMAL, **change}
    assert list(check.iter_errors(body))
    with pytest.raises(InvalidDocument) as caught:
        native_retention.parse_retention(body, ISSUER)
    assert (code, path) in [(p.code, p.path) for p in caught.value.errors]


def test_minimal_body_and_defaults():
    doc = native_retention.parse_retention(MINIMAL, ISSUER)
    assert (doc.regimen, doc.tasa, doc.documents[0].moneda) == ("01", None, "PEN")
    assert native_retention.parse_retention({**MINIMAL, "correlativo": "#"}, ISSUER).correlativo == 0
    body = {**MINIMAL, "issuer": {"ruc": "20100070970", "razon_social": "OTRA"}}
    with pytest.raises(InvalidDocument) as caught:
        native_retention.parse_retention(body, ISSUER)
    assert [(p.code, p.path) for p in caught.value.errors] == [("1034", "issuer.ruc")]


@pytest.mark.parametrize(
    ("domain", "native"),
    [
        ("proveedor.address.ubigeo", "proveedor.direccion.ubigeo"),
        ("cliente.address", "cliente.direccion"),
        ("issuer.address.codigo_establecimiento", "issuer.codigo_establecimiento"),
        ("issuer.address.direccion", "issuer.direccion.direccion"),
        ("documents[2].payments[0].retenido", "documents[2].payments[0].retenido"),
        ("totals.cobrado", "totals.cobrado"),
    ],
)
def test_native_paths(domain, native):
    assert native_retention.translate_path(domain) == native
    assert native_perception.translate_path(domain) == native


# -- Greenter -------------------------------------------------------------------------------------

GREENTER = {
    "serie": "R001",
    "correlativo": "123",
    "fechaEmision": "2026-11-20T10:31:08-05:00",
    "company": {
        "ruc": "20123456786",
        "razonSocial": "GREENTER S.A.C.",
        "nombreComercial": "GREENTER",
        "address": {"ubigueo": "150101", "departamento": "LIMA", "provincia": "LIMA", "codLocal": "0000"},
    },
    "proveedor": {"tipoDoc": "6", "numDoc": "20000000001", "rznSocial": "EMPRESA 1 S.A.C."},
    "regimen": "01",
    "tasa": 3.0,
    "impRetenido": 6.0,
    "impPagado": 194.0,
    "observacion": "NOTA",
    "details": [
        {
            "tipoDoc": "01",
            "numDoc": "F001-1",
            "fechaEmision": "2026-11-18T10:00:00-05:00",
            "impTotal": 210.0,
            "moneda": "USD",
            "pagos": [
                {"moneda": "USD", "importe": 30.0, "fecha": "2026-11-20T04:31:08-05:00"},
                {"moneda": "USD", "importe": 20.0, "fecha": "2026-11-20T04:31:08-05:00"},
            ],
            "fechaRetencion": "2026-11-20T04:31:08-05:00",
            "impRetenido": 6.0,
            "impPagar": 194.0,
            "tipoCambio": {"monedaRef": "USD", "monedaObj": "PEN", "factor": 4.0, "fecha": "2026-11-20"},
        }
    ],
}


def test_greenter_retention_maps_every_field():
    doc = greenter_retention.parse_retention(json.loads(json.dumps(GREENTER), parse_float=Decimal), None)
    assert (doc.serie, doc.correlativo, doc.fecha_emision.isoformat()) == ("R001", 123, "2026-11-20")
    assert doc.hora_emision is not None and doc.hora_emision.hour == 10
    assert doc.issuer.address.codigo_establecimiento == "0000" and doc.issuer.address.ubigeo == "150101"
    assert (doc.proveedor.numero_documento, doc.tasa, doc.observaciones) == (
        "20000000001",
        Decimal("3.0"),
        "NOTA",
    )
    related = doc.documents[0]
    assert (related.numero, related.moneda, related.retenido, related.pagado) == (
        "F001-1",
        "USD",
        Decimal("6.0"),
        Decimal("194.0"),
    )
    assert related.tipo_cambio is not None and related.tipo_cambio.factor == Decimal("4.0")
    assert [p.importe for p in related.payments] == [Decimal("30.0"), Decimal("20.0")]
    assert (doc.totals.retenido, doc.totals.pagado) == (Decimal("6.0"), Decimal("194.0"))
    # 30 × 4 = 120 → 3.60, 116.40; 20 × 4 = 80 → 2.40, 77.60; the declared sums 6.00 and 194.00 hold.
    assert process_retention(doc).items == []
    assert [p.retenido for p in related.payments] == [Decimal("3.60"), Decimal("2.40")]


def test_greenter_perception_reads_the_cliente_from_proveedor():
    body = {
        **{k: v for k, v in GREENTER.items() if k not in ("impRetenido", "impPagado", "details")},
        "serie": "P001",
        "impPercibido": 2,
        "impCobrado": 102,
        "details": [
            {
                "tipoDoc": "03",
                "numDoc": "B001-9",
                "fechaEmision": "2026-11-20",
                "impTotal": 100,
                "moneda": "PEN",
                "cobros": [{"moneda": "PEN", "importe": 100, "fecha": "2026-11-20"}],
                "fechaPercepcion": "2026-11-20",
                "impPercibido": 2,
                "impCobrar": 102,
            }
        ],
    }
    doc = greenter_perception.parse_perception({"document": body, "parameters": {}}, None)
    assert doc.cliente.razon_social == "EMPRESA 1 S.A.C."
    assert doc.documents[0].payments[0].importe == 100
    assert process_perception(doc).items == []
    assert (
        greenter_perception.translate_path("cliente.numero_documento", {"document": body})
        == "document.proveedor.numDoc"
    )


def test_greenter_structural_problems_have_lycet_paths():
    body = {**GREENTER, "correlativo": "A1", "details": [{"tipoDoc": "01", "pagos": [{"importe": "x"}]}]}
    with pytest.raises(InvalidDocument) as caught:
        greenter_retention.parse_retention(body, None)
    found = {(p.code, p.path) for p in caught.value.errors}
    assert {
        ("1001", "correlativo"),
        ("2693", "details[0].numDoc"),
        ("2695", "details[0].impTotal"),
        ("2737", "details[0].pagos[0].fecha"),
        ("2735", "details[0].pagos[0].importe"),
    } <= found


@pytest.mark.parametrize(
    ("domain", "lycet"),
    [
        ("serie", "serie"),
        ("fecha_emision", "fechaEmision"),
        ("issuer.address.ubigeo", "company.address.ubigueo"),
        ("proveedor.numero_documento", "proveedor.numDoc"),
        ("tasa", "tasa"),
        ("observaciones", "observacion"),
        ("totals.retenido", "impRetenido"),
        ("totals.pagado", "impPagado"),
        ("documents[1]", "details[1]"),
        ("documents[1].numero", "details[1].numDoc"),
        ("documents[1].importe_total", "details[1].impTotal"),
        ("documents[1].tipo_cambio", "details[1].tipoCambio"),
        ("documents[1].tipo_cambio.moneda_origen", "details[1].tipoCambio.monedaRef"),
        ("documents[1].payments[2].importe", "details[1].pagos[2].importe"),
        ("documents[1].payments[2].retenido", "details[1].impRetenido"),
        ("documents[1].payments[2].pagado", "details[1].impPagar"),
        ("documents[1].payments[2].numero", "details[1].pagos[2]"),
        ("documents[1].payments[0].tipo_cambio.factor", "details[1].tipoCambio.factor"),
        ("documents[1].payments[0].fecha_retencion", "details[1].fechaRetencion"),
        ("unknown.path", "unknown.path"),
    ],
)
def test_greenter_paths(domain, lycet):
    assert greenter_retention.translate_path(domain) == lycet
    assert greenter_retention.translate_path(domain, {"document": GREENTER}) == (
        f"document.{lycet}" if lycet != "unknown.path" else lycet
    )


# -- Facturador PRO -------------------------------------------------------------------------------

PRO = {
    "serie_documento": "R001",
    "numero_documento": "#",
    "fecha_de_emision": "2026-11-20",
    "hora_de_emision": "10:11:11",
    "codigo_tipo_documento": "20",
    "datos_del_emisor": {"codigo_del_domicilio_fiscal": "0001"},
    "datos_del_proveedor": {
        "codigo_tipo_documento_identidad": "6",
        "numero_documento": "20601234565",
        "apellidos_y_nombres_o_razon_social": "EMPRESA XYZ S.A.",
        "nombre_comercial": "XYZ",
        "codigo_pais": "PE",
        "ubigeo": "150101",
        "direccion": "Av. 2 de Mayo",
    },
    "codigo_tipo_retencion": "01",
    "observaciones": "-",
    "totales": {"total_retenido": "6.00", "total_pagado": "194.00"},
    "documentos": [
        {
            "codigo_tipo_documento": "01",
            "serie_documento": "F001",
            "numero_documento": "00000003",
            "fecha_de_emision": "2026-11-19",
            "codigo_tipo_moneda": "PEN",
            "pagos": [{"fecha_de_pago": "2026-11-20", "total_pago": 200.00, "codigo_tipo_moneda": "PEN"}],
            "fecha_de_retencion": "2026-11-20",
            "total_documento": 400.00,
            "total_retenido": 6.00,
            "total_a_pagar": 194,
            "total_pagado": 194.00,
        }
    ],
}


def test_facturadorpro_retention_maps_every_field():
    doc = pro_retention.parse_retention(PRO, ISSUER)
    assert (doc.serie, doc.correlativo, doc.issuer.address.codigo_establecimiento) == ("R001", 0, "0001")
    assert doc.proveedor.nombre_comercial == "XYZ" and doc.proveedor.address is not None
    related = doc.documents[0]
    assert (related.numero, related.importe_total, related.retenido, related.pagado) == (
        "F001-3",
        Decimal("400.00"),
        Decimal("6.00"),
        Decimal("194.00"),
    )
    assert related.fecha_retencion == date(2026, 11, 20)
    assert process_retention(doc).items == []


def test_facturadorpro_needs_the_account_issuer():
    with pytest.raises(InvalidDocument) as caught:
        pro_retention.parse_retention(PRO, None)
    assert [(p.code, p.path) for p in caught.value.errors] == [("0001", "datos_del_emisor")]


def test_facturadorpro_perception():
    body = {
        **{
            k: v
            for k, v in PRO.items()
            if k not in ("datos_del_proveedor", "codigo_tipo_retencion", "totales")
        },
        "serie_documento": "P001",
        "codigo_tipo_documento": "40",
        "datos_del_cliente_o_receptor": {
            "codigo_tipo_documento_identidad": "1",
            "numero_documento": "45678912",
            "apellidos_y_nombres_o_razon_social": "JUAN PEREZ",
        },
        "codigo_tipo_percepcion": "03",
        "totales": {"total_percibido": "1.00", "total_pagado": "201.00"},
        "documentos": [
            {
                **PRO["documentos"][0],  # type: ignore[index]
                "fecha_de_percepcion": "2026-11-20",
                "total_percibido": 1.00,
                "total_pagado": 201.00,
            }
        ],
    }
    doc = pro_perception.parse_perception(body, ISSUER)
    assert (doc.regimen, doc.cliente.tipo_documento) == ("03", "1")
    # 200 × 0.5 % = 1.00; 201.00
    assert process_perception(doc).items == []
    assert pro_perception.translate_path("totals.cobrado") == "totales.total_pagado"


@pytest.mark.parametrize(
    ("domain", "pro"),
    [
        ("serie", "serie_documento"),
        ("correlativo", "numero_documento"),
        ("regimen", "codigo_tipo_retencion"),
        ("issuer.ruc", "datos_del_emisor"),
        ("issuer.address.codigo_establecimiento", "datos_del_emisor.codigo_del_domicilio_fiscal"),
        ("proveedor.razon_social", "datos_del_proveedor.apellidos_y_nombres_o_razon_social"),
        ("proveedor.address.ubigeo", "datos_del_proveedor.ubigeo"),
        ("totals.retenido", "totales.total_retenido"),
        ("totals.pagado", "totales.total_pagado"),
        ("documents[0].numero", "documentos[0].numero_documento"),
        ("documents[0].importe_total", "documentos[0].total_documento"),
        ("documents[0].tipo_cambio.fecha", "documentos[0].tipo_de_cambio.fecha_tipo_de_cambio"),
        ("documents[0].payments[1].importe", "documentos[0].pagos[1].total_pago"),
        ("documents[0].payments[1].fecha", "documentos[0].pagos[1].fecha_de_pago"),
        ("documents[0].payments[1].retenido", "documentos[0].total_retenido"),
        ("documents[0].payments[1].pagado", "documentos[0].total_pagado"),
        ("documents[0].fecha_retencion", "documentos[0].fecha_de_retencion"),
    ],
)
def test_facturadorpro_paths(domain, pro):
    assert pro_retention.translate_path(domain) == pro
