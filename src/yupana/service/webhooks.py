"""Webhook deliveries: each state change of a document, POSTed to the company's URLs, signed.

A delivery row is written with the event it carries (``store.outbox``); ``WebhookSender.deliver``
sends it: ``POST <url>`` with the JSON payload and the headers

* ``X-Yupana-Event``: ``document.state_changed``;
* ``X-Yupana-Delivery``: the delivery's id (the same on every retry: receivers may deduplicate);
* ``X-Yupana-Signature``: ``t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the webhook's
  secret>``, so a receiver can check that the body came from this server and is fresh.

Any 2xx answer delivers it; anything else (another status, a timeout, a refused connection) is
retried with exponential backoff and jitter, up to ``RetrySchedule.max_attempts`` tries.
Redirects are not followed. The secret is stored encrypted and never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from yupana.service.retry_schedule import RetrySchedule
from yupana.store.database import session_scope
from yupana.store.models import Webhook, WebhookDelivery, utc_now
from yupana.store.outbox import EVENT_TYPE
from yupana.store.secrets import SecretBox

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Yupana-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Yupana-Signature`` value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_signature(secret: str, header: str, body: bytes, *, tolerance: float = 300.0) -> bool:
    """What a receiver does: the header's MAC matches and its time is within ``tolerance`` s."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return hmac.compare_digest(expected, header)


class WebhookSender:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        secrets: SecretBox,
        *,
        retry: RetrySchedule | None = None,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.sessions = sessions
        self.secrets = secrets
        self.retry = retry or RetrySchedule()
        self.timeout = timeout
        self.client = httpx.Client(timeout=timeout, follow_redirects=False, transport=transport)

    def due(self, now: datetime, limit: int = 1000) -> list[int]:
        with session_scope(self.sessions, write=False) as session:
            return list(
                session.execute(
                    select(WebhookDelivery.id)
                    .where(WebhookDelivery.delivered_at.is_(None), WebhookDelivery.next_attempt_at <= now)
                    .order_by(WebhookDelivery.id)
                    .limit(limit)
                ).scalars()
            )

    def deliver(self, delivery_id: int) -> datetime | None:
        """Send one delivery if it is due; when to try again (None: delivered, or given up)."""
        now = utc_now()
        # Held while it is being sent: no other worker takes it before this one has its answer.
        lease = now + timedelta(seconds=2 * self.timeout + 5)
        with session_scope(self.sessions) as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            if delivery is None or delivery.delivered_at is not None:
                return None
            if delivery.next_attempt_at is None or delivery.next_attempt_at > now:
                return None
            hook = session.get(Webhook, delivery.webhook_id)
            if hook is None or not hook.active:
                delivery.next_attempt_at = None
                delivery.last_error = "webhook removed or disabled"
                return None
            # Claimed: another worker finds it not due until the lease ends.
            claimed = session.execute(
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.id == delivery_id,
                    WebhookDelivery.next_attempt_at <= now,
                    WebhookDelivery.delivered_at.is_(None),
                )
                .values(next_attempt_at=lease)
                .execution_options(synchronize_session=False)
            ).rowcount  # type: ignore[attr-defined]
            if not claimed:
                return None
            url = hook.url
            secret = self.secrets.decrypt_text(hook.secret_encrypted).reveal()
            body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
            attempts = delivery.attempts + 1
        status: int | None = None
        error: str | None = None
        try:
            response = self.client.post(
                url,
                content=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Yupana-Event": EVENT_TYPE,
                    "X-Yupana-Delivery": str(delivery_id),
                    SIGNATURE_HEADER: signature(secret, int(time.time()), body),
                },
            )
            status = response.status_code
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        done = utc_now()
        at = None if error is None else self.retry.next_at(done, attempts)
        with session_scope(self.sessions) as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            if delivery is None:
                return None
            delivery.attempts = attempts
            delivery.last_status = status
            delivery.last_error = error
            delivery.next_attempt_at = at
            if error is None:
                delivery.delivered_at = done
        if error is not None:
            log.info("webhook delivery %s failed (%s), attempt %s", delivery_id, error, attempts)
        return at

    def close(self) -> None:
        self.client.close()
