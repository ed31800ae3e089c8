"""Issuing a company's documents on the server: parse, number, build, sign, store, send.

Facturas, boletas and their notes (01, 03, 07, 08), comprobantes de retención (20) and
percepción (40), and guías de remisión remitente (09) and transportista (31) take the same road.

``Issuing.issue(company_id, body)`` runs one request:

1. the body is read by a dialect, with the company (from the store) as issuer;
2. in one writing transaction: the number (``#``/correlativo 0 takes the next one of the series;
   an explicit number already stored returns that document when the content is the same and is
   refused with SUNAT's 1033 wording otherwise), the build (complete, validate, write, sign; send
   windows are errors, since the document is sent now), the XML blob, the document row and its
   first event. Anything failing rolls it all back (and removes the blob written);
3. after the commit, facturas and their notes are sent once during the request
   (``service.lifecycle``): SUNAT's answer (state 05/07/09, its CDR) is stored at once; an
   exception leaves the document registered (01) with its next attempt scheduled, and the job
   queue takes it from there (``schedule``). Boletas and their notes keep their resumen diario
   line and wait for the summary (``service.summaries``), unless the company sends them one by
   one.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from yupana.dialects.registry import dialect
from yupana.domain.despatch import DespatchDocument
from yupana.domain.perception import PerceptionDocument
from yupana.domain.problems import InvalidDocument, Problem
from yupana.domain.retention import RetentionDocument
from yupana.domain.sale import SaleDocument
from yupana.service.build import BuiltDocument, DocumentBuilder
from yupana.service.company_builders import CompanyBuilders, CompanyNotReady
from yupana.service.company_sunat import SunatAccess
from yupana.service.families import RuleSettings
from yupana.service.lifecycle import Action, Lifecycle, LifecycleOptions, Step, goes_in_summary
from yupana.service.summary_lines import summary_line_json
from yupana.store.blobs import BlobStore, document_xml_key
from yupana.store.database import session_scope
from yupana.store.models import Document, DocumentState, Establishment, utc_now
from yupana.store.repositories import (
    CompanyRepository,
    DocumentRepository,
    NewDocument,
    Schedule,
    SeriesRepository,
)
from yupana.store.repositories.documents import (
    CODE_REGISTERED_WITH_OTHER_DATA,
    MESSAGE_REGISTERED_WITH_OTHER_DATA,
)
from yupana.store.secrets import SecretBox
from yupana.sunat.transport import HttpOptions

log = logging.getLogger(__name__)

__all__ = ["CompanyNotReady", "IssueResult", "Issuing", "IssuingOptions"]


@dataclass(frozen=True, slots=True)
class IssuingOptions:
    """How documents are issued and sent."""

    sunat_rules: Path | None = None
    signature_algorithm: str = "rsa-sha1"
    simulator_url: str | None = None  # the endpoint of companies in the ``simulator`` environment
    send_timeout: float = 10.0
    send_in_request: bool = True
    rules: RuleSettings = field(default_factory=RuleSettings)
    lifecycle: LifecycleOptions = field(default_factory=LifecycleOptions)


@dataclass(slots=True)
class IssueResult:
    """The stored document after the request; ``created`` is False for an idempotent repeat."""

    document: Document
    created: bool
    warnings: list[Problem] = field(default_factory=list)


def content_fingerprint(body: object) -> str:
    """A digest of the request content: the same JSON (whatever its key order) gives the same one."""
    canonical = json.dumps(
        body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_value
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _json_value(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


IssuedDocument = SaleDocument | RetentionDocument | PerceptionDocument | DespatchDocument
ISSUED_CLASSES = (SaleDocument, RetentionDocument, PerceptionDocument, DespatchDocument)
ISSUED_FAMILIES = (
    "facturas, boletas, notas de crédito/débito (01, 03, 07, 08), retenciones (20), "
    "percepciones (40) and guías de remisión (09, 31)"
)


def stored_summary(doc: IssuedDocument, **extra: Any) -> NewDocument:
    """What the store keeps about a built document: its number, date, currency, total and
    counterpart (the customer of a sale, the proveedor of a retention, the cliente of a
    perception, the destinatario of a guía). The total of a retention or perception is the
    amount retained or perceived (in soles); a guía has none."""
    if isinstance(doc, SaleDocument):
        return NewDocument.from_sale(doc, **extra)
    if isinstance(doc, RetentionDocument | PerceptionDocument):
        party = doc.proveedor if isinstance(doc, RetentionDocument) else doc.cliente
        total = doc.totals.retenido if isinstance(doc, RetentionDocument) else doc.totals.percibido
        currency = "PEN"  # SUNAT's totals of both are in soles
    else:
        party, total, currency = doc.destinatario, None, "PEN"
    return NewDocument(
        tipo_documento=doc.tipo_documento,
        serie=doc.serie,
        correlativo=doc.correlativo or None,
        issue_date=doc.fecha_emision,
        currency=currency,
        importe_total=total,
        customer_tipo_documento=party.tipo_documento,
        customer_numero_documento=party.numero_documento,
        customer_nombre=party.razon_social,
        **extra,
    )


class Issuing:
    """Issues documents for the companies in the store."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        blobs: BlobStore,
        secrets: SecretBox,
        options: IssuingOptions | None = None,
    ) -> None:
        self.sessions = sessions
        self.blobs = blobs
        self.secrets = secrets
        self.options = options or IssuingOptions()
        options = self.options
        self.builders = CompanyBuilders(options.sunat_rules, options.signature_algorithm, options.rules)
        timeout = options.send_timeout
        self.access = SunatAccess(
            sessions,
            secrets,
            simulator_url=options.simulator_url,
            http=HttpOptions(
                connect_timeout=min(5.0, timeout),
                read_timeout=timeout,
                write_timeout=timeout,
                pool_timeout=timeout,
            ),
        )
        self.lifecycle = Lifecycle(sessions, blobs, self.access, options.lifecycle)
        # Where follow-up work goes (the job queue); unset: nothing is scheduled from here.
        self.schedule: Callable[[Step], None] | None = None

    # -- the request ------------------------------------------------------------------------
    def issue(
        self,
        company_id: int,
        body: object,
        dialect_name: str = "native",
        *,
        send: bool = True,
        establishment_id: int | None = None,
        only: tuple[type, ...] | None = None,
    ) -> IssueResult:
        """Issue ``body``; with ``send=False`` the document is stored (state 01) and not sent now.

        With ``establishment_id`` (a token bound to an establishment) the issuer's address and
        establishment code are that establishment's. ``only``: the domain classes this endpoint
        issues (default: every family the server issues)."""
        reader = dialect(dialect_name)
        with session_scope(self.sessions, write=False) as session:
            companies = CompanyRepository(session, self.secrets)
            company = companies.get(company_id)
            if company is None:
                raise CompanyNotReady("unknown company")
            establishment = session.get(Establishment, establishment_id) if establishment_id else None
            if establishment_id and establishment is None:
                raise CompanyNotReady("the token's establishment no longer exists")
            issuer = companies.issuer(company, establishment)
            builder = self.builders.get(companies, company)
            ruc = company.ruc
            individually = company.boletas_individually
        doc = reader.parse(body, issuer)
        if not isinstance(doc, ISSUED_CLASSES):
            raise InvalidDocument.single(f"this endpoint issues {ISSUED_FAMILIES}", "tipo_documento")
        if only is not None and not isinstance(doc, only):
            raise InvalidDocument.single(
                f"this endpoint does not issue documents of type {getattr(doc, 'tipo_documento', '?')}",
                reader.translator(body, doc)("tipo_documento"),
            )
        pending = reader.server_references(doc)
        if pending:
            raise InvalidDocument(pending)
        translate = reader.translator(body, doc)
        fingerprint = content_fingerprint(body)

        in_summary = goes_in_summary(doc.tipo_documento, doc.serie, individually)
        written: list[str] = []
        try:
            result = self._store(company_id, ruc, doc, builder, translate, fingerprint, written, due=send)
        except BaseException:
            for key in written:
                self.blobs.delete(key)
            raise
        if result.created and send and not in_summary:
            if self.options.send_in_request:
                step = self.lifecycle.send(result.document.id)
                result.document = self.reload(company_id, result.document)
            else:
                step = Step(Action.SEND, result.document.id, utc_now())
            if step is not None and self.schedule is not None:
                self.schedule(step)
        return result

    # -- a stored document, on request -------------------------------------------------------
    def send_now(self, company_id: int, document_id: int) -> Document:
        """Send a stored document in 01 now, whatever its schedule (a guía stored without
        sending); what happens next is scheduled as after an issue. The document as it is then."""
        step = self.lifecycle.send(document_id, force=True)
        if step is not None and self.schedule is not None:
            self.schedule(step)
        return self._reload_id(company_id, document_id)

    def poll_now(self, company_id: int, document_id: int) -> Document:
        """Ask SUNAT about the ticket of a document in 03 now, even if its next poll is later
        (a poll only reads: if a worker polls it at the same time, the first answer recorded wins)."""
        with session_scope(self.sessions) as session:
            documents = DocumentRepository(session, company_id)
            document = documents.get(document_id)
            if document is None or document.state != DocumentState.ENVIADO.value or not document.ticket:
                return document if document is not None else self._missing(document_id)
            now = utc_now()
            if document.next_attempt_at is None or document.next_attempt_at > now:
                documents.reschedule(
                    document, Schedule(next_attempt_at=now), expected_state=DocumentState.ENVIADO.value
                )
        step = self.lifecycle.poll(document_id)
        if step is not None and self.schedule is not None:
            self.schedule(step)
        return self._reload_id(company_id, document_id)

    @staticmethod
    def _missing(document_id: int) -> Document:
        raise LookupError(f"no document {document_id}")

    def _reload_id(self, company_id: int, document_id: int) -> Document:
        with session_scope(self.sessions, write=False) as session:
            document = DocumentRepository(session, company_id).get(document_id)
        return document if document is not None else self._missing(document_id)

    def reload(self, company_id: int, document: Document) -> Document:
        with session_scope(self.sessions, write=False) as session:
            fresh = DocumentRepository(session, company_id).get(document.id)
        return fresh if fresh is not None else document

    def _store(
        self,
        company_id: int,
        ruc: str,
        doc: IssuedDocument,
        builder: DocumentBuilder,
        translate: Any,
        fingerprint: str,
        written: list[str],
        *,
        due: bool,
    ) -> IssueResult:
        with session_scope(self.sessions) as session:
            documents = DocumentRepository(session, company_id)
            if doc.correlativo:
                existing = documents.get_by_number(doc.tipo_documento, doc.serie, doc.correlativo)
                if existing is not None:
                    if existing.content_fingerprint == fingerprint:
                        return IssueResult(existing, created=False)
                    raise InvalidDocument.single(
                        f"{MESSAGE_REGISTERED_WITH_OTHER_DATA} ({doc.serie}-{doc.correlativo})",
                        translate("correlativo"),
                        CODE_REGISTERED_WITH_OTHER_DATA,
                    )
            # A series is opened the first time the company uses it (rolled back if the issue fails).
            SeriesRepository(session, company_id).ensure(doc.tipo_documento, doc.serie)
            if not doc.correlativo:
                doc.correlativo = documents.next_number(doc.tipo_documento, doc.serie)
            built: BuiltDocument = builder.build(doc, translate)
            key = document_xml_key(ruc, doc.tipo_documento, doc.serie, doc.correlativo)
            written.append(self.blobs.put(key, built.xml))
            line = summary_line_json(doc) if goes_in_summary(doc.tipo_documento, doc.serie) else None
            stored = documents.insert(
                stored_summary(
                    built.document,
                    hash=built.hash,
                    content_fingerprint=fingerprint,
                    xml_blob_key=key,
                    next_attempt_at=utc_now() if due else None,
                    summary_line=line,
                )
            )
            return IssueResult(stored.document, stored.created, built.warnings)
