"""``yupana serve --workers 2`` as a real process, on SQLite and PostgreSQL: numbering under many
requests at once across worker processes, and one embedded SUNAT simulator shared by the workers."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from server_harness import ServerProcess, factura
from store_databases import postgres_database

RUC = "20123456786"
REQUESTS = 200
CLIENT_THREADS = 16


class Server:
    def __init__(self, process: ServerProcess, token: str) -> None:
        self.process = process
        self.headers = {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with ExitStack() as stack:
        url = stack.enter_context(postgres_database()) if request.param == "postgresql" else None
        data = tmp_path_factory.mktemp(f"workers-{request.param}") / "data"
        process = ServerProcess(data, url, args=("--workers", "2"))
        token = process.add_company(RUC, "EMPRESA DE PRUEBAS S.A.C.")
        process.start()
        stack.callback(process.stop)
        _wait_for_workers(process, 2)
        yield Server(process, token)
        assert "Traceback" not in process.log_text(), process.log_text()


def _worker_pids(log: str) -> set[int]:
    marker = "Started server process ["
    return {int(line.split(marker)[1].split("]")[0]) for line in log.splitlines() if marker in line}


def _wait_for_workers(process: ServerProcess, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while (
        len(_worker_pids(process.log_text())) < count
        or process.log_text().count("Application startup complete") < count
    ):
        assert time.monotonic() < deadline, process.log_text()
        time.sleep(0.1)


def _boleta() -> dict[str, Any]:
    customer = {"tipo_documento": "1", "numero_documento": "12345678", "razon_social": "JUAN PEREZ"}
    return factura("B001", tipo_documento="03", customer=customer)


def test_two_worker_processes_serve(server: Server) -> None:
    log = server.process.log_text()
    assert len(_worker_pids(log)) == 2, log
    assert "Started parent process [" in log


def test_parallel_next_numbers_are_one_to_n_without_gaps_or_duplicates(server: Server) -> None:
    def issue(_: int) -> httpx.Response:
        with httpx.Client(base_url=server.process.url, timeout=120) as client:
            return client.post("/v1/documents", json=_boleta(), headers=server.headers)

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        responses = list(pool.map(issue, range(REQUESTS)))
    assert [r.status_code for r in responses] == [201] * REQUESTS, [
        r.text for r in responses if r.status_code != 201
    ][:3]
    numbers = sorted(r.json()["correlativo"] for r in responses)
    assert numbers == list(range(1, REQUESTS + 1))


def test_factura_is_accepted_by_the_shared_simulator(server: Server) -> None:
    with httpx.Client(base_url=server.process.url, timeout=120) as client:
        issued = [
            client.post("/v1/documents", json=factura("F001"), headers=server.headers) for _ in range(4)
        ]
    for response in issued:
        assert response.status_code == 201, response.text
        assert response.json()["state"] == "05", response.text
        assert response.json()["sunat"]["code"] == "0", response.text
    assert sorted(r.json()["correlativo"] for r in issued) == [1, 2, 3, 4]
    assert server.process.log_text().count("SUNAT simulator (embedded) on") == 1


def test_workers_must_be_at_least_one(tmp_path: Path) -> None:
    process = ServerProcess(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-m", "yupana.cli", "serve", "--workers", "0"],
        capture_output=True,
        env=process.env(),
        timeout=60,
    )
    assert done.returncode == 2
    assert b"--workers" in done.stderr and b"at least 1" in done.stderr
