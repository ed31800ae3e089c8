"""The running simulator: its parts, its settings as they are now, and the fault gate.

Every service request (SOAP operation, GRE call) passes :meth:`Simulator.guarded`, which draws
a fault and applies it before (or, for ``lost-cdr``, after) the request is handled.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from yupana.domain import return_codes
from yupana.simulator import soap
from yupana.simulator.backend import Backend
from yupana.simulator.cdr import CdrWriter
from yupana.simulator.config import SettingsError, SimulatorSettings
from yupana.simulator.faults import FaultInjector, drop_connection
from yupana.simulator.reception import Examiner
from yupana.simulator.store import Store

DATABASE_FILE = "simulator.sqlite3"
CODE_FAULTS = frozenset({"0109", "0130", "0132", "0200"})

_HTML = "<html><head><title>{status} {reason}</title></head><body><h1>{reason}</h1></body></html>"


def load_users_file(path: Path, store: Store) -> None:
    """SOL users and GRE clients from ``{"users": [{"username", "password"}], "gre_clients":
    [{"client_id", "client_secret"}]}``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SettingsError(f"cannot read the users file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"the users file {path} must hold a JSON object")
    for user in data.get("users") or []:
        if (
            not isinstance(user, dict)
            or not isinstance(user.get("username"), str)
            or not isinstance(user.get("password"), str)
        ):
            raise SettingsError(f"{path}: each user needs a username and a password")
        store.add_user(user["username"].strip().upper(), user["password"])
    for client in data.get("gre_clients") or []:
        if (
            not isinstance(client, dict)
            or not isinstance(client.get("client_id"), str)
            or not isinstance(client.get("client_secret"), str)
        ):
            raise SettingsError(f"{path}: each GRE client needs a client_id and a client_secret")
        store.add_gre_client(client["client_id"], client["client_secret"])


class Simulator:
    def __init__(self, settings: SimulatorSettings) -> None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(settings.data_dir / DATABASE_FILE)
        if settings.users_file is not None:
            load_users_file(settings.users_file, self.store)
        self.examiner = Examiner(settings)
        self.cdr = CdrWriter.for_data_dir(settings.data_dir, settings.certificate_password)
        self.backend = Backend(settings, self.store, self.examiner, self.cdr)
        self.injector = FaultInjector(settings.faults)
        self._lock = threading.Lock()

    @property
    def settings(self) -> SimulatorSettings:
        return self.backend.settings

    def update_settings(self, **changes: Any) -> SimulatorSettings:
        with self._lock:
            settings = replace(self.backend.settings, **changes)
            self.backend.settings = settings
            return settings

    def state(self) -> dict[str, Any]:
        settings = self.settings
        return {
            "data_dir": str(settings.data_dir),
            "rules_dir": str(settings.rules_dir) if settings.rules_dir else None,
            "ticket_delay": settings.ticket_delay,
            "skip_checks": sorted(settings.skip_checks),
            "rejections": settings.rejections,
            "sunat_stylesheets": self.examiner.sfs is not None,
            "faults": self.injector.state(),
            "documents": self.store.count_documents(),
            "admin_token": settings.admin_token is not None,
            "token_ttl": settings.token_ttl,
            "cdr_certificate": self.cdr.signer.key.subject,
        }

    async def guarded(
        self, request: Request, protocol: str, handle: Callable[[], Awaitable[Response]]
    ) -> Response:
        """Handle a service request through the fault gate (``protocol`` "soap" or "gre")."""
        kind = self.injector.draw()
        faults = self.injector.settings
        if kind == "latency":
            await asyncio.sleep(faults.latency)
        elif kind == "timeout":
            await asyncio.sleep(faults.timeout)
            await drop_connection(request.scope)
            return Response(status_code=504)
        elif kind == "reset":
            await drop_connection(request.scope)
            return Response(status_code=502)
        elif kind in ("http500", "http503"):
            return _web_tier_error(protocol, 500 if kind == "http500" else 503)
        elif kind in CODE_FAULTS:
            return _system_fault(protocol, kind)
        response = await handle()
        if kind == "lost-cdr":
            await drop_connection(request.scope)
        return response


def _web_tier_error(protocol: str, status: int) -> Response:
    reason = "Internal Server Error" if status == 500 else "Service Unavailable"
    headers = {"Retry-After": "30"} if status == 503 else None
    if protocol == "gre" and status == 500:
        return JSONResponse({"cod": "500", "msg": "Error inesperado"}, status_code=500)
    return Response(
        _HTML.format(status=status, reason=reason),
        status_code=status,
        media_type="text/html",
        headers=headers,
    )


def _system_fault(protocol: str, code: str) -> Response:
    message = return_codes.message(code)
    if protocol == "gre":
        return JSONResponse({"cod": code, "msg": message}, status_code=500)
    return Response(soap.fault(soap.fault_code(code), message), status_code=500, media_type=soap.CONTENT_TYPE)
