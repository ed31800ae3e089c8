"""Domain paths said back in Facturador PRO's terms."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal

import pytest

from conftest import FIXTURES
from yupana.dialects.facturadorpro.documents import parse_document, path_translator, translate_path
from yupana.domain.party import Company

PRO = FIXTURES / "facturadorpro"
ISSUER = Company("20123456789", "EMPRESA EMISORA S.A.C.")


def load(name: str) -> dict:
    raw = json.loads((PRO / name).read_text(encoding="utf-8"), parse_float=Decimal)
    return {k: v for k, v in raw.items() if not k.startswith("_")}


@pytest.mark.parametrize(
    ("domain", "pro"),
    [
        ("lines[0].igv", "items[0].total_igv"),
        ("totals.importe_total", "totales.total_venta"),
        ("customer.numero_documento", "datos_del_cliente_o_receptor.numero_documento"),
        ("payment.cuotas[1].monto", "cuotas[1].monto"),
        ("payment.cuotas[0].fecha_pago", "cuotas[0].fecha"),
        ("payment.monto", "totales.total_pendiente_pago"),
        ("correlativo", "numero_documento"),
        ("serie", "serie_documento"),
        ("fecha_emision", "fecha_de_emision"),
        ("moneda", "codigo_tipo_moneda"),
        ("tipo_operacion", "codigo_tipo_operacion"),
        ("customer.tipo_documento", "datos_del_cliente_o_receptor.codigo_tipo_documento_identidad"),
        ("customer.razon_social", "datos_del_cliente_o_receptor.apellidos_y_nombres_o_razon_social"),
        ("customer.address.ubigeo", "datos_del_cliente_o_receptor.ubigeo"),
        ("issuer.address.codigo_establecimiento", "datos_del_emisor.codigo_del_domicilio_fiscal"),
        ("lines[12]", "items[12]"),
        ("lines[3].cantidad", "items[3].cantidad"),
        ("lines[3].unidad", "items[3].unidad_de_medida"),
        ("lines[3].valor_venta", "items[3].total_valor_item"),
        ("lines[3].base_igv", "items[3].total_base_igv"),
        ("lines[3].valor_referencial", "items[3].precio_unitario"),
        ("lines[3].isc.monto", "items[3].total_isc"),
        ("lines[3].icbper", "items[3].total_impuestos_bolsa_plastica"),
        ("lines[1].properties[2].nombre", "items[1].datos_adicionales[2].descripcion"),
        ("totals.gravadas", "totales.total_operaciones_gravadas"),
        ("totals.valor_venta", "totales.total_valor"),
        ("totals.precio_venta", "totales.subtotal_venta"),
        ("totals.descuentos", "totales.total_descuentos"),
        ("totals.icbper", "totales.total_impuestos_bolsa_plastica"),
        ("detraccion.codigo_bien", "detraccion.codigo_tipo_detraccion"),
        ("detraccion.cuenta_banco", "detraccion.cuenta_bancaria"),
        ("detraccion.transporte.origen.ubigeo", "detraccion.ubigeo_origen"),
        ("percepcion.factor", "percepcion.porcentaje"),
        ("retencion.factor", "retencion.porcentaje"),
        ("anticipos[1].monto", "anticipos[1].total"),
        ("related[0].numero", "relacionados[0].numero"),
        ("guias[1].tipo_documento", "guias[1].codigo_tipo_documento"),
        ("note.codigo", "codigo_tipo_nota"),
        ("note.motivo", "motivo_o_sustento_de_nota"),
        ("note.tipo_documento_afectado", "documento_afectado.codigo_tipo_documento"),
        ("legends[0].valor", "leyendas[0].valor"),
    ],
)
def test_translate_path(domain: str, pro: str) -> None:
    assert translate_path(domain) == pro


@pytest.mark.parametrize(
    "path",
    [
        "",
        "foo",
        "lines[0].nothing",
        "totals.redondeo",
        "issuer.ruc",
        "allowances[0].monto",
        "lines[0].allowances[1]",
    ],
)
def test_unknown_paths_come_back_unchanged(path: str) -> None:
    assert translate_path(path) == path


def test_allowances_are_split_back_with_the_body() -> None:
    body = load("official_examples/factura_global.json")
    translate = path_translator(body)
    assert translate("lines[0].allowances[0].monto") == "items[0].descuentos[0].monto"
    assert translate("lines[0].allowances[1].factor") == "items[0].cargos[0].porcentaje"
    assert translate("lines[0].allowances[1]") == "items[0].cargos[0]"
    assert translate("allowances[0].codigo") == "descuentos[0].codigo"
    assert translate("allowances[1].base") == "cargos[0].base"
    assert translate("lines[5].allowances[0].monto") == "lines[5].allowances[0].monto"  # no such item


def test_the_body_names_the_aliases_it_used() -> None:
    body = load("official_examples/nota_credito_global.json")
    translate = path_translator(body)
    assert translate("related[1].numero") == "documentos_relacionados[1].numero"
    assert translate("note.motivo") == "motivo_o_sustento_de_la_nota"
    assert translate("anticipos[0].monto") == "anticipos[0].monto"  # no "total" in these anticipos
    assert translate("lines[0].properties[0].nombre") == "items[0].datos_adicionales[0].nombre"
    by_id = path_translator(load("postman_v8/nota_credito_por_external_id.json"))
    assert by_id("note.numero_documento_afectado") == "documento_afectado.external_id"
    assert by_id("note.tipo_documento_afectado") == "documento_afectado.external_id"
    anticipos = path_translator(load("postman_v8/factura_anticipos.json"))
    assert anticipos("anticipos[0].monto") == "anticipos[0].total"
    assert path_translator(["not", "a", "body"])("lines[0].igv") == "items[0].total_igv"


# Every value of a parsed document points back at a key its body carries ------------------------

# Domain values that do not come from a key of the body: the caller's company, defaults, and
# values computed from other keys.
_NOT_FROM_THE_BODY = re.compile(
    r"issuer(\..*)?|tipo_operacion|payment(\.forma)?|customer\.address\.codigo_pais"
    r"|detraccion\.medio_pago|detraccion\.transporte\.(origen|destino)\.codigo_pais"
)

_SEGMENT = re.compile(r"(\w+)((?:\[\d+\])*)")


def _domain_paths(value: object, path: str = "") -> Iterator[str]:
    if dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            child = getattr(value, field.name)
            yield from _domain_paths(child, f"{path}.{field.name}" if path else field.name)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _domain_paths(child, f"{path}[{index}]")
    elif value is not None and not isinstance(value, dict) and value != "":
        yield path


def _carried(body: Mapping[str, object], pro_path: str) -> bool:
    node: object = body
    for segment in pro_path.split("."):
        found = _SEGMENT.fullmatch(segment)
        assert found, pro_path
        if not isinstance(node, Mapping) or found.group(1) not in node:
            return False
        node = node[found.group(1)]
        for index in re.findall(r"\[(\d+)\]", found.group(2)):
            if not isinstance(node, list) or int(index) >= len(node):
                return False
            node = node[int(index)]
    return node is not None and node != ""


@pytest.mark.parametrize(
    "name",
    [
        "official_examples/factura_global.json",
        "official_examples/nota_credito_global.json",
        "official_examples2/factura_global.json",
        "official_examples/factura_operacion_gravada_credito.json",
        "official_examples/factura_exportacion.json",
        "postman_v8/factura_anticipos.json",
        "postman_v8/factura_descuento_global_y_lineal.json",
        "postman_v8/factura_detraccion_transporte_1004_CONSTRUCTED.json",
        "postman_v8/factura_guias_relacionados_pagos_placa.json",
        "postman_v8/factura_exonerada_bolsa_plastica.json",
        "postman_v8/factura_percepcion_CONSTRUCTED.json",
        "postman_v8/factura_retencion_igv_CONSTRUCTED.json",
        "postman_v8/nota_credito_por_external_id.json",
        "postman_v8/nota_debito_sin_external_id.json",
    ],
)
def test_every_domain_value_translates_to_a_key_of_its_body(name: str) -> None:
    body = load(name)
    doc = parse_document(body, ISSUER)
    translate = path_translator(body)
    lost = [
        (path, translate(path))
        for path in _domain_paths(doc)
        if not _NOT_FROM_THE_BODY.fullmatch(path) and not _carried(body, translate(path))
    ]
    assert lost == []
