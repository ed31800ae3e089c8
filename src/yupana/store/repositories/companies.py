"""Companies, their establishments and their SUNAT credentials (encrypted with a ``SecretBox``).

The credential values handed back (``SolLogin``, ``GreClient``, ``StoredCertificate``) never show a
secret in their ``repr``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yupana.domain import party
from yupana.domain.problems import InvalidDocument
from yupana.store.models import Company, Establishment, SunatEnvironment
from yupana.store.secrets import Secret, SecretBox

FISCAL_ESTABLISHMENT = "0000"


def _valid_ruc(ruc: str) -> str:
    if not (isinstance(ruc, str) and len(ruc) == 11 and ruc.isdigit()):
        raise InvalidDocument.single("the RUC must be 11 digits", "ruc", "0002")
    return ruc


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
    {
        "razon_social",
        "nombre_comercial",
        "email",
        "telefono",
        "logo_blob_key",
        "pdf_color",
        "boletas_individually",
        "sunat_max_per_second",
    }
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
        """Change the company's names, contact, printing details and sending options (not its RUC)."""
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
