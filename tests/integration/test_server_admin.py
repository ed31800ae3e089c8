"""The admin API over real HTTP: ``yupana serve`` with ``YUPANA_ADMIN_TOKEN`` as a process, on SQLite and
PostgreSQL; companies registered, their credentials replaced and their tokens issued and revoked."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from server_harness import ServerProcess, factura
from store_databases import postgres_database
from yupana.signing.selfsigned import make_self_signed_pfx

ADMIN_TOKEN = "admin-7f3c9a1e5b2d4c6e8f0a1b3c5d7e9f21"
RUC = "20123456786"
RUC_OTHER = "20601234565"
CERT_PASSWORD = "cert-pw-Qx81"
# The simulator, like SUNAT beta, accepts this SOL login for any RUC.
SOL_PASSWORD = "moddatos"
ADDRESS = {
    "direccion": "AV. ABANCAY 123",
    "ubigeo": "150101",
    "departamento": "LIMA",
    "provincia": "LIMA",
    "distrito": "LIMA",
}


class AdminServer(ServerProcess):
    def env(self) -> dict[str, str]:
        env = super().env()
        env["YUPANA_ADMIN_TOKEN"] = ADMIN_TOKEN
        return env


class Admin:
    def __init__(self, server: AdminServer) -> None:
        self.server = server
        self.client = httpx.Client(base_url=server.url, timeout=60)
        self.headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        self.answers: list[str] = []

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        headers = kwargs.pop("headers", self.headers)
        response = self.client.request(method, path, json=body, headers=headers, **kwargs)
        self.answers.append(response.text)
        return response


def _pfx(ruc: str, password: str) -> str:
    return base64.b64encode(make_self_signed_pfx(ruc, password, razon_social="EMPRESA DEMO")).decode()


def _company_body(ruc: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "ruc": ruc,
        "razon_social": "EMPRESA DE PRUEBAS S.A.C.",
        "nombre_comercial": "PRUEBAS",
        "address": ADDRESS,
        "environment": "simulator",
        "sol_user": "MODDATOS",
        "sol_password": SOL_PASSWORD,
        "certificate": {"pfx": _pfx(ruc, CERT_PASSWORD), "password": CERT_PASSWORD},
    }
    body.update(extra)
    return body


def _errors(response: httpx.Response) -> list[dict[str, Any]]:
    body = response.json()
    assert set(body) == {"errors"}, body
    assert body["errors"] and all(e["message"] for e in body["errors"]), body
    return body["errors"]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def admin(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Admin]:
    with ExitStack() as stack:
        url = stack.enter_context(postgres_database()) if request.param == "postgresql" else None
        server = AdminServer(tmp_path_factory.mktemp(f"admin-{request.param}") / "data", url)
        server.start()
        stack.callback(server.stop)
        client = Admin(server)
        stack.callback(client.client.close)
        yield client
        log = server.log_text()
        assert "Traceback" not in log, log
        for secret in (ADMIN_TOKEN, CERT_PASSWORD, SOL_PASSWORD):
            assert secret not in log


@pytest.fixture(scope="module")
def registered(admin: Admin) -> dict[str, Any]:
    response = admin.call("POST", "/admin/companies", _company_body(RUC))
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Basic {ADMIN_TOKEN}"},
        {"Authorization": f"Bearer {ADMIN_TOKEN}x"},
    ],
    ids=["missing", "wrong", "not-bearer", "longer"],
)
def test_admin_refuses_without_the_admin_token(admin: Admin, headers: dict[str, str]) -> None:
    for method, path, body in (
        ("GET", "/admin/companies", None),
        ("POST", "/admin/companies", _company_body(RUC_OTHER)),
        ("POST", f"/admin/companies/{RUC}/tokens", None),
        ("DELETE", "/admin/tokens/yup_abcdefgh", None),
    ):
        response = admin.call(method, path, body, headers=headers)
        assert response.status_code == 401, (method, path, response.text)
        assert _errors(response)[0]["path"] == "Authorization"
    listed = admin.call("GET", "/admin/companies").json()["data"]
    assert RUC_OTHER not in [c["ruc"] for c in listed]


def test_a_company_token_is_not_an_admin_token(admin: Admin, registered: dict[str, Any]) -> None:
    response = admin.call(
        "GET", "/admin/companies", headers={"Authorization": f"Bearer {registered['token']}"}
    )
    assert response.status_code == 401


def test_company_created_through_admin_issues_a_factura(admin: Admin, registered: dict[str, Any]) -> None:
    company = registered["company"]
    assert company["ruc"] == RUC and company["environment"] == "simulator"
    assert company["address"]["ubigeo"] == "150101" and company["sol"] == {"configured": True}
    assert RUC in company["certificate"]["subject"] and company["certificate"]["expired"] is False
    assert registered["token"].startswith(registered["prefix"])

    issued = admin.client.post(
        "/v1/documents", json=factura("F001"), headers={"Authorization": f"Bearer {registered['token']}"}
    )
    assert issued.status_code == 201, issued.text
    assert issued.json()["state"] == "05" and issued.json()["sunat"]["code"] == "0", issued.text


def test_list_and_get_show_no_secrets(admin: Admin, registered: dict[str, Any]) -> None:
    listed = admin.call("GET", "/admin/companies")
    assert listed.status_code == 200
    (company,) = [c for c in listed.json()["data"] if c["ruc"] == RUC]
    one = admin.call("GET", f"/admin/companies/{RUC}")
    assert one.status_code == 200
    view = one.json()
    assert {k: v for k, v in view.items() if k not in ("tokens", "establishments")} == company
    assert [e["codigo"] for e in view["establishments"]] == ["0000"]
    assert view["certificate"]["not_after"] and "CN=" in view["certificate"]["subject"]
    assert registered["prefix"] in [t["prefix"] for t in view["tokens"]]
    for text in (listed.text, one.text):
        for secret in (CERT_PASSWORD, SOL_PASSWORD, registered["token"], "MODDATOS", ADMIN_TOKEN):
            assert secret not in text
        assert _pfx(RUC, CERT_PASSWORD)[:40] not in text

    missing = admin.call("GET", "/admin/companies/20999999999")
    assert missing.status_code == 404 and _errors(missing)[0]["path"] == "ruc"


def test_create_company_refuses_bad_input(admin: Admin, registered: dict[str, Any]) -> None:
    again = admin.call("POST", "/admin/companies", _company_body(RUC))
    assert again.status_code == 409 and _errors(again)[0]["path"] == "ruc"

    wrong_password = _company_body(RUC_OTHER, certificate={"pfx": _pfx(RUC_OTHER, "a"), "password": "b"})
    response = admin.call("POST", "/admin/companies", wrong_password)
    assert response.status_code == 422 and _errors(response)[0]["path"] == "certificate"

    bad_address = _company_body(RUC_OTHER, address={**ADDRESS, "ubigeo": 150101, "color": "x"})
    response = admin.call("POST", "/admin/companies", bad_address)
    assert response.status_code == 422
    assert {e["path"] for e in _errors(response)} == {"address.ubigeo", "address.color"}

    unknown = admin.call("POST", "/admin/companies", _company_body(RUC_OTHER, colour="red"))
    assert unknown.status_code == 422 and _errors(unknown)[0]["path"] == "colour"

    not_base64 = _company_body(RUC_OTHER, certificate={"pfx": "***", "password": "x"})
    response = admin.call("POST", "/admin/companies", not_base64)
    assert response.status_code == 422 and _errors(response)[0]["path"] == "certificate.pfx"

    malformed = admin.client.post(
        "/admin/companies", content=b"{", headers={**admin.headers, "Content-Type": "application/json"}
    )
    assert malformed.status_code == 400 and _errors(malformed)

    listed = admin.call("GET", "/admin/companies").json()["data"]
    assert RUC_OTHER not in [c["ruc"] for c in listed]


def test_certificate_update(admin: Admin, registered: dict[str, Any]) -> None:
    wrong = admin.call(
        "PUT", f"/admin/companies/{RUC}/certificate", {"pfx": _pfx(RUC, "new-pw"), "password": "other"}
    )
    assert wrong.status_code == 422 and "password" in _errors(wrong)[0]["message"]
    assert "other" not in wrong.text

    pfx = make_self_signed_pfx(RUC, "new-pw", razon_social="EMPRESA RENOVADA", days=30)
    done = admin.call(
        "PUT",
        f"/admin/companies/{RUC}/certificate",
        {"pfx": base64.b64encode(pfx).decode(), "password": "new-pw"},
    )
    assert done.status_code == 200, done.text
    certificate = done.json()["certificate"]
    assert "EMPRESA RENOVADA" in certificate["subject"] and certificate["expired"] is False
    assert admin.call("GET", f"/admin/companies/{RUC}").json()["certificate"] == certificate

    issued = admin.client.post(
        "/v1/documents", json=factura("F002"), headers={"Authorization": f"Bearer {registered['token']}"}
    )
    assert issued.status_code == 201, issued.text

    missing = admin.call(
        "PUT", "/admin/companies/20999999999/certificate", {"pfx": _pfx(RUC, "p"), "password": "p"}
    )
    assert missing.status_code == 404


def test_sol_update(admin: Admin, registered: dict[str, Any]) -> None:
    done = admin.call("PUT", f"/admin/companies/{RUC}/sol", {"user": "NUEVOUSR", "password": SOL_PASSWORD})
    assert done.status_code == 200 and done.json() == {"ruc": RUC, "sol": {"configured": True}}
    assert SOL_PASSWORD not in done.text
    empty = admin.call("PUT", f"/admin/companies/{RUC}/sol", {"user": "", "password": "x"})
    assert empty.status_code == 422 and _errors(empty)[0]["path"] == "user"


def test_token_create_and_revoke(admin: Admin, registered: dict[str, Any]) -> None:
    created = admin.call("POST", f"/admin/companies/{RUC}/tokens", {"name": "caja 2"})
    assert created.status_code == 201, created.text
    token = created.json()
    assert token["ruc"] == RUC and token["name"] == "caja 2" and token["token"].startswith(token["prefix"])
    bare = admin.call("POST", f"/admin/companies/{RUC}/tokens")
    assert bare.status_code == 201 and bare.json()["token"] != token["token"]

    bearer = {"Authorization": f"Bearer {token['token']}"}
    assert admin.client.get("/v1/documents", headers=bearer).status_code == 200

    revoked = admin.call("DELETE", f"/admin/tokens/{token['prefix']}")
    assert revoked.status_code == 200 and revoked.json() == {"prefix": token["prefix"], "revoked": True}
    refused = admin.client.get("/v1/documents", headers=bearer)
    assert refused.status_code == 401 and _errors(refused)
    assert (
        admin.client.get(
            "/v1/documents", headers={"Authorization": f"Bearer {bare.json()['token']}"}
        ).status_code
        == 200
    )

    again = admin.call("DELETE", f"/admin/tokens/{token['prefix']}")
    assert again.status_code == 404 and _errors(again)[0]["path"] == "prefix"
    prefixes = [t["prefix"] for t in admin.call("GET", f"/admin/companies/{RUC}").json()["tokens"]]
    assert token["prefix"] not in prefixes and bare.json()["prefix"] in prefixes


def test_no_answer_carries_a_secret(admin: Admin, registered: dict[str, Any]) -> None:
    for text in admin.answers:
        for secret in (CERT_PASSWORD, SOL_PASSWORD, ADMIN_TOKEN):
            assert secret not in text


def test_admin_api_is_off_without_an_admin_token(tmp_path: Path) -> None:
    """No YUPANA_ADMIN_TOKEN: every /admin path answers 404, whatever the Authorization header."""
    from yupana.api.app import create_app
    from yupana.settings import Settings

    app = create_app(Settings(data_dir=tmp_path, simulator_url="http://127.0.0.1:9", admin_token=None))
    with TestClient(app) as client:
        for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": f"Bearer {ADMIN_TOKEN}"}):
            listed = client.get("/admin/companies", headers=headers)
            assert listed.status_code == 404 and set(listed.json()) == {"errors"}
            created = client.post("/admin/companies", json=_company_body(RUC), headers=headers)
            assert created.status_code == 404
        assert client.get("/health").status_code == 200
        assert json.loads(client.get("/openapi.json").text)["paths"]
