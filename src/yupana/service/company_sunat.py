"""A company's way to SUNAT: its endpoints and credentials, read from the store, as a client.

``SunatAccess.client(company_id)`` gives a ``CompanyClient`` (``yupana.sunat``) for the company's
environment (simulator, beta, production, or its OSE's URLs) and credentials (SOL user; GRE client;
SUNAT's public beta user when the company has none and is not in production), or ``None`` with the
reason when the company cannot reach SUNAT. One pooled HTTP client and one GRE token cache serve
every company of the process; credentials travel in each request.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import httpx
from sqlalchemy.orm import Session, sessionmaker

from yupana.store.database import session_scope
from yupana.store.models import Company, SunatEnvironment
from yupana.store.repositories import CompanyRepository
from yupana.store.secrets import SecretBox
from yupana.sunat.company_client import CompanyClient
from yupana.sunat.credentials import GreCredentials, SolCredentials
from yupana.sunat.endpoints import Endpoints
from yupana.sunat.gre_token import TokenCache
from yupana.sunat.transport import HttpOptions, make_client

# SUNAT's beta (and the simulator) accept any RUC with this SOL user and password.
BETA_SOL_USER = "MODDATOS"
BETA_SOL_PASSWORD = "moddatos"
# The simulator's GRE platform accepts any client id with this prefix (and a secret).
SIMULATOR_GRE_CLIENT_PREFIX = "test-"


@dataclass(frozen=True, slots=True)
class Unreachable:
    """Why a company's documents cannot be sent now (no endpoint, no credentials)."""

    reason: str


def endpoints_of(company: Company, simulator_url: str | None) -> Endpoints | None:
    """The URLs of the company's environment (``None``: a custom one without URLs, or the
    simulator environment when no simulator runs)."""
    environment = SunatEnvironment(company.sunat_environment)
    if environment is SunatEnvironment.SIMULATOR:
        return Endpoints.simulator(simulator_url) if simulator_url else None
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


def _testing(company: Company) -> bool:
    return company.sunat_environment in (SunatEnvironment.SIMULATOR.value, SunatEnvironment.BETA.value)


def sol_credentials(companies: CompanyRepository, company: Company) -> SolCredentials | None:
    login = companies.sol_login(company)
    if login is not None:
        return SolCredentials(company.ruc, login.user, login.password.reveal())
    if _testing(company):
        return SolCredentials(company.ruc, BETA_SOL_USER, BETA_SOL_PASSWORD)
    return None


def gre_credentials(companies: CompanyRepository, company: Company) -> GreCredentials | None:
    client = companies.gre_client(company)
    if client is not None:
        return GreCredentials(client.client_id, client.client_secret.reveal())
    if company.sunat_environment == SunatEnvironment.SIMULATOR.value:
        return GreCredentials(f"{SIMULATOR_GRE_CLIENT_PREFIX}{company.ruc}", "simulator")
    return None


class SunatAccess:
    """Clients for the companies of the store, sharing one HTTP connection pool."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        secrets: SecretBox,
        *,
        simulator_url: str | None = None,
        http: HttpOptions | None = None,
        cache_seconds: float = 30.0,
    ) -> None:
        self.sessions = sessions
        self.secrets = secrets
        self.simulator_url = simulator_url
        self.http = http or HttpOptions()
        self.cache_seconds = cache_seconds
        self._client: httpx.Client | None = None
        self._tokens = TokenCache()
        self._lock = threading.Lock()
        self._clients: dict[int, tuple[CompanyClient, float]] = {}

    def _shared(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = make_client(self.http)
            return self._client

    def client(self, company_id: int) -> CompanyClient | Unreachable:
        """The company's client (not to be closed by the caller: its pool is shared).

        Kept for ``cache_seconds`` per company, so that a worker sending many documents does not
        read and decrypt the credentials for each one: a change of a company's endpoints or
        credentials reaches running workers within that time."""
        now = time.monotonic()
        with self._lock:
            cached = self._clients.get(company_id)
        if cached is not None and cached[1] > now:
            return cached[0]
        made = self._make_client(company_id)
        if isinstance(made, CompanyClient) and self.cache_seconds > 0:
            with self._lock:
                self._clients[company_id] = (made, now + self.cache_seconds)
        return made

    def forget(self, company_id: int | None = None) -> None:
        """Drop the cached client of ``company_id`` (every company's when None)."""
        with self._lock:
            if company_id is None:
                self._clients.clear()
            else:
                self._clients.pop(company_id, None)

    def _make_client(self, company_id: int) -> CompanyClient | Unreachable:
        with session_scope(self.sessions, write=False) as session:
            companies = CompanyRepository(session, self.secrets)
            company = companies.get(company_id)
            if company is None:
                return Unreachable("unknown company")
            endpoints = endpoints_of(company, self.simulator_url)
            if endpoints is None:
                return Unreachable(f"company {company.ruc} has no SUNAT endpoint configured")
            sol = sol_credentials(companies, company)
            if sol is None:
                return Unreachable(f"company {company.ruc} has no SOL user for {company.sunat_environment}")
            gre = gre_credentials(companies, company)
        return CompanyClient(
            endpoints, sol, gre, client=self._shared(), options=self.http, tokens=self._tokens
        )

    def close(self) -> None:
        with self._lock:
            self._clients.clear()
            if self._client is not None:
                self._client.close()
                self._client = None
