"""Yupana's one settings object, read from the environment (prefix ``YUPANA_``).

Defaults work on a laptop with no services.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YUPANA_", extra="ignore")

    # Folder that contains SUNAT's SFS ``sunat_archivos/`` tree. When set, every document is also
    # checked with SUNAT's own validation stylesheets (needs the ``sunat-xsl`` extra).
    sunat_rules: Path | None = None
    # Signature algorithm of issued documents: "rsa-sha1" (as in SUNAT's XML guides) or "rsa-sha256".
    signature_algorithm: str = "rsa-sha1"
    data_dir: Path = Path("data")
    # Database URL (sqlite:///… or postgresql://…); unset: the SQLite file yupana.db in data_dir.
    # Kept out of repr: a URL may carry a password.
    database_url: str | None = Field(default=None, repr=False)
    # Fernet key(s) that encrypt stored secrets, comma-separated (the first encrypts); unset: the
    # key file secret.key in data_dir, created on first run.
    secret_key: SecretStr | None = None
    # Base URL of the SUNAT simulator used by companies in the "simulator" environment; unset:
    # ``yupana serve`` starts one in-process on simulator_port (0: any free port).
    simulator_url: str | None = None
    simulator_port: int = 0
    # Seconds to wait for SUNAT when a factura or its note is sent during the request.
    send_timeout: float = 10.0
    # Largest request body the API reads, in bytes.
    max_body_bytes: int = 1_000_000
    # Bearer token of the admin API (``/admin/...``: companies, credentials, API tokens); unset:
    # the admin API is off and every ``/admin`` path answers 404.
    admin_token: SecretStr | None = None


@cache
def get_settings() -> Settings:
    return Settings()
