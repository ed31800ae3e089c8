"""Retentions (20), perceptions (40) and guías de remisión (09, 31) issued through the server over real
HTTP, on SQLite and PostgreSQL, each followed to SUNAT's final word (the embedded simulator): through the
native ``POST /v1/documents`` and through Facturador PRO's ``/api/retentions``, ``/api/perceptions``,
``/api/dispatches``, ``/api/dispatch-carrier``, ``/api/dispatches/send`` and
``/api/dispatches/status_ticket``; an accepted retention voided by a reversión (RR)."""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from decimal import Decimal
from typing import Any

import httpx
import pytest
from lxml import etree

from corpus import dump_json, load_fixture
from paths import FIXTURES, ROOT
from server_harness import ServerProcess, lima_today
from signature_check import assert_xmlsec_verifies
from store_databases import postgres_database

RUC = "20123456786"
# Facturador PRO's GRE fixtures name 20123456786 (their 20123456789 with its check digit) as the
# destinatario and the transportista, so their guías are issued by another company.
RUC_GUIAS = "20601234565"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
EXAMPLES = ROOT / "examples" / "documents"
PRO = FIXTURES / "facturadorpro"
# The simulator keeps a GRE ticket "in process" (98) this long; the server polls it from this soon.
TICKET_DELAY = "3"
ENVIRONMENT = {
    "YUPANA_SIM_TICKET_DELAY": TICKET_DELAY,
    "YUPANA_POLL_FIRST": "0.5",
    "YUPANA_POLL_MAX": "1",
    "YUPANA_RECONCILE_INTERVAL": "1",
}
FINAL = {"05", "07", "09", "11"}


class Api:
    def __init__(self, server: ServerProcess, tokens: dict[str, str]) -> None:
        self.server = server
        self.tokens = tokens
        self.client = httpx.Client(base_url=server.url, timeout=60)

    def headers(self, ruc: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[ruc]}"}

    def post(self, path: str, body: Any, ruc: str = RUC) -> httpx.Response:
        headers = {**self.headers(ruc), "Content-Type": "application/json"}
        return self.client.post(path, content=dump_json(body).encode(), headers=headers)

    def get(self, path: str, ruc: str = RUC) -> httpx.Response:
        return self.client.get(path, headers=self.headers(ruc))

    def document(self, external_id: str, ruc: str = RUC) -> dict[str, Any]:
        response = self.get(f"/v1/documents/{external_id}", ruc)
        assert response.status_code == 200, response.text
        return response.json()

    def wait(self, external_id: str, done: Callable[[dict[str, Any]], bool], timeout: float = 45) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            document = self.document(external_id)
            if done(document):
                return document
            assert time.monotonic() < deadline, document
            time.sleep(0.2)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with ExitStack() as stack:
        url = stack.enter_context(postgres_database()) if request.param == "postgresql" else None
        data = tmp_path_factory.mktemp(f"agents-{request.param}") / "data"
        server = ServerProcess(data, url, extra_env=ENVIRONMENT)
        tokens = {
            RUC: server.add_company(RUC, "EMPRESA DE PRUEBAS S.A.C."),
            RUC_GUIAS: server.add_company(RUC_GUIAS, "TRANSPORTES Y SERVICIOS DEMO S.A.C."),
        }
        server.start()
        stack.callback(server.stop)
        client = Api(server, tokens)
        stack.callback(client.client.close)
        yield client
        assert "Traceback" not in server.log_text(), server.log_text()


def native(example: str, **changes: Any) -> dict[str, Any]:
    """``examples/documents/<example>.json`` issued today (Lima), numbered by the server: its dates
    of issue, transfer and delivery are today, and so are the payments of a retention or perception
    (SUNAT wants them in the month of issue)."""
    body = json.loads((EXAMPLES / f"{example}.json").read_text(encoding="utf-8"), parse_float=Decimal)
    today = lima_today()
    for key in ("fecha_emision", "fecha_inicio_traslado", "fecha_entrega_transportista"):
        if key in body:
            body[key] = today
    for document in body.get("documents", []):
        for payment in document.get("payments", []):
            payment["fecha"] = today
    body["correlativo"] = "#"
    body.update(changes)
    return body


def without(body: object, *keys: str) -> object:
    """``body`` without the given keys at any depth: declared amounts the server derives."""
    if isinstance(body, dict):
        return {k: without(v, *keys) for k, v in body.items() if k not in keys}
    if isinstance(body, list):
        return [without(v, *keys) for v in body]
    return body


def pro(path: str, *derived: str) -> dict[str, Any]:
    """A Facturador PRO fixture as a caller sends it today (dates moved to today, RUC check digits
    right, the next number "#"), without the declared amounts named in ``derived``."""
    body = load_fixture(PRO / path, "fecha_de_emision")
    assert isinstance(body, dict)
    body = without(body, *derived)
    assert isinstance(body, dict)
    body["numero_documento"] = "#"
    return body


def cdr_answer(api: Api, path: str, ruc: str = RUC) -> etree._Element:
    response = api.get(path, ruc)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        return etree.fromstring(archive.read(names[-1]))


def relative(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def pro_error(response: httpx.Response, status: int) -> list[dict[str, Any]]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False and body["message"], body
    return body["errors"]


# -- native ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("example", "tipo", "serie", "total", "party"),
    [
        ("retention-un-pago", "20", "R001", "35.40", "proveedor"),
        ("perception-venta-interna", "40", "P001", "23.60", "cliente"),
    ],
)
def test_native_retention_and_perception_are_sent_and_accepted(
    api: Api, example: str, tipo: str, serie: str, total: str, party: str
) -> None:
    body = native(example)
    response = api.post("/v1/documents", body)
    assert response.status_code == 201, response.text
    issued = response.json()
    assert issued["tipo_documento"] == tipo and issued["serie"] == serie and issued["created"] is True
    assert issued["fecha_emision"] == lima_today() and issued["moneda"] == "PEN"
    # 1180.00 × 3 % retained, × 2 % perceived: the stored total is that amount.
    assert issued["totals"]["importe_total"] == total
    assert issued["customer"] == {
        "tipo_documento": body[party]["tipo_documento"],
        "numero_documento": body[party]["numero_documento"],
        "razon_social": body[party]["razon_social"],
    }
    assert issued["state"] == "05", issued
    assert issued["sunat"]["code"] == "0"
    assert api.document(issued["external_id"])["state"] == "05"

    xml = api.get(issued["links"]["xml"])
    assert xml.status_code == 200
    assert_xmlsec_verifies(xml.content)
    assert etree.fromstring(xml.content).findtext(f"{{{CBC}}}ID") == issued["number"]
    answer = cdr_answer(api, issued["links"]["cdr"])
    assert answer.findtext(f".//{{{CBC}}}ResponseCode") == "0"
    assert answer.findtext(f".//{{{CBC}}}ReferenceID") == issued["number"]


@pytest.mark.parametrize("example", ["despatch-remitente-publico", "despatch-transportista"])
def test_native_guia_gets_a_ticket_and_the_worker_follows_it_to_acceptance(api: Api, example: str) -> None:
    body = native(example)
    response = api.post("/v1/documents", body)
    assert response.status_code == 201, response.text
    issued = response.json()
    assert issued["tipo_documento"] == body["tipo_documento"]
    assert issued["customer"]["numero_documento"] == body["destinatario"]["numero_documento"]
    # The GRE platform answers with a ticket: sent (03), SUNAT's word still to come.
    assert issued["state"] == "03", issued
    assert issued["sunat"]["ticket"]
    assert "qr_url" not in issued and issued["links"]["cdr"] is None

    accepted = api.wait(issued["external_id"], lambda d: d["state"] in FINAL)
    assert accepted["state"] == "05", accepted
    assert accepted["sunat"]["code"] == "0" and accepted["sunat"]["ticket"] == issued["sunat"]["ticket"]
    assert accepted["qr_url"].startswith("http")
    answer = cdr_answer(api, accepted["links"]["cdr"])
    assert answer.findtext(f".//{{{CBC}}}ResponseCode") == "0"
    assert answer.findtext(f".//{{{CBC}}}ReferenceID") == issued["number"]
    assert_xmlsec_verifies(api.get(accepted["links"]["xml"]).content)
    trail = api.get(f"/v1/documents/{issued['external_id']}/events").json()["data"]
    assert [e["to_state"] for e in trail][:2] == ["01", "03"] and trail[-1]["to_state"] == "05"


def test_native_refuses_a_summary_body_with_the_families_it_issues(api: Api) -> None:
    body = native("summary-boletas")
    response = api.post("/v1/documents", body)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert errors[0]["path"] == "tipo_documento" and "(09, 31)" in errors[0]["message"]


# -- Facturador PRO: retentions and perceptions --------------------------------------------------
@pytest.mark.parametrize(
    ("endpoint", "fixture", "tipo", "derived", "total"),
    [
        # Shipped with amounts SUNAT rejects (2623/2608): the server derives them instead.
        (
            "/api/retentions",
            "official_examples/retencion.json",
            "20",
            ("total_retenido", "total_pagado"),
            "24.00",
        ),
        ("/api/perceptions", "postman_v8/percepcion.json", "40", ("total_percibido", "total_pagado"), "4.00"),
    ],
)
def test_pro_retention_and_perception_are_sent_with_the_request(
    api: Api, endpoint: str, fixture: str, tipo: str, derived: tuple[str, ...], total: str
) -> None:
    response = api.post(endpoint, pro(fixture, *derived))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert set(answer) == {"success", "data", "links", "response"} and answer["success"] is True
    data = answer["data"]
    assert set(data) == {"number", "filename", "external_id"}
    serie, number = data["number"].split("-")
    assert data["filename"] == f"{RUC}-{tipo}-{serie}-{number}"
    assert answer["response"]["code"] == "0" and answer["response"]["description"], answer
    assert answer["response"]["notes"] == []
    assert answer["links"]["pdf"] is None
    assert f"/downloads/{'retention' if tipo == '20' else 'perception'}/xml/" in answer["links"]["xml"]

    xml = api.get(relative(answer["links"]["xml"]))
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/xml")
    assert_xmlsec_verifies(xml.content)
    cdr = cdr_answer(api, relative(answer["links"]["cdr"]))
    assert cdr.findtext(f".//{{{CBC}}}ResponseCode") == "0"
    stored = api.document(data["external_id"])
    assert stored["state"] == "05" and stored["tipo_documento"] == tipo
    assert stored["totals"]["importe_total"] == total
    # A retention's files are not a perception's or a guía's.
    other = "perception" if tipo == "20" else "retention"
    assert pro_error(api.get(f"/downloads/{other}/xml/{data['external_id']}"), 404)


def test_pro_retention_as_shipped_is_refused_with_sunat_codes(api: Api) -> None:
    response = api.post("/api/retentions", pro("official_examples/retencion.json"))
    errors = pro_error(response, 422)
    assert ("2623", "documentos[0].total_retenido") in [(e["code"], e["path"]) for e in errors]


def test_pro_endpoint_refuses_a_body_of_another_type(api: Api) -> None:
    body = pro("postman_v8/percepcion.json", "total_percibido", "total_pagado")
    errors = pro_error(api.post("/api/retentions", body), 422)
    assert errors[0]["path"] == "codigo_tipo_documento" and "(20)" in errors[0]["message"]
    errors = pro_error(
        api.post("/api/dispatch-carrier", pro("gre/gre_remitente_transporte_publico.json")), 422
    )
    assert errors[0]["path"] == "codigo_tipo_documento"


def test_pro_body_without_its_type_is_read_as_the_endpoints(api: Api) -> None:
    body = pro("postman_v8/percepcion.json", "total_percibido", "total_pagado")
    del body["codigo_tipo_documento"]
    response = api.post("/api/perceptions", body)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["filename"].startswith(f"{RUC}-40-")


# -- Facturador PRO: guías -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("endpoint", "fixture", "tipo"),
    [
        ("/api/dispatches", "gre/gre_remitente_transporte_publico.json", "09"),
        ("/api/dispatch-carrier", "gre/gre_transportista_CONSTRUCTED.json", "31"),
    ],
)
def test_pro_guia_is_stored_then_sent_and_its_ticket_polled_to_acceptance(
    api: Api, endpoint: str, fixture: str, tipo: str
) -> None:
    stored = api.post(endpoint, pro(fixture), RUC_GUIAS)
    assert stored.status_code == 200, stored.text
    answer = stored.json()
    assert set(answer) == {"success", "data"} and answer["success"] is True
    data = answer["data"]
    assert set(data) == {"number", "filename", "external_id"}
    assert data["filename"] == f"{RUC_GUIAS}-{tipo}-{data['number']}"
    external_id = data["external_id"]

    # Stored and signed, not sent: nothing sends it until it is asked to.
    document = api.document(external_id, RUC_GUIAS)
    assert document["state"] == "01" and document["sending"]["next_attempt_at"] is None
    assert_xmlsec_verifies(api.get(document["links"]["xml"], RUC_GUIAS).content)
    not_yet = pro_error(
        api.post("/api/dispatches/status_ticket", {"external_id": external_id}, RUC_GUIAS), 422
    )
    assert not_yet[0]["path"] == "external_id" and "/api/dispatches/send" in not_yet[0]["message"]
    # Another company's token does not find it.
    assert pro_error(api.post("/api/dispatches/send", {"external_id": external_id}, RUC), 404)
    time.sleep(1.5)  # longer than the reconciler's interval
    assert api.document(external_id, RUC_GUIAS)["state"] == "01"

    sent = api.post("/api/dispatches/send", {"external_id": external_id}, RUC_GUIAS)
    assert sent.status_code == 200, sent.text
    assert sent.json()["success"] is True
    message = sent.json()["message"]
    assert message.startswith("Se obtuvo el nro. de ticket correctamente. Ticket: ")
    document = api.document(external_id, RUC_GUIAS)
    assert document["state"] == "03" and document["sunat"]["ticket"] in message

    # SUNAT still processes the ticket (the simulator holds it TICKET_DELAY seconds).
    status = api.post("/api/dispatches/status_ticket", {"external_id": external_id}, RUC_GUIAS)
    assert status.status_code == 200, status.text
    polled = status.json()
    assert polled["success"] is True and polled["message"] == "La guía aún está en proceso"
    assert polled["data"] == {**data, "state_type_id": "03"}
    assert polled["links"]["cdr"] == "" and polled["links"]["xml"]

    # Sending again while the ticket is out answers with the same ticket.
    again = api.post("/api/dispatches/send", {"external_id": external_id}, RUC_GUIAS)
    assert again.status_code == 200 and document["sunat"]["ticket"] in again.json()["message"]

    deadline = time.monotonic() + 45
    while polled["data"]["state_type_id"] == "03":
        assert time.monotonic() < deadline, polled
        time.sleep(0.3)
        polled = api.post("/api/dispatches/status_ticket", {"external_id": external_id}, RUC_GUIAS).json()
    assert polled["data"]["state_type_id"] == "05", polled
    assert polled["message"] and polled["message"] != "La guía aún está en proceso"
    assert "/downloads/dispatch/cdr/" in polled["links"]["cdr"]
    cdr = cdr_answer(api, relative(polled["links"]["cdr"]), RUC_GUIAS)
    assert cdr.findtext(f".//{{{CBC}}}ResponseCode") == "0"
    assert cdr.findtext(f".//{{{CBC}}}ReferenceID") == data["number"]
    accepted = api.document(external_id, RUC_GUIAS)
    assert accepted["state"] == "05" and accepted["qr_url"].startswith("http")

    # An accepted guía is not sent again.
    done = pro_error(api.post("/api/dispatches/send", {"external_id": external_id}, RUC_GUIAS), 422)
    assert "05" in done[0]["message"]


def test_pro_dispatch_calls_name_a_stored_guia(api: Api) -> None:
    unknown = pro_error(
        api.post("/api/dispatches/send", {"external_id": "00000000-0000-0000-0000-000000000000"}), 404
    )
    assert unknown[0]["path"] == "external_id"
    assert pro_error(api.post("/api/dispatches/status_ticket", {}), 422)[0]["path"] == "external_id"
    retention = api.post("/v1/documents", native("retention-un-pago")).json()
    not_a_guia = pro_error(api.post("/api/dispatches/send", {"external_id": retention["external_id"]}), 404)
    assert not_a_guia[0]["path"] == "external_id"
    no_token = api.client.post("/api/dispatches/send", json={"external_id": retention["external_id"]})
    assert no_token.status_code == 401 and no_token.json()["success"] is False


# -- voiding ---------------------------------------------------------------------------------------
def test_accepted_retention_is_voided_by_a_reversion(api: Api) -> None:
    issued = api.post("/v1/documents", native("retention-varios-pagos")).json()
    assert issued["state"] == "05", issued
    response = api.post(
        "/v1/voids", {"documents": [{"external_id": issued["external_id"], "motivo": "ERROR EN EL IMPORTE"}]}
    )
    assert response.status_code == 201, response.text
    batches = response.json()["data"]
    assert len(batches) == 1 and batches[0]["identifier"].startswith("RR-")
    voided = api.wait(issued["external_id"], lambda d: d["state"] in ("11", "05", "07"), timeout=60)
    assert voided["state"] == "11", voided
    batch = api.document(batches[0]["external_id"])
    assert batch["tipo_documento"] == "RR" and batch["state"] == "05", batch
