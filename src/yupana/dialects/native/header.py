"""Header fields the native documents share: the correlativo (or ``"#"`` for the next one), the
issuer beside the configured one, and the reference date a summary or communication takes
from its lines when it gives none."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from yupana.dialects.json_fields import Fields
from yupana.dialects.native.issuer import read_company
from yupana.domain.party import Company

NEXT_NUMBER = "#"
"""``"correlativo": "#"`` asks the server for the next number of the serie (correlativo 0 here)."""


def read_correlativo(fields: Fields, *, missing_code: str | None, invalid_code: str | None) -> int:
    """``correlativo``: a number, or ``"#"`` for the next of the serie (0 here, as when absent or
    malformed, which is reported)."""
    if fields.raw("correlativo") == NEXT_NUMBER:
        return 0
    if not fields.has("correlativo"):
        fields.error(
            f"'correlativo' is required (a number, or \"{NEXT_NUMBER}\" for the next one)",
            "correlativo",
            missing_code,
        )
        return 0
    number = fields.integer("correlativo", code=invalid_code)
    return number if number is not None else 0


def read_document_issuer(
    fields: Fields, given: Company | None, *, missing_code: str | None = None
) -> Company:
    """The document's ``issuer``, or ``given`` (the configured issuer) when it has none; when both
    are there their RUCs must agree (1034). ``missing_code``: SUNAT's code when neither is."""
    value = fields.raw("issuer")
    if value is None:
        if given is None:
            fields.error("'issuer' is required when no issuer is configured", "issuer", missing_code)
            return Company("", "")
        return given
    company = read_company(value, fields.at("issuer"), fields.problems)
    if company is None:
        return given or Company("", "")
    if given is not None and company.ruc and company.ruc != given.ruc:
        fields.error(
            f"issuer.ruc {company.ruc} is not the configured issuer {given.ruc}", "issuer.ruc", "1034"
        )
    return company


def reference_date(
    fields: Fields, given: date | None, dates: Iterable[date | None], *, message: str, code: str
) -> date | None:
    """``fecha_referencia`` as given or, when absent, the first of the lines' ``dates``; when
    neither is there, a problem (``message``, ``code``)."""
    if given is not None or fields.has("fecha_referencia"):
        return given
    dated = [day for day in dates if day is not None]
    if dated:
        return dated[0]
    fields.error(message, "fecha_referencia", code)
    return None
