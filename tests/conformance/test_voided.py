"""Comunicación de baja (RA) and resumen de reversiones (RR) end to end: body → native rules →
UBL 2.0 VoidedDocuments → signature (checked with python-xmlsec) → SUNAT's XSD → SUNAT's SFS
stylesheets (ValidaExprRegSummaryVoided for RA, ValidaExprRegOtrosVoided for RR), then what
the signed XML says read back. Bad inputs stop before building, with SUNAT's code and the
field's path.

Dates are relative to today's Lima date, so the deadline rules hold on any day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from lxml import etree

from corpus import load_fixture, today_lima
from paths import FIXTURES, SFS_RULES
from signature_check import assert_xmlsec_verifies
from yupana.dialects.greenter.voided import parse_reversion, parse_voided
from yupana.dialects.greenter.voided import translate_path as greenter_path
from yupana.dialects.native.voided import parse_voided as parse_native
from yupana.domain.party import Company, Customer
from yupana.domain.problems import InvalidDocument, Problem
from yupana.domain.sale import SaleDocument, SaleLine
from yupana.domain.voided import VoidedDocument, voided_from_documents
from yupana.signing.xmldsig import Signer
from yupana.ubl.namespaces import SIGNATURE_ID
from yupana.ubl.voided import build_voided
from yupana.validation.sfs import SfsValidator
from yupana.validation.voided import validate_voided
from yupana.validation.xsd import validate_xsd

TODAY = today_lima()
ISSUER = Company("20123456786", "EMPRESA DE PRUEBAS S.A.C.")
GREENTER_JSON = FIXTURES / "greenter-lycet" / "greenter-demo-json"
GREENTER_XML = FIXTURES / "greenter-lycet" / "greenter-demo-xml"
NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "sac": "urn:sunat:names:specification:ubl:peru:schema:xsd:SunatAggregateComponents-1",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
}
LINE_TAGS = (
    "cbc:LineID",
    "cbc:DocumentTypeCode",
    "sac:DocumentSerialID",
    "sac:DocumentNumberID",
    "sac:VoidReasonDescription",
)


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture(scope="module")
def sfs() -> SfsValidator:
    return SfsValidator(SFS_RULES)


@dataclass
class Issued:
    doc: VoidedDocument
    root: etree._Element
    warnings: list[Problem]
    sfs_warnings: list[Problem]

    def text(self, path: str) -> str:
        return self.root.findtext(path, namespaces=NS) or ""

    def lines(self) -> list[tuple[str, ...]]:
        return [
            tuple(line.findtext(tag, namespaces=NS) or "" for tag in LINE_TAGS)
            for line in self.root.findall("sac:VoidedDocumentsLine", NS)
        ]


def issue(doc: VoidedDocument, signer: Signer, sfs: SfsValidator) -> Issued:
    """Native rules, UBL, signature, xmlsec, XSD and SFS: every step must pass."""
    problems = validate_voided(doc, today=TODAY)
    problems.raise_if_errors()
    root = build_voided(doc)
    signer.sign(root, SIGNATURE_ID)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    assert_xmlsec_verifies(xml)
    assert validate_xsd(root).items == []
    verdict = sfs.validate(xml, f"{doc.file_stem}.xml")
    assert verdict.errors == [], verdict.errors
    return Issued(doc, etree.fromstring(xml), problems.warnings, verdict.warnings)


def native(tipo: str, *lines: dict[str, object], **fields: object) -> VoidedDocument:
    body: dict[str, object] = {
        "tipo_documento": tipo,
        "correlativo": 1,
        "fecha_generacion": day(0),
        "fecha_referencia": day(-1),
        "lines": list(lines),
        **fields,
    }
    return parse_native(body, ISSUER)


def line(
    tipo: str, serie: str, correlativo: int, motivo: str = "ERROR EN EL RUC DEL CLIENTE"
) -> dict[str, object]:
    return {"tipo_documento": tipo, "serie": serie, "correlativo": correlativo, "motivo": motivo}


def factura(serie: str, correlativo: int, issued: date, tipo: str = "01") -> SaleDocument:
    return SaleDocument(
        tipo_documento=tipo,
        serie=serie,
        correlativo=correlativo,
        fecha_emision=issued,
        issuer=ISSUER,
        customer=Customer("6", "20601234565", "CLIENTE EJEMPLO S.A.C."),
        lines=[SaleLine("Servicio", Decimal(1), valor_unitario=Decimal(100))],
    )


# -- valid communications -----------------------------------------------------------------------


def test_ra_of_a_factura_from_the_stored_document(test_signer: Signer, sfs: SfsValidator) -> None:
    stored = factura("F001", 123, TODAY - timedelta(days=2))
    doc = voided_from_documents(
        [(stored, "ERROR EN EL RUC DEL CLIENTE")], correlativo=4, fecha_generacion=TODAY
    )
    issued = issue(doc, test_signer, sfs)

    stamp = TODAY.strftime("%Y%m%d")
    assert doc.file_stem == f"20123456786-RA-{stamp}-4"
    assert issued.text("cbc:UBLVersionID") == "2.0"
    assert issued.text("cbc:CustomizationID") == "1.0"
    assert issued.text("cbc:ID") == f"RA-{stamp}-4"
    assert issued.text("cbc:IssueDate") == TODAY.isoformat()
    assert issued.text("cbc:ReferenceDate") == day(-2)
    assert issued.text("cac:AccountingSupplierParty/cbc:CustomerAssignedAccountID") == "20123456786"
    assert issued.text("cac:AccountingSupplierParty/cbc:AdditionalAccountID") == "6"
    assert (
        issued.text("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName")
        == "EMPRESA DE PRUEBAS S.A.C."
    )
    assert issued.text("cac:Signature/cac:DigitalSignatureAttachment/cac:ExternalReference/cbc:URI") == (
        "#" + SIGNATURE_ID
    )
    signature = issued.root.find("ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/ds:Signature", NS)
    assert signature is not None and signature.get("Id") == SIGNATURE_ID
    assert issued.lines() == [("1", "01", "F001", "123", "ERROR EN EL RUC DEL CLIENTE")]
    assert issued.warnings == [] and issued.sfs_warnings == []


@pytest.mark.parametrize(("tipo", "serie"), [("07", "FC01"), ("08", "FD01")])
def test_ra_of_a_nota(tipo: str, serie: str, test_signer: Signer, sfs: SfsValidator) -> None:
    issued = issue(native("RA", line(tipo, serie, 7, "NOTA EMITIDA POR DUPLICADO")), test_signer, sfs)
    assert issued.lines() == [("1", tipo, serie, "7", "NOTA EMITIDA POR DUPLICADO")]
    assert issued.text("cbc:ReferenceDate") == day(-1)


def test_ra_of_a_nota_taken_from_the_store(test_signer: Signer, sfs: SfsValidator) -> None:
    stored = factura("FC01", 9, TODAY, tipo="07")
    doc = voided_from_documents(
        [(stored, "ANULACION DE LA OPERACION")], correlativo=2, fecha_generacion=TODAY
    )
    issued = issue(doc, test_signer, sfs)
    assert issued.lines() == [("1", "07", "FC01", "9", "ANULACION DE LA OPERACION")]
    assert issued.text("cbc:ReferenceDate") == issued.text("cbc:IssueDate") == TODAY.isoformat()


def test_ra_with_several_lines_including_a_contingency_serie(test_signer: Signer, sfs: SfsValidator) -> None:
    doc = native(
        "RA",
        line("01", "F001", 10, "ERROR EN EL RUC DEL CLIENTE"),
        line("01", "F002", 11, "ERROR EN LA DESCRIPCION"),
        line("07", "FC01", 3, "NOTA EMITIDA POR DUPLICADO"),
        line("08", "FD01", 4, "INTERESES MAL CALCULADOS"),
        line("01", "0001", 25, "COMPROBANTE DE CONTINGENCIA DUPLICADO"),
        correlativo=12,
    )
    issued = issue(doc, test_signer, sfs)
    assert [entry[:4] for entry in issued.lines()] == [
        ("1", "01", "F001", "10"),
        ("2", "01", "F002", "11"),
        ("3", "07", "FC01", "3"),
        ("4", "08", "FD01", "4"),
        ("5", "01", "0001", "25"),
    ]
    assert issued.text("cbc:ID").endswith("-12")


def test_ra_of_facturas_issued_seven_days_ago_is_still_in_time(
    test_signer: Signer, sfs: SfsValidator
) -> None:
    issue(native("RA", line("01", "F001", 1), fecha_referencia=day(-7)), test_signer, sfs)


def test_rr_of_a_retention(test_signer: Signer, sfs: SfsValidator) -> None:
    issued = issue(native("RR", line("20", "R001", 15, "ERROR EN EL IMPORTE RETENIDO")), test_signer, sfs)
    stamp = TODAY.strftime("%Y%m%d")
    assert issued.text("cbc:ID") == f"RR-{stamp}-1"
    assert issued.doc.file_stem == f"20123456786-RR-{stamp}-1"
    assert issued.lines() == [("1", "20", "R001", "15", "ERROR EN EL IMPORTE RETENIDO")]


def test_rr_of_a_perception(test_signer: Signer, sfs: SfsValidator) -> None:
    issued = issue(native("RR", line("40", "P001", 8, "PERCEPCION A CLIENTE EQUIVOCADO")), test_signer, sfs)
    assert issued.lines() == [("1", "40", "P001", "8", "PERCEPCION A CLIENTE EQUIVOCADO")]


def test_rr_of_old_documents_has_no_deadline(test_signer: Signer, sfs: SfsValidator) -> None:
    issue(
        native("RR", line("20", "R001", 1), line("40", "P001", 2), fecha_referencia=day(-40)),
        test_signer,
        sfs,
    )


def test_short_motivo_is_an_observation(test_signer: Signer, sfs: SfsValidator) -> None:
    issued = issue(native("RA", line("01", "F001", 1, "NO")), test_signer, sfs)
    assert [(p.code, p.path) for p in issued.warnings] == [("4203", "lines[0].motivo")]


# -- Greenter / Lycet corpus --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "parse", "tipo"),
    [("comunicacion-baja", parse_voided, "RA"), ("reversion", parse_reversion, "RR")],
)
def test_greenter_corpus(name: str, parse, tipo: str, test_signer: Signer, sfs: SfsValidator) -> None:
    body = load_fixture(GREENTER_JSON / f"{name}.json", "fecComunicacion")
    issued = issue(parse(body, None), test_signer, sfs)
    greenter = etree.parse(str(GREENTER_XML / f"{name}.unsigned.xml")).getroot()

    # Greenter's fixture was generated two days after its reference date; the replay keeps that.
    assert issued.text("cbc:IssueDate") == TODAY.isoformat()
    assert issued.text("cbc:ReferenceDate") == day(-2)
    # Greenter writes its correlativo string as given ("00111"); Yupana writes the number.
    greenter_id = greenter.findtext("cbc:ID", namespaces=NS) or ""
    assert greenter_id.startswith(f"{tipo}-")
    assert issued.text("cbc:ID") == f"{tipo}-{TODAY:%Y%m%d}-{int(greenter_id.rsplit('-', 1)[1])}"
    expected = [
        (
            entry.findtext("cbc:LineID", namespaces=NS),
            entry.findtext("cbc:DocumentTypeCode", namespaces=NS),
            entry.findtext("sac:DocumentSerialID", namespaces=NS),
            str(int(entry.findtext("sac:DocumentNumberID", namespaces=NS) or "0")),
            entry.findtext("sac:VoidReasonDescription", namespaces=NS),
        )
        for entry in greenter.findall("sac:VoidedDocumentsLine", NS)
    ]
    assert issued.lines() == expected
    assert issued.text("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName") == (
        greenter.findtext(
            "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName", namespaces=NS
        )
    )


def test_greenter_signature_reference_points_at_nothing() -> None:
    """What Greenter's XML gets wrong: its cac:Signature names #GREENTER-SIGN, its ds:Signature
    is GreenterSign. Ours name the same Id (checked in test_ra_of_a_factura_from_the_stored_document)."""
    for name in ("comunicacion-baja", "reversion"):
        signed = etree.parse(str(GREENTER_XML / f"{name}.signed.xml")).getroot()
        uri = signed.findtext(
            "cac:Signature/cac:DigitalSignatureAttachment/cac:ExternalReference/cbc:URI", namespaces=NS
        )
        ids = [node.get("Id") for node in signed.iter(f"{{{NS['ds']}}}Signature")]
        assert uri == "#GREENTER-SIGN" and ids == ["GreenterSign"]


def test_greenter_demo_ruc_has_a_wrong_check_digit() -> None:
    body = load_fixture(GREENTER_JSON / "comunicacion-baja.json", "fecComunicacion", valid_rucs=False)
    problems = validate_voided(parse_voided(body, None), today=TODAY)
    assert [(p.code, p.path) for p in problems.errors] == [("2104", "issuer.ruc")]
    assert greenter_path("issuer.ruc") == "company.ruc"


# -- bad input ----------------------------------------------------------------------------------


def rejected(doc: VoidedDocument) -> list[tuple[str | None, str]]:
    """What stops the document: native rules first, as the build does."""
    with pytest.raises(InvalidDocument) as caught:
        validate_voided(doc, today=TODAY).raise_if_errors()
    return [(p.code, p.path) for p in caught.value.errors]


def test_ra_refuses_a_boleta() -> None:
    doc = native("RA", line("01", "F001", 1), line("03", "B001", 5))
    with pytest.raises(InvalidDocument) as caught:
        validate_voided(doc, today=TODAY).raise_if_errors()
    (problem,) = caught.value.errors
    assert (problem.code, problem.path) == ("2308", "lines[1].tipo_documento")
    assert "resumen diario (RC)" in problem.message


def test_ra_refuses_a_nota_of_a_boleta() -> None:
    doc = native("RA", line("07", "BC01", 5))
    with pytest.raises(InvalidDocument) as caught:
        validate_voided(doc, today=TODAY).raise_if_errors()
    (problem,) = caught.value.errors
    assert (problem.code, problem.path) == ("2310", "lines[0].serie")
    assert "resumen diario (RC)" in problem.message


def test_ra_refuses_a_retention() -> None:
    doc = native("RA", line("20", "R001", 5))
    with pytest.raises(InvalidDocument) as caught:
        validate_voided(doc, today=TODAY).raise_if_errors()
    (problem,) = caught.value.errors
    assert (problem.code, problem.path) == ("2308", "lines[0].tipo_documento")
    assert "resumen de reversiones (RR)" in problem.message


def test_rr_refuses_a_factura() -> None:
    doc = native("RR", line("20", "R001", 1), line("01", "F001", 5))
    with pytest.raises(InvalidDocument) as caught:
        validate_voided(doc, today=TODAY).raise_if_errors()
    (problem,) = caught.value.errors
    assert (problem.code, problem.path) == ("2308", "lines[1].tipo_documento")
    assert "comunicación de baja (RA)" in problem.message


def test_lines_of_different_issue_dates() -> None:
    doc = voided_from_documents(
        [
            (factura("F001", 1, TODAY - timedelta(days=1)), "ERROR EN EL RUC DEL CLIENTE"),
            (factura("F001", 2, TODAY - timedelta(days=2)), "ERROR EN EL RUC DEL CLIENTE"),
        ],
        correlativo=1,
        fecha_generacion=TODAY,
    )
    assert rejected(doc) == [("2375", "lines[1].fecha_emision")]


def test_lines_of_different_issue_dates_in_native_json() -> None:
    first, second = line("01", "F001", 1), line("01", "F001", 2)
    first["fecha_emision"], second["fecha_emision"] = day(-1), day(-3)
    doc = parse_native(
        {"tipo_documento": "RA", "correlativo": 1, "fecha_generacion": day(0), "lines": [first, second]},
        ISSUER,
    )
    assert doc.fecha_referencia.isoformat() == day(-1)
    assert rejected(doc) == [("2375", "lines[1].fecha_emision")]


def test_reference_date_after_generation_date() -> None:
    doc = native("RA", line("01", "F001", 1), fecha_referencia=day(0), fecha_generacion=day(-1))
    assert rejected(doc) == [("2671", "fecha_referencia")]


def test_missing_motivo_is_refused_by_the_parser() -> None:
    body_line = line("01", "F001", 1)
    del body_line["motivo"]
    with pytest.raises(InvalidDocument) as caught:
        native("RA", body_line)
    assert [(p.code, p.path) for p in caught.value.errors] == [("2315", "lines[0].motivo")]


def test_blank_motivo_is_refused_by_the_rules_and_the_writer() -> None:
    doc = native("RA", line("01", "F001", 1))
    doc.lines[0].motivo = "   "
    assert rejected(doc) == [("2315", "lines[0].motivo")]
    with pytest.raises(InvalidDocument) as caught:
        build_voided(doc)
    assert [(p.code, p.path) for p in caught.value.errors] == [("2315", "lines[0].motivo")]


def test_greenter_missing_motivo_has_lycet_path() -> None:
    body = load_fixture(GREENTER_JSON / "comunicacion-baja.json", "fecComunicacion")
    del body["details"][1]["desMotivoBaja"]  # type: ignore[index]
    with pytest.raises(InvalidDocument) as caught:
        parse_voided(body, None)
    assert [(p.code, p.path) for p in caught.value.errors] == [("2315", "details[1].desMotivoBaja")]


def test_greenter_boleta_in_an_ra_is_refused_with_lycet_path() -> None:
    body = load_fixture(GREENTER_JSON / "comunicacion-baja.json", "fecComunicacion")
    body["details"][0].update({"tipoDoc": "03", "serie": "B001"})  # type: ignore[index]
    problems = validate_voided(parse_voided(body, None), today=TODAY)
    assert [(p.code, greenter_path(p.path, body)) for p in problems.errors] == [
        ("2308", "details[0].tipoDoc")
    ]


def test_too_late_for_a_baja() -> None:
    doc = native("RA", line("01", "F001", 1), line("01", "0001", 2), fecha_referencia=day(-8))
    with pytest.raises(InvalidDocument) as caught:
        validate_voided(doc, today=TODAY).raise_if_errors()
    (problem,) = caught.value.errors
    assert (problem.code, problem.path) == ("2957", "fecha_referencia")
    assert "01 F001-1" in problem.message and "0001-2" not in problem.message


# -- where SUNAT's SFS stylesheets and its rules workbook disagree -------------------------------


@pytest.mark.parametrize(
    ("tipo", "body_line", "sfs_code"),
    [
        # The workbook (and SUNAT's server stylesheet) take 30, 34 and 42 in an RA; the SFS only 01/07/08.
        ("RA", line("30", "F001", 1), "2308"),
        # The workbook takes liquidaciones de compra (04) in an RR, outside SEE-OSE; the SFS does not.
        ("RR", line("04", "L001", 1), "2308"),
        # A motivo under 3 characters is an observation (4203) for the workbook and the server
        # stylesheet; the SFS stylesheet for RR rejects it.
        ("RR", line("20", "R001", 1, "NO"), "2314"),
    ],
)
def test_sfs_rejects_what_sunat_rules_accept(
    tipo: str, body_line: dict[str, object], sfs_code: str, test_signer: Signer, sfs: SfsValidator
) -> None:
    doc = native(tipo, body_line)
    assert validate_voided(doc, today=TODAY).errors == []
    root = build_voided(doc)
    test_signer.sign(root, SIGNATURE_ID)
    assert validate_xsd(root).items == []
    verdict = sfs.check(etree.tostring(root, encoding="UTF-8"), f"{doc.file_stem}.xml", divergences=False)
    assert verdict.sfs_code == sfs_code


# -- Facturador PRO: /api/voided names stored documents -----------------------------------------


def test_facturadorpro_voided_request_resolved_from_the_store(test_signer: Signer, sfs: SfsValidator) -> None:
    """Facturador PRO's /api/voided sends only external_ids and motivos: the server looks the
    documents up in its store and builds the RA from them (``voided_from_documents``)."""
    body = load_fixture(
        FIXTURES / "facturadorpro" / "official_examples" / "anulacion.json", "fecha_de_emision_de_documentos"
    )
    assert isinstance(body, dict)
    issued_on = date.fromisoformat(body["fecha_de_emision_de_documentos"])
    store = {
        entry["external_id"]: factura("F001", number, issued_on)
        for number, entry in enumerate(body["documentos"], start=101)
    }
    doc = voided_from_documents(
        [(store[entry["external_id"]], entry["motivo_anulacion"]) for entry in body["documentos"]],
        correlativo=1,
        fecha_generacion=TODAY,
    )
    issued = issue(doc, test_signer, sfs)
    assert issued.text("cbc:ReferenceDate") == issued_on.isoformat() == TODAY.isoformat()
    assert issued.lines() == [
        ("1", "01", "F001", "101", "Se duplico documento"),
        ("2", "01", "F001", "102", "Número de cliente incorrecto"),
    ]
