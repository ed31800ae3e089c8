"""Document totals of yupana.calc: global allowances, anticipos, mixed documents, notes.
Every expected value is computed by hand in the comments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from yupana.calc import process
from yupana.domain.party import Company, Customer
from yupana.domain.sale import AllowanceCharge, NoteReference, Prepayment, SaleDocument, SaleLine


def sale(*lines: SaleLine, tipo: str = "01", fecha: date = date(2025, 3, 10), **kw) -> SaleDocument:
    customer = (
        Customer("1", "12345678", "ANA") if tipo == "03" else Customer("6", "20000000001", "CLIENTE SAC")
    )
    return SaleDocument(
        tipo_documento=tipo,
        serie="B001" if tipo == "03" else "F001",
        correlativo=1,
        fecha_emision=fecha,
        issuer=Company("20123456789", "EMPRESA SAC"),
        customer=customer,
        lines=list(lines),
        **kw,
    )


def note(tipo: str, codigo: str, *lines: SaleLine, afectado: str = "01", **kw) -> SaleDocument:
    reference = NoteReference(codigo, "MOTIVO", afectado, "F001-111" if afectado == "01" else "B001-5")
    return sale(*lines, tipo=tipo, note=reference, **kw)


def codes(problems) -> list[str | None]:
    return [p.code for p in problems.items]


def two_lines() -> list[SaleLine]:
    # 10 × 2 = 20 and 1 × 50 = 50: taxable value 70, line IGV 3.60 + 9.00
    return [
        SaleLine("CUADERNO", D("10"), valor_unitario=D("2")),
        SaleLine("RADIO", D("1"), valor_unitario=D("50")),
    ]


def test_gravada_exonerada_inafecta_and_free_in_one_document():
    doc = sale(
        SaleLine("PROD 1", D("2"), valor_unitario=D("100")),
        SaleLine("PROD 2", D("2"), tipo_afectacion_igv="20", valor_unitario=D("50")),
        SaleLine("PROD 3", D("2"), tipo_afectacion_igv="30", valor_unitario=D("100")),
        SaleLine("PROD 4", D("1"), tipo_afectacion_igv="13", valor_referencial=D("100")),
        SaleLine("PROD 5", D("2"), tipo_afectacion_igv="32", valor_referencial=D("100")),
    )
    assert process(doc).items == []
    t = doc.totals
    assert (t.gravadas, t.exoneradas, t.inafectas) == (D("200.00"), D("100.00"), D("200.00"))
    assert (t.gratuitas, t.igv_gratuitas) == (D("300.00"), D("18.00"))
    assert (t.igv, t.total_impuestos) == (D("36.00"), D("36.00"))
    # value 200 + 100 + 200; price 500 + 36
    assert (t.valor_venta, t.precio_venta, t.importe_total) == (D("500.00"), D("536.00"), D("536.00"))
    assert doc.legends == []  # partly free: legend 1002 is the caller's choice


def test_gravada_with_a_free_bonus_line():
    doc = sale(
        SaleLine("PROD", D("2"), valor_unitario=D("100")),
        SaleLine("BONIFICACION", D("1"), tipo_afectacion_igv="15", valor_referencial=D("50")),
    )
    assert process(doc).items == []
    t = doc.totals
    assert (t.gravadas, t.igv, t.gratuitas, t.igv_gratuitas) == (
        D("200.00"),
        D("36.00"),
        D("50.00"),
        D("9.00"),
    )
    assert t.importe_total == D("236.00")


def test_usd_document_is_computed_in_its_currency():
    doc = sale(SaleLine("LICENCIA", D("3"), valor_unitario=D("33.33")), moneda="USD", tipo_cambio=D("3.750"))
    assert process(doc).items == []
    # 3 × 33.33 = 99.99; IGV 17.9982 -> 18.00; total 117.99
    t = doc.totals
    assert (t.gravadas, t.igv, t.importe_total) == (D("99.99"), D("18.00"), D("117.99"))


def test_icbper_document_totals():
    doc = sale(
        SaleLine("PRODUCTO 1", D("2"), valor_unitario=D("100")),
        SaleLine("BOLSA", D("4"), valor_unitario=D("0.05"), icbper_factor=D("0.50")),
    )
    assert process(doc).items == []
    t = doc.totals
    # gravadas 200.20; IGV 36 + 0.04; ICBPER 2.00; taxes 38.04; total 200.20 + 38.04
    assert (t.gravadas, t.igv, t.icbper, t.total_impuestos) == (
        D("200.20"),
        D("36.04"),
        D("2.00"),
        D("38.04"),
    )
    assert (t.precio_venta, t.importe_total) == (D("238.24"), D("238.24"))


def test_global_discount_on_the_base_02():
    doc = sale(*two_lines(), allowances=[AllowanceCharge("02", monto=D("3"), base=D("3"), factor=D("1"))])
    assert process(doc).items == []
    t = doc.totals
    # base 70 - 3 = 67; IGV 67 × 18 % = 12.06
    assert (t.gravadas, t.igv, t.valor_venta) == (D("67.00"), D("12.06"), D("67.00"))
    assert (t.precio_venta, t.importe_total) == (D("79.06"), D("79.06"))
    assert doc.allowances[0].is_charge is False


def test_global_discount_on_the_base_02_from_a_factor():
    discount = AllowanceCharge("02", factor=D("0.10"))
    doc = sale(*two_lines(), allowances=[discount])
    assert process(doc).items == []
    # base defaults to the taxable value 70: 10 % = 7; base 63; IGV 11.34
    assert (discount.base, discount.monto) == (D("70.00"), D("7.00"))
    t = doc.totals
    assert (t.gravadas, t.igv, t.valor_venta, t.importe_total) == (
        D("63.00"),
        D("11.34"),
        D("63.00"),
        D("74.34"),
    )
    # lines keep their own IGV (SUNAT checks each line on its own base)
    assert [line.igv for line in doc.lines] == [D("3.60"), D("9.00")]


def test_global_discount_outside_the_base_03():
    discount = AllowanceCharge("03", factor=D("0.05"))
    doc = sale(*two_lines(), allowances=[discount])
    assert process(doc).items == []
    # price 70 + 12.60 = 82.60; 5 % of it = 4.13; payable 78.47
    assert (discount.base, discount.monto) == (D("82.60"), D("4.13"))
    t = doc.totals
    assert (t.gravadas, t.igv, t.precio_venta) == (D("70.00"), D("12.60"), D("82.60"))
    assert (t.descuentos, t.importe_total) == (D("4.13"), D("78.47"))


def test_global_charge_on_the_base_49():
    doc = sale(*two_lines(), allowances=[AllowanceCharge("49", monto=D("10"))])
    assert process(doc).items == []
    t = doc.totals
    # base 70 + 10 = 80; IGV 14.40
    assert (t.gravadas, t.igv, t.valor_venta, t.importe_total) == (
        D("80.00"),
        D("14.40"),
        D("80.00"),
        D("94.40"),
    )
    assert doc.allowances[0].is_charge is True


def test_global_charge_outside_the_base_50():
    charge = AllowanceCharge("50", factor=D("0.10"))
    doc = sale(*two_lines(), allowances=[charge])
    assert process(doc).items == []
    # 10 % of the value 70 = 7, outside the base; payable 82.60 + 7
    assert (charge.base, charge.monto) == (D("70.00"), D("7.00"))
    assert (doc.totals.cargos, doc.totals.importe_total) == (D("7.00"), D("89.60"))


def test_line_and_global_discounts_outside_the_base_add_up():
    doc = sale(
        SaleLine(
            "PRODUCTO 4", D("10"), valor_unitario=D("2"), allowances=[AllowanceCharge("01", monto=D("4"))]
        ),
        allowances=[AllowanceCharge("03", monto=D("3"))],
    )
    assert process(doc).items == []
    # 4 + 3 = 7 off the price 23.60
    assert (doc.totals.descuentos, doc.totals.importe_total) == (D("7.00"), D("16.60"))


def test_anticipo_gravado_is_deducted_with_a_derived_discount_04():
    doc = sale(
        SaleLine("PROD 1", D("2"), valor_unitario=D("100")),
        anticipos=[Prepayment("02", "F001-111", D("118"))],
    )
    assert process(doc).items == []
    # the anticipo paid 118 with IGV: value 100 deducted from the base (discount 04)
    [discount] = doc.allowances
    assert (discount.codigo, discount.monto, discount.base, discount.is_charge) == (
        "04",
        D("100.00"),
        D("100.00"),
        False,
    )
    t = doc.totals
    assert (t.gravadas, t.igv, t.total_impuestos) == (D("100.00"), D("18.00"), D("18.00"))
    # price before the deduction 200 + 36; the anticipos (118) come off the total
    assert (t.valor_venta, t.precio_venta, t.anticipos) == (D("200.00"), D("236.00"), D("118"))
    assert t.importe_total == D("118.00")


def test_anticipo_with_declared_discount_04():
    doc = sale(
        SaleLine("PROD 1", D("5"), valor_unitario=D("100")),
        anticipos=[Prepayment("02", "F001-7", D("236")), Prepayment("02", "F001-8", D("118"))],
        allowances=[AllowanceCharge("04", monto=D("300"))],
    )
    assert process(doc).items == []
    t = doc.totals
    # base 500 - 300 = 200; IGV 36; price 500 + 90 = 590; anticipos 354; payable 236
    assert (t.gravadas, t.igv, t.precio_venta, t.anticipos, t.importe_total) == (
        D("200.00"),
        D("36.00"),
        D("590.00"),
        D("354"),
        D("236.00"),
    )


def test_anticipo_exonerado_05():
    doc = sale(
        SaleLine("LIBRO", D("2"), tipo_afectacion_igv="20", valor_unitario=D("100")),
        anticipos=[Prepayment("02", "F001-9", D("50"))],
    )
    assert process(doc).items == []
    assert doc.allowances[0].codigo == "05"
    t = doc.totals
    assert (t.exoneradas, t.valor_venta, t.precio_venta, t.importe_total) == (
        D("150.00"),
        D("200.00"),
        D("200.00"),
        D("150.00"),
    )


def test_anticipo_of_a_mixed_sale_needs_the_discounts_declared():
    doc = sale(
        SaleLine("PROD", D("1"), valor_unitario=D("100")),
        SaleLine("LIBRO", D("1"), tipo_afectacion_igv="20", valor_unitario=D("100")),
        anticipos=[Prepayment("02", "F001-9", D("50"))],
    )
    problems = process(doc)
    assert codes(problems) == ["3287"]
    assert problems.errors[0].path == "allowances"


def test_discount_for_anticipos_without_anticipos_is_rejected():
    doc = sale(
        SaleLine("PROD", D("2"), valor_unitario=D("100")), allowances=[AllowanceCharge("04", monto=D("50"))]
    )
    assert codes(process(doc)) == ["3282"]


def test_declared_rounding_within_one():
    doc = sale(SaleLine("PROD", D("1"), valor_unitario=D("200.81")))
    doc.totals.redondeo = D("0.04")
    assert process(doc).items == []
    # IGV 36.1458 -> 36.15; price 236.96; payable with rounding 237.00
    assert (doc.totals.precio_venta, doc.totals.importe_total) == (D("236.96"), D("237.00"))


def test_rounding_above_one_is_rejected():
    doc = sale(SaleLine("PROD", D("1"), valor_unitario=D("200")))
    doc.totals.redondeo = D("1.50")
    problems = process(doc)
    assert codes(problems) == ["3303"]
    assert problems.errors[0].path == "totals.redondeo"


def test_boleta_with_prices_with_igv():
    doc = sale(
        SaleLine("GASEOSA", D("3"), precio_unitario=D("2.50")),
        SaleLine("GALLETA", D("2"), precio_unitario=D("1.20")),
        tipo="03",
    )
    assert process(doc).items == []
    # 7.50 -> value 6.36 (7.50 / 1.18 = 6.3559…), IGV 1.14; 2.40 -> 2.03, IGV 0.37
    assert [(line.valor_venta, line.igv) for line in doc.lines] == [
        (D("6.36"), D("1.14")),
        (D("2.03"), D("0.37")),
    ]
    t = doc.totals
    assert (t.gravadas, t.igv, t.importe_total) == (D("8.39"), D("1.51"), D("9.90"))


def test_nota_de_credito_01_anulacion():
    doc = note(
        "07",
        "01",
        SaleLine("PROD 1", D("2"), valor_unitario=D("50")),
        SaleLine("PROD 2", D("2"), valor_unitario=D("50")),
    )
    assert process(doc).items == []
    t = doc.totals
    assert (t.gravadas, t.igv, t.importe_total) == (D("200.00"), D("36.00"), D("236.00"))
    assert doc.lines[0].precio_unitario == D("59.00")


def test_nota_de_credito_07_devolucion_por_item_of_a_boleta():
    doc = note("07", "07", SaleLine("PROD 1", D("1"), precio_unitario=D("11.80")), afectado="03")
    assert process(doc).items == []
    assert (doc.lines[0].valor_venta, doc.lines[0].igv, doc.totals.importe_total) == (
        D("10.00"),
        D("1.80"),
        D("11.80"),
    )


def test_nota_de_credito_13_carries_zero_amounts():
    doc = note("07", "13", SaleLine("AJUSTE DE CUOTAS", D("1"), valor_unitario=D("0")))
    assert process(doc).items == []
    t = doc.totals
    assert (t.gravadas, t.igv, t.importe_total) == (D("0.00"), D("0.00"), D("0.00"))


def test_nota_de_credito_13_with_an_amount_is_rejected():
    doc = note("07", "13", SaleLine("AJUSTE", D("1"), valor_unitario=D("10")))
    assert codes(process(doc)) == ["3315"]


def test_nota_de_debito_01_intereses_and_02_aumento():
    for codigo in ("01", "02"):
        doc = note("08", codigo, SaleLine("INTERESES", D("1"), valor_unitario=D("50")))
        assert process(doc).items == []
        assert (doc.totals.igv, doc.totals.importe_total) == (D("9.00"), D("59.00"))
