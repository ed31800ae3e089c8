"""Bearer-token authentication: every request speaks for the company its token belongs to."""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from yupana.api.errors import ApiError
from yupana.store.database import session_scope
from yupana.store.repositories import TokenIdentity, TokenRepository

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def _resolve(request: Request, token: str) -> TokenIdentity | None:
    with session_scope(request.app.state.stores.sessions, write=False) as session:
        return TokenRepository(session).resolve(token)


async def current_company(request: Request) -> TokenIdentity:
    """The identity of the request's ``Authorization: Bearer`` token, or 401."""
    header = request.headers.get("authorization")
    if not header:
        raise ApiError.single(
            401, "missing Authorization: Bearer <token> header", "Authorization", headers=_CHALLENGE
        )
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError.single(
            401, "the Authorization header must be 'Bearer <token>'", "Authorization", headers=_CHALLENGE
        )
    identity = await run_in_threadpool(_resolve, request, token.strip())
    if identity is None:
        raise ApiError.single(401, "invalid or revoked API token", "Authorization", headers=_CHALLENGE)
    return identity
