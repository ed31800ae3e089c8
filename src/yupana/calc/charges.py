"""Discounts and charges (SUNAT catalog 53): indicator, base, factor and amount.

Codes and what they touch (workbook rules 3271, 3277, 3278, 3300, 3301, 3275, 3274):

- line 00 / 47: discount / charge on the line's base (``valor_venta``);
- line 01 / 48: discount / charge outside the base (enter ``AllowanceTotalAmount`` /
  ``ChargeTotalAmount`` and the unit price of rule 3270);
- global 02 / 49: discount / charge on the IGV (or IVAP) base;
- global 03 (and 63, retención de renta de segunda categoría) / 45, 46, 50: discount / charge
  outside the base;
- global 04 / 05 / 06: deduction of anticipos gravados / exonerados / inafectos; 20: anticipo de ISC.

``is_charge`` follows the catalog (rule 3114). An allowance needs ``monto`` or ``factor``: the
missing one is derived from the base (``monto = base × factor``, rules 3290 line and 3307
global, tolerance ±1); a missing base takes the default the caller's code implies (see
``default_global_base``), and a line's default base is its gross value ``cantidad × valor
unitario`` (or ``× valor referencial`` on a free line).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from yupana.calc import check
from yupana.calc.check import Checker, Rule
from yupana.calc.rounding import ZERO, amount, factor
from yupana.domain import catalogs
from yupana.domain.sale import AllowanceCharge

LINE_BASE_DISCOUNT = "00"
LINE_DISCOUNT = "01"
LINE_BASE_CHARGE = "47"
LINE_CHARGE = "48"
GLOBAL_BASE_DISCOUNT = "02"
GLOBAL_DISCOUNT = "03"
PREPAID_GRAVADO = "04"
PREPAID_EXONERADO = "05"
PREPAID_INAFECTO = "06"
PREPAID_ISC = "20"
GLOBAL_BASE_CHARGE = "49"
GLOBAL_CHARGE = "50"
FISE = "45"
RECARGO_CONSUMO = "46"
RETENCION_RENTA = "63"

PREPAID_CODES = (PREPAID_GRAVADO, PREPAID_EXONERADO, PREPAID_INAFECTO)
# Global codes that change the taxable base or the tax: completed before the document totals.
GLOBAL_BASE_CODES = (GLOBAL_BASE_DISCOUNT, GLOBAL_BASE_CHARGE, *PREPAID_CODES, PREPAID_ISC)
GLOBAL_DISCOUNT_CODES = (GLOBAL_DISCOUNT, RETENCION_RENTA)  # AllowanceTotalAmount (rule 3300)
GLOBAL_CHARGE_CODES = (FISE, RECARGO_CONSUMO, GLOBAL_CHARGE)  # ChargeTotalAmount (rule 3301)


def total(allowances: Iterable[AllowanceCharge], *codes: str) -> Decimal:
    """Sum of the amounts of the allowances with one of ``codes``."""
    if not allowances:  # most documents and lines carry none
        return ZERO
    return sum((a.monto for a in allowances if a.codigo in codes and a.monto is not None), ZERO)


def has(allowances: Iterable[AllowanceCharge], *codes: str) -> bool:
    return any(a.codigo in codes for a in allowances)


def complete_indicator(checker: Checker, allowance: AllowanceCharge, path: str, code_rule: Rule) -> None:
    """``is_charge`` from catalog 53; an unknown code (2954 line / 3071 global) or an indicator
    that contradicts the catalog (3114) is reported."""
    required = catalogs.attribute("53", allowance.codigo, "cargo")
    if required is None:
        checker.report(code_rule, f"{path}.codigo", f"code {allowance.codigo!r} is not in catalog 53")
        return
    if allowance.is_charge is None:
        allowance.is_charge = bool(required)
    elif allowance.is_charge != required:
        expected = "true" if required else "false"
        checker.report(
            check.CHARGE_INDICATOR,
            f"{path}.is_charge",
            f"code {allowance.codigo} requires ChargeIndicator {expected}",
        )


def complete_amounts(
    checker: Checker, allowance: AllowanceCharge, path: str, default_base: Decimal, rule: Rule
) -> None:
    """Base, factor and amount of one allowance (rule 3290 on lines, 3307 global)."""
    if allowance.base is None:
        allowance.base = amount(default_base)
    base = allowance.base
    if allowance.monto is None and allowance.factor is None:
        checker.problems.error("a discount or charge needs its amount (monto) or its factor", f"{path}.monto")
        allowance.monto = ZERO.quantize(Decimal("0.01"))
        return
    if allowance.monto is None and allowance.factor is not None:
        allowance.monto = amount(base * allowance.factor)
    elif allowance.monto is not None and allowance.factor is None:
        if base > 0:
            allowance.factor = factor(allowance.monto / base)
    elif allowance.monto is not None and allowance.factor is not None and allowance.factor > 0:
        checker.compare(rule, f"{path}.monto", allowance.monto, base * allowance.factor)


def complete_line_allowances(
    checker: Checker, allowances: list[AllowanceCharge], path: str, gross: Decimal
) -> None:
    for i, allowance in enumerate(allowances):
        where = f"{path}.allowances[{i}]"
        complete_indicator(checker, allowance, where, check.LINE_ALLOWANCE_CODE)
        complete_amounts(checker, allowance, where, gross, check.LINE_ALLOWANCE)


def complete_global_allowances(
    checker: Checker,
    allowances: list[AllowanceCharge],
    codes: Iterable[str] | None,
    bases: dict[str, Decimal],
) -> None:
    """Complete the document's allowances whose code is in ``codes`` (all when ``None``);
    ``bases`` gives the default base of each code (see ``default_global_base``)."""
    wanted = None if codes is None else set(codes)
    for i, allowance in enumerate(allowances):
        if wanted is not None and allowance.codigo not in wanted:
            continue
        where = f"allowances[{i}]"
        complete_indicator(checker, allowance, where, check.GLOBAL_ALLOWANCE_CODE)
        default = bases.get(allowance.codigo, allowance.monto if allowance.monto is not None else ZERO)
        complete_amounts(checker, allowance, where, default, check.GLOBAL_ALLOWANCE)


def default_global_base(
    taxable_value: Decimal, onerous_value: Decimal, valor_venta: Decimal | None, precio_venta: Decimal | None
) -> dict[str, Decimal]:
    """Default ``base`` per global code when the caller gives only a factor or an amount.

    - 02 / 49 (on the taxable base): the value of the IGV/IVAP lines, or of every onerous line
      when the document has none;
    - 03 (a discount after taxes): the total price ``precio_venta`` (TaxInclusiveAmount);
    - 45, 46, 50, 63: the total value ``valor_venta`` (LineExtensionAmount);
    - 04, 05, 06, 20 (anticipos): the amount itself (factor 1).
    """
    base_value = taxable_value if taxable_value else onerous_value
    bases = {GLOBAL_BASE_DISCOUNT: base_value, GLOBAL_BASE_CHARGE: base_value}
    if precio_venta is not None:
        bases[GLOBAL_DISCOUNT] = precio_venta
    if valor_venta is not None:
        for code in (FISE, RECARGO_CONSUMO, GLOBAL_CHARGE, RETENCION_RENTA):
            bases[code] = valor_venta
    return bases
