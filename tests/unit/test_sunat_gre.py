"""GRE REST platform: JSON shapes against SUNAT's OpenAPI, tokens, tickets, errors (MockTransport)."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import yaml

from paths import FIXTURES, SUNAT
from yupana.sunat.archive import read_single_xml, zip_cdr
from yupana.sunat.credentials import GreCredentials, SolCredentials
from yupana.sunat.endpoints import Endpoints
from yupana.sunat.gre import GreService, error_result, send_body, status_result
from yupana.sunat.gre_token import SCOPE, TokenCache
from yupana.sunat.results import Outcome

OPENAPI = yaml.safe_load((SUNAT / "services" / "gre-rest" / "openapi.yaml").read_text(encoding="utf-8"))
SCHEMAS = OPENAPI["components"]["schemas"]
CDR_GRE = (FIXTURES / "greenter-lycet" / "greenter-cdr" / "cdrGRE.zip").read_bytes()
SOL = SolCredentials("20000000001", "MODDATOS", "sol-secret-pw")
GRE = GreCredentials("test-85e5b0ae-255c-4891-a595-0b98c65c9854", "client-secret-xyz")
ENDPOINTS = Endpoints.simulator("http://sunat.test")
TICKET = "3a0a4b6c-1d2e-4f50-8a7b-9c0d1e2f3a4b"


def conforms(value: Any, schema: dict[str, Any], *, all_properties: bool = False) -> list[str]:
    """Differences between ``value`` and an OpenAPI schema (types, no undeclared keys)."""
    if "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    kind = schema.get("type")
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{value!r} is not an object"]
        properties = schema.get("properties", {})
        problems = [f"undeclared key {key!r}" for key in value if key not in properties]
        if all_properties:
            problems += [f"missing key {key!r}" for key in properties if key not in value]
        for key, item in value.items():
            if key in properties:
                problems += conforms(item, properties[key], all_properties=all_properties)
        return problems
    if kind == "array":
        return (
            [p for item in value for p in conforms(item, schema["items"])]
            if isinstance(value, list)
            else ["not a list"]
        )
    expected = {"string": str, "integer": int}.get(kind)
    return [] if expected is None or isinstance(value, expected) else [f"{value!r} is not a {kind}"]


class FakeGre:
    """SUNAT's GRE platform as MockTransport handler; records what it got."""

    def __init__(self, *, token_ttl: int = 3600) -> None:
        self.token_ttl = token_ttl
        self.token_requests: list[dict[str, list[str]]] = []
        self.requests: list[httpx.Request] = []
        self.issued = 0
        self.valid_tokens: set[str] = set()
        self.status_answers: list[tuple[int, dict[str, Any]]] = []
        self.send_answer: tuple[int, dict[str, Any]] | None = None
        self.token_status = 200
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.startswith("/v1/clientessol/"):
            with self.lock:
                time.sleep(0.01)
                self.token_requests.append(parse_qs(request.content.decode()))
                if self.token_status != 200:
                    return httpx.Response(
                        self.token_status, json={"error": "invalid_client", "error_description": "bad client"}
                    )
                self.issued += 1
                token = f"token-{self.issued}"
                self.valid_tokens.add(token)
            return httpx.Response(
                200, json={"access_token": token, "token_type": "JWT", "expires_in": self.token_ttl}
            )
        self.requests.append(request)
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.valid_tokens:
            return httpx.Response(401, json={"msg": "token invalido"})
        if request.method == "POST":
            status, body = self.send_answer or (
                200,
                {"numTicket": TICKET, "fecRecepcion": "2026-11-22T10:00:00"},
            )
            return httpx.Response(status, json=body)
        status, body = self.status_answers.pop(0)
        return httpx.Response(status, json=body)


def gre_service(fake: FakeGre, tokens: TokenCache | None = None) -> GreService:
    return GreService(ENDPOINTS, SOL, GRE, transport=httpx.MockTransport(fake), tokens=tokens or TokenCache())


def test_send_body_matches_cpe_document_schema() -> None:
    zipped = b"PK\x03\x04 a guide"
    body = send_body("20000000001-09-T001-1.zip", zipped)
    assert conforms(body, {"$ref": "#/components/schemas/CpeDocument"}, all_properties=True) == []
    assert body["archivo"]["nomArchivo"] == "20000000001-09-T001-1.zip"
    assert base64.b64decode(body["archivo"]["arcGreZip"]) == zipped
    assert body["archivo"]["hashZip"] == hashlib.sha256(zipped).hexdigest()


def test_send_xml_posts_to_the_file_name_path_with_a_token() -> None:
    fake = FakeGre()
    xml = b"<DespatchAdvice>signed</DespatchAdvice>"
    result = gre_service(fake).send_xml("20000000001-09-T001-1", xml)
    assert result.outcome is Outcome.PENDING and result.ticket == TICKET and result.http_status == 200
    request = fake.requests[0]
    assert request.url.path == "/v1/contribuyente/gem/comprobantes/20000000001-09-T001-1"
    assert request.headers["Authorization"] == "Bearer token-1"
    sent = json.loads(request.content)
    assert conforms(sent, {"$ref": "#/components/schemas/CpeDocument"}, all_properties=True) == []
    entry = read_single_xml(base64.b64decode(sent["archivo"]["arcGreZip"]))
    assert (entry.name, entry.content) == ("20000000001-09-T001-1.xml", xml)
    token_form = fake.token_requests[0]
    required = OPENAPI["paths"]["/clientessol/{client_id}/oauth2/token/"]["post"]["requestBody"]["content"][
        "application/x-www-form-urlencoded"
    ]["schema"]["required"]
    assert sorted(token_form) == sorted(required)
    assert {k: v[0] for k, v in token_form.items()} == {
        "grant_type": "password",
        "scope": SCOPE,
        "client_id": GRE.client_id,
        "client_secret": GRE.client_secret,
        "username": "20000000001MODDATOS",
        "password": SOL.password,
    }


def test_token_url_path_follows_the_openapi() -> None:
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        if "oauth2" in request.url.path:
            return httpx.Response(200, json={"access_token": "t", "token_type": "JWT", "expires_in": 3600})
        return httpx.Response(200, json={"numTicket": TICKET, "fecRecepcion": "2026-11-22T10:00:00"})

    GreService(ENDPOINTS, SOL, GRE, transport=httpx.MockTransport(handler), tokens=TokenCache()).send(
        "20000000001-31-V001-5.zip", b"z"
    )
    assert paths[0] == f"/v1/clientessol/{GRE.client_id}/oauth2/token/"
    assert paths[1] == "/v1/contribuyente/gem/comprobantes/20000000001-31-V001-5"


def test_token_is_reused_until_shortly_before_expiry() -> None:
    now = [1000.0]
    tokens = TokenCache(margin=60, clock=lambda: now[0])
    fake = FakeGre(token_ttl=600)
    gre = gre_service(fake, tokens)
    gre.send("20000000001-09-T001-1.zip", b"z")
    gre.send("20000000001-09-T001-2.zip", b"z")
    assert len(fake.token_requests) == 1
    now[0] += 539  # 600 s token, dropped 60 s early
    gre.send("20000000001-09-T001-3.zip", b"z")
    assert len(fake.token_requests) == 1
    now[0] += 2
    gre.send("20000000001-09-T001-4.zip", b"z")
    assert len(fake.token_requests) == 2
    assert fake.requests[-1].headers["Authorization"] == "Bearer token-2"


def test_tokens_are_kept_per_credentials() -> None:
    tokens = TokenCache()
    fake = FakeGre()
    transport = httpx.MockTransport(fake)
    GreService(ENDPOINTS, SOL, GRE, transport=transport, tokens=tokens).send(
        "20000000001-09-T001-1.zip", b"z"
    )
    other = SolCredentials("20000000002", "OTRO", "other-pw")
    GreService(ENDPOINTS, other, GRE, transport=transport, tokens=tokens).send(
        "20000000002-09-T001-1.zip", b"z"
    )
    GreService(ENDPOINTS, SOL, GRE, transport=transport, tokens=tokens).send(
        "20000000001-09-T001-2.zip", b"z"
    )
    assert [form["username"][0] for form in fake.token_requests] == ["20000000001MODDATOS", "20000000002OTRO"]


def test_token_cache_is_thread_safe() -> None:
    tokens = TokenCache()
    fake = FakeGre()
    client = httpx.Client(transport=httpx.MockTransport(fake))
    results = []

    def work() -> None:
        results.append(tokens.get(client, ENDPOINTS.gre_auth, SOL, GRE))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fake.token_requests) == 1
    assert {token.value for token in results} == {"token-1"}
    client.close()


def test_a_refused_token_is_renewed_once() -> None:
    fake = FakeGre()
    tokens = TokenCache()
    gre = gre_service(fake, tokens)
    gre.send("20000000001-09-T001-1.zip", b"z")
    fake.valid_tokens.clear()  # the platform revoked it
    result = gre.send("20000000001-09-T001-2.zip", b"z")
    assert result.outcome is Outcome.PENDING
    assert len(fake.token_requests) == 2
    assert [r.headers["Authorization"] for r in fake.requests[-2:]] == ["Bearer token-1", "Bearer token-2"]


def test_a_token_refused_twice_is_an_exception() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if "oauth2" in request.url.path:
            return httpx.Response(200, json={"access_token": "t", "token_type": "JWT", "expires_in": 3600})
        return httpx.Response(401, json={"msg": "no autorizado"})

    result = GreService(
        ENDPOINTS, SOL, GRE, transport=httpx.MockTransport(handler), tokens=TokenCache()
    ).send("20000000001-09-T001-1.zip", b"z")
    assert result.outcome is Outcome.EXCEPTION and result.code == "HTTP-401" and not result.retryable


def test_token_failure_is_an_exception_without_secrets() -> None:
    fake = FakeGre()
    fake.token_status = 401
    result = gre_service(fake).send("20000000001-09-T001-1.zip", b"z")
    assert result.outcome is Outcome.EXCEPTION and result.code == "HTTP-401" and not result.retryable
    assert "bad client" in result.description
    for secret in (SOL.password, GRE.client_secret):
        assert secret not in result.description and secret not in repr(result)
    assert fake.requests == []


@pytest.mark.parametrize(
    ("answers", "outcomes"),
    [
        ([(200, {"codRespuesta": "98"})], [Outcome.PENDING]),
        (
            [
                (200, {"codRespuesta": "98"}),
                (200, {"codRespuesta": "0", "arcCdr": "CDR", "indCdrGenerado": "1"}),
            ],
            [Outcome.PENDING, Outcome.OBSERVED],
        ),
    ],
)
def test_status_polling(answers, outcomes) -> None:
    fake = FakeGre()
    fake.status_answers = [
        (status, {k: (base64.b64encode(CDR_GRE).decode() if v == "CDR" else v) for k, v in body.items()})
        for status, body in answers
    ]
    gre = gre_service(fake)
    got = [gre.get_status(TICKET) for _ in answers]
    assert [r.outcome for r in got] == outcomes
    assert all(r.ticket == TICKET for r in got)
    assert fake.requests[0].url.path == f"/v1/contribuyente/gem/comprobantes/envios/{TICKET}"
    assert fake.requests[0].method == "GET"
    last = got[-1]
    if last.outcome is Outcome.OBSERVED:
        assert last.qr_url and last.qr_url.startswith("https://e-factura.sunat.gob.pe/v1/contribuyente/gre/")
        assert last.cdr_zip == CDR_GRE


def test_status_shapes_against_the_openapi() -> None:
    samples = [
        {"codRespuesta": "98"},
        {"codRespuesta": "0", "arcCdr": base64.b64encode(CDR_GRE).decode(), "indCdrGenerado": "1"},
        {
            "codRespuesta": "99",
            "error": {"numError": "2775", "desError": "El peso bruto"},
            "indCdrGenerado": "0",
        },
        {
            "codRespuesta": "99",
            "error": {"numError": "1033", "desError": "registrado previamente"},
            "indCdrGenerado": "0",
        },
    ]
    outcomes = []
    for body in samples:
        assert conforms(body, {"$ref": "#/components/schemas/StatusResponse"}) == []
        outcomes.append(status_result(body, TICKET, 200))
    assert [(r.outcome, r.code) for r in outcomes] == [
        (Outcome.PENDING, "98"),
        (Outcome.OBSERVED, "0"),
        (Outcome.REJECTED, "2775"),
        (Outcome.EXCEPTION, "1033"),
    ]
    assert outcomes[2].description == "El peso bruto"


def test_status_99_with_rejection_cdr() -> None:
    xml = read_single_xml(CDR_GRE).content.replace(b"<cbc:ResponseCode>0<", b"<cbc:ResponseCode>2775<")
    cdr = zip_cdr("R-20000000001-09-T001-1.xml", xml)
    body = {"codRespuesta": "99", "arcCdr": base64.b64encode(cdr).decode(), "indCdrGenerado": "1"}
    result = status_result(body, TICKET, 200)
    assert (result.outcome, result.code, result.cdr_zip) == (Outcome.REJECTED, "2775", cdr)


@pytest.mark.parametrize(
    "body",
    [
        {"codRespuesta": "7"},
        {"codRespuesta": "0"},
        {"codRespuesta": "99"},
        {"codRespuesta": "0", "arcCdr": "%%%"},
        {},
    ],
)
def test_odd_status_answers_are_malformed(body) -> None:
    assert status_result(body, TICKET, 200).code == "MALFORMED"


def test_validation_error_422() -> None:
    body = {
        "cod": "422",
        "msg": "Unprocessable Entity",
        "errors": [
            {"cod": "1033", "msg": "El comprobante fue registrado previamente"},
            {"cod": "0161", "msg": "x"},
        ],
    }
    assert conforms(body, {"$ref": "#/components/schemas/CpeErrorValidation"}) == []
    fake = FakeGre()
    fake.send_answer = (422, body)
    result = gre_service(fake).send("20000000001-09-T001-1.zip", b"z")
    assert result.outcome is Outcome.EXCEPTION and result.code == "1033" and result.http_status == 422
    assert not result.retryable
    assert (
        "1033 - El comprobante fue registrado previamente" in result.description
        and "0161" in result.description
    )


def test_server_error_500() -> None:
    body = {"cod": "0130", "msg": "El sistema no puede responder su solicitud"}
    assert conforms(body, {"$ref": "#/components/schemas/CpeError"}) == []
    assert (error_result(500, body).code, error_result(500, body).retryable) == ("0130", True)
    plain = error_result(500, {"cod": "500", "msg": "Error inesperado"})
    assert (plain.code, plain.retryable, plain.description) == ("HTTP-500", True, "Error inesperado")
    assert error_result(503, None).code == "HTTP-503"


def test_send_answer_without_ticket_is_malformed() -> None:
    fake = FakeGre()
    fake.send_answer = (200, {"fecRecepcion": "2026-11-22T10:00:00"})
    assert gre_service(fake).send("20000000001-09-T001-1.zip", b"z").code == "MALFORMED"


def test_programming_errors_raise() -> None:
    gre = gre_service(FakeGre())
    with pytest.raises(ValueError, match="guía"):
        gre.send("20000000001-01-F001-1.zip", b"z")
    with pytest.raises(ValueError, match=".zip"):
        gre.send("20000000001-09-T001-1", b"z")
    with pytest.raises(ValueError, match="GRE"):
        GreService(Endpoints.custom("https://ose.test/billService"), SOL, GRE)
