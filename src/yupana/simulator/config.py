"""The simulator's settings: where it keeps its state, which checks it runs, which faults it injects.

Every setting has an environment variable (read by :func:`SimulatorSettings.from_env`); the
``yupana simulator`` command overrides a few with options. Several can be changed while the
simulator runs through its admin endpoint (``/_admin``, see ``yupana.simulator.admin``).

==============================  ==========================================================================
variable                        meaning
==============================  ==========================================================================
``YUPANA_SIM_DATA``             folder for the SQLite database and the simulator's certificate (``./data/simulator``)
``YUPANA_SUNAT_RULES``          folder containing SUNAT's ``sunat_archivos/``: run SUNAT's SFS stylesheets
``YUPANA_SIM_TICKET_DELAY``     seconds a ticket answers 98 (en proceso) before its result (``1``)
``YUPANA_SIM_SKIP_CHECKS``      comma list of checks not run: ``signature``, ``xsd``, ``sfs``,
                                ``references`` (RA/RR/RC against what was registered), ``duplicates``
``YUPANA_SIM_REJECTIONS``       how a rejection (2000–3999) found by SUNAT's stylesheets is answered by
                                ``sendBill``: ``fault`` (SOAP fault, as SUNAT's gateway does; default) or
                                ``cdr`` (a CDR with that ResponseCode)
``YUPANA_SIM_FAULT_RATE``       share (0–1) of service requests that get an injected fault (default 0, or 1
                                when ``YUPANA_SIM_FAULTS`` is set and the rate is not)
``YUPANA_SIM_FAULTS``           comma list of fault kinds drawn from (``FAULT_KINDS``)
``YUPANA_SIM_SEED``             seed of the fault draw (same seed, same requests → same faults)
``YUPANA_SIM_LATENCY``          seconds a ``latency`` fault delays an answer (``2``)
``YUPANA_SIM_TIMEOUT``          seconds a ``timeout`` fault holds a request before dropping it (``60``)
``YUPANA_SIM_ADMIN_TOKEN``      bearer token of the admin endpoint; unset: admin only from loopback
``YUPANA_SIM_USERS_FILE``       JSON file of SOL users and GRE clients known from the start
``YUPANA_SIM_TOKEN_TTL``        seconds a GRE access token lives (``3600``)
==============================  ==========================================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

ENV_PREFIX = "YUPANA_SIM_"
RULES_ENV = "YUPANA_SUNAT_RULES"

# Checks that can be switched off (unsigned sample files, XSD-invalid corpora, voids of documents
# the simulator never saw).
CHECKS = ("signature", "xsd", "sfs", "references", "duplicates")

# Injected faults:
#   latency   the answer comes late (YUPANA_SIM_LATENCY seconds), otherwise normal
#   timeout   no answer for YUPANA_SIM_TIMEOUT seconds, then the connection is dropped; nothing processed
#   reset     the connection is reset at once; nothing processed
#   http500   an HTML "500 Internal Server Error" page from the web tier (GRE: SUNAT's JSON 500)
#   http503   an HTML "503 Service Unavailable" page (with Retry-After)
#   0109, 0130, 0132, 0200
#             SUNAT's "El sistema no puede responder su solicitud" exceptions as SOAP faults
#             (GRE: HTTP 500 with that code); nothing processed
#   lost-cdr  the request is processed and stored, then the connection is dropped before the answer:
#             the client must recover the CDR with getStatusCdr (or poll its ticket again)
FAULT_KINDS = (
    "latency",
    "timeout",
    "reset",
    "http500",
    "http503",
    "0109",
    "0130",
    "0132",
    "0200",
    "lost-cdr",
)
REJECTION_MODES = ("fault", "cdr")


class SettingsError(ValueError):
    """A setting with a value the simulator cannot use."""


def parse_list(text: str | None, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    """A comma list of names, each one of ``allowed``."""
    items = tuple(item.strip().lower() for item in (text or "").split(",") if item.strip())
    unknown = [item for item in items if item not in allowed]
    if unknown:
        raise SettingsError(f"unknown {what}: {', '.join(unknown)} (known: {', '.join(allowed)})")
    return items


def _number(
    env: Mapping[str, str], name: str, default: float, low: float = 0.0, high: float | None = None
) -> float:
    raw = env.get(ENV_PREFIX + name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{ENV_PREFIX}{name} must be a number, got {raw!r}") from exc
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise SettingsError(f"{ENV_PREFIX}{name} must be {bounds}, got {raw!r}")
    return value


@dataclass(frozen=True, slots=True)
class FaultSettings:
    """What is injected and how often."""

    rate: float = 0.0
    kinds: tuple[str, ...] = ()
    seed: int | None = None
    latency: float = 2.0
    timeout: float = 60.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise SettingsError(f"the fault rate must be between 0 and 1, got {self.rate}")
        parse_list(",".join(self.kinds), FAULT_KINDS, "fault kinds")
        if self.latency < 0 or self.timeout < 0:
            raise SettingsError("fault delays cannot be negative")


@dataclass(frozen=True, slots=True)
class SimulatorSettings:
    data_dir: Path = Path("data/simulator")
    rules_dir: Path | None = None
    ticket_delay: float = 1.0
    skip_checks: frozenset[str] = frozenset()
    rejections: str = "fault"
    faults: FaultSettings = field(default_factory=FaultSettings)
    admin_token: str | None = None
    users_file: Path | None = None
    token_ttl: int = 3600
    # Password of the simulator's own PKCS#12 (kept in the data folder; a test certificate).
    certificate_password: str = "simulador"

    def __post_init__(self) -> None:
        parse_list(",".join(self.skip_checks), CHECKS, "checks")
        if self.rejections not in REJECTION_MODES:
            raise SettingsError(
                f"rejections must be one of {', '.join(REJECTION_MODES)}, got {self.rejections!r}"
            )
        if self.ticket_delay < 0:
            raise SettingsError("the ticket delay cannot be negative")

    def runs(self, check: str) -> bool:
        return check not in self.skip_checks

    def with_changes(self, **changes: object) -> SimulatorSettings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SimulatorSettings:
        env = os.environ if env is None else env
        kinds = parse_list(env.get(ENV_PREFIX + "FAULTS"), FAULT_KINDS, "fault kinds")
        rate = _number(env, "FAULT_RATE", 1.0 if kinds else 0.0, 0.0, 1.0)
        seed_text = (env.get(ENV_PREFIX + "SEED") or "").strip()
        try:
            seed = int(seed_text) if seed_text else None
        except ValueError as exc:
            raise SettingsError(f"{ENV_PREFIX}SEED must be an integer, got {seed_text!r}") from exc
        rules = (env.get(RULES_ENV) or "").strip()
        users = (env.get(ENV_PREFIX + "USERS_FILE") or "").strip()
        return cls(
            data_dir=Path(env.get(ENV_PREFIX + "DATA") or "data/simulator"),
            rules_dir=Path(rules) if rules else None,
            ticket_delay=_number(env, "TICKET_DELAY", 1.0),
            skip_checks=frozenset(parse_list(env.get(ENV_PREFIX + "SKIP_CHECKS"), CHECKS, "checks")),
            rejections=(env.get(ENV_PREFIX + "REJECTIONS") or "fault").strip().lower(),
            faults=FaultSettings(
                rate=rate,
                kinds=kinds,
                seed=seed,
                latency=_number(env, "LATENCY", 2.0),
                timeout=_number(env, "TIMEOUT", 60.0),
            ),
            admin_token=(env.get(ENV_PREFIX + "ADMIN_TOKEN") or "").strip() or None,
            users_file=Path(users) if users else None,
            token_ttl=int(_number(env, "TOKEN_TTL", 3600, 1)),
        )
