"""SUNAT's arithmetic for the lines of a resumen diario (RC).

``process_summary(doc)`` completes what each line leaves ``None`` and checks what it declares,
with the codes and tolerances of SUNAT's workbook (sheet "Resumen Diario1_1"):

Completing, per line:

1. a line that declares only its importe total (no category, no IGV/IVAP) is taken as one
   gravada sale: the base is ``(total − ICBPER − otros tributos − otros cargos) / (1 + rate)``
   less the ISC, rounded, and the IGV is what remains, so the parts add up to the total;
2. the IGV, when ``None``: ``(gravadas + ISC) × rate`` (``porcentaje_igv``, 18 unless said),
   or 0 on an IVAP line;
3. the importe total, when ``None``: the sum SUNAT checks (rule 4027 below);
4. the percepción: the rate of its catalog 22 régimen, the base (the importe total of a line
   in soles; on a line in another currency the soles base must be given), the amount
   ``base × rate`` and the total collected (importe total + percepción on a line in soles,
   base + percepción otherwise).

Checking what is declared (each difference is reported with the domain path of the field):

- 4019 (observation): an IGV above 0 (declared, or derived at a ``porcentaje_igv`` the caller
  chose) that differs by more than 5 from (gravadas + ISC) × a rate SUNAT accepts on the line's
  date (18 % or the special rate in force; notes may also carry 10 %, see ``calc.rates``);
- 4302 (observation): an IVAP above 0 that differs by more than 5 from gravadas × 4 %;
- 4027 (observation): an importe total that differs by more than 5 from gravadas +
  exoneradas + inafectas + exportación + IGV + IVAP + ISC + otros tributos + ICBPER + otros
  cargos (the workbook's sum; SUNAT's SFS stylesheet leaves exportación out of it);
- 2891: a percepción rate other than its régimen's (catalog 22);
- 2608 (error), lines in soles: a percepción amount that differs by more than 1 from base ×
  rate, or a total collected that differs by more than 1 from importe total + percepción;
- 4027 (observation, SUNAT's stylesheet): a total collected that differs by more than 1 from
  base + percepción.

Rounding is ROUND_HALF_UP to 2 decimals, where SUNAT writes the number.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext
from functools import lru_cache

from yupana.calc import rates
from yupana.calc.rounding import HUNDRED, ONE, ZERO, amount
from yupana.domain import catalogs, return_codes
from yupana.domain.problems import Problems
from yupana.domain.summary import DailySummary, SummaryLine, SummaryPercepcion

FIVE = Decimal(5)
PEN = "PEN"
_PRECISION = 40


def _report(problems: Problems, code: str, path: str, detail: str) -> None:
    message = f"{return_codes.message(code)} ({detail})"
    if return_codes.is_error(code):
        problems.error(message, path, code)
    else:
        problems.warning(message, path, code)


def _value(value: Decimal | None) -> Decimal:
    return ZERO if value is None else value


def parts_sum(line: SummaryLine) -> Decimal:
    """What SUNAT adds up to compare with the importe total (rule 4027, the workbook's sum)."""
    total = ZERO
    for value in (
        line.gravadas,
        line.exoneradas,
        line.inafectas,
        line.exportacion,
        line.igv,
        line.ivap,
        line.isc,
        line.otros_tributos,
        line.icbper,
        line.otros_cargos,
    ):
        if value is not None:
            total += value
    return total


def _rate(line: SummaryLine) -> Decimal:
    return rates.IGV_GENERAL if line.porcentaje_igv is None else line.porcentaje_igv


@lru_cache(maxsize=64)
def _accepted_rates(day: date, note: bool) -> tuple[Decimal, ...]:
    """IGV percentages SUNAT accepts on a line of ``day`` (rule 4019), in ascending order."""
    return tuple(sorted(rates.igv_rates(day, note=note)))


def _only_total(line: SummaryLine) -> bool:
    return (
        line.importe_total is not None
        and line.igv is None
        and line.ivap is None
        and line.gravadas is None
        and line.exoneradas is None
        and line.inafectas is None
        and line.exportacion is None
        and line.gratuitas is None
    )


def _split_total(line: SummaryLine) -> None:
    """Rule 1: a line given only its importe total is one gravada sale."""
    total = line.importe_total
    assert total is not None
    rest = total - _value(line.icbper) - _value(line.otros_tributos) - _value(line.otros_cargos)
    if rest <= 0:
        line.igv = ZERO if rest == 0 else None
        return
    isc = _value(line.isc)
    base = amount(rest / (ONE + _rate(line) / HUNDRED)) - isc
    line.gravadas = base
    line.igv = rest - base - isc


def _check_igv(problems: Problems, line: SummaryLine, igv: Decimal, day: date, path: str) -> None:
    base = _value(line.gravadas) + _value(line.isc)
    accepted = _accepted_rates(day, line.is_note)
    if all(abs(igv - base * rate / HUNDRED) > FIVE for rate in accepted):
        shown = ", ".join(f"{amount(base * rate / HUNDRED)} al {rate.normalize()} %" for rate in accepted)
        _report(problems, "4019", f"{path}.igv", f"declared {igv}, SUNAT's arithmetic gives {shown}")


def _check_ivap(problems: Problems, line: SummaryLine, ivap: Decimal, path: str) -> None:
    expected = _value(line.gravadas) * rates.IVAP / HUNDRED
    if abs(ivap - expected) > FIVE:
        _report(
            problems, "4302", f"{path}.ivap", f"declared {ivap}, SUNAT's arithmetic gives {amount(expected)}"
        )


def _check_total(problems: Problems, line: SummaryLine, total: Decimal, path: str) -> None:
    expected = parts_sum(line)
    if abs(total - expected) > FIVE:
        _report(
            problems,
            "4027",
            f"{path}.importe_total",
            f"declared {total}, the sum of values of sale, taxes and charges is {amount(expected)}",
        )


def _catalog_rate(regimen: str) -> Decimal | None:
    tasa = catalogs.attribute("22", regimen, "tasa")
    return Decimal(str(tasa)) if tasa is not None else None


def _percepcion(problems: Problems, line: SummaryLine, percepcion: SummaryPercepcion, path: str) -> None:
    in_soles = line.moneda == PEN
    catalog_rate = _catalog_rate(percepcion.regimen)
    if percepcion.porcentaje is None:
        percepcion.porcentaje = catalog_rate
    elif catalog_rate is not None and percepcion.porcentaje != catalog_rate:
        _report(
            problems,
            "2891",
            f"{path}.porcentaje",
            f"régimen {percepcion.regimen} is {catalog_rate.normalize()} %, not {percepcion.porcentaje.normalize()} %",
        )
    if percepcion.base is None and in_soles:
        percepcion.base = line.importe_total
    rate = percepcion.porcentaje
    base = percepcion.base
    if rate is None or base is None:
        return  # an unknown régimen or a foreign-currency line without base: validation reports it
    expected_monto = base * rate / HUNDRED
    if percepcion.monto is None:
        percepcion.monto = amount(expected_monto)
    elif in_soles and abs(percepcion.monto - expected_monto) > ONE:
        _report(
            problems,
            "2608",
            f"{path}.monto",
            f"declared {percepcion.monto}, base × rate is {amount(expected_monto)}",
        )
    monto = percepcion.monto
    collected_base = line.importe_total if in_soles and line.importe_total is not None else base
    if percepcion.total is None:
        percepcion.total = amount(collected_base + monto)
        return
    if in_soles and abs(percepcion.total - (collected_base + monto)) > ONE:
        _report(
            problems,
            "2608",
            f"{path}.total",
            f"declared {percepcion.total}, importe total + percepción is {amount(collected_base + monto)}",
        )
    elif abs(percepcion.total - (base + monto)) > ONE:
        _report(
            problems,
            "4027",
            f"{path}.total",
            f"declared {percepcion.total}, base + percepción is {amount(base + monto)}",
        )


def process_line(problems: Problems, line: SummaryLine, day: date, path: str) -> None:
    """Complete and check one line (``day``: the date its IGV rates are taken at, unless the
    line knows its own issue date)."""
    if _only_total(line):
        _split_total(line)
    igv = line.igv
    if igv is None:
        if line.ivap is not None:
            line.igv = amount(ZERO)
        else:
            line.igv = amount((_value(line.gravadas) + _value(line.isc)) * _rate(line) / HUNDRED)
            if line.porcentaje_igv is not None and line.igv > 0:  # a rate SUNAT may not accept
                _check_igv(problems, line, line.igv, line.fecha_emision or day, path)
    elif igv > 0:
        _check_igv(problems, line, igv, line.fecha_emision or day, path)
    if line.ivap is not None and line.ivap > 0:
        _check_ivap(problems, line, line.ivap, path)
    total = line.importe_total
    if total is None:
        line.importe_total = amount(parts_sum(line))
    else:
        _check_total(problems, line, total, path)
    if line.percepcion is not None:
        _percepcion(problems, line, line.percepcion, f"{path}.percepcion")


def process_summary(doc: DailySummary) -> Problems:
    """Complete every amount the lines leave ``None`` and report every declared amount SUNAT
    would reject (error) or observe (warning). Declared amounts are kept. Pure: reads and fills
    ``doc`` only."""
    problems = Problems()
    with localcontext() as context:
        context.prec = _PRECISION
        for index, line in enumerate(doc.lines):
            process_line(problems, line, doc.fecha_referencia, f"lines[{index}]")
    return problems
