"""The simulator's admin endpoint (not part of SUNAT's interface).

Access: with ``YUPANA_SIM_ADMIN_TOKEN`` set, every call needs ``Authorization: Bearer <token>``
(401 otherwise); without it, calls are accepted from loopback clients only (403 otherwise).

* ``GET /_admin/state`` — settings, faults (with counts of injected faults), documents on record;
* ``POST /_admin/faults`` ``{"rate", "kinds", "seed", "latency", "timeout", "queue"}`` — change
  the fault draw; ``queue`` lists faults for the next requests, one each, before any draw;
* ``DELETE /_admin/faults`` — no more faults (rate 0, queue emptied);
* ``POST /_admin/settings`` ``{"ticket_delay", "skip_checks", "rejections"}``;
* ``POST /_admin/users`` ``{"username", "password"}`` — a SOL user (``<RUC><USUARIO>``);
* ``POST /_admin/gre-clients`` ``{"client_id", "client_secret"}`` — a GRE API client.

Bad values are answered 400 ``{"error": …}``.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from yupana.simulator.config import CHECKS, FAULT_KINDS, SettingsError, parse_list
from yupana.simulator.runtime import Simulator


class _Denied(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _allowed(request: Request, simulator: Simulator) -> None:
    token = simulator.settings.admin_token
    if token is not None:
        scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            raise _Denied(401, "admin token required")
        return
    host = request.client.host if request.client else ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host in ("localhost", "testclient")
    if not loopback:
        raise _Denied(403, "the admin endpoint answers loopback clients only (or set YUPANA_SIM_ADMIN_TOKEN)")


async def _body(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError as exc:
        raise SettingsError("the body must be JSON") from exc
    if not isinstance(data, dict):
        raise SettingsError("the body must be a JSON object")
    return data


def _number(data: dict[str, Any], key: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SettingsError(f"{key} must be a number")
    return float(value)


def _names(data: dict[str, Any], key: str, allowed: tuple[str, ...], what: str) -> tuple[str, ...] | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return parse_list(value, allowed, what)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SettingsError(f"{key} must be a list of names")
    return parse_list(",".join(value), allowed, what)


def router() -> APIRouter:
    routes = APIRouter(prefix="/_admin")

    async def guarded(request: Request, work: Any) -> Response:
        simulator: Simulator = request.app.state.simulator
        try:
            _allowed(request, simulator)
            await work(simulator, request)
        except _Denied as denied:
            return JSONResponse({"error": str(denied)}, status_code=denied.status)
        except SettingsError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse(simulator.state())

    @routes.get("/state", include_in_schema=False)
    async def state(request: Request) -> Response:
        async def nothing(simulator: Simulator, request: Request) -> None:
            return None

        return await guarded(request, nothing)

    @routes.post("/faults", include_in_schema=False)
    async def set_faults(request: Request) -> Response:
        async def work(simulator: Simulator, request: Request) -> None:
            data = await _body(request)
            changes: dict[str, Any] = {}
            for key in ("rate", "latency", "timeout"):
                number = _number(data, key)
                if number is not None:
                    changes[key] = number
            kinds = _names(data, "kinds", FAULT_KINDS, "fault kinds")
            if kinds is not None:
                changes["kinds"] = kinds
            if "seed" in data:
                seed = data["seed"]
                if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
                    raise SettingsError("seed must be an integer")
                changes["seed"] = seed
            queue = _names(data, "queue", FAULT_KINDS, "fault kinds")
            simulator.injector.configure(**changes)
            if queue:
                simulator.injector.enqueue(list(queue))

        return await guarded(request, work)

    @routes.delete("/faults", include_in_schema=False)
    async def clear_faults(request: Request) -> Response:
        async def work(simulator: Simulator, request: Request) -> None:
            simulator.injector.clear()

        return await guarded(request, work)

    @routes.post("/settings", include_in_schema=False)
    async def set_settings(request: Request) -> Response:
        async def work(simulator: Simulator, request: Request) -> None:
            data = await _body(request)
            changes: dict[str, Any] = {}
            delay = _number(data, "ticket_delay")
            if delay is not None:
                changes["ticket_delay"] = delay
            skip = _names(data, "skip_checks", CHECKS, "checks")
            if skip is not None:
                changes["skip_checks"] = frozenset(skip)
            if "rejections" in data:
                changes["rejections"] = str(data["rejections"])
            simulator.update_settings(**changes)

        return await guarded(request, work)

    @routes.post("/users", include_in_schema=False)
    async def add_user(request: Request) -> Response:
        async def work(simulator: Simulator, request: Request) -> None:
            data = await _body(request)
            username, password = data.get("username"), data.get("password")
            if not isinstance(username, str) or not isinstance(password, str) or not password:
                raise SettingsError("username and password are required")
            username = username.strip().upper()
            if len(username) < 12 or not username[:11].isdigit():
                raise SettingsError(
                    "the username is the RUC followed by the SOL user (e.g. 20123456786FACTURA1)"
                )
            simulator.store.add_user(username, password)

        return await guarded(request, work)

    @routes.post("/gre-clients", include_in_schema=False)
    async def add_client(request: Request) -> Response:
        async def work(simulator: Simulator, request: Request) -> None:
            data = await _body(request)
            client_id, secret = data.get("client_id"), data.get("client_secret")
            if not isinstance(client_id, str) or not client_id or not isinstance(secret, str) or not secret:
                raise SettingsError("client_id and client_secret are required")
            simulator.store.add_gre_client(client_id, secret)

        return await guarded(request, work)

    return routes
