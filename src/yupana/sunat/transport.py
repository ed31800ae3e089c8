"""The HTTP side of talking to SUNAT: one configured httpx client and one guarded exchange.

``make_client`` gives an ``httpx.Client`` with timeouts on by default, TLS verification on by
default (or against a CA bundle, for an OSE with its own chain), a connection pool that is reused
across calls, and an optional ``transport`` (tests use ``httpx.MockTransport``). One client may
serve every company: credentials travel in each request, never in the client.

``exchange`` sends one request and turns every network failure into a ``SunatResult`` exception
(``TIMEOUT``, ``CONNECTION``, ``TLS``, or ``MALFORMED`` for a body above the size bound) instead
of raising. It logs, at DEBUG, the operation, the URL and the HTTP status, and nothing else.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import httpx

from yupana import __version__
from yupana.sunat.results import CONNECTION, TIMEOUT, TLS, SunatResult

log = logging.getLogger("yupana.sunat")

MAX_RESPONSE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class HttpOptions:
    """How to reach SUNAT: timeouts in seconds, TLS verification, pool sizes, body bound."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    write_timeout: float = 60.0
    pool_timeout: float = 10.0
    verify: bool = True
    ca_bundle: str | Path | None = None  # PEM file of the CAs to trust (an OSE's private chain)
    max_connections: int = 20
    max_keepalive_connections: int = 10
    max_response_bytes: int = MAX_RESPONSE_BYTES
    user_agent: str = f"yupana/{__version__}"

    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(
            connect=self.connect_timeout,
            read=self.read_timeout,
            write=self.write_timeout,
            pool=self.pool_timeout,
        )

    def ssl_verify(self) -> ssl.SSLContext | bool:
        if not self.verify:
            log.warning("TLS certificate verification is disabled for SUNAT connections")
            return False
        if self.ca_bundle is not None:
            return ssl.create_default_context(cafile=str(self.ca_bundle))
        return True


def make_client(
    options: HttpOptions | None = None, *, transport: httpx.BaseTransport | None = None
) -> httpx.Client:
    """A pooled httpx client configured by ``options``."""
    options = options or HttpOptions()
    limits = httpx.Limits(
        max_connections=options.max_connections,
        max_keepalive_connections=options.max_keepalive_connections,
    )
    if transport is not None:
        return httpx.Client(
            transport=transport,
            timeout=options.timeout(),
            headers={"User-Agent": options.user_agent},
            follow_redirects=False,
        )
    return httpx.Client(
        verify=options.ssl_verify(),
        timeout=options.timeout(),
        limits=limits,
        headers={"User-Agent": options.user_agent},
        follow_redirects=False,
    )


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    status: int
    body: bytes
    content_type: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def exchange(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    operation: str,
    content: bytes | None = None,
    data: Mapping[str, str] | None = None,
    json: Any = None,
    headers: Mapping[str, str] | None = None,
    max_bytes: int = MAX_RESPONSE_BYTES,
) -> HttpAnswer | SunatResult:
    """Send one request; the answer's status and body, or a ``SunatResult`` for a failure."""
    log.debug("SUNAT %s %s %s", operation, method, url)
    try:
        with client.stream(method, url, content=content, data=data, json=json, headers=headers) as response:
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > max_bytes:
                    log.debug("SUNAT %s answer above %d bytes, dropped", operation, max_bytes)
                    return SunatResult.malformed(
                        f"the answer to {operation} exceeds {max_bytes} bytes",
                        http_status=response.status_code,
                    )
            answer = HttpAnswer(response.status_code, bytes(body), response.headers.get("content-type", ""))
    except httpx.TimeoutException as exc:
        kind = type(exc).__name__
        log.debug("SUNAT %s %s: %s", operation, url, kind)
        return SunatResult.failure(TIMEOUT, f"{kind} waiting for {url} ({operation})", retryable=True)
    except httpx.TransportError as exc:
        if _is_tls_failure(exc):
            log.debug("SUNAT %s %s: TLS failure", operation, url)
            return SunatResult.failure(TLS, f"TLS failure talking to {url}: {_reason(exc)}", retryable=False)
        retryable = not isinstance(exc, (httpx.UnsupportedProtocol, httpx.ProxyError))
        log.debug("SUNAT %s %s: %s", operation, url, type(exc).__name__)
        return SunatResult.failure(
            CONNECTION, f"cannot talk to {url} ({operation}): {_reason(exc)}", retryable=retryable
        )
    log.debug("SUNAT %s %s -> HTTP %d", operation, url, answer.status)
    return answer


def _is_tls_failure(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLError):
            return True
        current = current.__cause__ or current.__context__
    text = str(exc)
    return "CERTIFICATE_VERIFY_FAILED" in text or "[SSL" in text


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


class ClientOwner:
    """Base of the SUNAT services: uses the given client, or makes (and then closes) its own."""

    def __init__(
        self,
        *,
        client: httpx.Client | None = None,
        options: HttpOptions | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if client is not None and transport is not None:
            raise ValueError("pass either a client or a transport, not both")
        self._options = options or HttpOptions()
        self._owns_client = client is None
        self._client = client if client is not None else make_client(self._options, transport=transport)

    @property
    def client(self) -> httpx.Client:
        return self._client

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
