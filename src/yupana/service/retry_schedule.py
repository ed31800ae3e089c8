"""When to try again: exponential backoff with full jitter, and the cap for what will not cure itself.

``RetrySchedule.delay(attempt)`` is the wait before attempt ``attempt + 1`` after ``attempt``
failed tries: a random value between half and all of ``base × factor^(attempt-1)``, capped at
``maximum``. Jitter spreads the retries of many documents that failed together (SUNAT down for a
minute) so that they do not all come back in the same second. A failure that a retry does not
cure (credentials refused, a document SUNAT will never take) waits ``maximum`` straight away: an
operator can fix the cause and the document goes on by itself, without hammering SUNAT meanwhile.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    base: float = 2.0  # seconds before the second try
    factor: float = 2.0
    maximum: float = 900.0  # never wait longer than this between two tries
    max_attempts: int = 50  # then the document waits for an operator (``send`` again)

    def delay(self, attempt: int, *, retryable: bool = True, rng: random.Random | None = None) -> float:
        """Seconds to wait after ``attempt`` (≥ 1) failed tries."""
        if not retryable:
            return self.maximum
        ceiling = min(self.maximum, self.base * self.factor ** max(0, attempt - 1))
        draw = (rng or random).random()
        return ceiling / 2 + draw * ceiling / 2

    def next_at(self, now: datetime, attempt: int, *, retryable: bool = True) -> datetime | None:
        """When the next try is due, or ``None`` once ``max_attempts`` have failed."""
        if attempt >= self.max_attempts:
            return None
        return now + timedelta(seconds=self.delay(attempt, retryable=retryable))


@dataclass(frozen=True, slots=True)
class PollSchedule:
    """How often to ask about a ticket: soon at first (SUNAT often answers in seconds), then less."""

    first: float = 1.0
    factor: float = 1.5
    maximum: float = 300.0

    def delay(self, polls: int) -> float:
        return min(self.maximum, self.first * self.factor ** max(0, polls))
