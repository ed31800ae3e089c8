"""The documents of one company: insert with numbering, read, list, change state with an audit event."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from yupana.domain.problems import InvalidDocument
from yupana.domain.sale import SaleDocument
from yupana.store import numbering, outbox
from yupana.store.models import BatchLine, Document, DocumentEvent, DocumentState, Establishment, utc_now

# SUNAT's wording for an explicit number already used by a document with other content.
CODE_REGISTERED_WITH_OTHER_DATA = "1033"
MESSAGE_REGISTERED_WITH_OTHER_DATA = "El comprobante fue registrado previamente con otros datos"
MAX_LIST_LIMIT = 1000


def _zero(value: Decimal | None) -> Decimal:
    return Decimal("0.00") if value is None else value


@dataclass(slots=True)
class NewDocument:
    """What is stored about a document when it is issued.

    ``correlativo`` ``None`` (or 0, how dialects read ``"#"``) asks for the next number of the
    series.
    """

    tipo_documento: str
    serie: str
    issue_date: date
    correlativo: int | None = None
    currency: str = "PEN"
    establishment_id: int | None = None
    external_id: uuid.UUID | None = None
    total_gravadas: Decimal | None = None
    total_exoneradas: Decimal | None = None
    total_inafectas: Decimal | None = None
    total_exportacion: Decimal | None = None
    total_gratuitas: Decimal | None = None
    total_igv: Decimal | None = None
    total_isc: Decimal | None = None
    total_icbper: Decimal | None = None
    importe_total: Decimal | None = None
    customer_tipo_documento: str | None = None
    customer_numero_documento: str | None = None
    customer_nombre: str | None = None
    state: DocumentState = DocumentState.REGISTRADO
    hash: str | None = None
    content_fingerprint: str | None = None
    xml_blob_key: str | None = None
    cdr_blob_key: str | None = None
    pdf_blob_key: str | None = None
    next_attempt_at: datetime | None = None
    reference_date: date | None = None
    summary_line: dict[str, Any] | None = None

    @classmethod
    def from_sale(cls, sale: SaleDocument, **extra: Any) -> NewDocument:
        """The stored summary of a factura, boleta or note (its totals, customer and number)."""
        totals = sale.totals
        return cls(
            tipo_documento=sale.tipo_documento,
            serie=sale.serie,
            correlativo=sale.correlativo or None,
            issue_date=sale.fecha_emision,
            currency=sale.moneda,
            total_gravadas=totals.gravadas,
            total_exoneradas=totals.exoneradas,
            total_inafectas=totals.inafectas,
            total_exportacion=totals.exportacion,
            total_gratuitas=totals.gratuitas,
            total_igv=totals.igv,
            total_isc=totals.isc,
            total_icbper=totals.icbper,
            importe_total=totals.importe_total,
            customer_tipo_documento=sale.customer.tipo_documento,
            customer_numero_documento=sale.customer.numero_documento,
            customer_nombre=sale.customer.razon_social,
            **extra,
        )


@dataclass(frozen=True, slots=True)
class InsertResult:
    """The stored document; ``created`` is False when the same content was already stored."""

    document: Document
    created: bool


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    """Filters of a document list; every one is optional. Dates are issue dates, inclusive."""

    date_from: date | None = None
    date_to: date | None = None
    tipo_documento: str | None = None
    tipos: Collection[str] | None = None  # any of these types
    serie: str | None = None
    states: Collection[str] | None = None
    correlativo: int | None = None
    customer_numero_documento: str | None = None


_UNSET: Any = object()


@dataclass(frozen=True, slots=True)
class Schedule:
    """The work left with SUNAT for a document: only the fields given change."""

    attempts: int | None = None
    next_attempt_at: datetime | None = _UNSET
    last_error: str | None = _UNSET

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if self.attempts is not None:
            values["attempts"] = self.attempts
        if self.next_attempt_at is not _UNSET:
            values["next_attempt_at"] = self.next_attempt_at
        if self.last_error is not _UNSET:
            values["last_error"] = self.last_error
        return values


class StateConflict(RuntimeError):
    """The document's state changed since it was read (another worker moved it first)."""

    def __init__(self, document_id: int, expected: str, actual: str | None) -> None:
        self.document_id = document_id
        self.expected = expected
        self.actual = actual
        super().__init__(f"document {document_id} is in state {actual}, not {expected}")


class DocumentRepository:
    """The documents of one company."""

    def __init__(self, session: Session, company_id: int) -> None:
        self.session = session
        self.company_id = company_id

    def _scoped(self) -> Select[tuple[Document]]:
        return select(Document).where(Document.company_id == self.company_id)

    def _own(self, document: Document) -> Document:
        if document.company_id != self.company_id:
            # Said the same way as a missing document: the other company's data does not exist here.
            raise LookupError("no such document")
        return document

    def next_number(self, tipo_documento: str, serie: str) -> int:
        """Take the next correlativo of the series in this transaction (see ``store.numbering``).

        For a document whose XML must carry its number before the row is inserted: take the
        number, build and sign, then ``insert`` with it, all in the same transaction.
        """
        return numbering.next_correlativo(self.session, self.company_id, tipo_documento, serie)

    def insert(self, new: NewDocument) -> InsertResult:
        """Store a document, numbering it when ``new.correlativo`` is None or 0.

        An explicit number keeps the series counter at or above it. If that number is already
        stored with the same ``content_fingerprint`` the stored document is returned
        (``created=False``); with other content, ``InvalidDocument`` with SUNAT code 1033.
        """
        if new.establishment_id is not None:
            owner = self.session.get(Establishment, new.establishment_id)
            if owner is None or owner.company_id != self.company_id:
                raise InvalidDocument.single("no such establishment for this company", "establishment")
        if new.correlativo:
            numbering.claim_correlativo(
                self.session, self.company_id, new.tipo_documento, new.serie, new.correlativo
            )
            existing = self.get_by_number(new.tipo_documento, new.serie, new.correlativo)
            if existing is not None:
                if (
                    new.content_fingerprint is not None
                    and existing.content_fingerprint == new.content_fingerprint
                ):
                    return InsertResult(existing, created=False)
                raise InvalidDocument.single(
                    f"{MESSAGE_REGISTERED_WITH_OTHER_DATA} ({new.serie}-{new.correlativo})",
                    "correlativo",
                    CODE_REGISTERED_WITH_OTHER_DATA,
                )
            correlativo = new.correlativo
        else:
            correlativo = self.next_number(new.tipo_documento, new.serie)
        now = utc_now()
        document = Document(
            company_id=self.company_id,
            establishment_id=new.establishment_id,
            external_id=new.external_id or uuid.uuid4(),
            tipo_documento=new.tipo_documento,
            serie=new.serie,
            correlativo=correlativo,
            issue_date=new.issue_date,
            currency=new.currency,
            total_gravadas=_zero(new.total_gravadas),
            total_exoneradas=_zero(new.total_exoneradas),
            total_inafectas=_zero(new.total_inafectas),
            total_exportacion=_zero(new.total_exportacion),
            total_gratuitas=_zero(new.total_gratuitas),
            total_igv=_zero(new.total_igv),
            total_isc=_zero(new.total_isc),
            total_icbper=_zero(new.total_icbper),
            importe_total=_zero(new.importe_total),
            customer_tipo_documento=new.customer_tipo_documento,
            customer_numero_documento=new.customer_numero_documento,
            customer_nombre=new.customer_nombre,
            state=DocumentState(new.state).value,
            hash=new.hash,
            content_fingerprint=new.content_fingerprint,
            xml_blob_key=new.xml_blob_key,
            cdr_blob_key=new.cdr_blob_key,
            pdf_blob_key=new.pdf_blob_key,
            next_attempt_at=new.next_attempt_at,
            reference_date=new.reference_date,
            summary_line=new.summary_line,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
        self.session.add(document)
        event = DocumentEvent(document=document, at=now, from_state=None, to_state=document.state)
        self.session.add(event)
        self.session.flush()
        outbox.add_deliveries(self.session, document, event)
        return InsertResult(document, created=True)

    def get(self, document_id: int) -> Document | None:
        return self.session.execute(self._scoped().where(Document.id == document_id)).scalar_one_or_none()

    def get_by_external_id(self, external_id: uuid.UUID | str) -> Document | None:
        try:
            key = external_id if isinstance(external_id, uuid.UUID) else uuid.UUID(str(external_id))
        except ValueError:
            return None
        return self.session.execute(self._scoped().where(Document.external_id == key)).scalar_one_or_none()

    def get_by_number(self, tipo_documento: str, serie: str, correlativo: int) -> Document | None:
        return self.session.execute(
            self._scoped().where(
                Document.tipo_documento == tipo_documento,
                Document.serie == serie,
                Document.correlativo == correlativo,
            )
        ).scalar_one_or_none()

    def get_by_ticket(self, tipo_documento: str, ticket: str) -> Document | None:
        """The latest document of ``tipo_documento`` that SUNAT gave ``ticket``."""
        return self.session.execute(
            self._scoped()
            .where(Document.tipo_documento == tipo_documento, Document.ticket == ticket)
            .order_by(Document.id.desc())
            .limit(1)
        ).scalar_one_or_none()

    def _filtered(self, query: Select[Any], where: DocumentFilter) -> Select[Any]:
        if where.date_from is not None:
            query = query.where(Document.issue_date >= where.date_from)
        if where.date_to is not None:
            query = query.where(Document.issue_date <= where.date_to)
        if where.tipo_documento is not None:
            query = query.where(Document.tipo_documento == where.tipo_documento)
        if where.tipos is not None:
            query = query.where(Document.tipo_documento.in_(list(where.tipos)))
        if where.serie is not None:
            query = query.where(Document.serie == where.serie)
        if where.states is not None:
            query = query.where(Document.state.in_([DocumentState(state).value for state in where.states]))
        if where.correlativo is not None:
            query = query.where(Document.correlativo == where.correlativo)
        if where.customer_numero_documento is not None:
            query = query.where(Document.customer_numero_documento == where.customer_numero_documento)
        return query

    def list(
        self,
        where: DocumentFilter | None = None,
        *,
        limit: int = 100,
        offset: int = 0,
        newest_inserted_first: bool = False,
    ) -> list[Document]:
        """Documents newest first (issue date, then insertion order; or only insertion order)."""
        if not 1 <= limit <= MAX_LIST_LIMIT:
            raise InvalidDocument.single(f"limit must be between 1 and {MAX_LIST_LIMIT}", "limit")
        if offset < 0:
            raise InvalidDocument.single("offset cannot be negative", "offset")
        query = self._filtered(self._scoped(), where or DocumentFilter())
        order = (
            (Document.id.desc(),)
            if newest_inserted_first
            else (Document.issue_date.desc(), Document.id.desc())
        )
        query = query.order_by(*order).limit(limit).offset(offset)
        return list(self.session.execute(query).scalars())

    def count(self, where: DocumentFilter | None = None) -> int:
        query = self._filtered(
            select(func.count()).select_from(Document).where(Document.company_id == self.company_id),
            where or DocumentFilter(),
        )
        return int(self.session.execute(query).scalar_one())

    def change_state(
        self,
        document: Document,
        to_state: DocumentState | str,
        *,
        expected_state: DocumentState | str | None = None,
        sunat_code: str | None = None,
        sunat_description: str | None = None,
        sunat_notes: Sequence[str] | None = None,
        ticket: str | None = None,
        message: str | None = None,
        detail: dict[str, Any] | None = None,
        at: datetime | None = None,
        schedule: Schedule | None = None,
    ) -> DocumentEvent:
        """Move the document to ``to_state`` and record the event, if it is still in the state expected.

        The change is a compare-and-set on the row (``expected_state``, by default the state the
        document had when read), so two workers can never both move the same document: the second
        gets ``StateConflict``. SUNAT's answer fields given here are stored on the document too,
        and so is ``schedule`` (attempts, next attempt, last error). Every active webhook of the
        company gets the event in its outbox, in the same transaction.
        """
        self._own(document)
        target = DocumentState(to_state).value
        expected = DocumentState(expected_state).value if expected_state is not None else document.state
        now = at or utc_now()
        values: dict[str, Any] = {"state": target, "updated_at": now}
        if sunat_code is not None:
            values.update(sunat_code=sunat_code, answered_at=now)
        if sunat_description is not None:
            values["sunat_description"] = sunat_description
        if sunat_notes is not None:
            values["sunat_notes"] = list(sunat_notes)
        if ticket is not None:
            values["ticket"] = ticket
        if target == DocumentState.ENVIADO.value:
            values["sent_at"] = now
        if schedule is not None:
            values.update(schedule.values())
        result = self.session.execute(
            update(Document)
            .where(
                Document.id == document.id,
                Document.company_id == self.company_id,
                Document.state == expected,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            actual = self.session.execute(
                select(Document.state).where(
                    Document.id == document.id, Document.company_id == self.company_id
                )
            ).scalar_one_or_none()
            raise StateConflict(document.id, expected, actual)
        event = DocumentEvent(
            document_id=document.id,
            at=now,
            from_state=expected,
            to_state=target,
            sunat_code=sunat_code,
            message=message,
            detail=detail,
        )
        self.session.add(event)
        self.session.flush()
        # The caller's object shows the new state, whether it belongs to this session or not.
        for name, value in values.items():
            set_committed_value(document, name, value)
        outbox.add_deliveries(self.session, document, event)
        return event

    def reschedule(
        self, document: Document, schedule: Schedule, *, expected_state: str | None = None
    ) -> bool:
        """Set the document's attempts, next attempt and last error without changing its state
        (no event); False when its state is no longer ``expected_state``."""
        self._own(document)
        query = update(Document).where(Document.id == document.id, Document.company_id == self.company_id)
        if expected_state is not None:
            query = query.where(Document.state == expected_state)
        values = {**schedule.values(), "updated_at": utc_now()}
        result = self.session.execute(query.values(**values).execution_options(synchronize_session=False))
        if not result.rowcount:  # type: ignore[attr-defined]
            return False
        for name, value in values.items():
            set_committed_value(document, name, value)
        return True

    def claim_due(self, document: Document, state: str, now: datetime, lease_until: datetime) -> bool:
        """Take a document in ``state`` whose next attempt is due (or forced: NULL) for this worker
        until ``lease_until``; False when another worker took it first or it is not due."""
        self._own(document)
        result = self.session.execute(
            update(Document)
            .where(
                Document.id == document.id,
                Document.company_id == self.company_id,
                Document.state == state,
                Document.next_attempt_at <= now,
            )
            .values(next_attempt_at=lease_until)
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return False
        set_committed_value(document, "next_attempt_at", lease_until)
        return True

    def set_files(
        self,
        document: Document,
        *,
        xml_blob_key: str | None = None,
        cdr_blob_key: str | None = None,
        pdf_blob_key: str | None = None,
    ) -> Document:
        """Record where the document's files are (only the keys given change)."""
        self._own(document)
        if xml_blob_key is not None:
            document.xml_blob_key = xml_blob_key
        if cdr_blob_key is not None:
            document.cdr_blob_key = cdr_blob_key
        if pdf_blob_key is not None:
            document.pdf_blob_key = pdf_blob_key
        self.session.flush()
        return document

    def lines(self, batch: Document) -> list[tuple[BatchLine, Document]]:
        """The documents an RC, RA or RR of the company carries, in line order."""
        self._own(batch)
        return [
            (line, document)
            for line, document in self.session.execute(
                select(BatchLine, Document)
                .join(Document, Document.id == BatchLine.document_id)
                .where(BatchLine.batch_id == batch.id, Document.company_id == self.company_id)
                .order_by(BatchLine.line_number)
            ).all()
        ]

    def events(self, document: Document | int) -> list[DocumentEvent]:
        """The audit trail of one of the company's documents, oldest first."""
        document_id = document if isinstance(document, int) else self._own(document).id
        return list(
            self.session.execute(
                select(DocumentEvent)
                .join(Document, Document.id == DocumentEvent.document_id)
                .where(DocumentEvent.document_id == document_id, Document.company_id == self.company_id)
                .order_by(DocumentEvent.id)
            ).scalars()
        )
