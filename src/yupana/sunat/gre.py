"""SUNAT's GRE REST platform: sending guías de remisión (09, 31) and asking about their tickets.

* send: ``POST {cpe}/contribuyente/gem/comprobantes/{file name without extension}`` with
  ``{"archivo": {"nomArchivo": "<name>.zip", "arcGreZip": "<base64 zip>", "hashZip": "<sha256
  hex of the zip>"}}`` → ``{numTicket, fecRecepcion}``: a ``pending`` result with the ticket;
* status: ``GET {cpe}/contribuyente/gem/comprobantes/envios/{numTicket}`` →
  ``codRespuesta`` 98 (``pending``), 0 (the CDR's outcome, with the guide's QR link in
  ``qr_url``), 99 (the CDR's outcome when ``arcCdr`` comes, else the outcome of
  ``error.numError``);
* HTTP 422 ``{cod, msg, errors:[{cod, msg}]}`` on a send is an exception with the first error's
  code (nothing was registered); HTTP 500 ``{cod, msg}`` a retryable exception.

Each request carries a bearer token from a shared ``TokenCache``; a 401 drops the token and the
request is made once more with a fresh one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx

from yupana.sunat.archive import zip_single
from yupana.sunat.credentials import GreCredentials, SolCredentials
from yupana.sunat.endpoints import GRE_TYPES, Endpoints, document_type_of
from yupana.sunat.gre_token import DEFAULT_TOKENS, AccessToken, TokenCache
from yupana.sunat.results import SunatResult, canonical_code, http_code
from yupana.sunat.retry_policy import is_retryable_code, is_retryable_http_status
from yupana.sunat.transport import ClientOwner, HttpAnswer, HttpOptions, exchange

log = logging.getLogger("yupana.sunat")


def send_body(file_name: str, zip_content: bytes) -> dict[str, dict[str, str]]:
    """The JSON body of a send (``CpeDocument`` in SUNAT's OpenAPI)."""
    return {
        "archivo": {
            "nomArchivo": file_name,
            "arcGreZip": base64.b64encode(zip_content).decode("ascii"),
            "hashZip": hashlib.sha256(zip_content).hexdigest(),
        }
    }


def _json(answer: HttpAnswer) -> Any:
    if not answer.body.strip():
        return None
    try:
        return json.loads(answer.body, parse_float=Decimal)
    except ValueError:
        return None


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


class GreService(ClientOwner):
    def __init__(
        self,
        endpoints: Endpoints,
        sol: SolCredentials,
        gre: GreCredentials,
        *,
        client: httpx.Client | None = None,
        options: HttpOptions | None = None,
        transport: httpx.BaseTransport | None = None,
        tokens: TokenCache | None = None,
    ) -> None:
        if endpoints.gre_auth is None or endpoints.gre_cpe is None:
            raise ValueError("these endpoints have no GRE REST platform (gre_auth and gre_cpe)")
        super().__init__(client=client, options=options, transport=transport)
        self.auth_base = endpoints.gre_auth
        self.cpe_base = endpoints.gre_cpe
        self._sol = sol
        self._gre = gre
        self._tokens = tokens if tokens is not None else DEFAULT_TOKENS

    # -- operations --------------------------------------------------------------------
    def send(self, file_name: str, zip_content: bytes) -> SunatResult:
        """Send a guide's ZIP (``RUC-09-T001-1.zip``); ``pending`` with SUNAT's ticket."""
        if not file_name.lower().endswith(".zip"):
            raise ValueError(f"GRE file names end in .zip, got {file_name!r}")
        stem = file_name[:-4]
        if document_type_of(stem) not in GRE_TYPES:
            raise ValueError(f"{file_name!r} is not a guía de remisión (09 or 31)")
        url = f"{self.cpe_base}/contribuyente/gem/comprobantes/{quote(stem, safe='')}"
        log.debug("SUNAT gre-send file %s", file_name)
        answer = self._authorized("POST", url, "gre-send", json_body=send_body(file_name, zip_content))
        if isinstance(answer, SunatResult):
            return answer
        body = _json(answer)
        if answer.ok:
            ticket = _text(body.get("numTicket")) if isinstance(body, dict) else None
            if ticket is None:
                return SunatResult.malformed("GRE send answered without numTicket", http_status=answer.status)
            log.debug("SUNAT gre-send %s -> ticket %s", file_name, ticket)
            return SunatResult.pending(ticket, http_status=answer.status)
        return error_result(answer.status, body)

    def send_xml(self, file_stem: str, xml: bytes) -> SunatResult:
        """Zip a signed guide as SUNAT wants it and send it."""
        return self.send(f"{file_stem}.zip", zip_single(f"{file_stem}.xml", xml))

    def get_status(self, ticket: str) -> SunatResult:
        url = f"{self.cpe_base}/contribuyente/gem/comprobantes/envios/{quote(ticket, safe='')}"
        answer = self._authorized("GET", url, "gre-status")
        if isinstance(answer, SunatResult):
            return answer
        body = _json(answer)
        if not answer.ok:
            return error_result(answer.status, body)
        if not isinstance(body, dict):
            return SunatResult.malformed("GRE status answer is not a JSON object", http_status=answer.status)
        result = status_result(body, ticket, answer.status)
        log.debug("SUNAT gre-status ticket %s -> %s %s", ticket, result.outcome.value, result.code)
        return result

    # -- plumbing ----------------------------------------------------------------------
    def _authorized(
        self, method: str, url: str, operation: str, *, json_body: object = None
    ) -> HttpAnswer | SunatResult:
        for attempt in (1, 2):
            token = self._tokens.get(self.client, self.auth_base, self._sol, self._gre)
            if isinstance(token, SunatResult):
                return token
            answer = self._request(method, url, operation, token, json_body)
            if isinstance(answer, SunatResult) or answer.status != 401 or attempt == 2:
                return answer
            log.debug("SUNAT %s -> 401, renewing the token", operation)
            self._tokens.invalidate(self.auth_base, self._sol, self._gre, token)
        raise AssertionError("unreachable")

    def _request(
        self, method: str, url: str, operation: str, token: AccessToken, json_body: object
    ) -> HttpAnswer | SunatResult:
        return exchange(
            self.client,
            method,
            url,
            operation=operation,
            json=json_body,
            headers={"Authorization": token.authorization, "Accept": "application/json"},
            max_bytes=self._options.max_response_bytes,
        )


def status_result(body: dict[str, Any], ticket: str, http_status: int) -> SunatResult:
    """The outcome of a ``StatusResponse`` (``codRespuesta`` 98 / 0 / 99)."""
    code = _text(body.get("codRespuesta"))
    cdr_text = _text(body.get("arcCdr"))
    if code in ("98", "0098"):
        return SunatResult.pending(ticket, code="98", http_status=http_status)
    if code not in ("0", "99"):
        return SunatResult.malformed(f"GRE status answered codRespuesta {code!r}", http_status=http_status)
    if cdr_text:
        try:
            cdr_zip = base64.b64decode("".join(cdr_text.split()), validate=True)
        except ValueError:
            return SunatResult.malformed("GRE status arcCdr is not base64", http_status=http_status)
        return SunatResult.from_cdr_zip(cdr_zip, http_status=http_status, ticket=ticket)
    error = body.get("error")
    if code == "99" and isinstance(error, dict) and _text(error.get("numError")):
        return SunatResult.from_code(
            str(_text(error.get("numError"))),
            _text(error.get("desError")),
            http_status=http_status,
            ticket=ticket,
        )
    return SunatResult.malformed(f"GRE status {code} without CDR nor error", http_status=http_status)


def error_result(status: int, body: object) -> SunatResult:
    """An HTTP error of the GRE platform (``CpeError`` / ``CpeErrorValidation``).

    A refused request registers nothing, so even a rejection-range code here is an exception.
    """
    retryable = is_retryable_http_status(status)
    if not isinstance(body, dict):
        return SunatResult.http_error(status)
    raw = body.get("errors")
    errors = [e for e in raw if isinstance(e, dict)] if isinstance(raw, list) else []
    code = _text(errors[0].get("cod")) if errors else _text(body.get("cod"))
    texts = [f"{_text(e.get('cod')) or '?'} - {_text(e.get('msg')) or ''}".strip() for e in errors]
    description = "; ".join(texts) or _text(body.get("msg")) or f"GRE platform answered HTTP {status}"
    if code is not None and code.isdigit() and len(code) <= 4 and code != str(status):
        key = canonical_code(code)
        return SunatResult.failure(
            key, description, retryable=retryable or is_retryable_code(key), http_status=status
        )
    return SunatResult.failure(http_code(status), description, retryable=retryable, http_status=status)
