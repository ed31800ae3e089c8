"""The SUNAT simulator's billService and billConsultService over real HTTP, as a client sees them:
sendBill answers, SUNAT's exception codes in SUNAT's order, CDRs, faults, WSDLs, and what it
remembers across a restart. Envelopes come from SUNAT's own request templates."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import saxonche  # noqa: F401  (the SFS stylesheets run on Saxon; a test dependency)
from lxml import etree

from paths import SFS_RULES
from signature_check import assert_xmlsec_verifies
from simulator_harness import (
    CONSULT,
    CPE,
    CPE_PRODUCTION,
    ISSUER_RUC,
    NS,
    OTROS,
    RESPONSES,
    SERVICE_NS,
    SOAP_ENV,
    DocumentFactory,
    SimulatorProcess,
    beta_user,
    cdr_code,
    cdr_notes,
    cdr_of,
    consult_envelope,
    consult_status_envelope,
    element_paths,
    post,
    resign,
    send_file_envelope,
    zip_one,
)
from yupana.domain import return_codes
from yupana.signing.verify import verify

USER = beta_user(ISSUER_RUC)
CBC = NS["cbc"]


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorProcess]:
    process = SimulatorProcess(tmp_path_factory.mktemp("sim") / "data", rules=SFS_RULES).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as http:
        yield http


@pytest.fixture(scope="module")
def documents(test_signer) -> DocumentFactory:
    return DocumentFactory(test_signer)


_numbers = iter(range(100, 100_000))


def factura(documents: DocumentFactory, **changes: object) -> tuple[str, bytes]:
    return documents.build("factura-minima", correlativo=next(_numbers), **changes)


def send_bill(client: httpx.Client, simulator: SimulatorProcess, stem: str, xml: bytes, **options: object):
    user = options.get("user", USER)
    zip_name = options.get("zip_name", f"{stem}.zip")
    data = options.get("data", zip_one(f"{stem}.xml", xml))
    path = options.get("path", CPE)
    return post(
        client, simulator.url + path, send_file_envelope("send_bill.xml", zip_name, data, user), "sendBill"
    )


def assert_fault(answer, code: str) -> None:
    assert answer.status == 500, answer.body[:400]
    assert answer.is_fault
    assert answer.faultcode == f"soap-env:Client.{code}", answer.faultstring
    assert answer.faultstring.startswith(return_codes.message(code))


# -- accepted -------------------------------------------------------------------------------------


def test_send_bill_answers_a_signed_cdr(simulator, client, documents) -> None:
    stem, xml = factura(documents)
    answer = send_bill(client, simulator, stem, xml)
    assert answer.status == 200 and not answer.is_fault, answer.body[:600]
    response = answer.answer()
    assert response.tag == f"{{{SERVICE_NS}}}sendBillResponse"
    names, xml_name, cdr, cdr_bytes = cdr_of(answer.zip_field("applicationResponse"))
    assert names == ["dummy/", f"R-{stem}.xml"]
    assert xml_name == f"R-{stem}.xml"
    assert cdr.tag == f"{{{NS['ar']}}}ApplicationResponse"
    assert cdr_code(cdr) == "0"
    identifier = stem.split("-", 2)[2]
    assert cdr.findtext("cac:DocumentResponse/cac:Response/cbc:ReferenceID", namespaces=NS) == identifier
    assert (
        cdr.findtext("cac:DocumentResponse/cac:Response/cbc:Description", namespaces=NS)
        == f"La Factura numero {identifier}, ha sido aceptada"
    )
    assert cdr.findtext("cac:ReceiverParty/cac:PartyIdentification/cbc:ID", namespaces=NS) == ISSUER_RUC
    assert cdr.findtext("cac:SenderParty/cac:PartyIdentification/cbc:ID", namespaces=NS) == "20131312955"
    assert (
        cdr.findtext("cac:DocumentResponse/cac:RecipientParty/cac:PartyIdentification/cbc:ID", namespaces=NS)
        == "6-20601234565"
    )
    assert cdr_notes(cdr) == []
    result = verify(cdr_bytes)
    assert result.valid, result.message
    assert_xmlsec_verifies(cdr_bytes)
    assert cdr_bytes.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


def _real_cdr(response_file: str, field: str) -> etree._Element:
    root = etree.parse(str(RESPONSES / response_file)).getroot()
    text = root.find(f".//{field}").text
    return cdr_of(base64.b64decode(text))[2]


def test_answer_and_cdr_have_the_shape_of_sunats(simulator, client, documents) -> None:
    stem, xml = factura(documents)
    answer = send_bill(client, simulator, stem, xml)
    real = etree.parse(str(RESPONSES / "bill_service_response_ok.xml")).getroot()
    assert element_paths(answer.root) == element_paths(real)
    ours = cdr_of(answer.zip_field("applicationResponse"))[2]
    theirs = _real_cdr("bill_service_response_ok.xml", "applicationResponse")
    # Same elements in the same namespaces; the signature's own children aside (SUNAT's beta
    # leaves its signature unsigned, with other algorithms), nothing missing and nothing extra.
    ds_free = {p for p in element_paths(theirs) if "xmldsig" not in p}
    assert {p for p in element_paths(ours) if "xmldsig" not in p} == ds_free
    assert [etree.QName(e).localname for e in ours] == [etree.QName(e).localname for e in theirs]


def test_production_path_and_observations_in_notes(simulator, client, documents, test_signer) -> None:
    stem, xml = factura(documents)

    def wrong_agency(root: etree._Element) -> None:  # an observation (4251), not a rejection
        root.find(f"{{{CBC}}}InvoiceTypeCode").set("listAgencyName", "OTRO")

    answer = send_bill(client, simulator, stem, resign(xml, test_signer, wrong_agency), path=CPE_PRODUCTION)
    assert not answer.is_fault, answer.faultstring
    cdr = cdr_of(answer.zip_field("applicationResponse"))[2]
    assert cdr_code(cdr) == "0"
    assert cdr_notes(cdr) == [f"4251 - {return_codes.message('4251')}"]


# -- exceptions, in SUNAT's order ------------------------------------------------------------------


def test_duplicate_is_1033(simulator, client, documents) -> None:
    stem, xml = factura(documents)
    assert not send_bill(client, simulator, stem, xml).is_fault
    assert_fault(send_bill(client, simulator, stem, xml), "1033")


@pytest.mark.parametrize(
    ("user", "code"),
    [
        ((f"{ISSUER_RUC}MODDATOS", "otra"), "0102"),
        ((f"{ISSUER_RUC}NOEXISTE", "clave"), "0111"),
        (("usuario", "clave"), "0111"),
    ],
)
def test_wrong_credentials(simulator, client, documents, user, code) -> None:
    stem, xml = factura(documents)
    answer = send_bill(client, simulator, stem, xml, user=user)
    assert_fault(answer, code)
    if code == "0111":
        real = etree.parse(str(RESPONSES / "bill_service_response_fault.xml")).getroot()
        assert answer.faultstring == real.findtext(".//faultstring")
        assert element_paths(answer.root) == element_paths(real)


def test_missing_security_header_is_0101(simulator, client, documents) -> None:
    stem, xml = factura(documents)
    body = send_file_envelope("send_bill.xml", f"{stem}.zip", zip_one(f"{stem}.xml", xml), USER)
    start, end = body.index(b"<soap:Header>"), body.index(b"</soap:Header>") + len(b"</soap:Header>")
    assert_fault(post(client, simulator.url + CPE, body[:start] + body[end:], "sendBill"), "0101")


def test_registered_user_and_foreign_ruc(simulator, client, documents) -> None:
    added = simulator.admin("POST", "/users", {"username": f"{ISSUER_RUC}FACTURA1", "password": "Secreta1"})
    assert added.status_code == 200
    stem, xml = factura(documents)
    assert_fault(send_bill(client, simulator, stem, xml, user=(f"{ISSUER_RUC}FACTURA1", "otra")), "0102")
    assert not send_bill(client, simulator, stem, xml, user=(f"{ISSUER_RUC}FACTURA1", "Secreta1")).is_fault
    stem, xml = factura(documents)
    assert_fault(send_bill(client, simulator, stem, xml, user=beta_user("20100070970")), "0154")


def test_file_and_zip_problems(simulator, client, documents) -> None:
    stem, xml = factura(documents)
    other = stem[:-3] + "999"
    cases = [
        ({"zip_name": f"{stem}.rar"}, "0151"),
        ({"zip_name": f"{ISSUER_RUC}-01-F01-1.zip"}, "0151"),
        ({"zip_name": f"{ISSUER_RUC}-RC-20261122-1.zip"}, "0152"),
        ({"zip_name": f"{stem}.zip", "path": OTROS}, "0151"),
        ({"data": b""}, "0155"),
        ({"data": b"PK\x03\x04 not really a zip"}, "0156"),
        ({"data": zip_one(f"{stem}.xml", xml, (f"{other}.xml", xml))}, "0158"),
        ({"data": zip_one("factura.xml", xml)}, "0159"),
        ({"data": zip_one(f"{other}.xml", xml)}, "0161"),
        ({"data": zip_one(f"{stem}.xml", b"  ")}, "0160"),
        ({"data": zip_one(f"{stem}.xml", b"<Invoice><sin-cerrar>")}, "0306"),
    ]
    for options, code in cases:
        assert_fault(send_bill(client, simulator, stem, xml, **options), code)
    empty = zip_one("dummy/", b"")
    assert_fault(send_bill(client, simulator, stem, xml, data=empty), "0157")
    # Still unregistered: the same document is accepted afterwards.
    assert not send_bill(client, simulator, stem, xml).is_fault


def test_name_against_content(simulator, client, documents) -> None:
    stem, xml = factura(documents)
    foreign = "20100070970" + stem[11:]
    assert_fault(send_bill(client, simulator, foreign, xml, user=beta_user("20100070970")), "1034")
    renumbered = stem.rsplit("-", 1)[0] + "-0" + stem.rsplit("-", 1)[1]
    assert_fault(send_bill(client, simulator, renumbered, xml), "1036")
    reseried = stem.replace("-F001-", "-F002-")
    assert_fault(send_bill(client, simulator, reseried, xml), "1035")
    as_boleta = stem.replace("-01-", "-03-")
    assert_fault(send_bill(client, simulator, as_boleta, xml), "1003")


def test_altered_document_gets_a_cdr_de_rechazo_then_1032(simulator, client, documents) -> None:
    stem, xml = factura(documents)
    tampered = xml.replace(b"CLIENTE EJEMPLO S.A.C.", b"CLIENTE CAMBIADO S.A.C.")
    assert tampered != xml
    answer = send_bill(client, simulator, stem, tampered)
    assert not answer.is_fault, answer.faultstring
    _, _, cdr, cdr_bytes = cdr_of(answer.zip_field("applicationResponse"))
    assert cdr_code(cdr) == "2335"
    assert cdr.findtext(
        "cac:DocumentResponse/cac:Response/cbc:Description", namespaces=NS
    ) == return_codes.message("2335")
    assert verify(cdr_bytes).valid
    assert_fault(send_bill(client, simulator, stem, xml), "1032")


def test_xsd_error_is_0306(simulator, client, documents, test_signer) -> None:
    stem, xml = factura(documents)

    def unknown_element(root: etree._Element) -> None:
        root.find(f"{{{CBC}}}ID").addnext(etree.Element(f"{{{CBC}}}NoExiste"))

    answer = send_bill(client, simulator, stem, resign(xml, test_signer, unknown_element))
    assert_fault(answer, "0306")
    assert "NoExiste" in answer.faultstring


def test_stylesheet_rejection_as_sunats_fault_or_as_cdr(simulator, client, documents, test_signer) -> None:
    stem, xml = factura(documents)

    def old_customization(root: etree._Element) -> None:
        root.find(f"{{{CBC}}}CustomizationID").text = "1.0"

    rejected = resign(xml, test_signer, old_customization)
    answer = send_bill(client, simulator, stem, rejected)
    assert_fault(answer, "2072")
    assert " - Detalle: xxx.xxx.xxx value='ticket: " in answer.faultstring
    assert "error: INFO: errorCode 2072" in answer.faultstring
    assert simulator.admin("POST", "/settings", {"rejections": "cdr"}).status_code == 200
    try:
        answer = send_bill(client, simulator, stem, rejected)
        assert not answer.is_fault
        assert cdr_code(cdr_of(answer.zip_field("applicationResponse"))[2]) == "2072"
    finally:
        simulator.admin("POST", "/settings", {"rejections": "fault"})
    assert_fault(send_bill(client, simulator, stem, xml), "1032")


def test_unsigned_document_is_rejected_unless_signature_checks_are_off(simulator, client, documents) -> None:
    stem, xml = factura(documents)
    root = etree.fromstring(xml)
    signature = root.find(".//ds:Signature", NS)
    signature.getparent().remove(signature)
    unsigned = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    answer = send_bill(client, simulator, stem, unsigned)
    assert cdr_code(cdr_of(answer.zip_field("applicationResponse"))[2]) == "2085"
    stem, xml = factura(documents)
    tampered = xml.replace(b"CLIENTE EJEMPLO", b"CLIENTE OTRO")
    assert simulator.admin("POST", "/settings", {"skip_checks": ["signature"]}).status_code == 200
    try:
        answer = send_bill(client, simulator, stem, tampered)
        assert cdr_code(cdr_of(answer.zip_field("applicationResponse"))[2]) == "0"
    finally:
        simulator.admin("POST", "/settings", {"skip_checks": []})


# -- billConsultService ----------------------------------------------------------------------------


def consult_cdr(client, simulator, ruc: str, tipo: str, serie: str, numero: str, user=USER):
    return post(
        client, simulator.url + CONSULT, consult_envelope(ruc, tipo, serie, numero, user), "getStatusCdr"
    )


def consult_status(client, simulator, ruc: str, tipo: str, serie: str, numero: str, user=USER):
    return post(
        client, simulator.url + CONSULT, consult_status_envelope(ruc, tipo, serie, numero, user), "getStatus"
    )


def test_consult_service_finds_what_was_accepted(simulator, client, documents) -> None:
    stem, xml = factura(documents)
    sent = send_bill(client, simulator, stem, xml).zip_field("applicationResponse")
    ruc, tipo, serie, numero = stem.split("-")
    answer = consult_cdr(client, simulator, ruc, tipo, serie, numero)
    assert answer.answer().tag == f"{{{SERVICE_NS}}}getStatusCdrResponse"
    assert answer.field("statusCdr/statusCode") == "0004"
    assert answer.field("statusCdr/statusMessage") == "La constancia existe"
    assert answer.zip_field("statusCdr/content") == sent
    status = consult_status(client, simulator, ruc, tipo, serie, numero)
    assert status.field("status/statusCode") == "0001"
    missing = consult_status(client, simulator, ruc, tipo, serie, "99999")
    assert missing.field("status/statusCode") == "0011"
    assert consult_cdr(client, simulator, ruc, tipo, serie, "99999").field("statusCdr/statusCode") == "0011"
    foreign = consult_status(client, simulator, "20100070970", tipo, serie, numero)
    assert foreign.field("status/statusCode") == "0012"
    assert consult_status(client, simulator, "123", tipo, serie, numero).field("status/statusCode") == "0004"


def test_consult_answers_have_sunats_envelope(simulator, client) -> None:
    answer = consult_status(client, simulator, ISSUER_RUC, "01", "F001", "99998")
    root = answer.root
    assert root.tag == f"{{{SOAP_ENV}}}Envelope" and root.prefix == "S"
    assert [etree.QName(child).localname for child in answer.answer().find("status")] == [
        "statusCode",
        "statusMessage",
    ]


# -- WSDL ------------------------------------------------------------------------------------------


def _operations(wsdl: etree._Element) -> set[str]:
    return {op.get("name") for op in wsdl.iter("{http://schemas.xmlsoap.org/wsdl/}operation")}


@pytest.mark.parametrize(
    ("path", "parts"), [(CPE, ("ns1.wsdl", "xsd2.xsd")), (CONSULT, ("ns1.wsdl", "ns1.xsd"))]
)
def test_wsdl_describes_the_service_at_the_simulators_address(simulator, client, path, parts) -> None:
    from paths import SUNAT

    response = client.get(simulator.url + path + "?wsdl")
    assert response.status_code == 200
    wsdl = etree.fromstring(response.content)
    address = wsdl.find(".//{http://schemas.xmlsoap.org/wsdl/soap/}address")
    assert address.get("location") == simulator.url + path
    name = "billConsultService" if path == CONSULT else "billService"
    sunat = etree.parse(str(SUNAT / "services" / "soap-wsdl" / "greenter" / f"{name}.wsdl")).getroot()
    assert _operations(wsdl) == _operations(sunat)
    messages = etree.fromstring(client.get(f"{simulator.url}{path}?{parts[0]}").content)
    sunat_messages = etree.parse(
        str(SUNAT / "services" / "soap-wsdl" / "greenter" / f"{name}.ns1.wsdl")
    ).getroot()
    assert _operations(messages) == _operations(sunat_messages)
    schema = etree.XMLSchema(etree.fromstring(client.get(f"{simulator.url}{path}?{parts[1]}").content))
    # The schema accepts the request elements of SUNAT's own templates.
    template = "get_status_crd.xml" if path == CONSULT else "send_summary.xml"
    body = etree.parse(str(SUNAT / "services" / "soap-messages" / "requests" / template)).getroot()
    operation = body.find(f"{{{SOAP_ENV}}}Body")[0]
    for child in operation:
        child.text = "MQ==" if etree.QName(child).localname == "contentFile" else "1"
    assert schema.validate(operation), schema.error_log


# -- memory ----------------------------------------------------------------------------------------


def test_get_status_cdr_after_a_restart(tmp_path: Path, client, documents) -> None:
    simulator = SimulatorProcess(tmp_path / "data").start()
    try:
        stem, xml = factura(documents)
        cdr = send_bill(client, simulator, stem, xml).zip_field("applicationResponse")
    finally:
        simulator.stop()
    simulator.start()
    try:
        ruc, tipo, serie, numero = stem.split("-")
        answer = consult_cdr(client, simulator, ruc, tipo, serie, numero)
        assert answer.field("statusCdr/statusCode") == "0004"
        assert answer.zip_field("statusCdr/content") == cdr
        assert_fault(send_bill(client, simulator, stem, xml), "1033")
    finally:
        simulator.stop()
