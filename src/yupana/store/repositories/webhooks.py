"""A company's webhooks and their deliveries; the signing secret is stored encrypted.

A secret is made here (``whsec_`` and 32 random bytes, URL-safe) and handed back once, in the
``NewSecret`` of ``create`` or ``rotate_secret``; the row keeps only the ``SecretBox`` ciphertext.

Removing a webhook keeps its row and its delivery history (``active`` false) but destroys its
secret and stops every delivery still owed to it, in the same transaction. The row is not deleted:
the outbox (``store.outbox``) may be inserting a delivery for it in a concurrent transaction, and
that must never fail the state change of a document.
"""

from __future__ import annotations

from dataclasses import dataclass
from secrets import token_urlsafe
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from yupana.domain.problems import InvalidDocument
from yupana.store.models import Webhook, WebhookDelivery, utc_now
from yupana.store.secrets import Secret, SecretBox

WEBHOOK_SECRET_PREFIX = "whsec_"
WEBHOOK_SECRET_BYTES = 32
MAX_URL_LENGTH = 2000
MAX_DESCRIPTION_LENGTH = 200
MAX_DELIVERIES_LIMIT = 200
REMOVED_MESSAGE = "webhook removed"


def new_webhook_secret() -> str:
    """A fresh signing secret: ``whsec_`` and 43 URL-safe characters."""
    return WEBHOOK_SECRET_PREFIX + token_urlsafe(WEBHOOK_SECRET_BYTES)


def valid_url(url: object, path: str = "url") -> str:
    """``url`` if it is an absolute http(s) URL Yupana can POST to; else ``InvalidDocument`` at ``path``."""
    if not isinstance(url, str) or not url:
        raise InvalidDocument.single("the webhook URL is required", path)
    if len(url) > MAX_URL_LENGTH:
        raise InvalidDocument.single(f"the URL is longer than {MAX_URL_LENGTH} characters", path)
    if any(character.isspace() or ord(character) < 32 or ord(character) == 127 for character in url):
        raise InvalidDocument.single("the URL contains spaces or control characters", path)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidDocument.single(f"the URL is malformed: {exc}", path) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidDocument.single("the URL must be absolute and start with http:// or https://", path)
    if not parts.hostname:
        raise InvalidDocument.single("the URL has no host", path)
    if parts.username is not None or parts.password is not None:
        raise InvalidDocument.single(
            "credentials in the URL are not accepted (check the X-Yupana-Signature header instead)", path
        )
    if port == 0:
        raise InvalidDocument.single("the URL's port must be between 1 and 65535", path)
    return url


def _valid_description(description: object, path: str = "description") -> str | None:
    if description is None:
        return None
    if not isinstance(description, str):
        raise InvalidDocument.single("the description must be a string", path)
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise InvalidDocument.single(
            f"the description is longer than {MAX_DESCRIPTION_LENGTH} characters", path
        )
    return description or None


@dataclass(frozen=True, slots=True, repr=False)
class NewSecret:
    """A webhook with the secret just made: ``secret`` is the only time the plain value exists."""

    webhook: Webhook
    secret: Secret

    def __repr__(self) -> str:
        return f"NewSecret(webhook_id={self.webhook.id!r}, secret='***')"


class WebhookRepository:
    """The webhooks of one company (removed ones read as not found) and their deliveries."""

    def __init__(self, session: Session, company_id: int, secrets: SecretBox) -> None:
        self.session = session
        self.company_id = company_id
        self._secrets = secrets

    def create(self, url: str, description: str | None = None) -> NewSecret:
        """A new active webhook; raises ``InvalidDocument`` (paths ``url``, ``description``)."""
        url = valid_url(url)
        description = _valid_description(description)
        plain = new_webhook_secret()
        hook = Webhook(
            company_id=self.company_id,
            url=url,
            description=description,
            secret_encrypted=self._secrets.encrypt_text(plain),
            active=True,
            created_at=utc_now(),
        )
        self.session.add(hook)
        self.session.flush()
        return NewSecret(hook, Secret(plain))

    def get(self, webhook_id: int) -> Webhook | None:
        return self.session.execute(
            select(Webhook).where(
                Webhook.id == webhook_id,
                Webhook.company_id == self.company_id,
                Webhook.active.is_(True),
            )
        ).scalar_one_or_none()

    def list(self) -> list[Webhook]:
        return list(
            self.session.execute(
                select(Webhook)
                .where(Webhook.company_id == self.company_id, Webhook.active.is_(True))
                .order_by(Webhook.id)
            ).scalars()
        )

    def secret(self, webhook: Webhook) -> Secret:
        """The webhook's signing secret, decrypted."""
        if webhook.company_id != self.company_id:
            raise LookupError("the webhook belongs to another company")
        return self._secrets.decrypt_text(webhook.secret_encrypted)

    def rotate_secret(self, webhook_id: int) -> NewSecret | None:
        """A new secret for the webhook (the old one stops signing at once); None if not found."""
        hook = self.get(webhook_id)
        if hook is None:
            return None
        plain = new_webhook_secret()
        hook.secret_encrypted = self._secrets.encrypt_text(plain)
        self.session.flush()
        return NewSecret(hook, Secret(plain))

    def remove(self, webhook_id: int) -> bool:
        """Deactivate the webhook, destroy its secret, stop what is still owed to it; False if not found."""
        hook = self.get(webhook_id)
        if hook is None:
            return False
        hook.active = False
        # Nobody knows this value: the old secret is gone from the database.
        hook.secret_encrypted = self._secrets.encrypt_text(new_webhook_secret())
        self.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == hook.id, WebhookDelivery.delivered_at.is_(None))
            .values(next_attempt_at=None, last_error=REMOVED_MESSAGE)
            .execution_options(synchronize_session=False)
        )
        self.session.flush()
        return True

    def deliveries(self, webhook_id: int, *, limit: int = 50) -> list[WebhookDelivery] | None:
        """The webhook's most recent deliveries, newest first; None if the webhook is not found."""
        if self.get(webhook_id) is None:
            return None
        limit = max(1, min(limit, MAX_DELIVERIES_LIMIT))
        return list(
            self.session.execute(
                select(WebhookDelivery)
                .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
                .where(WebhookDelivery.webhook_id == webhook_id, Webhook.company_id == self.company_id)
                .order_by(WebhookDelivery.id.desc())
                .limit(limit)
            ).scalars()
        )
