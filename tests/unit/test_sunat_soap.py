"""SOAP messages: our envelopes against SUNAT's request samples, SUNAT's real answers read back."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from lxml import etree

from paths import SUNAT
from yupana.sunat.credentials import SolCredentials
from yupana.sunat.results import Outcome
from yupana.sunat.soap import (
    PASSWORD_TEXT,
    SoapError,
    SoapFault,
    SoapReply,
    build_envelope,
    decode_base64,
    fault_code_number,
    parse_answer,
)
from yupana.sunat.soap_call import fault_result, read_answer
from yupana.sunat.transport import HttpAnswer

MESSAGES = SUNAT / "services" / "soap-messages"
CREDENTIALS = SolCredentials("20000000001", "MODDATOS", "moddatos")
PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


def shape(element: etree._Element) -> tuple:
    """Tag (namespace + local name), attributes and children, ignoring prefixes and text."""
    return (
        element.tag,
        tuple(sorted(element.attrib.items())),
        tuple(shape(child) for child in element if isinstance(child.tag, str)),
    )


def texts(element: etree._Element) -> dict[str, str]:
    return {
        etree.QName(node).localname: (node.text or "").strip()
        for node in element.iter()
        if isinstance(node.tag, str) and not len(node)
    }


def template(name: str, values: dict[str, str]) -> etree._Element:
    raw = (MESSAGES / "requests" / name).read_text(encoding="utf-8")
    return etree.fromstring(PLACEHOLDER.sub(lambda m: values[m.group(1)], raw).encode())


@pytest.mark.parametrize(
    ("sample", "operation", "fields", "values"),
    [
        (
            "send_bill.xml",
            "sendBill",
            [("fileName", "20000000001-01-F001-1.zip"), ("contentFile", "UEsDBA==")],
            {"body.filename": "20000000001-01-F001-1.zip", "body.file_content": "UEsDBA=="},
        ),
        (
            "send_summary.xml",
            "sendSummary",
            [("fileName", "20000000001-RC-20261122-1.zip"), ("contentFile", "UEsDBA==")],
            {"body.filename": "20000000001-RC-20261122-1.zip", "body.file_content": "UEsDBA=="},
        ),
        ("verify_ticket.xml", "getStatus", [("ticket", "1703154974517")], {"ticket": "1703154974517"}),
        (
            "get_status_crd.xml",
            "getStatusCdr",
            [
                ("rucComprobante", "20000000001"),
                ("tipoComprobante", "01"),
                ("serieComprobante", "F001"),
                ("numeroComprobante", "1"),
            ],
            {
                "body.ruc": "20000000001",
                "body.tipo_comprobante": "01",
                "body.serie_comprobante": "F001",
                "body.numero_comprobante": "1",
            },
        ),
    ],
)
def test_envelope_has_the_structure_of_sunats_sample(sample, operation, fields, values) -> None:
    values = {"username": CREDENTIALS.username, "password": CREDENTIALS.password, **values}
    expected = template(sample, values)
    ours = etree.fromstring(build_envelope(CREDENTIALS, operation, fields))
    assert shape(ours) == shape(expected)
    assert texts(ours) == texts(expected)


def test_envelope_security_header_and_escaping() -> None:
    tricky = SolCredentials("20000000001", "MODDATOS", "p<&>'\"w")
    root = etree.fromstring(build_envelope(tricky, "sendBill", [("fileName", "a&b.zip")]))
    ns = {
        "s": "http://schemas.xmlsoap.org/soap/envelope/",
        "wsse": "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
        "ser": "http://service.sunat.gob.pe",
    }
    assert root.findtext("s:Header/wsse:Security/wsse:UsernameToken/wsse:Username", namespaces=ns) == (
        "20000000001MODDATOS"
    )
    password = root.find("s:Header/wsse:Security/wsse:UsernameToken/wsse:Password", namespaces=ns)
    assert password is not None and password.text == "p<&>'\"w" and password.get("Type") == PASSWORD_TEXT
    call = root.find("s:Body/ser:sendBill", namespaces=ns)
    assert call is not None and call.findtext("fileName") == "a&b.zip"


def answer(name: str, status: int = 200) -> HttpAnswer:
    return HttpAnswer(status, (MESSAGES / "responses" / name).read_bytes(), "text/xml")


def test_send_bill_response_gives_the_cdr() -> None:
    reply = read_answer(answer("bill_service_response_ok.xml"), "sendBill")
    assert isinstance(reply, SoapReply) and reply.operation == "sendBillResponse"
    cdr_zip = decode_base64(reply.text("applicationResponse"))
    assert cdr_zip is not None and cdr_zip.startswith(b"PK")


def test_send_summary_response_gives_the_ticket() -> None:
    reply = read_answer(answer("bill_service_response_ticket.xml"), "sendSummary")
    assert isinstance(reply, SoapReply) and reply.text("ticket") == "1703154974517"


def test_get_status_response_with_another_prefix() -> None:
    reply = read_answer(answer("get_status_response_ok.xml"), "getStatus")
    assert isinstance(reply, SoapReply)
    assert reply.text("status", "statusCode") == "0"
    assert decode_base64(reply.text("status", "content")) is not None


def test_real_fault_sample_is_a_non_retryable_exception() -> None:
    result = read_answer(answer("bill_service_response_fault.xml", 500), "sendBill")
    assert not isinstance(result, SoapReply)
    assert result.outcome is Outcome.EXCEPTION
    assert result.code == "0111"
    assert result.description.startswith("No tiene el perfil para enviar comprobantes electronicos")
    assert result.http_status == 500 and result.retryable is False


def fault_xml(code: str, text: str, prefix: str = "soap-env") -> bytes:
    return (
        f'<{prefix}:Envelope xmlns:{prefix}="http://schemas.xmlsoap.org/soap/envelope/"><{prefix}:Body>'
        f"<{prefix}:Fault><faultcode>{code}</faultcode><faultstring>{text}</faultstring></{prefix}:Fault>"
        f"</{prefix}:Body></{prefix}:Envelope>"
    ).encode()


@pytest.mark.parametrize(
    ("faultcode", "faultstring", "outcome", "code", "retryable"),
    [
        ("soap-env:Client.0111", "No tiene el perfil", Outcome.EXCEPTION, "0111", False),
        ("soap-env:Server.0130", "", Outcome.EXCEPTION, "0130", True),
        ("S:Server.0109", "El sistema no puede responder", Outcome.EXCEPTION, "0109", True),
        ("env:Client.0200", "batch", Outcome.EXCEPTION, "0200", True),
        ("soap-env:Client.0132", "zip", Outcome.EXCEPTION, "0132", True),
        ("soap-env:Client.1033", "registrado previamente", Outcome.EXCEPTION, "1033", False),
        ("soap-env:Client.0306", "", Outcome.EXCEPTION, "0306", False),
        (
            "soap-env:Client.3103",
            "Detalle: xxx value='ticket: 1 error: 3103'",
            Outcome.REJECTED,
            "3103",
            False,
        ),
        ("soap-env:Client.2017", "", Outcome.REJECTED, "2017", False),
        ("soap:Client", "0151 - El nombre del archivo ZIP es incorrecto", Outcome.EXCEPTION, "0151", False),
        ("soap:Server", "Internal Error", Outcome.EXCEPTION, "Server", True),
        ("soap:Client", "Bad request", Outcome.EXCEPTION, "Client", False),
    ],
)
def test_fault_codes_map_to_outcomes(faultcode, faultstring, outcome, code, retryable) -> None:
    result = read_answer(HttpAnswer(500, fault_xml(faultcode, faultstring), "text/xml"), "sendBill")
    assert not isinstance(result, SoapReply)
    assert (result.outcome, result.code, result.retryable) == (outcome, code, retryable)
    assert result.description  # SUNAT's message when the fault has no text
    assert result.http_status == 500


def test_fault_without_text_takes_sunats_message() -> None:
    result = fault_result(SoapFault("soap-env:Client.0102", "", "0102"), 500)
    assert result.description == "Usuario o contrasena incorrectos"


def test_fault_code_number() -> None:
    assert fault_code_number("soap-env:Client.0111", "") == "0111"
    assert fault_code_number("Client.111", "") == "0111"
    assert fault_code_number("ns0:2800", "") == "2800"
    assert (
        fault_code_number("soap:Client", "2335 - El documento electronico ingresado ha sido alterado")
        == "2335"
    )
    assert fault_code_number("soap:Client", "Rejected by policy") is None


def test_soap12_fault_is_read() -> None:
    body = (
        b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><e:Fault>'
        b"<e:Code><e:Value>e:Sender.0102</e:Value></e:Code><e:Reason><e:Text>bad user</e:Text></e:Reason>"
        b"</e:Fault></e:Body></e:Envelope>"
    )
    parsed = parse_answer(body)
    assert isinstance(parsed, SoapFault) and parsed.code == "0102" and parsed.faultstring == "bad user"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html><body>Bad gateway</body></html>",
        b"<soap:Envelope xmlns:soap='http://schemas.xmlsoap.org/soap/envelope/'/>",
        b"<soap:Envelope xmlns:soap='http://schemas.xmlsoap.org/soap/envelope/'><soap:Body/></soap:Envelope>",
        b"<not-closed>",
    ],
)
def test_malformed_answers(body: bytes) -> None:
    with pytest.raises((SoapError, ValueError)):
        parse_answer(body)
    ok = read_answer(HttpAnswer(200, body, "text/xml"), "sendBill")
    assert not isinstance(ok, SoapReply)
    assert ok.outcome is Outcome.EXCEPTION and ok.code == "MALFORMED" and ok.retryable is False
    bad_gateway = read_answer(HttpAnswer(502, body, "text/html"), "sendBill")
    assert not isinstance(bad_gateway, SoapReply)
    assert bad_gateway.code == "HTTP-502" and bad_gateway.retryable is True


def test_http_error_with_a_valid_reply_is_still_an_error() -> None:
    result = read_answer(answer("bill_service_response_ticket.xml", 404), "sendSummary")
    assert not isinstance(result, SoapReply)
    assert result.code == "HTTP-404" and result.retryable is False


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<br:sendSummaryResponse xmlns:br="http://service.sunat.gob.pe"><ticket>&xxe;</ticket></br:sendSummaryResponse>
</soap:Body></soap:Envelope>"""

LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    b'<br:sendSummaryResponse xmlns:br="http://service.sunat.gob.pe"><ticket>&lol9;</ticket>'
    b"</br:sendSummaryResponse></soap:Body></soap:Envelope>"
)


@pytest.mark.parametrize("body", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_hostile_answers_are_refused(body: bytes) -> None:
    result = read_answer(HttpAnswer(200, body, "text/xml"), "sendSummary")
    assert not isinstance(result, SoapReply)
    assert result.outcome is Outcome.EXCEPTION and result.code == "MALFORMED"
    assert "root:" not in result.description and "lollol" not in result.description


def test_base64_decoding_is_strict_but_tolerates_line_breaks() -> None:
    data = b"PK\x03\x04 some bytes"
    wrapped = "\n".join(re.findall(".{1,8}", base64.b64encode(data).decode()))
    assert decode_base64(wrapped) == data
    assert decode_base64("not base64!") is None
    assert decode_base64(None) is None


def test_every_sample_response_parses(tmp_path: Path) -> None:
    for path in sorted((MESSAGES / "responses").glob("*.xml")):
        assert isinstance(parse_answer(path.read_bytes()), (SoapReply, SoapFault)), path.name
