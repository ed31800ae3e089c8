"""Document totals: TaxTotal subtotals and LegalMonetaryTotal, as SUNAT's rules compute them.

Sums per catalog 05 tributo of the completed lines, adjusted by the global allowances:

- gravadas (1000) = Σ valor_venta of IGV lines − discounts 02 and 04 + charges 49 (rule 3277);
  the IVAP base (1016) likewise (3293);
- exoneradas (9997) = Σ − anticipos 05 (3275); inafectas (9998) = Σ − anticipos 06 (3274);
  exportación (9995) = Σ (3273); gratuitas (9996) = Σ valor_venta of free lines (3276) and
  igv_gratuitas their IGV (3302);
- IGV = (Σ base_igv of IGV lines − 02 − 04 − anticipo de ISC 20 + 49) × the lines' rate (3291);
  with no global adjustment it is the sum of the lines' IGV (both within SUNAT's ±1). IVAP
  likewise at 4 % (3295);
- ISC base and amount: Σ over non-free lines, the amount less anticipos de ISC 20 (3296, 3298);
  ICBPER: Σ, compared exactly (3306);
- total_impuestos = IGV + IVAP + ISC + ICBPER (3294);
- valor_venta (LineExtensionAmount) = Σ valor_venta of onerous lines − 02 + 49 (3278);
- precio_venta (TaxInclusiveAmount) = valor_venta + ISC + ICBPER + (Σ base_igv − 02 + 49) × rate
  (3279): the IGV before deducting anticipos, so that the anticipos (PrepaidAmount, with their
  IGV) are deducted once, from the total;
- descuentos (AllowanceTotalAmount) = line discounts 01 + global 03 and 63 (3300);
  cargos (ChargeTotalAmount) = line charges 48 + global 45, 46, 50 (3301);
- anticipos (PrepaidAmount) = Σ of the prepayments, exactly (2509);
- importe_total (PayableAmount) = precio_venta + cargos − descuentos − anticipos + redondeo
  (3280); notes: the sum of the tributo subtotals and taxes + cargos + redondeo (their 3280);
- redondeo (PayableRoundingAmount) is only the caller's: |redondeo| ≤ 1 (3303).

A category total is filled only when some line belongs to it (or the caller declared it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from yupana.calc import charges, check, rates
from yupana.calc.check import Checker
from yupana.calc.line import EXONERADO, EXPORTACION, GRATUITO, IGV, INAFECTO, IVAP_TRIBUTO, LineKind
from yupana.calc.rounding import ONE, ZERO, amount, percent_of
from yupana.domain.sale import NOTA_CREDITO, SaleDocument, SaleTotals

ONEROUS_TRIBUTOS = (IGV, IVAP_TRIBUTO, EXPORTACION, EXONERADO, INAFECTO)
NC_ADJUSTMENT = "13"  # nota de crédito: ajuste de montos y/o fechas de pago


@dataclass(slots=True)
class LineSums:
    """What the document totals need from the completed lines."""

    value: dict[str, Decimal] = field(default_factory=dict)  # Σ valor_venta per tributo
    base: dict[str, Decimal] = field(default_factory=dict)  # Σ base_igv per tributo
    tax: dict[str, Decimal] = field(default_factory=dict)  # Σ igv per tributo
    igv_rates: list[tuple[int, Decimal]] = field(default_factory=list)  # IGV lines (1000 and 11-16)
    isc_base: Decimal = ZERO
    isc: Decimal = ZERO
    has_isc: bool = False
    icbper: Decimal = ZERO
    has_icbper: bool = False
    discounts: Decimal = ZERO  # line discounts 01
    charges: Decimal = ZERO  # line charges 48
    has_discounts: bool = False
    has_charges: bool = False

    @classmethod
    def of(cls, doc: SaleDocument, kinds: list[LineKind]) -> LineSums:
        sums = cls()
        for i, (line, kind) in enumerate(zip(doc.lines, kinds, strict=True)):
            tributo = kind.tributo
            sums.value[tributo] = sums.value.get(tributo, ZERO) + (line.valor_venta or ZERO)
            sums.base[tributo] = sums.base.get(tributo, ZERO) + (line.base_igv or ZERO)
            sums.tax[tributo] = sums.tax.get(tributo, ZERO) + (line.igv or ZERO)
            if (
                kind.taxed
                and not kind.ivap
                and line.porcentaje_igv is not None
                and (line.base_igv or ZERO) > 0
            ):
                sums.igv_rates.append((i, line.porcentaje_igv))
            if line.isc is not None and not kind.free:
                sums.has_isc = True
                sums.isc_base += line.isc.base or ZERO
                sums.isc += line.isc.monto or ZERO
            if line.icbper is not None:
                sums.has_icbper = True
                sums.icbper += line.icbper
            for allowance in line.allowances:
                if allowance.codigo == charges.LINE_DISCOUNT:
                    sums.has_discounts = True
                    sums.discounts += allowance.monto or ZERO
                elif allowance.codigo == charges.LINE_CHARGE:
                    sums.has_charges = True
                    sums.charges += allowance.monto or ZERO
        return sums

    def has(self, tributo: str) -> bool:
        return tributo in self.value

    @property
    def onerous_value(self) -> Decimal:
        return sum((self.value.get(t, ZERO) for t in ONEROUS_TRIBUTOS), ZERO)

    @property
    def taxable_value(self) -> Decimal:
        return self.value.get(IGV, ZERO) + self.value.get(IVAP_TRIBUTO, ZERO)

    @property
    def igv_rate(self) -> Decimal:
        """The IGV rate SUNAT's total rules use: the first IGV line's (rules 3279, 3291)."""
        return self.igv_rates[0][1] if self.igv_rates else rates.IGV_GENERAL

    @property
    def mixed_rates(self) -> bool:
        return len({rate for _, rate in self.igv_rates}) > 1


def _fill(
    checker: Checker, rule: check.Rule, name: str, totals: SaleTotals, present: bool, expected: Decimal
) -> Decimal | None:
    """Settle ``totals.<name>``: derived when a line belongs to the category, checked when declared."""
    declared = getattr(totals, name)
    if declared is None and not present:
        return None
    value = checker.settle(rule, f"totals.{name}", declared, expected)
    setattr(totals, name, value)
    return value


def complete_taxes(checker: Checker, doc: SaleDocument, sums: LineSums) -> None:
    """Tributo subtotals, total taxes, valor_venta and precio_venta (needs the global
    allowances that touch the base: 02, 04, 05, 06, 20, 49)."""
    totals = doc.totals
    allowances = doc.allowances
    d02 = charges.total(allowances, charges.GLOBAL_BASE_DISCOUNT)
    d04 = charges.total(allowances, charges.PREPAID_GRAVADO)
    d05 = charges.total(allowances, charges.PREPAID_EXONERADO)
    d06 = charges.total(allowances, charges.PREPAID_INAFECTO)
    d20 = charges.total(allowances, charges.PREPAID_ISC)
    c49 = charges.total(allowances, charges.GLOBAL_BASE_CHARGE)
    adjusted = any((d02, d04, d20, c49))
    rate = sums.igv_rate
    value, base, tax = sums.value, sums.base, sums.tax

    _fill(
        checker,
        check.TOTAL_GRAVADAS,
        "gravadas",
        totals,
        sums.has(IGV),
        value.get(IGV, ZERO) - d02 - d04 + c49,
    )
    igv_base = base.get(IGV, ZERO)
    igv_check = percent_of(igv_base - d02 - d04 - (d20 if igv_base > 0 else ZERO) + c49, rate)
    igv_derived = igv_check if adjusted and not sums.mixed_rates else tax.get(IGV, ZERO)
    if totals.igv is None:
        if sums.has(IGV):
            totals.igv = amount(igv_derived)
    elif not sums.mixed_rates:
        checker.compare(check.TOTAL_IGV, "totals.igv", totals.igv, igv_check)

    ivap_doc = sums.has(IVAP_TRIBUTO)
    ivap_base = base.get(IVAP_TRIBUTO, ZERO)
    _fill(
        checker,
        check.TOTAL_IVAP_BASE,
        "ivap_base",
        totals,
        ivap_doc,
        value.get(IVAP_TRIBUTO, ZERO) - d02 - d04 + c49,
    )
    ivap_check = percent_of(ivap_base - d02 - d04 + c49, rates.IVAP)
    if totals.ivap is None:
        if ivap_doc:
            totals.ivap = amount(ivap_check if adjusted else tax.get(IVAP_TRIBUTO, ZERO))
    else:
        checker.compare(check.TOTAL_IVAP, "totals.ivap", totals.ivap, ivap_check)

    _fill(
        checker,
        check.TOTAL_EXONERADAS,
        "exoneradas",
        totals,
        sums.has(EXONERADO),
        value.get(EXONERADO, ZERO) - d05,
    )
    _fill(
        checker,
        check.TOTAL_INAFECTAS,
        "inafectas",
        totals,
        sums.has(INAFECTO),
        value.get(INAFECTO, ZERO) - d06,
    )
    _fill(
        checker,
        check.TOTAL_EXPORTACION,
        "exportacion",
        totals,
        sums.has(EXPORTACION),
        value.get(EXPORTACION, ZERO),
    )
    _fill(checker, check.TOTAL_GRATUITAS, "gratuitas", totals, sums.has(GRATUITO), value.get(GRATUITO, ZERO))
    _fill(
        checker,
        check.TOTAL_IGV_GRATUITAS,
        "igv_gratuitas",
        totals,
        sums.has(GRATUITO),
        tax.get(GRATUITO, ZERO),
    )
    _fill(checker, check.TOTAL_ISC_BASE, "isc_base", totals, sums.has_isc, sums.isc_base)
    _fill(checker, check.TOTAL_ISC, "isc", totals, sums.has_isc, sums.isc - d20)
    _fill(checker, check.TOTAL_ICBPER, "icbper", totals, sums.has_icbper, sums.icbper)

    igv, ivap = totals.igv or ZERO, totals.ivap or ZERO
    isc, icbper = totals.isc or ZERO, totals.icbper or ZERO
    totals.total_impuestos = checker.settle(
        check.TOTAL_TAXES, "totals.total_impuestos", totals.total_impuestos, igv + ivap + isc + icbper
    )
    onerous = sums.onerous_value
    totals.valor_venta = checker.settle(
        check.TOTAL_VALUE, "totals.valor_venta", totals.valor_venta, onerous - d02 + c49
    )
    valor_venta = totals.valor_venta

    if ivap_doc:
        price_check = valor_venta + icbper + percent_of(ivap_base - d02 + c49, rates.IVAP)
    else:
        price_check = valor_venta + isc + d20 + icbper + percent_of(igv_base - d02 + c49, rate)
    if totals.precio_venta is None:
        if d04 == 0 and d20 == 0:
            totals.precio_venta = valor_venta + isc + icbper + igv + ivap
        elif ivap_doc:
            totals.precio_venta = valor_venta + icbper + amount(percent_of(ivap_base - d02 + c49, rates.IVAP))
        else:
            full_igv = amount(percent_of(igv_base - d02 + c49, rate))
            totals.precio_venta = amount(valor_venta + isc + d20 + icbper + full_igv)
    else:
        checker.compare(check.TOTAL_PRICE, "totals.precio_venta", totals.precio_venta, price_check)


def complete_payable(checker: Checker, doc: SaleDocument, sums: LineSums) -> None:
    """Discounts and charges outside the base, anticipos and the amount payable (needs every
    global allowance completed)."""
    totals = doc.totals
    allowances = doc.allowances
    present = sums.has_discounts or charges.has(allowances, *charges.GLOBAL_DISCOUNT_CODES)
    discounts = sums.discounts + charges.total(allowances, *charges.GLOBAL_DISCOUNT_CODES)
    _fill(checker, check.TOTAL_DISCOUNTS, "descuentos", totals, present, discounts)
    present = sums.has_charges or charges.has(allowances, *charges.GLOBAL_CHARGE_CODES)
    extra = sums.charges + charges.total(allowances, *charges.GLOBAL_CHARGE_CODES)
    _fill(checker, check.TOTAL_CHARGES, "cargos", totals, present, extra)

    prepaid = sum((p.monto for p in doc.anticipos), ZERO)
    _fill(checker, check.PREPAID_TOTAL, "anticipos", totals, bool(doc.anticipos), prepaid)

    if totals.redondeo is not None and abs(totals.redondeo) > ONE:
        checker.report(check.ROUNDING, "totals.redondeo", f"rounding {totals.redondeo} exceeds ±1")

    redondeo = totals.redondeo or ZERO
    cargos = totals.cargos or ZERO
    precio_venta = totals.precio_venta or ZERO
    expected = precio_venta + cargos - (totals.descuentos or ZERO) - (totals.anticipos or ZERO) + redondeo
    if doc.is_note:
        note_expected = (
            sum(
                (
                    getattr(totals, name) or ZERO
                    for name in ("gravadas", "inafectas", "exoneradas", "exportacion", "ivap_base")
                ),
                ZERO,
            )
            + (totals.total_impuestos or ZERO)
            + cargos
            + redondeo
        )
        if totals.importe_total is None:
            totals.importe_total = amount(expected)
        else:
            checker.compare(check.TOTAL_PAYABLE, "totals.importe_total", totals.importe_total, note_expected)
    else:
        totals.importe_total = checker.settle(
            check.TOTAL_PAYABLE, "totals.importe_total", totals.importe_total, expected
        )

    note = doc.note
    if doc.tipo_documento == NOTA_CREDITO and note is not None and note.codigo == NC_ADJUSTMENT:
        if totals.importe_total != 0:
            checker.report(
                check.ADJUSTMENT_NOT_ZERO,
                "totals.importe_total",
                f"a nota de crédito 13 adjusts payment terms only, its total is 0, got {totals.importe_total}",
            )


def check_consistency(checker: Checker, doc: SaleDocument, sums: LineSums, kinds: list[LineKind]) -> None:
    """Document-wide rules on the lines taken together and on anticipos."""
    if sums.igv_rates:
        first_index, first_rate = sums.igv_rates[0]
        allowed = rates.igv_rates(doc.fecha_emision, doc.is_note)
        for index, rate in sums.igv_rates:
            if rate != first_rate:
                checker.report(
                    check.IGV_RATE,
                    f"lines[{index}].porcentaje_igv",
                    f"every IGV line must carry the same rate: line {first_index} has {first_rate} %, this one {rate} %",
                )
                break
        else:
            if first_rate not in allowed:
                shown = ", ".join(str(r) for r in sorted(allowed))
                checker.report(
                    check.IGV_RATE,
                    f"lines[{first_index}].porcentaje_igv",
                    f"IGV rate {first_rate} % is not in force on {doc.fecha_emision} (allowed: {shown})",
                )

    onerous = [(i, k) for i, k in enumerate(kinds) if (doc.lines[i].base_igv or ZERO) > 0]
    ivap_lines = [i for i, k in onerous if k.ivap]
    if ivap_lines:
        for i, k in onerous:
            if not k.ivap:
                checker.report(
                    check.IVAP_MIXED,
                    f"lines[{i}].tipo_afectacion_igv",
                    "a document with IVAP lines (17) cannot carry lines of another tipo de afectación",
                )
                break
        for i in ivap_lines:
            if any(line.isc is not None and (line.isc.base or ZERO) > 0 for line in doc.lines):
                checker.report(check.ISC_WITH_IVAP, f"lines[{i}].isc", "ISC cannot go with IVAP")
                break

    prepaid = doc.totals.anticipos or ZERO
    has_prepaid_discount = any(
        a.codigo in charges.PREPAID_CODES and (a.monto or ZERO) > 0 for a in doc.allowances
    )
    if prepaid > 0 and not has_prepaid_discount:
        checker.report(
            check.PREPAID_WITHOUT_DISCOUNT,
            "allowances",
            "anticipos are deducted with a global discount 04 (gravado), 05 (exonerado) or 06 (inafecto)",
        )
    if prepaid == 0:
        for i, a in enumerate(doc.allowances):
            if a.codigo in (*charges.PREPAID_CODES, charges.PREPAID_ISC) and (a.monto or ZERO) > 0:
                checker.report(
                    check.PREPAID_DISCOUNT_WITHOUT_TOTAL,
                    f"allowances[{i}].monto",
                    "a discount for anticipos needs the anticipos it deducts",
                )
