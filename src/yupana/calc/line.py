"""One line (InvoiceLine / CreditNoteLine / DebitNoteLine): from unit value or price to taxes.

SUNAT's arithmetic, in the order its rules chain (each step uses the value the caller declared,
when declared, so that every comparison is the one SUNAT makes on the XML):

1. ``valor_venta`` = cantidad × valor_unitario − discounts 00 + charges 47 (rule 3271; on a free
   line the valor referencial replaces the valor unitario, which is 0, rule 2640);
2. ISC (rule 3108): sistema 01 base = valor_venta; 02 monto = cantidad × monto fijo; 03 base =
   cantidad × precio de venta al público; monto = base × porcentaje;
3. ``base_igv`` = valor_venta + ISC (rule 3272);
4. ``igv`` = base_igv × porcentaje_igv on codes 10–17 (rule 3103; 17 is IVAP at 4 %), 0 on
   codes 20, 21, 30–37, 40 (rule 3110). Free gravado lines (11–16) compute the IGV although
   it is not charged;
5. ``icbper`` = bags (the quantity, an integer, rules 3236/2892) × amount per bag (4318);
6. ``total_impuestos`` = ISC + IGV/IVAP + ICBPER charged on the line (rule 3292 sums the
   1000, 1016, 2000, 7152 and 9999 subtotals: the IGV of a free line, reported under 9996,
   is not part of it);
7. ``precio_unitario`` = (valor_venta + total_impuestos − discounts 01 + charges 48) / cantidad
   (rule 3270); free lines carry the valor referencial (price type 02) instead.

A line given only a price with taxes (``precio_unitario``) and no discount or charge keeps the
amount the customer sees: the line amount is cantidad × precio (rounded), valor_venta is that
amount without taxes (rounded) and the IGV is the difference, which stays within SUNAT's ±1 of
base × rate. ``valor_unitario`` is precio / (1 + rates) at up to 10 decimals. With discounts or
charges, the given price is the list price before them: the unit value is derived from it and
the unit price is recomputed by rule 3270.

ICBPER lines are those with ``icbper_factor`` or a declared ``icbper``. When the factor is
absent it is the amount per bag in force on the date of issue (PEN documents) or, on other
currencies, the declared amount divided by the bags.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from yupana.calc import charges, check, rates
from yupana.calc.check import Checker
from yupana.calc.rounding import CENT, HUNDRED, ONE, ZERO, amount, decimals, factor, percent_of, unit
from yupana.domain import catalogs
from yupana.domain.sale import Isc, SaleLine

IGV = "1000"
IVAP_TRIBUTO = "1016"
EXPORTACION = "9995"
GRATUITO = "9996"
EXONERADO = "9997"
INAFECTO = "9998"
IVAP_CODE = "17"
_SIX_CENTS = Decimal("0.06")


@dataclass(frozen=True, slots=True)
class LineKind:
    """What catalog 07 says of a tipo de afectación: the catalog 05 tributo the line's
    IGV subtotal is reported under, whether IGV/IVAP is computed, whether it is free."""

    code: str
    tributo: str
    taxed: bool
    free: bool

    @property
    def ivap(self) -> bool:
        return self.code == IVAP_CODE


_KINDS: dict[str, LineKind] = {}  # catalog 07 codes already looked up (the catalog is fixed)


def kind_of(code: str) -> LineKind | None:
    """The kind of a catalog 07 code, ``None`` when the catalog does not list it."""
    kind = _KINDS.get(code)
    if kind is not None:
        return kind
    entry = catalogs.get("07", code)
    if entry is None:
        return None
    free = bool(entry.attributes.get("gratuito"))
    tributo = GRATUITO if free else str(entry.attributes.get("tributo"))
    kind = _KINDS[code] = LineKind(code, tributo, bool(entry.attributes.get("gravado")), free)
    return kind


def complete_line(checker: Checker, line: SaleLine, index: int) -> LineKind:
    """Fill every amount of ``line`` left ``None`` and report declared ones SUNAT would flag."""
    path = f"lines[{index}]"
    _check_quantity(checker, line, path)
    kind = kind_of(line.tipo_afectacion_igv)
    if kind is None:
        checker.report(
            check.AFECTACION_UNKNOWN,
            f"{path}.tipo_afectacion_igv",
            f"code {line.tipo_afectacion_igv!r} is not in catalog 07",
        )
        kind = LineKind(line.tipo_afectacion_igv, INAFECTO, False, False)

    if line.porcentaje_igv is None:
        rate_in_force = (rates.IVAP if kind.ivap else rates.IGV_GENERAL) if kind.taxed else ZERO
        line.porcentaje_igv = rate_in_force.quantize(CENT)
    rate = line.porcentaje_igv / HUNDRED if kind.taxed else ZERO
    qty = line.cantidad
    icbper = _complete_icbper(checker, line, path)

    price_is_input = False
    if kind.free:
        unit_value = _free_unit_value(checker, line, path, rate)
    else:
        if line.valor_referencial is not None and line.valor_referencial > 0:
            checker.report(
                check.REFERENCE_VALUE_NOT_FREE,
                f"{path}.valor_referencial",
                "a valor referencial (price type 02) is only for free lines",
            )
        if line.valor_unitario is None:
            price_is_input = line.precio_unitario is not None
            line.valor_unitario = _unit_value(checker, line, path, rate)
        unit_value = line.valor_unitario

    gross = qty * unit_value
    charges.complete_line_allowances(checker, line.allowances, path, gross)
    base_discounts = charges.total(line.allowances, charges.LINE_BASE_DISCOUNT)
    base_charges = charges.total(line.allowances, charges.LINE_BASE_CHARGE)
    price_first = price_is_input and not line.allowances

    importe: Decimal | None = None
    if price_first and line.precio_unitario is not None:
        importe = amount(qty * line.precio_unitario)
    isc = line.isc
    if line.valor_venta is None and importe is not None:
        line.valor_venta = amount(_value_inside(importe - icbper, rate, isc, qty))
    else:
        line.valor_venta = checker.settle(
            check.LINE_VALUE, f"{path}.valor_venta", line.valor_venta, gross - base_discounts + base_charges
        )
    valor_venta = line.valor_venta

    isc_amount = _complete_isc(checker, isc, f"{path}.isc", valor_venta, qty) if isc else ZERO
    base_rule = check.LINE_BASE_WITH_ISC if isc else check.LINE_BASE
    line.base_igv = checker.settle(base_rule, f"{path}.base_igv", line.base_igv, valor_venta + isc_amount)
    base = line.base_igv

    if kind.taxed:
        if line.igv is None and importe is not None:
            line.igv = importe - icbper - valor_venta - isc_amount
        else:
            line.igv = checker.settle(
                check.LINE_IGV, f"{path}.igv", line.igv, percent_of(base, line.porcentaje_igv)
            )
        if base > _SIX_CENTS and line.igv == 0:
            checker.report(
                check.LINE_IGV_ZERO, f"{path}.igv", f"base {base} is taxed at {line.porcentaje_igv} %"
            )
    else:
        if line.igv is None:
            line.igv = ZERO.quantize(CENT)
        elif line.igv != 0:
            checker.report(
                check.LINE_IGV_NOT_ZERO,
                f"{path}.igv",
                f"tipo de afectación {kind.code} carries no IGV, declared {line.igv}",
            )

    charged = ZERO if kind.free else line.igv
    if kind.free and not isc_amount and not icbper:
        # SUNAT checks 3292 only on a line that carries a 1000/1016/2000/7152/9999 subtotal (its
        # server rule since PAS20211U210700059); a free line has only 9996, so a declared amount
        # (peers write the free IGV there) stays as sent.
        if line.total_impuestos is None:
            line.total_impuestos = ZERO
    else:
        line.total_impuestos = checker.settle(
            check.LINE_TAXES, f"{path}.total_impuestos", line.total_impuestos, isc_amount + charged + icbper
        )

    if kind.free:
        line.precio_unitario = None
        return kind
    discounts = charges.total(line.allowances, charges.LINE_DISCOUNT)
    extra = charges.total(line.allowances, charges.LINE_CHARGE)
    if qty == 0:
        if line.precio_unitario is None:
            line.precio_unitario = unit(unit_value * (ONE + rate))
        return kind
    expected_price = (valor_venta + line.total_impuestos - discounts + extra) / qty
    if line.precio_unitario is None or (price_is_input and line.allowances):
        line.precio_unitario = unit(expected_price)
    else:
        checker.compare(check.UNIT_PRICE, f"{path}.precio_unitario", line.precio_unitario, expected_price)
    return kind


def _check_quantity(checker: Checker, line: SaleLine, path: str) -> None:
    qty = line.cantidad
    if qty == 0:
        checker.report(check.QUANTITY_ZERO, f"{path}.cantidad", "the quantity is zero")
    if qty < 0 or decimals(qty) > 10:
        where = f"{path}.cantidad"
        detail = f"quantity {qty} must be positive with at most 10 decimals"
        checker.report(check.QUANTITY_FORMAT, where, detail)
        checker.report(check.NOTE_QUANTITY_FORMAT, where, detail)


def _isc_rate(isc: Isc | None) -> Decimal:
    return isc.porcentaje / HUNDRED if isc is not None and isc.sistema == "01" else ZERO


def _isc_per_unit(isc: Isc | None) -> Decimal:
    """ISC per unit that does not depend on the line's value (sistemas 02 and 03)."""
    if isc is None:
        return ZERO
    if isc.sistema == "02" and isc.monto_fijo is not None:
        return isc.monto_fijo
    if isc.sistema == "03" and isc.precio_publico is not None:
        return isc.precio_publico * isc.porcentaje / HUNDRED
    return ZERO


def _unit_value(checker: Checker, line: SaleLine, path: str, rate: Decimal) -> Decimal:
    """Valor unitario of an onerous line that declares none: from its price with taxes, or
    from its declared valor_venta."""
    qty = line.cantidad
    if line.precio_unitario is not None:
        per_bag = line.icbper_factor or ZERO
        net = (line.precio_unitario - per_bag) / (ONE + rate)
        return unit(net / (ONE + _isc_rate(line.isc)) - _isc_per_unit(line.isc))
    if line.valor_venta is not None and qty != 0 and not line.allowances:
        return unit(line.valor_venta / qty)
    checker.report(
        check.UNIT_VALUE_MISSING,
        f"{path}.valor_unitario",
        "an onerous line needs valor_unitario (without taxes) or precio_unitario (with taxes)",
    )
    return ZERO.quantize(CENT)


def _free_unit_value(checker: Checker, line: SaleLine, path: str, rate: Decimal) -> Decimal:
    """The value a free line is worth (valor referencial); its valor unitario is 0 (rule 2640)."""
    if line.valor_unitario is None:
        line.valor_unitario = ZERO.quantize(CENT)
    elif line.valor_unitario != 0:
        checker.report(
            check.FREE_UNIT_VALUE,
            f"{path}.valor_unitario",
            f"a free line carries valor unitario 0 and its value as valor_referencial, declared {line.valor_unitario}",
        )
    if line.valor_referencial is None:
        if line.precio_unitario is not None:
            line.valor_referencial = unit(
                (line.precio_unitario - (line.icbper_factor or ZERO)) / (ONE + rate)
            )
        elif line.valor_venta is not None and line.cantidad != 0 and not line.allowances:
            line.valor_referencial = unit(line.valor_venta / line.cantidad)
        else:
            checker.problems.error(
                "a free line needs its valor_referencial (the unit value it would have been sold at)",
                f"{path}.valor_referencial",
            )
            line.valor_referencial = ZERO.quantize(CENT)
    return line.valor_referencial


def _value_inside(rest: Decimal, rate: Decimal, isc: Isc | None, qty: Decimal) -> Decimal:
    """Value without taxes of a line amount ``rest`` that includes IGV/IVAP and ISC."""
    if isc is None:
        return rest / (ONE + rate)
    if isc.sistema == "01":
        return rest / ((ONE + rate) * (ONE + _isc_rate(isc)))
    return rest / (ONE + rate) - amount(qty * _isc_per_unit(isc))


def _complete_isc(checker: Checker, isc: Isc, path: str, valor_venta: Decimal, qty: Decimal) -> Decimal:
    """Base and amount of the line's ISC (rule 3108: monto = base × porcentaje, ±1)."""
    if isc.base is None:
        if isc.sistema == "03":
            if isc.precio_publico is None:
                checker.problems.error(
                    "ISC sistema 03 needs the suggested retail price per unit (precio_publico) or the base",
                    f"{path}.precio_publico",
                )
                isc.base = valor_venta
            else:
                isc.base = amount(qty * isc.precio_publico)
        else:
            isc.base = valor_venta
    if isc.sistema == "02" and isc.monto is None:
        if isc.monto_fijo is None:
            checker.problems.error(
                "ISC sistema 02 needs the fixed amount per unit (monto_fijo) or the amount",
                f"{path}.monto_fijo",
            )
            isc.monto = amount(percent_of(isc.base, isc.porcentaje))
        else:
            isc.monto = amount(qty * isc.monto_fijo)
    if isc.sistema == "02" and isc.porcentaje == 0 and isc.monto is not None and isc.base > 0:
        isc.porcentaje = factor(isc.monto * HUNDRED / isc.base)
    isc.monto = checker.settle(
        check.LINE_ISC, f"{path}.monto", isc.monto, percent_of(isc.base, isc.porcentaje)
    )
    return isc.monto


def _complete_icbper(checker: Checker, line: SaleLine, path: str) -> Decimal:
    """ICBPER of the line (0 when it is not an ICBPER line)."""
    if line.icbper_factor is None and line.icbper is None:
        return ZERO
    doc = checker.doc
    qty = line.cantidad
    in_force = rates.icbper_rate(doc.fecha_emision)
    if line.icbper_factor is None:
        if doc.moneda == "PEN" and in_force is not None:
            line.icbper_factor = in_force
        elif line.icbper is not None and qty != 0:
            line.icbper_factor = factor(line.icbper / qty)
        else:
            line.icbper_factor = ZERO
            if doc.moneda != "PEN":
                checker.problems.error(
                    "an ICBPER line of a document not in PEN needs its amount per bag (icbper_factor)",
                    f"{path}.icbper_factor",
                )
    elif doc.moneda == "PEN" and in_force is not None and line.icbper_factor != in_force:
        checker.report(
            check.LINE_ICBPER_RATE,
            f"{path}.icbper_factor",
            f"ICBPER per bag on {doc.fecha_emision} is {in_force}, declared {line.icbper_factor}",
        )
    expected = amount(qty * line.icbper_factor)
    if line.icbper is None:
        line.icbper = expected
    else:
        checker.compare(check.LINE_ICBPER, f"{path}.icbper", amount(line.icbper), expected)
    if qty != qty.to_integral_value():
        checker.report(
            check.ICBPER_BAGS, f"{path}.cantidad", f"the bags of an ICBPER line are whole, got {qty}"
        )
    if in_force is None and line.icbper > 0:
        checker.report(
            check.ICBPER_NOT_IN_FORCE, f"{path}.icbper", f"ICBPER did not exist on {doc.fecha_emision}"
        )
    return line.icbper
