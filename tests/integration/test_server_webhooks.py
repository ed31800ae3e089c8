"""Webhooks over real HTTP, on SQLite and PostgreSQL: ``yupana serve`` (with its embedded worker and
SUNAT simulator) as a process, and receivers that are real HTTP servers on 127.0.0.1.

A factura's state changes reach every registered URL, signed with the secret answered at
registration; a receiver that fails is retried with the same delivery id until it answers 2xx; a
removed webhook gets nothing more; secrets are answered once and appear in no other answer, in no
log line, and not in clear in the database.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import select

from server_harness import ServerProcess, factura
from store_databases import postgres_database
from yupana.service.webhooks import verify_signature
from yupana.store.database import create_database_engine, database_url_for
from yupana.store.models import Webhook
from yupana.store.secrets import SecretBox, resolve_key

RUC_A = "20123456786"
RUC_B = "20601234565"
# Quick retries and reconciler passes, so that a test waits seconds, not minutes.
QUICK = {
    "YUPANA_RECONCILE_INTERVAL": "1",
    "YUPANA_RECONCILE_GRACE": "1",
    "YUPANA_RETRY_BASE": "0.2",
}
WAIT = 90.0
STATES = ["01", "03", "05"]
_T = TypeVar("_T")


def wait_for(condition: Callable[[], _T | None], what: str, timeout: float = WAIT) -> _T:
    """``condition()`` once it is truthy; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


# -- a receiver: a real HTTP server that records what it gets -------------------------------------


@dataclass(frozen=True, slots=True)
class Received:
    at: float
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def delivery(self) -> str:
        return self.headers["x-yupana-delivery"]


class Receiver:
    """Answers 500 to the first ``failures`` requests of each delivery id, 200 afterwards."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.lock = threading.Lock()
        self.requests: list[Received] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                with receiver.lock:
                    delivery = headers.get("x-yupana-delivery", "")
                    seen = sum(1 for r in receiver.requests if r.delivery == delivery)
                    status = 500 if seen < receiver.failures else 200
                    receiver.requests.append(Received(time.time(), self.path, headers, body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/yupana"

    def received(self, external_id: str | None = None) -> list[Received]:
        with self.lock:
            rows = list(self.requests)
        if external_id is None:
            return rows
        return [r for r in rows if r.payload["document"]["external_id"] == external_id]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# -- the server ------------------------------------------------------------------------------------


class Api:
    def __init__(self, server: ServerProcess, database_url: str, tokens: dict[str, str]) -> None:
        self.server = server
        self.database_url = database_url
        self.tokens = tokens
        self.client = httpx.Client(base_url=server.url, timeout=60)
        self.secrets: list[str] = []

    def call(self, method: str, path: str, who: str = "A", **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[who]}", **kwargs.pop("headers", {})}
        response = self.client.request(method, path, headers=headers, **kwargs)
        if method == "GET":
            for secret in self.secrets:
                assert secret not in response.text, f"a secret in the answer of GET {path}"
        return response

    def register(self, url: str, description: str | None = None, who: str = "A") -> dict[str, Any]:
        body: dict[str, Any] = {"url": url}
        if description is not None:
            body["description"] = description
        response = self.call("POST", "/v1/webhooks", who, json=body)
        assert response.status_code == 201, response.text
        created = response.json()
        self.secrets.append(created["secret"])
        return created

    def issue(self, who: str = "A") -> dict[str, Any]:
        response = self.call("POST", "/v1/documents", who, json=factura("F001"))
        assert response.status_code == 201, response.text
        return response.json()

    def deliveries(self, webhook_id: int, **params: Any) -> list[dict[str, Any]]:
        response = self.call("GET", f"/v1/webhooks/{webhook_id}/deliveries", params=params or None)
        assert response.status_code == 200, response.text
        return response.json()["data"]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with ExitStack() as stack:
        url = stack.enter_context(postgres_database()) if request.param == "postgresql" else None
        data = tmp_path_factory.mktemp(f"webhooks-{request.param}") / "data"
        server = ServerProcess(data, url, extra_env=QUICK)
        tokens = {
            "A": server.add_company(RUC_A, "EMPRESA DE PRUEBAS S.A.C."),
            "B": server.add_company(RUC_B, "TRANSPORTES Y SERVICIOS DEMO S.A.C."),
        }
        server.start()
        stack.callback(server.stop)
        client = Api(server, database_url_for(url, data), tokens)
        stack.callback(client.client.close)
        yield client
        log = server.log_text()
        assert "Traceback" not in log, log


class Hooks:
    """Receivers and webhooks of one test; what is left is removed and closed afterwards."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.receivers: list[Receiver] = []
        self.ids: list[int] = []

    def receiver(self, failures: int = 0) -> Receiver:
        receiver = Receiver(failures)
        self.receivers.append(receiver)
        return receiver

    def register(self, receiver: Receiver, description: str | None = None) -> dict[str, Any]:
        created = self.api.register(receiver.url, description)
        self.ids.append(created["id"])
        return created

    def close(self) -> None:
        for webhook_id in self.ids:
            response = self.api.call("DELETE", f"/v1/webhooks/{webhook_id}")
            assert response.status_code in (204, 404), response.text
        for receiver in self.receivers:
            receiver.close()


@pytest.fixture
def hooks(api: Api) -> Iterator[Hooks]:
    made = Hooks(api)
    try:
        yield made
    finally:
        made.close()


def _errors(response: httpx.Response) -> list[dict[str, Any]]:
    body = response.json()
    assert set(body) == {"errors"}, body
    assert body["errors"] and all(e["message"] for e in body["errors"]), body
    return body["errors"]


def _three_events(receiver: Receiver, external_id: str) -> list[Received] | None:
    """The first request of each of the document's three state changes, by event id."""
    first: dict[int, Received] = {}
    for request in receiver.received(external_id):
        first.setdefault(request.payload["event_id"], request)
    return [first[event] for event in sorted(first)] if len(first) >= 3 else None


# -- tests -----------------------------------------------------------------------------------------


def test_register_read_and_list_show_the_secret_only_once(api: Api, hooks: Hooks) -> None:
    receiver = hooks.receiver()
    response = api.call("POST", "/v1/webhooks", json={"url": receiver.url, "description": "ERP ventas"})
    assert response.status_code == 201, response.text
    created = response.json()
    api.secrets.append(created["secret"])
    hooks.ids.append(created["id"])
    assert set(created) == {"id", "url", "description", "active", "created_at", "links", "secret"}
    assert created["url"] == receiver.url and created["description"] == "ERP ventas"
    assert created["active"] is True and created["created_at"]
    assert created["secret"].startswith("whsec_") and len(created["secret"]) >= 6 + 43
    assert response.headers["location"] == f"/v1/webhooks/{created['id']}"
    assert response.headers["cache-control"] == "no-store"

    shown = {k: v for k, v in created.items() if k != "secret"}
    read = api.call("GET", f"/v1/webhooks/{created['id']}")
    assert read.status_code == 200 and read.json() == shown
    listed = api.call("GET", "/v1/webhooks")
    assert listed.status_code == 200
    assert shown in listed.json()["data"]
    assert all("secret" not in row for row in listed.json()["data"])
    assert api.deliveries(created["id"]) == []

    # At rest the secret is ciphertext that the server's key opens.
    engine = create_database_engine(api.database_url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(
                select(Webhook.secret_encrypted).where(Webhook.id == created["id"])
            ).scalar_one()
    finally:
        engine.dispose()
    assert created["secret"].encode() not in stored
    box = SecretBox(resolve_key(None, api.server.data_dir))
    assert box.decrypt_text(stored).reveal() == created["secret"]

    # A second webhook with another secret.
    other = hooks.register(hooks.receiver())
    assert other["id"] != created["id"] and other["secret"] != created["secret"]
    assert {created["id"], other["id"]} <= {
        row["id"] for row in api.call("GET", "/v1/webhooks").json()["data"]
    }


def test_another_companys_webhook_reads_as_not_found(api: Api, hooks: Hooks) -> None:
    created = hooks.register(hooks.receiver())
    path = f"/v1/webhooks/{created['id']}"
    assert created["id"] not in [row["id"] for row in api.call("GET", "/v1/webhooks", "B").json()["data"]]
    for method, suffix in [
        ("GET", ""),
        ("GET", "/deliveries"),
        ("POST", "/rotate-secret"),
        ("DELETE", ""),
    ]:
        response = api.call(method, path + suffix, "B")
        assert response.status_code == 404, (method, suffix, response.text)
        assert _errors(response)[0]["path"] == "webhook_id"
    # Still there for its own company, with the same secret (B's rotate did nothing).
    assert api.call("GET", path).status_code == 200
    assert api.call("GET", "/v1/webhooks/999999").status_code == 404
    assert httpx.get(api.server.url + "/v1/webhooks", timeout=30).status_code == 401


def test_bad_url_or_description_is_422_naming_the_field(api: Api) -> None:
    before = api.call("GET", "/v1/webhooks").json()["data"]
    bad_urls: list[object] = [
        "ftp://example.com/hook",
        "example.com/hook",
        "/relative/hook",
        "http://",
        "https:///only-a-path",
        "http://example.com/a b",
        "https://user:password@example.com/hook",
        "http://example.com:99999/hook",
        "https://example.com/" + "a" * 2000,
        "",
        12,
        None,
    ]
    for url in bad_urls:
        response = api.call("POST", "/v1/webhooks", json={"url": url})
        assert response.status_code == 422, (url, response.text)
        assert [e["path"] for e in _errors(response)] == ["url"], (url, response.text)
    missing = api.call("POST", "/v1/webhooks", json={"description": "sin url"})
    assert missing.status_code == 422 and [e["path"] for e in _errors(missing)] == ["url"]
    long = api.call("POST", "/v1/webhooks", json={"url": "https://example.com/h", "description": "x" * 201})
    assert long.status_code == 422 and [e["path"] for e in _errors(long)] == ["description"]
    unknown = api.call("POST", "/v1/webhooks", json={"url": "https://example.com/h", "events": ["*"]})
    assert unknown.status_code == 422 and [e["path"] for e in _errors(unknown)] == ["events"]
    not_json = api.call("POST", "/v1/webhooks", content=b"url=x", headers={"Content-Type": "text/plain"})
    assert not_json.status_code == 415, not_json.text
    assert api.call("GET", "/v1/webhooks").json()["data"] == before


def test_factura_state_changes_reach_the_url_signed_in_event_order(api: Api, hooks: Hooks) -> None:
    receiver = hooks.receiver()
    created = hooks.register(receiver)
    secret = created["secret"]
    issued = api.issue()
    events = wait_for(lambda: _three_events(receiver, issued["external_id"]), "three deliveries")

    payloads = [request.payload for request in events]
    assert [p["to_state"] for p in payloads] == STATES
    assert [p["from_state"] for p in payloads] == [None, "01", "03"]
    assert [p["state_description"] for p in payloads] == ["Registrado", "Enviado", "Aceptado"]
    for request, payload in zip(events, payloads, strict=True):
        assert request.path == "/hooks/yupana"
        assert request.headers["content-type"] == "application/json"
        assert request.headers["x-yupana-event"] == "document.state_changed" == payload["type"]
        assert verify_signature(secret, request.headers["x-yupana-signature"], request.body)
        assert not verify_signature(secret + "x", request.headers["x-yupana-signature"], request.body)
        assert not verify_signature(secret, request.headers["x-yupana-signature"], request.body + b" ")
        document = payload["document"]
        assert document["external_id"] == issued["external_id"]
        assert document["number"] == issued["number"] and document["tipo_documento"] == "01"
        assert document["state"] == payload["to_state"]
    assert payloads[-1]["sunat_code"] == "0"
    assert len({request.delivery for request in events}) == 3

    # The deliveries endpoint: newest first, each delivered on its first try.
    def delivered() -> list[dict[str, Any]] | None:
        rows = api.deliveries(created["id"])
        return rows if len(rows) == 3 and all(row["status"] == "delivered" for row in rows) else None

    rows = wait_for(delivered, "deliveries marked delivered")
    assert [row["event_id"] for row in rows] == [p["event_id"] for p in reversed(payloads)]
    assert [row["payload"]["to_state"] for row in rows] == list(reversed(STATES))
    assert {str(row["id"]) for row in rows} == {request.delivery for request in events}
    # Deliveries are made in the order of their events.
    assert [row["id"] for row in rows] == sorted((row["id"] for row in rows), reverse=True)
    for row in rows:
        assert row["attempts"] == 1 and row["last_status"] == 200 and row["last_error"] is None
        assert row["delivered_at"] and row["next_attempt_at"] is None
        assert row["payload"]["type"] == "document.state_changed"
        assert row["payload"]["document"]["number"] == issued["number"]
    assert [row["event_id"] for row in api.deliveries(created["id"], limit=2)] == [
        row["event_id"] for row in rows[:2]
    ]
    assert api.call("GET", f"/v1/webhooks/{created['id']}/deliveries", params={"limit": 0}).status_code == 422


def test_failing_receiver_gets_the_same_delivery_again_until_the_third_try(api: Api, hooks: Hooks) -> None:
    receiver = hooks.receiver(failures=2)
    created = hooks.register(receiver)
    issued = api.issue()

    def all_delivered() -> list[dict[str, Any]] | None:
        rows = api.deliveries(created["id"])
        return rows if len(rows) == 3 and all(row["status"] == "delivered" for row in rows) else None

    rows = wait_for(all_delivered, "three deliveries delivered after two failures each")
    requests = receiver.received(issued["external_id"])
    for row in rows:
        tries = [request for request in requests if request.delivery == str(row["id"])]
        assert [request.answered for request in tries] == [500, 500, 200], row
        assert len({request.body for request in tries}) == 1
        for request in tries:
            assert verify_signature(created["secret"], request.headers["x-yupana-signature"], request.body)
            assert request.payload["event_id"] == row["event_id"]
        assert row["attempts"] == 3 and row["last_status"] == 200 and row["last_error"] is None
        assert row["delivered_at"] and row["next_attempt_at"] is None
    assert sorted(row["payload"]["to_state"] for row in rows) == STATES
    assert len(requests) == 9


def test_removed_webhook_receives_nothing_more(api: Api, hooks: Hooks) -> None:
    removed_receiver = hooks.receiver()
    control = hooks.receiver()
    removed = hooks.register(removed_receiver)
    hooks.register(control)
    first = api.issue()
    wait_for(lambda: _three_events(removed_receiver, first["external_id"]), "the first factura's deliveries")

    assert api.call("DELETE", f"/v1/webhooks/{removed['id']}").status_code == 204
    assert api.call("GET", f"/v1/webhooks/{removed['id']}").status_code == 404
    assert api.call("GET", f"/v1/webhooks/{removed['id']}/deliveries").status_code == 404
    assert api.call("DELETE", f"/v1/webhooks/{removed['id']}").status_code == 404
    assert removed["id"] not in [row["id"] for row in api.call("GET", "/v1/webhooks").json()["data"]]

    second = api.issue()
    wait_for(lambda: _three_events(control, second["external_id"]), "the control receiver's deliveries")
    time.sleep(3)  # three more reconciler passes
    assert removed_receiver.received(second["external_id"]) == []
    assert len(removed_receiver.received()) == 3


def test_removing_a_webhook_stops_the_retries_it_is_owed(api: Api, hooks: Hooks) -> None:
    failing = hooks.receiver(failures=10_000)
    control = hooks.receiver()
    removed = hooks.register(failing)
    hooks.register(control)
    issued = api.issue()

    def retried() -> bool:
        tried = failing.received(issued["external_id"])
        return len({request.delivery for request in tried}) == 3 and len(tried) >= 4

    wait_for(retried, "three failed deliveries, one of them retried")
    assert api.call("DELETE", f"/v1/webhooks/{removed['id']}").status_code == 204
    removed_at = time.time()
    later = api.issue()
    wait_for(lambda: _three_events(control, later["external_id"]), "the control receiver's deliveries")
    time.sleep(3)
    # A try already on the wire when the webhook was removed may still land; nothing starts later.
    late = [request for request in failing.received() if request.at > removed_at + 1.0]
    assert late == [], [(r.delivery, r.at - removed_at) for r in late]
    assert failing.received(later["external_id"]) == []


def test_rotated_secret_signs_what_follows(api: Api, hooks: Hooks) -> None:
    receiver = hooks.receiver()
    created = hooks.register(receiver)
    response = api.call("POST", f"/v1/webhooks/{created['id']}/rotate-secret")
    assert response.status_code == 200, response.text
    rotated = response.json()
    api.secrets.append(rotated["secret"])
    assert response.headers["cache-control"] == "no-store"
    assert rotated["id"] == created["id"] and rotated["url"] == created["url"]
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    assert "secret" not in api.call("GET", f"/v1/webhooks/{created['id']}").json()

    issued = api.issue()
    events = wait_for(lambda: _three_events(receiver, issued["external_id"]), "three deliveries")
    for request in events:
        header = request.headers["x-yupana-signature"]
        assert verify_signature(rotated["secret"], header, request.body)
        assert not verify_signature(created["secret"], header, request.body)


def test_secrets_are_in_no_log_line(api: Api) -> None:
    log = api.server.log_text()
    assert api.secrets, "the tests above registered webhooks"
    # The log does record the webhook requests (uvicorn's access log), without their secrets.
    assert "POST /v1/webhooks HTTP" in log and "/rotate-secret HTTP" in log
    for secret in api.secrets:
        assert secret not in log
        assert secret[len("whsec_") :] not in log


def test_openapi_lists_the_webhook_paths(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]
    assert {"/v1/webhooks", "/v1/webhooks/{webhook_id}", "/v1/webhooks/{webhook_id}/deliveries"} <= set(paths)
    assert "/v1/webhooks/{webhook_id}/rotate-secret" in paths
    assert "requestBody" in paths["/v1/webhooks"]["post"]
