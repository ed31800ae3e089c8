"""Running ``yupana serve`` (with its embedded SUNAT simulator) as a real process, and its CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from paths import ROOT
from simulator_harness import free_port


def lima_today() -> str:
    return datetime.now(ZoneInfo("America/Lima")).date().isoformat()


def factura(
    serie: str = "F001", correlativo: object = "#", valor: str = "100.00", **extra: Any
) -> dict[str, Any]:
    """A minimal native factura body (the server completes every amount)."""
    body: dict[str, Any] = {
        "tipo_documento": "01",
        "serie": serie,
        "correlativo": correlativo,
        "fecha_emision": lima_today(),
        "moneda": "PEN",
        "customer": {
            "tipo_documento": "6",
            "numero_documento": "20555555556",
            "razon_social": "INDUSTRIAS ANDINAS S.A.",
        },
        "lines": [
            {
                "descripcion": "Servicio de mantenimiento",
                "cantidad": 1,
                "unidad": "ZZ",
                "valor_unitario": valor,
            }
        ],
    }
    body.update(extra)
    return body


class ServerProcess:
    """``python -m yupana.cli serve`` on a free loopback port, its data in ``data_dir``."""

    def __init__(
        self,
        data_dir: Path,
        database_url: str | None = None,
        args: tuple[str, ...] = (),
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.database_url = database_url
        self.args = args
        self.extra_env = dict(extra_env or {})
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir.parent / f"{data_dir.name}-server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("YUPANA_")}
        env["YUPANA_DATA_DIR"] = str(self.data_dir)
        if self.database_url:
            env["YUPANA_DATABASE_URL"] = self.database_url
        env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
        env.update(self.extra_env)
        return env

    def cli(self, *args: str) -> dict[str, Any]:
        """Run a ``yupana`` command against the same data; its JSON output."""
        done = subprocess.run(
            [sys.executable, "-m", "yupana.cli", *args],
            capture_output=True,
            cwd=str(ROOT),
            env=self.env(),
            timeout=120,
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")
        return json.loads(done.stdout.decode().strip().splitlines()[-1])

    def add_company(self, ruc: str, razon_social: str) -> str:
        """A company with a self-signed certificate; its API token."""
        cert = self.data_dir.parent / f"{ruc}.pfx"
        self.cli(
            "cert",
            "selfsigned",
            "--ruc",
            ruc,
            "--razon-social",
            razon_social,
            "--out",
            str(cert),
            "--password",
            "pw",
        )
        address = {
            "direccion": "AV. ABANCAY 123",
            "ubigeo": "150101",
            "departamento": "LIMA",
            "provincia": "LIMA",
            "distrito": "LIMA",
        }
        record = self.cli(
            "company", "add", "--ruc", ruc, "--razon-social", razon_social, "--address", json.dumps(address),
            "--cert", str(cert), "--cert-password", "pw",
        )  # fmt: skip
        assert record["company"]["ruc"] == ruc
        return str(record["token"])

    def start(self) -> ServerProcess:
        self.port = free_port()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        handle = self.log.open("wb")
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
                *self.args,
            ],
            stdout=handle,
            stderr=subprocess.STDOUT,
            cwd=str(ROOT),
            env=self.env(),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log.read_text(errors='replace')}")
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not start: {self.log.read_text(errors='replace')}")

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
