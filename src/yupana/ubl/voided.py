"""The comunicación de baja (RA) and the resumen de reversiones (RR) as SUNAT's UBL 2.0
``VoidedDocuments`` (customization 1.0), in the order of SUNAT's XSD
(``UBLPE-VoidedDocuments-1.0.xsd``)::

    ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent   (empty: the signer fills it)
    cbc:UBLVersionID 2.0, cbc:CustomizationID 1.0
    cbc:ID RA-AAAAMMDD-N, cbc:ReferenceDate, cbc:IssueDate
    cac:Signature                                             (points at #SignatureSP)
    cac:AccountingSupplierParty                               (UBL 2.0 form, see account_supplier)
    sac:VoidedDocumentsLine+  cbc:LineID, cbc:DocumentTypeCode, sac:DocumentSerialID,
                              sac:DocumentNumberID, sac:VoidReasonDescription

An RA and an RR differ only in the prefix of ``cbc:ID`` and the types of their lines.
"""

from __future__ import annotations

from typing import Final

from lxml import etree

from yupana.domain.problems import InvalidDocument
from yupana.domain.voided import VOIDED_TYPES, VoidedDocument
from yupana.ubl import formats, party
from yupana.ubl.account_supplier import account_supplier
from yupana.ubl.namespaces import CAC_NS, CBC, CBC_NS, DS_NS, EXT, EXT_NS, SAC, SAC_NS
from yupana.ubl.nodes import Element, code, sub, text

VOIDED_NS: Final = "urn:sunat:names:specification:ubl:peru:schema:xsd:VoidedDocuments-1"
ROOT: Final = f"{{{VOIDED_NS}}}VoidedDocuments"
NSMAP: Final[dict[str | None, str]] = {
    None: VOIDED_NS,
    "cac": CAC_NS,
    "cbc": CBC_NS,
    "ds": DS_NS,
    "ext": EXT_NS,
    "sac": SAC_NS,
}
UBL_VERSION: Final = "2.0"
CUSTOMIZATION: Final = "1.0"


def build_voided(doc: VoidedDocument) -> Element:
    """The UBL tree of an RA or RR, ready for the signer.

    Raises :class:`~yupana.domain.problems.InvalidDocument` when the document is neither an RA
    nor an RR, has no line, or a line has no motivo (SUNAT's XSD and rules need all three).
    """
    if doc.tipo_documento not in VOIDED_TYPES:
        raise InvalidDocument.single(
            f"tipo_documento {doc.tipo_documento!r} is not RA or RR", "tipo_documento"
        )
    if not doc.lines:
        raise InvalidDocument.single("a communication needs at least one document to void", "lines")
    root = etree.Element(ROOT, nsmap=NSMAP)
    sub(sub(sub(root, EXT.UBLExtensions), EXT.UBLExtension), EXT.ExtensionContent)
    code(root, CBC.UBLVersionID, UBL_VERSION)
    code(root, CBC.CustomizationID, CUSTOMIZATION)
    code(root, CBC.ID, doc.identificador)
    code(root, CBC.ReferenceDate, formats.day(doc.fecha_referencia))
    code(root, CBC.IssueDate, formats.day(doc.fecha_generacion))
    party.signature(root, doc.issuer)
    account_supplier(root, doc.issuer)
    for index, line in enumerate(doc.lines):
        if line.motivo is None or not line.motivo.strip():
            raise InvalidDocument.single(
                "every document voided needs its motivo", f"lines[{index}].motivo", "2315"
            )
        element = sub(root, SAC.VoidedDocumentsLine)
        code(element, CBC.LineID, str(index + 1))
        code(element, CBC.DocumentTypeCode, line.tipo_documento)
        code(element, SAC.DocumentSerialID, line.serie)
        code(element, SAC.DocumentNumberID, str(line.correlativo))
        text(element, SAC.VoidReasonDescription, line.motivo)
    return root
