"""sendBill round trips per second against the local SUNAT simulator, and the client's share.

The simulator runs as a subprocess (``python -m yupana.cli simulator``) on a free loopback port,
with its own data folder, once with its validation on — signature, SUNAT's XSD and, when a rules
folder is found, SUNAT's SFS stylesheets — and once with every check it can skip switched off
(``--skip-check`` signature, xsd, sfs, references, duplicates). It is stopped at the end of each
run, whatever happens.

Documents: facturas with distinct numbers (so SUNAT's 1033 "registrado previamente" never comes
up), built from native JSON with ``DocumentBuilder`` and signed before anything is timed. They
are sent one after the other through ``BillService.send_xml`` (ZIP, envelope, HTTP, CDR
reading) on one pooled connection; every answer must be an accepted CDR.

Prints, for each run:

* round trips per second (best of the rounds) and the floor measured in the same run: ``GET /``
  of the same simulator on the same connection (HTTP + uvicorn + FastAPI, no SOAP, no storage);
* the client's share: CPU time of this process (``time.process_time``) per round trip against
  the wall time, and the part of it that is Yupana's own client code (ZIP + base64 + envelope,
  reading the SOAP answer and the CDR), timed apart (best of three passes) on the same documents
  and an answer captured from the simulator; the rest of the client's CPU is httpx and the socket;
* the simulator's CPU per round trip (from ``/proc``, where there is one).

Bounded: ``--docs`` documents per run at most, ``--seconds`` of sending per round at most.

Usage: python bench/transport.py [--docs N] [--rounds R] [--seconds S] [--rules DIR] [--no-rules]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from yupana.dialects.native.issuer import parse_issuer
from yupana.dialects.registry import dialect
from yupana.service.build import DocumentBuilder
from yupana.signing.certificate import signing_key_from_bytes
from yupana.signing.selfsigned import make_self_signed_pfx
from yupana.signing.xmldsig import Signer
from yupana.sunat.archive import zip_single
from yupana.sunat.bill_service import BillService
from yupana.sunat.credentials import SolCredentials
from yupana.sunat.endpoints import Endpoints
from yupana.sunat.results import SunatResult
from yupana.sunat.soap import CONTENT_TYPE, build_envelope, decode_base64, encode_base64, soap_action
from yupana.sunat.soap_call import read_answer
from yupana.sunat.transport import HttpAnswer, HttpOptions

ROOT = Path(__file__).resolve().parent.parent
# Scratch files live beside the project (the machine's /tmp may sit on a slower file system).
WORK = ROOT / "out" / "bench"
DEFAULT_RULES = ROOT.parent / "shared" / "sunat" / "xsl" / "sfs"
RUC = "20123456786"
SOL = SolCredentials(RUC, "MODDATOS", "moddatos")
SKIPPABLE = ("signature", "xsd", "sfs", "references", "duplicates")
STARTUP_SECONDS = 60.0
WARMUP = 5
ISSUER = {
    "ruc": RUC,
    "razon_social": "EMPRESA DE PRUEBAS S.A.C.",
    "codigo_establecimiento": "0000",
    "direccion": {
        "ubigeo": "150101",
        "departamento": "LIMA",
        "provincia": "LIMA",
        "distrito": "LIMA",
        "direccion": "AV. LOS OLIVOS 123",
    },
}


def native_body(number: int, today: str) -> dict[str, object]:
    """A 2-line factura; the amounts vary with the number so no two documents are alike."""
    return {
        "tipo_documento": "01",
        "serie": "F001",
        "correlativo": number,
        "fecha_emision": today,
        "moneda": "PEN",
        "customer": {
            "tipo_documento": "6",
            "numero_documento": "20601234565",
            "razon_social": "CLIENTE EJEMPLO S.A.C.",
        },
        "lines": [
            {
                "descripcion": "PRODUCTO UNO",
                "cantidad": 1 + number % 7,
                "unidad": "NIU",
                "valor_unitario": str(Decimal(100) + Decimal(number % 100) / 4),
                "tipo_afectacion_igv": "10",
            },
            {
                "descripcion": "SERVICIO DE CONSULTORIA",
                "cantidad": 1,
                "unidad": "ZZ",
                "valor_unitario": "12.50",
                "tipo_afectacion_igv": "10",
            },
        ],
    }


def build_documents(count: int) -> list[tuple[str, bytes]]:
    """(file stem, signed XML) of facturas F001-1 … F001-count."""
    pfx = make_self_signed_pfx(RUC, "bench", razon_social="EMPRESA DE PRUEBAS S.A.C.", key_size=2048)
    builder = DocumentBuilder(Signer(signing_key_from_bytes(pfx, "bench"), "rsa-sha1"), xsd=False)
    native = dialect("native")
    issuer = parse_issuer(ISSUER)
    today = datetime.now(ZoneInfo("America/Lima")).date().isoformat()
    documents = []
    for number in range(1, count + 1):
        built = builder.build(native.parse(native_body(number, today), issuer))
        documents.append((built.document.file_stem, built.xml))
    return documents


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Simulator:
    """``yupana simulator`` on a free loopback port; always stopped by ``stop``."""

    def __init__(self, data_dir: Path, args: list[str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("YUPANA_SIM_")}
        env.pop("YUPANA_SUNAT_RULES", None)
        src = str(ROOT / "src")
        env["PYTHONPATH"] = src + os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else src
        command = [sys.executable, "-m", "yupana.cli", "simulator", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--data", str(data_dir), *args]
        self.log = data_dir.parent / f"{data_dir.name}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the simulator exited:\n{self.log.read_text(errors='replace')}")
            try:
                if httpx.get(self.url + "/", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"the simulator did not answer within {STARTUP_SECONDS:g} s")

    def cpu_seconds(self) -> float | None:
        """User + system CPU of the simulator so far (Linux ``/proc``), or ``None``."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@dataclass
class Round:
    sent: int
    wall: float
    cpu: float  # time.process_time of this process
    kernel: float  # the part of it spent in the kernel (os.times().system): sockets, loopback TCP
    server_cpu: float | None

    @property
    def rate(self) -> float:
        return self.sent / self.wall


def send_round(
    bill: BillService, simulator: Simulator, documents: list[tuple[str, bytes]], seconds: float
) -> Round:
    """Send ``documents`` in order until they run out or ``seconds`` have passed."""
    server_before = simulator.cpu_seconds()
    cpu_before = time.process_time()
    kernel_before = os.times().system
    start = time.perf_counter()
    sent = 0
    for stem, xml in documents:
        result = bill.send_xml(stem, xml)
        sent += 1
        if not result.is_accepted:
            raise RuntimeError(f"{stem}: {result!r}")
        if time.perf_counter() - start >= seconds:
            break
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu_before
    kernel = os.times().system - kernel_before
    server_after = simulator.cpu_seconds()
    server = server_after - server_before if server_before is not None and server_after is not None else None
    return Round(sent, wall, cpu, kernel, server)


def floor_rate(client: httpx.Client, url: str, seconds: float) -> tuple[float, float]:
    """``GET /`` round trips per second on the same client, and the client's CPU per trip (us)."""
    count = 0
    cpu_before = time.process_time()
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(20):
            client.get(url + "/").raise_for_status()
        count += 20
    wall = time.perf_counter() - start
    return count / wall, (time.process_time() - cpu_before) / count * 1e6


def own_client_work(bill: BillService, documents: list[tuple[str, bytes]]) -> tuple[float, float, float]:
    """Microseconds per document of Yupana's client code, apart from HTTP: (ZIP + base64 +
    envelope, reading the SOAP answer and its CDR, total). The answer is one captured from the
    simulator for a document sent outside the timed rounds."""
    stem, xml = documents[0]
    envelope = build_envelope(
        SOL,
        "sendBill",
        [("fileName", f"{stem}.zip"), ("contentFile", encode_base64(zip_single(f"{stem}.xml", xml)))],
    )
    reply = bill.client.post(
        bill.endpoints.bill_service,
        content=envelope,
        headers={"Content-Type": CONTENT_TYPE, "SOAPAction": soap_action("sendBill")},
    )
    answer = HttpAnswer(reply.status_code, reply.content, reply.headers.get("content-type", ""))
    outgoing = incoming = float("inf")
    for _ in range(3):  # best of three passes: the machine is shared
        start = time.perf_counter()
        for stem, xml in documents:
            archive = zip_single(f"{stem}.xml", xml)
            build_envelope(
                SOL, "sendBill", [("fileName", f"{stem}.zip"), ("contentFile", encode_base64(archive))]
            )
        outgoing = min(outgoing, (time.perf_counter() - start) / len(documents))
        start = time.perf_counter()
        for _ in documents:
            parsed = read_answer(answer, "sendBill")
            assert not isinstance(parsed, SunatResult), parsed
            content = parsed.text("applicationResponse")
            assert content is not None
            result = SunatResult.from_cdr_zip(zip_bytes(content))
        incoming = min(incoming, (time.perf_counter() - start) / len(documents))
        if not result.is_accepted:
            raise RuntimeError(f"the captured answer is not an acceptance: {result!r}")
    return outgoing * 1e6, incoming * 1e6, (outgoing + incoming) * 1e6


def zip_bytes(base64_text: str) -> bytes:
    data = decode_base64(base64_text)
    assert data is not None
    return data


def run(
    label: str,
    args: list[str],
    documents: list[tuple[str, bytes]],
    rounds: int,
    seconds: float,
) -> None:
    """One simulator, warm-up, then ``rounds`` rounds of distinct documents."""
    WORK.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="transport-", dir=WORK))
    simulator = Simulator(scratch / "simulator", args)
    try:
        simulator.wait_ready()
        options = HttpOptions(read_timeout=30.0, max_connections=1, max_keepalive_connections=1)
        with BillService(Endpoints.simulator(simulator.url), SOL, options=options) as bill:
            capture, warm, timed = documents[:1], documents[1 : 1 + WARMUP], documents[1 + WARMUP :]
            send_round(bill, simulator, warm, seconds)  # stylesheets compiled, caches warm
            own = own_client_work(bill, capture + timed)
            per_round = len(timed) // rounds
            results: list[Round] = []
            floors: list[tuple[float, float]] = []
            for index in range(rounds):
                floors.append(floor_rate(bill.client, simulator.url, min(1.0, seconds)))
                batch = timed[index * per_round : (index + 1) * per_round]
                results.append(send_round(bill, simulator, batch, seconds))
    finally:
        simulator.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    best = max(results, key=lambda r: r.rate)
    floor, floor_cpu = max(floors)
    sent = sum(r.sent for r in results)
    wall = sum(r.wall for r in results)
    cpu = sum(r.cpu for r in results)
    kernel = sum(r.kernel for r in results)
    servers = [r.server_cpu for r in results]
    per_trip = wall / sent * 1e6
    rates = " ".join(f"{r.rate:.0f}" for r in results)
    print(f"{label}:")
    print(
        f"  sendBill round trips:                {best.rate:8.1f} /s   {1e6 / best.rate:7.0f} us/trip"
        f"   (best of {rounds}; rounds: {rates}; {sent} documents)"
    )
    print(
        f"  floor (GET / on the same connection): {floor:7.1f} /s   {1e6 / floor:7.0f} us/trip"
        f"   ratio {best.rate / floor:.3f}   (client CPU {floor_cpu:.0f} us/trip)"
    )
    print(
        f"  client CPU (process_time):          {cpu / sent * 1e6:8.0f} us/trip"
        f"   {100 * cpu / wall:5.1f} % of wall ({per_trip:.0f} us/trip over all rounds;"
        f" {kernel / sent * 1e6:.0f} us of it in the kernel)"
    )
    print(
        f"    of which Yupana's own code:       {own[2]:8.0f} us/trip   {100 * own[2] / per_trip:5.1f} % of wall,"
        f" {100 * own[2] / (cpu / sent * 1e6):.0f} % of the client's CPU"
        f"   (zip + envelope {own[0]:.0f} us, answer + CDR {own[1]:.0f} us; the rest is httpx + socket)"
    )
    if all(server is not None for server in servers):
        server_cpu = sum(s for s in servers if s is not None)
        print(
            f"  simulator CPU:                      {server_cpu / sent * 1e6:8.0f} us/trip"
            f"   {100 * server_cpu / wall:5.1f} % of wall"
        )


def rules_folder(given: str | None, disabled: bool) -> Path | None:
    if disabled:
        return None
    if given:
        folder = Path(given)
    elif os.environ.get("YUPANA_SUNAT_RULES"):
        folder = Path(os.environ["YUPANA_SUNAT_RULES"])
    elif DEFAULT_RULES.is_dir():
        folder = DEFAULT_RULES
    else:
        return None
    if not (folder / "sunat_archivos").is_dir():
        sys.exit(f"{folder} holds no sunat_archivos/ (SUNAT's SFS rules)")
    return folder.resolve()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=300, help="documents sent per run, at most")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0, help="per round, at most")
    parser.add_argument(
        "--rules", help="folder with sunat_archivos/ (default: $YUPANA_SUNAT_RULES, ../shared)"
    )
    parser.add_argument("--no-rules", action="store_true", help="validation without SUNAT's stylesheets")
    args = parser.parse_args()
    if args.docs < 1 + WARMUP + args.rounds:
        sys.exit(f"--docs must be at least {1 + WARMUP + args.rounds}")
    rules = rules_folder(args.rules, args.no_rules)
    # A terminated bench still runs its ``finally`` blocks, so the simulator never outlives it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    start = time.perf_counter()
    documents = build_documents(args.docs)
    print(
        f"{len(documents)} facturas built and signed in {time.perf_counter() - start:.1f} s (not timed);"
        f" one connection, one request at a time; best of {args.rounds} rounds of at most {args.seconds:g} s"
    )
    checks = "signature + XSD" + (f" + SUNAT SFS stylesheets ({rules})" if rules else " (no SFS rules found)")
    on = ["--rules", str(rules)] if rules else []
    run(f"simulator validation on: {checks}", on, documents, args.rounds, args.seconds)
    off = [arg for check in SKIPPABLE for arg in ("--skip-check", check)]
    run(
        f"simulator validation off: --skip-check {' '.join(SKIPPABLE)}",
        off,
        documents,
        args.rounds,
        args.seconds,
    )


if __name__ == "__main__":
    main()
