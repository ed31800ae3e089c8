"""Injected faults of the SUNAT simulator, each kind over real HTTP: what the client sees, and
whether the request was processed (only ``lost-cdr`` and ``latency`` process it)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from simulator_harness import (
    CONSULT,
    CPE,
    ISSUER_RUC,
    DocumentFactory,
    SimulatorProcess,
    beta_user,
    cdr_code,
    cdr_of,
    consult_envelope,
    post,
    send_file_envelope,
    ticket_envelope,
    zip_one,
)
from yupana.domain import return_codes
from yupana.signing.verify import verify

USER = beta_user(ISSUER_RUC)
DROPPED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorProcess]:
    process = SimulatorProcess(tmp_path_factory.mktemp("sim") / "data").start()
    yield process
    process.stop()


@pytest.fixture
def client(simulator) -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as http:
        yield http
    simulator.admin("DELETE", "/faults")


@pytest.fixture(scope="module")
def documents(test_signer) -> DocumentFactory:
    return DocumentFactory(test_signer)


_numbers = iter(range(700, 100_000))


def factura(documents: DocumentFactory) -> tuple[str, bytes]:
    return documents.build("factura-minima", correlativo=next(_numbers))


def send_bill(client: httpx.Client, simulator: SimulatorProcess, stem: str, xml: bytes):
    body = send_file_envelope("send_bill.xml", f"{stem}.zip", zip_one(f"{stem}.xml", xml), USER)
    return post(client, simulator.url + CPE, body, "sendBill")


def registered(simulator: SimulatorProcess, stem: str) -> tuple[str, bytes | None]:
    """(statusCode, CDR) of getStatusCdr for the document ``stem``, asked on a fresh connection."""
    with httpx.Client(timeout=30) as client:
        answer = post(
            client, simulator.url + CONSULT, consult_envelope(*stem.split("-"), USER), "getStatusCdr"
        )
    code = answer.field("statusCdr/statusCode") or ""
    return code, answer.zip_field("statusCdr/content") if code == "0004" else None


def queue(simulator: SimulatorProcess, *kinds: str, **settings: float) -> None:
    response = simulator.admin("POST", "/faults", {"queue": list(kinds), **settings})
    assert response.status_code == 200, response.text
    assert response.json()["faults"]["queue"] == list(kinds)


def test_latency_delays_a_normal_answer(simulator, client, documents) -> None:
    stem, xml = factura(documents)
    queue(simulator, "latency", latency=0.6)
    started = time.monotonic()
    answer = send_bill(client, simulator, stem, xml)
    assert time.monotonic() - started >= 0.6
    assert cdr_code(cdr_of(answer.zip_field("applicationResponse"))[2]) == "0"


def test_timeout_holds_then_drops_and_processes_nothing(simulator, client, documents) -> None:
    stem, xml = factura(documents)
    queue(simulator, "timeout", timeout=1.0)
    with httpx.Client(timeout=0.3) as impatient, pytest.raises(httpx.ReadTimeout):
        send_bill(impatient, simulator, stem, xml)
    queue(simulator, "timeout", timeout=0.5)
    started = time.monotonic()
    with pytest.raises(DROPPED):
        send_bill(client, simulator, stem, xml)
    assert time.monotonic() - started >= 0.5
    assert registered(simulator, stem) == ("0011", None)
    assert not send_bill(client, simulator, stem, xml).is_fault


def test_reset_drops_the_connection_before_processing(simulator, client, documents) -> None:
    stem, xml = factura(documents)
    queue(simulator, "reset")
    with pytest.raises(DROPPED):
        send_bill(client, simulator, stem, xml)
    assert registered(simulator, stem) == ("0011", None)


@pytest.mark.parametrize(("kind", "status"), [("http500", 500), ("http503", 503)])
def test_web_tier_errors_are_html(simulator, client, documents, kind, status) -> None:
    stem, xml = factura(documents)
    queue(simulator, kind)
    response = client.post(
        simulator.url + CPE,
        content=send_file_envelope("send_bill.xml", f"{stem}.zip", zip_one(f"{stem}.xml", xml), USER),
        headers={"Content-Type": "text/xml"},
    )
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert b"Envelope" not in response.content
    if status == 503:
        assert response.headers["retry-after"]
    assert registered(simulator, stem) == ("0011", None)


@pytest.mark.parametrize(
    ("kind", "faultcode"),
    [
        ("0109", "soap-env:Client.0109"),
        ("0130", "soap-env:Client.0130"),
        ("0132", "soap-env:Client.0132"),
        ("0200", "soap-env:Server.0200"),
    ],
)
def test_sunat_system_errors_are_soap_faults(simulator, client, documents, kind, faultcode) -> None:
    stem, xml = factura(documents)
    queue(simulator, kind)
    answer = send_bill(client, simulator, stem, xml)
    assert answer.status == 500 and answer.is_fault
    assert answer.faultcode == faultcode
    assert answer.faultstring == return_codes.message(kind)
    assert registered(simulator, stem) == ("0011", None)


def test_lost_cdr_is_recovered_with_get_status_cdr(simulator, client, documents) -> None:
    stem, xml = factura(documents)
    queue(simulator, "lost-cdr")
    with pytest.raises(DROPPED):
        send_bill(client, simulator, stem, xml)
    code, cdr = registered(simulator, stem)
    assert code == "0004" and cdr is not None
    _, xml_name, root, data = cdr_of(cdr)
    assert xml_name == f"R-{stem}.xml" and cdr_code(root) == "0"
    assert verify(data).valid
    again = send_bill(client, simulator, stem, xml)
    assert again.faultcode == "soap-env:Client.1033"


def test_lost_answer_of_a_ticket_poll_is_polled_again(simulator, client, documents) -> None:
    numero = next(_numbers)
    stem, xml = documents.build(
        "voided-comunicacion-baja",
        correlativo=numero,
        lines=[{"tipo_documento": "01", "serie": "F001", "correlativo": 1, "motivo": "X"}],
    )
    assert (
        simulator.admin("POST", "/settings", {"skip_checks": ["references"], "ticket_delay": 0}).status_code
        == 200
    )
    try:
        body = send_file_envelope("send_summary.xml", f"{stem}.zip", zip_one(f"{stem}.xml", xml), USER)
        ticket = post(client, simulator.url + CPE, body, "sendSummary").field("ticket")
        queue(simulator, "lost-cdr")
        with pytest.raises(DROPPED):
            post(client, simulator.url + CPE, ticket_envelope(ticket, USER), "getStatus")
        answer = post(client, simulator.url + CPE, ticket_envelope(ticket, USER), "getStatus")
        assert answer.field("status/statusCode") == "0"
    finally:
        simulator.admin("POST", "/settings", {"skip_checks": [], "ticket_delay": 1})


def _statuses(simulator: SimulatorProcess, client: httpx.Client, count: int) -> list[int]:
    statuses = []
    for _ in range(count):
        statuses.append(client.post(simulator.url + CPE, content=ticket_envelope("1", USER)).status_code)
    return statuses


def test_seeded_draws_repeat(simulator, client) -> None:
    settings = {"rate": 0.5, "kinds": ["http503"], "seed": 7}
    before = simulator.admin("GET", "/state").json()["faults"]["injected"].get("http503", 0)
    assert simulator.admin("POST", "/faults", settings).status_code == 200
    first = _statuses(simulator, client, 16)
    assert simulator.admin("POST", "/faults", settings).status_code == 200
    second = _statuses(simulator, client, 16)
    assert first == second
    assert set(first) == {200, 503}
    state = simulator.admin("GET", "/state").json()["faults"]
    assert state["injected"]["http503"] - before == 2 * first.count(503)


def test_gre_faults_are_json(simulator, client) -> None:
    url = f"{simulator.url}/v1/clientessol/test-1/oauth2/token/"
    queue(simulator, "http500", "0130")
    first = client.post(url, data={"grant_type": "password"})
    assert first.status_code == 500 and first.json() == {"cod": "500", "msg": "Error inesperado"}
    second = client.post(url, data={"grant_type": "password"})
    assert second.status_code == 500 and second.json() == {"cod": "0130", "msg": return_codes.message("0130")}


def test_bad_admin_values_are_400(simulator) -> None:
    assert simulator.admin("POST", "/faults", {"kinds": ["terremoto"]}).status_code == 400
    assert simulator.admin("POST", "/faults", {"rate": 2}).status_code == 400
    assert simulator.admin("POST", "/settings", {"rejections": "nunca"}).status_code == 400


def test_faults_and_admin_token_from_the_environment(tmp_path: Path) -> None:
    env = {
        "YUPANA_SIM_FAULTS": "http503",
        "YUPANA_SIM_SEED": "3",
        "YUPANA_SIM_ADMIN_TOKEN": "secreto",
    }
    simulator = SimulatorProcess(tmp_path / "data", env=env).start()
    try:
        with httpx.Client(timeout=10) as client:
            assert _statuses(simulator, client, 3) == [503, 503, 503]
            assert simulator.admin("GET", "/state").status_code == 401
            assert simulator.admin("GET", "/state", token="otro").status_code == 401
            state = simulator.admin("GET", "/state", token="secreto").json()
            assert state["faults"]["kinds"] == ["http503"] and state["faults"]["rate"] == 1.0
            assert simulator.admin("DELETE", "/faults", token="secreto").status_code == 200
            assert _statuses(simulator, client, 2) == [200, 200]
    finally:
        simulator.stop()
