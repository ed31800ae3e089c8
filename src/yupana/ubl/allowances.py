"""``cac:AllowanceCharge``: discounts and charges (catalog 53), on a line or on the document,
including the percepción (51-53, always in soles) and the retención del IGV (62)."""

from __future__ import annotations

from decimal import Decimal

from yupana.domain.sale import AllowanceCharge, Percepcion, Retencion
from yupana.ubl import code_lists, formats
from yupana.ubl.namespaces import CAC, CBC
from yupana.ubl.nodes import Element, amount, code, required, sub

PEN = "PEN"
RETENCION_IGV = "62"


def write(
    parent: Element,
    codigo: str,
    monto: Decimal,
    currency: str,
    base: Decimal | None = None,
    factor: Decimal | None = None,
    is_charge: bool | None = None,
) -> Element:
    """One ``cac:AllowanceCharge``; whether it is a charge follows from the code unless given."""
    if is_charge is None:
        is_charge = codigo in code_lists.CHARGE_CODES
    element = sub(parent, CAC.AllowanceCharge)
    code(element, CBC.ChargeIndicator, "true" if is_charge else "false")
    code(element, CBC.AllowanceChargeReasonCode, codigo, code_lists.ALLOWANCE_REASON)
    if factor is not None:
        code(element, CBC.MultiplierFactorNumeric, formats.rate(factor))
    amount(element, CBC.Amount, monto, currency)
    if base is not None:
        amount(element, CBC.BaseAmount, base, currency)
    return element


def allowance_charge(parent: Element, item: AllowanceCharge, currency: str, path: str) -> Element:
    """A discount or charge of the domain (percepción codes are written in soles)."""
    if item.codigo in code_lists.PERCEPCION_CODES:
        currency = PEN
    return write(
        parent,
        item.codigo,
        required(item.monto, f"{path}.monto"),
        currency,
        item.base,
        item.factor,
        item.is_charge,
    )


def percepcion(parent: Element, value: Percepcion) -> Element:
    """The percepción as a document charge (catalog 53 code 51, 52 or 53), in soles."""
    return write(
        parent,
        value.codigo,
        required(value.monto, "percepcion.monto"),
        PEN,
        required(value.base, "percepcion.base"),
        value.factor,
        True,
    )


def retencion(parent: Element, value: Retencion, currency: str) -> Element:
    """The retención del IGV as a document discount (catalog 53 code 62)."""
    return write(
        parent,
        RETENCION_IGV,
        required(value.monto, "retencion.monto"),
        currency,
        required(value.base, "retencion.base"),
        value.factor,
        False,
    )
