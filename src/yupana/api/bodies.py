"""Reading a JSON request body: its media type, its size, its syntax (money as Decimal)."""

from __future__ import annotations

import json
from decimal import Decimal

from fastapi import Request

from yupana.api.errors import ApiError

JSON_MEDIA_TYPES = frozenset({"application/json"})


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


async def read_json(request: Request, max_bytes: int) -> object:
    """The parsed body, or 415 (not JSON), 413 (larger than ``max_bytes``), 400 (malformed)."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type not in JSON_MEDIA_TYPES and not media_type.endswith("+json"):
        shown = media_type or "none"
        raise ApiError.single(
            415, f"the body must be JSON (Content-Type: application/json), not {shown}", "Content-Type"
        )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise ApiError.single(413, f"the body is larger than {max_bytes} bytes", "")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise ApiError.single(413, f"the body is larger than {max_bytes} bytes", "")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        raise ApiError.single(400, "the body is empty; a JSON object is expected", "")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError.single(400, f"the body is not UTF-8 (byte {exc.start})", "") from None
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ApiError.single(
            400, f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", ""
        ) from None
    except ValueError as exc:
        raise ApiError.single(400, f"malformed JSON: {exc}", "") from None
    except RecursionError:
        raise ApiError.single(400, "malformed JSON: nested too deeply", "") from None
