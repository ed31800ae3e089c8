"""Issuing a company's sales documents on the server: parse, number, build, sign, store, send.

``Issuing.issue(company_id, body)`` runs one request:

1. the body is read by a dialect, with the company (from the store) as issuer;
2. in one writing transaction: the number (``#``/correlativo 0 takes the next one of the series;
   an explicit number already stored returns that document when the content is the same and is
   refused with SUNAT's 1033 wording otherwise), the build (complete, validate, write, sign; send
   windows are errors, since the document is sent now), the XML blob, the document row and its
   first event. Anything failing rolls it all back (and removes the blob written);
3. after the commit, facturas and their notes go to the company's SUNAT endpoint with a short
   timeout; SUNAT's answer (state 05/07/09, its CDR) is stored in a second transaction. A
   transport exception leaves the document registered (01), to be sent again later.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from yupana.dialects.registry import dialect
from yupana.domain.problems import InvalidDocument, Problem
from yupana.domain.sale import SaleDocument
from yupana.service.build import BuiltDocument, DocumentBuilder
from yupana.service.families import RuleSettings
from yupana.signing.certificate import CertificateError, signing_key_from_bytes
from yupana.signing.xmldsig import Signer
from yupana.store.blobs import BlobStore
from yupana.store.database import session_scope
from yupana.store.models import Company, Document, DocumentState, Establishment, SunatEnvironment
from yupana.store.repositories import CompanyRepository, DocumentRepository, NewDocument, SeriesRepository
from yupana.store.repositories.documents import (
    CODE_REGISTERED_WITH_OTHER_DATA,
    MESSAGE_REGISTERED_WITH_OTHER_DATA,
)
from yupana.store.secrets import SecretBox
from yupana.sunat.company_client import CompanyClient
from yupana.sunat.credentials import SolCredentials
from yupana.sunat.endpoints import Endpoints
from yupana.sunat.results import Outcome, SunatResult
from yupana.sunat.transport import HttpOptions

log = logging.getLogger(__name__)

# Sent during the request: facturas and the notes that modify them (serie F...).
SENT_AT_ONCE = frozenset({"01"})
NOTE_TYPES = frozenset({"07", "08"})
# SUNAT's beta (and the simulator) accept any RUC with this SOL user and password.
BETA_SOL_USER = "MODDATOS"
BETA_SOL_PASSWORD = "moddatos"

_STATE_OF_OUTCOME = {
    Outcome.ACCEPTED: DocumentState.ACEPTADO,
    Outcome.OBSERVED: DocumentState.OBSERVADO,
    Outcome.REJECTED: DocumentState.RECHAZADO,
}


class CompanyNotReady(Exception):
    """The company cannot issue yet (no certificate, unreadable certificate, unknown company)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class IssuingOptions:
    """How documents are issued and sent."""

    sunat_rules: Path | None = None
    signature_algorithm: str = "rsa-sha1"
    simulator_url: str | None = None  # the endpoint of companies in the ``simulator`` environment
    send_timeout: float = 10.0
    rules: RuleSettings = field(default_factory=RuleSettings)


@dataclass(slots=True)
class IssueResult:
    """The stored document after the request; ``created`` is False for an idempotent repeat."""

    document: Document
    created: bool
    warnings: list[Problem] = field(default_factory=list)
    sunat: SunatResult | None = None


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


def blob_prefix(ruc: str, tipo: str, serie: str, correlativo: int) -> str:
    return f"{ruc}/{tipo}/{serie}-{correlativo}"


def is_sent_at_once(doc: SaleDocument) -> bool:
    """Facturas, and notes of facturas (their serie starts with F), are sent one by one now."""
    if doc.tipo_documento in SENT_AT_ONCE:
        return True
    return doc.tipo_documento in NOTE_TYPES and doc.serie.upper().startswith("F")


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
        self._builders: dict[tuple[int, bytes], DocumentBuilder] = {}
        self._lock = threading.Lock()

    # -- the request ------------------------------------------------------------------------
    def issue(
        self,
        company_id: int,
        body: object,
        dialect_name: str = "native",
        *,
        send: bool = True,
        establishment_id: int | None = None,
    ) -> IssueResult:
        """Issue ``body``; with ``send=False`` the document is stored (state 01) and not sent now.

        With ``establishment_id`` (a token bound to an establishment) the issuer's address and
        establishment code are that establishment's."""
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
            builder = self._builder(companies, company)
            ruc = company.ruc
        doc = reader.parse(body, issuer)
        if not isinstance(doc, SaleDocument):
            raise InvalidDocument.single(
                "this endpoint issues facturas, boletas and notas de crédito/débito (01, 03, 07, 08)",
                "tipo_documento",
            )
        pending = reader.server_references(doc)
        if pending:
            raise InvalidDocument(pending)
        translate = reader.translator(body, doc)
        fingerprint = content_fingerprint(body)

        written: list[str] = []
        try:
            result = self._store(company_id, ruc, doc, builder, translate, fingerprint, written)
        except BaseException:
            for key in written:
                self.blobs.delete(key)
            raise
        if result.created and send and is_sent_at_once(doc):
            result.sunat = self._send(company_id, result.document)
            if result.sunat is not None:
                result.document = self.reload(company_id, result.document)
        return result

    def reload(self, company_id: int, document: Document) -> Document:
        with session_scope(self.sessions, write=False) as session:
            fresh = DocumentRepository(session, company_id).get(document.id)
        return fresh if fresh is not None else document

    def _store(
        self,
        company_id: int,
        ruc: str,
        doc: SaleDocument,
        builder: DocumentBuilder,
        translate: Any,
        fingerprint: str,
        written: list[str],
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
            key = f"{blob_prefix(ruc, doc.tipo_documento, doc.serie, doc.correlativo)}.xml"
            written.append(self.blobs.put(key, built.xml))
            stored = documents.insert(
                NewDocument.from_sale(doc, hash=built.hash, content_fingerprint=fingerprint, xml_blob_key=key)
            )
            return IssueResult(stored.document, stored.created, built.warnings)

    # -- certificates -----------------------------------------------------------------------
    def _builder(self, companies: CompanyRepository, company: Company) -> DocumentBuilder:
        encrypted = company.certificate_pfx_encrypted
        if encrypted is None:
            raise CompanyNotReady(f"company {company.ruc} has no certificate")
        cache_key = (company.id, hashlib.sha256(encrypted).digest())
        with self._lock:
            builder = self._builders.get(cache_key)
        if builder is not None:
            return builder
        stored = companies.certificate(company)
        if stored is None:
            raise CompanyNotReady(f"company {company.ruc} has no certificate")
        try:
            key = signing_key_from_bytes(stored.pfx, stored.password.reveal())
        except CertificateError as exc:
            raise CompanyNotReady(f"the certificate of company {company.ruc} cannot be used: {exc}") from exc
        options = self.options
        builder = DocumentBuilder(
            Signer(key, options.signature_algorithm), options.sunat_rules, options.rules, offline=False
        )
        with self._lock:
            self._builders = {k: v for k, v in self._builders.items() if k[0] != company.id}
            self._builders[cache_key] = builder
        return builder

    # -- SUNAT ------------------------------------------------------------------------------
    def endpoints(self, company: Company) -> Endpoints | None:
        environment = SunatEnvironment(company.sunat_environment)
        if environment is SunatEnvironment.SIMULATOR:
            url = self.options.simulator_url
            return Endpoints.simulator(url) if url else None
        if environment is SunatEnvironment.BETA:
            return Endpoints.beta()
        if environment is SunatEnvironment.PRODUCTION:
            return Endpoints.production()
        custom = CompanyRepository.custom_endpoints(company)
        if custom is None:
            return None
        return Endpoints.custom(
            custom.bill_service,
            bill_service_otros=custom.bill_service_otros,
            consult_service=custom.consult_service,
            gre_auth=custom.gre_auth,
            gre_cpe=custom.gre_cpe,
        )

    def _credentials(self, companies: CompanyRepository, company: Company) -> SolCredentials | None:
        login = companies.sol_login(company)
        if login is not None:
            return SolCredentials(company.ruc, login.user, login.password.reveal())
        if company.sunat_environment in (SunatEnvironment.SIMULATOR.value, SunatEnvironment.BETA.value):
            return SolCredentials(company.ruc, BETA_SOL_USER, BETA_SOL_PASSWORD)
        return None

    def _send(self, company_id: int, document: Document) -> SunatResult | None:
        """Send a stored document and record SUNAT's answer; ``None`` when it cannot be sent now."""
        with session_scope(self.sessions, write=False) as session:
            companies = CompanyRepository(session, self.secrets)
            company = companies.get(company_id)
            if company is None:
                return None
            endpoints = self.endpoints(company)
            sol = self._credentials(companies, company)
            ruc = company.ruc
        if endpoints is None or sol is None or document.xml_blob_key is None:
            log.warning(
                "document %s-%s of %s not sent: no endpoint or SOL user",
                document.serie,
                document.correlativo,
                ruc,
            )
            return None
        xml = self.blobs.get(document.xml_blob_key)
        stem = f"{ruc}-{document.tipo_documento}-{document.serie}-{document.correlativo}"
        timeout = self.options.send_timeout
        http = HttpOptions(
            connect_timeout=min(5.0, timeout),
            read_timeout=timeout,
            write_timeout=timeout,
            pool_timeout=timeout,
        )
        try:
            with CompanyClient(endpoints, sol, options=http) as client:
                result = client.send_xml(stem, xml)
        except (OSError, ValueError) as exc:
            log.warning("sending %s failed: %s", stem, exc)
            return None
        self.record_answer(company_id, document, result)
        return result

    def record_answer(self, company_id: int, document: Document, result: SunatResult) -> None:
        """Store SUNAT's final answer (state, code, notes, CDR); other outcomes change nothing."""
        state = _STATE_OF_OUTCOME.get(result.outcome)
        if state is None:
            log.info(
                "document %s-%s stays registered: %s %s",
                document.serie,
                document.correlativo,
                result.code,
                result.description,
            )
            return
        cdr_key = None
        if result.cdr_zip:
            prefix = (
                document.xml_blob_key.rsplit(".", 1)[0]
                if document.xml_blob_key
                else str(document.external_id)
            )
            cdr_key = self.blobs.put(f"{prefix}-cdr.zip", result.cdr_zip)
        with session_scope(self.sessions) as session:
            documents = DocumentRepository(session, company_id)
            stored = documents.get(document.id)
            if stored is None:
                return
            if cdr_key is not None:
                documents.set_files(stored, cdr_blob_key=cdr_key)
            documents.change_state(
                stored,
                state,
                expected_state=DocumentState.REGISTRADO,
                sunat_code=result.code,
                sunat_description=result.description,
                sunat_notes=[note.as_dict() for note in result.notes],
                message=result.description,
            )
