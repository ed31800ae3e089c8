"""The document families Yupana issues, and the steps each one takes before it is signed.

Every family follows the same road (see ``service.build``): complete or check its amounts, check its
native rules, and, once nothing is wrong, write its UBL. A family is found by the domain class of the
document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from yupana.calc import process as process_sale
from yupana.calc.perception import process_perception
from yupana.calc.retention import process_retention
from yupana.calc.summary import process_summary
from yupana.domain.despatch import DespatchDocument
from yupana.domain.perception import PerceptionDocument
from yupana.domain.problems import Problems
from yupana.domain.retention import RetentionDocument
from yupana.domain.sale import Legend, SaleDocument
from yupana.domain.summary import DailySummary
from yupana.domain.voided import VoidedDocument
from yupana.printing.amount_words import amount_in_words
from yupana.ubl.despatch import build_despatch
from yupana.ubl.perception import build_perception
from yupana.ubl.retention import build_retention
from yupana.ubl.sale import build_sale
from yupana.ubl.summary import build_summary
from yupana.ubl.voided import build_voided
from yupana.validation.agent_documents import AgentDocumentOptions
from yupana.validation.despatch import validate_despatch
from yupana.validation.native import NativeOptions, validate_sale
from yupana.validation.perception import validate_perception
from yupana.validation.retention import validate_retention
from yupana.validation.summary import SummaryOptions, validate_summary
from yupana.validation.voided import VoidedOptions, validate_voided

# Codes whose verdict depends on the day the document reaches SUNAT, not on the document: the send
# windows of facturas and notes (2108), of boletas outside a summary (1079), of summaries and
# communications (2957, 2958; 4443 is already an observation) and of retention/perception (2600).
# A document built offline may still be sent in time (or through a summary), so an offline build
# reports them as warnings; sending decides.
SEND_WINDOW_CODES = frozenset({"2108", "1079", "2957", "2958", "2600"})


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """What the caller decides about rules that depend on context rather than on the document."""

    check_ruc_digit: bool = True


def _no_arithmetic(doc: Any) -> Problems:
    return Problems()


def _nothing_to_finish(doc: Any) -> None:
    return None


def _add_amount_legend(doc: SaleDocument) -> None:
    """Legend 1000: the total in words, unless the caller wrote it."""
    if any(legend.codigo == "1000" for legend in doc.legends):
        return
    total = doc.totals.importe_total
    if total is not None:
        doc.legends.insert(0, Legend("1000", amount_in_words(total, doc.moneda)))


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    document_class: type
    # Completes missing amounts and checks declared ones (SUNAT's arithmetic).
    complete: Callable[[Any], Problems]
    # Native rules, given the caller's settings.
    validate: Callable[[Any, RuleSettings], Problems]
    # UBL of a document that passed the rules.
    write: Callable[[Any], etree._Element]
    # What the document gets once it is known to be right (e.g. the total in words).
    finish: Callable[[Any], None] = _nothing_to_finish


FAMILIES: tuple[Family, ...] = (
    Family(
        "sale",
        SaleDocument,
        process_sale,
        lambda doc, s: validate_sale(doc, options=NativeOptions(check_ruc_digit=s.check_ruc_digit)),
        build_sale,
        _add_amount_legend,
    ),
    Family(
        "summary",
        DailySummary,
        process_summary,
        lambda doc, s: validate_summary(doc, options=SummaryOptions(check_ruc_digit=s.check_ruc_digit)),
        build_summary,
    ),
    Family(
        "voided",
        VoidedDocument,
        _no_arithmetic,
        lambda doc, s: validate_voided(doc, options=VoidedOptions(check_ruc_digit=s.check_ruc_digit)),
        build_voided,
    ),
    Family(
        "retention",
        RetentionDocument,
        process_retention,
        lambda doc, s: validate_retention(
            doc, options=AgentDocumentOptions(check_ruc_digit=s.check_ruc_digit)
        ),
        build_retention,
    ),
    Family(
        "perception",
        PerceptionDocument,
        process_perception,
        lambda doc, s: validate_perception(
            doc, options=AgentDocumentOptions(check_ruc_digit=s.check_ruc_digit)
        ),
        build_perception,
    ),
    Family(
        "despatch",
        DespatchDocument,
        _no_arithmetic,
        lambda doc, s: validate_despatch(doc, options=NativeOptions(check_ruc_digit=s.check_ruc_digit)),
        build_despatch,
    ),
)

_BY_CLASS: dict[type, Family] = {family.document_class: family for family in FAMILIES}


def family_of(doc: object) -> Family:
    """The family of a domain document; ``TypeError`` for anything else."""
    family = _BY_CLASS.get(type(doc))
    if family is None:
        raise TypeError(f"not a document Yupana issues: {type(doc).__name__}")
    return family
