"""XML namespaces of SUNAT's UBL 2.1 documents and the element names built from them.

Element names are Clark-notation strings (``{uri}local``), the form ``lxml`` takes without any
further parsing. They are made once per name and cached, so ``CBC.ID`` costs an attribute lookup.
"""

from __future__ import annotations

from typing import Final

INVOICE_NS: Final = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS: Final = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
DEBIT_NOTE_NS: Final = "urn:oasis:names:specification:ubl:schema:xsd:DebitNote-2"
CAC_NS: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC_NS: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
EXT_NS: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
DS_NS: Final = "http://www.w3.org/2000/09/xmldsig#"
SAC_NS: Final = "urn:sunat:names:specification:ubl:peru:schema:xsd:SunatAggregateComponents-1"

# The signature the signer places in ext:ExtensionContent carries this Id; the document's
# cac:Signature block points at it (cbc:ID and ExternalReference/URI "#SignatureSP").
SIGNATURE_ID: Final = "SignatureSP"

UBL_VERSION: Final = "2.1"
CUSTOMIZATION_VERSION: Final = "2.0"


class Namespace:
    """Element names of one namespace: ``CBC.ID == "{urn:...CommonBasicComponents-2}ID"``."""

    def __init__(self, uri: str) -> None:
        self.uri = uri

    def __getattr__(self, local: str) -> str:
        if local.startswith("__"):
            raise AttributeError(local)
        name = f"{{{self.uri}}}{local}"
        self.__dict__[local] = name
        return name


CAC: Final = Namespace(CAC_NS)
CBC: Final = Namespace(CBC_NS)
EXT: Final = Namespace(EXT_NS)
DS: Final = Namespace(DS_NS)
SAC: Final = Namespace(SAC_NS)


def nsmap(default: str) -> dict[str | None, str]:
    """Namespace declarations for a document root whose own namespace is ``default``, in C14N's
    order (the default namespace, then by prefix)."""
    return {
        None: default,
        "cac": CAC_NS,
        "cbc": CBC_NS,
        "ds": DS_NS,
        "ext": EXT_NS,
    }
