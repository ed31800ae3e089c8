"""Native rules for the comprobante de retención (20): SUNAT's workbook sheet Retenciones1_0, with
the codes SUNAT's stylesheet ValidaExprRegRetencion-1.0.3 answers where the sheet names none.

The rules themselves are shared with perceptions (``validation.agent_documents``); this module
holds the sheet's codes. Run after ``calc.retention.process_retention``, which completes the
amounts the rules look at (the arithmetic codes 2623, 2628, 2629 are the calculator's).
"""

from __future__ import annotations

import re
from datetime import date

from yupana.domain.agent_documents import RETENTION
from yupana.domain.problems import Problems
from yupana.domain.retention import RetentionDocument
from yupana.validation.agent_documents import (
    AgentDocumentOptions,
    Family,
    validate_agent_document,
)

RETENTION_RULES = Family(
    agent=RETENTION,
    serie=re.compile(r"^(R[A-Z0-9]{3}|\d{4})$"),
    issuer_ruc_code="0154",
    receiver_types=frozenset({"6"}),
    receiver_number=re.compile(r"\d{11}"),
    receiver_format="2724",
    receiver_is_issuer="2620",
    receiver_unknown_ruc="2621",
    receiver_observations=("2906", "2918", "2907", "2908", "2909", "2910"),
    related_number=re.compile(r"^(E001|[FR][A-Z0-9]{3}|\d{4})-(?!0+$)\d{1,8}$"),
    rate_code="2619",
    total_net_code="2730",
    numero_missing="2733",
    importe_format="2736",
    payment_currency="2622",
    same_period="2661",
    payment_range="2625",
    amount_format="2740",
    net_format="2746",
    rate_6_code="2985",
)


def validate_retention(
    doc: RetentionDocument, *, today: date | None = None, options: AgentDocumentOptions | None = None
) -> Problems:
    """Every native rule for a comprobante de retención. Returns errors and warnings; raises nothing."""
    return validate_agent_document(RETENTION_RULES, doc, today, options)
