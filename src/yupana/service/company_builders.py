"""Each company's document builder (its signing key parsed once), shared by every use case.

``CompanyBuilders.get(companies, company)`` gives the ``DocumentBuilder`` that signs with the
company's certificate; the key is parsed on first use and kept until the certificate changes.
A company that cannot sign (no certificate, unreadable certificate) raises ``CompanyNotReady``.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from yupana.service.build import DocumentBuilder
from yupana.service.families import RuleSettings
from yupana.signing.certificate import CertificateError, signing_key_from_bytes
from yupana.signing.xmldsig import Signer
from yupana.store.models import Company
from yupana.store.repositories import CompanyRepository


class CompanyNotReady(Exception):
    """The company cannot issue yet (no certificate, unreadable certificate, unknown company)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CompanyBuilders:
    def __init__(
        self,
        sunat_rules: Path | None = None,
        signature_algorithm: str = "rsa-sha1",
        rules: RuleSettings | None = None,
    ) -> None:
        self.sunat_rules = sunat_rules
        self.signature_algorithm = signature_algorithm
        self.rules = rules or RuleSettings()
        self._builders: dict[tuple[int, bytes], DocumentBuilder] = {}
        self._lock = threading.Lock()

    def get(self, companies: CompanyRepository, company: Company) -> DocumentBuilder:
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
        builder = DocumentBuilder(
            Signer(key, self.signature_algorithm), self.sunat_rules, self.rules, offline=False
        )
        with self._lock:
            self._builders = {k: v for k, v in self._builders.items() if k[0] != company.id}
            self._builders[cache_key] = builder
        return builder
