"""Native rules for the comprobante de percepción (40): SUNAT's workbook sheet Percepciones1_0,
with the codes SUNAT's stylesheet ValidaExprRegPercepcion-1.0.1 answers where the sheet names none.

The rules themselves are shared with retentions (``validation.agent_documents``); this module
holds the sheet's codes. Run after ``calc.perception.process_perception``, which completes the
amounts the rules look at (the arithmetic codes 2608, 2667, 2668 are the calculator's).

Where SUNAT's SFS stylesheet (1.0.1) is stricter than the workbook, the workbook is followed and
the difference noted: the stylesheet takes names of up to 100 characters (the workbook and the
server's stylesheet, 1500) and client document types 0, 1, 4, 6, 7 and A (the workbook: any of
catalog 06). The exceptional perception (``sac:ExceptionalIndicator``, 3322-3329) is not in the
UBL 2.0 schema SUNAT distributes and is not supported.
"""

from __future__ import annotations

import re
from datetime import date

from yupana.domain.agent_documents import PERCEPTION
from yupana.domain.perception import PerceptionDocument
from yupana.domain.problems import Problems
from yupana.validation.agent_documents import (
    AgentDocumentOptions,
    Family,
    validate_agent_document,
)

PERCEPTION_RULES = Family(
    agent=PERCEPTION,
    serie=re.compile(r"^(P[A-Z0-9]{3}|\d{4})$"),
    issuer_ruc_code="2677",
    receiver_types=None,
    receiver_number=re.compile(r"[a-zA-Z0-9]{1,15}"),
    receiver_format="2680",
    receiver_is_issuer="2604",
    receiver_unknown_ruc="2605",
    receiver_observations=("2911", "2919", "2912", "2913", "2914", "2915"),
    related_number=re.compile(r"^(E001|EB01|[FBP][A-Z0-9]{3}|(?!0000)\d{4})-(?!0+$)\d{1,8}$"),
    rate_code="2603",
    total_net_code="2687",
    numero_missing="2697",
    importe_format="2700",
    payment_currency="2607",
    same_period="2659",
    payment_range="2612",
    amount_format="2705",
    net_format="2711",
)


def validate_perception(
    doc: PerceptionDocument, *, today: date | None = None, options: AgentDocumentOptions | None = None
) -> Problems:
    """Every native rule for a comprobante de percepción. Returns errors and warnings; raises nothing."""
    return validate_agent_document(PERCEPTION_RULES, doc, today, options)
