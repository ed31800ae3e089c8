"""Running the server: migrations, the embedded SUNAT simulator when no endpoint is configured, uvicorn."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import replace

import uvicorn

from yupana.settings import Settings

log = logging.getLogger(__name__)


def _free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmbeddedSimulator:
    """The SUNAT simulator served by a thread of this process (data under ``<data dir>/simulator``)."""

    def __init__(self, settings: Settings, host: str = "127.0.0.1") -> None:
        from yupana.simulator.app import create_app
        from yupana.simulator.config import SimulatorSettings

        simulator_settings = SimulatorSettings.from_env()
        if not os.environ.get("YUPANA_SIM_DATA"):
            simulator_settings = replace(simulator_settings, data_dir=settings.data_dir / "simulator")
        self.port = settings.simulator_port or _free_port(host)
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


def serve(settings: Settings, host: str, port: int, *, log_level: str = "info") -> None:
    """Migrate the database, start the simulator if needed, and serve the API until interrupted."""
    from yupana.api.app import create_app

    simulator = None
    if settings.simulator_url is None:
        simulator = EmbeddedSimulator(settings)
        url = simulator.start()
        settings = settings.model_copy(update={"simulator_url": url})
        log.warning("SUNAT simulator (embedded) on %s", url)
    try:
        app = create_app(settings)
        uvicorn.run(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=5)
    finally:
        if simulator is not None:
            simulator.stop()
