"""The tables of Yupana's database, as SQLAlchemy 2 typed declarative classes.

Every row that belongs to a company carries ``company_id``; reading documents always goes through
a repository scoped to one company (``store.repositories``). Money is ``Numeric(14, 2)`` and comes
back as ``Decimal``; times are stored in UTC and come back as aware UTC datetimes on every
database. Secrets (SOL and GRE credentials, the certificate and its password) are stored only as
ciphertext made by ``store.secrets.SecretBox``; these classes never decrypt anything.

Schema changes go through Alembic (``store/migrations``); a test checks that these classes and the
migrated schema agree.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names, so that migrations can name what they alter on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime stored in UTC; naive datetimes are refused.

    PostgreSQL keeps ``timestamptz``; SQLite has no time zones, so the UTC wall time is stored and
    read back as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime: Yupana stores aware datetimes only (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


Money = Numeric(14, 2)


class DocumentState(StrEnum):
    """States of a document as Facturador PRO numbers them (its ``state_type_id``)."""

    REGISTRADO = "01"
    ENVIADO = "03"
    ACEPTADO = "05"
    OBSERVADO = "07"
    RECHAZADO = "09"
    ANULADO = "11"
    POR_ANULAR = "13"

    @property
    def description(self) -> str:
        return _STATE_DESCRIPTIONS[self]


_STATE_DESCRIPTIONS = {
    DocumentState.REGISTRADO: "Registrado",
    DocumentState.ENVIADO: "Enviado",
    DocumentState.ACEPTADO: "Aceptado",
    DocumentState.OBSERVADO: "Observado",
    DocumentState.RECHAZADO: "Rechazado",
    DocumentState.ANULADO: "Anulado",
    DocumentState.POR_ANULAR: "Por anular",
}


class SunatEnvironment(StrEnum):
    """Where a company's documents go (the service maps it to ``sunat.endpoints.Endpoints``)."""

    SIMULATOR = "simulator"
    BETA = "beta"
    PRODUCTION = "production"
    CUSTOM = "custom"


def _in(values: type[StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in values)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), Decimal: Money, dict[str, Any]: JSON}


class Company(Base):
    """An issuer (emisor) served by this Yupana, identified by its RUC."""

    __tablename__ = "companies"
    __table_args__ = (
        CheckConstraint(f"sunat_environment IN ({_in(SunatEnvironment)})", name="sunat_environment"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ruc: Mapped[str] = mapped_column(String(11), unique=True)
    razon_social: Mapped[str] = mapped_column(String(500))
    nombre_comercial: Mapped[str | None] = mapped_column(String(500))
    # Domicilio fiscal.
    direccion: Mapped[str | None] = mapped_column(String(500))
    ubigeo: Mapped[str | None] = mapped_column(String(6))
    departamento: Mapped[str | None] = mapped_column(String(100))
    provincia: Mapped[str | None] = mapped_column(String(100))
    distrito: Mapped[str | None] = mapped_column(String(100))
    urbanizacion: Mapped[str | None] = mapped_column(String(100))
    codigo_pais: Mapped[str] = mapped_column(String(2), default="PE")
    email: Mapped[str | None] = mapped_column(String(320))
    telefono: Mapped[str | None] = mapped_column(String(50))
    # Printing.
    logo_blob_key: Mapped[str | None] = mapped_column(String(500))
    pdf_color: Mapped[str | None] = mapped_column(String(7))
    # SUNAT: where to send, and the custom (OSE) URLs when the environment is "custom".
    sunat_environment: Mapped[str] = mapped_column(String(16), default=SunatEnvironment.SIMULATOR.value)
    endpoint_bill_service: Mapped[str | None] = mapped_column(String(500))
    endpoint_bill_service_otros: Mapped[str | None] = mapped_column(String(500))
    endpoint_consult_service: Mapped[str | None] = mapped_column(String(500))
    endpoint_gre_auth: Mapped[str | None] = mapped_column(String(500))
    endpoint_gre_cpe: Mapped[str | None] = mapped_column(String(500))
    # Secrets, encrypted (Fernet tokens).
    sol_user_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    sol_password_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    gre_client_id_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    gre_client_secret_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    certificate_pfx_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    certificate_password_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    # What the certificate says about itself (not secret; shown to operators).
    certificate_subject: Mapped[str | None] = mapped_column(String(1000))
    certificate_not_after: Mapped[datetime | None]
    # Sending: boletas one by one (sendBill) instead of through the resumen diario; the most
    # documents per second this Yupana sends to SUNAT for the company (unset: the server's setting).
    boletas_individually: Mapped[bool] = mapped_column(Boolean, default=False)
    sunat_max_per_second: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    establishments: Mapped[list[Establishment]] = relationship(
        back_populates="company", order_by="Establishment.codigo"
    )

    def __repr__(self) -> str:
        return f"Company(id={self.id!r}, ruc={self.ruc!r})"


class Establishment(Base):
    """A place of business of a company, by its SUNAT code ("0000" is the domicilio fiscal)."""

    __tablename__ = "establishments"
    __table_args__ = (UniqueConstraint("company_id", "codigo"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    codigo: Mapped[str] = mapped_column(String(4))
    nombre: Mapped[str | None] = mapped_column(String(200))
    direccion: Mapped[str | None] = mapped_column(String(500))
    ubigeo: Mapped[str | None] = mapped_column(String(6))
    departamento: Mapped[str | None] = mapped_column(String(100))
    provincia: Mapped[str | None] = mapped_column(String(100))
    distrito: Mapped[str | None] = mapped_column(String(100))
    urbanizacion: Mapped[str | None] = mapped_column(String(100))
    codigo_pais: Mapped[str] = mapped_column(String(2), default="PE")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    company: Mapped[Company] = relationship(back_populates="establishments")

    def __repr__(self) -> str:
        return f"Establishment(id={self.id!r}, company_id={self.company_id!r}, codigo={self.codigo!r})"


class Series(Base):
    """A series of one document type, with the last correlativo handed out.

    ``last_correlativo`` only moves inside the transaction that inserts the document that uses
    the number (``store.numbering``), so a failed issue consumes nothing.
    """

    __tablename__ = "series"
    __table_args__ = (
        UniqueConstraint("company_id", "tipo_documento", "serie"),
        CheckConstraint("last_correlativo >= 0", name="last_correlativo_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    establishment_id: Mapped[int] = mapped_column(ForeignKey("establishments.id", ondelete="CASCADE"))
    tipo_documento: Mapped[str] = mapped_column(String(2))
    serie: Mapped[str] = mapped_column(String(20))
    last_correlativo: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    def __repr__(self) -> str:
        return (
            f"Series(id={self.id!r}, company_id={self.company_id!r}, "
            f"tipo_documento={self.tipo_documento!r}, serie={self.serie!r}, "
            f"last_correlativo={self.last_correlativo!r})"
        )


class ApiUser(Base):
    """Someone (a person or a system) that calls the API on behalf of a company."""

    __tablename__ = "api_users"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    disabled_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"ApiUser(id={self.id!r}, company_id={self.company_id!r}, name={self.name!r})"


class ApiToken(Base):
    """A bearer token, kept only as its SHA-256; ``prefix`` is the part shown to tell tokens apart."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    establishment_id: Mapped[int | None] = mapped_column(ForeignKey("establishments.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("api_users.id", ondelete="CASCADE"))
    name: Mapped[str | None] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"ApiToken(id={self.id!r}, company_id={self.company_id!r}, prefix={self.prefix!r})"


class Document(Base):
    """One issued document of a company: its identity, summary figures, files and SUNAT answer.

    The signed XML, the CDR and the PDF live in the blob store under the ``*_blob_key`` keys.
    """

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("company_id", "tipo_documento", "serie", "correlativo"),
        CheckConstraint(f"state IN ({_in(DocumentState)})", name="state"),
        CheckConstraint("correlativo > 0", name="correlativo_positive"),
        Index("ix_documents_company_issue_date", "company_id", "issue_date"),
        Index("ix_documents_company_state", "company_id", "state"),
        Index("ix_documents_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    establishment_id: Mapped[int | None] = mapped_column(ForeignKey("establishments.id"))
    external_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    tipo_documento: Mapped[str] = mapped_column(String(2))
    serie: Mapped[str] = mapped_column(String(20))
    correlativo: Mapped[int] = mapped_column(Integer)
    issue_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3), default="PEN")
    # Totals (SUNAT's "totales" of the document, in its currency).
    total_gravadas: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    total_exoneradas: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    total_inafectas: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    total_exportacion: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    total_gratuitas: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    total_igv: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    total_isc: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    total_icbper: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    importe_total: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    # Customer (catalog 06 type, number, name).
    customer_tipo_documento: Mapped[str | None] = mapped_column(String(1))
    customer_numero_documento: Mapped[str | None] = mapped_column(String(20))
    customer_nombre: Mapped[str | None] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(2), default=DocumentState.REGISTRADO.value)
    # DigestValue of the signature, and a digest of the request content: the same explicit number
    # sent again with the same content is the same document.
    hash: Mapped[str | None] = mapped_column(String(100))
    content_fingerprint: Mapped[str | None] = mapped_column(String(64))
    xml_blob_key: Mapped[str | None] = mapped_column(String(500))
    cdr_blob_key: Mapped[str | None] = mapped_column(String(500))
    pdf_blob_key: Mapped[str | None] = mapped_column(String(500))
    # SUNAT's last word on the document.
    sunat_code: Mapped[str | None] = mapped_column(String(10))
    sunat_description: Mapped[str | None] = mapped_column(Text)
    sunat_notes: Mapped[list[Any] | None] = mapped_column(JSON)
    ticket: Mapped[str | None] = mapped_column(String(100))
    # GRE: the consultation link SUNAT's CDR gives (printed as the guía's QR).
    qr_url: Mapped[str | None] = mapped_column(String(1000))
    # The work still to do with SUNAT: how many tries so far, when the next one is due (a send
    # in state 01, a ticket to poll or the lease of a send in flight in state 03), the last
    # failure. ``next_attempt_at`` NULL means nothing is scheduled.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # RC, RA and RR: the issue date of the documents they report.
    reference_date: Mapped[date | None] = mapped_column(Date)
    # Boletas and their notes: their line of a resumen diario (``service.summary_lines``).
    # (SQL NULL when there is none, not JSON null: queries ask ``IS NULL``).
    summary_line: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]

    events: Mapped[list[DocumentEvent]] = relationship(
        back_populates="document", order_by="DocumentEvent.id", passive_deletes=True
    )

    @property
    def number(self) -> str:
        """``F001-123``."""
        return f"{self.serie}-{self.correlativo}"

    def file_stem(self, ruc: str) -> str:
        """SUNAT's name of the document's files: ``RUC-TT-SERIE-NUMERO`` (``RUC-RC-YYYYMMDD-N``
        for summaries and voidings, whose serie is their generation date)."""
        return f"{ruc}-{self.tipo_documento}-{self.serie}-{self.correlativo}"

    def __repr__(self) -> str:
        return (
            f"Document(id={self.id!r}, company_id={self.company_id!r}, "
            f"{self.tipo_documento}-{self.serie}-{self.correlativo}, state={self.state!r})"
        )


class DocumentEvent(Base):
    """One entry of a document's audit trail: a state change and what SUNAT said."""

    __tablename__ = "document_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utc_now)
    from_state: Mapped[str | None] = mapped_column(String(2))
    to_state: Mapped[str] = mapped_column(String(2))
    sunat_code: Mapped[str | None] = mapped_column(String(10))
    message: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None]

    document: Mapped[Document] = relationship(back_populates="events")

    def __repr__(self) -> str:
        return (
            f"DocumentEvent(id={self.id!r}, document_id={self.document_id!r}, "
            f"{self.from_state}->{self.to_state})"
        )


class BatchLine(Base):
    """A document reported by a resumen diario (RC), a comunicación de baja (RA) or a resumen de
    reversiones (RR), which are themselves stored as documents of type RC, RA and RR.

    ``estado`` is the line's condition (catalog 19: 1 add, 2 modify, 3 void; RA and RR lines
    are always 3); ``previous_state`` is the state the document goes back to if SUNAT rejects
    the batch.
    """

    __tablename__ = "batch_lines"
    __table_args__ = (UniqueConstraint("batch_id", "document_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    line_number: Mapped[int] = mapped_column(Integer)
    estado: Mapped[str] = mapped_column(String(1))
    motivo: Mapped[str | None] = mapped_column(String(500))
    previous_state: Mapped[str] = mapped_column(String(2))

    def __repr__(self) -> str:
        return (
            f"BatchLine(batch_id={self.batch_id!r}, document_id={self.document_id!r}, estado={self.estado!r})"
        )


class Webhook(Base):
    """A URL of a company's that receives every state change of its documents, signed with
    ``secret`` (stored encrypted)."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(200))
    secret_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    def __repr__(self) -> str:
        return f"Webhook(id={self.id!r}, company_id={self.company_id!r}, url={self.url!r})"


class WebhookDelivery(Base):
    """One event owed to one webhook: written with the event (same transaction), delivered later."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "delivered_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("document_events.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any]]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    def __repr__(self) -> str:
        return f"WebhookDelivery(id={self.id!r}, webhook_id={self.webhook_id!r}, event_id={self.event_id!r})"


class IdempotencyKey(Base):
    """An ``Idempotency-Key`` a company sent, the fingerprint of that request and its answer.

    A row without ``response_status`` is a request still in progress.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("company_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_content_type: Mapped[str | None] = mapped_column(String(100))
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    completed_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"IdempotencyKey(id={self.id!r}, company_id={self.company_id!r}, key={self.key!r})"
