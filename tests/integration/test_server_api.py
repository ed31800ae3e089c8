"""The server over real HTTP: ``yupana serve`` (embedded SUNAT simulator) as a process, on SQLite and
PostgreSQL; companies and tokens made with the ``yupana company add`` command."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree

from server_harness import ServerProcess, factura, lima_today
from signature_check import assert_xmlsec_verifies
from store_databases import postgres_database

RUC_A = "20123456786"
RUC_B = "20601234565"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


class Api:
    def __init__(self, server: ServerProcess, token_a: str, token_b: str) -> None:
        self.server = server
        self.tokens = {"A": token_a, "B": token_b}
        self.client = httpx.Client(base_url=server.url, timeout=60)

    def headers(self, who: str = "A") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def issue(self, body: Any, who: str = "A") -> httpx.Response:
        return self.client.post("/v1/documents", json=body, headers=self.headers(who))

    def get(self, path: str, who: str = "A", **params: Any) -> httpx.Response:
        return self.client.get(path, headers=self.headers(who), params=params or None)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with ExitStack() as stack:
        url = stack.enter_context(postgres_database()) if request.param == "postgresql" else None
        server = ServerProcess(tmp_path_factory.mktemp(f"server-{request.param}") / "data", url)
        token_a = server.add_company(RUC_A, "EMPRESA DE PRUEBAS S.A.C.")
        token_b = server.add_company(RUC_B, "TRANSPORTES Y SERVICIOS DEMO S.A.C.")
        server.start()
        stack.callback(server.stop)
        client = Api(server, token_a, token_b)
        stack.callback(client.client.close)
        yield client
        assert "Traceback" not in server.log_text(), server.log_text()


def _errors(response: httpx.Response) -> list[dict[str, Any]]:
    body = response.json()
    assert set(body) == {"errors"}, body
    assert body["errors"] and all(e["message"] for e in body["errors"]), body
    return body["errors"]


def test_health_openapi_and_docs(api: Api) -> None:
    assert api.client.get("/health").json()["status"] == "ok"
    schema = api.client.get("/openapi.json").json()
    assert "/v1/documents" in schema["paths"] and "/v1/documents/{external_id}/cdr" in schema["paths"]
    docs = api.client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_factura_with_next_number_is_signed_sent_and_downloadable(api: Api) -> None:
    response = api.issue(factura("F001"))
    assert response.status_code == 201, response.text
    issued = response.json()
    assert issued["created"] is True
    assert issued["number"] == f"F001-{issued['correlativo']}" and issued["correlativo"] >= 1
    assert issued["totals"]["gravadas"] == "100.00" and issued["totals"]["igv"] == "18.00"
    assert issued["totals"]["importe_total"] == "118.00"
    assert issued["state"] == "05" and issued["state_description"] == "Aceptado"
    assert issued["sunat"]["code"] == "0"

    external_id = issued["external_id"]
    read = api.get(f"/v1/documents/{external_id}")
    assert read.status_code == 200
    assert {k: v for k, v in read.json().items() if k in issued} == {
        k: v for k, v in issued.items() if k not in ("created", "warnings")
    }

    xml = api.get(f"/v1/documents/{external_id}/xml")
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/xml")
    assert_xmlsec_verifies(xml.content)
    root = etree.fromstring(xml.content)
    assert root.findtext(f"{{{CBC}}}ID") == issued["number"]
    assert root.findtext(".//{http://www.w3.org/2000/09/xmldsig#}DigestValue") == issued["hash"]

    cdr = api.get(f"/v1/documents/{external_id}/cdr")
    assert cdr.status_code == 200 and cdr.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(cdr.content)) as archive:
        names = archive.namelist()
        answer = etree.fromstring(archive.read(names[-1]))
    assert any(name.startswith("R-") for name in names)
    assert answer.findtext(f".//{{{CBC}}}ResponseCode") == "0"
    assert answer.findtext(f".//{{{CBC}}}ReferenceID") == issued["number"]

    listed = api.get("/v1/documents", serie="F001", tipo_documento="01", state="05", date_from=lima_today())
    assert listed.status_code == 200
    assert external_id in [d["external_id"] for d in listed.json()["data"]]


def test_explicit_number_is_idempotent_and_other_content_is_refused_with_1033(api: Api) -> None:
    first = api.issue(factura("F002", 7))
    assert first.status_code == 201, first.text
    again = api.issue(factura("F002", 7))
    assert again.status_code == 200, again.text
    assert again.json()["external_id"] == first.json()["external_id"] and again.json()["created"] is False
    other = api.issue(factura("F002", 7, valor="250.00"))
    assert other.status_code == 422
    errors = _errors(other)
    assert errors[0]["code"] == "1033" and errors[0]["path"] == "correlativo"
    assert "registrado previamente con otros datos" in errors[0]["message"]
    # "#" continues after the explicit number.
    assert api.issue(factura("F002")).json()["correlativo"] == 8


def test_invalid_document_stores_nothing_and_uses_no_number(api: Api) -> None:
    bad = factura("F003", lines=[{"descripcion": "x", "cantidad": 1, "unidad": "ZZ", "valor_unitario": "-5"}])
    response = api.issue(bad)
    assert response.status_code == 422
    assert any(e["path"].startswith("lines[0]") for e in _errors(response))
    assert api.get("/v1/documents", serie="F003").json()["total"] == 0
    assert api.issue(factura("F003")).json()["correlativo"] == 1


def test_a_company_cannot_reach_another_companys_documents(api: Api) -> None:
    theirs = api.issue(factura("F010"), who="B")
    assert theirs.status_code == 201, theirs.text
    external_id = theirs.json()["external_id"]
    assert theirs.json()["state"] == "05"
    for path in ("", "/xml", "/cdr"):
        assert api.get(f"/v1/documents/{external_id}{path}", who="B").status_code == 200
        refused = api.get(f"/v1/documents/{external_id}{path}", who="A")
        assert refused.status_code == 404
        _errors(refused)
    assert api.get("/v1/documents", who="A", serie="F010").json() == {
        "total": 0,
        "limit": 50,
        "offset": 0,
        "data": [],
    }
    every = api.get("/v1/documents", who="A", limit=1000).json()["data"]
    assert external_id not in [d["external_id"] for d in every]
    # B's own numbering is separate from A's.
    mine = api.issue(factura("F010"), who="A")
    assert mine.json()["correlativo"] == 1


@pytest.mark.parametrize(
    ("content", "content_type", "auth", "status", "path"),
    [
        (b'{"tipo_documento": "01", ', "application/json", "A", 400, ""),
        (json.dumps(factura()).encode(), "text/plain", "A", 415, "Content-Type"),
        (json.dumps(factura(extra_field=1)).encode(), "application/json", "A", 422, "extra_field"),
        (json.dumps(factura(serie=5)).encode(), "application/json", "A", 422, "serie"),
        (b"[1, 2]", "application/json", "A", 422, ""),
        (b"", "application/json", "A", 400, ""),
        (b"\xff\xfe{}", "application/json", "A", 400, ""),
        (json.dumps(factura()).encode(), "application/json", "wrong", 401, "Authorization"),
        (json.dumps(factura()).encode(), "application/json", None, 401, "Authorization"),
        (b"[" * 2_000_000, "application/json", "A", 413, ""),
    ],
    ids=["malformed", "content-type", "unknown-field", "wrong-type", "not-object", "empty", "not-utf8",
         "wrong-token", "no-token", "huge"],
)  # fmt: skip
def test_bad_requests_get_a_4xx_with_a_clear_message(
    api: Api, content: bytes, content_type: str, auth: str | None, status: int, path: str
) -> None:
    headers = {"Content-Type": content_type}
    if auth == "A":
        headers.update(api.headers("A"))
    elif auth == "wrong":
        headers["Authorization"] = "Bearer yup_not-a-real-token"
    response = api.client.post("/v1/documents", content=content, headers=headers)
    assert response.status_code == status, response.text
    errors = _errors(response)
    assert path in [e["path"] for e in errors]


@pytest.mark.parametrize(
    "params", [{"limit": "0"}, {"limit": "x"}, {"offset": "-1"}, {"date_from": "yesterday"}, {"state": "99"}]
)
def test_bad_list_filters_are_422(api: Api, params: dict[str, str]) -> None:
    response = api.get("/v1/documents", **params)
    assert response.status_code == 422, response.text
    assert [e["path"] for e in _errors(response)] == list(params)


def test_unknown_document_and_route_are_404(api: Api) -> None:
    for path in ("/v1/documents/not-a-uuid", "/v1/documents/00000000-0000-4000-8000-000000000000/xml"):
        response = api.get(path)
        assert response.status_code == 404
        _errors(response)
    assert api.client.get("/v2/nothing").status_code == 404


def test_parallel_next_numbers_have_no_gaps_or_duplicates(api: Api) -> None:
    count = 50

    def one(_: int) -> httpx.Response:
        return api.issue(factura("F050"))

    with ThreadPoolExecutor(max_workers=count) as pool:
        responses = list(pool.map(one, range(count)))
    assert [r.status_code for r in responses] == [201] * count, [
        r.text for r in responses if r.status_code != 201
    ]
    numbers = sorted(r.json()["correlativo"] for r in responses)
    assert numbers == list(range(1, count + 1))
    listed = api.get("/v1/documents", serie="F050", limit=1000).json()
    assert listed["total"] == count
    assert sorted(d["correlativo"] for d in listed["data"]) == numbers
    assert {d["state"] for d in listed["data"]} == {"05"}


def test_company_add_refuses_a_second_company_with_the_same_ruc(api: Api, tmp_path: Path) -> None:
    import subprocess
    import sys

    from paths import ROOT

    done = subprocess.run(
        [sys.executable, "-m", "yupana.cli", "token", "create", "--ruc", RUC_A],
        capture_output=True, cwd=str(ROOT), env=api.server.env(), timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    token = json.loads(done.stdout)["token"]
    assert (
        httpx.get(api.server.url + "/v1/documents", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    again = subprocess.run(
        [sys.executable, "-m", "yupana.cli", "company", "add", "--ruc", RUC_A, "--razon-social", "X",
         "--cert", str(api.server.data_dir.parent / f"{RUC_A}.pfx"), "--cert-password", "pw"],
        capture_output=True, cwd=str(ROOT), env=api.server.env(), timeout=60,
    )  # fmt: skip
    assert again.returncode == 2 and b"already exists" in again.stderr
