"""The UBL 2.0 VoidedDocuments writer: element order, values, and what it refuses."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from yupana.domain.party import Company
from yupana.domain.problems import InvalidDocument
from yupana.domain.voided import VoidedDocument, VoidedLine
from yupana.ubl.voided import VOIDED_NS, build_voided

ISSUER = Company("20123456786", "EMPRESA DE PRUEBAS S.A.C.")
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
SAC = "urn:sunat:names:specification:ubl:peru:schema:xsd:SunatAggregateComponents-1"
EXT = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"


def local(element: etree._Element) -> str:
    name = etree.QName(element)
    prefix = {CBC: "cbc", CAC: "cac", SAC: "sac", EXT: "ext", VOIDED_NS: ""}[name.namespace or ""]
    return f"{prefix}:{name.localname}" if prefix else name.localname


def voided(*lines: VoidedLine) -> VoidedDocument:
    return VoidedDocument("RA", 3, date(2026, 11, 22), date(2026, 11, 20), ISSUER, list(lines))


def test_element_order_follows_sunat_xsd() -> None:
    root = build_voided(
        voided(VoidedLine("01", "F001", 1, "MOTIVO UNO"), VoidedLine("07", "FC01", 2, "MOTIVO DOS"))
    )
    assert local(root) == "VoidedDocuments"
    assert [local(child) for child in root] == [
        "ext:UBLExtensions",
        "cbc:UBLVersionID",
        "cbc:CustomizationID",
        "cbc:ID",
        "cbc:ReferenceDate",
        "cbc:IssueDate",
        "cac:Signature",
        "cac:AccountingSupplierParty",
        "sac:VoidedDocumentsLine",
        "sac:VoidedDocumentsLine",
    ]
    supplier = root.find(f"{{{CAC}}}AccountingSupplierParty")
    assert [local(child) for child in supplier] == [
        "cbc:CustomerAssignedAccountID",
        "cbc:AdditionalAccountID",
        "cac:Party",
    ]
    line = root.findall(f"{{{SAC}}}VoidedDocumentsLine")[1]
    assert [(local(child), child.text) for child in line] == [
        ("cbc:LineID", "2"),
        ("cbc:DocumentTypeCode", "07"),
        ("sac:DocumentSerialID", "FC01"),
        ("sac:DocumentNumberID", "2"),
        ("sac:VoidReasonDescription", "MOTIVO DOS"),
    ]


def test_header_values_and_empty_signature_slot() -> None:
    root = build_voided(voided(VoidedLine("01", "F001", 1, "MOTIVO")))
    values = {local(child): child.text for child in root if child.text}
    assert values == {
        "cbc:UBLVersionID": "2.0",
        "cbc:CustomizationID": "1.0",
        "cbc:ID": "RA-20261122-3",
        "cbc:ReferenceDate": "2026-11-20",
        "cbc:IssueDate": "2026-11-22",
    }
    content = root.find(f"{{{EXT}}}UBLExtensions/{{{EXT}}}UBLExtension/{{{EXT}}}ExtensionContent")
    assert content is not None and len(content) == 0


def test_motivo_is_written_as_clean_text() -> None:
    root = build_voided(voided(VoidedLine("01", "F001", 1, "  ERROR <EN> & \x01RUC  ")))
    assert root.findtext(f"{{{SAC}}}VoidedDocumentsLine/{{{SAC}}}VoidReasonDescription") == "ERROR <EN> & RUC"


def test_refuses_what_it_cannot_write() -> None:
    with pytest.raises(InvalidDocument) as caught:
        build_voided(voided())
    assert caught.value.errors[0].path == "lines"
    with pytest.raises(InvalidDocument) as caught:
        build_voided(VoidedDocument("RC", 1, date(2026, 11, 22), date(2026, 11, 20), ISSUER, []))
    assert caught.value.errors[0].path == "tipo_documento"
    with pytest.raises(InvalidDocument) as caught:
        build_voided(voided(VoidedLine("01", "F001", 1, None)))
    assert (caught.value.errors[0].code, caught.value.errors[0].path) == ("2315", "lines[0].motivo")
