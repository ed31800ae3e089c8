"""Documents close to a SUNAT deadline, or waiting for someone.

SUNAT's deadlines, in calendar days after the issue date (Lima dates):

* sending a factura or a note of a factura: 3 (later SUNAT answers 2108; Resolución de
  Superintendencia 000003-2023/SUNAT);
* reporting a boleta or a note of a boleta in a resumen diario: 7 (sent one by one: 3 for
  boletas, 5 for their notes; later 1079);
* voiding (comunicación de baja, resumen with estado 3, reversión): 7 (2957, 2958).

Contingency series (numeric) have no deadline. ``Deadlines.report(company_id, within_days)``
lists every document of the company that is not yet where SUNAT must have it and whose deadline
falls within ``within_days`` days (overdue ones included), plus those that ran out of automatic
attempts and wait for an operator (``needs_attention``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from yupana.service.lifecycle import BATCH_TYPES, goes_in_summary
from yupana.store.database import session_scope
from yupana.store.models import Company, Document, DocumentState
from yupana.validation.summary import lima_today

SEND_DAYS_INDIVIDUAL = {"01": 3, "07F": 3, "08F": 3, "03": 3, "07B": 5, "08B": 5}
SUMMARY_DAYS = 7
VOID_DAYS = 7
SENDING_TYPES = ("01", "03", "07", "08")


@dataclass(frozen=True, slots=True)
class Deadline:
    external_id: str
    tipo_documento: str
    number: str
    issue_date: date
    state: str
    kind: str  # "send", "summary" or "void"
    deadline: date
    days_left: int
    needs_attention: bool
    last_error: str | None

    def as_dict(self) -> dict[str, object]:
        return {
            "external_id": self.external_id,
            "tipo_documento": self.tipo_documento,
            "number": self.number,
            "fecha_emision": self.issue_date.isoformat(),
            "state": self.state,
            "state_description": DocumentState(self.state).description,
            "kind": self.kind,
            "deadline": self.deadline.isoformat(),
            "days_left": self.days_left,
            "needs_attention": self.needs_attention,
            "last_error": self.last_error,
        }


def deadline_of(document: Document, boletas_individually: bool) -> tuple[str, date] | None:
    """(kind, last day) of the document's pending deadline, or None."""
    if document.serie.isdigit() or document.tipo_documento in BATCH_TYPES:
        return None
    if document.state == DocumentState.POR_ANULAR.value:
        return "void", document.issue_date + timedelta(days=VOID_DAYS)
    if document.state not in (DocumentState.REGISTRADO.value, DocumentState.ENVIADO.value):
        return None
    if document.tipo_documento not in SENDING_TYPES:
        return None
    if goes_in_summary(document.tipo_documento, document.serie, boletas_individually):
        return "summary", document.issue_date + timedelta(days=SUMMARY_DAYS)
    key = document.tipo_documento
    if key in ("07", "08"):
        key += document.serie[:1].upper()
    days = SEND_DAYS_INDIVIDUAL.get(key)
    if days is None:
        return None
    return "send", document.issue_date + timedelta(days=days)


class Deadlines:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def report(self, company_id: int, within_days: int = 2, today: date | None = None) -> list[Deadline]:
        today = today or lima_today()
        oldest = today - timedelta(days=max(SUMMARY_DAYS, VOID_DAYS) + 30)
        with session_scope(self.sessions, write=False) as session:
            company = session.get(Company, company_id)
            if company is None:
                return []
            rows = session.execute(
                select(Document)
                .where(
                    Document.company_id == company_id,
                    Document.state.in_(
                        [
                            DocumentState.REGISTRADO.value,
                            DocumentState.ENVIADO.value,
                            DocumentState.POR_ANULAR.value,
                        ]
                    ),
                    Document.issue_date >= oldest,
                )
                .order_by(Document.issue_date, Document.id)
            ).scalars()
            found: list[Deadline] = []
            for document in rows:
                pending = deadline_of(document, company.boletas_individually)
                stuck = (
                    document.state == DocumentState.REGISTRADO.value
                    and document.next_attempt_at is None
                    and document.attempts > 0
                )
                if pending is None:
                    continue
                kind, last_day = pending
                left = (last_day - today).days
                if left > within_days and not stuck:
                    continue
                found.append(
                    Deadline(
                        str(document.external_id),
                        document.tipo_documento,
                        document.number,
                        document.issue_date,
                        document.state,
                        kind,
                        last_day,
                        left,
                        stuck,
                        document.last_error,
                    )
                )
        return sorted(found, key=lambda item: (item.deadline, item.number))
