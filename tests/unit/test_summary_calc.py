"""SUNAT's arithmetic on the lines of a resumen diario (``process_summary``) and the lines made
from stored sales (``summary_line_from_sale``). Expected amounts are worked by hand in the
comments: IGV 18 % unless said, ROUND_HALF_UP to 2 decimals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from yupana.calc import process
from yupana.calc.summary import process_summary
from yupana.domain.party import Company, Customer
from yupana.domain.problems import InvalidDocument, Severity
from yupana.domain.sale import AllowanceCharge, NoteReference, Percepcion, SaleDocument, SaleLine
from yupana.domain.summary import DailySummary, SummaryLine, SummaryPercepcion
from yupana.domain.summary_from_sales import summary_line_from_sale

DAY = date(2026, 11, 20)
ISSUER = Company("20123456786", "EMPRESA DE PRUEBAS S.A.C.")
D = Decimal


def summary(*lines: SummaryLine) -> DailySummary:
    return DailySummary(1, DAY, DAY, ISSUER, list(lines))


def codes(doc: DailySummary) -> list[tuple[str | None, str, Severity]]:
    return [(p.code, p.path, p.severity) for p in process_summary(doc).items]


def test_igv_and_total_from_the_categories() -> None:
    line = SummaryLine("03", "B001", 1, gravadas=D("84.75"), exoneradas=D("10.00"), icbper=D("0.50"))
    assert codes(summary(line)) == []
    # 84.75 × 18 % = 15.255 → 15.26; 84.75 + 10.00 + 15.26 + 0.50 = 110.51
    assert line.igv == D("15.26")
    assert line.importe_total == D("110.51")


def test_igv_counts_the_isc_and_uses_the_line_rate() -> None:
    line = SummaryLine("03", "B001", 1, gravadas=D("100.00"), isc=D("10.00"), porcentaje_igv=D("10.5"))
    assert codes(summary(line)) == []
    # (100 + 10) × 10.5 % = 11.55; 100 + 10 + 11.55 = 121.55
    assert (line.igv, line.importe_total) == (D("11.55"), D("121.55"))


def test_a_total_alone_is_one_gravada_sale() -> None:
    line = SummaryLine("03", "B001", 1, importe_total=D("10.00"), icbper=D("0.50"))
    assert codes(summary(line)) == []
    # 10.00 - 0.50 = 9.50 with IGV; 9.50 / 1.18 = 8.0508… → 8.05; IGV 9.50 - 8.05 = 1.45
    assert (line.gravadas, line.igv) == (D("8.05"), D("1.45"))
    assert line.gravadas + line.igv + line.icbper == line.importe_total


def test_a_total_alone_with_isc() -> None:
    line = SummaryLine("03", "B001", 1, importe_total=D("129.80"), isc=D("10.00"))
    assert codes(summary(line)) == []
    # 129.80 / 1.18 = 110.00 = base + ISC; base 100.00; IGV 129.80 - 110.00 = 19.80
    assert (line.gravadas, line.igv) == (D("100.00"), D("19.80"))


def test_an_ivap_line_has_no_igv() -> None:
    line = SummaryLine("03", "B001", 1, gravadas=D("200.00"), ivap=D("8.00"))
    assert codes(summary(line)) == []
    assert (line.igv, line.importe_total) == (D("0.00"), D("208.00"))


def test_free_transfers_are_not_in_the_total() -> None:
    line = SummaryLine("03", "B001", 1, gratuitas=D("50.00"))
    assert codes(summary(line)) == []
    assert (line.igv, line.importe_total) == (D("0.00"), D("0.00"))


def test_declared_igv_within_five_passes_beyond_is_observed() -> None:
    near = SummaryLine("03", "B001", 1, gravadas=D("100.00"), igv=D("23.00"), importe_total=D("123.00"))
    far = SummaryLine("03", "B001", 2, gravadas=D("100.00"), igv=D("23.01"), importe_total=D("123.01"))
    # 100 × 18 % = 18.00: 23.00 is 5.00 away (passes), 23.01 is 5.01 away (4019)
    assert codes(summary(near, far)) == [("4019", "lines[1].igv", Severity.WARNING)]
    assert far.igv == D("23.01")  # declared amounts are kept


def test_igv_at_a_special_rate_passes() -> None:
    # 1000 × 10.5 % = 105.00 (special rate from 2026); 18 % would be 180.00
    line = SummaryLine("03", "B001", 1, gravadas=D("1000.00"), igv=D("105.00"), importe_total=D("1105.00"))
    assert codes(summary(line)) == []


def test_ivap_is_checked_at_four_percent() -> None:
    line = SummaryLine("03", "B001", 1, gravadas=D("1000.00"), ivap=D("30.00"), importe_total=D("1030.00"))
    # 1000 × 4 % = 40.00, 10.00 away
    assert codes(summary(line)) == [("4302", "lines[0].ivap", Severity.WARNING)]


def test_total_is_checked_against_the_sum_with_exportacion() -> None:
    ok = SummaryLine(
        "03", "B001", 1, gravadas=D("20.00"), exportacion=D("10.56"), otros_cargos=D("21.00"),
        igv=D("3.60"), importe_total=D("55.16"),
    )  # fmt: skip
    wrong = SummaryLine("03", "B001", 2, gravadas=D("20.00"), igv=D("3.60"), importe_total=D("30.00"))
    # 20 + 10.56 + 21 + 3.60 = 55.16; 20 + 3.60 = 23.60, 6.40 away from 30.00
    assert codes(summary(ok, wrong)) == [("4027", "lines[1].importe_total", Severity.WARNING)]


def test_percepcion_is_completed_from_the_regimen() -> None:
    perception = SummaryPercepcion("03")
    line = SummaryLine("03", "B001", 1, gravadas=D("100.00"), percepcion=perception)
    assert codes(summary(line)) == []
    # total 118.00; 0.5 % = 0.59; collected 118.59
    assert perception == SummaryPercepcion("03", D("0.5"), D("118.00"), D("0.59"), D("118.59"))


def test_percepcion_checks() -> None:
    rate = SummaryLine(
        "03", "B001", 1, importe_total=D("118.00"), percepcion=SummaryPercepcion("01", porcentaje=D("1"))
    )
    amount = SummaryLine(
        "03", "B001", 2, importe_total=D("118.00"), percepcion=SummaryPercepcion("01", monto=D("3.37"))
    )
    total = SummaryLine(
        "03", "B001", 3, importe_total=D("118.00"), percepcion=SummaryPercepcion("01", total=D("125.00"))
    )
    # régimen 01 is 2 %; 2 % of 118.00 = 2.36 (3.37 is 1.01 away); 118.00 + 2.36 = 120.36
    assert codes(summary(rate, amount, total)) == [
        ("2891", "lines[0].percepcion.porcentaje", Severity.ERROR),
        ("2608", "lines[1].percepcion.monto", Severity.ERROR),
        ("2608", "lines[2].percepcion.total", Severity.ERROR),
    ]


def test_percepcion_on_a_dollar_line_needs_its_soles_base() -> None:
    without = SummaryLine(
        "03", "B001", 1, moneda="USD", importe_total=D("100.00"), percepcion=SummaryPercepcion("01")
    )
    with_base = SummaryLine(
        "03",
        "B001",
        2,
        moneda="USD",
        importe_total=D("100.00"),
        percepcion=SummaryPercepcion("01", base=D("375.00")),
    )
    assert codes(summary(without, with_base)) == []
    assert without.percepcion is not None and without.percepcion.base is None
    # 2 % of S/ 375.00 = 7.50; collected 382.50 soles
    assert with_base.percepcion == SummaryPercepcion("01", D("2"), D("375.00"), D("7.50"), D("382.50"))


# -- lines from stored sales --------------------------------------------------------------------


def sale(tipo: str, serie: str, *lines: SaleLine, **fields: object) -> SaleDocument:
    doc = SaleDocument(tipo, serie, 9, DAY, ISSUER, Customer("1", "45678912", "JUAN"), list(lines), **fields)
    assert not process(doc).errors
    return doc


def test_line_from_a_boleta() -> None:
    boleta = sale(
        "03",
        "B001",
        SaleLine("A", D("2"), valor_unitario=D("50")),
        SaleLine("B", D("1"), tipo_afectacion_igv="30", valor_unitario=D("20")),
        SaleLine("C", D("1"), tipo_afectacion_igv="13", valor_unitario=D("0"), valor_referencial=D("15")),
        SaleLine("BOLSA", D("2"), valor_unitario=D("0.10"), icbper_factor=D("0.50")),
        allowances=[AllowanceCharge("50", D("5.00"))],
    )
    line = summary_line_from_sale(boleta, "1")
    assert (line.tipo_documento, line.numero, line.estado, line.fecha_emision) == ("03", "B001-9", "1", DAY)
    # gravadas 100 + 0.20 = 100.20; IGV 18.036 → 18.04; ICBPER 2 × 0.50 = 1.00; charge 5.00
    assert (line.gravadas, line.inafectas, line.gratuitas) == (D("100.20"), D("20.00"), D("15.00"))
    assert (line.igv, line.icbper, line.otros_cargos) == (D("18.04"), D("1.00"), D("5.00"))
    # 100.20 + 20.00 + 18.04 + 1.00 + 5.00 = 144.24
    assert line.importe_total == D("144.24")
    assert line.customer == boleta.customer
    assert codes(summary(line)) == []


def test_line_from_a_nota_and_a_percepcion() -> None:
    nota = sale(
        "07",
        "BC01",
        SaleLine("A", D("1"), valor_unitario=D("50")),
        note=NoteReference("01", "ANULACION", "03", "B001-3"),
    )
    line = summary_line_from_sale(nota, "3")
    assert line.referencia is not None
    assert (line.referencia.tipo_documento, line.referencia.numero, line.estado) == ("03", "B001-3", "3")
    perceived = sale(
        "03",
        "B001",
        SaleLine("CEMENTO", D("10"), valor_unitario=D("100")),
        tipo_operacion="2001",
        percepcion=Percepcion("52", D("0.01")),
    )
    percepcion = summary_line_from_sale(perceived, "1").percepcion
    # 1180.00 × 1 % = 11.80; 1191.80
    assert percepcion == SummaryPercepcion("02", D("1"), D("1180.00"), D("11.80"), D("1191.80"))


@pytest.mark.parametrize(
    ("doc", "estado", "code", "path"),
    [
        (lambda: sale("01", "F001", SaleLine("A", D(1), valor_unitario=D(1))), "1", "2241", "tipo_documento"),
        (
            lambda: sale(
                "07",
                "FC01",
                SaleLine("A", D(1), valor_unitario=D(1)),
                note=NoteReference("01", "X", "01", "F001-1"),
            ),
            "1",
            "2513",
            "note.tipo_documento_afectado",
        ),
        (lambda: sale("03", "B001", SaleLine("A", D(1), valor_unitario=D(1))), "4", "2896", "estado"),
    ],
)
def test_documents_a_summary_does_not_take(doc, estado: str, code: str, path: str) -> None:
    with pytest.raises(InvalidDocument) as caught:
        summary_line_from_sale(doc(), estado)
    assert [(p.code, p.path) for p in caught.value.errors] == [(code, path)]


def test_an_incomplete_sale_is_refused() -> None:
    raw = SaleDocument("03", "B001", 1, DAY, ISSUER, Customer("1", "45678912", "J"), [SaleLine("A", D(1))])
    with pytest.raises(InvalidDocument) as caught:
        summary_line_from_sale(raw, "1")
    assert caught.value.errors[0].path == "totals.importe_total"


def test_one_summary_per_issuer() -> None:
    from yupana.domain.summary_from_sales import summary_from_sales

    mine = sale("03", "B001", SaleLine("A", D(1), valor_unitario=D(1)))
    other = sale("03", "B002", SaleLine("A", D(1), valor_unitario=D(1)))
    other.issuer = Company("20100070970", "OTRA S.A.")
    with pytest.raises(InvalidDocument) as caught:
        summary_from_sales([(mine, "1"), (other, "1")], correlativo=1, fecha_generacion=DAY)
    assert [p.path for p in caught.value.errors] == ["lines[1]"]
    with pytest.raises(InvalidDocument) as caught:
        summary_from_sales([], correlativo=1, fecha_generacion=DAY)
    assert caught.value.errors[0].path == "lines"


def test_igv_derived_at_a_rate_sunat_does_not_accept_is_observed() -> None:
    line = SummaryLine("03", "B001", 1, gravadas=D("1000.00"), porcentaje_igv=D("12"))
    # 1000 × 12 % = 120.00: 60.00 from 18 %, 15.00 from 10.5 %
    assert codes(summary(line)) == [("4019", "lines[0].igv", Severity.WARNING)]
    assert (line.igv, line.importe_total) == (D("120.00"), D("1120.00"))
