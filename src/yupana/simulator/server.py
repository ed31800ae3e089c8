"""Running the simulator under uvicorn, with connections that injected faults can drop."""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from yupana.simulator.app import create_app
from yupana.simulator.config import SimulatorSettings
from yupana.simulator.faults import TRANSPORT_KEY


class DroppableH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol that hands each request its connection's transport (in the
    ASGI ``state``), so a ``reset``, ``timeout`` or ``lost-cdr`` fault can abort it."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.app_state = {**self.app_state, TRANSPORT_KEY: transport}


def run(
    settings: SimulatorSettings, host: str = "127.0.0.1", port: int = 8900, **uvicorn_options: Any
) -> None:
    """Serve until interrupted."""
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http=DroppableH11Protocol,
        lifespan="off",
        timeout_graceful_shutdown=2,
        **uvicorn_options,
    )
    uvicorn.Server(config).run()
