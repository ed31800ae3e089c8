"""The ``Idempotency-Key`` request header: a retried request gets the answer of the first one.

A request that carries the header claims the key for its company, with a fingerprint of the
method, the path and the JSON body (key order does not matter). Then:

- first time: the request runs; a successful answer (2xx) is stored with the key; any other
  answer (or an exception) releases the key, so the same request can be tried again;
- same key, same request, answered: the stored answer is returned as it was (status, body),
  with the header ``Idempotency-Replayed: true``;
- same key, another request: 422;
- same key while the first request is still running: 409, retry later.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from yupana.api.errors import ApiError
from yupana.service.issuing import content_fingerprint
from yupana.store.database import session_scope
from yupana.store.repositories import IdempotencyRepository
from yupana.store.repositories.idempotency import IdempotencyOutcome

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotency-Replayed"


@dataclass(frozen=True, slots=True)
class _Claimed:
    outcome: IdempotencyOutcome
    status: int | None
    body: str | None
    content_type: str | None


def _claim(sessions: sessionmaker[Session], company_id: int, key: str, fingerprint: str) -> _Claimed:
    with session_scope(sessions) as session:
        claim = IdempotencyRepository(session, company_id).claim(key, fingerprint)
        record = claim.record
        return _Claimed(
            claim.outcome, record.response_status, record.response_body, record.response_content_type
        )


def _complete(
    sessions: sessionmaker[Session], company_id: int, key: str, status: int, body: str, content_type: str
) -> None:
    with session_scope(sessions) as session:
        IdempotencyRepository(session, company_id).complete(key, status, body, content_type)


def _release(sessions: sessionmaker[Session], company_id: int, key: str) -> None:
    with session_scope(sessions) as session:
        IdempotencyRepository(session, company_id).release(key)


def request_fingerprint(request: Request, body: object) -> str:
    """What makes two requests "the same": method, path and JSON body."""
    return content_fingerprint({"method": request.method, "path": request.url.path, "body": body})


async def idempotent(
    request: Request, company_id: int, body: object, answer: Callable[[], Awaitable[Response]]
) -> Response:
    """``answer()``, or the stored answer of the first request with the same ``Idempotency-Key``.

    Without the header, ``answer()`` runs as is. Raises ``ApiError`` (422 another request used
    the key, 409 the first request is still running) and ``InvalidDocument`` (bad key).
    """
    key = request.headers.get(HEADER)
    if key is None:
        return await answer()
    key = key.strip()
    sessions = request.app.state.stores.sessions
    claimed = await run_in_threadpool(_claim, sessions, company_id, key, request_fingerprint(request, body))
    if claimed.outcome is IdempotencyOutcome.REPLAY:
        assert claimed.status is not None
        return Response(
            (claimed.body or "").encode("utf-8"),
            status_code=claimed.status,
            media_type=claimed.content_type or "application/json",
            headers={REPLAYED_HEADER: "true"},
        )
    if claimed.outcome is IdempotencyOutcome.MISMATCH:
        raise ApiError.single(
            422,
            f"the {HEADER} {key!r} was already used for a different request (other path or body); "
            "use a new key for a new request",
            HEADER,
        )
    if claimed.outcome is IdempotencyOutcome.IN_PROGRESS:
        raise ApiError.single(
            409, f"the request with {HEADER} {key!r} is still being processed; retry later", HEADER
        )
    try:
        response = await answer()
    except BaseException:
        await run_in_threadpool(_release, sessions, company_id, key)
        raise
    if 200 <= response.status_code < 300:
        content_type = response.headers.get("content-type", "application/json")
        body_text = bytes(response.body).decode("utf-8")
        await run_in_threadpool(
            _complete, sessions, company_id, key, response.status_code, body_text, content_type
        )
    else:
        await run_in_threadpool(_release, sessions, company_id, key)
    return response
