"""Following a stored document to SUNAT's final word: send, poll its ticket, recover its CDR.

The database row is the truth; this module moves it, one compare-and-set at a time, so that any
number of workers (threads or processes, on one machine or many) may be asked to do the same work
and only one of them does it:

* ``send(id)`` — a document in 01 whose next attempt is due is claimed (01 → 03, with a lease:
  ``next_attempt_at`` = now + ``lease``) and sent by the way its type is received: facturas, their
  notes, retentions, perceptions (and boletas of companies that send them one by one) with
  ``sendBill``; RC, RA and RR with ``sendSummary``; guías 09/31 through the GRE REST platform.
  A final answer (accepted, observed, rejected) is recorded with its CDR. A ticket keeps the
  document in 03 and schedules a poll. An exception (SUNAT's 0100–1999, timeouts, 5xx,
  connection errors) puts it back to 01 with the next attempt at an exponential backoff with
  jitter (``RetrySchedule``); what a retry cannot cure waits the longest backoff. When SUNAT says
  1033 (already registered), the CDR is recovered with ``getStatusCdr`` instead; a retry after a
  failure that may have reached SUNAT (timeout, dropped connection, 5xx) asks ``getStatusCdr``
  first, so a document is never sent to SUNAT twice for a final answer.
* ``poll(id)`` — a document in 03 with a ticket, due, is claimed the same way and its ticket asked
  about: 98 schedules the next poll (``PollSchedule``), 0/99 records the answer.
* ``recover(id)`` — a document in 03 without a ticket whose lease ran out (its worker died in the
  middle of a send): its CDR is asked for with ``getStatusCdr``; when SUNAT has none it goes back
  to 01 and is sent again.

A batch (RC, RA, RR) carries its documents: when it is sent its boletas are 03 already (summary)
or 13 (voids); its answer moves every one of them (``BatchOutcome``). Every change is an event of
the audit trail with SUNAT's code and text.

Each method returns the next ``Step`` (what to do with the document, and when), or ``None``; the
job queue turns steps into scheduled tasks. Nothing here knows about the queue.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from yupana.service.company_sunat import SunatAccess, Unreachable
from yupana.service.retry_schedule import PollSchedule, RetrySchedule
from yupana.store.blobs import BlobStore
from yupana.store.database import session_scope
from yupana.store.models import Company, Document, DocumentState, utc_now
from yupana.store.repositories import DocumentRepository, Schedule, StateConflict
from yupana.sunat.company_client import CompanyClient
from yupana.sunat.endpoints import GRE_TYPES, SUMMARY_TYPES
from yupana.sunat.results import CONNECTION, MALFORMED, TIMEOUT, Outcome, SunatResult

log = logging.getLogger(__name__)

ALREADY_REGISTERED = "1033"
BATCH_TYPES = SUMMARY_TYPES  # RC, RA, RR
TICKET_TYPES = SUMMARY_TYPES | GRE_TYPES
NOTE_TYPES = frozenset({"07", "08"})

_FINAL_STATE = {
    Outcome.ACCEPTED: DocumentState.ACEPTADO,
    Outcome.OBSERVED: DocumentState.OBSERVADO,
    Outcome.REJECTED: DocumentState.RECHAZADO,
}


class Action(StrEnum):
    SEND = "send"
    POLL = "poll"
    RECOVER = "recover"


@dataclass(frozen=True, slots=True)
class Step:
    """Work due on a document: ``action`` at ``at`` (UTC)."""

    action: Action
    document_id: int
    at: datetime


def goes_in_summary(tipo_documento: str, serie: str, boletas_individually: bool = False) -> bool:
    """Boletas and their notes go to SUNAT in a resumen diario, unless the company sends them
    one by one."""
    if boletas_individually:
        return False
    if tipo_documento == "03":
        return True
    return tipo_documento in NOTE_TYPES and serie.upper().startswith("B")


# Failures after which SUNAT may hold the document anyway (the request may have reached it).
_AMBIGUOUS_CODES = frozenset({TIMEOUT, CONNECTION, MALFORMED, "INTERRUPTED"})


def may_have_arrived(last_error: str | None) -> bool:
    """Whether the failure recorded as ``last_error`` ("CODE: text") may have reached SUNAT."""
    code = (last_error or "").split(":", 1)[0]
    return code in _AMBIGUOUS_CODES or code.startswith("HTTP-5")


def _error_text(result: SunatResult) -> str:
    return f"{result.code}: {result.description}"


class RateLimiter:
    """At most ``rate`` sends per second per company, in this process (a token bucket each)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def wait(self, company_id: int, rate: float | None) -> float:
        """Block until the company may send; the seconds waited."""
        if not rate or rate <= 0:
            return 0.0
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.get(company_id, (rate, now))
            tokens = min(rate, tokens + (now - last) * rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / rate
            self._buckets[company_id] = (tokens - 1, now + wait)
        if wait:
            time.sleep(wait)
        return wait


@dataclass(frozen=True, slots=True)
class LifecycleOptions:
    retry: RetrySchedule = RetrySchedule()
    poll: PollSchedule = PollSchedule()
    lease: float = 120.0  # seconds a worker holds a document it is sending
    rate_per_second: float | None = None  # per company, unless the company sets its own


class Lifecycle:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        blobs: BlobStore,
        access: SunatAccess,
        options: LifecycleOptions | None = None,
    ) -> None:
        self.sessions = sessions
        self.blobs = blobs
        self.access = access
        self.options = options or LifecycleOptions()
        self.limiter = RateLimiter()

    # -- reading ------------------------------------------------------------------------------
    def _load(
        self, session: Session, document_id: int, state: DocumentState | None = None
    ) -> tuple[Document, Company] | None:
        """The document and its company; None when either is gone or the document is not in
        ``state`` (when given)."""
        document = session.get(Document, document_id)
        if document is None or (state is not None and document.state != state.value):
            return None
        company = session.get(Company, document.company_id)
        if company is None:
            return None
        return document, company

    def _change(
        self,
        document_id: int,
        to_state: DocumentState,
        expected: DocumentState,
        changes: Callable[[Document], dict[str, Any]],
    ) -> bool:
        """Move the document from ``expected`` to ``to_state`` in its own transaction, with the
        event details ``changes(document)`` gives; False when it is gone or moved meanwhile."""
        with session_scope(self.sessions) as session:
            loaded = self._load(session, document_id)
            if loaded is None:
                return False
            document, company = loaded
            try:
                DocumentRepository(session, company.id).change_state(
                    document, to_state, expected_state=expected, **changes(document)
                )
            except StateConflict:
                return False
        return True

    # -- send ---------------------------------------------------------------------------------
    def send(self, document_id: int, *, force: bool = False) -> Step | None:
        """Send the document if it is in 01 and due (``force``: due now whatever its schedule)."""
        now = utc_now()
        with session_scope(self.sessions) as session:
            loaded = self._load(session, document_id, DocumentState.REGISTRADO)
            if loaded is None:
                return None
            document, company = loaded
            if goes_in_summary(document.tipo_documento, document.serie, company.boletas_individually):
                return None
            if not force and (document.next_attempt_at is None or document.next_attempt_at > now):
                return None
            attempt = document.attempts + 1
            documents = DocumentRepository(session, company.id)
            try:
                documents.change_state(
                    document,
                    DocumentState.ENVIADO,
                    expected_state=DocumentState.REGISTRADO,
                    message=f"enviando a SUNAT (intento {attempt})",
                    schedule=Schedule(
                        attempts=attempt, next_attempt_at=now + timedelta(seconds=self.options.lease)
                    ),
                )
            except StateConflict:
                return None
            company_id, rate = company.id, company.sunat_max_per_second or self.options.rate_per_second
            ruc = company.ruc
            retry_first = attempt > 1 and may_have_arrived(document.last_error)
            stem = document.file_stem(ruc)
            tipo = document.tipo_documento
            xml_key = document.xml_blob_key
        client = self.access.client(company_id)
        if isinstance(client, Unreachable):
            return self._failed(
                document_id, SunatResult.failure("UNREACHABLE", client.reason, retryable=False)
            )
        if xml_key is None:
            return self._failed(document_id, SunatResult.failure("NO-XML", "no signed XML", retryable=False))
        if retry_first and tipo not in TICKET_TYPES:
            recovered = self._recover_cdr(client, stem)
            if recovered is not None and recovered.is_final:
                return self._record(document_id, recovered, xml_key, note="CDR recuperado con getStatusCdr")
        self.limiter.wait(company_id, rate)
        result = client.send_xml(stem, self.blobs.get(xml_key))
        log.info("sent %s: %s %s", stem, result.outcome.value, result.code)
        if (
            result.outcome is Outcome.EXCEPTION
            and result.code == ALREADY_REGISTERED
            and tipo not in TICKET_TYPES
        ):
            recovered = self._recover_cdr(client, stem)
            if recovered is not None and recovered.is_final:
                return self._record(
                    document_id, recovered, xml_key, note="ya registrado (1033); CDR recuperado"
                )
        return self._answered(document_id, result, xml_key)

    def _recover_cdr(self, client: CompanyClient, stem: str) -> SunatResult | None:
        if client.consult is None:
            return None
        result = client.recover(stem)
        log.info("getStatusCdr %s: %s %s", stem, result.outcome.value, result.code)
        return result

    def _answered(self, document_id: int, result: SunatResult, xml_key: str) -> Step | None:
        if result.is_final:
            return self._record(document_id, result, xml_key)
        if result.outcome is Outcome.PENDING and result.ticket:
            return self._ticket(document_id, result)
        return self._failed(document_id, result)

    def _ticket(self, document_id: int, result: SunatResult) -> Step | None:
        at = utc_now() + timedelta(seconds=self.options.poll.delay(0))
        moved = self._change(
            document_id,
            DocumentState.ENVIADO,
            DocumentState.ENVIADO,
            lambda document: {
                "ticket": result.ticket,
                "message": f"ticket {result.ticket}",
                "schedule": Schedule(attempts=0, next_attempt_at=at, last_error=None),
            },
        )
        return Step(Action.POLL, document_id, at) if moved else None

    def _failed(self, document_id: int, result: SunatResult) -> Step | None:
        """Back to 01 with the next attempt scheduled (or none after the last one)."""
        now = utc_now()
        due: list[datetime | None] = []

        def changes(document: Document) -> dict[str, Any]:
            at = self.options.retry.next_at(now, document.attempts, retryable=result.retryable)
            due.append(at)
            when = (
                f"nuevo intento {at.isoformat(timespec='seconds')}" if at else "sin más intentos automáticos"
            )
            return {
                "sunat_code": result.code,
                "message": f"{result.description} ({when})",
                "schedule": Schedule(next_attempt_at=at, last_error=_error_text(result)),
            }

        if not self._change(document_id, DocumentState.REGISTRADO, DocumentState.ENVIADO, changes):
            return None
        return Step(Action.SEND, document_id, due[0]) if due and due[0] else None

    def _claim_in_flight(self, document_id: int, *, with_ticket: bool) -> tuple[Document, Company] | None:
        """Take a document in 03 (with a ticket to poll, or without one: a send to recover) whose
        next attempt is due, holding it for ``lease`` seconds; None when not due or taken."""
        now = utc_now()
        with session_scope(self.sessions) as session:
            loaded = self._load(session, document_id, DocumentState.ENVIADO)
            if loaded is None:
                return None
            document, company = loaded
            if bool(document.ticket) != with_ticket:
                return None
            lease = now + timedelta(seconds=self.options.lease)
            if not DocumentRepository(session, company.id).claim_due(document, document.state, now, lease):
                return None
            session.expunge(document)
            session.expunge(company)
        return document, company

    # -- poll ---------------------------------------------------------------------------------
    def poll(self, document_id: int) -> Step | None:
        """Ask about the ticket of a document in 03 whose poll is due."""
        claimed = self._claim_in_flight(document_id, with_ticket=True)
        if claimed is None:
            return None
        document, company = claimed
        company_id, ticket, tipo, polls = (
            company.id,
            document.ticket or "",
            document.tipo_documento,
            document.attempts,
        )
        xml_key = _xml_key(document)
        client = self.access.client(company_id)
        if isinstance(client, Unreachable):
            return self._poll_later(document_id, polls, client.reason)
        try:
            result = client.poll(ticket, tipo)
        except ValueError as exc:  # no GRE credentials or endpoints
            return self._poll_later(document_id, polls, str(exc))
        log.info("ticket %s (%s): %s %s", ticket, tipo, result.outcome.value, result.code)
        if result.is_final:
            return self._record(document_id, result, xml_key)
        if result.outcome is Outcome.PENDING:
            return self._poll_later(document_id, polls, None)
        if result.retryable or result.code in (TIMEOUT, CONNECTION):
            return self._poll_later(document_id, polls, _error_text(result))
        # SUNAT does not know the ticket (or refuses to say): the file is sent again.
        return self._failed_from_ticket(document_id, result)

    def _poll_later(self, document_id: int, polls: int, error: str | None) -> Step | None:
        at = utc_now() + timedelta(seconds=self.options.poll.delay(polls + 1))
        with session_scope(self.sessions) as session:
            loaded = self._load(session, document_id)
            if loaded is None:
                return None
            document, company = loaded
            DocumentRepository(session, company.id).reschedule(
                document,
                Schedule(attempts=polls + 1, next_attempt_at=at, last_error=error),
                expected_state=DocumentState.ENVIADO.value,
            )
        return Step(Action.POLL, document_id, at)

    def _failed_from_ticket(self, document_id: int, result: SunatResult) -> Step | None:
        now = utc_now()
        moved = self._change(
            document_id,
            DocumentState.REGISTRADO,
            DocumentState.ENVIADO,
            lambda document: {
                "sunat_code": result.code,
                "message": f"ticket {document.ticket}: {result.description}; se enviará de nuevo",
                "schedule": Schedule(attempts=1, next_attempt_at=now, last_error=_error_text(result)),
            },
        )
        return Step(Action.SEND, document_id, now) if moved else None

    # -- recover ------------------------------------------------------------------------------
    def recover(self, document_id: int) -> Step | None:
        """A send whose worker vanished (03, no ticket, lease over): its CDR, or send it again."""
        now = utc_now()
        claimed = self._claim_in_flight(document_id, with_ticket=False)
        if claimed is None:
            return None
        document, company = claimed
        company_id, stem, tipo = company.id, document.file_stem(company.ruc), document.tipo_documento
        xml_key = _xml_key(document)
        if tipo not in TICKET_TYPES:
            client = self.access.client(company_id)
            if not isinstance(client, Unreachable):
                recovered = self._recover_cdr(client, stem)
                if recovered is not None and recovered.is_final:
                    return self._record(
                        document_id, recovered, xml_key, note="CDR recuperado con getStatusCdr"
                    )
        interrupted = SunatResult.failure("INTERRUPTED", "el envío anterior no terminó", retryable=True)
        moved = self._change(
            document_id,
            DocumentState.REGISTRADO,
            DocumentState.ENVIADO,
            lambda document: {
                "message": "el envío anterior no terminó; se enviará de nuevo",
                "schedule": Schedule(next_attempt_at=now, last_error=_error_text(interrupted)),
            },
        )
        return Step(Action.SEND, document_id, now) if moved else None

    # -- the final answer ---------------------------------------------------------------------
    def _record(
        self, document_id: int, result: SunatResult, xml_key: str, *, note: str | None = None
    ) -> Step | None:
        """Store SUNAT's final answer: the CDR beside the signed XML (``xml_key``), the state."""
        state = _FINAL_STATE[result.outcome]
        cdr_key = None
        if result.cdr_zip:
            cdr_key = self.blobs.put(f"{xml_key.rsplit('.', 1)[0]}-cdr.zip", result.cdr_zip)
        message = result.description if note is None else f"{result.description} ({note})"
        with session_scope(self.sessions) as session:
            loaded = self._load(session, document_id, DocumentState.ENVIADO)
            if loaded is None:
                return None  # gone, or another worker recorded it first
            document, company = loaded
            documents = DocumentRepository(session, company.id)
            if cdr_key is not None:
                documents.set_files(document, cdr_blob_key=cdr_key)
            if result.qr_url:
                document.qr_url = result.qr_url
            documents.change_state(
                document,
                state,
                expected_state=DocumentState.ENVIADO,
                sunat_code=result.code,
                sunat_description=result.description,
                sunat_notes=[f"{n.code}: {n.text}" if n.code else n.text for n in result.notes],
                message=message,
                schedule=Schedule(next_attempt_at=None, last_error=None),
            )
            if document.tipo_documento in BATCH_TYPES:
                BatchOutcome(session, company.id, self.options.retry).apply(document, state, result)
        return None


def _xml_key(document: Document) -> str:
    """The signed XML's blob key (the CDR is stored beside it)."""
    return document.xml_blob_key or f"{document.company_id}/{document.external_id}.xml"


class BatchOutcome:
    """What SUNAT's answer to an RC, RA or RR does to the documents it carries."""

    def __init__(self, session: Session, company_id: int, retry: RetrySchedule) -> None:
        self.session = session
        self.documents = DocumentRepository(session, company_id)
        self.retry = retry

    def apply(self, batch: Document, state: DocumentState, result: SunatResult) -> None:
        accepted = state in (DocumentState.ACEPTADO, DocumentState.OBSERVADO)
        lines = self.documents.lines(batch)
        name = f"{batch.tipo_documento}-{batch.serie}-{batch.correlativo}"
        now = utc_now()
        for line, document in lines:
            voiding = line.estado == "3"
            current = DocumentState.POR_ANULAR if voiding else DocumentState.ENVIADO
            if document.state != current.value:
                continue
            if accepted:
                target = DocumentState.ANULADO if voiding else DocumentState.ACEPTADO
                schedule = Schedule(next_attempt_at=None, last_error=None)
                message = f"{name}: {result.description}"
                code = result.code
            else:
                target = DocumentState(line.previous_state)
                attempt = document.attempts + 1
                # A boleta whose summary was rejected waits before it goes in another one.
                at = None if voiding else self.retry.next_at(now, attempt, retryable=False)
                schedule = Schedule(attempts=attempt, next_attempt_at=at, last_error=_error_text(result))
                message = f"{name} rechazado: {result.description}"
                code = result.code
            self.documents.change_state(
                document,
                target,
                expected_state=current,
                sunat_code=code,
                sunat_description=result.description if accepted and not voiding else None,
                message=message,
                schedule=schedule,
            )
