"""The simulator's reading of what arrives: SUNAT file names, ZIPs, the name against the content
(XPath's comparison semantics), and the native checks when SUNAT's stylesheets are not run."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from yupana.simulator.config import SimulatorSettings
from yupana.simulator.facts import name_mismatch, read_facts, type_mismatch
from yupana.simulator.filenames import parse_stem, parse_xml_name, parse_zip_name
from yupana.simulator.reception import Examiner, Refused, unpack

INVOICE = """<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:ID>F001-00000007</cbc:ID><cbc:IssueDate>2026-11-20</cbc:IssueDate>
 <cbc:InvoiceTypeCode>{tipo}</cbc:InvoiceTypeCode>
 <cac:AccountingSupplierParty><cac:Party><cac:PartyIdentification><cbc:ID>{ruc}</cbc:ID>
 </cac:PartyIdentification></cac:Party></cac:AccountingSupplierParty>
 <cac:AccountingCustomerParty><cac:Party><cac:PartyIdentification>
 <cbc:ID schemeID="6">20601234565</cbc:ID></cac:PartyIdentification></cac:Party></cac:AccountingCustomerParty>
</Invoice>"""


def invoice(ruc: str = "20123456786", tipo: str = "01") -> etree._Element:
    return etree.fromstring(INVOICE.format(ruc=ruc, tipo=tipo).encode())


# -- names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "tipo", "serie", "numero"),
    [
        ("20123456786-01-F001-1.zip", "01", "F001", 1),
        ("20123456786-03-B001-00000123.ZIP", "03", "B001", 123),
        ("20123456786-RC-20261122-12345.zip", "RC", "20261122", 12345),
        ("10123456789-RA-20261122-1.zip", "RA", "20261122", 1),
        ("20123456786-LT-20261122-1.zip", "LT", "20261122", 1),
    ],
)
def test_names_sunat_accepts(name: str, tipo: str, serie: str, numero: int) -> None:
    parsed = parse_zip_name(name)
    assert parsed is not None
    assert (parsed.ruc, parsed.tipo, parsed.serie, parsed.numero) == (name[:11], tipo, serie, numero)


@pytest.mark.parametrize(
    "name",
    [
        "20123456786-01-F001-1.xml",  # not a zip
        "20123456786-01-F001-1",
        "2012345678-01-F001-1.zip",  # RUC of 10 digits
        "20123456786-02-F001-1.zip",  # no such type
        "20123456786-01-F01-1.zip",  # series of 3
        "20123456786-01-F001-123456789.zip",  # 9 digits
        "20123456786-01-F001-0.zip",
        "30123456786-RC-20261122-1.zip",  # a summary's RUC starts with 1 or 2
        "20123456786-RC-20261332-1.zip",  # no such date
        "20123456786-RA-20261122-123456.zip",
        "20123456786-01-F001-1.zip.zip",
        "20123456786-01-f001-1.zip",
    ],
)
def test_names_sunat_refuses(name: str) -> None:
    assert parse_zip_name(name) is None


def test_xml_names_and_stems() -> None:
    assert parse_xml_name("20123456786-01-F001-1.XML") == parse_stem("20123456786-01-F001-1")
    assert parse_xml_name("20123456786-01-F001-1.zip") is None
    assert parse_stem("20123456786-01-F001-0007").correlativo == "0007"


# -- ZIPs -----------------------------------------------------------------------------------------


def make_zip(*files: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


NAME = parse_stem("20123456786-01-F001-7")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "0155"),
        (b"no zip", "0156"),
        (make_zip(("dummy/", b"")), "0157"),
        (make_zip(("20123456786-01-F001-7.xml", b"<a/>"), ("otro.xml", b"<a/>")), "0158"),
        (make_zip(("carpeta/20123456786-01-F001-7.xml", b"<a/>")), "0159"),
        (make_zip(("20123456786-01-F001-8.xml", b"<a/>")), "0161"),
        (make_zip(("20123456786-01-F001-7.xml", b"\n ")), "0160"),
    ],
)
def test_zip_refusals(data: bytes, code: str) -> None:
    with pytest.raises(Refused) as refused:
        unpack(data, NAME)
    assert refused.value.code == code


def test_a_zip_with_sunats_dummy_folder_is_fine() -> None:
    (entry,) = unpack(make_zip(("dummy/", b""), ("20123456786-01-F001-7.XML", b"<a/>")), NAME)
    assert entry.name == "20123456786-01-F001-7.XML"


# -- name against content -------------------------------------------------------------------------


def test_matching_document() -> None:
    assert name_mismatch(invoice(), parse_stem("20123456786-01-F001-00000007")) is None


@pytest.mark.parametrize(
    ("stem", "code"),
    [
        ("20100070970-01-F001-00000007", "1034"),
        ("20123456786-01-F002-00000007", "1035"),
        ("20123456786-01-F001-7", "1036"),  # compared as text, as the stylesheet does
        ("20123456786-03-F001-00000007", "1003"),
        ("20123456786-07-F001-00000007", "1003"),  # an Invoice is not a credit note
    ],
)
def test_mismatches(stem: str, code: str) -> None:
    found = name_mismatch(invoice(), parse_stem(stem))
    assert found is not None and found.code == code


def test_comparisons_are_untrimmed_like_xpath() -> None:
    name = parse_stem("20123456786-01-F001-00000007")
    assert name_mismatch(invoice(ruc="20123456786\n   "), name).code == "1034"
    assert name_mismatch(invoice(tipo="01\n"), name).code == "1003"
    assert type_mismatch(invoice(tipo="01\n"), name, exact=False) is None
    assert type_mismatch(invoice(tipo="03"), name, exact=False).code == "1003"


def test_missing_supplier_compares_false_like_xpath() -> None:
    root = invoice()
    supplier = root.find("{*}AccountingSupplierParty")
    root.remove(supplier)
    assert name_mismatch(root, parse_stem("20100070970-01-F001-00000007")) is None


def test_summary_names() -> None:
    voided = etree.fromstring(
        b"""<VoidedDocuments xmlns="urn:sunat:names:specification:ubl:peru:schema:xsd:VoidedDocuments-1"
        xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
        xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
        xmlns:sac="urn:sunat:names:specification:ubl:peru:schema:xsd:SunatAggregateComponents-1">
        <cbc:ID>RA-20261122-1</cbc:ID><cbc:IssueDate>2026-11-22</cbc:IssueDate>
        <cac:AccountingSupplierParty><cbc:CustomerAssignedAccountID>20123456786</cbc:CustomerAssignedAccountID>
        </cac:AccountingSupplierParty>
        <sac:VoidedDocumentsLine><cbc:DocumentTypeCode>01</cbc:DocumentTypeCode>
        <sac:DocumentSerialID>F001</sac:DocumentSerialID><sac:DocumentNumberID>7</sac:DocumentNumberID>
        </sac:VoidedDocumentsLine></VoidedDocuments>"""
    )
    assert name_mismatch(voided, parse_stem("20123456786-RA-20261122-1")) is None
    assert name_mismatch(voided, parse_stem("20123456786-RA-20261122-2")).code == "2220"
    assert name_mismatch(voided, parse_stem("20100070970-RA-20261122-1")).code == "2221"
    facts = read_facts(voided)
    assert facts.identifier == "RA-20261122-1"
    assert [(r.tipo, r.serie, r.numero) for r in facts.references] == [("01", "F001", 7)]


def test_facts_for_the_cdr() -> None:
    facts = read_facts(invoice())
    assert (facts.identifier, facts.issue_date, facts.recipient) == (
        "F001-00000007",
        "2026-11-20",
        "6-20601234565",
    )


# -- the native checks ----------------------------------------------------------------------------


def test_examiner_without_stylesheets(tmp_path: Path, test_signer) -> None:
    from yupana.ubl.namespaces import SIGNATURE_ID

    settings = SimulatorSettings(data_dir=tmp_path, skip_checks=frozenset({"xsd"}))
    examiner = Examiner(settings)
    name = parse_stem("20123456786-01-F001-00000007")
    unsigned = etree.tostring(invoice())
    assert examiner.examine("x.xml", unsigned, name, settings).verdict.code == "2085"
    root = invoice()
    ext = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
    slot = etree.SubElement(etree.SubElement(etree.Element(f"{{{ext}}}UBLExtensions"), f"{{{ext}}}UBLExtension"),
                            f"{{{ext}}}ExtensionContent")  # fmt: skip
    root.insert(0, slot.getparent().getparent())
    test_signer.sign(root, SIGNATURE_ID)
    signed = etree.tostring(root)
    assert examiner.examine("x.xml", signed, name, settings).verdict.code == "0"
    altered = signed.replace(b"2026-11-20", b"2026-11-21")
    assert examiner.examine("x.xml", altered, name, settings).verdict.code == "2335"
    foreign = parse_stem("20100070970-01-F001-00000007")
    assert examiner.examine("x.xml", signed, foreign, settings).verdict.code == "1034"
    assert examiner.examine("x.xml", b"<a><b></a>", name, settings).verdict.code == "0306"
    doctype = b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'
    assert examiner.examine("x.xml", doctype, name, settings).verdict.code == "0306"
    with_xsd = SimulatorSettings(data_dir=tmp_path)
    assert examiner.examine("x.xml", signed, name, with_xsd).verdict.code == "0306"
