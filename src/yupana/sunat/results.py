"""One value for whatever SUNAT (or an OSE, or the network) answered.

``SunatResult.outcome`` is one of:

* ``accepted`` — code 0, no observations;
* ``observed`` — accepted with observations (``notes``, codes 4000+ in SUNAT's CDRs);
* ``rejected`` — a code 2000–3999: the document is not valid. When SUNAT answers with a "CDR de
  rechazo" (``cdr_zip``) it registered the document as rejected; when the rejection arrives as a
  SOAP fault ``Client.2xxx`` (its gateway's stylesheet verdict) nothing was registered;
* ``exception`` — codes 0100–1999 (SOAP faults ``Client.NNNN``/``Server.NNNN``, ticket errors),
  and everything that is not an answer at all: HTTP errors, timeouts, TLS failures, malformed
  answers; the document is not registered and may be sent again (see ``retryable``);
* ``pending`` — SUNAT took the file and gave a ``ticket`` to ask about later (summaries, packs,
  GRE, status 98).

The outcome follows SUNAT's code ranges (``yupana.domain.return_codes.severity``). When SUNAT's
answer carries no text, ``description`` is SUNAT's message for the code. Failures that are not
SUNAT answers use codes that can never be SUNAT's (SUNAT's are digits): ``TIMEOUT``,
``CONNECTION``, ``TLS``, ``MALFORMED`` and ``HTTP-<status>``.

Nothing in ``yupana.sunat`` raises for an outcome; exceptions are for programming errors only.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from enum import StrEnum

from yupana.domain.return_codes import ReturnSeverity, message, normalize, severity
from yupana.sunat.cdr import Cdr, CdrError, Note, read_cdr_zip
from yupana.sunat.retry_policy import is_retryable_code, is_retryable_http_status

__all__ = ["Note", "Outcome", "SunatResult"]

TIMEOUT = "TIMEOUT"
CONNECTION = "CONNECTION"
TLS = "TLS"
MALFORMED = "MALFORMED"


def canonical_code(code: str | int) -> str:
    """SUNAT's four-digit form of a code ("109" → "0109"), and "0" for acceptance."""
    key = normalize(code)
    return "0" if key.isdigit() and int(key) == 0 else key


def http_code(status: int) -> str:
    return f"HTTP-{status}"


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    OBSERVED = "observed"
    REJECTED = "rejected"
    EXCEPTION = "exception"
    PENDING = "pending"


@dataclass(frozen=True, slots=True, repr=False)
class SunatResult:
    outcome: Outcome
    code: str | None
    description: str
    notes: tuple[Note, ...] = ()
    cdr_zip: bytes | None = None
    cdr_xml: bytes | None = None
    ticket: str | None = None
    qr_url: str | None = None
    reference_id: str | None = None
    http_status: int | None = None
    retryable: bool = False

    # -- what callers ask ---------------------------------------------------------------
    @property
    def is_accepted(self) -> bool:
        """SUNAT accepted the document (with or without observations)."""
        return self.outcome in (Outcome.ACCEPTED, Outcome.OBSERVED)

    @property
    def is_final(self) -> bool:
        """The document has its definitive answer (accepted, observed or rejected)."""
        return self.outcome in (Outcome.ACCEPTED, Outcome.OBSERVED, Outcome.REJECTED)

    def as_dict(self) -> dict[str, object]:
        """A JSON-friendly view (the CDR ZIP in base64)."""
        return {
            "outcome": self.outcome.value,
            "code": self.code,
            "description": self.description,
            "notes": [note.as_dict() for note in self.notes],
            "ticket": self.ticket,
            "qr_url": self.qr_url,
            "reference_id": self.reference_id,
            "http_status": self.http_status,
            "retryable": self.retryable,
            "cdr_zip": base64.b64encode(self.cdr_zip).decode("ascii") if self.cdr_zip else None,
        }

    def __repr__(self) -> str:
        cdr = f"{len(self.cdr_zip)} bytes" if self.cdr_zip else None
        return (
            f"SunatResult(outcome={self.outcome.value!r}, code={self.code!r}, "
            f"description={self.description!r}, notes={len(self.notes)}, ticket={self.ticket!r}, "
            f"cdr_zip={cdr}, http_status={self.http_status!r}, retryable={self.retryable!r})"
        )

    # -- how results are made -----------------------------------------------------------
    @classmethod
    def from_code(
        cls,
        code: str,
        description: str | None = None,
        *,
        notes: tuple[Note, ...] = (),
        http_status: int | None = None,
        ticket: str | None = None,
    ) -> SunatResult:
        """A SUNAT answer that is only a code and a text (a SOAP fault, a status, a GRE error)."""
        key = canonical_code(code)
        outcome = outcome_of(key, bool(notes))
        return cls(
            outcome=outcome,
            code=key,
            description=description or _message(key),
            notes=notes,
            ticket=ticket,
            http_status=http_status,
            retryable=outcome is Outcome.EXCEPTION and is_retryable_code(key),
        )

    @classmethod
    def from_cdr(
        cls,
        cdr: Cdr,
        cdr_zip: bytes | None,
        cdr_xml: bytes | None,
        *,
        http_status: int | None = None,
        ticket: str | None = None,
    ) -> SunatResult:
        key = canonical_code(cdr.response_code)
        outcome = outcome_of(key, bool(cdr.notes))
        return cls(
            outcome=outcome,
            code=key,
            description=cdr.description or _message(key),
            notes=cdr.notes,
            cdr_zip=cdr_zip,
            cdr_xml=cdr_xml,
            ticket=ticket,
            qr_url=cdr.qr_url,
            reference_id=cdr.reference_id or cdr.document_id,
            http_status=http_status,
            retryable=outcome is Outcome.EXCEPTION and is_retryable_code(key),
        )

    @classmethod
    def from_cdr_zip(
        cls, data: bytes, *, http_status: int | None = None, ticket: str | None = None
    ) -> SunatResult:
        """The result a CDR ZIP stands for; a broken or unsafe ZIP is a ``MALFORMED`` exception."""
        try:
            cdr, xml = read_cdr_zip(data)
        except CdrError as exc:
            return cls.malformed(f"SUNAT answered an unreadable CDR: {exc}", http_status=http_status)
        return cls.from_cdr(cdr, data, xml, http_status=http_status, ticket=ticket)

    @classmethod
    def pending(cls, ticket: str, *, code: str | None = None, http_status: int | None = None) -> SunatResult:
        """SUNAT holds the file under ``ticket``; ``code`` is the status it gave (``98``)."""
        return cls(
            outcome=Outcome.PENDING,
            code=code,
            description=f"En proceso, ticket {ticket}",
            ticket=ticket,
            http_status=http_status,
        )

    @classmethod
    def failure(
        cls, code: str, description: str, *, retryable: bool, http_status: int | None = None
    ) -> SunatResult:
        """An exception that is not a SUNAT code (network, TLS, HTTP)."""
        return cls(
            outcome=Outcome.EXCEPTION,
            code=code,
            description=description,
            http_status=http_status,
            retryable=retryable,
        )

    @classmethod
    def malformed(cls, description: str, *, http_status: int | None = None) -> SunatResult:
        """An answer that cannot be understood (or is refused as unsafe)."""
        retryable = http_status is not None and is_retryable_http_status(http_status)
        return cls.failure(MALFORMED, description, retryable=retryable, http_status=http_status)

    @classmethod
    def http_error(cls, status: int, description: str | None = None) -> SunatResult:
        return cls.failure(
            http_code(status),
            description or f"SUNAT answered HTTP {status}",
            retryable=is_retryable_http_status(status),
            http_status=status,
        )


def _message(code: str) -> str:
    return "Aceptado" if code == "0" else message(code)


def outcome_of(code: str, has_notes: bool = False) -> Outcome:
    """The outcome SUNAT's code ranges give ``code`` (``has_notes``: the answer carries notes)."""
    if not code.isdigit():
        return Outcome.EXCEPTION
    level = severity(code)
    if level is ReturnSeverity.ACCEPTED:
        return Outcome.OBSERVED if has_notes else Outcome.ACCEPTED
    if level is ReturnSeverity.OBSERVATION:
        return Outcome.OBSERVED
    if level is ReturnSeverity.REJECTION:
        return Outcome.REJECTED
    return Outcome.EXCEPTION
