"""Lycet's request body: JSON text or an already decoded object, bare or inside Lycet's
envelope ``{"document": ..., "parameters": ...}`` (then every path starts with ``document.``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal

from yupana.dialects.json_fields import Fields, Leniency
from yupana.domain.problems import InvalidDocument, Problems


def json_object(body: object) -> Mapping[str, object]:
    """``body`` as a JSON object (decoded when text, amounts as ``Decimal``); ``InvalidDocument``
    when it is not valid JSON or not an object."""
    if isinstance(body, bytes | bytearray | str):
        try:
            body = json.loads(body, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidDocument.single(f"the request body is not valid JSON: {exc}") from None
    if not isinstance(body, Mapping):
        raise InvalidDocument.single("the request body must be a JSON object")
    return body


def is_enveloped(body: object, own_key: str) -> bool:
    """Whether ``body`` is Lycet's envelope rather than the document itself, which is told by
    ``own_key``, a key every bare document of that kind has (``details``, ``tipoDoc``)."""
    return isinstance(body, Mapping) and isinstance(body.get("document"), Mapping) and own_key not in body


def document_fields(body: object, problems: Problems, leniency: Leniency, *, own_key: str) -> Fields:
    """The reader of the document in ``body``, bare or enveloped (see ``is_enveloped``)."""
    data = json_object(body)
    if is_enveloped(data, own_key):
        return Fields(data["document"], "document", problems, leniency)  # type: ignore[arg-type]
    return Fields(data, "", problems, leniency)
