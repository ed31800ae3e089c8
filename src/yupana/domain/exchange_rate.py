"""An exchange rate as SUNAT's retention and perception documents carry it (``cac:ExchangeRate``).

``factor`` is soles per unit of ``moneda_origen`` (SUNAT's "tipo de cambio", ``n(4,6)``), on
``fecha``. The target currency is always soles: SUNAT reports retained and perceived amounts in
PEN only. ``moneda_origen`` and ``fecha`` may be left ``None``: the related document's currency
and the payment's date complete them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

PEN: Final = "PEN"


@dataclass(slots=True)
class ExchangeRate:
    factor: Decimal
    fecha: date | None = None
    moneda_origen: str | None = None
    moneda_destino: str = PEN


def payment_rate(
    moneda: str, own: ExchangeRate | None, document: ExchangeRate | None, fecha: date
) -> ExchangeRate | None:
    """The exchange rate a payment of a document in ``moneda`` is converted with: its own, else the
    document's, with the source currency and the date completed (the document's currency, the
    payment's date). ``None`` for documents in soles, and when neither rate is given."""
    if moneda == PEN:
        return None
    chosen = own or document
    if chosen is None:
        return None
    return ExchangeRate(
        factor=chosen.factor,
        fecha=chosen.fecha or fecha,
        moneda_origen=chosen.moneda_origen or moneda,
        moneda_destino=chosen.moneda_destino,
    )
