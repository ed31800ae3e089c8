"""The SUNAT transport against the simulator running as a real HTTP server (``yupana simulator``).

Each simulator is a subprocess on a free loopback port, with its own data folder. Documents are
built and signed by the project (native dialect examples, dates moved to today) and sent over
HTTP exactly as to SUNAT: billService (CPE and otros CPE), tickets, billConsultService, the GRE
REST platform with its OAuth2 token, and the failures the simulator injects (SUNAT exceptions,
HTTP 503, dropped connections, a request held past the read timeout, a CDR lost on the way back).

The ``references`` check (a summary's documents must have been registered before) is switched
off: these tests are about the wire, not about the order in which a company sends its documents.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from corpus import load_fixture
from paths import ROOT
from yupana.service.batch import load_json
from yupana.sunat.bill_service import BillService
from yupana.sunat.company_client import CompanyClient
from yupana.sunat.credentials import GreCredentials, SolCredentials
from yupana.sunat.endpoints import Endpoints
from yupana.sunat.gre_token import TokenCache
from yupana.sunat.results import Outcome, SunatResult
from yupana.sunat.transport import HttpOptions

EXAMPLES = ROOT / "examples" / "documents"
RUC = "20123456786"
SOL = SolCredentials(RUC, "MODDATOS", "moddatos")
GRE = GreCredentials("test-yupana-client", "any-secret")
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_simulator(data_dir: Path, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    environment = dict(os.environ)
    environment.pop("YUPANA_SUNAT_RULES", None)
    environment.update(
        {
            "YUPANA_SIM_DATA": str(data_dir),
            "YUPANA_SIM_TICKET_DELAY": "0.3",
            "YUPANA_SIM_SKIP_CHECKS": "references",
            **env,
        }
    )
    with (data_dir / "simulator.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "yupana.cli", "simulator", "--host", "127.0.0.1", "--port", str(port)],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = (data_dir / "simulator.log").read_text(errors="replace")
            pytest.fail(f"the simulator exited with {process.returncode}:\n{output}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    stop(process)
    pytest.fail(f"the simulator did not listen on port {port} within {STARTUP_SECONDS} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    process, base = start_simulator(tmp_path_factory.mktemp("simulator"))
    yield base
    stop(process)


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., str]]:
    """Simulators that inject one fault kind into every request, started on demand."""
    started: list[subprocess.Popen[bytes]] = []

    def start(kind: str, **env: str) -> str:
        process, base = start_simulator(
            tmp_path_factory.mktemp(f"faulty-{kind}"),
            YUPANA_SIM_FAULTS=kind,
            YUPANA_SIM_FAULT_RATE="1",
            **env,
        )
        started.append(process)
        return base

    yield start
    for process in started:
        stop(process)


@pytest.fixture(scope="module")
def build(test_signer) -> Callable[..., tuple[str, bytes]]:
    from yupana.dialects.native.issuer import parse_issuer
    from yupana.dialects.registry import dialect
    from yupana.service.build import DocumentBuilder

    issuer = parse_issuer(load_json((ROOT / "examples" / "issuer.json").read_bytes()))
    builder = DocumentBuilder(test_signer)

    def make(example: str, correlativo: int | None = None) -> tuple[str, bytes]:
        body = load_fixture(EXAMPLES / f"{example}.json", "fecha_emision")
        assert isinstance(body, dict)
        if "fecha_emision" not in body:  # summaries and bajas: dated by their generation
            body = load_fixture(EXAMPLES / f"{example}.json", "fecha_generacion")
            assert isinstance(body, dict)
        if correlativo is not None:
            body["correlativo"] = correlativo
        built = builder.build(dialect("native").parse(body, issuer))
        return built.document.file_stem, built.xml

    return make


def company(base: str, **options: object) -> CompanyClient:
    return CompanyClient(
        Endpoints.simulator(base), SOL, GRE, options=HttpOptions(**options), tokens=TokenCache()
    )


def settle(poll: Callable[[], SunatResult], seconds: float = 20) -> SunatResult:
    deadline = time.monotonic() + seconds
    result = poll()
    while result.outcome is Outcome.PENDING and time.monotonic() < deadline:
        time.sleep(0.2)
        result = poll()
    return result


def test_factura_is_accepted_and_its_cdr_read(simulator: str, build) -> None:
    stem, xml = build("factura-minima", 11)
    with company(simulator) as client:
        result = client.send_xml(stem, xml)
        assert result.is_accepted, result
        assert result.code == "0" and result.http_status == 200
        assert result.reference_id == "F001-11"
        assert result.cdr_zip and result.cdr_xml and b"ApplicationResponse" in result.cdr_xml
        again = client.send_xml(stem, xml)
        assert again.outcome is Outcome.EXCEPTION and again.code in ("1033", "1032", "0402"), again
        assert not again.retryable


def test_consult_service_knows_the_factura(simulator: str, build) -> None:
    stem, xml = build("factura-minima", 12)
    with company(simulator) as client:
        assert client.send_xml(stem, xml).is_accepted
        recovered = client.recover(stem)
        assert recovered.is_accepted and recovered.cdr_zip, recovered
        assert recovered.reference_id == "F001-12"
        assert client.consult is not None
        state = client.consult.get_status(RUC, "01", "F001", 12)
        assert (state.outcome, state.code) == (Outcome.ACCEPTED, "0001"), state
        missing = client.consult.get_status_cdr(RUC, "01", "F001", 99999)
        assert missing.outcome is Outcome.EXCEPTION and not missing.retryable, missing


def test_boleta(simulator: str, build) -> None:
    stem, xml = build("boleta", 21)
    with company(simulator) as client:
        assert client.send_xml(stem, xml).is_accepted


@pytest.mark.parametrize("example", ["retention-un-pago", "perception-agente"])
def test_otros_cpe_go_to_their_service(simulator: str, build, example: str) -> None:
    stem, xml = build(example, 31)
    with company(simulator) as client:
        result = client.send_xml(stem, xml)
        assert result.is_accepted, result


@pytest.mark.parametrize(
    ("example", "kind"),
    [("summary-boletas", "RC"), ("voided-comunicacion-baja", "RA"), ("voided-resumen-reversiones", "RR")],
)
def test_summaries_get_a_ticket_then_a_cdr(simulator: str, build, example: str, kind: str) -> None:
    stem, xml = build(example)
    with company(simulator) as client:
        sent = client.send_xml(stem, xml)
        assert sent.outcome is Outcome.PENDING and sent.ticket, sent
        done = settle(lambda: client.poll(sent.ticket, kind))
        assert done.is_final, done
        assert done.ticket == sent.ticket and done.cdr_zip


def test_unknown_ticket(simulator: str) -> None:
    with company(simulator) as client:
        result = client.poll("999999999999", "RC")
        assert result.outcome is Outcome.EXCEPTION and result.code == "0127" and not result.retryable, result


def test_guia_through_the_gre_platform(simulator: str, build) -> None:
    stem, xml = build("despatch-remitente-privado", 41)
    with company(simulator) as client:
        sent = client.send_xml(stem, xml)
        assert sent.outcome is Outcome.PENDING and sent.ticket, sent
        done = settle(lambda: client.poll(sent.ticket, "09"))
        assert done.is_accepted, done
        assert done.qr_url and done.qr_url.startswith("http"), done
        assert done.cdr_zip


def test_wrong_password_and_unknown_user(simulator: str, build) -> None:
    stem, xml = build("factura-minima", 51)
    for credentials, code in (
        (SolCredentials(RUC, "MODDATOS", "wrong"), "0102"),
        (SolCredentials(RUC, "NOBODY", "whatever"), "0111"),
    ):
        with CompanyClient(Endpoints.simulator(simulator), credentials) as client:
            result = client.send_xml(stem, xml)
            assert result.outcome is Outcome.EXCEPTION and result.code == code, result
            assert not result.retryable and result.http_status == 500


def test_a_file_that_is_not_a_zip(simulator: str) -> None:
    with BillService(Endpoints.simulator(simulator), SOL) as bill:
        result = bill.send_bill(f"{RUC}-01-F001-61.zip", b"this is not a zip")
        assert result.outcome is Outcome.EXCEPTION and result.code and result.code.isdigit(), result
        assert not result.retryable


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("0130", "0130"),
        ("0109", "0109"),
        ("0200", "0200"),
        ("http503", "HTTP-503"),
        ("http500", "HTTP-500"),
        ("reset", "CONNECTION"),
    ],
)
def test_injected_faults_are_retryable_exceptions(faulty, build, kind: str, code: str) -> None:
    stem, xml = build("factura-minima", 71)
    with company(faulty(kind)) as client:
        result = client.send_xml(stem, xml)
        assert result.outcome is Outcome.EXCEPTION and result.code == code, result
        assert result.retryable


def test_a_held_request_times_out(faulty, build) -> None:
    stem, xml = build("factura-minima", 72)
    with company(faulty("timeout", YUPANA_SIM_TIMEOUT="5"), read_timeout=1.0) as client:
        result = client.send_xml(stem, xml)
        assert result.outcome is Outcome.EXCEPTION and result.code == "TIMEOUT" and result.retryable, result


def test_a_lost_cdr_is_recovered_from_the_consult_service(build, tmp_path: Path) -> None:
    """SUNAT registered the document but the answer never arrived: the CDR is asked for later."""
    stem, xml = build("factura-minima", 73)
    process, base = start_simulator(tmp_path, YUPANA_SIM_FAULTS="lost-cdr", YUPANA_SIM_FAULT_RATE="1")
    try:
        with company(base) as client:
            lost = client.send_xml(stem, xml)
    finally:
        stop(process)
    assert lost.outcome is Outcome.EXCEPTION and lost.code == "CONNECTION" and lost.retryable, lost
    process, base = start_simulator(tmp_path)  # same data folder, no faults
    try:
        with company(base) as client:
            recovered = client.recover(stem)
            assert recovered.is_accepted and recovered.cdr_zip, recovered
            assert recovered.reference_id == "F001-73"
            again = client.send_xml(stem, xml)
            assert again.outcome is Outcome.EXCEPTION and not again.retryable, again
    finally:
        stop(process)


@pytest.fixture(scope="module")
def checking_simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A simulator that also runs SUNAT's SFS stylesheets on what it receives."""
    from paths import SFS_RULES

    process, base = start_simulator(tmp_path_factory.mktemp("checking"), YUPANA_SUNAT_RULES=str(SFS_RULES))
    yield base
    stop(process)


def _factura(test_signer, correlativo: int, **changes: object) -> tuple[str, bytes]:
    from yupana.dialects.native.issuer import parse_issuer
    from yupana.dialects.registry import dialect
    from yupana.service.build import DocumentBuilder

    issuer = parse_issuer(load_json((ROOT / "examples" / "issuer.json").read_bytes()))
    body = load_fixture(EXAMPLES / "factura-minima.json", "fecha_emision")
    assert isinstance(body, dict)
    body.update(correlativo=correlativo, **changes)
    built = DocumentBuilder(test_signer).build(dialect("native").parse(body, issuer))
    return built.document.file_stem, built.xml


def test_observations_come_back_as_observed(checking_simulator: str, test_signer) -> None:
    # SUNAT's stylesheet observes (4233) an orden de compra with characters outside its pattern.
    stem, xml = _factura(test_signer, 41, orden_compra="OC-2026/001")
    with company(checking_simulator) as client:
        result = client.send_xml(stem, xml)
    assert result.outcome is Outcome.OBSERVED, result
    assert result.is_accepted and result.cdr_zip
    assert any(note.code == "4233" for note in result.notes), result.notes


def test_a_tampered_document_is_rejected_with_its_cdr(checking_simulator: str, test_signer) -> None:
    stem, xml = _factura(test_signer, 42)
    tampered = xml.replace(b">118.00<", b">119.00<", 1)
    assert tampered != xml
    with company(checking_simulator) as client:
        result = client.send_xml(stem, tampered)
        assert result.outcome is Outcome.REJECTED, result
        assert result.code == "2335" and not result.retryable
        assert result.cdr_zip, "SUNAT answers a broken signature with a CDR de rechazo"
        state = client.recover(stem)
    assert state.outcome is Outcome.REJECTED, state
