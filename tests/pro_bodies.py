"""Facturador PRO request bodies for server tests: its official factura example (dates moved to
today, ``numero_documento: "#"``) and a boleta made from it."""

from __future__ import annotations

from typing import Any

from corpus import load_fixture
from paths import FIXTURES

EXAMPLES = FIXTURES / "facturadorpro" / "official_examples"


def factura_body(**changes: Any) -> dict[str, Any]:
    body = load_fixture(EXAMPLES / "factura_operacion_gravada.json", "fecha_de_emision")
    assert isinstance(body, dict)
    body["numero_documento"] = "#"
    body.update(changes)
    return body


def boleta_body() -> dict[str, Any]:
    """A boleta to a DNI customer, stored without sending (it goes in a resumen diario)."""
    body = factura_body(serie_documento="B001", codigo_tipo_documento="03")
    body["datos_del_cliente_o_receptor"] = {
        "codigo_tipo_documento_identidad": "1",
        "numero_documento": "12345678",
        "apellidos_y_nombres_o_razon_social": "JUAN PEREZ",
    }
    body["acciones"] = {"enviar_xml_firmado": False}
    return body
