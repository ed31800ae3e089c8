"""SUNAT code lists as they appear in UBL: the attributes naming each list, and the catalog rows
the writer needs to derive one code from another.

Attribute sets are tuples of (name, value) pairs: immutable and hashable, so an element with a
given tag and attribute set can be built once and copied (see ``nodes.code``).

Attribute values are the ones SUNAT's validation stylesheets accept (a different value is
observation 4251-4261); where SUNAT's older guide prints another spelling, the stylesheets win.
"""

from __future__ import annotations

from typing import Final, NamedTuple

Attributes = tuple[tuple[str, str], ...]

_SUNAT = "PE:SUNAT"
_UNECE = "United Nations Economic Commission for Europe"


def _catalog(number: str) -> str:
    return f"urn:pe:gob:sunat:cpe:see:gem:catalogos:catalogo{number}"


CUSTOMIZATION: Final = (("schemeAgencyName", _SUNAT),)
# Catalog 01 (document types): cbc:InvoiceTypeCode, BillingReference and guías.
DOCUMENT_TYPE: Final = (
    ("listAgencyName", _SUNAT),
    ("listName", "Tipo de Documento"),
    ("listURI", _catalog("01")),
)
# cbc:InvoiceTypeCode also names catalog 51 (tipo de operación, in @listID).
INVOICE_TYPE: Final = (*DOCUMENT_TYPE, ("name", "Tipo de Operacion"), ("listSchemeURI", _catalog("51")))
CURRENCY: Final = (("listID", "ISO 4217 Alpha"), ("listName", "Currency"), ("listAgencyName", _UNECE))
# Catalog 06 (identity documents), with the document type in @schemeID.
IDENTITY: Final = (
    ("schemeName", "Documento de Identidad"),
    ("schemeAgencyName", _SUNAT),
    ("schemeURI", _catalog("06")),
)
UBIGEO: Final = (("schemeName", "Ubigeos"), ("schemeAgencyName", "PE:INEI"))
ESTABLISHMENT: Final = (("listAgencyName", _SUNAT), ("listName", "Establecimientos anexos"))
COUNTRY: Final = (("listID", "ISO 3166-1"), ("listAgencyName", _UNECE), ("listName", "Country"))
# Catalog 12 (related documents, anticipos).
RELATED_DOCUMENT: Final = (
    ("listAgencyName", _SUNAT),
    ("listName", "Documento Relacionado"),
    ("listURI", _catalog("12")),
)
PREPAYMENT_STATUS: Final = (("listName", "Anticipo"), ("listAgencyName", _SUNAT))
PREPAYMENT_ID: Final = (("schemeName", "Anticipo"), ("schemeAgencyName", _SUNAT))
CREDIT_NOTE_TYPE: Final = (
    ("listAgencyName", _SUNAT),
    ("listName", "Tipo de nota de credito"),
    ("listURI", _catalog("09")),
)
DEBIT_NOTE_TYPE: Final = (
    ("listAgencyName", _SUNAT),
    ("listName", "Tipo de nota de debito"),
    ("listURI", _catalog("10")),
)
# Catalog 03 (units), with the unit in @unitCode.
UNIT: Final = (("unitCodeListID", "UN/ECE rec 20"), ("unitCodeListAgencyName", _UNECE))
ITEM_CLASSIFICATION: Final = (
    ("listID", "UNSPSC"),
    ("listAgencyName", "GS1 US"),
    ("listName", "Item Classification"),
)
PRICE_TYPE: Final = (("listName", "Tipo de Precio"), ("listAgencyName", _SUNAT), ("listURI", _catalog("16")))
TAX_EXEMPTION: Final = (
    ("listAgencyName", _SUNAT),
    ("listName", "Afectacion del IGV"),
    ("listURI", _catalog("07")),
)
TAX_SCHEME_ID: Final = (
    ("schemeName", "Codigo de tributos"),
    ("schemeAgencyName", _SUNAT),
    ("schemeURI", _catalog("05")),
)
ALLOWANCE_REASON: Final = (
    ("listAgencyName", _SUNAT),
    ("listName", "Cargo/descuento"),
    ("listURI", _catalog("53")),
)
ITEM_PROPERTY: Final = (
    ("listAgencyName", _SUNAT),
    ("listName", "Propiedad del item"),
    ("listURI", _catalog("55")),
)
DETRACCION_GOOD: Final = (
    ("schemeName", "Codigo de detraccion"),
    ("schemeAgencyName", _SUNAT),
    ("schemeURI", _catalog("54")),
)
PAYMENT_MEANS: Final = (
    ("listName", "Medio de pago"),
    ("listAgencyName", _SUNAT),
    ("listURI", _catalog("59")),
)


class TaxScheme(NamedTuple):
    """A row of catalog 05: tributo code, its name and its UN/ECE 5153 type."""

    code: str
    name: str
    type_code: str


IGV: Final = TaxScheme("1000", "IGV", "VAT")
IVAP: Final = TaxScheme("1016", "IVAP", "VAT")
ISC: Final = TaxScheme("2000", "ISC", "EXC")
ICBPER: Final = TaxScheme("7152", "ICBPER", "OTH")
EXPORTACION: Final = TaxScheme("9995", "EXP", "FRE")
GRATUITO: Final = TaxScheme("9996", "GRA", "FRE")
EXONERADO: Final = TaxScheme("9997", "EXO", "VAT")
INAFECTO: Final = TaxScheme("9998", "INA", "FRE")
OTROS: Final = TaxScheme("9999", "OTROS", "OTH")

# Catalog 07 (tipo de afectación del IGV) → the tributo a line's IGV subtotal is written under.
SCHEME_BY_AFECTACION: Final[dict[str, TaxScheme]] = {
    "10": IGV,
    **dict.fromkeys(("11", "12", "13", "14", "15", "16"), GRATUITO),
    "17": IVAP,
    "20": EXONERADO,
    "21": GRATUITO,
    "30": INAFECTO,
    **dict.fromkeys(("31", "32", "33", "34", "35", "36", "37"), GRATUITO),
    "40": EXPORTACION,
}

# Catalog 53 codes that are charges (cbc:ChargeIndicator true); every other code is a discount.
CHARGE_CODES: Final = frozenset({"45", "46", "47", "48", "49", "50", "51", "52", "53"})
# Percepción codes: their amounts are always in soles.
PERCEPCION_CODES: Final = frozenset({"51", "52", "53"})
