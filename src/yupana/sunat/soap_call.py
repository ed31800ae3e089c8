"""One SOAP round trip to a SUNAT (or OSE) service, with every failure turned into a result.

``SoapCaller.call`` posts the envelope and gives back either the reply (for the service to read)
or a ``SunatResult``: a SOAP fault becomes the outcome of its SUNAT code (``Client.0111`` →
exception, ``Client.2xxx`` → rejected, ``Server`` without a number → retryable exception), an HTTP
error without a fault becomes ``HTTP-<status>``, an unreadable or unsafe body ``MALFORMED``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

import httpx

from yupana.sunat.credentials import SolCredentials
from yupana.sunat.results import SunatResult
from yupana.sunat.soap import (
    CONTENT_TYPE,
    SoapError,
    SoapFault,
    SoapReply,
    build_envelope,
    parse_answer,
    soap_action,
)
from yupana.sunat.transport import MAX_RESPONSE_BYTES, HttpAnswer, exchange
from yupana.sunat.untrusted_xml import RefusedXmlError, UnsafeXmlError

log = logging.getLogger("yupana.sunat")


class SoapCaller:
    def __init__(
        self, client: httpx.Client, credentials: SolCredentials, *, max_bytes: int = MAX_RESPONSE_BYTES
    ) -> None:
        self._client = client
        self._credentials = credentials
        self._max_bytes = max_bytes

    def call(
        self,
        url: str,
        operation: str,
        fields: Sequence[tuple[str, str]],
        *,
        file_name: str | None = None,
    ) -> SoapReply | SunatResult:
        if file_name:
            log.debug("SUNAT %s file %s", operation, file_name)
        envelope = build_envelope(self._credentials, operation, fields)
        answer = exchange(
            self._client,
            "POST",
            url,
            operation=operation,
            content=envelope,
            headers={"Content-Type": CONTENT_TYPE, "SOAPAction": soap_action(operation)},
            max_bytes=self._max_bytes,
        )
        if isinstance(answer, SunatResult):
            return answer
        return read_answer(answer, operation)


def read_answer(answer: HttpAnswer, operation: str) -> SoapReply | SunatResult:
    """The reply in ``answer``, or the result its fault, status or garbage stands for."""
    try:
        parsed = parse_answer(answer.body)
    except RefusedXmlError as exc:
        log.debug("SUNAT %s answer refused: %s", operation, exc)
        return SunatResult.malformed(f"answer to {operation} refused: {exc}", http_status=answer.status)
    except (UnsafeXmlError, SoapError) as exc:
        if not answer.ok:
            return SunatResult.http_error(answer.status)
        return SunatResult.malformed(f"unreadable answer to {operation}: {exc}", http_status=answer.status)
    if isinstance(parsed, SoapFault):
        result = fault_result(parsed, answer.status)
        log.debug("SUNAT %s fault %s", operation, result.code)
        return result
    if not answer.ok:
        return SunatResult.http_error(answer.status)
    return replace(parsed, http_status=answer.status)


def fault_result(fault: SoapFault, http_status: int | None) -> SunatResult:
    """The outcome a SOAP fault stands for."""
    if fault.code is not None:
        return SunatResult.from_code(fault.code, fault.faultstring or None, http_status=http_status)
    kind = fault.faultcode.rpartition(":")[2] or "Fault"
    return SunatResult.failure(
        kind,
        fault.faultstring or f"SOAP fault {fault.faultcode}",
        retryable=fault.is_server,
        http_status=http_status,
    )
