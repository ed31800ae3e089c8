"""Comprobante de retención (20): the agente de retención (issuer) certifies the IGV it retained
from its proveedor when paying the proveedor's documents.

SUNAT's régimen (catalog 23) sets the rate: 01 is 3 %, 02 (6 %) only applies to documents issued
up to 2014-02-28. Each related document (factura 01, nota de débito 08, ticket 12, another
retention 20 that this one replaces, or a nota de crédito 07 that only informs) is paid in one
or several payments; each payment is retained on its own:

- ``importe`` is the payment without the retention, in the related document's currency;
- ``retenido`` = ``importe`` × tasa, in soles (after the exchange rate when the document is in
  another currency);
- ``pagado`` (the net paid) = ``importe`` in soles − ``retenido``.

The comprobante's totals are in soles: ``retenido`` is the sum of the amounts retained and
``pagado`` the sum of the net amounts paid (plus ``redondeo``), leaving out notas de crédito (07)
and replaced retentions (20).

SUNAT's UBL holds one ``cac:Payment`` per ``sac:SUNATRetentionDocumentReference``: a document
paid in several payments becomes one reference per payment, each with its own retention amounts
(``ubl.retention``). Amounts left ``None`` are derived by ``calc.retention``; declared ones are
checked. A document's own ``retenido``/``pagado`` are the sums over its payments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Final

from yupana.domain.exchange_rate import PEN, ExchangeRate
from yupana.domain.party import Company
from yupana.domain.receiver import Receiver

RETENCION: Final = "20"
# Catalog 01 types a retention may relate (workbook rule 2692).
RELATED_TYPES: Final = ("01", "07", "08", "12", "20")
# Related types carrying no payment (a nota de crédito only informs) and left out of the totals.
WITHOUT_PAYMENT: Final = ("07",)
OUT_OF_TOTALS: Final = ("07", "20")


@dataclass(slots=True)
class RetentionPayment:
    """One payment of a related document (``cac:Payment`` and ``sac:SUNATRetentionInformation``).

    ``numero`` is SUNAT's número de pago (1, 2... per document when ``None``); ``tipo_cambio``
    and ``fecha_retencion`` default to the document's, then to the payment's own date.
    """

    fecha: date
    importe: Decimal
    numero: int | None = None
    moneda: str | None = None
    tipo_cambio: ExchangeRate | None = None
    fecha_retencion: date | None = None
    retenido: Decimal | None = None
    pagado: Decimal | None = None


@dataclass(slots=True)
class RetainedDocument:
    """A document of the proveedor paid and retained (catalog 01 type, serie-número)."""

    tipo_documento: str
    numero: str
    fecha_emision: date
    importe_total: Decimal
    moneda: str = PEN
    payments: list[RetentionPayment] = field(default_factory=list)
    tipo_cambio: ExchangeRate | None = None
    fecha_retencion: date | None = None
    retenido: Decimal | None = None
    pagado: Decimal | None = None


@dataclass(slots=True)
class RetentionTotals:
    retenido: Decimal | None = None  # cbc:TotalInvoiceAmount
    pagado: Decimal | None = None  # sac:SUNATTotalPaid
    redondeo: Decimal | None = None  # cbc:PayableRoundingAmount


@dataclass(slots=True)
class RetentionDocument:
    """A comprobante de retención. ``tasa`` is a percentage (``Decimal("3")``), catalog 23's
    rate of ``regimen`` when ``None``."""

    serie: str
    correlativo: int
    fecha_emision: date
    issuer: Company
    proveedor: Receiver
    documents: list[RetainedDocument]
    regimen: str = "01"
    tasa: Decimal | None = None
    hora_emision: time | None = None
    observaciones: str | None = None
    totals: RetentionTotals = field(default_factory=RetentionTotals)
    tipo_documento: str = field(default=RETENCION, init=False)

    @property
    def numero(self) -> str:
        return f"{self.serie}-{self.correlativo}"

    @property
    def file_stem(self) -> str:
        """SUNAT file name without extension: RUC-20-SERIE-NUMERO."""
        return f"{self.issuer.ruc}-{self.tipo_documento}-{self.serie}-{self.correlativo}"
