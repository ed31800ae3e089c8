"""Registering companies and managing their credentials and API tokens.

What the ``yupana company add`` / ``yupana token create`` commands and the admin API
(``yupana.api.admin``) do, in one place. Every function works inside the caller's session and
transaction. Input problems are ``InvalidDocument`` (with the JSON path of the field); an
unreadable certificate is ``CertificateError``. Nothing here returns or logs a secret: the views
(``company_view``, ``token_view``) say whether a credential is set, never what it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from yupana.dialects.native.issuer import parse_issuer
from yupana.domain import party
from yupana.domain.problems import InvalidDocument
from yupana.signing.certificate import SigningKey, signing_key_from_bytes
from yupana.store.blobs import BlobStore
from yupana.store.models import ApiToken, Company, Establishment, SunatEnvironment
from yupana.store.repositories import (
    CompanyRepository,
    CustomEndpoints,
    GreClient,
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
    gre: GreClient | None = None,
    endpoints: CustomEndpoints | None = None,
    token_name: str | None = None,
) -> Registration:
    """A new company with its certificate (``key`` is ``load_certificate(certificate)``), its SOL
    login and GRE client when given, and a first API token. ``InvalidDocument`` when the RUC is
    taken or wrong."""
    companies = CompanyRepository(session, secrets)
    company = companies.create(issuer, environment=SunatEnvironment(environment), endpoints=endpoints)
    companies.update_credentials(company, certificate=_stored(certificate, key), sol=sol, gre=gre)
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


def replace_gre_client(
    session: Session, secrets: SecretBox, company: Company, client_id: str, client_secret: str
) -> None:
    """The company's client id and secret for SUNAT's GRE API (stored encrypted)."""
    if not client_id:
        raise InvalidDocument.single("the GRE client id is required", "client_id")
    if not client_secret:
        raise InvalidDocument.single("the GRE client secret is required", "client_secret")
    CompanyRepository(session, secrets).update_credentials(
        company, gre=GreClient(client_id, Secret(client_secret))
    )


ENDPOINT_NAMES = ("bill_service", "bill_service_otros", "consult_service", "gre_auth", "gre_cpe")


def _endpoint_url(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise InvalidDocument.single("the endpoint must be an http(s) URL", path)
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidDocument.single("the endpoint must be an http(s) URL", path)
    return value.strip()


def custom_endpoints(endpoints: object) -> CustomEndpoints:
    """The URLs of a ``custom`` environment from ``{"bill_service": URL, ...}`` (names in
    ``ENDPOINT_NAMES``; ``bill_service`` is required). ``InvalidDocument`` with the field's path."""
    if not isinstance(endpoints, Mapping):
        raise InvalidDocument.single(
            "a custom environment needs its endpoints, at least bill_service", "endpoints"
        )
    unknown = sorted(str(k) for k in endpoints if k not in ENDPOINT_NAMES)
    if unknown:
        raise InvalidDocument.single(
            f"unknown endpoint {unknown[0]} (known: {', '.join(ENDPOINT_NAMES)})", f"endpoints.{unknown[0]}"
        )
    if not endpoints.get("bill_service"):
        raise InvalidDocument.single(
            "a custom environment needs at least the billService URL", "endpoints.bill_service"
        )
    urls = {
        name: _endpoint_url(endpoints[name], f"endpoints.{name}")
        for name in ENDPOINT_NAMES
        if endpoints.get(name) is not None
    }
    return CustomEndpoints(**urls)


def change_environment(
    session: Session,
    secrets: SecretBox,
    company: Company,
    environment: str,
    endpoints: object | None = None,
) -> None:
    """Send the company's documents to ``environment``; ``custom`` takes ``endpoints`` (see
    ``custom_endpoints``), the others none."""
    try:
        chosen = SunatEnvironment(environment)
    except ValueError:
        names = ", ".join(e.value for e in SunatEnvironment)
        raise InvalidDocument.single(f"the environment is one of {names}", "environment") from None
    if chosen is SunatEnvironment.CUSTOM:
        urls: CustomEndpoints | None = custom_endpoints(endpoints)
    elif endpoints:
        raise InvalidDocument.single("endpoint URLs are only for the custom environment", "endpoints")
    else:
        urls = None
    CompanyRepository(session, secrets).set_environment(company, chosen, urls)


def add_establishment(
    session: Session,
    secrets: SecretBox,
    company: Company,
    codigo: str,
    address: object | None = None,
    nombre: str | None = None,
) -> Establishment:
    """A new establishment (anexo) of the company; ``address`` is the native ``direccion`` object
    (problems have paths ``direccion...``)."""
    parsed = company_issuer(company.ruc, company.razon_social, None, address).address
    return CompanyRepository(session, secrets).add_establishment(company, codigo, parsed, nombre=nombre)


def establishment_view(establishment: Establishment) -> dict[str, Any]:
    return {
        "codigo": establishment.codigo,
        "nombre": establishment.nombre,
        "address": {
            "direccion": establishment.direccion,
            "ubigeo": establishment.ubigeo,
            "departamento": establishment.departamento,
            "provincia": establishment.provincia,
            "distrito": establishment.distrito,
            "urbanizacion": establishment.urbanizacion,
            "codigo_pais": establishment.codigo_pais,
        },
    }


def list_establishments(session: Session, secrets: SecretBox, company: Company) -> list[Establishment]:
    return CompanyRepository(session, secrets).establishments(company)


PDF_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
LOGO_MAX_BYTES = 512 * 1024
_LOGO_KINDS = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"))


def logo_kind(data: bytes) -> str:
    """``png`` or ``jpg`` from the file's first bytes; ``InvalidDocument`` for anything else or a
    file over ``LOGO_MAX_BYTES``."""
    if not data:
        raise InvalidDocument.single("the logo is empty", "logo")
    if len(data) > LOGO_MAX_BYTES:
        raise InvalidDocument.single(f"the logo is larger than {LOGO_MAX_BYTES // 1024} KiB", "logo")
    for magic, kind in _LOGO_KINDS:
        if data.startswith(magic):
            return kind
    raise InvalidDocument.single("the logo must be a PNG or JPEG image", "logo")


def change_branding(
    session: Session,
    secrets: SecretBox,
    blobs: BlobStore,
    company: Company,
    *,
    pdf_color: str | None = None,
    logo: bytes | None = None,
) -> list[str]:
    """Set the PDF colour (``#RRGGBB``) and/or the logo (PNG or JPEG, kept in the blob store).
    Everything is checked before anything is written. Answers the blob keys written, so that a
    caller whose transaction fails can remove them."""
    if pdf_color is not None and not PDF_COLOR.fullmatch(pdf_color):
        raise InvalidDocument.single("the PDF colour is #RRGGBB (hexadecimal)", "pdf_color")
    kind = logo_kind(logo) if logo is not None else None
    values: dict[str, Any] = {}
    written: list[str] = []
    if pdf_color is not None:
        values["pdf_color"] = pdf_color.upper()
    if logo is not None:
        written.append(blobs.put(f"{company.ruc}/branding/logo.{kind}", logo))
        values["logo_blob_key"] = written[-1]
    if values:
        CompanyRepository(session, secrets).update_profile(company, **values)
    return written


def issue_token(
    session: Session,
    company: Company,
    name: str | None = None,
    establishment: str | None = None,
) -> IssuedToken:
    """A new API token for the company; with ``establishment`` (its code, e.g. ``0001``) the
    documents issued with it carry that establishment's address and code."""
    establishment_id = None
    if establishment is not None:
        found = session.execute(
            select(Establishment).where(
                Establishment.company_id == company.id, Establishment.codigo == establishment
            )
        ).scalar_one_or_none()
        if found is None:
            raise InvalidDocument.single(f"the company has no establishment {establishment}", "establishment")
        establishment_id = found.id
    return TokenRepository(session).create(company.id, establishment_id=establishment_id, name=name)


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
    their values), the certificate's subject and expiry, the custom endpoints and the branding."""
    custom = CompanyRepository.custom_endpoints(company)
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
        "endpoints": {name: getattr(custom, name) for name in ENDPOINT_NAMES} if custom else None,
        "branding": {"pdf_color": company.pdf_color, "has_logo": company.logo_blob_key is not None},
        "sending": {
            "boletas_individually": bool(company.boletas_individually),
            "sunat_max_per_second": company.sunat_max_per_second,
        },
    }


def token_view(token: ApiToken, establishment: str | None = None) -> dict[str, Any]:
    """A token as listed: its shown prefix, the code of the establishment it is bound to, and its
    dates (the token itself is never kept)."""
    return {
        "prefix": token.prefix,
        "name": token.name,
        "establishment": establishment,
        "created_at": _iso(token.created_at),
        "last_used_at": _iso(token.last_used_at),
        "revoked_at": _iso(token.revoked_at),
    }
