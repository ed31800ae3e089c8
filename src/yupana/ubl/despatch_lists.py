"""SUNAT code lists of the guías de remisión (2022 format) as UBL attributes.

Attribute values are the ones SUNAT's GRE stylesheets accept (a different value is observation
4251-4257): catalog 20 on ``cbc:HandlingCode``, 18 on ``cbc:TransportModeCode``, 61 on the
related documents, 63/64 on ports and airports, D37 on special authorisations, 55 on the
attributes of a line.
"""

from __future__ import annotations

from typing import Final

from yupana.ubl.code_lists import Attributes

_SUNAT = "PE:SUNAT"


def _catalog(number: str) -> str:
    return f"urn:pe:gob:sunat:cpe:see:gem:catalogos:catalogo{number}"


MOTIVO_TRASLADO: Final[Attributes] = (
    ("listAgencyName", _SUNAT),
    ("listName", "Motivo de traslado"),
    ("listURI", _catalog("20")),
)
MODALIDAD: Final[Attributes] = (
    ("listName", "Modalidad de traslado"),
    ("listAgencyName", _SUNAT),
    ("listURI", _catalog("18")),
)
RELATED_DOCUMENT: Final[Attributes] = (
    ("listAgencyName", _SUNAT),
    ("listName", "Documento relacionado al transporte"),
    ("listURI", _catalog("61")),
)
PORT: Final[dict[str, Attributes]] = {
    "1": (("schemeAgencyName", _SUNAT), ("schemeName", "Puertos"), ("schemeURI", _catalog("63"))),
    "2": (("schemeAgencyName", _SUNAT), ("schemeName", "Aeropuertos"), ("schemeURI", _catalog("64"))),
}
ITEM_PROPERTY: Final[Attributes] = (
    ("listAgencyName", _SUNAT),
    ("listName", "Propiedad del item"),
    ("listURI", _catalog("55")),
)


def authorization(entidad: str) -> Attributes:
    """A special authorisation's number, naming its issuing entity (catalog D37)."""
    return (("schemeID", entidad), ("schemeName", "Entidad Autorizadora"), ("schemeAgencyName", _SUNAT))


def establishment(ruc: str) -> Attributes:
    """``cbc:AddressTypeCode`` of a punto de partida or llegada: the código de establecimiento,
    with the RUC that owns it in ``listID``."""
    return (("listID", ruc), ("listAgencyName", _SUNAT), ("listName", "Establecimientos anexos"))
