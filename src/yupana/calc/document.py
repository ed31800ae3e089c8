"""The whole document in SUNAT's order: lines, allowances on the base, taxes and totals,
allowances after taxes, amount payable, detracción / percepción / retención, payment terms,
legends."""

from __future__ import annotations

from decimal import localcontext

from yupana.calc import charges, legends, payments, prepayments, totals
from yupana.calc.check import Checker
from yupana.calc.line import complete_line
from yupana.domain.problems import Problems
from yupana.domain.sale import SaleDocument

# Enough digits for 12-integer, 10-decimal quantities times 12-integer, 10-decimal unit values.
_PRECISION = 50


def process(doc: SaleDocument) -> Problems:
    """Complete every amount left ``None`` and report every declared amount SUNAT would reject
    (error) or observe (warning). Declared amounts are kept; derived ones are rounded where
    SUNAT writes them. Pure: reads and fills ``doc`` only."""
    problems = Problems()
    checker = Checker(doc, problems)
    with localcontext(prec=_PRECISION):
        kinds = [complete_line(checker, line, i) for i, line in enumerate(doc.lines)]
        sums = totals.LineSums.of(doc, kinds)

        prepayments.derive_prepaid_discount(doc, sums)
        allowances = doc.allowances
        if allowances:
            base_defaults = charges.default_global_base(sums.taxable_value, sums.onerous_value, None, None)
            charges.complete_global_allowances(checker, allowances, charges.GLOBAL_BASE_CODES, base_defaults)
        totals.complete_taxes(checker, doc, sums)

        if allowances:
            after_defaults = charges.default_global_base(
                sums.taxable_value, sums.onerous_value, doc.totals.valor_venta, doc.totals.precio_venta
            )
            others = [a.codigo for a in allowances if a.codigo not in charges.GLOBAL_BASE_CODES]
            charges.complete_global_allowances(checker, allowances, others, after_defaults)
        totals.complete_payable(checker, doc, sums)
        totals.check_consistency(checker, doc, sums, kinds)

        payments.complete_detraccion(checker, doc)
        payments.complete_percepcion(checker, doc)
        payments.complete_retencion(checker, doc)
        payments.complete_payment(checker, doc)
        legends.add_legends(doc, kinds)
    return problems
