"""Facturador PRO's lifecycle endpoints on the real server (``yupana serve`` as a process, with its
worker and the embedded SUNAT simulator), on SQLite and PostgreSQL: ``/api/documents/send``,
``/api/documents/status``, ``/api/documents/lists``, ``/api/summaries`` (process 1 and 3),
``/api/voided``, their status endpoints and download links.

Automatic summaries are pushed an hour away, so every resumen diario here is the one the test asks
for; the reconciler looks every second."""

from __future__ import annotations

import io
import time
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree

from corpus import dump_json, load_fixture, today_lima
from paths import FIXTURES
from pro_bodies import boleta_body, factura_body
from server_harness import ServerProcess
from store_databases import postgres_database

RUC = "20123456786"
PRO = FIXTURES / "facturadorpro"
EXAMPLES = PRO / "official_examples"
POSTMAN = PRO / "postman_v8"
SALES_TYPES = {"01", "03", "07", "08"}
NOT_FOUND_OR_DATE = "El código externo {} no fue encontrado o la fecha indica no corresponde al documento."
WAIT_SECONDS = 90
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
SAC = "urn:sunat:names:specification:ubl:peru:schema:xsd:SunatAggregateComponents-1"


class Pro:
    def __init__(self, server: ServerProcess, token: str) -> None:
        self.server = server
        self.token = token
        self.client = httpx.Client(base_url=server.url, timeout=60)

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json", **extra}

    def post(self, path: str, body: Any, **headers: str) -> httpx.Response:
        return self.client.post(path, content=dump_json(body).encode(), headers=self.headers(**headers))

    def get(self, url: str) -> httpx.Response:
        return self.client.get(url, headers={"Authorization": f"Bearer {self.token}"})

    def issue(self, body: dict[str, Any]) -> dict[str, Any]:
        response = self.post("/api/documents", body)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    def status(self, external_id: str) -> dict[str, Any]:
        response = self.post("/api/documents/status", {"external_id": external_id})
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    def wait_answered(self, path: str, external_id: str) -> dict[str, Any]:
        """Ask ``path`` about a summary or baja until SUNAT's answer is final."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            response = self.post(path, {"external_id": external_id})
            assert response.status_code == 200, response.text
            answer: dict[str, Any] = response.json()
            said = answer["response"]
            if said["status_code"] in (0, 99):
                return answer
            # Not answered yet: in SUNAT's hands (98, with its ticket) or about to be sent.
            assert said["is_accepted"] is False and said["description"], answer
            if said["status_code"] == 98:
                assert said["sent"] is True and said["code"] == "98" and answer["data"]["ticket"], answer
                assert answer["data"]["state_type_id"] == "03" and answer["links"]["cdr"] == "", answer
            else:
                assert said["status_code"] is None and said["sent"] is False, answer
                assert answer["data"]["ticket"] is None, answer
            assert time.monotonic() < deadline, answer
            time.sleep(0.3)

    def summarise_today(self) -> str:
        body = fixture(POSTMAN / "resumen_diario.json")
        response = self.post("/api/summaries", body)
        assert response.status_code == 200, response.text
        external_id: str = response.json()["data"]["external_id"]
        return external_id


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def pro(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pro]:
    with ExitStack() as stack:
        url = stack.enter_context(postgres_database()) if request.param == "postgresql" else None
        server = ServerProcess(
            tmp_path_factory.mktemp(f"pro-lifecycle-{request.param}") / "data",
            url,
            extra_env={"YUPANA_SUMMARY_DELAY": "3600", "YUPANA_RECONCILE_INTERVAL": "1"},
        )
        token = server.add_company(RUC, "EMPRESA DE PRUEBAS S.A.C.")
        server.start()
        stack.callback(server.stop)
        client = Pro(server, token)
        stack.callback(client.client.close)
        yield client
        assert "Traceback" not in server.log_text(), server.log_text()


def fixture(path: Path) -> dict[str, Any]:
    """A fixture body without its annotations, its dates moved to today."""
    body = load_fixture(path, "fecha_de_emision_de_documentos")
    assert isinstance(body, dict)
    return body


def credit_note_body(affected: str, serie: str, numero: str = "#") -> dict[str, Any]:
    body = factura_body(serie_documento=serie, codigo_tipo_documento="07", numero_documento=numero)
    body.update(
        codigo_tipo_nota="01",
        motivo_o_sustento_de_nota="Anulación de la operación",
        documento_afectado={"external_id": affected},
    )
    for key in ("fecha_de_vencimiento", "codigo_tipo_operacion"):
        body.pop(key, None)
    return body


def void_body(path: Path, external_id: str, issued: date | None = None) -> dict[str, Any]:
    body = fixture(path)
    body["documentos"] = [{"external_id": external_id, "motivo_anulacion": "Se duplico documento"}]
    if issued is not None:
        body["fecha_de_emision_de_documentos"] = issued.isoformat()
    return body


def failure(response: httpx.Response, status: int, path: str | None = None) -> dict[str, Any]:
    """Facturador PRO's error envelope with ``status``; the path of its first problem is ``path``."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["success"] is False and isinstance(body["message"], str) and body["message"], body
    assert body["errors"] and all(error["message"] for error in body["errors"]), body
    if path is not None:
        assert body["errors"][0]["path"] == path, body
    return body


def _path(url: str) -> str:
    return httpx.URL(url).path


def _zip_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode() for name in archive.namelist())


def test_send_registers_a_factura_kept_unsent_and_sends_it_now(pro: Pro) -> None:
    issued = pro.issue(factura_body(acciones={"enviar_xml_firmado": False}))
    assert issued["state_type_id"] == "01"
    body = fixture(POSTMAN / "documents_send.json")
    body["external_id"] = issued["external_id"]

    response = pro.post("/api/documents/send", body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert set(answer) == {"success", "data", "links", "response"} and answer["success"] is True
    assert answer["data"] == {
        "number": issued["number"],
        "filename": f"{RUC}-01-{issued['number']}",
        "external_id": issued["external_id"],
        "state_type_id": "05",
        "state_type_description": "Aceptado",
    }
    assert set(answer["response"]) == {"code", "description", "notes"}
    assert answer["response"]["code"] == "0" and issued["number"] in answer["response"]["description"]
    assert set(answer["links"]) == {"cdr"}
    assert _path(answer["links"]["cdr"]) == f"/downloads/document/cdr/{issued['external_id']}"
    cdr = pro.get(answer["links"]["cdr"])
    assert cdr.status_code == 200 and issued["number"] in _zip_text(cdr.content)

    # Asked again, the document SUNAT accepted is not sent twice: its answer is the stored one.
    again = pro.post("/api/documents/send", body)
    assert again.status_code == 200, again.text
    assert again.json()["data"] == answer["data"] and again.json()["response"] == answer["response"]
    assert pro.status(issued["external_id"])["status_id"] == "05"


def test_send_refuses_boletas_unknown_documents_and_bodies_without_external_id(pro: Pro) -> None:
    boleta = pro.issue(boleta_body())
    refused = failure(
        pro.post("/api/documents/send", {"external_id": boleta["external_id"]}), 422, "external_id"
    )
    assert refused["message"] == "external_id: El tipo de documento 03 es inválido, no es posible enviar."
    assert pro.status(boleta["external_id"])["status_id"] == "01"

    unknown = str(uuid.uuid4())
    missing = failure(pro.post("/api/documents/send", {"external_id": unknown}), 404, "external_id")
    assert f"El documento con código externo {unknown}, no se encuentra registrado." in missing["message"]
    failure(pro.post("/api/documents/send", {}), 422, "external_id")
    failure(pro.post("/api/documents/send", ["not", "an", "object"]), 422)
    no_token = pro.client.post("/api/documents/send", json={"external_id": boleta["external_id"]})
    failure(no_token, 401, "Authorization")


def test_status_by_external_id_and_by_serie_number(pro: Pro) -> None:
    issued = pro.issue(factura_body())
    body = fixture(POSTMAN / "documents_status.json")
    body.update(external_id=issued["external_id"], serie_number=issued["number"])

    response = pro.post("/api/documents/status", body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert set(answer) == {"success", "data", "links"} and answer["success"] is True
    data = answer["data"]
    assert set(data) == {"number", "filename", "external_id", "status_id", "status", "qr", "number_to_letter"}
    assert (data["number"], data["external_id"]) == (issued["number"], issued["external_id"])
    assert data["filename"] == f"{RUC}-01-{issued['number']}"
    assert (data["status_id"], data["status"]) == ("05", "Aceptado")
    assert data["qr"] == issued["qr"] and data["number_to_letter"] == "Ciento dieciocho con 00/100"
    assert set(answer["links"]) == {"xml", "pdf", "cdr"} and answer["links"]["pdf"] is None
    xml = pro.get(answer["links"]["xml"])
    assert xml.status_code == 200
    assert etree.fromstring(xml.content).findtext(f"{{{CBC}}}ID") == issued["number"]
    assert pro.get(answer["links"]["cdr"]).status_code == 200

    serie, _, numero = issued["number"].partition("-")
    for serie_number in (issued["number"], f"{serie.lower()}-{int(numero):08d}"):
        by_number = pro.post("/api/documents/status", {"serie_number": serie_number})
        assert by_number.status_code == 200, by_number.text
        assert by_number.json() == answer

    # A credit note numbered like the factura in a series of the same name: the number alone is
    # ambiguous, the type or the external_id says which.
    note = pro.issue(credit_note_body(issued["external_id"], serie, numero))
    assert note["number"] == issued["number"] and note["state_type_id"] == "05"
    ambiguous = failure(
        pro.post("/api/documents/status", {"serie_number": note["number"]}), 422, "serie_number"
    )
    assert "more than one document" in ambiguous["message"] and "01, 07" in ambiguous["message"]
    typed = pro.post("/api/documents/status", {"serie_number": note["number"], "codigo_tipo_documento": "07"})
    assert typed.status_code == 200 and typed.json()["data"]["external_id"] == note["external_id"]
    by_id = pro.post(
        "/api/documents/status", {"external_id": note["external_id"], "serie_number": note["number"]}
    )
    assert by_id.status_code == 200 and by_id.json()["data"]["external_id"] == note["external_id"]

    other = pro.issue(factura_body())
    mismatch = {"external_id": issued["external_id"], "serie_number": other["number"]}
    failure(pro.post("/api/documents/status", mismatch), 422, "serie_number")
    failure(pro.post("/api/documents/status", {"serie_number": f"{serie}-99999999"}), 404, "serie_number")
    failure(pro.post("/api/documents/status", {"serie_number": serie}), 422, "serie_number")
    failure(pro.post("/api/documents/status", {"external_id": str(uuid.uuid4())}), 404, "external_id")
    failure(pro.post("/api/documents/status", {}), 422, "serie_number")
    bad_type = {"serie_number": issued["number"], "codigo_tipo_documento": "RC"}
    failure(pro.post("/api/documents/status", bad_type), 422, "codigo_tipo_documento")


def test_lists_the_last_documents_and_a_date_range(pro: Pro) -> None:
    factura = pro.issue(factura_body())
    boleta = pro.issue(boleta_body())
    today = today_lima()

    response = pro.get("/api/documents/lists")
    assert response.status_code == 200, response.text
    rows = response.json()["data"]
    assert 2 <= len(rows) <= 50
    assert (
        rows[0]["external_id"] == boleta["external_id"] and rows[1]["external_id"] == factura["external_id"]
    )
    assert all(row["document_type_id"] in SALES_TYPES for row in rows)
    row = rows[1]
    assert {
        key: row[key]
        for key in (
            "id",
            "number",
            "date_of_issue",
            "currency_type_id",
            "total",
            "total_igv",
            "state_type_id",
            "state_type_description",
            "document_type_id",
        )
    } == {
        "id": factura["id"],
        "number": factura["number"],
        "date_of_issue": today.strftime("%d-%m-%Y"),
        "currency_type_id": "PEN",
        "total": "118.00",
        "total_igv": "18.00",
        "state_type_id": "05",
        "state_type_description": "Aceptado",
        "document_type_id": "01",
    }
    assert row["customer_name"] == "EMPRESA XYZ S.A." and row["customer_number"]
    assert _path(row["download_xml"]) == f"/downloads/document/xml/{factura['external_id']}"
    assert pro.get(row["download_xml"]).status_code == 200 and pro.get(row["download_cdr"]).status_code == 200
    assert (rows[0]["state_type_id"], rows[0]["download_cdr"], rows[0]["group_id"]) == ("01", "", "02")

    day = today.isoformat()
    between = pro.get(f"/api/documents/lists/{day}/{day}")
    assert between.status_code == 200, between.text
    listed = {row["external_id"] for row in between.json()["data"]}
    assert {factura["external_id"], boleta["external_id"]} <= listed
    assert between.json()["meta"]["total"] == len(listed)
    yesterday = (today - timedelta(days=1)).isoformat()
    assert pro.get(f"/api/documents/lists/{yesterday}/{yesterday}").json()["data"] == []
    first = pro.get("/api/documents/lists?limit=1")
    assert [row["external_id"] for row in first.json()["data"]] == [boleta["external_id"]]
    assert first.json()["meta"]["total"] >= 2

    failure(pro.get(f"/api/documents/lists/{today.year}-13-01/{day}"), 422, "start")
    failure(pro.get(f"/api/documents/lists/{day}/15-10-2019"), 422, "end")
    failure(pro.get(f"/api/documents/lists/{day}/{yesterday}"), 422, "start")
    failure(pro.get("/api/documents/lists?limit=0"), 422, "limit")
    failure(pro.client.get("/api/documents/lists"), 401, "Authorization")


def test_summary_of_the_boletas_of_a_date_is_accepted_and_reported(pro: Pro) -> None:
    boletas = [pro.issue(boleta_body()) for _ in range(2)]
    response = pro.post("/api/summaries", fixture(POSTMAN / "resumen_diario.json"))
    assert response.status_code == 200, response.text
    created = response.json()
    assert set(created) == {"success", "data"} and created["success"] is True
    assert set(created["data"]) == {"external_id", "ticket"}
    summary = created["data"]["external_id"]
    for boleta in boletas:
        assert pro.status(boleta["external_id"])["status_id"] == "03"

    answer = pro.wait_answered("/api/summaries/status", summary)
    assert set(answer) == {"success", "data", "links", "response"} and answer["success"] is True
    response_keys = {"sent", "code", "description", "notes", "is_accepted", "status_code"}
    assert set(answer["response"]) == response_keys
    assert answer["response"]["is_accepted"] is True and answer["response"]["status_code"] == 0
    assert answer["response"]["sent"] is True and answer["response"]["code"] == "0"
    data = answer["data"]
    generated = today_lima().strftime("%Y%m%d")
    assert data["external_id"] == summary and data["filename"].startswith(f"{RUC}-RC-{generated}-")
    assert (data["state_type_id"], data["state_type_description"]) == ("05", "Aceptado")
    ticket = data["ticket"]
    assert isinstance(ticket, str) and ticket
    for boleta in boletas:
        assert pro.status(boleta["external_id"])["status_id"] == "05"

    by_ticket = pro.post("/api/summaries/status", {"ticket": ticket})
    assert by_ticket.status_code == 200 and by_ticket.json() == answer
    official = fixture(EXAMPLES / "resumen_diario_ticket.json")
    for value in (ticket, summary):
        either = pro.post("/api/summaries/status", {**official, "external_id_or_ticket": value})
        assert either.status_code == 200 and either.json() == answer
    both = fixture(POSTMAN / "resumen_status.json")
    both.update(external_id=summary, ticket=ticket)
    assert pro.post("/api/summaries/status", both).json() == answer
    failure(pro.post("/api/summaries/status", {**both, "ticket": "1"}), 422, "ticket")

    links = answer["links"]
    assert _path(links["xml"]) == f"/downloads/summary/xml/{summary}"
    xml = pro.get(links["xml"])
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/xml")
    root = etree.fromstring(xml.content)
    assert etree.QName(root).localname == "SummaryDocuments"
    reported = {line.findtext(f"{{{CBC}}}ID") for line in root.iter(f"{{{SAC}}}SummaryDocumentsLine")}
    assert {boleta["number"] for boleta in boletas} <= reported
    cdr = pro.get(links["cdr"])
    assert cdr.status_code == 200 and cdr.headers["content-type"] == "application/zip"
    assert data["filename"].removeprefix(f"{RUC}-") in _zip_text(cdr.content)
    failure(pro.client.get(links["xml"]), 401, "Authorization")
    failure(pro.get(f"/downloads/summary/pdf/{summary}"), 404)
    failure(pro.get(f"/downloads/voided/xml/{summary}"), 404, "external_id")

    listed = {row["external_id"] for row in pro.get("/api/documents/lists").json()["data"]}
    assert summary not in listed and boletas[0]["external_id"] in listed
    # Nothing waits any more for that date.
    nothing = failure(pro.post("/api/summaries", fixture(POSTMAN / "resumen_diario.json")), 422)
    assert nothing["errors"][0]["path"] == "fecha_de_emision_de_documentos"


def test_summary_process_3_voids_an_accepted_boleta(pro: Pro) -> None:
    boleta = pro.issue(boleta_body())
    pro.wait_answered("/api/summaries/status", pro.summarise_today())
    assert pro.status(boleta["external_id"])["status_id"] == "05"

    body = void_body(POSTMAN / "resumen_diario_anulacion.json", boleta["external_id"])
    assert body["codigo_tipo_proceso"] == "3"
    response = pro.post("/api/summaries", body)
    assert response.status_code == 200, response.text
    voiding = response.json()["data"]
    assert set(voiding) == {"external_id", "ticket"}
    assert pro.status(boleta["external_id"])["status_id"] == "13"

    answer = pro.wait_answered("/api/summaries/status", voiding["external_id"])
    assert answer["response"]["is_accepted"] is True, answer
    root = etree.fromstring(pro.get(answer["links"]["xml"]).content)
    statuses = [
        line.findtext(f"{{{CBC}}}ID") + ":" + (line.findtext(f".//{{{CBC}}}ConditionCode") or "")
        for line in root.iter(f"{{{SAC}}}SummaryDocumentsLine")
    ]
    assert statuses == [f"{boleta['number']}:3"]
    status = pro.status(boleta["external_id"])
    assert (status["status_id"], status["status"]) == ("11", "Anulado")

    # Voided already: the same request is refused, naming the document.
    again = failure(pro.post("/api/summaries", body), 422, "documentos[0].external_id")
    assert "11" in again["message"]


def test_voided_factura_goes_13_then_11(pro: Pro) -> None:
    factura = pro.issue(factura_body())
    assert factura["state_type_id"] == "05"
    body = void_body(POSTMAN / "anulacion.json", factura["external_id"])
    key = f"baja-{uuid.uuid4()}"
    response = pro.post("/api/voided", body, **{"Idempotency-Key": key})
    assert response.status_code == 200, response.text
    created = response.json()
    assert set(created) == {"success", "data"} and set(created["data"]) == {"external_id", "ticket"}
    replay = pro.post("/api/voided", body, **{"Idempotency-Key": key})
    assert replay.json() == created and replay.headers.get("Idempotency-Replayed") == "true"
    baja = created["data"]["external_id"]
    status = pro.status(factura["external_id"])
    assert (status["status_id"], status["status"]) == ("13", "Por anular")

    status_body = fixture(POSTMAN / "anulacion_status.json")
    status_body.pop("ticket")
    status_body["external_id"] = baja
    answer = pro.wait_answered("/api/voided/status", baja)
    assert set(answer["response"]) == {"sent", "code", "description", "notes", "is_accepted", "status_code"}
    assert answer["response"]["is_accepted"] is True and answer["response"]["status_code"] == 0
    assert answer["data"]["filename"].startswith(f"{RUC}-RA-{today_lima().strftime('%Y%m%d')}-")
    assert pro.post("/api/voided/status", status_body).json() == answer
    by_ticket = fixture(EXAMPLES / "anulacion_ticket.json")
    by_ticket.update(external_id=baja, ticket=answer["data"]["ticket"])
    assert pro.post("/api/voided/status", by_ticket).json() == answer
    status = pro.status(factura["external_id"])
    assert (status["status_id"], status["status"]) == ("11", "Anulado")

    assert _path(answer["links"]["xml"]) == f"/downloads/voided/xml/{baja}"
    root = etree.fromstring(pro.get(answer["links"]["xml"]).content)
    assert etree.QName(root).localname == "VoidedDocuments"
    serie, _, numero = factura["number"].partition("-")
    line = next(root.iter(f"{{{SAC}}}VoidedDocumentsLine"))
    assert (line.findtext(f"{{{SAC}}}DocumentSerialID"), line.findtext(f"{{{SAC}}}DocumentNumberID")) == (
        serie,
        numero,
    )
    assert pro.get(answer["links"]["cdr"]).status_code == 200
    # A baja is not a summary, and the other way round.
    failure(pro.post("/api/summaries/status", {"external_id": baja}), 404, "external_id")
    failure(pro.get(f"/downloads/summary/xml/{baja}"), 404, "external_id")


def test_bad_bodies_are_refused_with_the_path_of_the_problem(pro: Pro) -> None:
    today = today_lima()
    factura = pro.issue(factura_body())
    boleta = pro.issue(boleta_body())
    unsent = pro.issue(factura_body(acciones={"enviar_xml_firmado": False}))

    # /api/summaries
    summary = fixture(POSTMAN / "resumen_diario.json")
    fecha = "fecha_de_emision_de_documentos"
    failure(pro.post("/api/summaries", {"codigo_tipo_proceso": "1"}), 422, fecha)
    failure(pro.post("/api/summaries", {**summary, fecha: "15/10/2019"}), 422, fecha)
    failure(pro.post("/api/summaries", {fecha: today.isoformat()}), 422, "codigo_tipo_proceso")
    failure(pro.post("/api/summaries", {**summary, "codigo_tipo_proceso": "2"}), 422, "codigo_tipo_proceso")
    empty = failure(pro.post("/api/summaries", {**summary, "codigo_tipo_proceso": "3"}), 422, "documentos")
    assert "No se enviaron documentos para la anulación." in empty["message"]
    # The number 3 is read as "3": without documentos it is refused, it never summarises the day.
    failure(pro.post("/api/summaries", {**summary, "codigo_tipo_proceso": 3}), 422, "documentos")
    assert pro.status(boleta["external_id"])["status_id"] == "01"
    numeric = void_body(POSTMAN / "resumen_diario_anulacion.json", factura["external_id"])
    numeric["codigo_tipo_proceso"] = 3
    wrong_group = failure(pro.post("/api/summaries", numeric), 422, "documentos[0].external_id")
    assert NOT_FOUND_OR_DATE.format(factura["external_id"]) in wrong_group["message"]
    with_documents = {**summary, "documentos": numeric["documentos"]}
    failure(pro.post("/api/summaries", with_documents), 422, "documentos")
    quiet_day = (today - timedelta(days=3)).isoformat()
    nothing = failure(pro.post("/api/summaries", {**summary, fecha: quiet_day}), 422, fecha)
    assert quiet_day in nothing["message"]

    # /api/voided
    voided = void_body(POSTMAN / "anulacion.json", factura["external_id"])
    failure(pro.post("/api/voided", {"documentos": voided["documentos"]}), 422, fecha)
    unknown = str(uuid.uuid4())
    missing = failure(
        pro.post("/api/voided", void_body(POSTMAN / "anulacion.json", unknown)),
        422,
        "documentos[0].external_id",
    )
    assert NOT_FOUND_OR_DATE.format(unknown) in missing["message"]
    yesterday = today - timedelta(days=1)
    wrong_date = void_body(POSTMAN / "anulacion.json", factura["external_id"], yesterday)
    dated = failure(pro.post("/api/voided", wrong_date), 422, "documentos[0].external_id")
    assert NOT_FOUND_OR_DATE.format(factura["external_id"]) in dated["message"]
    a_boleta = void_body(POSTMAN / "anulacion.json", boleta["external_id"])
    failure(pro.post("/api/voided", a_boleta), 422, "documentos[0].external_id")
    two = {
        **voided,
        "documentos": [
            {"external_id": factura["external_id"]},
            {"external_id": unknown, "motivo_anulacion": "x"},
        ],
    }
    both = failure(pro.post("/api/voided", two), 422, "documentos[0].motivo_anulacion")
    assert [error["path"] for error in both["errors"]] == ["documentos[0].motivo_anulacion"]
    failure(pro.post("/api/voided", {**voided, "documentos": "F001-1"}), 422, "documentos")
    not_accepted = void_body(POSTMAN / "anulacion.json", unsent["external_id"])
    registered = failure(pro.post("/api/voided", not_accepted), 422, "documentos[0].external_id")
    assert "01" in registered["message"]
    assert pro.status(factura["external_id"])["status_id"] == "05"

    # status endpoints and downloads
    for path in ("/api/summaries/status", "/api/voided/status"):
        failure(pro.post(path, {}), 422, "external_id")
        failure(pro.post(path, {"external_id": str(uuid.uuid4())}), 404, "external_id")
        failure(pro.post(path, {"ticket": "404404404"}), 404, "ticket")
        failure(pro.post(path, {"external_id_or_ticket": str(uuid.uuid4())}), 404, "external_id_or_ticket")
        failure(pro.post(path, {"external_id": factura["external_id"]}), 404, "external_id")
        failure(pro.client.post(path, json={"ticket": "1"}), 401, "Authorization")
        failure(pro.client.post(path, content=b"{", headers=pro.headers()), 400)
    failure(pro.get(f"/downloads/voided/xml/{uuid.uuid4()}"), 404, "external_id")
