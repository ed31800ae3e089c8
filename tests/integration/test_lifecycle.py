"""The lifecycle with SUNAT on a real server, real workers and the real simulator.

* every path of the native API: a factura sent at once and its audit trail, boletas reported in
  a resumen diario (on demand and automatically), voiding a factura (RA) and a boleta (RC
  estado 3), the deadlines report, errors with their paths;
* a batch of a few hundred documents while the simulator injects timeouts, 5xx, SOAP exceptions
  and lost CDRs into 30 % of the requests and keeps tickets at 98 for a while: every document
  reaches its final state, none is lost, none gets two final answers, and the audit trail tells
  what happened — on SQLite with the SQLite queue, and on PostgreSQL with Redis and two worker
  processes;
* a worker killed in the middle of its sends: a new worker finishes the work.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from paths import ROOT
from server_harness import ServerProcess, factura, lima_today
from simulator_harness import SimulatorProcess
from store_databases import postgres_database

RUC = "20123456786"
REDIS_URL = os.environ.get("YUPANA_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
FINAL = {"05", "07", "09"}
QUICK = {
    "YUPANA_RECONCILE_INTERVAL": "1",
    "YUPANA_RECONCILE_GRACE": "2",
    "YUPANA_RETRY_BASE": "0.2",
    "YUPANA_RETRY_MAX": "2",
    "YUPANA_POLL_FIRST": "0.3",
    "YUPANA_POLL_MAX": "1",
    "YUPANA_SEND_LEASE": "6",
    "YUPANA_SEND_TIMEOUT": "1.5",
}
FAULTS = {
    "YUPANA_SIM_FAULT_RATE": "0.3",
    "YUPANA_SIM_FAULTS": "timeout,reset,http500,http503,0109,0130,0132,0200,lost-cdr,latency",
    "YUPANA_SIM_SEED": os.environ.get("YUPANA_TEST_FAULT_SEED", "7"),  # another seed, other faults
    "YUPANA_SIM_TIMEOUT": "2",
    "YUPANA_SIM_LATENCY": "0.3",
    "YUPANA_SIM_TICKET_DELAY": "3",
}


def boleta(valor: str = "10.00") -> dict[str, Any]:
    return {
        "tipo_documento": "03",
        "serie": "B001",
        "correlativo": "#",
        "fecha_emision": lima_today(),
        "customer": {"tipo_documento": "1", "numero_documento": "45678912", "razon_social": "JUAN PEREZ"},
        "lines": [{"descripcion": "Producto", "cantidad": 2, "unidad": "NIU", "valor_unitario": valor}],
    }


class Api:
    def __init__(self, url: str, token: str) -> None:
        self.client = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60)

    def issue(self, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.client.post("/v1/documents", json=body)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def get(self, external_id: str) -> dict[str, Any]:
        answer = self.client.get(f"/v1/documents/{external_id}")
        assert answer.status_code == 200, answer.text
        return answer.json()

    def events(self, external_id: str) -> list[dict[str, Any]]:
        answer = self.client.get(f"/v1/documents/{external_id}/events")
        assert answer.status_code == 200, answer.text
        return answer.json()["data"]

    def wait(self, external_ids: list[str], states: set[str], timeout: float) -> dict[str, dict[str, Any]]:
        deadline = time.monotonic() + timeout
        seen: dict[str, dict[str, Any]] = {}
        pending = list(external_ids)
        while pending and time.monotonic() < deadline:
            still = []
            for external_id in pending:
                view = self.get(external_id)
                seen[external_id] = view
                if view["state"] not in states:
                    still.append(external_id)
            pending = still
            if pending:
                time.sleep(0.5)
        assert not pending, {e: (seen[e]["state"], seen[e]["sending"]) for e in pending[:10]}
        return seen


def start_server(
    tmp_path: Path, env: dict[str, str], database_url: str | None = None
) -> tuple[ServerProcess, Api]:
    server = ServerProcess(tmp_path / "data", database_url, extra_env=env)
    token = server.add_company(RUC, "EMPRESA DE PRUEBAS S.A.C.")
    server.start()
    return server, Api(server.url, token)


@pytest.fixture()
def quick_server(tmp_path: Path) -> Iterator[tuple[ServerProcess, Api]]:
    server, api = start_server(tmp_path, {**QUICK, "YUPANA_SUMMARY_DELAY": "3600"})
    try:
        yield server, api
    finally:
        server.stop()
    assert "Traceback" not in server.log_text(), server.log_text()


def test_native_paths_summary_voids_trail_and_deadlines(quick_server) -> None:
    server, api = quick_server
    invoice = api.issue(factura())
    assert invoice["state"] == "05"
    trail = api.events(invoice["external_id"])
    assert [(e["from_state"], e["to_state"]) for e in trail] == [(None, "01"), ("01", "03"), ("03", "05")]
    assert trail[-1]["sunat_code"] == "0"

    boletas = [api.issue(boleta(f"{10 + n}.00")) for n in range(3)]
    assert {b["state"] for b in boletas} == {"01"}
    soon = api.client.get("/v1/deadlines", params={"days": 7}).json()["data"]
    assert {item["number"] for item in soon} == {b["number"] for b in boletas}
    assert {item["kind"] for item in soon} == {"summary"}
    assert api.client.get("/v1/deadlines", params={"days": 2}).json()["data"] == []
    # The same report from the command line: one JSON line each, exit 1 when it lists any.
    report = subprocess.run(
        [sys.executable, "-m", "yupana.cli", "deadlines", "--days", "7"],
        capture_output=True,
        cwd=str(ROOT),
        env=server.env(),
        timeout=120,
    )
    assert report.returncode == 1, report.stderr.decode()
    lines = [json.loads(line) for line in report.stdout.decode().splitlines()]
    assert {(line["ruc"], line["number"], line["kind"]) for line in lines} == {
        (RUC, b["number"], "summary") for b in boletas
    }
    quiet = subprocess.run(
        [sys.executable, "-m", "yupana.cli", "deadlines", "--days", "2", "--ruc", RUC],
        capture_output=True,
        cwd=str(ROOT),
        env=server.env(),
        timeout=120,
    )
    assert quiet.returncode == 0 and quiet.stdout == b"", quiet.stderr.decode()

    refused = api.client.post(f"/v1/documents/{boletas[0]['external_id']}/send")
    assert refused.status_code == 409 and refused.json()["errors"][0]["path"] == "external_id"

    made = api.client.post("/v1/summaries", json={"fecha_emision": lima_today()})
    assert made.status_code == 201, made.text
    (summary,) = made.json()["data"]
    assert summary["lines"] == 3 and summary["identifier"].startswith("RC-")
    api.wait([summary["external_id"]], FINAL, 60)
    done = api.wait([b["external_id"] for b in boletas], FINAL, 30)
    assert {view["state"] for view in done.values()} == {"05"}
    rc = api.get(summary["external_id"])
    assert rc["state"] == "05" and rc["links"]["cdr"] and rc["fecha_referencia"] == lima_today()
    lines = api.client.get(f"/v1/documents/{summary['external_id']}/lines").json()["data"]
    assert [line["document"]["number"] for line in lines] == [b["number"] for b in boletas]
    boleta_trail = api.events(boletas[0]["external_id"])
    assert [e["to_state"] for e in boleta_trail] == ["01", "03", "05"]
    assert summary["identifier"] in boleta_trail[1]["message"]

    nothing = api.client.post("/v1/summaries", json={"fecha_emision": lima_today()})
    assert nothing.status_code == 422 and nothing.json()["errors"][0]["path"] == "fecha_emision"

    voided = api.client.post(
        "/v1/voids",
        json={
            "documents": [
                {"external_id": invoice["external_id"], "motivo": "ERROR EN EL RUC"},
                {"external_id": boletas[1]["external_id"], "motivo": "DUPLICADO"},
            ]
        },
    )
    assert voided.status_code == 201, voided.text
    communications = voided.json()["data"]
    assert sorted(c["identifier"][:2] for c in communications) == ["RA", "RC"]
    assert api.get(invoice["external_id"])["state"] in {"13", "11"}
    api.wait([c["external_id"] for c in communications], FINAL, 60)
    after = api.wait([invoice["external_id"], boletas[1]["external_id"]], {"11"}, 30)
    assert {view["state"] for view in after.values()} == {"11"}
    assert [e["to_state"] for e in api.events(invoice["external_id"])][-2:] == ["13", "11"]

    again = api.client.post(
        "/v1/voids", json={"documents": [{"external_id": invoice["external_id"], "motivo": "OTRA VEZ"}]}
    )
    assert again.status_code == 422 and again.json()["errors"][0]["path"] == "documents[0].external_id"
    pending = api.client.post(
        "/v1/voids", json={"documents": [{"external_id": boletas[2]["external_id"], "motivo": ""}]}
    )
    assert pending.status_code == 422
    problem = pending.json()["errors"][0]
    assert (problem["code"], problem["path"]) == ("2315", "documents[0].motivo")
    unknown = api.client.post(
        "/v1/voids",
        json={"documents": [{"external_id": "00000000-0000-0000-0000-000000000000", "motivo": "X"}]},
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["path"] == "documents[0].external_id"
    # Nothing half-stored: the refused voids left the boleta accepted.
    assert api.get(boletas[2]["external_id"])["state"] == "05"


def test_boletas_go_in_the_automatic_summary(tmp_path: Path) -> None:
    server, api = start_server(tmp_path, {**QUICK, "YUPANA_SUMMARY_DELAY": "1"})
    try:
        boletas = [api.issue(boleta()) for _ in range(4)]
        done = api.wait([b["external_id"] for b in boletas], FINAL, 60)
        assert {view["state"] for view in done.values()} == {"05"}
    finally:
        server.stop()


# -- a batch under faults ----------------------------------------------------------------------------


def _check_batch(api: Api, invoices: list[str], boletas: list[str]) -> None:
    done = api.wait(invoices + boletas, FINAL, 300)
    states = {external_id: view["state"] for external_id, view in done.items()}
    assert set(states.values()) == {"05"}, states
    retried = 0
    for external_id in invoices + boletas:
        trail = api.events(external_id)
        finals = [e for e in trail if e["to_state"] in FINAL]
        assert len(finals) == 1, trail  # one final answer, never two
        assert trail[0]["from_state"] is None and trail[0]["to_state"] == "01"
        # Every failed attempt is in the trail with SUNAT's code (or the transport failure).
        failures = [e for e in trail if e["from_state"] == "03" and e["to_state"] == "01"]
        assert all(e["sunat_code"] for e in failures), failures
        retried += bool(failures)
        if external_id in invoices:  # a boleta's CDR is its summary's
            assert done[external_id]["links"]["cdr"], done[external_id]
        else:
            assert any("RC-" in (e["message"] or "") for e in trail), trail
    assert retried > 0  # the faults did hit some documents


def _issue_batch(api: Api, facturas: int, boletas: int) -> tuple[list[str], list[str]]:
    invoices = [api.issue(factura(valor=f"{100 + n}.00"))["external_id"] for n in range(facturas)]
    tickets = [api.issue(boleta(f"{5 + n % 50}.00"))["external_id"] for n in range(boletas)]
    return invoices, tickets


def test_a_batch_under_faults_reaches_its_final_state_sqlite(tmp_path: Path) -> None:
    simulator = SimulatorProcess(tmp_path / "sim", env=FAULTS).start()
    server, api = start_server(
        tmp_path,
        {
            **QUICK,
            "YUPANA_SUMMARY_DELAY": "2",
            "YUPANA_SIMULATOR_URL": simulator.url,
            "YUPANA_SEND_IN_REQUEST": "false",
        },
    )
    try:
        invoices, boletas = _issue_batch(api, 150, 150)
        _check_batch(api, invoices, boletas)
        injected = simulator.admin("GET", "/state").json()["faults"]["injected"]
        assert sum(injected.values()) > 20, injected
    finally:
        server.stop()
        simulator.stop()
    assert "Traceback" not in server.log_text(), server.log_text()


def _worker(data_dir: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("YUPANA_")}
    full.update(env)
    full["YUPANA_DATA_DIR"] = str(data_dir)
    full["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + full.get("PYTHONPATH", "")
    return subprocess.Popen(
        [sys.executable, "-m", "yupana.cli", "worker", "--threads", "4"],
        cwd=str(ROOT),
        env=full,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGINT) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def test_a_batch_under_faults_on_postgresql_with_redis_and_two_workers(tmp_path: Path) -> None:
    queue = redis.Redis.from_url(REDIS_URL)
    queue.flushdb()
    simulator = SimulatorProcess(tmp_path / "sim", env=FAULTS).start()
    with postgres_database() as url:
        env = {
            **QUICK,
            "YUPANA_SUMMARY_DELAY": "2",
            "YUPANA_SIMULATOR_URL": simulator.url,
            "YUPANA_REDIS_URL": REDIS_URL,
            "YUPANA_EMBEDDED_WORKER": "false",
            "YUPANA_SEND_IN_REQUEST": "false",
        }
        server, api = start_server(tmp_path, env, url)
        workers = [
            _worker(tmp_path / "data", {**env, "YUPANA_DATABASE_URL": url}, tmp_path / f"worker{n}.log")
            for n in range(2)
        ]
        try:
            invoices, boletas = _issue_batch(api, 150, 150)
            _check_batch(api, invoices, boletas)
        finally:
            for worker in workers:
                _stop(worker)
            server.stop()
            simulator.stop()
        logs = "".join((tmp_path / f"worker{n}.log").read_text(errors="replace") for n in range(2))
        assert "Traceback" not in logs, logs
        assert "Traceback" not in server.log_text(), server.log_text()
    queue.flushdb()


def test_a_worker_killed_mid_send_is_finished_by_the_next(tmp_path: Path) -> None:
    # Every SUNAT answer takes 1.5 s, so the worker is killed with sends in flight.
    simulator = SimulatorProcess(
        tmp_path / "sim",
        env={"YUPANA_SIM_FAULT_RATE": "1", "YUPANA_SIM_FAULTS": "latency", "YUPANA_SIM_LATENCY": "1.5"},
    ).start()
    env = {
        **QUICK,
        "YUPANA_SEND_TIMEOUT": "10",
        "YUPANA_SEND_LEASE": "4",
        "YUPANA_SIMULATOR_URL": simulator.url,
        "YUPANA_EMBEDDED_WORKER": "false",
        "YUPANA_SEND_IN_REQUEST": "false",
        "YUPANA_SUMMARY_DELAY": "3600",
    }
    server, api = start_server(tmp_path, env)
    first = _worker(tmp_path / "data", env, tmp_path / "worker-first.log")
    second: subprocess.Popen[bytes] | None = None
    try:
        invoices = [api.issue(factura(valor=f"{200 + n}.00"))["external_id"] for n in range(16)]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(api.get(e)["state"] == "03" for e in invoices):
                break
            time.sleep(0.1)
        first.kill()  # SIGKILL: no cleanup at all
        first.wait(10)
        states = [api.get(e)["state"] for e in invoices]
        assert "03" in states or "01" in states, states  # work was left unfinished
        second = _worker(tmp_path / "data", env, tmp_path / "worker-second.log")
        done = api.wait(invoices, FINAL, 120)
        assert {view["state"] for view in done.values()} == {"05"}
        for external_id in invoices:
            trail = api.events(external_id)
            assert len([e for e in trail if e["to_state"] in FINAL]) == 1, trail
        resumed = [
            e
            for external_id in invoices
            for e in api.events(external_id)
            if "no terminó" in (e["message"] or "") or "getStatusCdr" in (e["message"] or "")
        ]
        assert resumed, "no document shows the interrupted send being taken over"
    finally:
        if second is not None:
            _stop(second)
        if first.poll() is None:
            first.kill()
        server.stop()
        simulator.stop()


def test_a_company_may_send_its_boletas_one_by_one(tmp_path: Path) -> None:
    server, api = start_server(
        tmp_path, {**QUICK, "YUPANA_SUMMARY_DELAY": "3600", "YUPANA_ADMIN_TOKEN": "adm-secret"}
    )
    try:
        admin = httpx.Client(base_url=server.url, headers={"Authorization": "Bearer adm-secret"}, timeout=30)
        changed = admin.put(f"/admin/companies/{RUC}/sending", json={"boletas_individually": True})
        assert changed.status_code == 200, changed.text
        assert changed.json()["sending"] == {"boletas_individually": True, "sunat_max_per_second": None}
        bad = admin.put(f"/admin/companies/{RUC}/sending", json={"sunat_max_per_second": -1})
        assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "sunat_max_per_second"
        sent = api.issue(boleta())
        assert sent["state"] == "05" and sent["links"]["cdr"]  # sendBill during the request, no summary
    finally:
        server.stop()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def test_the_embedded_worker_stops_with_the_server(tmp_path: Path) -> None:
    server, _ = start_server(tmp_path, dict(QUICK))
    assert server.process is not None
    workers = _children(server.process.pid)
    assert workers, "yupana serve runs a worker process"
    server.stop()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.2)
    alive = [pid for pid in workers if Path(f"/proc/{pid}/stat").exists() and "Z" not in _state(pid)]
    assert not alive, f"worker processes left running: {alive}"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def test_a_lost_queue_message_delays_a_document_but_never_loses_it(tmp_path: Path) -> None:
    from huey import SqliteHuey

    simulator = SimulatorProcess(tmp_path / "sim").start()
    env = {
        **QUICK,
        "YUPANA_SIMULATOR_URL": simulator.url,
        "YUPANA_EMBEDDED_WORKER": "false",
        "YUPANA_SEND_IN_REQUEST": "false",
        "YUPANA_SUMMARY_DELAY": "1",
    }
    server, api = start_server(tmp_path, env)
    worker: subprocess.Popen[bytes] | None = None
    try:
        issued = [api.issue(factura()), api.issue(boleta()), api.issue(factura(serie="F002"))]
        assert {view["state"] for view in issued} == {"01"}
        queue = SqliteHuey("yupana", filename=str(tmp_path / "data" / "queue.db")).storage
        assert queue.queue_size() == 2  # the two facturas' sends
        queue.flush_queue()  # every message lost
        assert queue.queue_size() == 0
        worker = _worker(tmp_path / "data", env, tmp_path / "worker.log")
        done = api.wait([view["external_id"] for view in issued], FINAL, 60)
        assert {view["state"] for view in done.values()} == {"05"}
    finally:
        if worker is not None:
            _stop(worker)
        server.stop()
        simulator.stop()
