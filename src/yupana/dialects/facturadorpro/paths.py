"""Domain paths (``lines[0].igv``) said in Facturador PRO's terms (``items[0].total_igv``).

Problems found after parsing (by ``calc`` or ``validation``) name the domain field they are
about: dataclass attribute names joined with dots, list positions in brackets. A Facturador PRO
client must be told about the key it sent, so every domain path that comes from a body key is
translated here; a path with no counterpart is returned unchanged.

``translate_path`` uses the canonical keys. ``path_translator(body)`` also looks at the body the
document came from, so that the answer names the key that was actually sent (``porcentaje`` for
``factor``, ``documentos_relacionados`` for ``relacionados``, ``documento_afectado.external_id``...)
and can split the domain's single list of allowances back into ``descuentos`` and ``cargos``
(which ``translate_path`` alone cannot: such paths are returned unchanged).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

CLIENTE = "datos_del_cliente_o_receptor"
EMISOR = "datos_del_emisor"

_LINE = "items[{0}]"

# Normalised domain path (list positions as "[]") -> Facturador PRO path ({0}, {1}: the positions).
_PATHS: dict[str, str] = {
    "tipo_documento": "codigo_tipo_documento",
    "serie": "serie_documento",
    "correlativo": "numero_documento",
    "numero": "numero_documento",
    "fecha_emision": "fecha_de_emision",
    "hora_emision": "hora_de_emision",
    "fecha_vencimiento": "fecha_de_vencimiento",
    "moneda": "codigo_tipo_moneda",
    "tipo_operacion": "codigo_tipo_operacion",
    "tipo_cambio": "factor_tipo_de_cambio",
    "orden_compra": "numero_orden_de_compra",
    "issuer": EMISOR,
    "issuer.address": EMISOR,
    "issuer.address.codigo_establecimiento": f"{EMISOR}.codigo_del_domicilio_fiscal",
    "customer": CLIENTE,
    "customer.tipo_documento": f"{CLIENTE}.codigo_tipo_documento_identidad",
    "customer.numero_documento": f"{CLIENTE}.numero_documento",
    "customer.razon_social": f"{CLIENTE}.apellidos_y_nombres_o_razon_social",
    "customer.email": f"{CLIENTE}.correo_electronico",
    "customer.telefono": f"{CLIENTE}.telefono",
    "customer.address": f"{CLIENTE}.direccion",
    "customer.address.direccion": f"{CLIENTE}.direccion",
    "customer.address.ubigeo": f"{CLIENTE}.ubigeo",
    "customer.address.codigo_pais": f"{CLIENTE}.codigo_pais",
    "lines": "items",
    "lines[]": _LINE,
    "lines[].descripcion": f"{_LINE}.descripcion",
    "lines[].cantidad": f"{_LINE}.cantidad",
    "lines[].unidad": f"{_LINE}.unidad_de_medida",
    "lines[].tipo_afectacion_igv": f"{_LINE}.codigo_tipo_afectacion_igv",
    "lines[].codigo": f"{_LINE}.codigo_interno",
    "lines[].codigo_sunat": f"{_LINE}.codigo_producto_sunat",
    "lines[].codigo_gs1": f"{_LINE}.codigo_producto_gsl",
    "lines[].valor_unitario": f"{_LINE}.valor_unitario",
    "lines[].precio_unitario": f"{_LINE}.precio_unitario",
    "lines[].valor_referencial": f"{_LINE}.precio_unitario",
    "lines[].porcentaje_igv": f"{_LINE}.porcentaje_igv",
    "lines[].isc": f"{_LINE}.codigo_tipo_sistema_isc",
    "lines[].isc.sistema": f"{_LINE}.codigo_tipo_sistema_isc",
    "lines[].isc.porcentaje": f"{_LINE}.porcentaje_isc",
    "lines[].isc.base": f"{_LINE}.total_base_isc",
    "lines[].isc.monto": f"{_LINE}.total_isc",
    "lines[].icbper_factor": f"{_LINE}.total_impuestos_bolsa_plastica",
    "lines[].icbper": f"{_LINE}.total_impuestos_bolsa_plastica",
    "lines[].properties": f"{_LINE}.datos_adicionales",
    "lines[].properties[]": f"{_LINE}.datos_adicionales[{{1}}]",
    "lines[].properties[].codigo": f"{_LINE}.datos_adicionales[{{1}}].codigo",
    "lines[].properties[].nombre": f"{_LINE}.datos_adicionales[{{1}}].descripcion",
    "lines[].properties[].valor": f"{_LINE}.datos_adicionales[{{1}}].valor",
    "lines[].properties[].fecha_inicio": f"{_LINE}.datos_adicionales[{{1}}].fecha_inicio",
    "lines[].properties[].fecha_fin": f"{_LINE}.datos_adicionales[{{1}}].fecha_fin",
    "lines[].properties[].duracion_dias": f"{_LINE}.datos_adicionales[{{1}}].duracion",
    "lines[].valor_venta": f"{_LINE}.total_valor_item",
    "lines[].base_igv": f"{_LINE}.total_base_igv",
    "lines[].igv": f"{_LINE}.total_igv",
    "lines[].total_impuestos": f"{_LINE}.total_impuestos",
    "anticipos": "anticipos",
    "anticipos[]": "anticipos[{0}]",
    "anticipos[].tipo_documento": "anticipos[{0}].codigo_tipo_documento",
    "anticipos[].numero": "anticipos[{0}].numero",
    "anticipos[].monto": "anticipos[{0}].total",
    "anticipos[].emisor_ruc": "anticipos[{0}]",
    "payment": "codigo_condicion_de_pago",
    "payment.forma": "codigo_condicion_de_pago",
    "payment.monto": "totales.total_pendiente_pago",
    "payment.cuotas": "cuotas",
    "payment.cuotas[]": "cuotas[{0}]",
    "payment.cuotas[].monto": "cuotas[{0}].monto",
    "payment.cuotas[].fecha_pago": "cuotas[{0}].fecha",
    "payment.cuotas[].moneda": "cuotas[{0}].codigo_tipo_moneda",
    "detraccion": "detraccion",
    "detraccion.codigo_bien": "detraccion.codigo_tipo_detraccion",
    "detraccion.porcentaje": "detraccion.porcentaje",
    "detraccion.cuenta_banco": "detraccion.cuenta_bancaria",
    "detraccion.monto": "detraccion.monto",
    "detraccion.medio_pago": "detraccion.codigo_metodo_pago",
    "detraccion.transporte": "detraccion",
    "detraccion.transporte.origen": "detraccion.direccion_origen",
    "detraccion.transporte.origen.direccion": "detraccion.direccion_origen",
    "detraccion.transporte.origen.ubigeo": "detraccion.ubigeo_origen",
    "detraccion.transporte.destino": "detraccion.direccion_destino",
    "detraccion.transporte.destino.direccion": "detraccion.direccion_destino",
    "detraccion.transporte.destino.ubigeo": "detraccion.ubigeo_destino",
    "detraccion.transporte.detalle_viaje": "detraccion.detalle_viaje",
    "detraccion.transporte.valor_referencial_servicio": "detraccion.valor_referencial_servicio_transporte",
    "detraccion.transporte.valor_referencial_carga_efectiva": "detraccion.valor_referencia_carga_efectiva",
    "detraccion.transporte.valor_referencial_carga_util": "detraccion.valor_referencial_carga_util",
    "percepcion": "percepcion",
    "percepcion.codigo": "percepcion.codigo",
    "percepcion.factor": "percepcion.porcentaje",
    "percepcion.base": "percepcion.base",
    "percepcion.monto": "percepcion.monto",
    "percepcion.total": "percepcion",
    "retencion": "retencion",
    "retencion.factor": "retencion.porcentaje",
    "retencion.base": "retencion.base",
    "retencion.monto": "retencion.monto",
    "guias": "guias",
    "guias[]": "guias[{0}]",
    "guias[].tipo_documento": "guias[{0}].codigo_tipo_documento",
    "guias[].numero": "guias[{0}].numero",
    "related": "relacionados",
    "related[]": "relacionados[{0}]",
    "related[].tipo_documento": "relacionados[{0}].codigo_tipo_documento",
    "related[].numero": "relacionados[{0}].numero",
    "note": "documento_afectado",
    "note.codigo": "codigo_tipo_nota",
    "note.motivo": "motivo_o_sustento_de_nota",
    "note.tipo_documento_afectado": "documento_afectado.codigo_tipo_documento",
    "note.numero_documento_afectado": "documento_afectado.numero_documento",
    "legends": "leyendas",
    "legends[]": "leyendas[{0}]",
    "legends[].codigo": "leyendas[{0}].codigo",
    "legends[].valor": "leyendas[{0}].valor",
    "extras": "extras",
    "totals": "totales",
    "totals.gravadas": "totales.total_operaciones_gravadas",
    "totals.exoneradas": "totales.total_operaciones_exoneradas",
    "totals.inafectas": "totales.total_operaciones_inafectas",
    "totals.exportacion": "totales.total_exportacion",
    "totals.gratuitas": "totales.total_operaciones_gratuitas",
    "totals.igv_gratuitas": "totales.total_igv_operaciones_gratuitas",
    "totals.isc_base": "totales.total_base_isc",
    "totals.isc": "totales.total_isc",
    "totals.icbper": "totales.total_impuestos_bolsa_plastica",
    "totals.igv": "totales.total_igv",
    "totals.total_impuestos": "totales.total_impuestos",
    "totals.valor_venta": "totales.total_valor",
    "totals.precio_venta": "totales.subtotal_venta",
    "totals.descuentos": "totales.total_descuentos",
    "totals.cargos": "totales.total_cargos",
    "totals.anticipos": "totales.total_anticipos",
    "totals.importe_total": "totales.total_venta",
}

# AllowanceCharge attribute -> key of a descuentos/cargos element.
_ALLOWANCE_FIELDS = {
    "codigo": "codigo",
    "monto": "monto",
    "base": "base",
    "factor": "factor",
    "is_charge": "codigo",
}

# Keys a body may carry instead of the canonical one (used when the canonical one is not given).
_ALIASES: dict[str, tuple[str, ...]] = {
    "factor": ("porcentaje",),
    "porcentaje": ("factor",),
    "relacionados": ("documentos_relacionados",),
    "anticipos": ("prepayments",),
    "motivo_o_sustento_de_nota": ("motivo_o_sustento_de_la_nota",),
    "codigo_condicion_de_pago": ("condicion_de_pago",),
    "codigo_tipo_detraccion": ("codigo",),
    "total_impuestos_bolsa_plastica": ("total_impuestos_bolsas",),
    "valor_referencia_carga_efectiva": ("valor_referencial_carga_efectiva",),
    "codigo_producto_gsl": ("codigo_producto_gs1",),
    "descripcion": ("nombre",),
    "total": ("monto", "amount"),
    "numero": ("number",),
    "codigo_tipo_documento": ("document_type_id", "external_id"),
    "numero_documento": ("external_id",),
}
# Keys that, when given, are read instead of the canonical one.
_PREFERRED: dict[str, str] = {"descripcion": "nombre_producto_xml"}

_INDEX = re.compile(r"\[(\d+)\]")
_SEGMENT = re.compile(r"(\w+)((?:\[\d+\])*)")
_ALLOWANCE = re.compile(r"(?:lines\[(\d+)\]\.)?allowances\[(\d+)\](?:\.(\w+))?")


def translate_path(domain_path: str) -> str:
    """The Facturador PRO path of a domain path, in canonical keys; unknown paths come back unchanged."""
    return _translate(domain_path, None)


def path_translator(body: object) -> Callable[[str], str]:
    """``translate_path`` that names the keys ``body`` actually carries."""

    def translate(domain_path: str) -> str:
        return _translate(domain_path, body if isinstance(body, Mapping) else None)

    return translate


def _translate(domain_path: str, body: Mapping[str, object] | None) -> str:
    allowance = _ALLOWANCE.fullmatch(domain_path)
    if allowance is not None:
        translated = _allowance_path(allowance, body)
    else:
        indices = [int(i) for i in _INDEX.findall(domain_path)]
        template = _PATHS.get(_INDEX.sub("[]", domain_path))
        translated = template.format(*indices) if template is not None else None
    if translated is None:
        return domain_path
    return _as_sent(translated, body) if body is not None else translated


def _allowance_path(found: re.Match[str], body: Mapping[str, object] | None) -> str | None:
    """``lines[i].allowances[j].x`` / ``allowances[j].x``: back to ``descuentos`` or ``cargos``."""
    if body is None:
        return None
    line, position, attribute = found.group(1), int(found.group(2)), found.group(3)
    base = ""
    node: object = body
    if line is not None:
        items = body.get("items")
        node = items[int(line)] if isinstance(items, list) and int(line) < len(items) else None
        base = f"items[{line}]."
    if not isinstance(node, Mapping):
        return None
    discounts = node.get("descuentos")
    count = len(discounts) if isinstance(discounts, list) else 0
    element = f"{base}descuentos[{position}]" if position < count else f"{base}cargos[{position - count}]"
    if attribute is None:
        return element
    key = _ALLOWANCE_FIELDS.get(attribute)
    return f"{element}.{key}" if key else None


def _as_sent(path: str, body: Mapping[str, object]) -> str:
    """``path`` with each key replaced by the alias the body uses at that place, if any."""
    node: object = body
    parts: list[str] = []
    for segment in path.split("."):
        found = _SEGMENT.fullmatch(segment)
        if found is None:
            return path
        key, brackets = found.group(1), found.group(2)
        if isinstance(node, Mapping):
            key = _sent_key(node, key)
            node = node.get(key)
        else:
            node = None
        for index in (int(i) for i in _INDEX.findall(brackets)):
            node = node[index] if isinstance(node, list) and index < len(node) else None
        parts.append(key + brackets)
    return ".".join(parts)


def _sent_key(node: Mapping[str, object], key: str) -> str:
    preferred = _PREFERRED.get(key)
    if preferred is not None and _given(node.get(preferred)):
        return preferred
    if _given(node.get(key)):
        return key
    for alias in _ALIASES.get(key, ()):
        if _given(node.get(alias)):
            return alias
    return key


def _given(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())
