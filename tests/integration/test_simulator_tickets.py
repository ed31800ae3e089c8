"""Summaries, voids and batches through the SUNAT simulator's ticket flow over real HTTP: a ticket,
98 while in process, then 0 or 99 with the CDR, and the summary's effect on later queries."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
import saxonche  # noqa: F401  (the SFS stylesheets run on Saxon; a test dependency)

from paths import SFS_RULES
from simulator_harness import (
    CONSULT,
    CPE,
    ISSUER_RUC,
    NS,
    OTROS,
    DocumentFactory,
    SimulatorProcess,
    beta_user,
    cdr_code,
    cdr_of,
    consult_envelope,
    consult_status_envelope,
    lima_today,
    post,
    send_file_envelope,
    ticket_envelope,
    zip_one,
)
from yupana.domain import return_codes
from yupana.signing.verify import verify

USER = beta_user(ISSUER_RUC)
DELAY = 1.0


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorProcess]:
    process = SimulatorProcess(
        tmp_path_factory.mktemp("sim") / "data", rules=SFS_RULES, env={"YUPANA_SIM_TICKET_DELAY": str(DELAY)}
    ).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as http:
        yield http


@pytest.fixture(scope="module")
def documents(test_signer) -> DocumentFactory:
    return DocumentFactory(test_signer)


_numbers = iter(range(500, 100_000))


def send(client, simulator, operation: str, stem: str, xml: bytes, path: str = CPE, user=USER):
    template = "send_summary.xml" if operation == "sendSummary" else "send_bill.xml"
    body = send_file_envelope(template, f"{stem}.zip", zip_one(f"{stem}.xml", xml), user)
    if operation == "sendPack":
        raise AssertionError("use send_pack")
    return post(client, simulator.url + path, body, operation)


def status(client, simulator, ticket: str, path: str = CPE, user=USER):
    return post(client, simulator.url + path, ticket_envelope(ticket, user), "getStatus")


def wait_for(client, simulator, ticket: str, path: str = CPE):
    first = status(client, simulator, ticket, path)
    assert first.field("status/statusCode") == "98"
    assert first.answer().find("status/content") is None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        time.sleep(DELAY / 3)
        answer = status(client, simulator, ticket, path)
        if answer.field("status/statusCode") != "98":
            return answer
    raise AssertionError("the ticket never left 98")


def consult(client, simulator, tipo: str, serie: str, numero: int) -> tuple[str, str | None, bool]:
    key = (ISSUER_RUC, tipo, serie, str(numero))
    state = post(client, simulator.url + CONSULT, consult_status_envelope(*key, USER), "getStatus")
    cdr = post(client, simulator.url + CONSULT, consult_envelope(*key, USER), "getStatusCdr")
    has_content = cdr.answer().find("statusCdr/content") is not None
    return state.field("status/statusCode"), cdr.field("statusCdr/statusCode"), has_content


def summary_ticket(client, simulator, documents, example: str, path: str = CPE, **changes) -> tuple[str, str]:
    stem, xml = documents.build(example, correlativo=next(_numbers), **changes)
    answer = send(client, simulator, "sendSummary", stem, xml, path)
    assert not answer.is_fault, answer.faultstring
    assert answer.answer().tag == "{http://service.sunat.gob.pe}sendSummaryResponse"
    ticket = answer.field("ticket")
    assert ticket and ticket.isdigit() and len(ticket) >= 13
    return stem, ticket


def test_daily_summary_registers_then_voids_boletas(simulator, client, documents) -> None:
    base = next(_numbers) * 10
    lines = [
        {"tipo_documento": "03", "serie": "B001", "correlativo": base + i, "gravadas": "100.00"}
        for i in range(3)
    ]
    stem, ticket = summary_ticket(client, simulator, documents, "summary-boletas", lines=lines)
    answer = wait_for(client, simulator, ticket)
    assert answer.field("status/statusCode") == "0"
    names, xml_name, cdr, cdr_bytes = cdr_of(answer.zip_field("status/content"))
    assert names == ["dummy/", f"R-{stem}.xml"]
    assert cdr_code(cdr) == "0"
    identifier = stem[12:]
    assert cdr.findtext("cac:DocumentResponse/cac:Response/cbc:ReferenceID", namespaces=NS) == identifier
    assert verify(cdr_bytes).valid
    for i in range(3):
        assert consult(client, simulator, "03", "B001", base + i) == ("0001", "0001", False)
    void = [{**lines[1], "estado": "3", "importe_total": "118.00", "igv": "18.00"}]
    _, ticket = summary_ticket(client, simulator, documents, "summary-boletas", lines=void)
    assert wait_for(client, simulator, ticket).field("status/statusCode") == "0"
    assert consult(client, simulator, "03", "B001", base + 1)[0] == "0003"
    assert consult(client, simulator, "03", "B001", base)[0] == "0001"


def test_voided_factura_says_de_baja(simulator, client, documents) -> None:
    numero = next(_numbers)
    stem, xml = documents.build("factura-minima", correlativo=numero)
    sent = send(client, simulator, "sendBill", stem, xml)
    assert cdr_code(cdr_of(sent.zip_field("applicationResponse"))[2]) == "0"
    assert consult(client, simulator, "01", "F001", numero) == ("0001", "0004", True)
    lines = [{"tipo_documento": "01", "serie": "F001", "correlativo": numero, "motivo": "ERROR EN EL RUC"}]
    voided_stem, ticket = summary_ticket(
        client, simulator, documents, "voided-comunicacion-baja", lines=lines
    )
    answer = wait_for(client, simulator, ticket)
    assert answer.field("status/statusCode") == "0"
    cdr = cdr_of(answer.zip_field("status/content"))[2]
    assert cdr.findtext("cac:DocumentResponse/cac:Response/cbc:Description", namespaces=NS) == (
        f"La Comunicacion de baja {voided_stem[12:]}, ha sido aceptada"
    )
    assert consult(client, simulator, "01", "F001", numero) == ("0003", "0003", True)
    # The same communication again: SUNAT's "ya fue presentado anteriormente".
    again = send(
        client,
        simulator,
        "sendSummary",
        voided_stem,
        documents.build(
            "voided-comunicacion-baja", correlativo=int(voided_stem.rsplit("-", 1)[1]), lines=lines
        )[1],
    )
    answer = wait_for(client, simulator, again.field("ticket"))
    assert answer.field("status/statusCode") == "99"
    assert cdr_code(cdr_of(answer.zip_field("status/content"))[2]) == "2324"


def test_void_of_an_unknown_document_is_rejected_with_a_cdr(simulator, client, documents) -> None:
    lines = [{"tipo_documento": "01", "serie": "F009", "correlativo": 77, "motivo": "NO EXISTE"}]
    _, ticket = summary_ticket(client, simulator, documents, "voided-comunicacion-baja", lines=lines)
    answer = wait_for(client, simulator, ticket)
    assert answer.field("status/statusCode") == "99"
    cdr = cdr_of(answer.zip_field("status/content"))[2]
    assert cdr_code(cdr) == "2105"
    assert cdr.findtext(
        "cac:DocumentResponse/cac:Response/cbc:Description", namespaces=NS
    ) == return_codes.message("2105")


def test_reversal_on_the_otros_cpe_service(simulator, client, documents) -> None:
    numero = next(_numbers)
    stem, xml = documents.build("retention-un-pago", correlativo=numero)
    assert_accepted = send(client, simulator, "sendBill", stem, xml, OTROS)
    assert not assert_accepted.is_fault, assert_accepted.faultstring
    cdr = cdr_of(assert_accepted.zip_field("applicationResponse"))[2]
    assert cdr_code(cdr) == "0"
    # Retentions do not go to the CPE service.
    refused = send(client, simulator, "sendBill", stem, xml, CPE)
    assert refused.faultcode == "soap-env:Client.0151"
    lines = [{"tipo_documento": "20", "serie": "R001", "correlativo": numero, "motivo": "ERROR"}]
    _, ticket = summary_ticket(
        client, simulator, documents, "voided-resumen-reversiones", path=OTROS, lines=lines
    )
    assert wait_for(client, simulator, ticket, OTROS).field("status/statusCode") == "0"
    assert consult(client, simulator, "20", "R001", numero)[0] == "0003"


def test_ticket_errors(simulator, client, documents) -> None:
    assert status(client, simulator, "1234567890123").field("status/statusCode") == "0127"
    _, ticket = summary_ticket(
        client,
        simulator,
        documents,
        "voided-comunicacion-baja",
        lines=[{"tipo_documento": "01", "serie": "F001", "correlativo": 1, "motivo": "X"}],
    )
    other = status(client, simulator, ticket, user=beta_user("20100070970"))
    assert other.field("status/statusCode") == "0126"
    stem, xml = documents.build("factura-minima", correlativo=next(_numbers))
    assert send(client, simulator, "sendSummary", stem, xml).faultcode == "soap-env:Client.0151"
    rc_stem = f"{ISSUER_RUC}-RC-{lima_today().replace('-', '')}-9"
    body = send_file_envelope("send_summary.xml", f"{rc_stem}.zip", b"not a zip", USER)
    assert post(client, simulator.url + CPE, body, "sendSummary").faultcode == "soap-env:Client.0156"


def test_send_pack_answers_one_cdr_per_document(simulator, client, documents) -> None:
    first = documents.build("factura-minima", correlativo=next(_numbers))
    second = documents.build("factura-minima", correlativo=next(_numbers))
    pack = f"{ISSUER_RUC}-LT-{lima_today().replace('-', '')}-1"
    data = zip_one(f"{first[0]}.xml", first[1], (f"{second[0]}.xml", second[1]))
    answer = post(
        client,
        simulator.url + CPE,
        send_file_envelope("send_bill.xml", f"{pack}.zip", data, USER).replace(b"sendBill", b"sendPack"),
        "sendPack",
    )
    assert answer.answer().tag == "{http://service.sunat.gob.pe}sendPackResponse", answer.body[:400]
    result = wait_for(client, simulator, answer.field("ticket"))
    assert result.field("status/statusCode") == "0"
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(result.zip_field("status/content"))) as archive:
        assert archive.namelist() == ["dummy/", f"R-{first[0]}.xml", f"R-{second[0]}.xml"]
    numero = int(first[0].rsplit("-", 1)[1])
    assert consult(client, simulator, "01", "F001", numero)[:2] == ("0001", "0004")
