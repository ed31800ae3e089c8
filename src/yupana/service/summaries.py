"""Resúmenes diarios (RC): boletas and their notes reported to SUNAT, per company and issue date.

``Summaries.create(company_id, reference_date)`` takes the company's boletas and B-notes of that
issue date that wait for a summary (state 01, due), at most ``max_lines`` of them, and in one
transaction: numbers the summary ``RC-<today>-<n>``, builds and signs it from the lines stored with
each document (``service.summary_lines``), stores it as a document of type RC (state 01, due now),
links its lines and moves each boleta to 03 Enviado. The RC is then sent like any document
(``service.lifecycle``); its answer moves its boletas to 05, or back to 01 if SUNAT rejects it.

``void_lines`` makes the RC that voids boletas (estado 3, "anulado"); ``service.voiding`` uses it.

``due(now, delay)`` lists (company, date) pairs whose oldest waiting boleta is older than
``delay`` seconds, or that have a whole summary's worth waiting: the automatic summaries.
SUNAT's deadline for a summary is seven days after the issue date (``service.deadlines``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from yupana.domain.problems import InvalidDocument
from yupana.domain.summary import DailySummary
from yupana.service.company_builders import CompanyBuilders
from yupana.service.summary_lines import summary_line_from_json
from yupana.store.blobs import BlobStore, document_xml_key
from yupana.store.database import session_scope
from yupana.store.models import BatchLine, Company, Document, DocumentState, utc_now
from yupana.store.repositories import (
    CompanyRepository,
    DocumentRepository,
    NewDocument,
    Schedule,
    SeriesRepository,
)
from yupana.store.secrets import SecretBox
from yupana.validation.summary import lima_today

log = logging.getLogger(__name__)

SUMMARY_TYPE = "RC"
MEMBER_TYPES = ("03", "07", "08")
MAX_LINES = 500  # SUNAT's limit of lines in one resumen diario
_LINE = re.compile(r"^lines\[(\d+)\]")


def _waiting(now: datetime | None) -> list[object]:
    """Boletas and B-notes that wait for a summary: due by ``now`` (automatic summaries), or, with
    ``now`` None (a summary asked for), any not set aside by an operator-needing problem."""
    condition = (
        Document.next_attempt_at <= now
        if now is not None
        else or_(Document.next_attempt_at.is_not(None), Document.attempts == 0)
    )
    return [
        Document.state == DocumentState.REGISTRADO.value,
        Document.tipo_documento.in_(MEMBER_TYPES),
        Document.summary_line.is_not(None),
        condition,
    ]


@dataclass(frozen=True, slots=True)
class CreatedBatch:
    """A stored RC, RA or RR and the documents it carries."""

    document_id: int
    external_id: str
    identifier: str  # RC-20261207-1
    lines: int


class BatchWriter:
    """Numbers, builds, signs and stores an RC, RA or RR and links its documents, in the caller's
    transaction (shared by summaries and voids)."""

    def __init__(self, session: Session, company: Company, builders: CompanyBuilders, blobs: BlobStore,
                 secrets: SecretBox) -> None:  # fmt: skip
        self.session = session
        self.company = company
        self.companies = CompanyRepository(session, secrets)
        self.builders = builders
        self.blobs = blobs
        self.documents = DocumentRepository(session, company.id)
        self.written: list[str] = []

    def issuer(self) -> object:
        return self.companies.issuer(self.company)

    def number(self, tipo: str, generated: date) -> tuple[str, int]:
        serie = generated.strftime("%Y%m%d")
        SeriesRepository(self.session, self.company.id).ensure(tipo, serie)
        return serie, self.documents.next_number(tipo, serie)

    def store(
        self,
        doc: object,
        tipo: str,
        serie: str,
        correlativo: int,
        reference_date: date,
        lines: Sequence[tuple[Document, str, str | None, DocumentState]],
        *,
        message: str,
    ) -> CreatedBatch:
        """Build and store ``doc``; each line is (document, estado, motivo, the state it moves to)."""
        built = self.builders.get(self.companies, self.company).build(doc)
        key = document_xml_key(self.company.ruc, tipo, serie, correlativo)
        self.written.append(self.blobs.put(key, built.xml))
        stored = self.documents.insert(
            NewDocument(
                tipo_documento=tipo,
                serie=serie,
                correlativo=correlativo,
                issue_date=built.document.fecha_generacion,
                reference_date=reference_date,
                hash=built.hash,
                xml_blob_key=key,
                next_attempt_at=utc_now(),
            )
        ).document
        identifier = f"{tipo}-{serie}-{correlativo}"
        for number, (document, estado, motivo, target) in enumerate(lines, start=1):
            self.session.add(
                BatchLine(
                    batch_id=stored.id,
                    document_id=document.id,
                    line_number=number,
                    estado=estado,
                    motivo=motivo,
                    previous_state=document.state,
                )
            )
            # A document carried by a batch has no work of its own until the batch is answered.
            self.documents.change_state(
                document,
                target,
                expected_state=document.state,
                message=f"{message} {identifier}",
                schedule=Schedule(next_attempt_at=None),
            )
        self.session.flush()
        return CreatedBatch(stored.id, str(stored.external_id), identifier, len(lines))

    def discard(self) -> None:
        for key in self.written:
            self.blobs.delete(key)


class Summaries:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        blobs: BlobStore,
        secrets: SecretBox,
        builders: CompanyBuilders,
        *,
        max_lines: int = MAX_LINES,
    ) -> None:
        self.sessions = sessions
        self.blobs = blobs
        self.secrets = secrets
        self.builders = builders
        self.max_lines = min(max_lines, MAX_LINES)

    def due(self, now: datetime, delay: float) -> list[tuple[int, date]]:
        """(company, issue date) pairs whose boletas should be summarised now."""
        oldest = now - timedelta(seconds=delay)
        with session_scope(self.sessions, write=False) as session:
            rows = session.execute(
                select(Document.company_id, Document.issue_date, func.min(Document.created_at), func.count())
                .where(*_waiting(now))
                .group_by(Document.company_id, Document.issue_date)
            ).all()
        return [
            (company_id, issue_date)
            for company_id, issue_date, first, count in rows
            if first <= oldest or count >= self.max_lines
        ]

    def create(self, company_id: int, reference_date: date, *, asked: bool = False) -> list[CreatedBatch]:
        """Every summary needed for the waiting boletas of ``reference_date`` (one per
        ``max_lines``); empty when none waits. ``asked``: a summary asked for now takes every
        boleta of the date that is not set aside (also those stored without sending, or waiting
        after a rejected summary); the automatic one takes those that are due."""
        created: list[CreatedBatch] = []
        while True:
            try:
                batch = self._create_one(company_id, reference_date, asked)
            except InvalidDocument as refused:
                # Lines a summary cannot carry: their boletas wait for an operator, the rest go on.
                if not self._set_aside(company_id, reference_date, asked, refused):
                    raise
                continue
            if batch is None:
                return created
            created.append(batch)
            if batch.lines < self.max_lines:
                return created

    def _set_aside(self, company_id: int, reference_date: date, asked: bool, refused: InvalidDocument) -> int:
        """Take the boletas named by ``refused``'s paths (``lines[i]``) out of the summaries,
        each with its problem as last error, until an operator sends them again; how many."""
        now = None if asked else utc_now()
        named: dict[int, list[str]] = {}
        for problem in refused.errors:
            found = _LINE.match(problem.path or "")
            if found:
                text = f"{problem.code}: {problem.message}" if problem.code else problem.message
                named.setdefault(int(found.group(1)), []).append(text)
        if not named:
            return 0
        with session_scope(self.sessions) as session:
            members = self._members(session, company_id, reference_date, now, lock=False)
            documents = DocumentRepository(session, company_id)
            count = 0
            for index, problems in named.items():
                if index < len(members):
                    log.warning(
                        "boleta %s left out of the resumen diario: %s", members[index].number, problems
                    )
                    documents.reschedule(
                        members[index],
                        Schedule(
                            attempts=members[index].attempts + 1,
                            next_attempt_at=None,
                            last_error="; ".join(problems),
                        ),
                        expected_state=DocumentState.REGISTRADO.value,
                    )
                    count += 1
        return count

    def _members(
        self, session: Session, company_id: int, reference_date: date, now: datetime | None, *, lock: bool
    ) -> list[Document]:
        """The next summary's boletas, in the order they were issued. ``lock``: on PostgreSQL,
        boletas another worker is summarising are left to it (SQLite serialises writers)."""
        query = (
            select(Document)
            .where(Document.company_id == company_id, Document.issue_date == reference_date)
            .where(*_waiting(now))
            .order_by(Document.id)
            .limit(self.max_lines)
        )
        if lock:
            query = query.with_for_update(skip_locked=True)
        return list(session.execute(query).scalars())

    def _create_one(self, company_id: int, reference_date: date, asked: bool) -> CreatedBatch | None:
        now = None if asked else utc_now()
        with session_scope(self.sessions) as session:
            company = session.get(Company, company_id)
            if company is None:
                return None
            members = self._members(session, company_id, reference_date, now, lock=True)
            if not members:
                return None
            writer = BatchWriter(session, company, self.builders, self.blobs, self.secrets)
            try:
                generated = lima_today()
                serie, correlativo = writer.number(SUMMARY_TYPE, generated)
                summary = DailySummary(
                    correlativo=correlativo,
                    fecha_generacion=generated,
                    fecha_referencia=reference_date,
                    issuer=writer.issuer(),  # type: ignore[arg-type]
                    lines=[summary_line_from_json(doc.summary_line or {}, "1") for doc in members],
                )
                return writer.store(
                    summary,
                    SUMMARY_TYPE,
                    serie,
                    correlativo,
                    reference_date,
                    [(doc, "1", None, DocumentState.ENVIADO) for doc in members],
                    message="informado en el resumen diario",
                )
            except BaseException:
                writer.discard()
                raise
