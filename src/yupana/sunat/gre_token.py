"""OAuth2 access tokens of SUNAT's GRE REST platform, fetched once and reused until near expiry.

Token request (SUNAT's "Manual de Servicio Web – Plataforma Nueva GRE", ``openapi.yaml``):
``POST {auth}/clientessol/{client_id}/oauth2/token/`` with a form ``grant_type=password``,
``scope=https://api-cpe.sunat.gob.pe``, ``client_id``, ``client_secret``, ``username`` (RUC + SOL
user) and ``password``; the answer is ``{access_token, token_type, expires_in}``.

``TokenCache`` keeps one token per (auth URL, client, SOL user) and is safe to share between
threads: concurrent callers for the same credentials wait for one request instead of each asking
for a token. A token is dropped ``margin`` seconds before it expires, or at once when the
platform answers 401 to it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx

from yupana.sunat.credentials import GreCredentials, SolCredentials
from yupana.sunat.results import SunatResult
from yupana.sunat.transport import HttpAnswer, exchange

log = logging.getLogger("yupana.sunat")

SCOPE = "https://api-cpe.sunat.gob.pe"
DEFAULT_MARGIN = 60.0


@dataclass(frozen=True, slots=True, repr=False)
class AccessToken:
    value: str
    expires_at: float  # on the cache's clock (monotonic seconds)
    token_type: str = "Bearer"

    def __repr__(self) -> str:
        return f"AccessToken(value='***', expires_at={self.expires_at!r})"

    __str__ = __repr__

    @property
    def authorization(self) -> str:
        return f"Bearer {self.value}"


def token_url(auth_base: str, client_id: str) -> str:
    return f"{auth_base}/clientessol/{quote(client_id, safe='')}/oauth2/token/"


def request_token(
    client: httpx.Client,
    auth_base: str,
    sol: SolCredentials,
    gre: GreCredentials,
    *,
    clock: Callable[[], float] = time.monotonic,
    margin: float = DEFAULT_MARGIN,
) -> AccessToken | SunatResult:
    """Ask the platform for a token; a failure is an exception result (never raised)."""
    started = clock()
    answer = exchange(
        client,
        "POST",
        token_url(auth_base, gre.client_id),
        operation="gre-token",
        data={
            "grant_type": "password",
            "scope": SCOPE,
            "client_id": gre.client_id,
            "client_secret": gre.client_secret,
            "username": sol.username,
            "password": sol.password,
        },
        headers={"Accept": "application/json"},
    )
    if isinstance(answer, SunatResult):
        return answer
    return read_token(answer, started, margin)


def read_token(
    answer: HttpAnswer, started: float, margin: float = DEFAULT_MARGIN
) -> AccessToken | SunatResult:
    """The token in a token answer, or the failure it stands for."""
    try:
        body = json.loads(answer.body) if answer.body.strip() else None
    except ValueError:
        body = None
    if not answer.ok:
        detail = None
        if isinstance(body, dict):
            detail = body.get("error_description") or body.get("msg") or body.get("error")
        log.debug("SUNAT gre-token -> HTTP %d", answer.status)
        return SunatResult.http_error(
            answer.status, f"GRE token refused (HTTP {answer.status})" + (f": {detail}" if detail else "")
        )
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("access_token"), str)
        or not body["access_token"]
    ):
        return SunatResult.malformed("GRE token answer without access_token", http_status=answer.status)
    try:
        lifetime = float(body.get("expires_in", 0) or 0)
    except (TypeError, ValueError):
        lifetime = 0.0
    keep = max(0.0, lifetime - min(margin, lifetime / 2))
    return AccessToken(body["access_token"], started + keep, str(body.get("token_type") or "Bearer"))


@dataclass(slots=True)
class _Slot:
    lock: threading.Lock = field(default_factory=threading.Lock)
    token: AccessToken | None = None


class TokenCache:
    """Tokens by credentials; thread-safe; ``clock`` is monotonic seconds (injectable for tests)."""

    def __init__(
        self, *, margin: float = DEFAULT_MARGIN, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.margin = margin
        self.clock = clock
        self._slots: dict[tuple[str, str, str], _Slot] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(auth_base: str, sol: SolCredentials, gre: GreCredentials) -> tuple[str, str, str]:
        return (auth_base, gre.fingerprint(), sol.fingerprint())

    def _slot(self, key: tuple[str, str, str]) -> _Slot:
        with self._lock:
            slot = self._slots.get(key)
            if slot is None:
                slot = self._slots[key] = _Slot()
            return slot

    def get(
        self,
        client: httpx.Client,
        auth_base: str,
        sol: SolCredentials,
        gre: GreCredentials,
    ) -> AccessToken | SunatResult:
        """A valid token for these credentials, fetching one only when none is cached."""
        slot = self._slot(self.key(auth_base, sol, gre))
        with slot.lock:
            token = slot.token
            if token is not None and self.clock() < token.expires_at:
                return token
            fetched = request_token(client, auth_base, sol, gre, clock=self.clock, margin=self.margin)
            slot.token = fetched if isinstance(fetched, AccessToken) else None
            if isinstance(fetched, AccessToken):
                log.debug("SUNAT gre-token obtained for client %s", gre.client_id)
            return fetched

    def invalidate(
        self, auth_base: str, sol: SolCredentials, gre: GreCredentials, token: AccessToken
    ) -> None:
        """Forget ``token`` (the platform refused it); a newer token is kept."""
        slot = self._slot(self.key(auth_base, sol, gre))
        with slot.lock:
            if slot.token is token:
                slot.token = None


# Shared by every GreService that is not given its own cache.
DEFAULT_TOKENS = TokenCache()
