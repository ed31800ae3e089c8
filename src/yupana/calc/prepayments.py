"""Anticipos: deducting advance payments already invoiced from the final sale.

SUNAT's scheme (Factura2_0 rules 2509, 3277, 3279, 3280, 3282, 3287, 3291): the lines carry the
whole sale; each anticipo is a ``PrepaidPayment`` with the amount paid (with its IGV) and
``PrepaidAmount`` is their sum (``totals.anticipos``, exactly, 2509); a global discount deducts
the anticipo's value from the taxable base of its kind: 04 gravado (without IGV), 05 exonerado,
06 inafecto (3287 requires one, 3282 forbids one without anticipos). The IGV is computed on the
reduced base, the total price before the deduction, and the amount payable is that price less
``PrepaidAmount``.

When the caller gives anticipos but no 04/05/06 discount and every onerous line of the sale is of
one kind, the discount is derived: for 04 the anticipos' total without IGV (at the lines' rate,
or IVAP's), for 05/06 the total itself. Otherwise the caller must give the discounts (rule 3287
is reported).
"""

from __future__ import annotations

from decimal import Decimal

from yupana.calc import charges, rates
from yupana.calc.line import EXONERADO, IGV, INAFECTO, IVAP_TRIBUTO
from yupana.calc.rounding import HUNDRED, ONE, ZERO, amount
from yupana.calc.totals import LineSums
from yupana.domain.sale import AllowanceCharge, SaleDocument

_DISCOUNT_BY_TRIBUTO = {
    IGV: charges.PREPAID_GRAVADO,
    IVAP_TRIBUTO: charges.PREPAID_GRAVADO,
    EXONERADO: charges.PREPAID_EXONERADO,
    INAFECTO: charges.PREPAID_INAFECTO,
}


def derive_prepaid_discount(doc: SaleDocument, sums: LineSums) -> None:
    """Add the 04/05/06 discount the anticipos imply, when it is unambiguous."""
    if not doc.anticipos or charges.has(doc.allowances, *charges.PREPAID_CODES):
        return
    kinds = {t for t in _DISCOUNT_BY_TRIBUTO if sums.value.get(t, ZERO) > 0}
    codes = {_DISCOUNT_BY_TRIBUTO[t] for t in kinds}
    if len(codes) != 1:
        return
    code = codes.pop()
    paid = sum((p.monto for p in doc.anticipos), ZERO)
    if code == charges.PREPAID_GRAVADO:
        rate = rates.IVAP if IVAP_TRIBUTO in kinds else sums.igv_rate
        value = amount(paid / (ONE + rate / HUNDRED))
    else:
        value = amount(paid)
    doc.allowances.append(
        AllowanceCharge(code, monto=value, base=value, factor=Decimal("1.00000"), is_charge=False)
    )
