"""Native rules of the resumen diario (``validate_summary``): each rule with SUNAT's code, the
severity SUNAT gives it and the domain path of the field."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from yupana.domain.party import Company, Customer
from yupana.domain.problems import Severity
from yupana.domain.summary import DailySummary, SummaryLine, SummaryPercepcion, SummaryReference
from yupana.validation.summary import SummaryOptions, validate_summary

TODAY = date(2026, 11, 22)
ISSUER = Company("20123456786", "EMPRESA DE PRUEBAS S.A.C.")
DNI = Customer("1", "45678912", "")
D = Decimal


def line(correlativo: int = 1, **fields: object) -> SummaryLine:
    """A complete boleta line of 100.00 + 18.00."""
    values: dict[str, object] = {"gravadas": D("100.00"), "igv": D("18.00"), "importe_total": D("118.00")}
    values.update(fields)
    return SummaryLine(
        str(values.pop("tipo_documento", "03")), str(values.pop("serie", "B001")), correlativo, **values
    )  # type: ignore[arg-type]


def summary(*lines: SummaryLine, **fields: object) -> DailySummary:
    doc = DailySummary(1, TODAY, TODAY - timedelta(days=1), ISSUER, list(lines))
    return replace(doc, **fields)  # type: ignore[arg-type]


def found(doc: DailySummary, **options: object) -> list[tuple[str | None, str, Severity]]:
    problems = validate_summary(doc, today=TODAY, options=SummaryOptions(**options))  # type: ignore[arg-type]
    return [(p.code, p.path, p.severity) for p in problems.items]


E, W = Severity.ERROR, Severity.WARNING


def test_a_good_summary_has_no_problems() -> None:
    nota = line(2, tipo_documento="07", referencia=SummaryReference("03", "B001-1"), customer=DNI)
    assert found(summary(line(1), nota, line(3, serie="0001", estado="3"))) == []


# -- the summary -------------------------------------------------------------------------------


def test_identifier_and_issuer() -> None:
    doc = summary(line(), correlativo=100_000, issuer=Company("2012345678", "AB"))
    assert found(doc) == [
        ("2210", "correlativo", E),
        ("2216", "issuer.ruc", E),
        ("2228", "issuer.razon_social", E),
    ]
    assert found(summary(line(), issuer=Company("20123456789", " "))) == [
        ("2225", "issuer.ruc", E),
        ("2229", "issuer.razon_social", E),
    ]
    assert found(summary(line(), issuer=Company("20123456789", "DEMO SAC")), check_ruc_digit=False) == []


def test_dates() -> None:
    tomorrow = TODAY + timedelta(days=1)
    assert found(summary(line(), fecha_generacion=tomorrow, fecha_referencia=TODAY)) == [
        ("2236", "fecha_generacion", E)
    ]
    assert found(summary(line(), fecha_referencia=tomorrow)) == [("2671", "fecha_referencia", E)]
    assert found(summary(line(), fecha_generacion=tomorrow, fecha_referencia=tomorrow)) == [
        ("2236", "fecha_generacion", E),
        ("2237", "fecha_referencia", E),
    ]


def test_deadline_of_seven_days() -> None:
    in_time = summary(line(estado="3"), fecha_referencia=TODAY - timedelta(days=7))
    assert found(in_time) == []
    late = summary(
        line(1, estado="3"),
        line(2, estado="1"),
        line(3, serie="0001", estado="3"),
        fecha_referencia=TODAY - timedelta(days=8),
    )
    # reporting late is observed; voiding an electronic boleta late is refused (not a contingency one)
    assert found(late) == [("4443", "fecha_referencia", W), ("2957", "lines[0].estado", E)]
    assert found(late, max_days=10) == []


def test_documents_of_another_day() -> None:
    doc = summary(line(1, fecha_emision=TODAY - timedelta(days=1)), line(2, fecha_emision=TODAY))
    assert found(doc) == [("2375", "lines[1].fecha_emision", E)]


def test_number_of_lines() -> None:
    assert found(summary()) == [("2279", "lines", E)]
    lines = [line(n) for n in range(1, 502)]
    assert found(summary(*lines)) == [("0158", "lines", E)]
    assert found(summary(*lines[:500])) == []


# -- lines -------------------------------------------------------------------------------------


def test_document_types() -> None:
    doc = summary(
        line(1, tipo_documento="01", serie="F001"),
        line(2, tipo_documento="20", serie="R001"),
        line(0, serie="B001"),
        line(4, serie="BB-1"),
    )
    assert found(doc) == [
        ("2241", "lines[0].tipo_documento", E),
        ("2513", "lines[0].serie", E),
        ("2241", "lines[1].tipo_documento", E),
        ("2513", "lines[1].serie", E),
        ("2513", "lines[2].correlativo", E),
        ("2513", "lines[3].serie", E),
    ]


def test_estado_and_currency() -> None:
    doc = summary(line(1, estado="4"), line(2, moneda="XXY"))
    assert found(doc) == [("2896", "lines[0].estado", E), ("3088", "lines[1].moneda", E)]


def test_duplicates() -> None:
    doc = summary(
        line(1), line(1), line(2, estado="1"), line(2, estado="2"), line(3, estado="2"), line(3, estado="3")
    )
    assert found(doc) == [
        ("3094", "lines[1]", E),
        ("3095", "lines[2].estado", E),
        ("3096", "lines[4].estado", E),
    ]
    # added and voided in one summary is allowed (a boleta issued and voided the same day)
    assert found(summary(line(1, estado="1"), line(1, estado="3"))) == []


def test_customer() -> None:
    big = D("700.01")
    doc = summary(
        line(1, importe_total=big, gravadas=D("593.23"), igv=D("106.78")),
        line(2, importe_total=D("700.00"), gravadas=D("593.22"), igv=D("106.78")),
        line(3, customer=Customer("6", "2010007097", "")),
        line(4, customer=Customer("1", "4567891", "")),
        line(5, customer=Customer("7", "AB 123", "")),
        line(6, customer=Customer("9", "X", "")),
        line(7, customer=Customer("-", "-", "")),
        line(8, customer=Customer("1", "", "")),
    )
    assert found(doc) == [
        ("2514", "lines[0].customer", E),
        ("2017", "lines[2].customer.numero_documento", E),
        ("4207", "lines[3].customer.numero_documento", W),
        ("4208", "lines[4].customer.numero_documento", W),
        ("2016", "lines[5].customer.tipo_documento", E),
        ("2014", "lines[7].customer.numero_documento", E),
    ]


def test_references() -> None:
    doc = summary(
        line(1, referencia=SummaryReference("03", "B001-9")),
        line(2, tipo_documento="07"),
        line(3, tipo_documento="07", referencia=SummaryReference("01", "F001-9")),
        line(4, tipo_documento="08", referencia=SummaryReference("03", "F001-9")),
        line(5, tipo_documento="08", referencia=SummaryReference("12", "CAJA 1-9")),
        line(6, tipo_documento="07", referencia=SummaryReference("12", "MAQ01-9")),
        line(7, tipo_documento="07", referencia=SummaryReference("03", "0001-9")),
    )
    assert found(doc) == [
        ("2582", "lines[0].referencia", E),
        ("2524", "lines[1].referencia", E),
        ("2513", "lines[2].referencia.tipo_documento", E),
        ("2920", "lines[3].referencia.numero", E),
        ("2920", "lines[4].referencia.numero", E),
    ]


def test_percepcion() -> None:
    ok = SummaryPercepcion("01", D("2"), D("118.00"), D("2.36"), D("120.36"))
    doc = summary(
        line(1, customer=DNI, percepcion=ok),
        line(2, customer=DNI, estado="3", percepcion=ok),
        line(3, customer=DNI, estado="2", percepcion=ok),
        line(
            4, tipo_documento="07", referencia=SummaryReference("03", "B001-1"), customer=DNI, percepcion=ok
        ),
        line(5, percepcion=ok),
        line(6, customer=DNI, percepcion=replace(ok, regimen="09")),
        line(7, customer=DNI, percepcion=replace(ok, monto=D("0"), total=D("1.234"), base=None)),
        line(8, customer=DNI, moneda="USD", percepcion=replace(ok, base=None)),
    )
    assert found(doc) == [
        ("2986", "lines[2].percepcion", E),
        ("2986", "lines[3].percepcion", E),
        ("2679", "lines[4].customer", E),
        ("2517", "lines[5].percepcion.regimen", E),
        ("2893", "lines[6].percepcion.monto", E),
        ("2895", "lines[6].percepcion.total", E),
        ("2897", "lines[6].percepcion.base", E),
        ("2608", "lines[7].percepcion.base", E),
    ]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("importe_total", D("-1.00"), "2251"),
        ("importe_total", D("1.005"), "2251"),
        ("importe_total", None, "2252"),
        ("gravadas", D("-5"), "2254"),
        ("exportacion", D("10.555"), "2254"),
        ("otros_cargos", D("-1"), "2261"),
        ("igv", D("0.001"), "2048"),
        ("icbper", D("-0.50"), "2048"),
    ],
)
def test_amount_forms(field: str, value: Decimal | None, code: str) -> None:
    assert found(summary(line(**{field: value}))) == [(code, f"lines[0].{field}", E)]


def test_trailing_zeros_are_not_decimals() -> None:
    assert found(summary(line(gravadas=D("100.0000"), importe_total=D("118.000")))) == []
