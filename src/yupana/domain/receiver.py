"""The receiver of a comprobante de retención (its proveedor) or de percepción (its cliente):
SUNAT's ``cac:ReceiverParty``, a party identified like a customer that may also carry a trade
name (``cac:PartyName``)."""

from __future__ import annotations

from dataclasses import dataclass

from yupana.domain.party import Customer


@dataclass(slots=True)
class Receiver(Customer):
    nombre_comercial: str | None = None
