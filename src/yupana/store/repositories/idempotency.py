"""The ``Idempotency-Key`` values of one company: claim, complete, release, purge."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from yupana.domain.problems import InvalidDocument
from yupana.store.database import insert_ignoring_duplicates
from yupana.store.models import IdempotencyKey, utc_now

MAX_IDEMPOTENCY_KEY_LENGTH = 255


class IdempotencyOutcome(StrEnum):
    NEW = "new"  # first time: go on and ``complete`` the key with the answer
    REPLAY = "replay"  # same request seen before: answer with the stored response
    MISMATCH = "mismatch"  # the key was used for a different request: refuse
    IN_PROGRESS = "in_progress"  # the first request has not finished yet: refuse, retry later


@dataclass(frozen=True, slots=True)
class IdempotencyClaim:
    outcome: IdempotencyOutcome
    record: IdempotencyKey = field(repr=False)


class IdempotencyRepository:
    """The ``Idempotency-Key`` values of one company."""

    def __init__(self, session: Session, company_id: int) -> None:
        self.session = session
        self.company_id = company_id

    def _get(self, key: str) -> IdempotencyKey | None:
        return self.session.execute(
            select(IdempotencyKey)
            .where(IdempotencyKey.company_id == self.company_id, IdempotencyKey.key == key)
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()

    def claim(self, key: str, request_fingerprint: str) -> IdempotencyClaim:
        """Register ``key`` for a request, or tell what became of the request that used it first.

        Safe under concurrency: exactly one of several transactions claiming the same key gets
        ``NEW`` (on PostgreSQL the others wait until that one ends).
        """
        if not key or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
            raise InvalidDocument.single(
                f"the idempotency key must have 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters",
                "Idempotency-Key",
            )
        values = {
            "company_id": self.company_id,
            "key": key,
            "request_fingerprint": request_fingerprint,
            "created_at": utc_now(),
        }
        inserted = self.session.execute(
            insert_ignoring_duplicates(self.session, IdempotencyKey, values).returning(IdempotencyKey.id)
        ).scalar_one_or_none()
        record = self._get(key)
        assert record is not None
        if inserted is not None:
            return IdempotencyClaim(IdempotencyOutcome.NEW, record)
        if record.request_fingerprint != request_fingerprint:
            return IdempotencyClaim(IdempotencyOutcome.MISMATCH, record)
        if record.response_status is None:
            return IdempotencyClaim(IdempotencyOutcome.IN_PROGRESS, record)
        return IdempotencyClaim(IdempotencyOutcome.REPLAY, record)

    def complete(self, key: str, status: int, body: str, content_type: str = "application/json") -> None:
        """Store the answer given to the request that claimed ``key``."""
        result = self.session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.company_id == self.company_id, IdempotencyKey.key == key)
            .values(
                response_status=status,
                response_body=body,
                response_content_type=content_type,
                completed_at=utc_now(),
            )
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            raise LookupError(f"idempotency key {key!r} was not claimed")

    def release(self, key: str) -> None:
        """Forget an unfinished key (its request failed before answering), so it can be retried."""
        self.session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.company_id == self.company_id,
                IdempotencyKey.key == key,
                IdempotencyKey.response_status.is_(None),
            )
        )

    def purge(self, older_than: datetime) -> int:
        """Delete the company's keys created before ``older_than``; returns how many."""
        result = self.session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.company_id == self.company_id,
                IdempotencyKey.created_at < older_than.astimezone(UTC),
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
