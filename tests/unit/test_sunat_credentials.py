"""Secrets stay secret: credentials' repr/str, results, and every log line of a full exchange."""

from __future__ import annotations

import base64
import logging

import httpx
import pytest

from paths import FIXTURES
from yupana.sunat.company_client import CompanyClient
from yupana.sunat.credentials import GreCredentials, SolCredentials
from yupana.sunat.endpoints import Endpoints
from yupana.sunat.gre_token import AccessToken, TokenCache

SOL = SolCredentials("20123456786", "FACTURAS", "Sol-P4ssw0rd!")
GRE = GreCredentials("9f3c1f8e-client", "Gre-S3cret-Value")
TOKEN = "eyJ-very-secret-access-token"
SECRETS = (SOL.password, GRE.client_secret, TOKEN)
CDR = (FIXTURES / "greenter-lycet" / "greenter-cdr" / "cdrGRE.zip").read_bytes()


def test_repr_and_str_hide_secrets() -> None:
    for shown in (repr(SOL), str(SOL), repr(GRE), str(GRE), f"{SOL} {GRE!r}", repr([SOL, GRE])):
        assert SOL.password not in shown and GRE.client_secret not in shown
    assert "20123456786" in repr(SOL) and "FACTURAS" in repr(SOL) and GRE.client_id in repr(GRE)
    token = AccessToken(TOKEN, 0.0)
    assert TOKEN not in repr(token) and TOKEN not in str(token)


def test_credentials_basics() -> None:
    assert SOL.username == "20123456786FACTURAS"
    assert SOL == SolCredentials("20123456786", "FACTURAS", "Sol-P4ssw0rd!")
    assert SOL.fingerprint() != SolCredentials("20123456786", "FACTURAS", "other").fingerprint()
    assert SOL.password not in SOL.fingerprint()
    with pytest.raises(ValueError, match="RUC"):
        SolCredentials("2012345678", "X", "y")
    with pytest.raises(ValueError, match="user"):
        SolCredentials("20123456786", "", "y")
    with pytest.raises(ValueError, match="client_id"):
        GreCredentials("", "y")


def soap(operation: str, inner: str) -> bytes:
    return (
        '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>'
        f'<ns2:{operation}Response xmlns:ns2="http://service.sunat.gob.pe">{inner}</ns2:{operation}Response>'
        "</S:Body></S:Envelope>"
    ).encode()


def handler(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if "oauth2" in path:
        return httpx.Response(200, json={"access_token": TOKEN, "token_type": "JWT", "expires_in": 3600})
    if path.startswith("/v1/contribuyente/gem/comprobantes/envios/"):
        return httpx.Response(200, json={"codRespuesta": "0", "arcCdr": base64.b64encode(CDR).decode()})
    if path.startswith("/v1/contribuyente/gem/comprobantes/"):
        return httpx.Response(200, json={"numTicket": "abc-123", "fecRecepcion": "2026-11-22T10:00:00"})
    action = request.headers["SOAPAction"]
    if action == "urn:sendBill":
        return httpx.Response(
            200,
            content=soap(
                "sendBill", f"<applicationResponse>{base64.b64encode(CDR).decode()}</applicationResponse>"
            ),
        )
    if action == "urn:sendSummary":
        return httpx.Response(200, content=soap("sendSummary", "<ticket>123</ticket>"))
    if action == "urn:getStatus":
        return httpx.Response(200, content=soap("getStatus", "<status><statusCode>98</statusCode></status>"))
    if action == "urn:getStatusCdr":
        fault = (
            b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>'
            b"<faultcode>s:Client.0102</faultcode><faultstring>Usuario o contrasena incorrectos</faultstring>"
            b"</s:Fault></s:Body></s:Envelope>"
        )
        return httpx.Response(500, content=fault)
    raise httpx.ConnectError("unexpected", request=request)


def test_no_secret_in_logs_or_results(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with CompanyClient(
        Endpoints.simulator("http://sunat.test"),
        SOL,
        GRE,
        transport=httpx.MockTransport(handler),
        tokens=TokenCache(),
    ) as company:
        results = [
            company.send_xml("20123456786-01-F001-1", b"<Invoice/>"),
            company.send_xml("20123456786-RC-20261122-1", b"<SummaryDocuments/>"),
            company.poll("123", "RC"),
            company.recover("20123456786-01-F001-1"),
            company.send_xml("20123456786-09-T001-1", b"<DespatchAdvice/>"),
            company.poll("abc-123", "09"),
        ]
    assert [r.outcome.value for r in results] == [
        "observed",
        "pending",
        "pending",
        "exception",
        "pending",
        "observed",
    ]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in SECRETS:
        assert secret not in logged
        assert all(secret not in repr(r) and secret not in str(r.as_dict()) for r in results)
    # What is logged is useful: operations, URLs, file names, codes.
    sunat_lines = [r.getMessage() for r in caplog.records if r.name == "yupana.sunat"]
    assert all(r.levelno == logging.DEBUG for r in caplog.records if r.name == "yupana.sunat")
    assert any("sendBill" in line and "20123456786-01-F001-1.zip" in line for line in sunat_lines)
    assert any("http://sunat.test/ol-ti-itcpfegem-beta/billService" in line for line in sunat_lines)
    assert any("0102" in line for line in sunat_lines)
    assert any("gre-send" in line and "20123456786-09-T001-1.zip" in line for line in sunat_lines)
