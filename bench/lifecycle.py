"""How long 1,000 facturas and 1,000 boletas take to reach 05 Aceptado, with one and two workers.

For each worker count a fresh server runs (``yupana serve`` on SQLite, with its SQLite job queue,
``YUPANA_SEND_IN_REQUEST=false`` so that every send goes through the queue, and
``YUPANA_EMBEDDED_WORKER=false``), beside that many ``yupana worker`` processes (4 threads each)
and a ``yupana simulator`` process (it checks the signature and the XSD of what it receives).
Documents are issued over HTTP by 4 client threads with no worker running (the issue rate is
printed); then the workers start and the clock runs until the last document is 05 (facturas sent
one by one with sendBill; boletas reported by resúmenes diarios of up to 500 lines, each polled
until SUNAT's answer): the time the workers take to bring a backlog of 2,000 documents to SUNAT's
final word, worker start-up included. Printed: issue rate,
time to 05 of everything, documents per second to 05, and the ratio to the build + sign floor
measured in the same run (``bench/build_sign.py``'s: C14N + digest + bare RSA-2048 signature on one
core) — the machine has 2 cores shared by the API, the workers and the simulator.

The queue's own overhead per document: a no-op task enqueued, dequeued and executed by huey, on
its SQLite storage and on Redis (``--redis``), in one process, per job, beside the per-document
floor.

With ``--backends sqlite,postgresql`` the same runs on PostgreSQL (a database made for the run and
dropped after it) with the queue on Redis (``--redis``, flushed first).

Usage: python bench/lifecycle.py [--facturas 1000] [--boletas 1000] [--workers 1,2]
       [--sim-checks on,off] [--backends sqlite,postgresql] [--postgres URL]
       [--redis redis://127.0.0.1:6379/9]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

from server import ROOT as _ROOT  # noqa: E402
from server import Server, make_floor, native_body, postgres_database  # noqa: E402

CLIENTS = 4
WAIT_SECONDS = 900


class LifecycleServer(Server):
    def __init__(self, data_dir: Path, extra: dict[str, str]) -> None:
        super().__init__(data_dir, None)
        self.extra = extra

    def env(self) -> dict[str, str]:
        env = super().env()
        env.update(self.extra)
        env["YUPANA_DATA_DIR"] = str(self.data_dir)
        return env


def _spawn(args: list[str], env: dict[str, str], log: Path) -> Any:
    import subprocess

    return subprocess.Popen(
        [sys.executable, "-m", "yupana.cli", *args],
        cwd=str(_ROOT),
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def _stop(process: Any) -> None:
    import signal
    import subprocess

    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _free_port() -> int:
    from server import free_port

    return free_port()


def run(
    workers: int,
    facturas: int,
    boletas: int,
    sim_checks: bool = True,
    database_url: str | None = None,
    redis_url: str | None = None,
) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="yupana-lifecycle-") as tmp:
        base = Path(tmp)
        sim_port = _free_port()
        sim_env = {k: v for k, v in os.environ.items() if not k.startswith("YUPANA_")}
        sim_env["PYTHONPATH"] = str(ROOT / "src")
        sim_env["YUPANA_SIM_TICKET_DELAY"] = "0.5"
        if not sim_checks:
            sim_env["YUPANA_SIM_SKIP_CHECKS"] = "signature,xsd,sfs"
        simulator = _spawn(
            ["simulator", "--host", "127.0.0.1", "--port", str(sim_port), "--data", str(base / "sim")],
            sim_env,
            base / "sim.log",
        )
        sim_url = f"http://127.0.0.1:{sim_port}"
        extra = {
            "YUPANA_SIMULATOR_URL": sim_url,
            "YUPANA_EMBEDDED_WORKER": "false",
            "YUPANA_SEND_IN_REQUEST": "false",
            "YUPANA_SUMMARY_DELAY": "2",
            "YUPANA_RECONCILE_INTERVAL": "1",
            "YUPANA_POLL_FIRST": "0.5",
            "YUPANA_POLL_MAX": "2",
        }
        if database_url and redis_url:
            import redis

            redis.Redis.from_url(redis_url).flushdb()
            extra["YUPANA_DATABASE_URL"] = database_url
            extra["YUPANA_REDIS_URL"] = redis_url
        server = LifecycleServer(base / "data", extra)
        procs: list[Any] = []
        try:
            deadline = time.monotonic() + 40
            while time.monotonic() < deadline:
                try:
                    if httpx.get(sim_url + "/", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            token = server.add_company()
            server.start()
            env = server.env()
            client_local = threading.local()

            def issue(body: dict[str, Any]) -> str:
                client = getattr(client_local, "client", None)
                if client is None:
                    client = httpx.Client(
                        base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60
                    )
                    client_local.client = client
                answer = client.post("/v1/documents", json=body)
                if answer.status_code != 201:
                    raise RuntimeError(answer.text)
                return str(answer.json()["external_id"])

            bodies = [native_body("01", "F001") for _ in range(facturas)] + [
                native_body("03", "B001") for _ in range(boletas)
            ]
            start = time.perf_counter()
            with ThreadPoolExecutor(CLIENTS) as pool:
                list(pool.map(issue, bodies))
            issued = time.perf_counter() - start
            total = facturas + boletas
            # The whole backlog is waiting in the queue and the database; the workers start now.
            start = time.perf_counter()
            procs = [
                _spawn(["worker", "--threads", "4"], env, base / f"worker{n}.log") for n in range(workers)
            ]
            with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as client:
                until = time.monotonic() + WAIT_SECONDS
                while time.monotonic() < until:
                    done = sum(
                        client.get(
                            "/v1/documents", params={"state": "05", "tipo_documento": tipo, "limit": 1}
                        ).json()["total"]
                        for tipo in ("01", "03")
                    )
                    if done >= total:
                        break
                    time.sleep(0.2)
                else:
                    raise RuntimeError(f"only {done} of {total} reached 05 in {WAIT_SECONDS} s")
            elapsed = time.perf_counter() - start
            return {"issued_s": issued, "to_05_s": elapsed, "docs_per_s": total / elapsed}
        finally:
            for proc in procs:
                _stop(proc)
            server.stop()
            _stop(simulator)


def queue_overhead(kind: str, jobs: int, redis_url: str) -> float:
    """Seconds per job for huey to enqueue, dequeue and execute a task that does nothing."""
    from huey import RedisHuey, SqliteHuey

    with tempfile.TemporaryDirectory() as tmp:
        if kind == "redis":
            import redis

            redis.Redis.from_url(redis_url).flushdb()
            huey = RedisHuey("bench", url=redis_url, results=False, blocking=False)
        else:
            huey = SqliteHuey("bench", filename=str(Path(tmp) / "q.db"), results=False)

        @huey.task()
        def nothing(n: int) -> None:
            return None

        start = time.perf_counter()
        for n in range(jobs):
            nothing(n)
        for _ in range(jobs):
            task = huey.dequeue()
            huey.execute(task)
        return (time.perf_counter() - start) / jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facturas", type=int, default=1000)
    parser.add_argument("--boletas", type=int, default=1000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--queue-jobs", type=int, default=2000)
    parser.add_argument("--backends", default="sqlite", help="sqlite and/or postgresql (with Redis)")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--sim-checks",
        default="on,off",
        help="the simulator checks signature and XSD (on), or answers at once (off: the server's own cost)",
    )
    args = parser.parse_args()
    floor: Callable[[], float] = make_floor(2.0)
    print(f"machine: {os.cpu_count()} cores")
    for backend in args.backends.split(","):
        for checks in args.sim_checks.split(","):
            for count in [int(n) for n in args.workers.split(",")]:
                before = floor()
                if backend == "postgresql":
                    with postgres_database(args.postgres) as url:
                        result = run(count, args.facturas, args.boletas, checks == "on", url, args.redis)
                else:
                    result = run(count, args.facturas, args.boletas, checks == "on")
                after = floor()
                rate = (before + after) / 2
                print(
                    f"{backend}, simulator checks {checks}, {count} worker(s): {args.facturas} facturas + "
                    f"{args.boletas} boletas issued in {result['issued_s']:.1f} s "
                    f"({(args.facturas + args.boletas) / result['issued_s']:.0f}/s); workers started then: "
                    f"all 05 after {result['to_05_s']:.1f} s = {result['docs_per_s']:.0f} docs/s; "
                    f"floor {rate:.0f} docs/s; ratio {result['docs_per_s'] / rate:.3f}"
                )
    per_doc = 1 / floor()
    for kind in ("sqlite", "redis"):
        cost = queue_overhead(kind, args.queue_jobs, args.redis)
        print(
            f"queue overhead ({kind}): {cost * 1e6:.0f} µs per job (enqueue + dequeue + execute); "
            f"floor {per_doc * 1e6:.0f} µs per document; ratio {cost / per_doc:.2f}"
        )


if __name__ == "__main__":
    main()
