"""Paths on the domain document → JSON paths in Lycet's terms.

Problems found after parsing (by ``calc`` or ``validation``) name domain attributes
(``lines[0].igv``, ``totals.importe_total``); a Greenter caller must read them in its own
terms (``details[0].igv``, ``mtoImpVenta``). ``translate_path`` does that; a path it does not
know comes back unchanged.

The domain merges a line's (or the document's) ``descuentos`` and ``cargos`` into one
``allowances`` list (discounts first) and moves a document discount with code 62 to
``retencion``. Given the request ``body``, ``translate_path`` finds the exact entry
(``allowances[1]`` → ``cargos[0]``); without it, ``allowances[j]`` is taken to be
``descuentos[j]``, right whenever there are no charges and no retención before it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from yupana.dialects.greenter import LENIENCY
from yupana.dialects.json_fields import to_decimal

_SEGMENT = re.compile(r"[A-Za-z_]\w*(\[\d+\])*")
_INDEX = re.compile(r"\[(\d+)\]")
RETENCION_CODE = "62"

_ADDRESS = {
    "direccion": "direccion",
    "ubigeo": "ubigueo",
    "departamento": "departamento",
    "provincia": "provincia",
    "distrito": "distrito",
    "urbanizacion": "urbanizacion",
    "codigo_pais": "codigoPais",
    "codigo_establecimiento": "codLocal",
}
_COMPANY = {
    "ruc": "ruc",
    "razon_social": "razonSocial",
    "nombre_comercial": "nombreComercial",
    "email": "email",
    "telefono": "telephone",
}
_CUSTOMER = {
    "tipo_documento": "tipoDoc",
    "numero_documento": "numDoc",
    "razon_social": "rznSocial",
    "email": "email",
    "telefono": "telephone",
}
_LINE = {
    "descripcion": "descripcion",
    "cantidad": "cantidad",
    "unidad": "unidad",
    "tipo_afectacion_igv": "tipAfeIgv",
    "codigo": "codProducto",
    "codigo_sunat": "codProdSunat",
    "codigo_gs1": "codProdGS1",
    "valor_unitario": "mtoValorUnitario",
    "precio_unitario": "mtoPrecioUnitario",
    "valor_referencial": "mtoValorGratuito",
    "porcentaje_igv": "porcentajeIgv",
    "isc": "isc",
    "icbper_factor": "factorIcbper",
    "valor_venta": "mtoValorVenta",
    "base_igv": "mtoBaseIgv",
    "igv": "igv",
    "icbper": "icbper",
    "total_impuestos": "totalImpuestos",
    "properties": "atributos",
    "allowances": "descuentos",
}
# ISC lives flat on Greenter's line.
_ISC = {"sistema": "tipSisIsc", "porcentaje": "porcentajeIsc", "base": "mtoBaseIsc", "monto": "isc"}
_PROPERTY = {
    "codigo": "code",
    "nombre": "name",
    "valor": "value",
    "fecha_inicio": "fecInicio",
    "fecha_fin": "fecFin",
    "duracion_dias": "duracion",
}
_CHARGE = {"codigo": "codTipo", "monto": "monto", "base": "montoBase", "factor": "factor", "is_charge": ""}
_TOTALS = {
    "gravadas": "mtoOperGravadas",
    "exoneradas": "mtoOperExoneradas",
    "inafectas": "mtoOperInafectas",
    "exportacion": "mtoOperExportacion",
    "gratuitas": "mtoOperGratuitas",
    "igv_gratuitas": "mtoIGVGratuitas",
    "ivap_base": "mtoBaseIvap",
    "ivap": "mtoIvap",
    "isc_base": "mtoBaseIsc",
    "isc": "mtoISC",
    "icbper": "icbper",
    "igv": "mtoIGV",
    "total_impuestos": "totalImpuestos",
    "valor_venta": "valorVenta",
    "precio_venta": "subTotal",
    "descuentos": "sumOtrosDescuentos",
    "cargos": "sumOtrosCargos",
    "anticipos": "totalAnticipos",
    "redondeo": "redondeo",
    "importe_total": "mtoImpVenta",
}
_HEADER = {
    "tipo_documento": "tipoDoc",
    "serie": "serie",
    "correlativo": "correlativo",
    "fecha_emision": "fechaEmision",
    "hora_emision": "fechaEmision",
    "fecha_vencimiento": "fecVencimiento",
    "moneda": "tipoMoneda",
    "tipo_operacion": "tipoOperacion",
    "orden_compra": "compra",
    "issuer": "company",
    "customer": "client",
    "lines": "details",
    "allowances": "descuentos",
    "anticipos": "anticipos",
    "payment": "formaPago",
    "detraccion": "detraccion",
    "percepcion": "perception",
    "guias": "guias",
    "related": "relDocs",
    "legends": "legends",
    "observaciones": "observacion",
    "observaciones[*]": "observacion",
    "note": "",
    "totals": "",
}


def _block(domain: str, greenter: str, fields: Mapping[str, str]) -> dict[str, str]:
    """``domain.<field>`` → ``greenter.<Field>``; an empty target names the block itself."""
    table = {domain: greenter}
    for name, key in fields.items():
        table[f"{domain}.{name}"] = f"{greenter}.{key}" if greenter and key else (greenter or key)
    return table


def _table() -> dict[str, str]:
    table = dict(_HEADER)
    table |= _block("issuer", "company", _COMPANY) | _block("issuer.address", "company.address", _ADDRESS)
    table |= _block("customer", "client", _CUSTOMER) | _block("customer.address", "client.address", _ADDRESS)
    table |= _block("lines[*]", "details[*]", _LINE)
    table |= {f"lines[*].isc.{name}": f"details[*].{key}" for name, key in _ISC.items()}
    table |= _block("lines[*].properties[*]", "details[*].atributos[*]", _PROPERTY)
    table |= _block("payment", "formaPago", {"forma": "tipo", "monto": "monto"})
    table |= {"payment.cuotas": "cuotas"}
    table |= _block(
        "payment.cuotas[*]", "cuotas[*]", {"monto": "monto", "fecha_pago": "fechaPago", "moneda": "moneda"}
    )
    table |= _block(
        "detraccion",
        "detraccion",
        {
            "codigo_bien": "codBienDetraccion",
            "porcentaje": "percent",
            "cuenta_banco": "ctaBanco",
            "monto": "mount",
            "medio_pago": "codMedioPago",
        },
    )
    table |= _block(
        "percepcion",
        "perception",
        {"codigo": "codReg", "factor": "porcentaje", "base": "mtoBase", "monto": "mto", "total": "mtoTotal"},
    )
    table |= _block(
        "anticipos[*]",
        "anticipos[*]",
        {"tipo_documento": "tipoDocRel", "numero": "nroDocRel", "monto": "total"},
    )
    table |= _block("guias[*]", "guias[*]", {"tipo_documento": "tipoDoc", "numero": "nroDoc"})
    table |= _block("related[*]", "relDocs[*]", {"tipo_documento": "tipoDoc", "numero": "nroDoc"})
    table |= _block("legends[*]", "legends[*]", {"codigo": "code", "valor": "value"})
    table |= _block(
        "note",
        "",
        {
            "codigo": "codMotivo",
            "motivo": "desMotivo",
            "tipo_documento_afectado": "tipDocAfectado",
            "numero_documento_afectado": "numDocfectado",
        },
    )
    table |= _block("totals", "", _TOTALS)
    return table


_PATHS = _table()


def translate_path(domain_path: str, body: object = None) -> str:
    """The Lycet JSON path of a domain path; unknown paths come back unchanged.

    ``body`` (optional) is the request as received; with it, merged ``allowances`` and
    ``retencion`` resolve to their exact entry, and paths of a request in Lycet's envelope
    start with ``document.``.
    """
    segments = domain_path.split(".")
    if not domain_path or not all(_SEGMENT.fullmatch(segment) for segment in segments):
        return domain_path
    document, prefix = _document(body)
    indices = [int(i) for i in _INDEX.findall(domain_path)]
    pattern = _INDEX.sub("[*]", domain_path)

    translated = _charge_path(pattern, indices, document)
    if translated is None:
        template = _PATHS.get(pattern)
        if template is None:
            return domain_path
        translated = _fill(template, indices)
    if prefix:
        return f"{prefix}.{translated}" if translated else prefix
    return translated


def _fill(template: str, indices: list[int]) -> str:
    remaining = iter(indices)
    return re.sub(r"\[\*\]", lambda _: f"[{next(remaining)}]", template)


def _document(body: object) -> tuple[Mapping[str, object] | None, str]:
    if not isinstance(body, Mapping):
        return None, ""
    inner = body.get("document")
    if isinstance(inner, Mapping) and "tipoDoc" not in body:
        return inner, "document"
    return body, ""


def _charge_path(pattern: str, indices: list[int], document: Mapping[str, object] | None) -> str | None:
    """Paths into ``allowances`` or ``retencion``, which need the request to be exact."""
    if pattern == "retencion" or pattern.startswith("retencion."):
        rest = pattern.removeprefix("retencion").removeprefix(".")
        index = _retencion_index(document)
        base = f"descuentos[{index}]" if index is not None else "descuentos"
        return _charge_field(base, rest)
    if pattern.startswith("allowances[*]"):
        owner, line, position, rest = document, None, indices[0], pattern.removeprefix("allowances[*]")
    elif pattern.startswith("lines[*].allowances[*]"):
        line, position, rest = indices[0], indices[1], pattern.removeprefix("lines[*].allowances[*]")
        owner = _line(document, line)
    else:
        return None
    rest = rest.removeprefix(".")
    key, index = _allowance_origin(owner, position, document_level=line is None)
    base = f"{key}[{index}]" if index is not None else key
    if line is not None:
        base = f"details[{line}].{base}"
    if index is None:  # the old single ``descuento`` amount: the field is the whole charge
        return base if not rest or rest in _CHARGE else None
    return _charge_field(base, rest)


def _charge_field(base: str, rest: str) -> str | None:
    if not rest:
        return base
    key = _CHARGE.get(rest)
    if key is None:
        return None
    return f"{base}.{key}" if key else base


def _line(document: Mapping[str, object] | None, index: int) -> Mapping[str, object] | None:
    details = document.get("details") if document is not None else None
    if isinstance(details, list) and index < len(details) and isinstance(details[index], Mapping):
        return details[index]
    return None


def _is_retencion(entry: Mapping[str, object]) -> bool:
    code = entry.get("codTipo")
    return isinstance(code, str | int) and not isinstance(code, bool) and str(code).strip() == RETENCION_CODE


def _retencion_index(document: Mapping[str, object] | None) -> int | None:
    entries = document.get("descuentos") if document is not None else None
    if isinstance(entries, list):
        for index, entry in enumerate(entries):
            if isinstance(entry, Mapping) and _is_retencion(entry):
                return index
    return None


def _allowance_origin(
    owner: Mapping[str, object] | None, position: int, *, document_level: bool
) -> tuple[str, int | None]:
    """Where the ``position``-th merged allowance came from, in the order the parser merges them."""
    if owner is None:
        return "descuentos", position
    origins: list[tuple[str, int | None]] = []
    discounts = owner.get("descuentos")
    if (
        not document_level
        and discounts is None
        and to_decimal(owner.get("descuento"), exponents=LENIENCY.exponents)
    ):
        origins.append(("descuento", None))
    for key in ("descuentos", "cargos"):
        entries = owner.get(key)
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries):
            if not isinstance(entry, Mapping) or entry.get("codTipo") is None:
                continue
            if document_level and key == "descuentos" and _is_retencion(entry):
                continue
            origins.append((key, index))
    return origins[position] if position < len(origins) else ("descuentos", position)
