"""Every error answer of the API has one shape: ``{"errors": [{"code", "message", "path"}]}``."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from yupana.domain.problems import InvalidDocument, Problem
from yupana.store.repositories import StateConflict


class ApiError(Exception):
    """An answer with HTTP ``status`` and the problems that explain it."""

    def __init__(
        self, status: int, problems: Iterable[Problem], headers: dict[str, str] | None = None
    ) -> None:
        self.status = status
        self.problems = list(problems)
        self.headers = headers
        super().__init__(self.problems[0].message if self.problems else str(status))

    @classmethod
    def single(
        cls,
        status: int,
        message: str,
        path: str = "",
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> ApiError:
        return cls(status, [Problem(message, path, code)], headers)


def error_body(problems: Iterable[Problem]) -> dict[str, object]:
    return {"errors": [problem.as_dict() for problem in problems]}


def error_response(
    status: int, problems: Iterable[Problem], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(problems), status_code=status, headers=headers)


def _location(loc: Iterable[object]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in ("query", "path", "header", "body"):
        parts = parts[1:]
    return ".".join(parts)


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.problems, exc.headers)

    @app.exception_handler(InvalidDocument)
    async def _invalid(request: Request, exc: InvalidDocument) -> JSONResponse:
        return error_response(422, exc.errors)

    @app.exception_handler(StateConflict)
    async def _conflict(request: Request, exc: StateConflict) -> JSONResponse:
        # Another request or worker moved the same document first; nothing of this one was stored.
        return error_response(
            409, [Problem("the document changed while this request was handled; read it and try again")]
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            Problem(str(error.get("msg", "invalid value")), _location(error.get("loc", ())))
            for error in exc.errors()
        ]
        return error_response(422, problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        return error_response(exc.status_code, [Problem(message)], dict(exc.headers or {}) or None)
