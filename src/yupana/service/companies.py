"""Registering companies and managing their credentials and API tokens.

What the ``yupana company add`` / ``yupana token create`` commands and the admin API
(``yupana.api.admin``) do, in one place. Every function works inside the caller's session and
transaction. Input problems are ``InvalidDocument`` (with the JSON path of the field); an
unreadable certificate is ``CertificateError``. Nothing here returns or logs a secret: the views
(``company_view``, ``token_view``) say whether a credential is set, never what it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yupana.dialects.native.issuer import parse_issuer
from yupana.domain import party
from yupana.domain.problems import InvalidDocument
from yupana.signing.certificate import SigningKey, signing_key_from_bytes
from yupana.store.models import ApiToken, Company, SunatEnvironment
from yupana.store.repositories import (
    CompanyRepository,
    IssuedToken,
    SolLogin,
    StoredCertificate,
    TokenRepository,
)
from yupana.store.secrets import Secret, SecretBox


@dataclass(frozen=True, slots=True, repr=False)
class CertificateUpload:
    """A PFX (or PEM) file with its password, as given by an operator."""

    data: bytes
    password: str | None

    def __repr__(self) -> str:
        return "CertificateUpload(data='***', password='***')"


@dataclass(frozen=True, slots=True, repr=False)
class Registration:
    """A company just registered and its first API token (the only time the token is shown)."""

    company: Company
    token: IssuedToken

    def __repr__(self) -> str:
        return f"Registration(ruc={self.company.ruc!r}, token={self.token!r})"


def company_issuer(
    ruc: str,
    razon_social: str,
    nombre_comercial: str | None = None,
    address: object | None = None,
) -> party.Company:
    """The company as the domain's issuer; ``address`` is the native ``direccion`` object.

    Raises ``InvalidDocument`` listing every problem (paths as in the native issuer:
    ``ruc``, ``direccion.ubigeo``...).
    """
    body: dict[str, object] = {"ruc": ruc, "razon_social": razon_social}
    if nombre_comercial:
        body["nombre_comercial"] = nombre_comercial
    if address is not None:
        body["direccion"] = address
    return parse_issuer(body)


def load_certificate(upload: CertificateUpload) -> SigningKey:
    """The signing key in ``upload``; ``CertificateError`` when it cannot be opened."""
    return signing_key_from_bytes(upload.data, upload.password)


def _stored(upload: CertificateUpload, key: SigningKey) -> StoredCertificate:
    return StoredCertificate(upload.data, Secret(upload.password or ""), key.subject, key.not_after)


def register_company(
    session: Session,
    secrets: SecretBox,
    issuer: party.Company,
    certificate: CertificateUpload,
    key: SigningKey,
    *,
    environment: SunatEnvironment | str = SunatEnvironment.SIMULATOR,
    sol: SolLogin | None = None,
    token_name: str | None = None,
) -> Registration:
    """A new company with its certificate (``key`` is ``load_certificate(certificate)``), its SOL
    login when given, and a first API token. ``InvalidDocument`` when the RUC is taken or wrong."""
    companies = CompanyRepository(session, secrets)
    company = companies.create(issuer, environment=SunatEnvironment(environment))
    companies.update_credentials(company, certificate=_stored(certificate, key), sol=sol)
    issued = TokenRepository(session).create(company.id, name=token_name)
    return Registration(company, issued)


def find_company(session: Session, secrets: SecretBox, ruc: str) -> Company | None:
    return CompanyRepository(session, secrets).get_by_ruc(ruc)


def list_companies(session: Session, secrets: SecretBox) -> list[Company]:
    return CompanyRepository(session, secrets).list()


def replace_certificate(
    session: Session, secrets: SecretBox, company: Company, upload: CertificateUpload
) -> SigningKey:
    """Load ``upload`` and make it the company's certificate; ``CertificateError`` (nothing
    changed) when it cannot be opened."""
    key = load_certificate(upload)
    CompanyRepository(session, secrets).update_credentials(company, certificate=_stored(upload, key))
    return key


def replace_sol_login(
    session: Session, secrets: SecretBox, company: Company, user: str, password: str
) -> None:
    """The company's SOL secondary user and password (stored encrypted)."""
    if not password:
        raise InvalidDocument.single("the SOL password is required", "password")
    CompanyRepository(session, secrets).update_credentials(company, sol=SolLogin(user, Secret(password)))


def issue_token(session: Session, company: Company, name: str | None = None) -> IssuedToken:
    """A new API token for the company."""
    return TokenRepository(session).create(company.id, name=name)


def revoke_token(session: Session, prefix: str) -> ApiToken | None:
    """Revoke the active token shown as ``prefix``; ``None`` when there is none.

    ``InvalidDocument`` when several active tokens share the prefix (revoke none: the caller
    must say which).
    """
    matches = list(
        session.execute(
            select(ApiToken).where(ApiToken.prefix == prefix, ApiToken.revoked_at.is_(None))
        ).scalars()
    )
    if not matches:
        return None
    if len(matches) > 1:
        raise InvalidDocument.single(f"several active tokens start with {prefix}", "prefix")
    token = matches[0]
    TokenRepository(session).revoke(token.company_id, token.id)
    return token


def active_tokens(session: Session, company: Company) -> list[ApiToken]:
    return TokenRepository(session).list(company.id)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def certificate_view(subject: str | None, not_after: datetime | None) -> dict[str, Any] | None:
    """What the admin API says about a certificate: its subject, expiry and whether it expired."""
    if subject is None and not_after is None:
        return None
    view: dict[str, Any] = {"subject": subject, "not_after": _iso(not_after)}
    if not_after is not None:
        view["expired"] = not_after <= datetime.now(UTC)
    return view


def company_summary(company: Company) -> dict[str, Any]:
    """The company as ``yupana company add`` prints it."""
    return {
        "id": company.id,
        "ruc": company.ruc,
        "razon_social": company.razon_social,
        "nombre_comercial": company.nombre_comercial,
        "environment": company.sunat_environment,
        "certificate": {
            "subject": company.certificate_subject,
            "not_after": _iso(company.certificate_not_after),
        },
    }


def company_view(company: Company) -> dict[str, Any]:
    """The company as the admin API shows it: profile, address, which credentials are set (never
    their values) and the certificate's subject and expiry."""
    return {
        "id": company.id,
        "ruc": company.ruc,
        "razon_social": company.razon_social,
        "nombre_comercial": company.nombre_comercial,
        "environment": company.sunat_environment,
        "address": {
            "direccion": company.direccion,
            "ubigeo": company.ubigeo,
            "departamento": company.departamento,
            "provincia": company.provincia,
            "distrito": company.distrito,
            "urbanizacion": company.urbanizacion,
            "codigo_pais": company.codigo_pais,
        },
        "certificate": certificate_view(company.certificate_subject, company.certificate_not_after),
        "sol": {"configured": company.sol_user_encrypted is not None},
        "gre": {"configured": company.gre_client_id_encrypted is not None},
    }


def token_view(token: ApiToken) -> dict[str, Any]:
    """A token as listed: its shown prefix and dates (the token itself is never kept)."""
    return {
        "prefix": token.prefix,
        "name": token.name,
        "created_at": _iso(token.created_at),
        "last_used_at": _iso(token.last_used_at),
        "revoked_at": _iso(token.revoked_at),
    }
