"""SUNAT's GRE REST platform (``services/gre-rest/openapi.yaml``), under ``/v1`` for both hosts.

* ``POST /v1/clientessol/{client_id}/oauth2/token/`` — OAuth2 password grant (form fields
  ``grant_type``, ``scope``, ``client_id``, ``client_secret``, ``username``, ``password``) →
  ``{access_token, token_type, expires_in}``; refusals in RFC 6749's shape ``{error,
  error_description}`` (401 ``invalid_client``, 400 ``invalid_grant`` / ``unsupported_grant_type``).
* ``POST /v1/contribuyente/gem/comprobantes/{filename}`` with ``Authorization: Bearer <token>``
  and ``{"archivo": {"nomArchivo", "arcGreZip", "hashZip"}}`` → ``{numTicket, fecRecepcion}``.
* ``GET /v1/contribuyente/gem/comprobantes/envios/{numTicket}`` → ``{codRespuesta: "98"}`` while
  in process, then ``"0"`` with ``arcCdr`` or ``"99"`` with ``error {numError, desError}`` (and
  ``arcCdr`` when the guía was rejected with a CDR), plus ``indCdrGenerado``.

Errors: 401 ``{cod, msg}`` without a live token; 422 ``{cod, msg, errors: [{cod, msg}]}`` for a
request SUNAT refuses on reception (file name 0151, RUC 0154, ZIP 0155–0161, hash 0156, unknown
ticket 0127, ticket of another RUC 0126); 500 ``{cod, msg}`` for an unexpected failure.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from yupana.simulator.backend import GreRefused, TokenRefused
from yupana.simulator.runtime import Simulator

UNPROCESSABLE = (
    "Unprocessable Entity - Se presentaron errores de validacion que impidieron completar el Request"
)
MAX_BODY = 64 * 1024 * 1024

log = logging.getLogger("yupana.simulator")


def _refused(refused: GreRefused) -> JSONResponse:
    if refused.status == 422:
        return JSONResponse(
            {"cod": "422", "msg": UNPROCESSABLE, "errors": [{"cod": refused.code, "msg": refused.message}]},
            status_code=422,
        )
    return JSONResponse(
        {"cod": refused.code, "msg": refused.message},
        status_code=refused.status,
        headers={"WWW-Authenticate": "Bearer"} if refused.status == 401 else None,
    )


def _guarded_call(work: Callable[[], Any]) -> Response:
    try:
        return JSONResponse(work())
    except GreRefused as refused:
        return _refused(refused)
    except Exception:  # an unexpected failure is SUNAT's 500, never a traceback
        log.exception("GRE request failed")
        return JSONResponse({"cod": "500", "msg": "Error inesperado"}, status_code=500)


def router() -> APIRouter:
    routes = APIRouter()

    async def token(request: Request, client_id: str) -> Response:
        simulator: Simulator = request.app.state.simulator

        async def answer() -> Response:
            body = await request.body()
            form = {key: values[0] for key, values in parse_qs(body.decode("utf-8", "replace")).items()}
            try:
                return JSONResponse(simulator.backend.issue_token(client_id, form))
            except TokenRefused as refused:
                return JSONResponse(
                    {"error": refused.error, "error_description": refused.description},
                    status_code=refused.status,
                )
            except Exception:  # SUNAT's 500, never a traceback
                log.exception("GRE token request failed")
                return JSONResponse({"cod": "500", "msg": "Error inesperado"}, status_code=500)

        return await simulator.guarded(request, "gre", answer)

    async def send(request: Request, filename: str) -> Response:
        simulator: Simulator = request.app.state.simulator

        async def answer() -> Response:
            backend = simulator.backend
            try:
                user = backend.token_owner(request.headers.get("authorization"))
            except GreRefused as refused:
                return _refused(refused)
            body = await request.body()
            if len(body) > MAX_BODY:
                return _refused(GreRefused(422, "0156", "El archivo ZIP es demasiado grande"))
            try:
                payload = json.loads(body)
            except ValueError:
                return _refused(GreRefused(422, "0155", "El cuerpo del pedido no es JSON"))
            return await run_in_threadpool(_guarded_call, lambda: backend.send_guide(user, filename, payload))

        return await simulator.guarded(request, "gre", answer)

    async def status(request: Request, ticket: str) -> Response:
        simulator: Simulator = request.app.state.simulator

        async def answer() -> Response:
            backend = simulator.backend
            try:
                user = backend.token_owner(request.headers.get("authorization"))
            except GreRefused as refused:
                return _refused(refused)
            return await run_in_threadpool(_guarded_call, lambda: backend.guide_status(user, ticket))

        return await simulator.guarded(request, "gre", answer)

    for path in ("/v1/clientessol/{client_id}/oauth2/token/", "/v1/clientessol/{client_id}/oauth2/token"):
        routes.add_api_route(path, token, methods=["POST"], include_in_schema=False)
    routes.add_api_route(
        "/v1/contribuyente/gem/comprobantes/envios/{ticket}", status, methods=["GET"], include_in_schema=False
    )
    routes.add_api_route(
        "/v1/contribuyente/gem/comprobantes/{filename}", send, methods=["POST"], include_in_schema=False
    )
    return routes
