"""Resumen diario de boletas (RC) end to end: body or stored documents → SUNAT arithmetic →
native rules → UBL 2.0 SummaryDocuments → signature (checked with python-xmlsec) → SUNAT's XSD
→ SUNAT's SFS stylesheet ValidaExprRegSummary-1.1.0, then the amounts read back from the signed
XML. Bad inputs stop before building, with SUNAT's code and the field's path.

Every expected amount was computed by hand from the case's body (the working is in the
comments): IGV 18 %, ROUND_HALF_UP to 2 decimals. Dates are relative to today's Lima date, so
the deadline rules hold on any day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from lxml import etree

from corpus import load_fixture, today_lima
from paths import FIXTURES, SFS_RULES
from signature_check import assert_xmlsec_verifies
from yupana.calc import process
from yupana.calc.summary import process_summary
from yupana.dialects.greenter.summary import parse_summary as parse_greenter
from yupana.dialects.greenter.summary import translate_path as greenter_path
from yupana.dialects.native.summary import parse_summary as parse_native
from yupana.domain.party import Company, Customer
from yupana.domain.problems import InvalidDocument, Problem, Problems
from yupana.domain.sale import NoteReference, Percepcion, SaleDocument, SaleLine
from yupana.domain.summary import DailySummary
from yupana.domain.summary_from_sales import summary_from_sales
from yupana.signing.xmldsig import Signer
from yupana.ubl.namespaces import SIGNATURE_ID
from yupana.ubl.serialization import serialize
from yupana.ubl.summary import build_summary
from yupana.validation.sfs import SfsValidator
from yupana.validation.summary import validate_summary
from yupana.validation.xsd import validate_xsd

TODAY = today_lima()
ISSUER = Company("20123456786", "EMPRESA DE PRUEBAS S.A.C.")
GREENTER_JSON = FIXTURES / "greenter-lycet" / "greenter-demo-json"
GREENTER_XML = FIXTURES / "greenter-lycet" / "greenter-demo-xml"
NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "sac": "urn:sunat:names:specification:ubl:peru:schema:xsd:SunatAggregateComponents-1",
}
DNI = {"tipo_documento": "1", "numero_documento": "45678912"}


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture(scope="module")
def sfs() -> SfsValidator:
    return SfsValidator(SFS_RULES)


@dataclass(frozen=True)
class LineXml:
    """What a signed summary line says, read back from the XML."""

    number: str
    tipo: str
    estado: str
    currency: str
    total: str
    payments: dict[str, str]
    charges: str | None
    taxes: dict[str, str]
    customer: tuple[str, str] | None
    reference: tuple[str, str] | None
    percepcion: tuple[str, ...] | None


def read_line(line: etree._Element) -> LineXml:
    total = line.find("sac:TotalAmount", NS)
    assert total is not None
    customer = line.find("cac:AccountingCustomerParty", NS)
    reference = line.find("cac:BillingReference/cac:InvoiceDocumentReference", NS)
    perception = line.find("sac:SUNATPerceptionSummaryDocumentReference", NS)
    taxes: dict[str, str] = {}
    for block in line.findall("cac:TaxTotal", NS):
        scheme = block.findtext("cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:ID", namespaces=NS) or ""
        amount = block.findtext("cbc:TaxAmount", namespaces=NS) or ""
        assert block.findtext("cac:TaxSubtotal/cbc:TaxAmount", namespaces=NS) == amount
        taxes[scheme] = amount
    return LineXml(
        number=line.findtext("cbc:ID", namespaces=NS) or "",
        tipo=line.findtext("cbc:DocumentTypeCode", namespaces=NS) or "",
        estado=line.findtext("cac:Status/cbc:ConditionCode", namespaces=NS) or "",
        currency=total.get("currencyID") or "",
        total=total.text or "",
        payments={
            p.findtext("cbc:InstructionID", namespaces=NS) or "": p.findtext("cbc:PaidAmount", namespaces=NS)
            or ""
            for p in line.findall("sac:BillingPayment", NS)
        },
        charges=line.findtext("cac:AllowanceCharge/cbc:Amount", namespaces=NS),
        taxes=taxes,
        customer=None
        if customer is None
        else (
            customer.findtext("cbc:AdditionalAccountID", namespaces=NS) or "",
            customer.findtext("cbc:CustomerAssignedAccountID", namespaces=NS) or "",
        ),
        reference=None
        if reference is None
        else (
            reference.findtext("cbc:DocumentTypeCode", namespaces=NS) or "",
            reference.findtext("cbc:ID", namespaces=NS) or "",
        ),
        percepcion=None if perception is None else tuple(child.text or "" for child in perception),
    )


@dataclass
class Issued:
    doc: DailySummary
    xml: bytes
    root: etree._Element
    warnings: list[Problem]
    sfs_warnings: list[Problem]

    def text(self, path: str) -> str:
        return self.root.findtext(path, namespaces=NS) or ""

    def lines(self) -> list[LineXml]:
        return [read_line(line) for line in self.root.findall("sac:SummaryDocumentsLine", NS)]


def issue(doc: DailySummary, signer: Signer, sfs: SfsValidator) -> Issued:
    """Arithmetic, native rules, UBL, signature, xmlsec, XSD and SFS: every step must pass."""
    problems = Problems()
    problems.extend(process_summary(doc))
    problems.extend(validate_summary(doc, today=TODAY))
    problems.raise_if_errors()
    root = build_summary(doc)
    signer.sign(root, SIGNATURE_ID)
    xml = serialize(root)
    assert_xmlsec_verifies(xml)
    assert validate_xsd(xml).items == []
    verdict = sfs.validate(xml, f"{doc.file_stem}.xml")
    assert verdict.errors == [], verdict.errors
    return Issued(doc, xml, etree.fromstring(xml), problems.warnings, verdict.warnings)


def native(*lines: dict[str, object], **fields: object) -> DailySummary:
    body: dict[str, object] = {
        "correlativo": 1,
        "fecha_generacion": day(0),
        "fecha_referencia": day(-1),
        "lines": list(lines),
        **fields,
    }
    return parse_native(body, ISSUER)


def boleta(correlativo: int, **fields: object) -> dict[str, object]:
    return {"tipo_documento": "03", "serie": "B001", "correlativo": correlativo, **fields}


def rejected(doc: DailySummary) -> list[tuple[str | None, str]]:
    """(code, path) of every error SUNAT's arithmetic and the native rules find."""
    problems = Problems()
    problems.extend(process_summary(doc))
    problems.extend(validate_summary(doc, today=TODAY))
    with pytest.raises(InvalidDocument) as caught:
        problems.raise_if_errors()
    for problem in caught.value.errors:
        assert problem.message.strip()
    return [(p.code, p.path) for p in caught.value.errors]


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------


def test_boletas_in_soles(test_signer: Signer, sfs: SfsValidator) -> None:
    issued = issue(
        native(
            boleta(101, gravadas="100.00"),
            boleta(102, customer=DNI, importe_total="826.00"),
            boleta(103, gravadas="6.10", exoneradas="45.00", icbper="1.00"),
            boleta(104, inafectas="30.00", gratuitas="12.50", otros_cargos="2.00"),
        ),
        test_signer,
        sfs,
    )
    assert issued.text("cbc:ID") == f"RC-{TODAY:%Y%m%d}-1"
    assert issued.text("cbc:ReferenceDate") == day(-1)
    assert issued.text("cbc:IssueDate") == day(0)
    assert issued.doc.file_stem == f"20123456786-RC-{TODAY:%Y%m%d}-1"
    first, second, third, fourth = issued.lines()
    # 100.00 gravada: IGV 18.00, total 118.00
    assert (first.number, first.tipo, first.estado, first.currency) == ("B001-101", "03", "1", "PEN")
    assert (first.total, first.payments, first.taxes) == ("118.00", {"01": "100.00"}, {"1000": "18.00"})
    assert first.customer is None
    # total 826.00 only: 826 / 1.18 = 700.00 gravada, IGV 126.00
    assert (second.total, second.payments, second.taxes) == ("826.00", {"01": "700.00"}, {"1000": "126.00"})
    assert second.customer == ("1", "45678912")
    # 6.10 × 18 % = 1.098 → 1.10; 6.10 + 45.00 + 1.10 + 1.00 = 53.20
    assert third.payments == {"01": "6.10", "02": "45.00"}
    assert (third.total, third.taxes) == ("53.20", {"1000": "1.10", "7152": "1.00"})
    # free transfers are not charged: 30.00 + 2.00 = 32.00, IGV 0.00 written (SUNAT 2278)
    assert fourth.payments == {"03": "30.00", "05": "12.50"}
    assert (fourth.total, fourth.charges, fourth.taxes) == ("32.00", "2.00", {"1000": "0.00"})
    assert issued.warnings == [] and issued.sfs_warnings == []


def test_lines_in_dollars(test_signer: Signer, sfs: SfsValidator) -> None:
    issued = issue(
        native(
            {**boleta(15, gravadas="250.00", igv="45.00", importe_total="295.00"), "serie": "B002"},
            boleta(104, moneda="PEN", inafectas="80.00"),
            boleta(105, gravadas="19.99", isc="2.00"),
            moneda="USD",
        ),
        test_signer,
        sfs,
    )
    dollars, soles, isc = issued.lines()
    assert (dollars.currency, dollars.total, dollars.taxes) == ("USD", "295.00", {"1000": "45.00"})
    assert (soles.currency, soles.total, soles.payments) == ("PEN", "80.00", {"03": "80.00"})
    # (19.99 + 2.00) × 18 % = 3.9582 → 3.96; 19.99 + 2.00 + 3.96 = 25.95
    assert (isc.currency, isc.total, isc.taxes) == ("USD", "25.95", {"1000": "3.96", "2000": "2.00"})
    for line in issued.root.findall("sac:SummaryDocumentsLine", NS):
        currencies = {e.get("currencyID") for e in line.iter() if e.get("currencyID")}
        assert len(currencies) == 1  # SUNAT 2071: one currency per line


def test_boleta_and_its_nota_de_credito(test_signer: Signer, sfs: SfsValidator) -> None:
    issued = issue(
        native(
            boleta(120, customer=DNI, gravadas="500.00"),
            {
                "tipo_documento": "07",
                "serie": "BC01",
                "correlativo": 7,
                "customer": DNI,
                "referencia": {"tipo_documento": "03", "numero": "B001-120"},
                "gravadas": "100.00",
            },
            {
                "tipo_documento": "08",
                "serie": "BD01",
                "correlativo": 2,
                "referencia": {"tipo_documento": "03", "numero": "B001-120"},
                "gravadas": "10.00",
            },
        ),
        test_signer,
        sfs,
    )
    boleta_line, credit, debit = issued.lines()
    assert (boleta_line.total, boleta_line.reference) == ("590.00", None)
    # 100.00 + 18.00
    assert (credit.tipo, credit.number, credit.total) == ("07", "BC01-7", "118.00")
    assert credit.reference == ("03", "B001-120")
    # 10.00 + 1.80
    assert (debit.tipo, debit.total, debit.reference) == ("08", "11.80", ("03", "B001-120"))


def test_voids_and_modifications(test_signer: Signer, sfs: SfsValidator) -> None:
    issued = issue(
        native(
            boleta(101, estado="3", gravadas="100.00", igv="18.00", importe_total="118.00"),
            boleta(102, estado="2", customer=DNI, gravadas="700.00", igv="126.00", importe_total="826.00"),
            boleta(103, estado="1", gravadas="10.00"),
            boleta(103, estado="3", gravadas="10.00"),
            fecha_referencia=day(-7),
        ),
        test_signer,
        sfs,
    )
    assert [(line.number, line.estado, line.total) for line in issued.lines()] == [
        ("B001-101", "3", "118.00"),
        ("B001-102", "2", "826.00"),
        ("B001-103", "1", "11.80"),
        ("B001-103", "3", "11.80"),
    ]
    assert issued.warnings == []


def test_percepcion_on_a_boleta(test_signer: Signer, sfs: SfsValidator) -> None:
    issued = issue(
        native(
            boleta(1, customer=DNI, gravadas="1000.00", percepcion={"regimen": "01"}),
            boleta(2, customer=DNI, gravadas="200.00", percepcion={"regimen": "02", "base": "236.00"}),
        ),
        test_signer,
        sfs,
    )
    venta_interna, combustible = issued.lines()
    # 1000 + 180 = 1180.00; 2 % of 1180.00 = 23.60; collected 1203.60
    assert venta_interna.total == "1180.00"
    assert venta_interna.percepcion == ("01", "2.00", "23.60", "1203.60", "1180.00")
    # 200 + 36 = 236.00; 1 % = 2.36; collected 238.36
    assert combustible.percepcion == ("02", "1.00", "2.36", "238.36", "236.00")
    perception = issued.root.find("sac:SummaryDocumentsLine/sac:SUNATPerceptionSummaryDocumentReference", NS)
    assert perception is not None
    assert {e.get("currencyID") for e in perception if e.get("currencyID")} == {"PEN"}


def test_contingency_boleta(test_signer: Signer, sfs: SfsValidator) -> None:
    issued = issue(
        native(
            {"tipo_documento": "03", "serie": "0001", "correlativo": 25, "estado": "3", "gravadas": "50.00"}
        ),
        test_signer,
        sfs,
    )
    assert issued.lines()[0].number == "0001-25"


def test_five_hundred_lines_is_the_limit(test_signer: Signer, sfs: SfsValidator) -> None:
    lines = [boleta(n, gravadas=f"{n}.00") for n in range(1, 501)]
    issued = issue(native(*lines), test_signer, sfs)
    assert len(issued.lines()) == 500
    assert issued.lines()[-1].total == "590.00"  # 500 + 90
    too_many = native(*lines, boleta(501, gravadas="1.00"))
    assert rejected(too_many) == [("0158", "lines")]


def test_summary_from_stored_documents(test_signer: Signer, sfs: SfsValidator) -> None:
    customer = Customer("1", "45678912", "JUAN PEREZ")
    issued_on = TODAY - timedelta(days=1)
    sale = SaleDocument(
        "03",
        "B001",
        40,
        issued_on,
        ISSUER,
        customer,
        [
            SaleLine("PRODUCTO", Decimal("2"), valor_unitario=Decimal("50")),
            SaleLine("LIBRO", Decimal("1"), tipo_afectacion_igv="20", valor_unitario=Decimal("30")),
        ],
    )
    note = SaleDocument(
        "07",
        "BC01",
        3,
        issued_on,
        ISSUER,
        customer,
        [SaleLine("PRODUCTO", Decimal("1"), valor_unitario=Decimal("50"))],
        note=NoteReference("07", "DEVOLUCION", "03", "B001-40"),
    )
    perceived = SaleDocument(
        "03",
        "B001",
        41,
        issued_on,
        ISSUER,
        customer,
        [SaleLine("CEMENTO", Decimal("10"), valor_unitario=Decimal("100"))],
        tipo_operacion="2001",
        percepcion=Percepcion("51", Decimal("0.02")),
    )
    for document in (sale, note, perceived):
        assert not process(document).errors
    doc = summary_from_sales(
        [(sale, "1"), (note, "1"), (perceived, "1")], correlativo=7, fecha_generacion=TODAY
    )
    issued = issue(doc, test_signer, sfs)
    assert issued.text("cbc:ID") == f"RC-{TODAY:%Y%m%d}-7"
    assert issued.text("cbc:ReferenceDate") == issued_on.isoformat()
    first, second, third = issued.lines()
    # 2 × 50 = 100.00 gravada, IGV 18.00; 30.00 exonerada; 148.00
    assert (first.total, first.payments, first.taxes) == (
        "148.00",
        {"01": "100.00", "02": "30.00"},
        {"1000": "18.00"},
    )
    assert first.customer == ("1", "45678912")
    assert (second.tipo, second.total, second.reference) == ("07", "59.00", ("03", "B001-40"))
    # 1000.00 + 180.00 = 1180.00; percepción 2 % = 23.60
    assert third.percepcion == ("01", "2.00", "23.60", "1203.60", "1180.00")


# --------------------------------------------------------------------------------------------
# Greenter / Lycet corpus
# --------------------------------------------------------------------------------------------

GREENTER_CASES = ("resumen", "resumen-usd", "resumen-contingencia")


@pytest.mark.parametrize("name", GREENTER_CASES)
def test_greenter_summary(name: str, test_signer: Signer, sfs: SfsValidator) -> None:
    body = load_fixture(GREENTER_JSON / f"{name}.json", "fecResumen")
    assert isinstance(body, dict)
    issued = issue(parse_greenter(body, None), test_signer, sfs)
    assert issued.warnings == []
    greenter = etree.parse(str(GREENTER_XML / f"{name}.signed.xml")).getroot()
    theirs = [read_line(line) for line in greenter.findall("sac:SummaryDocumentsLine", NS)]
    # The same lines and amounts as Greenter's own XML. Greenter's ID keeps the correlativo's
    # zeros (RC-…-001), Yupana writes the number (RC-…-1).
    assert issued.lines() == theirs
    correlativo = int(str(body["correlativo"]))
    assert issued.text("cbc:ID") == f"RC-{TODAY:%Y%m%d}-{correlativo}"
    # SUNAT's SFS stylesheet leaves exportación out of the importe total (4027, observation);
    # the workbook's rule, which Yupana follows, counts it: only lines with exportación differ.
    with_exports = [line for line in issued.lines() if "04" in line.payments]
    assert {w.code for w in issued.sfs_warnings} == ({"4027"} if with_exports else set())


def test_greenter_amounts_are_rounded_as_greenter_writes_them() -> None:
    body = load_fixture(GREENTER_JSON / "resumen.json", "fecResumen")
    doc = parse_greenter(body, None)
    # declared 10.555 and 129.555: Greenter writes 10.56 and 129.56
    assert doc.lines[0].exportacion == Decimal("10.56")
    assert doc.lines[0].importe_total == Decimal("129.56")
    assert doc.fecha_generacion == TODAY
    assert doc.fecha_referencia == TODAY - timedelta(days=2)


# --------------------------------------------------------------------------------------------
# Refused
# --------------------------------------------------------------------------------------------


def test_documents_of_another_date_are_refused() -> None:
    customer = Customer("1", "45678912", "JUAN PEREZ")
    documents = []
    for number, issued_on in ((1, TODAY - timedelta(days=1)), (2, TODAY - timedelta(days=2))):
        sale = SaleDocument(
            "03",
            "B001",
            number,
            issued_on,
            ISSUER,
            customer,
            [SaleLine("X", Decimal(1), valor_unitario=Decimal(10))],
        )
        process(sale)
        documents.append((sale, "1"))
    doc = summary_from_sales(documents, correlativo=1, fecha_generacion=TODAY)
    assert rejected(doc) == [("2375", "lines[1].fecha_emision")]


def test_a_summary_generated_before_its_documents_is_refused() -> None:
    doc = native(boleta(1, gravadas="10.00"), fecha_referencia=day(0), fecha_generacion=day(-1))
    assert rejected(doc) == [("2671", "fecha_referencia")]


def test_a_factura_is_refused() -> None:
    doc = native({"tipo_documento": "01", "serie": "F001", "correlativo": 1, "gravadas": "100.00"})
    assert rejected(doc) == [("2241", "lines[0].tipo_documento"), ("2513", "lines[0].serie")]


def test_a_nota_de_credito_of_a_factura_is_refused() -> None:
    doc = native(
        {
            "tipo_documento": "07",
            "serie": "BC01",
            "correlativo": 1,
            "referencia": {"tipo_documento": "01", "numero": "F001-1"},
            "gravadas": "100.00",
        }
    )
    assert rejected(doc) == [("2513", "lines[0].referencia.tipo_documento")]
    doc = native(
        {
            "tipo_documento": "07",
            "serie": "FC01",
            "correlativo": 1,
            "referencia": {"tipo_documento": "01", "numero": "F001-1"},
            "gravadas": "100.00",
        }
    )
    assert rejected(doc) == [("2513", "lines[0].serie"), ("2513", "lines[0].referencia.tipo_documento")]


def test_a_factura_from_the_store_is_refused_with_the_sale_path() -> None:
    factura = SaleDocument(
        "01",
        "F001",
        1,
        TODAY,
        ISSUER,
        Customer("6", "20100070970", "CLIENTE S.A."),
        [SaleLine("X", Decimal(1), valor_unitario=Decimal(10))],
    )
    process(factura)
    with pytest.raises(InvalidDocument) as caught:
        summary_from_sales([(factura, "1")], correlativo=1, fecha_generacion=TODAY)
    assert [(p.code, p.path) for p in caught.value.errors] == [("2241", "lines[0].tipo_documento")]


def test_greenter_paths_of_refused_documents() -> None:
    body = load_fixture(GREENTER_JSON / "resumen.json", "fecResumen")
    assert isinstance(body, dict)
    body["details"][1]["docReferencia"] = {"tipoDoc": "01", "nroDoc": "F001-122"}
    body["details"][0]["tipoDoc"] = "01"
    doc = parse_greenter(body, None)
    problems = [(code, greenter_path(path, body)) for code, path in rejected(doc)]
    assert problems == [
        ("2241", "details[0].tipoDoc"),
        ("2513", "details[1].docReferencia.tipoDoc"),
    ]
