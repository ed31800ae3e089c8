"""Facturador PRO's API on the real server (``yupana serve`` as a process), SQLite and PostgreSQL:
``POST /api/documents``, its download links, and the ``Idempotency-Key`` header on both APIs."""

from __future__ import annotations

import base64
import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest
from lxml import etree

from corpus import dump_json
from paths import FIXTURES
from pro_bodies import boleta_body, factura_body
from server_harness import ServerProcess, factura
from signature_check import assert_xmlsec_verifies
from store_databases import postgres_database

RUC_A = "20123456786"
RUC_B = "20601234565"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
EXAMPLES = FIXTURES / "facturadorpro" / "official_examples"
DATA_KEYS = {
    "number",
    "filename",
    "external_id",
    "state_type_id",
    "state_type_description",
    "number_to_letter",
    "hash",
    "qr",
    "id",
}


class Pro:
    def __init__(self, server: ServerProcess, token_a: str, token_b: str) -> None:
        self.server = server
        self.tokens = {"A": token_a, "B": token_b}
        self.client = httpx.Client(base_url=server.url, timeout=60)

    def headers(self, who: str = "A", **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}", **extra}

    def store(self, body: Any, who: str = "A", **headers: str) -> httpx.Response:
        return self.client.post(
            "/api/documents",
            content=dump_json(body).encode(),
            headers=self.headers(who, **{"Content-Type": "application/json", **headers}),
        )

    def get(self, url: str, who: str = "A") -> httpx.Response:
        return self.client.get(url, headers=self.headers(who))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def pro(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pro]:
    with ExitStack() as stack:
        url = stack.enter_context(postgres_database()) if request.param == "postgresql" else None
        server = ServerProcess(tmp_path_factory.mktemp(f"pro-{request.param}") / "data", url)
        token_a = server.add_company(RUC_A, "EMPRESA DE PRUEBAS S.A.C.")
        token_b = server.add_company(RUC_B, "TRANSPORTES Y SERVICIOS DEMO S.A.C.")
        server.start()
        stack.callback(server.stop)
        client = Pro(server, token_a, token_b)
        stack.callback(client.client.close)
        yield client
        assert "Traceback" not in server.log_text(), server.log_text()


def _failure(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False and isinstance(body["message"], str) and body["message"], body
    return str(body["message"])


def _path(url: str) -> str:
    return httpx.URL(url).path


def test_factura_answer_has_facturador_pro_shape_and_files_verify(pro: Pro) -> None:
    response = pro.store(factura_body())
    assert response.status_code == 200, response.text
    answer = response.json()
    assert set(answer) == {"success", "data", "links", "response"}
    assert answer["success"] is True
    data = answer["data"]
    assert set(data) == DATA_KEYS
    serie, _, numero = data["number"].partition("-")
    assert serie == "F001" and numero.isdigit() and int(numero) >= 1
    assert data["filename"] == f"{RUC_A}-01-{data['number']}"
    uuid.UUID(data["external_id"])
    assert (data["state_type_id"], data["state_type_description"]) == ("05", "Aceptado")
    assert data["number_to_letter"] == "Ciento dieciocho con 00/100"
    assert isinstance(data["id"], int)
    assert isinstance(data["hash"], str) and base64.b64decode(data["hash"])
    assert base64.b64decode(data["qr"]).startswith(b"\x89PNG")
    assert set(answer["links"]) == {"xml", "pdf", "cdr"} and answer["links"]["pdf"] is None
    assert set(answer["response"]) == {"code", "description", "notes"}
    assert answer["response"]["code"] == "0" and isinstance(answer["response"]["notes"], list)

    xml_link = answer["links"]["xml"]
    assert _path(xml_link) == f"/downloads/document/xml/{data['external_id']}"
    xml = pro.get(xml_link)
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/xml")
    root = etree.fromstring(xml.content)
    assert root.findtext(f"{{{CBC}}}ID") == data["number"]
    assert_xmlsec_verifies(xml.content)

    cdr = pro.get(answer["links"]["cdr"])
    assert cdr.status_code == 200
    with zipfile.ZipFile(io.BytesIO(cdr.content)) as archive:
        names = archive.namelist()
        assert names and data["number"] in archive.read(names[-1]).decode()


def test_boleta_not_sent_stays_registered(pro: Pro) -> None:
    response = pro.store(boleta_body())
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["data"]["state_type_id"], answer["data"]["state_type_description"]) == ("01", "Registrado")
    assert answer["response"] == [] and answer["links"]["cdr"] == ""
    assert pro.get(answer["links"]["xml"]).status_code == 200
    cdr = pro.get(f"/downloads/document/cdr/{answer['data']['external_id']}")
    assert "CDR" in _failure(cdr, 404)


def test_factura_not_sent_when_asked(pro: Pro) -> None:
    response = pro.store(factura_body(acciones={"enviar_xml_firmado": False}))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["state_type_id"] == "01" and response.json()["response"] == []


def test_credit_note_by_external_id_of_the_factura(pro: Pro) -> None:
    issued = pro.store(factura_body()).json()["data"]
    body = factura_body(serie_documento="FC01", codigo_tipo_documento="07")
    body.update(
        codigo_tipo_nota="01",
        motivo_o_sustento_de_nota="Anulación de la operación",
        documento_afectado={"external_id": issued["external_id"]},
    )
    for key in ("fecha_de_vencimiento", "codigo_tipo_operacion"):
        body.pop(key, None)
    response = pro.store(body)
    assert response.status_code == 200, response.text
    note = response.json()["data"]
    assert note["number"].startswith("FC01-") and note["state_type_id"] == "05"
    xml = etree.fromstring(pro.get(f"/downloads/document/xml/{note['external_id']}").content)
    cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    reference = xml.find(f"{{{cac}}}BillingReference/{{{cac}}}InvoiceDocumentReference")
    assert reference is not None and reference.findtext(f"{{{CBC}}}ID") == issued["number"]

    # The factura of another company cannot be named.
    other = pro.store(body, who="B")
    assert issued["external_id"] in _failure(other, 422)


def test_downloads_are_token_protected_and_tenant_isolated(pro: Pro) -> None:
    issued = pro.store(factura_body()).json()
    link = issued["links"]["xml"]
    assert _failure(pro.get(link, who="B"), 404)
    assert _failure(pro.client.get(link), 401)
    assert _failure(pro.get(f"/downloads/document/pdf/{issued['data']['external_id']}"), 404)
    assert _failure(pro.get("/downloads/document/xml/not-a-uuid"), 404)


def test_bad_input_answers_in_facturador_pro_envelope(pro: Pro) -> None:
    assert _failure(pro.client.post("/api/documents", content=dump_json(factura_body()).encode()), 401)
    wrong = pro.client.post(
        "/api/documents",
        content=dump_json(factura_body()).encode(),
        headers={"Authorization": "Bearer nope", "Content-Type": "application/json"},
    )
    assert _failure(wrong, 401)
    malformed = pro.client.post(
        "/api/documents", content=b"{", headers=pro.headers(**{"Content-Type": "application/json"})
    )
    assert "malformed JSON" in _failure(malformed, 400)
    text = pro.client.post(
        "/api/documents", content=b"x", headers=pro.headers(**{"Content-Type": "text/plain"})
    )
    assert _failure(text, 415)
    huge = pro.client.post(
        "/api/documents",
        content=b'{"a": "' + b"x" * 2_000_000 + b'"}',
        headers=pro.headers(**{"Content-Type": "application/json"}),
    )
    assert _failure(huge, 413)
    invalid = factura_body()
    del invalid["items"]
    response = pro.store(invalid)
    assert "items" in _failure(response, 422)
    assert response.json()["errors"][0]["path"].startswith("items")


@pytest.mark.parametrize("api", ["native", "facturadorpro"])
def test_idempotency_key_replays_and_refuses_another_body(pro: Pro, api: str) -> None:
    key = f"retry-{api}-{uuid.uuid4()}"
    if api == "native":
        body: dict[str, Any] = factura("F002")
        other: dict[str, Any] = factura("F002", valor="200.00")

        def send(payload: dict[str, Any]) -> httpx.Response:
            return pro.client.post(
                "/v1/documents", content=json.dumps(payload).encode(),
                headers=pro.headers(**{"Content-Type": "application/json", "Idempotency-Key": key}),
            )  # fmt: skip
    else:
        body = factura_body(serie_documento="F003")
        other = factura_body(serie_documento="F003", observaciones="otra")

        def send(payload: dict[str, Any]) -> httpx.Response:
            return pro.store(payload, **{"Idempotency-Key": key})

    first = send(body)
    assert first.status_code in (200, 201), first.text
    again = send(body)
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers.get("Idempotency-Replayed") == "true"
    mismatch = send(other)
    assert mismatch.status_code == 422, mismatch.text
    assert "Idempotency-Key" in mismatch.text and "different request" in mismatch.text
    # Without the key, the same body is a new document.
    fresh = pro.store(body) if api == "facturadorpro" else pro.client.post(
        "/v1/documents", json=body, headers=pro.headers()
    )  # fmt: skip
    first_id = first.json()["data"]["external_id"] if api == "facturadorpro" else first.json()["external_id"]
    fresh_id = fresh.json()["data"]["external_id"] if api == "facturadorpro" else fresh.json()["external_id"]
    assert fresh_id != first_id
