"""Yupana's one settings object, read from the environment (prefix ``YUPANA_``).

Defaults work on a laptop with no services.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from yupana.command_settings import DEFAULTS, PREFIX


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="ignore")

    # Folder that contains SUNAT's SFS ``sunat_archivos/`` tree. When set, every document is also
    # checked with SUNAT's own validation stylesheets (needs the ``sunat-xsl`` extra).
    sunat_rules: Path | None = DEFAULTS.sunat_rules
    # Signature algorithm of issued documents: "rsa-sha1" (as in SUNAT's XML guides) or "rsa-sha256".
    signature_algorithm: str = DEFAULTS.signature_algorithm
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
    # Seconds to wait for SUNAT when a document is sent (during the request or by a worker).
    send_timeout: float = 10.0
    # Facturas, their notes, retentions and perceptions are sent once during the request that
    # issues them (the answer carries SUNAT's verdict); false: the request only queues them and
    # answers at once (state 01), and the workers send them.
    send_in_request: bool = True
    # Largest request body the API reads, in bytes.
    max_body_bytes: int = 1_000_000
    # Bearer token of the admin API (``/admin/...``: companies, credentials, API tokens); unset:
    # the admin API is off and every ``/admin`` path answers 404.
    admin_token: SecretStr | None = None

    # -- the job queue and the lifecycle with SUNAT -------------------------------------------
    # Redis URL of the job queue shared by several machines; unset: a SQLite queue (queue.db in
    # data_dir) that the processes of one machine share, with no broker.
    redis_url: str | None = Field(default=None, repr=False)
    # ``yupana serve`` also runs a worker process (``yupana worker``), so that one command does
    # everything; set false when workers run elsewhere.
    embedded_worker: bool = True
    # Threads of each worker process (documents sent to SUNAT at the same time).
    worker_threads: int = 4
    # Seconds between two looks of the reconciler at what the database says is due, and how late
    # a due document must be before the reconciler queues it again (its message may be lost).
    reconcile_interval: float = 5.0
    reconcile_grace: float = 30.0
    # Seconds a boleta waits before the automatic resumen diario takes it (the summary of a day
    # also goes as soon as it has summary_max_lines boletas), and the lines of one summary.
    summary_delay: float = 600.0
    summary_max_lines: int = 500
    # Retries of a send that failed: first wait, growth factor, longest wait (s), most attempts.
    retry_base: float = 2.0
    retry_factor: float = 2.0
    retry_max: float = 900.0
    retry_max_attempts: int = 50
    # Ticket polling: first wait and longest wait (s); how long a worker holds a send (s).
    poll_first: float = 1.0
    poll_max: float = 300.0
    send_lease: float = 120.0
    # Most documents per second sent to SUNAT for one company, per worker process (unset: no limit;
    # a company may set its own).
    sunat_rate_per_second: float | None = None
    # Webhook deliveries: seconds to wait for the receiver.
    webhook_timeout: float = 10.0


@cache
def get_settings() -> Settings:
    return Settings()
