"""Running the server: migrations, the embedded SUNAT simulator when no endpoint is configured, uvicorn."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace

import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr

from yupana.jobs.worker import PARENT_PID_VARIABLE
from yupana.settings import Settings

log = logging.getLogger(__name__)


def _free_port(host: str, avoid: int = 0) -> int:
    """A port nobody listens on, other than ``avoid`` (the API's own port, not bound yet)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        port = int(sock.getsockname()[1])
        if port != avoid:
            return port
        with socket.socket() as other:  # ``sock`` still holds ``avoid``: the next one differs
            other.bind((host, 0))
            return int(other.getsockname()[1])


class EmbeddedSimulator:
    """The SUNAT simulator served by a thread of this process (data under ``<data dir>/simulator``)."""

    def __init__(self, settings: Settings, host: str = "127.0.0.1", *, avoid: int = 0) -> None:
        from yupana.simulator.app import create_app
        from yupana.simulator.config import SimulatorSettings

        simulator_settings = SimulatorSettings.from_env()
        if not os.environ.get("YUPANA_SIM_DATA"):
            simulator_settings = replace(simulator_settings, data_dir=settings.data_dir / "simulator")
        self.port = settings.simulator_port or _free_port(host, avoid)
        self.url = f"http://{host}:{self.port}"
        config = uvicorn.Config(
            create_app(simulator_settings), host=host, port=self.port, lifespan="off", log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="sunat-simulator", daemon=True)

    def start(self, timeout: float = 20.0) -> str:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the embedded SUNAT simulator did not start on {self.url}")
            time.sleep(0.05)
        return self.url

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)


class EmbeddedWorker:
    """``yupana worker`` as a child process of ``yupana serve``, with the server's settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("YUPANA_")}
        env.update(worker_environment(self.settings))
        # The worker is told the server's pid: it stops (gracefully) when the server is gone,
        # however the server ended (uvicorn re-raises SIGTERM once it has shut down, so no
        # cleanup of this process runs after it).
        env[PARENT_PID_VARIABLE] = str(os.getpid())
        self.process = subprocess.Popen([sys.executable, "-m", "yupana.cli", "worker"], env=env)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)  # graceful: running sends finish
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


WORKER_APP = "yupana.api.serve:worker_app"


def worker_app() -> FastAPI:
    """The API of one worker process: settings from the environment the parent prepared, its own
    database engine, no migrations (the parent ran them before the workers started)."""
    from yupana.api.app import create_app

    return create_app(Settings(), migrate=False)


def worker_environment(settings: Settings) -> dict[str, str]:
    """``settings`` as ``YUPANA_*`` variables, so that worker processes read the same settings."""
    env: dict[str, str] = {}
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        env[f"YUPANA_{name.upper()}"] = str(value)
    return env


def serve(settings: Settings, host: str, port: int, *, log_level: str = "info", workers: int = 1) -> None:
    """Migrate the database, start the simulator if needed, and serve the API until interrupted.

    With ``workers`` > 1 the API runs in that many processes; the migrations, the secret key and the
    embedded simulator are made once here, before they start, and shared by all of them. Unless
    ``embedded_worker`` is off, a ``yupana worker`` process runs beside them (sending, retries,
    summaries, webhooks) and stops with the server."""
    from yupana.api.app import create_app
    from yupana.service.stores import open_stores

    if workers < 1:
        raise ValueError("workers must be at least 1")
    simulator = None
    if settings.simulator_url is None:
        simulator = EmbeddedSimulator(settings, avoid=port)
        url = simulator.start()
        settings = settings.model_copy(update={"simulator_url": url})
        log.warning("SUNAT simulator (embedded) on %s", url)
    worker = None
    try:
        if settings.embedded_worker:
            open_stores(settings, migrate=True).close()
            worker = EmbeddedWorker(settings)
            worker.start()
        if workers == 1:
            app = create_app(settings)
            uvicorn.run(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=5)
            return
        open_stores(settings, migrate=True).close()
        os.environ.update(worker_environment(settings))
        uvicorn.run(
            WORKER_APP,
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            timeout_graceful_shutdown=5,
        )
    finally:
        if worker is not None:
            worker.stop()
        if simulator is not None:
            simulator.stop()
