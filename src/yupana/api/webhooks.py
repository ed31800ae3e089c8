"""The native API's webhooks: a company's URLs that receive each state change of its documents.

``POST /v1/webhooks`` registers a URL and answers its signing secret, once; ``GET`` lists and
reads them (never with the secret); ``DELETE`` removes one (what is still owed to it is not
sent); ``POST /v1/webhooks/{id}/rotate-secret`` replaces the secret and answers the new one, once;
``GET /v1/webhooks/{id}/deliveries`` shows what was sent and how it went. Another company's
webhook reads as 404. How the deliveries are made: ``service.webhooks`` and docs/webhooks.md.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from yupana.api.auth import current_company
from yupana.api.bodies import read_json
from yupana.api.errors import ApiError
from yupana.domain.problems import Problem
from yupana.store.database import session_scope
from yupana.store.models import Webhook, WebhookDelivery
from yupana.store.repositories import NewSecret, TokenIdentity, WebhookRepository
from yupana.store.repositories.webhooks import MAX_DELIVERIES_LIMIT

Identity = Annotated[TokenIdentity, Depends(current_company)]
PREFIX = "/v1/webhooks"
_T = TypeVar("_T")
# Answers that carry a secret are not to be kept by any cache on the way.
_NO_STORE = {"Cache-Control": "no-store"}


class WebhookBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(description="absolute http:// or https:// URL, at most 2000 characters")
    description: str | None = Field(default=None, description="a note of yours, at most 200 characters")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def webhook_view(hook: Webhook) -> dict[str, Any]:
    """What the API says about a webhook (never its secret)."""
    return {
        "id": hook.id,
        "url": hook.url,
        "description": hook.description,
        "active": hook.active,
        "created_at": _iso(hook.created_at),
        "links": {"self": f"{PREFIX}/{hook.id}", "deliveries": f"{PREFIX}/{hook.id}/deliveries"},
    }


def _with_secret(created: NewSecret) -> dict[str, Any]:
    """The one answer that shows a secret (built inside the session, the row still attached)."""
    view = webhook_view(created.webhook)
    view["secret"] = created.secret.reveal()
    return view


def delivery_status(delivery: WebhookDelivery) -> str:
    """``delivered``; ``pending`` (a try is scheduled); ``failed`` (given up, or the webhook removed)."""
    if delivery.delivered_at is not None:
        return "delivered"
    return "pending" if delivery.next_attempt_at is not None else "failed"


def delivery_view(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "event_id": delivery.event_id,
        "status": delivery_status(delivery),
        "attempts": delivery.attempts,
        "created_at": _iso(delivery.created_at),
        "delivered_at": _iso(delivery.delivered_at),
        "next_attempt_at": _iso(delivery.next_attempt_at),
        "last_status": delivery.last_status,
        "last_error": delivery.last_error,
        "payload": delivery.payload,
    }


async def _body(request: Request) -> WebhookBody:
    raw = await read_json(request, request.app.state.settings.max_body_bytes)
    try:
        return WebhookBody.model_validate(raw)
    except ValidationError as exc:
        problems = [
            Problem(str(error.get("msg", "invalid value")), ".".join(str(p) for p in error.get("loc", ())))
            for error in exc.errors()
        ]
        raise ApiError(422, problems) from None


async def _in_session(
    request: Request, identity: TokenIdentity, work: Callable[[WebhookRepository], _T], *, write: bool
) -> _T:
    stores = request.app.state.stores

    def run() -> _T:
        with session_scope(stores.sessions, write=write) as session:
            return work(WebhookRepository(session, identity.company_id, stores.secrets))

    return await run_in_threadpool(run)


def _not_found(webhook_id: int) -> ApiError:
    return ApiError.single(404, f"no webhook {webhook_id}", "webhook_id")


def router() -> APIRouter:
    api = APIRouter(prefix=PREFIX, tags=["webhooks"])
    body_schema = {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": WebhookBody.model_json_schema()}},
        }
    }

    @api.post(
        "",
        status_code=201,
        summary="Register a URL for the state changes of the company's documents (answers its secret once)",
        openapi_extra=body_schema,
    )
    async def create_webhook(request: Request, identity: Identity) -> JSONResponse:
        body = await _body(request)
        created = await _in_session(
            request,
            identity,
            lambda hooks: _with_secret(hooks.create(body.url, body.description)),
            write=True,
        )
        headers = {**_NO_STORE, "Location": f"{PREFIX}/{created['id']}"}
        return JSONResponse(created, status_code=201, headers=headers)

    @api.get("", summary="The company's webhooks (without secrets)")
    async def list_webhooks(request: Request, identity: Identity) -> dict[str, Any]:
        rows = await _in_session(
            request, identity, lambda hooks: [webhook_view(hook) for hook in hooks.list()], write=False
        )
        return {"data": rows}

    @api.get("/{webhook_id}", summary="One webhook (without its secret)")
    async def get_webhook(request: Request, identity: Identity, webhook_id: int) -> dict[str, Any]:
        view = await _in_session(
            request,
            identity,
            lambda hooks: webhook_view(hook) if (hook := hooks.get(webhook_id)) else None,
            write=False,
        )
        if view is None:
            raise _not_found(webhook_id)
        return view

    @api.delete(
        "/{webhook_id}",
        status_code=204,
        response_class=Response,
        summary="Remove a webhook: nothing more is sent to it, deliveries still owed are dropped",
    )
    async def delete_webhook(request: Request, identity: Identity, webhook_id: int) -> Response:
        removed = await _in_session(request, identity, lambda hooks: hooks.remove(webhook_id), write=True)
        if not removed:
            raise _not_found(webhook_id)
        return Response(status_code=204)

    @api.post(
        "/{webhook_id}/rotate-secret", summary="A new signing secret (answered once; the old one stops)"
    )
    async def rotate_secret(request: Request, identity: Identity, webhook_id: int) -> JSONResponse:
        view = await _in_session(
            request,
            identity,
            lambda hooks: _with_secret(rotated) if (rotated := hooks.rotate_secret(webhook_id)) else None,
            write=True,
        )
        if view is None:
            raise _not_found(webhook_id)
        return JSONResponse(view, headers=_NO_STORE)

    @api.get("/{webhook_id}/deliveries", summary="The webhook's most recent deliveries, newest first")
    async def list_deliveries(
        request: Request,
        identity: Identity,
        webhook_id: int,
        limit: Annotated[int, Query(ge=1, le=MAX_DELIVERIES_LIMIT)] = 50,
    ) -> dict[str, Any]:
        def work(hooks: WebhookRepository) -> list[dict[str, Any]] | None:
            rows = hooks.deliveries(webhook_id, limit=limit)
            return None if rows is None else [delivery_view(row) for row in rows]

        rows = await _in_session(request, identity, work, write=False)
        if rows is None:
            raise _not_found(webhook_id)
        return {"limit": limit, "data": rows}

    return api
