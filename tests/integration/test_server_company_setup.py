"""Setting a company up over the admin API and the CLI, against ``yupana serve`` as a process: GRE
client, SUNAT environment (custom OSE URLs), establishments with bound tokens, PDF colour and logo."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree

from server_harness import ServerProcess, factura
from simulator_harness import free_port
from yupana.signing.selfsigned import make_self_signed_pfx

ADMIN_TOKEN = "admin-0c4e7a9b2d5f8e1a3c6b9d2f4a7c0e5b"
GRE_SECRET = "gre-secret-Zk27wq"
CERT_PASSWORD = "cert-pw-Lm55"
ADDRESS = {
    "direccion": "AV. ABANCAY 123",
    "ubigeo": "150101",
    "departamento": "LIMA",
    "provincia": "LIMA",
    "distrito": "LIMA",
}
ANEXO = {
    "direccion": "JR. UNION 456",
    "ubigeo": "040101",
    "departamento": "AREQUIPA",
    "provincia": "AREQUIPA",
    "distrito": "AREQUIPA",
}
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class SetupServer(ServerProcess):
    simulator_port = free_port()

    def env(self) -> dict[str, str]:
        env = super().env()
        env["YUPANA_ADMIN_TOKEN"] = ADMIN_TOKEN
        env["YUPANA_SIMULATOR_PORT"] = str(self.simulator_port)
        return env

    @property
    def simulator_bill_service(self) -> str:
        return f"http://127.0.0.1:{self.simulator_port}/ol-ti-itcpfegem-beta/billService"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SetupServer]:
    process = SetupServer(tmp_path_factory.mktemp("setup") / "data")
    process.start()
    try:
        yield process
    finally:
        process.stop()
    log = process.log_text()
    assert "Traceback" not in log, log
    assert GRE_SECRET not in log


@pytest.fixture(scope="module")
def admin(server: SetupServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.url, timeout=60, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    ) as client:
        yield client


def _register(admin: httpx.Client, ruc: str) -> str:
    pfx = base64.b64encode(make_self_signed_pfx(ruc, CERT_PASSWORD, razon_social="EMPRESA DEMO")).decode()
    response = admin.post(
        "/admin/companies",
        json={
            "ruc": ruc,
            "razon_social": "EMPRESA DE PRUEBAS S.A.C.",
            "address": ADDRESS,
            # A custom endpoint needs a SOL login; the simulator accepts this one for any RUC.
            "sol_user": "MODDATOS",
            "sol_password": "moddatos",
            "certificate": {"pfx": pfx, "password": CERT_PASSWORD},
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["token"])


def _paths(response: httpx.Response) -> list[str]:
    return [e["path"] for e in response.json()["errors"]]


def _issue(server: SetupServer, token: str, **extra: Any) -> dict[str, Any]:
    response = httpx.post(
        server.url + "/v1/documents",
        json=factura(**extra),
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_gre_client_is_stored_and_never_shown(admin: httpx.Client) -> None:
    _register(admin, "20100000009")
    assert admin.get("/admin/companies/20100000009").json()["gre"] == {"configured": False}
    bad = admin.put("/admin/companies/20100000009/gre", json={"client_id": "", "client_secret": "x"})
    assert bad.status_code == 422 and _paths(bad) == ["client_id"]
    done = admin.put(
        "/admin/companies/20100000009/gre", json={"client_id": "client-abc", "client_secret": GRE_SECRET}
    )
    assert done.status_code == 200, done.text
    view = admin.get("/admin/companies/20100000009")
    assert view.json()["gre"] == {"configured": True}
    assert GRE_SECRET not in done.text + view.text and "client-abc" not in view.text


def test_custom_environment_sends_to_its_own_url(server: SetupServer, admin: httpx.Client) -> None:
    ruc = "20100000017"
    token = _register(admin, ruc)
    path = f"/admin/companies/{ruc}/environment"
    missing = admin.put(path, json={"environment": "custom", "endpoints": {}})
    assert missing.status_code == 422 and _paths(missing) == ["endpoints.bill_service"]
    not_url = admin.put(path, json={"environment": "custom", "endpoints": {"bill_service": "ftp://ose"}})
    assert not_url.status_code == 422 and _paths(not_url) == ["endpoints.bill_service"]
    extra = admin.put(path, json={"environment": "beta", "endpoints": {"bill_service": "https://ose.pe/x"}})
    assert extra.status_code == 422 and _paths(extra) == ["endpoints"]
    unknown = admin.put(path, json={"environment": "staging"})
    assert unknown.status_code == 422

    done = admin.put(
        path, json={"environment": "custom", "endpoints": {"bill_service": server.simulator_bill_service}}
    )
    assert done.status_code == 200, done.text
    assert done.json()["environment"] == "custom"
    assert done.json()["endpoints"]["bill_service"] == server.simulator_bill_service
    issued = _issue(server, token)
    assert issued["state"] == "05" and issued["sunat"]["code"] == "0", issued

    # Back to production: the custom URLs are gone.
    back = admin.put(path, json={"environment": "production"})
    assert back.json()["environment"] == "production" and back.json()["endpoints"] is None


def test_token_bound_to_an_establishment_issues_from_it(server: SetupServer, admin: httpx.Client) -> None:
    ruc = "20100000025"
    _register(admin, ruc)
    base = f"/admin/companies/{ruc}"
    bad = admin.post(base + "/establishments", json={"codigo": "1", "address": ANEXO})
    assert bad.status_code == 422 and _paths(bad) == ["codigo"]
    added = admin.post(base + "/establishments", json={"codigo": "0001", "address": ANEXO})
    assert added.status_code == 201, added.text
    assert added.json()["address"]["ubigeo"] == "040101"
    again = admin.post(base + "/establishments", json={"codigo": "0001", "address": ANEXO})
    assert again.status_code == 409

    unknown = admin.post(base + "/tokens", json={"establishment": "0002"})
    assert unknown.status_code == 422 and _paths(unknown) == ["establishment"]
    bound = admin.post(base + "/tokens", json={"establishment": "0001"})
    assert bound.status_code == 201 and bound.json()["establishment"] == "0001", bound.text
    view = admin.get(base).json()
    assert [e["codigo"] for e in view["establishments"]] == ["0000", "0001"]
    assert {t["prefix"]: t["establishment"] for t in view["tokens"]}[bound.json()["prefix"]] == "0001"

    issued = _issue(server, bound.json()["token"])
    xml = httpx.get(
        f"{server.url}/v1/documents/{issued['external_id']}/xml",
        headers={"Authorization": f"Bearer {bound.json()['token']}"},
        timeout=60,
    )
    assert xml.status_code == 200, xml.text
    root = etree.fromstring(xml.content)
    supplier = root.find("{*}AccountingSupplierParty")
    assert supplier is not None
    assert supplier.findtext(f".//{{{CBC}}}AddressTypeCode") == "0001"
    assert supplier.findtext(f".//{{{CBC}}}ID") is not None
    assert "040101" in [e.text for e in supplier.iter(f"{{{CBC}}}ID")]


def test_branding_is_validated_and_shown(admin: httpx.Client) -> None:
    ruc = "20100000033"
    _register(admin, ruc)
    path = f"/admin/companies/{ruc}/branding"
    colour = admin.put(path, json={"pdf_color": "red"})
    assert colour.status_code == 422 and _paths(colour) == ["pdf_color"]
    not_image = admin.put(path, json={"logo": base64.b64encode(b"GIF89a....").decode()})
    assert not_image.status_code == 422 and _paths(not_image) == ["logo"]
    too_big = admin.put(path, json={"logo": base64.b64encode(PNG + b"\x00" * 600_000).decode()})
    assert too_big.status_code in (413, 422)
    assert admin.get(f"/admin/companies/{ruc}").json()["branding"] == {"pdf_color": None, "has_logo": False}
    done = admin.put(path, json={"pdf_color": "#1a2b3c", "logo": base64.b64encode(PNG).decode()})
    assert done.status_code == 200, done.text
    assert admin.get(f"/admin/companies/{ruc}").json()["branding"] == {
        "pdf_color": "#1A2B3C",
        "has_logo": True,
    }


def test_cli_company_add_with_gre_and_ose_url_and_bound_token(
    server: SetupServer, admin: httpx.Client
) -> None:
    ruc = "20100000041"
    cert = Path(server.data_dir.parent) / f"{ruc}.pfx"
    cert.write_bytes(make_self_signed_pfx(ruc, CERT_PASSWORD, razon_social="EMPRESA CLI"))
    record = server.cli(
        "company", "add", "--ruc", ruc, "--razon-social", "EMPRESA CLI S.A.C.", "--address", '{"direccion": "AV. SOL 1", "ubigeo": "150101"}',
        "--cert", str(cert), "--cert-password", CERT_PASSWORD, "--gre-client-id", "cli-client",
        "--gre-client-secret", GRE_SECRET, "--sol-user", "MODDATOS", "--sol-password", "moddatos", "--environment", "custom", "--ose-url", server.simulator_bill_service,
    )  # fmt: skip
    assert GRE_SECRET not in str(record)
    view = admin.get(f"/admin/companies/{ruc}").json()
    assert view["gre"] == {"configured": True} and view["environment"] == "custom"
    assert view["endpoints"]["bill_service"] == server.simulator_bill_service
    admin.post(f"/admin/companies/{ruc}/establishments", json={"codigo": "0001", "address": ANEXO})
    bound = server.cli("token", "create", "--ruc", ruc, "--establishment", "0001")
    assert bound["establishment"] == "0001"
    issued = _issue(server, str(bound["token"]))
    assert issued["state"] == "05", issued
