"""The reconciler: what the database says is due, queued again.

Every ``interval`` seconds it looks for

* documents in 01 whose next send is overdue by more than ``grace`` seconds (their message was
  lost, or the worker that held it died before taking it);
* documents in 03 with a ticket whose poll is overdue;
* documents in 03 without a ticket whose send lease ran out (their worker died mid-send):
  ``recover`` asks SUNAT for their CDR before sending them again;
* boletas waiting for their resumen diario longer than ``summary_delay`` (``Summaries.due``);
* webhook deliveries due (at once: a delivery is written with its event and waits for this).

Queuing the same work twice is harmless (each step claims its document in the database first),
so every worker process may run a reconciler.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from yupana.jobs.queue import JobQueue
from yupana.service.lifecycle import Action, Step
from yupana.service.summaries import Summaries
from yupana.service.webhooks import WebhookSender
from yupana.store.database import session_scope
from yupana.store.models import Company, Document, DocumentState, utc_now

log = logging.getLogger(__name__)

BATCH = 2000


class Reconciler:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        queue: JobQueue,
        summaries: Summaries,
        webhooks: WebhookSender,
        *,
        interval: float = 5.0,
        grace: float = 30.0,
        summary_delay: float = 600.0,
    ) -> None:
        self.sessions = sessions
        self.queue = queue
        self.summaries = summaries
        self.webhooks = webhooks
        self.interval = interval
        self.grace = grace
        self.summary_delay = summary_delay
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def due_steps(self, now: datetime) -> list[Step]:
        """The documents whose work is overdue by more than the grace period."""
        late = now - timedelta(seconds=self.grace)
        with session_scope(self.sessions, write=False) as session:
            rows = session.execute(
                select(Document.id, Document.state, Document.ticket)
                .join(Company, Company.id == Document.company_id)
                .where(
                    Document.state.in_([DocumentState.REGISTRADO.value, DocumentState.ENVIADO.value]),
                    Document.next_attempt_at <= late,
                    # boletas waiting for their resumen diario are the summaries' (below)
                    or_(
                        Document.state != DocumentState.REGISTRADO.value,
                        Document.summary_line.is_(None),
                        Company.boletas_individually.is_(True),
                    ),
                )
                .order_by(Document.next_attempt_at)
                .limit(BATCH)
            ).all()
        steps = []
        for document_id, state, ticket in rows:
            if state == DocumentState.REGISTRADO.value:
                action = Action.SEND
            else:
                action = Action.POLL if ticket else Action.RECOVER
            steps.append(Step(action, document_id, now))
        return steps

    def run_once(self) -> int:
        """One look; how many things were queued."""
        now = utc_now()
        count = 0
        for step in self.due_steps(now):
            count += self.queue.schedule(step)
        for company_id, reference in self.summaries.due(now, self.summary_delay):
            count += self.queue.summarise(company_id, reference)
        for delivery_id in self.webhooks.due(now):  # held while in flight, so due means due
            count += self.queue.deliver(delivery_id)
        if count:
            log.info("reconciler queued %d jobs", count)
        return count

    def _loop(self) -> None:
        delay = 0.0  # a first look at once: work left by a worker that stopped
        while not self._stop.wait(delay):
            delay = self.interval
            try:
                self.run_once()
            except Exception:  # the database may be briefly unavailable; look again later
                log.exception("reconciler pass failed")

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="reconciler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
