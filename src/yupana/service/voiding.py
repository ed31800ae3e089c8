"""Voiding accepted documents: comunicación de baja (RA), resumen diario with estado 3, reversión (RR).

``Voiding.void(company_id, items)`` takes ``(external_id, motivo)`` pairs and, in one transaction,
checks each document and groups them by the communication SUNAT voids them with and by issue date
(one communication reports documents of one date):

* facturas and their notes (serie F…) → RA;
* boletas and their notes (serie B…) → RC with estado 3 ("anulado");
* retentions (20) and perceptions (40) → RR.

A document may be voided when SUNAT accepted it (05 or 07), it is not being voided already (13)
nor voided (11), and its issue date is within SUNAT's deadline (seven calendar days: codes 2957
for an RA, 2958 for an RR; contingency series, numeric, have none). Every document moves to 13
Por anular; the communication is stored (state 01, due now) and sent like any document; SUNAT's
acceptance moves its documents to 11 Anulado, a rejection back to the state they had.
Nothing is stored when any item is wrong: the error names each item by its index.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from yupana.domain.party import Company as Issuer
from yupana.domain.problems import InvalidDocument, Problem
from yupana.domain.summary import DailySummary
from yupana.domain.voided import voided_from_documents
from yupana.service.company_builders import CompanyBuilders
from yupana.service.lifecycle import goes_in_summary
from yupana.service.summaries import BatchWriter, CreatedBatch
from yupana.service.summary_lines import summary_line_from_json
from yupana.store.blobs import BlobStore
from yupana.store.database import session_scope
from yupana.store.models import Company, Document, DocumentState
from yupana.store.repositories import DocumentRepository
from yupana.store.secrets import SecretBox
from yupana.validation.summary import lima_today

MAX_DAYS = 7
VOIDABLE_STATES = frozenset({DocumentState.ACEPTADO.value, DocumentState.OBSERVADO.value})
RETENTION_TYPES = frozenset({"20", "40"})
MAX_MOTIVO = 100


@dataclass(frozen=True, slots=True)
class VoidItem:
    external_id: str
    motivo: str


@dataclass(frozen=True, slots=True)
class _Issued:
    """A stored document as voided_from_documents reads it."""

    tipo_documento: str
    serie: str
    correlativo: int
    fecha_emision: date
    issuer: Issuer


def communication_of(document: Document) -> str | None:
    """RA, RC or RR: the communication that voids ``document`` (None: it cannot be voided)."""
    if document.tipo_documento in RETENTION_TYPES:
        return "RR"
    if document.tipo_documento in ("03", "07", "08") and goes_in_summary(
        document.tipo_documento, document.serie
    ):
        return "RC"
    if document.tipo_documento in ("01", "07", "08"):
        return "RA"
    return None


def _is_contingency(serie: str) -> bool:
    return serie.isdigit()


class Voiding:
    def __init__(
        self, sessions: sessionmaker[Session], blobs: BlobStore, secrets: SecretBox, builders: CompanyBuilders
    ) -> None:
        self.sessions = sessions
        self.blobs = blobs
        self.secrets = secrets
        self.builders = builders

    def void(
        self, company_id: int, items: Sequence[VoidItem], *, path: str = "documentos"
    ) -> list[CreatedBatch]:
        if not items:
            raise InvalidDocument.single("no documents to void", path)
        today = lima_today()
        with session_scope(self.sessions) as session:
            company = session.get(Company, company_id)
            if company is None:
                raise InvalidDocument.single("unknown company", "")
            documents = DocumentRepository(session, company_id)
            problems: list[Problem] = []
            groups: dict[tuple[str, date], list[tuple[Document, str]]] = defaultdict(list)
            seen: set[int] = set()
            for index, item in enumerate(items):
                here = f"{path}[{index}]"
                document = documents.get_by_external_id(item.external_id)
                if document is None:
                    problems.append(Problem(f"no document {item.external_id}", f"{here}.external_id"))
                    continue
                motivo = (item.motivo or "").strip()
                problem = self._check(document, motivo, today, here)
                if problem is None and document.id in seen:
                    problem = Problem(f"{document.number} is listed twice", f"{here}.external_id")
                if problem is not None:
                    problems.append(problem)
                    continue
                seen.add(document.id)
                family = communication_of(document)
                assert family is not None
                groups[(family, document.issue_date)].append((document, motivo))
            if problems:
                raise InvalidDocument(problems)
            writer = BatchWriter(session, company, self.builders, self.blobs, self.secrets)
            try:
                return [
                    self._store(writer, family, reference, members, today)
                    for (family, reference), members in sorted(groups.items())
                ]
            except BaseException:
                writer.discard()
                raise

    @staticmethod
    def _check(document: Document, motivo: str, today: date, here: str) -> Problem | None:
        number = f"{document.tipo_documento} {document.number}"
        family = communication_of(document)
        if family is None:
            return Problem(
                f"{number} cannot be voided by a comunicación de baja, a resumen diario or a reversión",
                f"{here}.external_id",
                "2308",
            )
        if document.state == DocumentState.ANULADO.value:
            return Problem(f"{number} is already voided (11 Anulado)", f"{here}.external_id")
        if document.state == DocumentState.POR_ANULAR.value:
            return Problem(f"{number} is being voided already (13 Por anular)", f"{here}.external_id")
        if document.state not in VOIDABLE_STATES:
            state = DocumentState(document.state)
            return Problem(
                f"{number} is {state.value} {state.description}: only documents SUNAT accepted "
                "(05, 07) are voided",
                f"{here}.external_id",
            )
        if not motivo:
            return Problem("the reason (motivo) is required", f"{here}.motivo", "2315")
        if len(motivo) > MAX_MOTIVO:
            return Problem(f"the reason has more than {MAX_MOTIVO} characters", f"{here}.motivo", "2315")
        days = (today - document.issue_date).days
        if days > MAX_DAYS and not _is_contingency(document.serie):
            code = "2958" if family == "RR" else "2957"
            return Problem(
                f"{number} was issued on {document.issue_date.isoformat()}, {days} days ago: SUNAT takes "
                f"its voiding within {MAX_DAYS} days",
                f"{here}.external_id",
                code,
            )
        return None

    def _store(
        self,
        writer: BatchWriter,
        family: str,
        reference: date,
        members: list[tuple[Document, str]],
        today: date,
    ) -> CreatedBatch:
        issuer: Issuer = writer.issuer()  # type: ignore[assignment]
        serie, correlativo = writer.number(family, today)
        lines = [(doc, "3", motivo, DocumentState.POR_ANULAR) for doc, motivo in members]
        if family == "RC":
            doc: object = DailySummary(
                correlativo=correlativo,
                fecha_generacion=today,
                fecha_referencia=reference,
                issuer=issuer,
                lines=[summary_line_from_json(member.summary_line or {}, "3") for member, _ in members],
            )
        else:
            doc = voided_from_documents(
                [
                    (_Issued(m.tipo_documento, m.serie, m.correlativo, m.issue_date, issuer), motivo)
                    for m, motivo in members
                ],
                correlativo=correlativo,
                fecha_generacion=today,
                tipo_documento=family,
            )
        return writer.store(
            doc, family, serie, correlativo, reference, lines, message="en proceso de baja en"
        )
