"""SUNAT's arithmetic for the comprobante de retención (20).

Per payment (workbook Retenciones1_0, rules 46 and 49, code 2623, tolerance ±1):

- importe retenido = importe del pago × tasa [× tipo de cambio], in soles;
- importe pagado neto = importe del pago [× tipo de cambio] − importe retenido.

Per comprobante (rules 32 and 34): importe total retenido = Σ importes retenidos (2628) and
importe total pagado = Σ importes pagados netos + redondeo (2629), leaving out notas de crédito
(07) and replaced retentions (20). A redondeo beyond ±1 is 3303.

What is completed: the rate of the régimen (catalog 23), each payment's número de pago and fecha
de retención (the document's, else the payment date), every amount left ``None``. A payment of a
document in another currency is converted with its own exchange rate, else the document's
(``domain.exchange_rate.payment_rate``). A document's own ``retenido``/``pagado`` are the sums
over its payments; declared on a document with a single payment, they are that payment's. Totals
are left ``None`` when no payment counts or an amount could not be derived (no exchange rate, no
régimen): the native rules report why.
"""

from __future__ import annotations

from operator import sub
from typing import Final

from yupana.calc.payment_amounts import Arithmetic, process_agent_document
from yupana.domain.agent_documents import RETENTION
from yupana.domain.problems import Problems
from yupana.domain.retention import RetentionDocument

PAYMENT_AMOUNTS: Final = "2623"
TOTAL_RETAINED: Final = "2628"
TOTAL_PAID: Final = "2629"

RETENTION_ARITHMETIC: Final = Arithmetic(RETENTION, PAYMENT_AMOUNTS, TOTAL_RETAINED, TOTAL_PAID, net=sub)


def process_retention(doc: RetentionDocument) -> Problems:
    """Complete every amount left ``None`` and report each declared one SUNAT would reject.
    Declared amounts are kept. Pure: reads and fills ``doc`` only."""
    return process_agent_document(RETENTION_ARITHMETIC, doc)
