"""SUNAT's arithmetic for the comprobante de percepción (40).

Per cobro (workbook Percepciones1_0, rules 47 and 50, code 2608, tolerance ±1):

- importe percibido = importe del cobro × tasa [× tipo de cambio], in soles;
- importe cobrado = importe del cobro [× tipo de cambio] + importe percibido.

Per comprobante (rules 33 and 35): importe total percibido = Σ importes percibidos (2667) and
importe total cobrado = Σ importes cobrados + redondeo (2668), leaving out notas de crédito (07)
and replaced perceptions (40). A redondeo beyond ±1 is 3303.

What is completed: the rate of the régimen (catalog 22), each cobro's número de cobro and fecha
de percepción (the document's, else the cobro date), every amount left ``None``. A cobro of a
document in another currency is converted with its own exchange rate, else the document's
(``domain.exchange_rate.payment_rate``). A document's own ``percibido``/``cobrado`` are the sums
over its cobros; declared on a document with a single cobro, they are that cobro's. Totals are
left ``None`` when no cobro counts or an amount could not be derived (no exchange rate, no
régimen): the native rules report why.
"""

from __future__ import annotations

from operator import add
from typing import Final

from yupana.calc.payment_amounts import Arithmetic, process_agent_document
from yupana.domain.agent_documents import PERCEPTION
from yupana.domain.perception import PerceptionDocument
from yupana.domain.problems import Problems

PAYMENT_AMOUNTS: Final = "2608"
TOTAL_PERCEIVED: Final = "2667"
TOTAL_COLLECTED: Final = "2668"

PERCEPTION_ARITHMETIC: Final = Arithmetic(
    PERCEPTION, PAYMENT_AMOUNTS, TOTAL_PERCEIVED, TOTAL_COLLECTED, net=add
)


def process_perception(doc: PerceptionDocument) -> Problems:
    """Complete every amount left ``None`` and report each declared one SUNAT would reject.
    Declared amounts are kept. Pure: reads and fills ``doc`` only."""
    return process_agent_document(PERCEPTION_ARITHMETIC, doc)
