"""The UBL 2.0 SummaryDocuments writer: element order, what is written and what is left out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from yupana.domain.party import Company, Customer
from yupana.domain.problems import InvalidDocument
from yupana.domain.summary import DailySummary, SummaryLine, SummaryPercepcion, SummaryReference
from yupana.ubl.namespaces import SIGNATURE_ID
from yupana.ubl.summary import build_summary

ISSUER = Company("20123456786", "EMPRESA & HIJOS S.A.C.")
D = Decimal
NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "sac": "urn:sunat:names:specification:ubl:peru:schema:xsd:SunatAggregateComponents-1",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
}


def local(element: etree._Element) -> str:
    return etree.QName(element).localname


def complete(**fields: object) -> SummaryLine:
    values: dict[str, object] = {"gravadas": D("100"), "igv": D("18"), "importe_total": D("118")}
    values.update(fields)
    return SummaryLine("03", "B001", 1, **values)  # type: ignore[arg-type]


def build(*lines: SummaryLine) -> etree._Element:
    return build_summary(DailySummary(3, date(2026, 11, 22), date(2026, 11, 21), ISSUER, list(lines)))


def test_header() -> None:
    root = build(complete())
    assert (
        etree.QName(root).text
        == "{urn:sunat:names:specification:ubl:peru:schema:xsd:SummaryDocuments-1}SummaryDocuments"
    )
    assert [local(child) for child in root] == [
        "UBLExtensions",
        "UBLVersionID",
        "CustomizationID",
        "ID",
        "ReferenceDate",
        "IssueDate",
        "Signature",
        "AccountingSupplierParty",
        "SummaryDocumentsLine",
    ]
    assert len(root.find("ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent", NS)) == 0
    assert [
        root.findtext(f"cbc:{tag}", namespaces=NS) for tag in ("UBLVersionID", "CustomizationID", "ID")
    ] == [
        "2.0",
        "1.1",
        "RC-20261122-3",
    ]
    assert root.findtext("cbc:ReferenceDate", namespaces=NS) == "2026-11-21"
    assert root.findtext("cbc:IssueDate", namespaces=NS) == "2026-11-22"
    assert root.findtext("cac:Signature/cbc:ID", namespaces=NS) == SIGNATURE_ID
    uri = "cac:Signature/cac:DigitalSignatureAttachment/cac:ExternalReference/cbc:URI"
    assert root.findtext(uri, namespaces=NS) == "#" + SIGNATURE_ID
    supplier = root.find("cac:AccountingSupplierParty", NS)
    assert [local(child) for child in supplier] == [
        "CustomerAssignedAccountID",
        "AdditionalAccountID",
        "Party",
    ]
    assert supplier.findtext("cbc:AdditionalAccountID", namespaces=NS) == "6"
    name = supplier.findtext("cac:Party/cac:PartyLegalEntity/cbc:RegistrationName", namespaces=NS)
    assert name == "EMPRESA & HIJOS S.A.C."


def test_a_full_line_in_schema_order() -> None:
    line = SummaryLine(
        "07",
        "BC01",
        4,
        customer=Customer("1", "45678912", "JUAN"),
        referencia=SummaryReference("03", "B001-1"),
        percepcion=SummaryPercepcion("01", D("2"), D("10"), D("0.2"), D("10.2")),
        gravadas=D("1"),
        exoneradas=D("2"),
        inafectas=D("3"),
        exportacion=D("4"),
        gratuitas=D("5"),
        otros_cargos=D("6"),
        igv=D("7"),
        ivap=D("8"),
        isc=D("9"),
        otros_tributos=D("10"),
        icbper=D("11"),
        importe_total=D("12"),
    )
    element = build(line).find("sac:SummaryDocumentsLine", NS)
    assert [local(child) for child in element] == [
        "LineID",
        "DocumentTypeCode",
        "ID",
        "AccountingCustomerParty",
        "BillingReference",
        "SUNATPerceptionSummaryDocumentReference",
        "Status",
        "TotalAmount",
        *["BillingPayment"] * 5,
        "AllowanceCharge",
        *["TaxTotal"] * 5,
    ]
    assert [
        p.findtext("cbc:InstructionID", namespaces=NS) for p in element.findall("sac:BillingPayment", NS)
    ] == [
        "01",
        "02",
        "03",
        "04",
        "05",
    ]
    schemes = [
        t.findtext("cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:ID", namespaces=NS)
        for t in element.findall("cac:TaxTotal", NS)
    ]
    assert schemes == ["1000", "1016", "2000", "9999", "7152"]
    names = [
        (
            t.findtext("cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:Name", namespaces=NS),
            t.findtext("cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode", namespaces=NS),
        )
        for t in element.findall("cac:TaxTotal", NS)
    ]
    assert names == [("IGV", "VAT"), ("IVAP", "VAT"), ("ISC", "EXC"), ("OTROS", "OTH"), ("ICBPER", "OTH")]
    perception = element.find("sac:SUNATPerceptionSummaryDocumentReference", NS)
    assert [(local(c), c.text, c.get("currencyID")) for c in perception] == [
        ("SUNATPerceptionSystemCode", "01", None),
        ("SUNATPerceptionPercent", "2.00", None),
        ("TotalInvoiceAmount", "0.20", "PEN"),
        ("SUNATTotalCashed", "10.20", "PEN"),
        ("TaxableAmount", "10.00", "PEN"),
    ]
    assert element.findtext("cac:AllowanceCharge/cbc:ChargeIndicator", namespaces=NS) == "true"
    reference = element.find("cac:BillingReference/cac:InvoiceDocumentReference", NS)
    assert [local(c) for c in reference] == ["ID", "DocumentTypeCode"]


def test_only_what_carries_data() -> None:
    element = build(
        complete(
            gravadas=D("0"),
            exoneradas=D("50"),
            igv=D("0"),
            importe_total=D("50"),
            isc=D("0"),
            otros_cargos=D("0"),
        )
    ).find("sac:SummaryDocumentsLine", NS)
    assert [local(child) for child in element] == [
        "LineID",
        "DocumentTypeCode",
        "ID",
        "Status",
        "TotalAmount",
        "BillingPayment",
        "TaxTotal",
    ]
    # the IGV tax total stays, with 0.00 (SUNAT 2278)
    assert element.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS) == "0.00"


def test_line_numbers_and_currency() -> None:
    root = build(complete(), complete(moneda="USD"))
    lines = root.findall("sac:SummaryDocumentsLine", NS)
    assert [line.findtext("cbc:LineID", namespaces=NS) for line in lines] == ["1", "2"]
    assert {e.get("currencyID") for e in lines[1].iter() if e.get("currencyID")} == {"USD"}


def test_incomplete_amounts_are_refused() -> None:
    with pytest.raises(InvalidDocument) as caught:
        build(complete(importe_total=None))
    assert caught.value.errors[0].path == "lines[0].importe_total"
    with pytest.raises(InvalidDocument) as caught:
        build(complete(), complete(igv=None))
    assert caught.value.errors[0].path == "lines[1].igv"


def test_lines_from_templates_equal_lines_written_element_by_element() -> None:
    from itertools import product

    from yupana.ubl import summary as writer

    shapes = product(
        (None, Customer("6", "20100070970", "")),
        (None, SummaryReference("03", "B001-1")),
        (None, SummaryPercepcion("02", D("1"), D("50"), D("0.5"), D("50.5"))),
        (None, D("3.25")),
        (None, D("0.40")),
        ("PEN", "EUR"),
    )
    lines = [
        complete(customer=c, referencia=r, percepcion=p, otros_cargos=o, icbper=i, moneda=m, inafectas=D("7"))
        for c, r, p, o, i, m in shapes
    ]
    for repeat in range(2):  # the second pass writes every shape from its template
        for number, line in enumerate(lines, start=1):
            fast = writer.write_line(writer._holder(), number, line, "x")
            slow = writer._write(writer._holder(), number, line, "x")
            assert etree.tostring(fast) == etree.tostring(slow), (repeat, number)
