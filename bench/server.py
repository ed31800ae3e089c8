"""Documents issued per second by ``yupana serve`` over HTTP, against the build + sign floor.

The server runs as a subprocess (``python -m yupana.cli serve``) on a free loopback port with a
temporary data folder, once on SQLite and once on PostgreSQL (a database with a unique name on
``--postgres``, dropped at the end). A company with a self-signed RSA-2048 certificate is
registered with ``yupana company add`` before the server starts. The server is stopped at the end
of each run, whatever happens. Its access log is off (``--log-level warning``).

Measured, with 1 and 8 concurrent clients (threads, one ``httpx.Client`` each, all asking for the
next number of the same series with ``"correlativo": "#"``):

* boletas (``POST /v1/documents``, tipo 03): issuing alone (validate, number, build, sign, store);
  boletas are not sent to SUNAT one by one;
* facturas (tipo 01): issuing plus the send to the embedded SUNAT simulator during the request
  (the simulator runs in the server's process and checks what it receives);
* Facturador PRO's ``POST /api/documents`` when the server has it (its official
  ``factura_operacion_gravada`` example, dates moved to today, ``numero_documento: "#"``).

Each answer must be a success with a new document, and a factura must come back accepted by the
simulator (state 05).
Printed for each case: docs/s, client-side latency p50/p95, the server process's peak RSS during
the case (sampled) and its high-water mark so far (``VmHWM``), and the ratio docs/s ÷ floor, where
the floor is ``bench/build_sign.py``'s: C14N + digest + bare RSA-2048 signature of a comparable
factura on one core, measured in the same run (with the server stopped). The machine's core count
is printed: with 8 clients the server may use more than one core (the threads of its pool), so the
ratio may exceed what a single core allows.

Bounded: ``--seconds`` of sending per case (after ``--warmup`` requests per client) and
``--docs`` documents per case at most.

Usage: python bench/server.py [--seconds S] [--clients 1,8] [--docs N] [--warmup N]
       [--backends sqlite,postgresql] [--postgres URL]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from build_sign import factura as floor_factura  # noqa: E402
from build_sign import floor_rate  # noqa: E402

from corpus import dump_json, load_fixture  # noqa: E402
from yupana.service.families import family_of  # noqa: E402
from yupana.signing.certificate import signing_key_from_bytes  # noqa: E402
from yupana.signing.selfsigned import make_self_signed_pfx  # noqa: E402
from yupana.signing.xmldsig import Signer  # noqa: E402
from yupana.ubl.sale import build_sale  # noqa: E402

# Scratch files live beside the project (the machine's /tmp may sit on a slower file system).
WORK = ROOT / "out" / "bench"
PRO_FIXTURE = ROOT.parent / "shared" / "fixtures" / "facturadorpro" / "official_examples"
PRO_FIXTURE = PRO_FIXTURE / "factura_operacion_gravada.json"
RUC = "20123456786"
RAZON_SOCIAL = "EMPRESA DE PRUEBAS S.A.C."
ADDRESS = {
    "direccion": "AV. LOS OLIVOS 123",
    "ubigeo": "150101",
    "departamento": "LIMA",
    "provincia": "LIMA",
    "distrito": "LIMA",
}
STARTUP_SECONDS = 60.0
CLI_SECONDS = 120.0
REQUEST_TIMEOUT = 60.0
ACCEPTED = "05"


def lima_today() -> str:
    return datetime.now(ZoneInfo("America/Lima")).date().isoformat()


def native_body(tipo: str, serie: str) -> dict[str, Any]:
    """A two-line native factura (tipo 01, RUC customer) or boleta (tipo 03, DNI customer)."""
    customer = (
        {"tipo_documento": "6", "numero_documento": "20100070970", "razon_social": "CLIENTE DE PRUEBA S.A."}
        if tipo == "01"
        else {"tipo_documento": "1", "numero_documento": "45678912", "razon_social": "JUAN PEREZ QUISPE"}
    )
    return {
        "tipo_documento": tipo,
        "serie": serie,
        "correlativo": "#",
        "fecha_emision": lima_today(),
        "moneda": "PEN",
        "customer": customer,
        "lines": [
            {"descripcion": "PRODUCTO UNO", "cantidad": 2, "unidad": "NIU", "valor_unitario": "100"},
            {"descripcion": "PRODUCTO DOS", "cantidad": 3, "unidad": "KGM", "valor_unitario": "12.50"},
        ],
    }


def pro_body() -> bytes:
    body = load_fixture(PRO_FIXTURE, "fecha_de_emision")
    assert isinstance(body, dict)
    body["numero_documento"] = "#"
    return dump_json(body).encode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the server's memory -------------------------------------------------------------------------


def _status_kib(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def rss_mib(pid: int) -> float | None:
    """Resident memory of ``pid`` now (psutil when installed, else ``/proc``)."""
    try:
        import psutil  # type: ignore[import-untyped]

        return float(psutil.Process(pid).memory_info().rss) / 2**20
    except ImportError:
        kib = _status_kib(pid, "VmRSS")
        return kib / 1024 if kib is not None else None
    except Exception:
        return None


def hwm_mib(pid: int) -> float | None:
    """The peak resident memory of ``pid`` since it started (``VmHWM``)."""
    kib = _status_kib(pid, "VmHWM")
    return kib / 1024 if kib is not None else None


class RssSampler:
    """The highest resident memory of a process seen while it runs (sampled every 50 ms)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            value = rss_mib(self.pid)
            if value is not None:
                self.peak = max(self.peak, value)
            self._stop.wait(0.05)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# --- the server ----------------------------------------------------------------------------------


class Server:
    """``yupana serve`` on a free loopback port; its data in ``data_dir``."""

    def __init__(self, data_dir: Path, database_url: str | None) -> None:
        self.data_dir = data_dir
        self.database_url = database_url
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir.parent / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("YUPANA_")}
        if self.database_url:
            env["YUPANA_DATABASE_URL"] = self.database_url
        env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
        return env

    def cli(self, *args: str) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-m", "yupana.cli", *args],
            capture_output=True,
            cwd=str(ROOT),
            env=self.env(),
            timeout=CLI_SECONDS,
        )
        if done.returncode != 0:
            sys.exit(f"yupana {' '.join(args[:2])} failed: {done.stderr.decode(errors='replace')[-2000:]}")
        return dict(json.loads(done.stdout.decode().strip().splitlines()[-1]))

    def add_company(self) -> str:
        """The company, with a self-signed RSA-2048 certificate; its API token."""
        cert = self.data_dir.parent / "company.pfx"
        self.cli(
            "cert", "selfsigned", "--ruc", RUC, "--razon-social", RAZON_SOCIAL,
            "--out", str(cert), "--password", "bench",
        )  # fmt: skip
        record = self.cli(
            "company", "add", "--ruc", RUC, "--razon-social", RAZON_SOCIAL,
            "--address", json.dumps(ADDRESS), "--cert", str(cert), "--cert-password", "bench",
            "--data", str(self.data_dir),
        )  # fmt: skip
        return str(record["token"])

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as handle:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "yupana.cli",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--data",
                    str(self.data_dir),
                    "--log-level",
                    "warning",
                ],  # fmt: skip
                stdout=handle,
                stderr=subprocess.STDOUT,
                cwd=str(ROOT),
                env=self.env(),
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server did not start: {self.log_text()[-2000:]}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A new PostgreSQL database with a unique name; its SQLAlchemy URL; dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)

    def admin() -> psycopg.Connection[Any]:
        return psycopg.connect(
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            user=url.username or "postgres",
            password=url.password,
            dbname=url.database or "postgres",
            autocommit=True,
            connect_timeout=5,
        )

    name = f"yupana_bench_{uuid.uuid4().hex[:16]}"
    with admin() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    finally:
        with admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- load ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    path: str
    body: Callable[[], bytes]
    check: Callable[[dict[str, Any]], str | None]


@dataclass(slots=True)
class Outcome:
    docs: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    peak_rss: float = 0.0
    hwm: float | None = None

    @property
    def rate(self) -> float:
        return self.docs / self.elapsed if self.elapsed else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def native_check(tipo: str) -> Callable[[dict[str, Any]], str | None]:
    def check(answer: dict[str, Any]) -> str | None:
        if answer.get("created") is not True or answer.get("tipo_documento") != tipo:
            return f"not a new {tipo}: {answer}"
        if tipo == "01" and answer.get("state") != ACCEPTED:
            return f"factura {answer.get('number')} not accepted: {answer.get('state')} {answer.get('sunat')}"
        return None

    return check


def pro_check(answer: dict[str, Any]) -> str | None:
    data = answer.get("data") or {}
    if answer.get("success") is not True or data.get("state_type_id") != ACCEPTED:
        return f"not accepted: {str(answer)[:500]}"
    return None


def run_case(server: Server, token: str, case: Case, clients: int, args: argparse.Namespace) -> Outcome:
    """``clients`` threads posting ``case`` documents for ``args.seconds`` (at most ``args.docs``)."""
    outcome = Outcome()
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    state = {"began": 0.0, "deadline": 0.0, "left": args.docs}

    def go() -> None:
        state["began"] = time.perf_counter()
        state["deadline"] = state["began"] + args.seconds

    start_line = threading.Barrier(clients + 1, action=go)

    def post(client: httpx.Client) -> tuple[float, str | None]:
        began = time.perf_counter()
        response = client.post(case.path, content=case.body(), headers=headers)
        took = time.perf_counter() - began
        if response.status_code not in (200, 201):
            return took, f"HTTP {response.status_code}: {response.text[:500]}"
        return took, case.check(response.json())

    def worker() -> None:
        with httpx.Client(base_url=server.url, timeout=REQUEST_TIMEOUT) as client:
            try:
                for _ in range(args.warmup):
                    _, problem = post(client)
                    if problem:
                        with lock:
                            outcome.failures.append(problem)
                        return
            finally:
                start_line.wait()
            while time.perf_counter() < state["deadline"]:
                with lock:
                    if state["left"] <= 0:
                        return
                    state["left"] -= 1
                took, problem = post(client)
                with lock:
                    if problem:
                        outcome.failures.append(problem)
                        return
                    outcome.latencies.append(took)
                    outcome.docs += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    with RssSampler(server.pid) as sampler:
        start_line.wait()
        for thread in threads:
            thread.join(args.seconds + REQUEST_TIMEOUT + 5)
        outcome.elapsed = time.perf_counter() - state["began"]
    outcome.peak_rss = sampler.peak
    outcome.hwm = hwm_mib(server.pid)
    return outcome


def has_pro_endpoint(server: Server, token: str) -> bool:
    """Whether the server routes ``POST /api/documents`` (its OpenAPI, else a probe)."""
    try:
        paths = httpx.get(server.url + "/openapi.json", timeout=10).json().get("paths", {})
        if "/api/documents" in paths:
            return "post" in paths["/api/documents"]
    except (httpx.HTTPError, ValueError):
        pass
    response = httpx.post(
        server.url + "/api/documents", content=b"{}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    return response.status_code not in (404, 405)


# --- the floor -----------------------------------------------------------------------------------


def make_floor(seconds: float) -> Callable[[], float]:
    pfx = make_self_signed_pfx(RUC, "bench", razon_social=RAZON_SOCIAL, key_size=2048)
    signer = Signer(signing_key_from_bytes(pfx, "bench"), "rsa-sha1")  # the server's default
    sample = copy.deepcopy(floor_factura(1))
    family_of(sample).complete(sample)
    root = build_sale(sample)
    floor_rate(signer, root, 0.2)  # warm
    return lambda: floor_rate(signer, root, seconds)


# --- main ----------------------------------------------------------------------------------------


def cases() -> list[Case]:
    boleta = json.dumps(native_body("03", "B001")).encode()
    factura = json.dumps(native_body("01", "F001")).encode()
    return [
        Case("boleta  (issue)", "/v1/documents", lambda: boleta, native_check("03")),
        Case("factura (issue+send)", "/v1/documents", lambda: factura, native_check("01")),
    ]


def report(label: str, clients: int, outcome: Outcome, floor: float) -> None:
    hwm = f"{outcome.hwm:5.0f}" if outcome.hwm is not None else "    ?"
    print(
        f"  {label:27s} {clients:2d} clients: {outcome.rate:7.1f} docs/s"
        f"  p50 {outcome.percentile(0.5) * 1e3:6.1f} ms  p95 {outcome.percentile(0.95) * 1e3:6.1f} ms"
        f"  RSS peak {outcome.peak_rss:5.0f} MiB (HWM {hwm})"
        f"  ratio {outcome.rate / floor:.3f}  [{outcome.docs} docs in {outcome.elapsed:.1f} s]",
        flush=True,
    )
    for problem in outcome.failures[:3]:
        print(f"    FAILED: {problem}", flush=True)


def run_backend(backend: str, args: argparse.Namespace, floor: Callable[[], float]) -> bool:
    """All cases on one backend; whether every request succeeded."""
    ok = True
    WORK.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=WORK, prefix=f"server-{backend}-")))
        url = stack.enter_context(postgres_database(args.postgres)) if backend == "postgresql" else None
        server = Server(tmp / "data", url)
        token = server.add_company()
        stack.callback(server.stop)
        server.start()
        idle = rss_mib(server.pid)
        todo = cases()
        pro = has_pro_endpoint(server, token)
        if pro:
            body = pro_body()
            todo.append(Case("Facturador PRO factura", "/api/documents", lambda: body, pro_check))
        print(
            f"{backend}: server pid {server.pid}, idle RSS {idle or 0:.0f} MiB;"
            f" POST /api/documents {'present' if pro else 'not there (skipped)'}",
            flush=True,
        )
        outcomes: list[tuple[str, int, Outcome]] = []
        for case in todo:
            for clients in args.clients:
                outcome = run_case(server, token, case, clients, args)
                outcomes.append((case.name, clients, outcome))
                ok = ok and not outcome.failures
        server.stop()
        if "Traceback" in server.log_text():
            print(f"  server log has a traceback:\n{server.log_text()[-3000:]}", flush=True)
            ok = False
        measured = floor()
        print(f"  floor (C14N + digest + RSA-2048 sign, one core): {measured:.0f} docs/s", flush=True)
        for name, clients, outcome in outcomes:
            report(name, clients, outcome, measured)
    return ok


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4.0, help="of sending per case")
    parser.add_argument("--docs", type=int, default=2000, help="documents per case at most")
    parser.add_argument("--warmup", type=int, default=3, help="requests per client before timing")
    parser.add_argument("--clients", default="1,8")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("YUPANA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="maintenance database of the PostgreSQL server",
    )
    args = parser.parse_args()
    args.clients = [int(n) for n in args.clients.split(",") if n.strip()]
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]

    print(
        f"yupana serve over HTTP, RSA-2048 rsa-sha1, {os.cpu_count()} cores;"
        f" {args.seconds:g} s per case after {args.warmup} warm-up requests per client;"
        " ratio = docs/s / floor of one core",
        flush=True,
    )
    floor = make_floor(1.0)
    ok = True
    for backend in backends:
        ok = run_backend(backend, args, floor) and ok
    if not ok:
        sys.exit("some requests failed")


if __name__ == "__main__":
    main()
