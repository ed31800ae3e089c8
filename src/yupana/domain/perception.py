"""Comprobante de percepción (40): the agente de percepción (issuer) certifies the IGV it
perceived from its cliente on top of the amounts it collected for the cliente's documents.

SUNAT's régimen (catalog 22) sets the rate: 01 venta interna 2 %, 02 adquisición de combustible
1 %, 03 to an agente de percepción (tasa especial) 0.5 %. Each related document (factura 01,
boleta 03, nota de débito 08, ticket 12, another perception 40 that this one replaces, or a nota
de crédito 07 that only informs) is collected in one or several cobros; each is perceived on its
own:

- ``importe`` is the cobro without the perception, in the related document's currency;
- ``percibido`` = ``importe`` × tasa, in soles (after the exchange rate when the document is in
  another currency);
- ``cobrado`` (the total collected) = ``importe`` in soles + ``percibido``.

The comprobante's totals are in soles: ``percibido`` is the sum of the amounts perceived and
``cobrado`` the sum of the amounts collected (plus ``redondeo``), leaving out notas de crédito
(07) and replaced perceptions (40).

As for retentions, SUNAT's UBL holds one ``cac:Payment`` per
``sac:SUNATPerceptionDocumentReference``: a document collected in several cobros becomes one
reference per cobro (``ubl.perception``). Amounts left ``None`` are derived by
``calc.perception``; declared ones are checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Final

from yupana.domain.exchange_rate import PEN, ExchangeRate
from yupana.domain.party import Company
from yupana.domain.receiver import Receiver

PERCEPCION: Final = "40"
# Catalog 01 types a perception may relate (workbook rule 2692; SUNAT's stylesheets also take
# 41, the printed perception of venta interna).
RELATED_TYPES: Final = ("01", "03", "07", "08", "12", "40", "41")
WITHOUT_PAYMENT: Final = ("07",)
OUT_OF_TOTALS: Final = ("07", "40")


@dataclass(slots=True)
class PerceptionPayment:
    """One cobro of a related document (``cac:Payment`` and ``sac:SUNATPerceptionInformation``).

    ``numero`` is SUNAT's número de cobro (1, 2... per document when ``None``); ``tipo_cambio``
    and ``fecha_percepcion`` default to the document's, then to the cobro's own date.
    """

    fecha: date
    importe: Decimal
    numero: int | None = None
    moneda: str | None = None
    tipo_cambio: ExchangeRate | None = None
    fecha_percepcion: date | None = None
    percibido: Decimal | None = None
    cobrado: Decimal | None = None


@dataclass(slots=True)
class PerceivedDocument:
    """A document of the cliente collected with perception (catalog 01 type, serie-número)."""

    tipo_documento: str
    numero: str
    fecha_emision: date
    importe_total: Decimal
    moneda: str = PEN
    payments: list[PerceptionPayment] = field(default_factory=list)
    tipo_cambio: ExchangeRate | None = None
    fecha_percepcion: date | None = None
    percibido: Decimal | None = None
    cobrado: Decimal | None = None


@dataclass(slots=True)
class PerceptionTotals:
    percibido: Decimal | None = None  # cbc:TotalInvoiceAmount
    cobrado: Decimal | None = None  # sac:SUNATTotalCashed
    redondeo: Decimal | None = None  # cbc:PayableRoundingAmount


@dataclass(slots=True)
class PerceptionDocument:
    """A comprobante de percepción. ``tasa`` is a percentage (``Decimal("2")``), catalog 22's
    rate of ``regimen`` when ``None``."""

    serie: str
    correlativo: int
    fecha_emision: date
    issuer: Company
    cliente: Receiver
    documents: list[PerceivedDocument]
    regimen: str = "01"
    tasa: Decimal | None = None
    hora_emision: time | None = None
    observaciones: str | None = None
    totals: PerceptionTotals = field(default_factory=PerceptionTotals)
    tipo_documento: str = field(default=PERCEPCION, init=False)

    @property
    def numero(self) -> str:
        return f"{self.serie}-{self.correlativo}"

    @property
    def file_stem(self) -> str:
        """SUNAT file name without extension: RUC-40-SERIE-NUMERO."""
        return f"{self.issuer.ruc}-{self.tipo_documento}-{self.serie}-{self.correlativo}"
