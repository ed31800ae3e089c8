"""The job queue: huey on SQLite (one machine, no broker) or on Redis (many machines).

The queue only says "look at this document now (or at this time)"; what is due is decided by the
database (``service.lifecycle`` claims each document with a compare-and-set), so a message lost,
run twice or run late never loses nor duplicates work. Tasks:

* ``send(document_id)``, ``poll(document_id)``, ``recover(document_id)`` — a step of a document's
  way to SUNAT (``service.lifecycle``); each returns the next step, which is scheduled here;
* ``summarise(company_id, date)`` — the resumen diario of a company's boletas of a date, then its
  sending;
* ``deliver(delivery_id)`` — a webhook delivery, retried with backoff until delivered.

Producers (the API) make a ``JobQueue`` without handlers and only enqueue; workers bind a
``Handlers`` and run the tasks (``jobs.worker``). When the queue cannot take a message (Redis
down), the producer logs it and goes on: the reconciler finds the work in the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey

from yupana.service.lifecycle import Action, Lifecycle, Step
from yupana.service.summaries import Summaries
from yupana.service.webhooks import WebhookSender
from yupana.settings import Settings
from yupana.store.models import utc_now
from yupana.store.repositories import StateConflict

log = logging.getLogger(__name__)

QUEUE_NAME = "yupana"
QUEUE_FILE = "queue.db"


def make_huey(settings: Settings) -> Huey:
    """Redis storage when ``redis_url`` is set, else a SQLite file in the data folder."""
    if settings.redis_url:
        return RedisHuey(QUEUE_NAME, url=settings.redis_url, utc=True, results=False)
    path = Path(settings.data_dir) / QUEUE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(QUEUE_NAME, filename=str(path), utc=True, timeout=30, results=False)


@dataclass(slots=True)
class Handlers:
    """What the tasks run, in a worker process."""

    lifecycle: Lifecycle
    summaries: Summaries
    webhooks: WebhookSender


class JobQueue:
    def __init__(self, huey: Huey) -> None:
        self.huey = huey
        self.handlers: Handlers | None = None
        task = huey.task
        self._tasks: dict[Action, Any] = {
            Action.SEND: task(name="send")(self._send),
            Action.POLL: task(name="poll")(self._poll),
            Action.RECOVER: task(name="recover")(self._recover),
        }
        self._summarise = task(name="summarise")(self._run_summary)
        self._deliver = task(name="deliver")(self._run_delivery)

    @classmethod
    def from_settings(cls, settings: Settings) -> JobQueue:
        return cls(make_huey(settings))

    # -- producing ----------------------------------------------------------------------------
    def _enqueue(self, what: str, call: Callable[[], object]) -> bool:
        try:
            call()
        except Exception as exc:  # the broker is down: the reconciler will find the work
            log.warning("could not queue %s: %s", what, exc)
            return False
        return True

    def schedule(self, step: Step) -> bool:
        """Queue ``step`` for its time."""
        task = self._tasks[step.action]
        delay = (step.at - utc_now()).total_seconds()
        if delay > 0.05:
            return self._enqueue(
                f"{step.action} {step.document_id}", lambda: task.schedule((step.document_id,), delay=delay)
            )
        return self._enqueue(f"{step.action} {step.document_id}", lambda: task(step.document_id))

    def send(self, document_id: int) -> bool:
        return self.schedule(Step(Action.SEND, document_id, utc_now()))

    def summarise(self, company_id: int, reference_date: date) -> bool:
        return self._enqueue(
            f"summary {company_id} {reference_date}",
            lambda: self._summarise(company_id, reference_date.isoformat()),
        )

    def deliver(self, delivery_id: int, delay: float = 0.0) -> bool:
        if delay > 0.05:
            return self._enqueue(
                f"delivery {delivery_id}", lambda: self._deliver.schedule((delivery_id,), delay=delay)
            )
        return self._enqueue(f"delivery {delivery_id}", lambda: self._deliver(delivery_id))

    # -- consuming ----------------------------------------------------------------------------
    def _bound(self) -> Handlers:
        if self.handlers is None:
            raise RuntimeError("this queue has no handlers: only workers run tasks")
        return self.handlers

    def _follow(self, step: Step | None) -> None:
        if step is not None:
            self.schedule(step)

    def _step(self, action: Action, document_id: int) -> None:
        lifecycle = self._bound().lifecycle
        run = {Action.SEND: lifecycle.send, Action.POLL: lifecycle.poll, Action.RECOVER: lifecycle.recover}[
            action
        ]
        try:
            self._follow(run(document_id))
        except StateConflict as conflict:
            # Another worker or request moved the document first: its work is theirs now (and the
            # reconciler finds anything left undone).
            log.info("%s of document %s left: %s", action.value, document_id, conflict)

    def _send(self, document_id: int) -> None:
        self._step(Action.SEND, document_id)

    def _poll(self, document_id: int) -> None:
        self._step(Action.POLL, document_id)

    def _recover(self, document_id: int) -> None:
        self._step(Action.RECOVER, document_id)

    def _run_summary(self, company_id: int, reference: str) -> None:
        try:
            made = self._bound().summaries.create(company_id, date.fromisoformat(reference))
        except StateConflict as conflict:  # another worker took some of these boletas first
            log.info(
                "summary of company %s for %s left to another worker: %s", company_id, reference, conflict
            )
            return
        for batch in made:
            log.info("resumen diario %s with %d documents", batch.identifier, batch.lines)
            self.send(batch.document_id)

    def _run_delivery(self, delivery_id: int) -> None:
        at = self._bound().webhooks.deliver(delivery_id)
        if at is not None:
            self.deliver(delivery_id, max(0.0, (at - utc_now()) / timedelta(seconds=1)))
