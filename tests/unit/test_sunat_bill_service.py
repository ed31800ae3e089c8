"""billService and billConsultService over httpx.MockTransport: routing, requests, answers, errors."""

from __future__ import annotations

import base64
import ssl

import httpx
import pytest
from lxml import etree

from paths import FIXTURES, SUNAT
from yupana.sunat.archive import read_single_xml, zip_cdr
from yupana.sunat.bill_service import BillService
from yupana.sunat.consult_service import ConsultService
from yupana.sunat.credentials import SolCredentials
from yupana.sunat.endpoints import Endpoints
from yupana.sunat.results import Outcome
from yupana.sunat.transport import HttpOptions

RESPONSES = SUNAT / "services" / "soap-messages" / "responses"
CDRS = FIXTURES / "greenter-lycet" / "greenter-cdr"
SOL = SolCredentials("20000000001", "MODDATOS", "s3cr3t-pass")
ENDPOINTS = Endpoints.simulator("http://sunat.test")
SERVICE_NS = "http://service.sunat.gob.pe"


def reply(operation: str, inner: str) -> bytes:
    return (
        '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>'
        f'<ns2:{operation}Response xmlns:ns2="{SERVICE_NS}">{inner}</ns2:{operation}Response>'
        "</S:Body></S:Envelope>"
    ).encode()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class Recorder:
    """A MockTransport handler that records requests and answers from a queue."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def body(self, index: int = -1) -> etree._Element:
        root = etree.fromstring(self.requests[index].content)
        return root.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")[0]


def service(recorder: Recorder, **options: object) -> BillService:
    return BillService(
        ENDPOINTS, SOL, transport=httpx.MockTransport(recorder), options=HttpOptions(**options)
    )


def test_send_bill_posts_the_zip_and_reads_the_cdr() -> None:
    sample = (RESPONSES / "bill_service_response_ok.xml").read_bytes()
    recorder = Recorder(httpx.Response(200, content=sample))
    zipped = b"PK-fake-zip"
    result = service(recorder).send_bill("20000000001-01-F001-1.zip", zipped)
    assert result.outcome is Outcome.ACCEPTED and result.code == "0"
    assert result.description == "La Factura numero F001-1, ha sido aceptada"
    assert result.http_status == 200 and result.cdr_zip and result.cdr_xml
    request = recorder.requests[0]
    assert str(request.url) == "http://sunat.test/ol-ti-itcpfegem-beta/billService"
    assert request.headers["SOAPAction"] == "urn:sendBill"
    assert request.headers["Content-Type"].startswith("text/xml")
    call = recorder.body()
    assert call.tag == f"{{{SERVICE_NS}}}sendBill"
    assert call.findtext("fileName") == "20000000001-01-F001-1.zip"
    assert base64.b64decode(call.findtext("contentFile")) == zipped


@pytest.mark.parametrize(
    ("stem", "path", "operation"),
    [
        ("20000000001-01-F001-1", "/ol-ti-itcpfegem-beta/billService", "sendBill"),
        ("20000000001-03-B001-1", "/ol-ti-itcpfegem-beta/billService", "sendBill"),
        ("20000000001-07-FC01-1", "/ol-ti-itcpfegem-beta/billService", "sendBill"),
        ("20000000001-08-FD01-1", "/ol-ti-itcpfegem-beta/billService", "sendBill"),
        ("20000000001-RC-20261122-1", "/ol-ti-itcpfegem-beta/billService", "sendSummary"),
        ("20000000001-RA-20261122-1", "/ol-ti-itcpfegem-beta/billService", "sendSummary"),
        ("20000000001-20-R001-1", "/ol-ti-itemision-otroscpe-gem-beta/billService", "sendBill"),
        ("20000000001-40-P001-1", "/ol-ti-itemision-otroscpe-gem-beta/billService", "sendBill"),
        ("20000000001-RR-20261122-1", "/ol-ti-itemision-otroscpe-gem-beta/billService", "sendSummary"),
    ],
)
def test_send_xml_routes_by_document_type(stem: str, path: str, operation: str) -> None:
    if operation == "sendBill":
        answer = reply("sendBill", f"<applicationResponse>{b64(cdr_for('F001-1'))}</applicationResponse>")
    else:
        answer = reply("sendSummary", "<ticket>1703154974517</ticket>")
    recorder = Recorder(httpx.Response(200, content=answer))
    xml = b"<Invoice>signed</Invoice>"
    result = service(recorder).send_xml(stem, xml)
    assert recorder.requests[0].url.path == path
    call = recorder.body()
    assert etree.QName(call).localname == operation
    assert call.findtext("fileName") == f"{stem}.zip"
    entry = read_single_xml(base64.b64decode(call.findtext("contentFile")))
    assert (entry.name, entry.content) == (f"{stem}.xml", xml)
    if operation == "sendSummary":
        assert result.outcome is Outcome.PENDING and result.ticket == "1703154974517"
    else:
        assert result.outcome is Outcome.ACCEPTED


def cdr_for(reference: str, code: str = "0", notes: tuple[str, ...] = ()) -> bytes:
    xml = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>'
        '<ar:ApplicationResponse xmlns:ar="urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2" '
        'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
        'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        + "".join(f"<cbc:Note>{note}</cbc:Note>" for note in notes)
        + f"<cac:DocumentResponse><cac:Response><cbc:ReferenceID>{reference}</cbc:ReferenceID>"
        f"<cbc:ResponseCode>{code}</cbc:ResponseCode></cac:Response></cac:DocumentResponse>"
        "</ar:ApplicationResponse>"
    ).encode("iso-8859-1")
    return zip_cdr(f"R-20000000001-01-{reference}.xml", xml)


def test_get_status_pending_then_done() -> None:
    recorder = Recorder(
        httpx.Response(200, content=reply("getStatus", "<status><statusCode>98</statusCode></status>")),
        httpx.Response(200, content=reply("getStatus", "<status><statusCode>0098</statusCode></status>")),
        httpx.Response(200, content=(RESPONSES / "get_status_response_ok.xml").read_bytes()),
    )
    bill = service(recorder)
    for _ in range(2):
        pending = bill.get_status("1703154974517")
        assert (
            pending.outcome is Outcome.PENDING and pending.ticket == "1703154974517" and pending.code == "98"
        )
    done = bill.get_status("1703154974517")
    assert done.outcome is Outcome.ACCEPTED and done.ticket == "1703154974517"
    assert done.reference_id == "RA-20200328-1"
    assert recorder.body().findtext("ticket") == "1703154974517"
    assert all(r.url.path == "/ol-ti-itcpfegem-beta/billService" for r in recorder.requests)


def test_get_status_of_a_reversion_asks_the_otros_service() -> None:
    recorder = Recorder(
        httpx.Response(200, content=reply("getStatus", "<status><statusCode>98</statusCode></status>"))
    )
    service(recorder).get_status("1", document_type="RR")
    assert recorder.requests[0].url.path == "/ol-ti-itemision-otroscpe-gem-beta/billService"


def test_get_status_99_with_rejection_cdr() -> None:
    content = b64(cdr_for("RC-20261122-1", "2282"))
    recorder = Recorder(
        httpx.Response(
            200,
            content=reply(
                "getStatus", f"<status><statusCode>99</statusCode><content>{content}</content></status>"
            ),
        )
    )
    result = service(recorder).get_status("42")
    assert result.outcome is Outcome.REJECTED and result.code == "2282" and result.ticket == "42"
    assert result.cdr_zip is not None


@pytest.mark.parametrize(
    ("inner", "outcome", "code"),
    [
        ("<status><statusCode>0127</statusCode></status>", Outcome.EXCEPTION, "0127"),
        ("<status><statusCode>99</statusCode></status>", Outcome.EXCEPTION, "MALFORMED"),
        ("<status><statusCode>0</statusCode></status>", Outcome.EXCEPTION, "MALFORMED"),
        ("<status><statusCode>0</statusCode><content>***</content></status>", Outcome.EXCEPTION, "MALFORMED"),
        ("<status/>", Outcome.EXCEPTION, "MALFORMED"),
    ],
)
def test_get_status_odd_answers(inner: str, outcome: Outcome, code: str) -> None:
    result = service(Recorder(httpx.Response(200, content=reply("getStatus", inner)))).get_status("7")
    assert (result.outcome, result.code) == (outcome, code)


def test_get_status_0127_fault() -> None:
    fault = (
        b'<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body>'
        b"<soap-env:Fault><faultcode>soap-env:Client.0127</faultcode><faultstring/></soap-env:Fault>"
        b"</soap-env:Body></soap-env:Envelope>"
    )
    result = service(Recorder(httpx.Response(500, content=fault))).get_status("7")
    assert result.outcome is Outcome.EXCEPTION and result.code == "0127"
    assert result.description == "El ticket no existe" and not result.retryable


def test_send_bill_observed_and_rejected_cdrs() -> None:
    observed = reply(
        "sendBill",
        f"<applicationResponse>{b64(cdr_for('F001-3', notes=('4031 - Debe indicar',)))}</applicationResponse>",
    )
    rejected = reply(
        "sendBill", f"<applicationResponse>{b64(cdr_for('F001-4', '2800'))}</applicationResponse>"
    )
    recorder = Recorder(httpx.Response(200, content=observed), httpx.Response(200, content=rejected))
    bill = service(recorder)
    first = bill.send_bill("20000000001-01-F001-3.zip", b"zip")
    assert first.outcome is Outcome.OBSERVED and [n.code for n in first.notes] == ["4031"]
    second = bill.send_bill("20000000001-01-F001-4.zip", b"zip")
    assert second.outcome is Outcome.REJECTED and second.code == "2800" and second.cdr_zip


def test_send_bill_answers_that_are_not_cdrs() -> None:
    recorder = Recorder(
        httpx.Response(200, content=reply("sendBill", "")),
        httpx.Response(
            200, content=reply("sendBill", "<applicationResponse>bm90IGEgemlw</applicationResponse>")
        ),
        httpx.Response(200, content=reply("sendSummary", "")),
    )
    bill = service(recorder)
    assert bill.send_bill("20000000001-01-F001-1.zip", b"z").code == "MALFORMED"
    assert bill.send_bill("20000000001-01-F001-1.zip", b"z").code == "MALFORMED"
    assert bill.send_summary("20000000001-RC-20261122-1.zip", b"z").code == "MALFORMED"


def test_send_pack_goes_to_the_cpe_service() -> None:
    recorder = Recorder(httpx.Response(200, content=reply("sendPack", "<ticket>55</ticket>")))
    result = service(recorder).send_pack("20000000001-LT-20261122-1.zip", b"zip")
    assert result.outcome is Outcome.PENDING and result.ticket == "55"
    assert recorder.requests[0].headers["SOAPAction"] == "urn:sendPack"
    assert recorder.requests[0].url.path == "/ol-ti-itcpfegem-beta/billService"


def test_party_type_is_sent_when_given() -> None:
    recorder = Recorder(
        httpx.Response(
            200,
            content=reply("sendBill", f"<applicationResponse>{b64(cdr_for('F001-1'))}</applicationResponse>"),
        )
    )
    service(recorder).send_bill("20000000001-01-F001-1.zip", b"z", party_type="1")
    assert [child.tag for child in recorder.body()] == ["fileName", "contentFile", "partyType"]


def test_programming_errors_raise() -> None:
    bill = service(Recorder())
    with pytest.raises(ValueError, match=".zip"):
        bill.send_bill("20000000001-01-F001-1.xml", b"")
    with pytest.raises(ValueError, match="GRE"):
        bill.send_bill("20000000001-09-T001-1.zip", b"")
    with pytest.raises(ValueError, match="SUNAT file name"):
        bill.send_bill("factura.zip", b"")


# -- network failures ----------------------------------------------------------------


def failing(exc_type: type[httpx.TransportError], message: str = "boom", cause: BaseException | None = None):
    def handler(request: httpx.Request) -> httpx.Response:
        error = exc_type(message, request=request)
        if cause is not None:
            raise error from cause
        raise error

    return handler


@pytest.mark.parametrize(
    ("exc_type", "code", "retryable"),
    [
        (httpx.ConnectTimeout, "TIMEOUT", True),
        (httpx.ReadTimeout, "TIMEOUT", True),
        (httpx.WriteTimeout, "TIMEOUT", True),
        (httpx.PoolTimeout, "TIMEOUT", True),
        (httpx.ConnectError, "CONNECTION", True),
        (httpx.ReadError, "CONNECTION", True),
        (httpx.RemoteProtocolError, "CONNECTION", True),
    ],
)
def test_transport_errors_become_exceptions(exc_type, code: str, retryable: bool) -> None:
    bill = BillService(ENDPOINTS, SOL, transport=httpx.MockTransport(failing(exc_type)))
    result = bill.send_bill("20000000001-01-F001-1.zip", b"zip")
    assert result.outcome is Outcome.EXCEPTION and result.code == code and result.retryable is retryable
    assert result.http_status is None and "ol-ti-itcpfegem-beta" in result.description


def test_tls_failure_is_not_retryable() -> None:
    cause = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    bill = BillService(
        ENDPOINTS, SOL, transport=httpx.MockTransport(failing(httpx.ConnectError, "tls", cause))
    )
    result = bill.send_bill("20000000001-01-F001-1.zip", b"zip")
    assert result.outcome is Outcome.EXCEPTION and result.code == "TLS" and result.retryable is False


@pytest.mark.parametrize(
    ("status", "retryable"),
    [(500, True), (502, True), (503, True), (504, True), (429, True), (404, False), (401, False)],
)
def test_http_errors_without_fault(status: int, retryable: bool) -> None:
    page = b"<html><body><h1>Service Unavailable</h1></body></html>"
    result = service(
        Recorder(httpx.Response(status, content=page, headers={"Content-Type": "text/html"}))
    ).send_bill("20000000001-01-F001-1.zip", b"zip")
    assert result.outcome is Outcome.EXCEPTION and result.code == f"HTTP-{status}"
    assert result.http_status == status and result.retryable is retryable


def test_oversized_answer_is_dropped() -> None:
    big = reply("sendBill", "<applicationResponse>" + "A" * 50_000 + "</applicationResponse>")
    result = service(Recorder(httpx.Response(200, content=big)), max_response_bytes=10_000).send_bill(
        "20000000001-01-F001-1.zip", b"zip"
    )
    assert (
        result.outcome is Outcome.EXCEPTION and result.code == "MALFORMED" and "exceeds" in result.description
    )


def test_a_given_client_is_reused_and_not_closed() -> None:
    recorder = Recorder(
        httpx.Response(200, content=reply("sendSummary", "<ticket>1</ticket>")),
        httpx.Response(200, content=reply("sendSummary", "<ticket>2</ticket>")),
    )
    client = httpx.Client(transport=httpx.MockTransport(recorder))
    with BillService(ENDPOINTS, SOL, client=client) as bill:
        assert bill.client is client
        assert bill.send_summary("20000000001-RC-20261122-1.zip", b"z").ticket == "1"
    assert not client.is_closed
    other = BillService(ENDPOINTS, SOL, client=client)
    assert other.send_summary("20000000001-RC-20261122-2.zip", b"z").ticket == "2"
    client.close()


def test_default_client_has_timeouts_and_verifies_tls() -> None:
    bill = BillService(Endpoints.beta(), SOL)
    timeout = bill.client.timeout
    assert timeout.connect == 10.0 and timeout.read == 60.0
    bill.close()
    assert bill.client.is_closed


# -- billConsultService --------------------------------------------------------------


def consult(recorder: Recorder) -> ConsultService:
    return ConsultService(ENDPOINTS, SOL, transport=httpx.MockTransport(recorder))


def test_consult_get_status_cdr_with_cdr() -> None:
    data = (CDRS / "cdrBaja.zip").read_bytes()
    recorder = Recorder(
        httpx.Response(
            200,
            content=reply(
                "getStatusCdr",
                f"<statusCdr><content>{b64(data)}</content><statusCode>0004</statusCode>"
                "<statusMessage>La constancia existe</statusMessage></statusCdr>",
            ),
        )
    )
    result = consult(recorder).get_status_cdr("20000000001", "01", "F001", 1)
    assert result.outcome is Outcome.ACCEPTED and result.cdr_zip == data
    request = recorder.requests[0]
    assert request.url.path == "/ol-it-wsconscpegem/billConsultService"
    assert request.headers["SOAPAction"] == "urn:getStatusCdr"
    call = recorder.body()
    assert [(c.tag, c.text) for c in call] == [
        ("rucComprobante", "20000000001"),
        ("tipoComprobante", "01"),
        ("serieComprobante", "F001"),
        ("numeroComprobante", "1"),
    ]


def test_consult_get_status_cdr_without_cdr() -> None:
    recorder = Recorder(
        httpx.Response(
            200,
            content=reply(
                "getStatusCdr",
                "<statusCdr><statusCode>0011</statusCode><statusMessage>No existe</statusMessage></statusCdr>",
            ),
        )
    )
    result = consult(recorder).get_status_cdr("20000000001", "01", "F001", "99")
    assert result.outcome is Outcome.EXCEPTION and result.code == "0011" and result.description == "No existe"
    assert not result.retryable


@pytest.mark.parametrize(
    ("code", "outcome", "retryable"),
    [
        ("0001", Outcome.ACCEPTED, False),
        ("0002", Outcome.REJECTED, False),
        ("0003", Outcome.ACCEPTED, False),
        ("0011", Outcome.EXCEPTION, False),
        ("0012", Outcome.EXCEPTION, False),
        ("0014", Outcome.EXCEPTION, True),
    ],
)
def test_consult_get_status_codes(code: str, outcome: Outcome, retryable: bool) -> None:
    recorder = Recorder(
        httpx.Response(200, content=reply("getStatus", f"<status><statusCode>{code}</statusCode></status>"))
    )
    result = consult(recorder).get_status("20000000001", "01", "F001", 1)
    assert (result.outcome, result.code, result.retryable) == (outcome, code, retryable)
    assert result.description
    assert recorder.requests[0].headers["SOAPAction"] == "urn:getStatus"


def test_consult_needs_an_endpoint() -> None:
    with pytest.raises(ValueError, match="billConsultService"):
        ConsultService(Endpoints.beta(), SOL)
