"""SUNAT catalogs (Anexo 8): which codes exist, what they are called, and their attributes.

Catalog names are SUNAT's two-digit numbers ("06", "51"); codes are strings exactly as
written in the XML ("6", "0101", "NIU"). The data is SUNAT's own (see
``yupana/data/README.md``), loaded once on first use.

Attributes carried per catalog (``attribute(catalog, code, name)``):

- 05: ``un_ece``, ``nombre``, ``categoria``
- 07: ``tributo`` (catalog 05 code of an onerous line), ``gravado`` (IGV/IVAP computed), ``gratuito``
- 22, 23, 54: ``tasa`` (percentage, as text)
- 51: ``documentos`` (catalog 01 types that may use the tipo de operación)
- 53: ``nivel`` ("item" or "global"), ``cargo`` (the ChargeIndicator SUNAT requires)
- 61: ``remitente``, ``transportista`` (whether a guía 09 / 31 may cite the document)
- 62: ``codigo_sunat`` (the catalog 62A product code of the bien normalizado)
- 63, 64: ``ubigeo`` (of the port / airport)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    code: str
    description: str
    attributes: Mapping[str, Any] = field(default_factory=dict)


class UnknownCatalog(KeyError):
    """A catalog number Yupana does not carry."""


@cache
def _catalogs() -> dict[str, tuple[str, Mapping[str, CatalogEntry]]]:
    raw = resources.files("yupana").joinpath("data/catalogs.json").read_text(encoding="utf-8")
    loaded: dict[str, tuple[str, Mapping[str, CatalogEntry]]] = {}
    for number, catalog in json.loads(raw).items():
        items: dict[str, CatalogEntry] = {}
        for code, value in catalog["items"].items():
            if isinstance(value, str):
                items[code] = CatalogEntry(code, value, MappingProxyType({}))
            else:
                description, attributes = value
                items[code] = CatalogEntry(code, description, MappingProxyType(attributes))
        loaded[number] = (catalog["name"], MappingProxyType(items))
    return loaded


def _catalog(catalog: str) -> tuple[str, Mapping[str, CatalogEntry]]:
    found = _catalogs().get(str(catalog).zfill(2))
    if found is None:
        raise UnknownCatalog(catalog)
    return found


def available() -> list[str]:
    """Numbers of the catalogs carried."""
    return sorted(_catalogs())


def name(catalog: str) -> str:
    """SUNAT's title of the catalog ("Código de tipo de documento de identidad")."""
    return _catalog(catalog)[0]


def entries(catalog: str) -> Mapping[str, CatalogEntry]:
    """Every entry of the catalog, by code (read-only)."""
    return _catalog(catalog)[1]


def is_valid(catalog: str, code: str | None) -> bool:
    """True when ``code`` is listed in the catalog (exact match)."""
    return code is not None and code in _catalog(catalog)[1]


def get(catalog: str, code: str | None) -> CatalogEntry | None:
    if code is None:
        return None
    return _catalog(catalog)[1].get(code)


def description(catalog: str, code: str) -> str | None:
    """SUNAT's description of the code, ``None`` when the code is not listed."""
    entry = get(catalog, code)
    return entry.description if entry else None


def attribute(catalog: str, code: str, attribute_name: str, default: Any = None) -> Any:
    """One attribute of an entry (see the module docstring), ``default`` when absent."""
    entry = get(catalog, code)
    if entry is None:
        return default
    return entry.attributes.get(attribute_name, default)


def tipo_operacion_allows(tipo_operacion: str, tipo_documento: str) -> bool:
    """Catalog 51: whether a factura (01) / boleta (03) may carry this tipo de operación."""
    return tipo_documento in attribute("51", tipo_operacion, "documentos", ())
