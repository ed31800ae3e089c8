"""Domain paths translated back to Lycet's JSON paths."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest

from paths import FIXTURES
from yupana.dialects.greenter.paths import translate_path
from yupana.dialects.greenter.sales import parse_sale
from yupana.dialects.greenter.sales import translate_path as exported

CORPUS = FIXTURES / "greenter-lycet"


@pytest.mark.parametrize(
    ("domain", "lycet"),
    [
        ("lines[0].igv", "details[0].igv"),
        ("totals.igv", "mtoIGV"),
        ("totals.importe_total", "mtoImpVenta"),
        ("totals.precio_venta", "subTotal"),
        ("totals.descuentos", "sumOtrosDescuentos"),
        ("customer.numero_documento", "client.numDoc"),
        ("customer.address.ubigeo", "client.address.ubigueo"),
        ("issuer.address.codigo_establecimiento", "company.address.codLocal"),
        ("issuer.telefono", "company.telephone"),
        ("payment.cuotas[0].monto", "cuotas[0].monto"),
        ("payment.cuotas[3].fecha_pago", "cuotas[3].fechaPago"),
        ("payment.forma", "formaPago.tipo"),
        ("payment", "formaPago"),
        ("lines[2].valor_referencial", "details[2].mtoValorGratuito"),
        ("lines[1].isc.sistema", "details[1].tipSisIsc"),
        ("lines[1].isc.monto", "details[1].isc"),
        ("lines[0].icbper_factor", "details[0].factorIcbper"),
        ("lines[0].properties[1].fecha_inicio", "details[0].atributos[1].fecInicio"),
        ("lines[4]", "details[4]"),
        ("lines", "details"),
        ("hora_emision", "fechaEmision"),
        ("fecha_vencimiento", "fecVencimiento"),
        ("moneda", "tipoMoneda"),
        ("note.numero_documento_afectado", "numDocfectado"),
        ("note.codigo", "codMotivo"),
        ("detraccion.monto", "detraccion.mount"),
        ("detraccion.porcentaje", "detraccion.percent"),
        ("percepcion.factor", "perception.porcentaje"),
        ("anticipos[0].monto", "anticipos[0].total"),
        ("related[1].numero", "relDocs[1].nroDoc"),
        ("legends[0].valor", "legends[0].value"),
        ("observaciones[0]", "observacion"),
        ("orden_compra", "compra"),
        ("allowances[1].base", "descuentos[1].montoBase"),
        ("lines[0].allowances[0].codigo", "details[0].descuentos[0].codTipo"),
        ("retencion.monto", "descuentos.monto"),
    ],
)
def test_domain_paths_in_lycet_terms(domain: str, lycet: str):
    assert translate_path(domain) == lycet


@pytest.mark.parametrize(
    "unknown",
    [
        "",
        "extras.seller",
        "lines[0].unknown",
        "totals.nada",
        "lines[x]",
        "a..b",
        "tipo_cambio",
        "lines[0]igv",
    ],
)
def test_unknown_paths_come_back_unchanged(unknown: str):
    assert translate_path(unknown) == unknown


def test_the_parser_module_exports_the_translator():
    assert exported is translate_path


def test_with_the_request_merged_allowances_find_their_entry():
    body = {
        "descuentos": [{"codTipo": "62", "monto": 7}, {"codTipo": "02", "monto": 3}],
        "cargos": [{"codTipo": "50", "monto": 2}],
        "details": [
            {"descuentos": [{"codTipo": "00"}], "cargos": [{"codTipo": "47"}]},
            {"descuento": 1.5, "cargos": [{"codTipo": "47"}]},
        ],
    }
    assert translate_path("allowances[0].monto", body) == "descuentos[1].monto"
    assert translate_path("allowances[1]", body) == "cargos[0]"
    assert translate_path("allowances[1].is_charge", body) == "cargos[0]"
    assert translate_path("retencion.base", body) == "descuentos[0].montoBase"
    assert translate_path("retencion", body) == "descuentos[0]"
    assert translate_path("lines[0].allowances[1].base", body) == "details[0].cargos[0].montoBase"
    assert translate_path("lines[1].allowances[0].monto", body) == "details[1].descuento"
    assert translate_path("lines[1].allowances[1].codigo", body) == "details[1].cargos[0].codTipo"
    assert translate_path("lines[1].allowances[0].nada", body) == "lines[1].allowances[0].nada"


def test_paths_of_a_request_in_lycet_envelope_start_with_document():
    envelope = {"document": {"tipoDoc": "01", "cargos": [{"codTipo": "50"}]}, "parameters": {}}
    assert translate_path("lines[0].cantidad", envelope) == "document.details[0].cantidad"
    assert translate_path("allowances[0]", envelope) == "document.cargos[0]"
    assert translate_path("note", envelope) == "document"
    assert translate_path("nada", envelope) == "nada"


# -- every value the parser took from a request sits where the translated path points ----


def _leaves(value: object, path: str):
    if dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            if field.name != "extras":
                yield from _leaves(getattr(value, field.name), f"{path}.{field.name}" if path else field.name)
    elif isinstance(value, list):
        for index, entry in enumerate(value):
            yield from _leaves(entry, f"{path}[{index}]")
    elif value is not None:
        yield path, value


def _lookup(body: object, path: str) -> object:
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        if name:
            if not isinstance(body, dict) or name not in body:
                raise KeyError(path)
            body = body[name]
        else:
            body = body[int(index)]
    return body


def _cases() -> list[Path]:
    paths = sorted((CORPUS / "greenter-demo-json").glob("*.json")) + [CORPUS / "lycet" / "invoice.json"]
    return [
        p
        for p in paths
        if json.loads(p.read_text(encoding="utf-8")).get("tipoDoc") in ("01", "03", "07", "08")
    ]


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.stem)
def test_translated_paths_point_at_the_values_the_parser_read(case: Path):
    body = json.loads(case.read_text(encoding="utf-8"), parse_float=Decimal)
    doc = parse_sale(body, None)
    checked = 0
    for path, value in _leaves(doc, ""):
        if isinstance(value, date | time | bool):
            continue
        lycet = translate_path(path, body)
        try:
            found = _lookup(body, lycet)
        except KeyError:
            # Only defaults the parser supplies have no source in the request.
            assert path.endswith(
                ("codigo_pais", "tipo_operacion", "medio_pago", "unidad", "tipo_afectacion_igv")
            ), path
            continue
        if isinstance(value, Decimal):
            assert Decimal(found) == value, path
        elif isinstance(value, int):
            assert int(found) == value, path
        else:
            assert found == value, path
        checked += 1
    assert checked > 20
