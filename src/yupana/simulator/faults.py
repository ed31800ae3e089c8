"""Injected faults: which request gets one, and how a connection is dropped.

A fault is drawn once per service request (SOAP operations and GRE calls; never the WSDLs or the
admin endpoint). Faults queued through the admin endpoint come first, one per request, in order;
otherwise a fault is drawn with probability ``rate`` from ``kinds`` with a ``random.Random``
seeded by ``seed``, so a given seed and sequence of requests always gives the same faults. See
``config.FAULT_KINDS`` for what each kind does.

Dropping a connection needs the socket: ``server.run`` serves with an HTTP protocol that puts
each connection's transport into the request's ASGI ``state`` (``TRANSPORT_KEY``). The
connection is then aborted with ``SO_LINGER`` 0, so the client sees a reset (no bytes of an
answer). Served any other way (an in-process ASGI client), :class:`ConnectionDropped` is raised
instead, which such clients also surface as a failed request.
"""

from __future__ import annotations

import asyncio
import random
import socket
import struct
import threading
from collections import deque
from dataclasses import asdict, replace
from typing import Any

from yupana.simulator.config import FAULT_KINDS, FaultSettings, SettingsError

TRANSPORT_KEY = "yupana.simulator.transport"


class ConnectionDropped(Exception):
    """The simulator dropped the connection on purpose (a ``reset``, ``timeout`` or ``lost-cdr`` fault)."""


class FaultInjector:
    def __init__(self, settings: FaultSettings) -> None:
        self._lock = threading.Lock()
        self.settings = settings
        self._random = random.Random(settings.seed)
        self._queue: deque[str] = deque()
        self.injected: dict[str, int] = {}

    def configure(self, **changes: Any) -> None:
        """Change the rate, kinds, seed or delays (a new seed restarts the draw)."""
        with self._lock:
            settings = replace(self.settings, **changes)
            if "seed" in changes or "kinds" in changes or "rate" in changes:
                self._random = random.Random(settings.seed)
            self.settings = settings

    def enqueue(self, kinds: list[str]) -> None:
        unknown = [kind for kind in kinds if kind not in FAULT_KINDS]
        if unknown:
            raise SettingsError(
                f"unknown fault kinds: {', '.join(unknown)} (known: {', '.join(FAULT_KINDS)})"
            )
        with self._lock:
            self._queue.extend(kinds)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
            self.settings = replace(self.settings, rate=0.0, kinds=())

    def draw(self) -> str | None:
        with self._lock:
            kind: str | None = None
            if self._queue:
                kind = self._queue.popleft()
            elif (
                self.settings.kinds and self.settings.rate > 0 and self._random.random() < self.settings.rate
            ):
                kind = self._random.choice(self.settings.kinds)
            if kind is not None:
                self.injected[kind] = self.injected.get(kind, 0) + 1
            return kind

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {
                **asdict(self.settings),
                "kinds": list(self.settings.kinds),
                "queue": list(self._queue),
                "injected": dict(self.injected),
            }


async def drop_connection(scope: dict[str, Any]) -> None:
    """Reset the client's connection now (or raise :class:`ConnectionDropped`)."""
    transport = (scope.get("state") or {}).get(TRANSPORT_KEY)
    if transport is None:
        raise ConnectionDropped("connection dropped by an injected fault")
    if transport.is_closing():  # the client left already
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    transport.abort()
    await asyncio.sleep(0.01)  # let the server notice, so it writes nothing more
