"""What the service layer asks of the database: companies, tokens, series, documents, idempotency keys.

Every repository works inside the caller's session and transaction; none commits. Repositories
that read or change a company's data are built for one company (``DocumentRepository(session,
company_id)``) and put ``company_id`` in every query they run, so a company can never reach another
company's documents, series or idempotency keys through them: a foreign id reads as "not found".

Secrets are encrypted on the way in and decrypted on the way out with a ``SecretBox``; the values
handed back (``SolLogin``, ``GreClient``, ``StoredCertificate``, ``IssuedToken``) never show a
secret in their ``repr``.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yupana.domain import party
from yupana.domain.problems import InvalidDocument
from yupana.domain.sale import SaleDocument
from yupana.store import numbering
from yupana.store.models import (
    ApiToken,
    ApiUser,
    Company,
    Document,
    DocumentEvent,
    DocumentState,
    Establishment,
    IdempotencyKey,
    Series,
    SunatEnvironment,
    utc_now,
)
from yupana.store.secrets import (
    Secret,
    SecretBox,
    new_api_token,
    token_digest,
    token_matches,
    token_prefix,
)

FISCAL_ESTABLISHMENT = "0000"
# SUNAT's wording for an explicit number already used by a document with other content.
CODE_REGISTERED_WITH_OTHER_DATA = "1033"
MESSAGE_REGISTERED_WITH_OTHER_DATA = "El comprobante fue registrado previamente con otros datos"
MAX_LIST_LIMIT = 1000
MAX_IDEMPOTENCY_KEY_LENGTH = 255
# A token's last use is written at most this often, so that reading does not turn into writing.
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def _zero(value: Decimal | None) -> Decimal:
    return Decimal("0.00") if value is None else value


def _valid_ruc(ruc: str) -> str:
    if not (isinstance(ruc, str) and len(ruc) == 11 and ruc.isdigit()):
        raise InvalidDocument.single("the RUC must be 11 digits", "ruc", "0002")
    return ruc


# --------------------------------------------------------------------------------------------
# Companies
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, repr=False)
class SolLogin:
    """A company's SOL secondary user and its password."""

    user: str
    password: Secret

    def __repr__(self) -> str:
        return f"SolLogin(user={self.user!r}, password='***')"


@dataclass(frozen=True, slots=True, repr=False)
class GreClient:
    """Client id and secret of SUNAT's GRE REST API."""

    client_id: str
    client_secret: Secret

    def __repr__(self) -> str:
        return f"GreClient(client_id={self.client_id!r}, client_secret='***')"


@dataclass(frozen=True, slots=True, repr=False)
class StoredCertificate:
    """The company's signing certificate as uploaded (PFX bytes and password) and what it says."""

    pfx: bytes
    password: Secret
    subject: str | None = None
    not_after: datetime | None = None

    def __repr__(self) -> str:
        return f"StoredCertificate(subject={self.subject!r}, not_after={self.not_after!r}, pfx='***')"


@dataclass(frozen=True, slots=True)
class CustomEndpoints:
    """The URLs of an OSE or another provider (environment ``custom``)."""

    bill_service: str
    bill_service_otros: str | None = None
    consult_service: str | None = None
    gre_auth: str | None = None
    gre_cpe: str | None = None


_PROFILE_FIELDS = frozenset(
    {"razon_social", "nombre_comercial", "email", "telefono", "logo_blob_key", "pdf_color"}
)


class CompanyRepository:
    """Companies, their establishments and their (encrypted) SUNAT credentials."""

    def __init__(self, session: Session, secrets: SecretBox) -> None:
        self.session = session
        self._secrets = secrets

    def create(
        self,
        issuer: party.Company,
        *,
        environment: SunatEnvironment = SunatEnvironment.SIMULATOR,
        endpoints: CustomEndpoints | None = None,
        logo_blob_key: str | None = None,
        pdf_color: str | None = None,
    ) -> Company:
        """A new company and its establishment "0000" (domicilio fiscal) at the fiscal address.

        Raises ``InvalidDocument`` when the RUC is malformed or already registered.
        """
        ruc = _valid_ruc(issuer.ruc)
        if not issuer.razon_social:
            raise InvalidDocument.single("the razón social is required", "razon_social")
        if self.get_by_ruc(ruc) is not None:
            raise InvalidDocument.single(f"a company with RUC {ruc} already exists", "ruc")
        address = issuer.address
        company = Company(
            ruc=ruc,
            razon_social=issuer.razon_social,
            nombre_comercial=issuer.nombre_comercial,
            email=issuer.email,
            telefono=issuer.telefono,
            logo_blob_key=logo_blob_key,
            pdf_color=pdf_color,
            **_address_columns(address),
        )
        self._apply_environment(company, environment, endpoints)
        try:
            with self.session.begin_nested():
                self.session.add(company)
                self.session.flush()
        except IntegrityError:
            raise InvalidDocument.single(f"a company with RUC {ruc} already exists", "ruc") from None
        self.add_establishment(
            company,
            address.codigo_establecimiento or FISCAL_ESTABLISHMENT,
            address,
            nombre="Domicilio fiscal",
        )
        return company

    def get(self, company_id: int) -> Company | None:
        return self.session.get(Company, company_id)

    def get_by_ruc(self, ruc: str) -> Company | None:
        return self.session.execute(select(Company).where(Company.ruc == ruc)).scalar_one_or_none()

    def list(self) -> list[Company]:
        return list(self.session.execute(select(Company).order_by(Company.ruc)).scalars())

    def update_profile(self, company: Company, **values: Any) -> Company:
        """Change the company's names, contact and printing details (not its RUC)."""
        unknown = set(values) - _PROFILE_FIELDS
        if unknown:
            raise TypeError(f"not a profile field: {', '.join(sorted(unknown))}")
        for name, value in values.items():
            setattr(company, name, value)
        self.session.flush()
        return company

    def update_address(self, company: Company, address: party.Address) -> Company:
        for name, value in _address_columns(address).items():
            setattr(company, name, value)
        self.session.flush()
        return company

    def set_environment(
        self,
        company: Company,
        environment: SunatEnvironment,
        endpoints: CustomEndpoints | None = None,
    ) -> Company:
        self._apply_environment(company, environment, endpoints)
        self.session.flush()
        return company

    @staticmethod
    def _apply_environment(
        company: Company, environment: SunatEnvironment, endpoints: CustomEndpoints | None
    ) -> None:
        environment = SunatEnvironment(environment)
        if environment is SunatEnvironment.CUSTOM and endpoints is None:
            raise InvalidDocument.single("a custom environment needs its endpoint URLs", "endpoints")
        if environment is not SunatEnvironment.CUSTOM and endpoints is not None:
            raise InvalidDocument.single("endpoint URLs are only for the custom environment", "endpoints")
        company.sunat_environment = environment.value
        company.endpoint_bill_service = endpoints.bill_service if endpoints else None
        company.endpoint_bill_service_otros = endpoints.bill_service_otros if endpoints else None
        company.endpoint_consult_service = endpoints.consult_service if endpoints else None
        company.endpoint_gre_auth = endpoints.gre_auth if endpoints else None
        company.endpoint_gre_cpe = endpoints.gre_cpe if endpoints else None

    @staticmethod
    def custom_endpoints(company: Company) -> CustomEndpoints | None:
        if company.sunat_environment != SunatEnvironment.CUSTOM.value or not company.endpoint_bill_service:
            return None
        return CustomEndpoints(
            bill_service=company.endpoint_bill_service,
            bill_service_otros=company.endpoint_bill_service_otros,
            consult_service=company.endpoint_consult_service,
            gre_auth=company.endpoint_gre_auth,
            gre_cpe=company.endpoint_gre_cpe,
        )

    def update_credentials(
        self,
        company: Company,
        *,
        sol: SolLogin | None = None,
        gre: GreClient | None = None,
        certificate: StoredCertificate | None = None,
    ) -> Company:
        """Replace the credentials given (the others stay as they are), encrypted."""
        box = self._secrets
        if sol is not None:
            if not sol.user:
                raise InvalidDocument.single("the SOL user is required", "sol_user")
            company.sol_user_encrypted = box.encrypt_text(sol.user)
            company.sol_password_encrypted = box.encrypt_text(sol.password)
        if gre is not None:
            if not gre.client_id:
                raise InvalidDocument.single("the GRE client id is required", "gre_client_id")
            company.gre_client_id_encrypted = box.encrypt_text(gre.client_id)
            company.gre_client_secret_encrypted = box.encrypt_text(gre.client_secret)
        if certificate is not None:
            if not certificate.pfx:
                raise InvalidDocument.single("the certificate file is empty", "certificate")
            company.certificate_pfx_encrypted = box.encrypt(certificate.pfx)
            company.certificate_password_encrypted = box.encrypt_text(certificate.password)
            company.certificate_subject = certificate.subject
            company.certificate_not_after = certificate.not_after
        self.session.flush()
        return company

    def sol_login(self, company: Company) -> SolLogin | None:
        if company.sol_user_encrypted is None or company.sol_password_encrypted is None:
            return None
        return SolLogin(
            self._secrets.decrypt_text(company.sol_user_encrypted).reveal(),
            self._secrets.decrypt_text(company.sol_password_encrypted),
        )

    def gre_client(self, company: Company) -> GreClient | None:
        if company.gre_client_id_encrypted is None or company.gre_client_secret_encrypted is None:
            return None
        return GreClient(
            self._secrets.decrypt_text(company.gre_client_id_encrypted).reveal(),
            self._secrets.decrypt_text(company.gre_client_secret_encrypted),
        )

    def certificate(self, company: Company) -> StoredCertificate | None:
        if company.certificate_pfx_encrypted is None or company.certificate_password_encrypted is None:
            return None
        return StoredCertificate(
            self._secrets.decrypt(company.certificate_pfx_encrypted),
            self._secrets.decrypt_text(company.certificate_password_encrypted),
            company.certificate_subject,
            company.certificate_not_after,
        )

    def issuer(self, company: Company, establishment: Establishment | None = None) -> party.Company:
        """The company as the domain's issuer, with the address of ``establishment`` when given."""
        if establishment is not None and establishment.company_id != company.id:
            raise LookupError("the establishment belongs to another company")
        source: Company | Establishment = establishment if establishment is not None else company
        address = party.Address(
            direccion=source.direccion,
            ubigeo=source.ubigeo,
            departamento=source.departamento,
            provincia=source.provincia,
            distrito=source.distrito,
            urbanizacion=source.urbanizacion,
            codigo_pais=source.codigo_pais,
            codigo_establecimiento=establishment.codigo
            if establishment is not None
            else FISCAL_ESTABLISHMENT,
        )
        return party.Company(
            company.ruc,
            company.razon_social,
            company.nombre_comercial,
            address,
            company.email,
            company.telefono,
        )

    def add_establishment(
        self,
        company: Company,
        codigo: str,
        address: party.Address | None = None,
        *,
        nombre: str | None = None,
    ) -> Establishment:
        if not (len(codigo) == 4 and codigo.isdigit()):
            raise InvalidDocument.single(
                "the establishment code is 4 digits (0000 = domicilio fiscal)", "codigo"
            )
        establishment = Establishment(
            company_id=company.id,
            codigo=codigo,
            nombre=nombre,
            **_address_columns(address or party.Address()),
        )
        try:
            with self.session.begin_nested():
                self.session.add(establishment)
                self.session.flush()
        except IntegrityError:
            raise InvalidDocument.single(
                f"the company already has an establishment {codigo}", "codigo"
            ) from None
        return establishment

    def establishment(self, company: Company, codigo: str) -> Establishment | None:
        return self.session.execute(
            select(Establishment).where(
                Establishment.company_id == company.id, Establishment.codigo == codigo
            )
        ).scalar_one_or_none()

    def establishments(self, company: Company) -> list[Establishment]:
        return list(
            self.session.execute(
                select(Establishment)
                .where(Establishment.company_id == company.id)
                .order_by(Establishment.codigo)
            ).scalars()
        )


def _address_columns(address: party.Address) -> dict[str, str | None]:
    return {
        "direccion": address.direccion,
        "ubigeo": address.ubigeo,
        "departamento": address.departamento,
        "provincia": address.provincia,
        "distrito": address.distrito,
        "urbanizacion": address.urbanizacion,
        "codigo_pais": address.codigo_pais or "PE",
    }


# --------------------------------------------------------------------------------------------
# Series
# --------------------------------------------------------------------------------------------


class SeriesRepository:
    """The series of one company."""

    def __init__(self, session: Session, company_id: int) -> None:
        self.session = session
        self.company_id = company_id

    def _establishment_id(self, establishment_id: int | None) -> int:
        query = select(Establishment.id).where(Establishment.company_id == self.company_id)
        if establishment_id is None:
            query = query.where(Establishment.codigo == FISCAL_ESTABLISHMENT)
        else:
            query = query.where(Establishment.id == establishment_id)
        found = self.session.execute(query).scalar_one_or_none()
        if found is None:
            raise InvalidDocument.single("no such establishment for this company", "establishment")
        return found

    def add(
        self,
        tipo_documento: str,
        serie: str,
        *,
        establishment_id: int | None = None,
        last_correlativo: int = 0,
    ) -> Series:
        """A new series (of the fiscal establishment unless another is given)."""
        if not serie or len(serie) > 20:
            raise InvalidDocument.single("the serie must have 1 to 20 characters", "serie")
        if last_correlativo < 0:
            raise InvalidDocument.single("the last correlativo cannot be negative", "last_correlativo")
        series = Series(
            company_id=self.company_id,
            establishment_id=self._establishment_id(establishment_id),
            tipo_documento=tipo_documento,
            serie=serie,
            last_correlativo=last_correlativo,
        )
        try:
            with self.session.begin_nested():
                self.session.add(series)
                self.session.flush()
        except IntegrityError:
            raise InvalidDocument.single(
                f"series {serie} of document type {tipo_documento} already exists", "serie"
            ) from None
        return series

    def ensure(self, tipo_documento: str, serie: str, *, establishment_id: int | None = None) -> Series:
        """The series, created when missing (safe when several transactions try at once)."""
        existing = self.get(tipo_documento, serie)
        if existing is not None:
            return existing
        values = {
            "company_id": self.company_id,
            "establishment_id": self._establishment_id(establishment_id),
            "tipo_documento": tipo_documento,
            "serie": serie,
            "last_correlativo": 0,
            "created_at": utc_now(),
        }
        self.session.execute(_insert_ignoring_duplicates(self.session, Series, values))
        found = self.get(tipo_documento, serie)
        assert found is not None
        return found

    def get(self, tipo_documento: str, serie: str) -> Series | None:
        return self.session.execute(
            select(Series).where(
                Series.company_id == self.company_id,
                Series.tipo_documento == tipo_documento,
                Series.serie == serie,
            )
        ).scalar_one_or_none()

    def list(self, tipo_documento: str | None = None) -> list[Series]:
        query = select(Series).where(Series.company_id == self.company_id)
        if tipo_documento is not None:
            query = query.where(Series.tipo_documento == tipo_documento)
        return list(self.session.execute(query.order_by(Series.tipo_documento, Series.serie)).scalars())


def _insert_ignoring_duplicates(session: Session, table: type[Any], values: dict[str, Any]) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).values(**values).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(table).values(**values).on_conflict_do_nothing()
    raise RuntimeError(f"unsupported database {dialect!r}")


# --------------------------------------------------------------------------------------------
# API users and tokens
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, repr=False)
class IssuedToken:
    """A token just created: ``token`` is the only time the plain value exists."""

    token: str
    record: ApiToken

    def __repr__(self) -> str:
        return f"IssuedToken(prefix={self.record.prefix!r}, id={self.record.id!r})"


@dataclass(frozen=True, slots=True)
class TokenIdentity:
    """Who a valid token speaks for."""

    token_id: int
    company_id: int
    ruc: str
    establishment_id: int | None
    establishment_codigo: str | None
    user_id: int | None


class TokenRepository:
    """API users and bearer tokens (stored as SHA-256 digests)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create_user(self, company_id: int, name: str, *, email: str | None = None) -> ApiUser:
        user = ApiUser(company_id=company_id, name=name, email=email)
        try:
            with self.session.begin_nested():
                self.session.add(user)
                self.session.flush()
        except IntegrityError:
            raise InvalidDocument.single(f"the company already has a user named {name!r}", "name") from None
        return user

    def create(
        self,
        company_id: int,
        *,
        establishment_id: int | None = None,
        user_id: int | None = None,
        name: str | None = None,
    ) -> IssuedToken:
        """A new token for the company (optionally bound to one of its establishments and users)."""
        if establishment_id is not None:
            owner = self.session.get(Establishment, establishment_id)
            if owner is None or owner.company_id != company_id:
                raise InvalidDocument.single("no such establishment for this company", "establishment")
        if user_id is not None:
            user = self.session.get(ApiUser, user_id)
            if user is None or user.company_id != company_id:
                raise InvalidDocument.single("no such user for this company", "user")
        plain = new_api_token()
        record = ApiToken(
            company_id=company_id,
            establishment_id=establishment_id,
            user_id=user_id,
            name=name,
            token_hash=token_digest(plain),
            prefix=token_prefix(plain),
        )
        self.session.add(record)
        self.session.flush()
        return IssuedToken(plain, record)

    def resolve(self, token: str) -> TokenIdentity | None:
        """The identity of a valid token; ``None`` when unknown, revoked or its user disabled."""
        if not token:
            return None
        row = self.session.execute(
            select(ApiToken, Company.ruc, Establishment.codigo)
            .join(Company, Company.id == ApiToken.company_id)
            .outerjoin(Establishment, Establishment.id == ApiToken.establishment_id)
            .where(ApiToken.token_hash == token_digest(token))
        ).first()
        if row is None:
            return None
        record, ruc, codigo = row
        if not token_matches(token, record.token_hash) or record.revoked_at is not None:
            return None
        if record.user_id is not None:
            disabled = self.session.execute(
                select(ApiUser.disabled_at).where(ApiUser.id == record.user_id)
            ).scalar_one_or_none()
            if disabled is not None:
                return None
        return TokenIdentity(
            record.id, record.company_id, ruc, record.establishment_id, codigo, record.user_id
        )

    def mark_used(self, token_id: int, at: datetime | None = None) -> None:
        """Record the token's last use (written at most once a minute per token)."""
        now = at or utc_now()
        self.session.execute(
            update(ApiToken)
            .where(
                ApiToken.id == token_id,
                (ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at < now - TOKEN_USE_RESOLUTION),
            )
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )

    def revoke(self, company_id: int, token_id: int) -> bool:
        """Revoke one of the company's tokens; ``False`` if it has no such active token."""
        result = self.session.execute(
            update(ApiToken)
            .where(ApiToken.id == token_id, ApiToken.company_id == company_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utc_now())
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def list(self, company_id: int, *, include_revoked: bool = False) -> list[ApiToken]:
        query = select(ApiToken).where(ApiToken.company_id == company_id)
        if not include_revoked:
            query = query.where(ApiToken.revoked_at.is_(None))
        return list(self.session.execute(query.order_by(ApiToken.id)).scalars())


# --------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------


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
    serie: str | None = None
    states: Collection[str] | None = None
    correlativo: int | None = None
    customer_numero_documento: str | None = None


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
        if new.establishment_id is not None:
            owner = self.session.get(Establishment, new.establishment_id)
            if owner is None or owner.company_id != self.company_id:
                raise InvalidDocument.single("no such establishment for this company", "establishment")
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
            created_at=now,
            updated_at=now,
        )
        self.session.add(document)
        self.session.add(DocumentEvent(document=document, at=now, from_state=None, to_state=document.state))
        self.session.flush()
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

    def _filtered(self, query: Select[Any], where: DocumentFilter) -> Select[Any]:
        if where.date_from is not None:
            query = query.where(Document.issue_date >= where.date_from)
        if where.date_to is not None:
            query = query.where(Document.issue_date <= where.date_to)
        if where.tipo_documento is not None:
            query = query.where(Document.tipo_documento == where.tipo_documento)
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
        self, where: DocumentFilter | None = None, *, limit: int = 100, offset: int = 0
    ) -> list[Document]:
        """Documents newest first (issue date, then insertion order)."""
        if not 1 <= limit <= MAX_LIST_LIMIT:
            raise InvalidDocument.single(f"limit must be between 1 and {MAX_LIST_LIMIT}", "limit")
        if offset < 0:
            raise InvalidDocument.single("offset cannot be negative", "offset")
        query = self._filtered(self._scoped(), where or DocumentFilter())
        query = query.order_by(Document.issue_date.desc(), Document.id.desc()).limit(limit).offset(offset)
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
    ) -> DocumentEvent:
        """Move the document to ``to_state`` and record the event, if it is still in the state expected.

        The change is a compare-and-set on the row (``expected_state``, by default the state the
        document had when read), so two workers can never both move the same document: the second
        gets ``StateConflict``. SUNAT's answer fields given here are stored on the document too.
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
        self.session.refresh(document)
        return event

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


# --------------------------------------------------------------------------------------------
# Idempotency keys
# --------------------------------------------------------------------------------------------


class IdempotencyOutcome(StrEnum):
    NEW = "new"  # first time: go on and ``complete`` the key with the answer
    REPLAY = "replay"  # same request seen before: answer with the stored response
    MISMATCH = "mismatch"  # the key was used for a different request: refuse
    IN_PROGRESS = "in_progress"  # the first request has not finished yet: refuse, retry later


@dataclass(frozen=True, slots=True)
class IdempotencyClaim:
    outcome: IdempotencyOutcome
    record: IdempotencyKey = field(repr=False)


class IdempotencyRepository:
    """The ``Idempotency-Key`` values of one company."""

    def __init__(self, session: Session, company_id: int) -> None:
        self.session = session
        self.company_id = company_id

    def _get(self, key: str) -> IdempotencyKey | None:
        return self.session.execute(
            select(IdempotencyKey)
            .where(IdempotencyKey.company_id == self.company_id, IdempotencyKey.key == key)
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()

    def claim(self, key: str, request_fingerprint: str) -> IdempotencyClaim:
        """Register ``key`` for a request, or tell what became of the request that used it first.

        Safe under concurrency: exactly one of several transactions claiming the same key gets
        ``NEW`` (on PostgreSQL the others wait until that one ends).
        """
        if not key or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
            raise InvalidDocument.single(
                f"the idempotency key must have 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters",
                "Idempotency-Key",
            )
        values = {
            "company_id": self.company_id,
            "key": key,
            "request_fingerprint": request_fingerprint,
            "created_at": utc_now(),
        }
        inserted = self.session.execute(
            _insert_ignoring_duplicates(self.session, IdempotencyKey, values).returning(IdempotencyKey.id)
        ).scalar_one_or_none()
        record = self._get(key)
        assert record is not None
        if inserted is not None:
            return IdempotencyClaim(IdempotencyOutcome.NEW, record)
        if record.request_fingerprint != request_fingerprint:
            return IdempotencyClaim(IdempotencyOutcome.MISMATCH, record)
        if record.response_status is None:
            return IdempotencyClaim(IdempotencyOutcome.IN_PROGRESS, record)
        return IdempotencyClaim(IdempotencyOutcome.REPLAY, record)

    def complete(self, key: str, status: int, body: str, content_type: str = "application/json") -> None:
        """Store the answer given to the request that claimed ``key``."""
        result = self.session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.company_id == self.company_id, IdempotencyKey.key == key)
            .values(
                response_status=status,
                response_body=body,
                response_content_type=content_type,
                completed_at=utc_now(),
            )
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            raise LookupError(f"idempotency key {key!r} was not claimed")

    def release(self, key: str) -> None:
        """Forget an unfinished key (its request failed before answering), so it can be retried."""
        self.session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.company_id == self.company_id,
                IdempotencyKey.key == key,
                IdempotencyKey.response_status.is_(None),
            )
        )

    def purge(self, older_than: datetime) -> int:
        """Delete the company's keys created before ``older_than``; returns how many."""
        result = self.session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.company_id == self.company_id,
                IdempotencyKey.created_at < older_than.astimezone(UTC),
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
