"""The secrets a company uses to talk to SUNAT or an OSE.

``SolCredentials`` are the "Clave SOL" of a secondary user: SOAP services log in with
``RUC + user`` and the password (WS-Security UsernameToken); the GRE REST platform uses the same
pair as the OAuth2 ``username``/``password``. ``GreCredentials`` are the API client id and secret
generated in SUNAT's SOL menu for the GRE platform.

Neither ``repr`` nor ``str`` ever shows a password or a client secret, so a credentials object
can be logged or end up in a traceback without leaking anything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

_HIDDEN = "***"


@dataclass(frozen=True, slots=True, repr=False)
class SolCredentials:
    """RUC, SOL user and SOL password of the company (password never shown)."""

    ruc: str
    user: str
    password: str

    def __post_init__(self) -> None:
        if not (len(self.ruc) == 11 and self.ruc.isdigit()):
            raise ValueError("SolCredentials.ruc must be the 11 digits of a RUC")
        if not self.user:
            raise ValueError("SolCredentials.user must not be empty")

    @property
    def username(self) -> str:
        """The login SUNAT expects: RUC followed by the SOL user (``20000000001MODDATOS``)."""
        return f"{self.ruc}{self.user}"

    def fingerprint(self) -> str:
        """A digest that tells two credentials apart without holding the password in clear."""
        return hashlib.sha256(f"{self.username}\x00{self.password}".encode()).hexdigest()

    def __repr__(self) -> str:
        return f"SolCredentials(ruc={self.ruc!r}, user={self.user!r}, password={_HIDDEN!r})"

    __str__ = __repr__


@dataclass(frozen=True, slots=True, repr=False)
class GreCredentials:
    """Client id and client secret of the GRE REST API (secret never shown)."""

    client_id: str
    client_secret: str

    def __post_init__(self) -> None:
        if not self.client_id:
            raise ValueError("GreCredentials.client_id must not be empty")

    def fingerprint(self) -> str:
        return hashlib.sha256(f"{self.client_id}\x00{self.client_secret}".encode()).hexdigest()

    def __repr__(self) -> str:
        return f"GreCredentials(client_id={self.client_id!r}, client_secret={_HIDDEN!r})"

    __str__ = __repr__
