"""Line arithmetic of yupana.calc: every expected value below is computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from yupana.calc import process
from yupana.domain.party import Company, Customer
from yupana.domain.sale import AllowanceCharge, Isc, SaleDocument, SaleLine


def sale(*lines: SaleLine, tipo: str = "01", fecha: date = date(2025, 3, 10), **kw) -> SaleDocument:
    customer = (
        Customer("6", "20000000001", "CLIENTE SAC") if tipo == "01" else Customer("1", "12345678", "ANA")
    )
    return SaleDocument(
        tipo_documento=tipo,
        serie="F001" if tipo == "01" else "B001",
        correlativo=1,
        fecha_emision=fecha,
        issuer=Company("20123456789", "EMPRESA SAC"),
        customer=customer,
        lines=list(lines),
        **kw,
    )


def codes(problems) -> list[str | None]:
    return [p.code for p in problems.items]


def test_gravada_from_valor_unitario():
    doc = sale(SaleLine("PROD 1", D("2"), valor_unitario=D("100")))
    problems = process(doc)
    line = doc.lines[0]
    assert problems.items == []
    # 2 × 100 = 200; IGV 18 % = 36; price with IGV (200 + 36) / 2 = 118
    assert line.valor_venta == D("200.00")
    assert line.base_igv == D("200.00")
    assert line.porcentaje_igv == D("18.00")
    assert line.igv == D("36.00")
    assert line.total_impuestos == D("36.00")
    assert line.precio_unitario == D("118.00")


def test_gravada_from_precio_unitario_keeps_the_amount_the_customer_sees():
    doc = sale(SaleLine("ARROZ", D("10"), precio_unitario=D("7.88")))
    assert process(doc).items == []
    line = doc.lines[0]
    # 7.88 / 1.18 = 6.677966101694… -> 6.6779661017; 10 × 7.88 = 78.80; 78.80 / 1.18 = 66.7796… -> 66.78
    assert line.valor_unitario == D("6.6779661017")
    assert line.valor_venta == D("66.78")
    assert line.igv == D("12.02")  # 78.80 - 66.78
    assert line.precio_unitario == D("7.88")
    assert doc.totals.importe_total == D("78.80")


def test_precio_unitario_line_total_is_price_times_quantity_where_value_first_would_add_a_cent():
    # 1.21 / 1.18 = 1.0254…: value first gives 1.03 + 0.19 (1.03 × 0.18 = 0.1854) = 1.22.
    # The line keeps 1 × 1.21: value 1.03, IGV 0.18 (within SUNAT's ±1 of 0.1854).
    doc = sale(SaleLine("CARAMELO", D("1"), precio_unitario=D("1.21")), tipo="03")
    assert process(doc).items == []
    line = doc.lines[0]
    assert line.valor_unitario == D("1.0254237288")
    assert line.valor_venta == D("1.03")
    assert line.igv == D("0.18")
    assert doc.totals.importe_total == D("1.21")


@pytest.mark.parametrize("code", ["20", "30"])
def test_exonerada_and_inafecta_carry_no_igv(code):
    doc = sale(SaleLine("LIBRO", D("3"), tipo_afectacion_igv=code, valor_unitario=D("50")))
    assert process(doc).items == []
    line = doc.lines[0]
    assert line.valor_venta == D("150.00")
    assert line.base_igv == D("150.00")
    assert line.porcentaje_igv == D("0.00")
    assert line.igv == D("0.00")
    assert line.total_impuestos == D("0.00")
    assert line.precio_unitario == D("50.00")


def test_exportacion_line():
    doc = sale(
        SaleLine("CAFE", D("2"), unidad="KGM", tipo_afectacion_igv="40", valor_unitario=D("50")),
        moneda="USD",
        tipo_operacion="0200",
    )
    assert process(doc).items == []
    line = doc.lines[0]
    assert (line.valor_venta, line.igv, line.precio_unitario) == (D("100.00"), D("0.00"), D("50.00"))
    assert doc.totals.exportacion == D("100.00")
    assert doc.totals.importe_total == D("100.00")


@pytest.mark.parametrize("code", ["11", "12", "13", "14", "15", "16"])
def test_free_gravado_computes_igv_that_is_not_charged(code):
    doc = sale(SaleLine("OBSEQUIO", D("2"), tipo_afectacion_igv=code, valor_referencial=D("100")))
    assert process(doc).items == []
    line = doc.lines[0]
    assert line.valor_unitario == D("0.00")
    assert line.valor_venta == D("200.00")  # 2 × valor referencial 100
    assert line.base_igv == D("200.00")
    assert line.igv == D("36.00")
    assert line.total_impuestos == D("0.00")  # the IGV of a free line goes under 9996, not charged
    assert line.precio_unitario is None
    totals = doc.totals
    assert (totals.gratuitas, totals.igv_gratuitas) == (D("200.00"), D("36.00"))
    assert (totals.gravadas, totals.igv) == (None, None)
    assert (totals.valor_venta, totals.total_impuestos, totals.importe_total) == (D("0"), D("0"), D("0.00"))
    assert [(legend.codigo, legend.valor) for legend in doc.legends] == [
        ("1002", "TRANSFERENCIA GRATUITA DE UN BIEN Y/O SERVICIO PRESTADO GRATUITAMENTE")
    ]


@pytest.mark.parametrize("code", ["21", "31", "32", "33", "34", "35", "36", "37"])
def test_free_exonerado_or_inafecto_has_zero_igv(code):
    doc = sale(SaleLine("MUESTRA", D("4"), tipo_afectacion_igv=code, valor_referencial=D("12.50")))
    assert process(doc).items == []
    line = doc.lines[0]
    assert (line.valor_venta, line.igv, line.porcentaje_igv) == (D("50.00"), D("0.00"), D("0.00"))
    assert (doc.totals.gratuitas, doc.totals.igv_gratuitas) == (D("50.00"), D("0.00"))
    assert doc.totals.importe_total == D("0.00")


def test_free_line_value_from_a_price_with_igv():
    doc = sale(SaleLine("PROMO", D("1"), tipo_afectacion_igv="13", precio_unitario=D("59")))
    assert process(doc).items == []
    line = doc.lines[0]
    assert line.valor_referencial == D("50.00")  # 59 / 1.18
    assert line.precio_unitario is None  # a free line carries only the referential value (price type 02)
    assert line.igv == D("9.00")


def test_ivap_line_at_four_percent():
    doc = sale(
        SaleLine("SACO DE ARROZ", D("900"), unidad="SA", tipo_afectacion_igv="17", valor_unitario=D("100"))
    )
    assert process(doc).items == []
    line = doc.lines[0]
    assert (line.porcentaje_igv, line.igv, line.precio_unitario) == (D("4.00"), D("3600.00"), D("104.00"))
    totals = doc.totals
    assert (totals.ivap_base, totals.ivap, totals.gravadas) == (D("90000.00"), D("3600.00"), None)
    assert totals.importe_total == D("93600.00")
    assert ("2007", "Operación sujeta al IVAP") in [(legend.codigo, legend.valor) for legend in doc.legends]


def test_isc_sistema_01_al_valor():
    doc = sale(SaleLine("AGUA", D("2"), valor_unitario=D("100"), isc=Isc("01", D("17"))))
    assert process(doc).items == []
    line = doc.lines[0]
    # ISC 17 % of 200 = 34; IGV on 200 + 34 = 234 -> 42.12; price (200 + 76.12) / 2
    assert (line.isc.base, line.isc.monto) == (D("200.00"), D("34.00"))
    assert (line.base_igv, line.igv, line.total_impuestos) == (D("234.00"), D("42.12"), D("76.12"))
    assert line.precio_unitario == D("138.06")
    totals = doc.totals
    assert (totals.isc_base, totals.isc, totals.igv, totals.total_impuestos) == (
        D("200.00"),
        D("34.00"),
        D("42.12"),
        D("76.12"),
    )
    assert (totals.gravadas, totals.precio_venta, totals.importe_total) == (
        D("200.00"),
        D("276.12"),
        D("276.12"),
    )


def test_isc_sistema_02_monto_fijo():
    isc = Isc("02", D("0"), monto_fijo=D("1.50"))
    doc = sale(SaleLine("PISCO", D("10"), unidad="LTR", valor_unitario=D("20"), isc=isc))
    assert process(doc).items == []
    line = doc.lines[0]
    # 10 × 1.50 = 15 ISC; written rate 15 / 200 = 7.5 %; IGV on 215 = 38.70
    assert (isc.base, isc.monto, isc.porcentaje) == (D("200.00"), D("15.00"), D("7.50000"))
    assert (line.base_igv, line.igv, line.total_impuestos) == (D("215.00"), D("38.70"), D("53.70"))
    assert line.precio_unitario == D("25.37")  # (200 + 53.70) / 10


def test_isc_sistema_03_precio_de_venta_al_publico():
    isc = Isc("03", D("27.8"), precio_publico=D("37"))
    doc = sale(SaleLine("CERVEZA CAJA", D("2000"), unidad="BX", valor_unitario=D("21.92"), isc=isc))
    assert process(doc).items == []
    line = doc.lines[0]
    # base 2000 × 37 = 74000; ISC 27.8 % = 20572; value 2000 × 21.92 = 43840; IGV on 64412 = 11594.16
    assert (isc.base, isc.monto) == (D("74000.00"), D("20572.00"))
    assert (line.valor_venta, line.base_igv, line.igv) == (D("43840.00"), D("64412.00"), D("11594.16"))
    assert line.total_impuestos == D("32166.16")
    assert line.precio_unitario == D("38.00308")  # (43840 + 32166.16) / 2000


def test_isc_from_a_price_with_taxes():
    # price 138.06 = value × 1.17 × 1.18: value 100 (138.06 / 1.3806)
    doc = sale(SaleLine("AGUA", D("2"), precio_unitario=D("138.06"), isc=Isc("01", D("17"))))
    assert process(doc).items == []
    line = doc.lines[0]
    assert line.valor_unitario == D("100.00")
    assert (line.valor_venta, line.isc.monto, line.igv) == (D("200.00"), D("34.00"), D("42.12"))
    assert doc.totals.importe_total == D("276.12")


def test_icbper_with_its_amount_per_bag():
    doc = sale(SaleLine("BOLSA", D("4"), valor_unitario=D("0.05"), icbper_factor=D("0.50")))
    assert process(doc).items == []
    line = doc.lines[0]
    # value 0.20, IGV 0.036 -> 0.04, ICBPER 4 × 0.50 = 2.00; price (0.20 + 2.04) / 4 = 0.56
    assert (line.valor_venta, line.igv, line.icbper) == (D("0.20"), D("0.04"), D("2.00"))
    assert line.total_impuestos == D("2.04")
    assert line.precio_unitario == D("0.56")


@pytest.mark.parametrize(
    ("fecha", "per_bag"),
    [
        (date(2019, 8, 1), D("0.10")),
        (date(2020, 6, 1), D("0.20")),
        (date(2021, 6, 1), D("0.30")),
        (date(2022, 6, 1), D("0.40")),
        (date(2023, 1, 1), D("0.50")),
        (date(2026, 2, 1), D("0.50")),
    ],
)
def test_icbper_declared_amount_takes_the_rate_of_the_year(fecha, per_bag):
    bags = D("3")
    doc = sale(SaleLine("BOLSA", bags, valor_unitario=D("0.10"), icbper=bags * per_bag), fecha=fecha)
    assert process(doc).items == []
    assert doc.lines[0].icbper_factor == per_bag
    assert doc.totals.icbper == bags * per_bag


def test_icbper_amount_not_matching_the_rate_in_force_is_observed():
    doc = sale(SaleLine("BOLSA", D("2"), valor_unitario=D("0.10"), icbper=D("0.60")), fecha=date(2025, 1, 5))
    problems = process(doc)
    # 2 bags × 0.50 = 1.00 expected, 0.60 declared: observation 4318, the document goes on
    assert codes(problems) == ["4318"]
    assert problems.errors == []
    assert problems.warnings[0].path == "lines[0].icbper"


def test_icbper_old_rate_declared_in_2025_is_observed():
    doc = sale(SaleLine("BOLSA", D("2"), valor_unitario=D("0.10"), icbper_factor=D("0.30")))
    problems = process(doc)
    assert codes(problems) == ["4237"]
    assert doc.lines[0].icbper == D("0.60")


def test_icbper_before_the_tax_existed_is_rejected():
    doc = sale(SaleLine("BOLSA", D("2"), valor_unitario=D("0.10"), icbper=D("0.20")), fecha=date(2019, 7, 1))
    problems = process(doc)
    assert "2949" in codes(problems)


def test_icbper_bags_are_whole():
    doc = sale(SaleLine("BOLSA", D("1.5"), valor_unitario=D("0.10"), icbper_factor=D("0.50")))
    assert codes(process(doc)) == ["2892"]


def test_line_discount_on_the_base_00():
    discount = AllowanceCharge("00", factor=D("0.20"))
    doc = sale(
        SaleLine("CUADERNO", D("10"), valor_unitario=D("2"), allowances=[discount]),
        SaleLine("RADIO", D("1"), valor_unitario=D("50")),
    )
    assert process(doc).items == []
    # base 10 × 2 = 20; 20 % = 4; value 16; IGV 2.88; price (16 + 2.88) / 10 = 1.888
    assert (discount.base, discount.monto, discount.is_charge) == (D("20.00"), D("4.00"), False)
    line = doc.lines[0]
    assert (line.valor_venta, line.igv, line.precio_unitario) == (D("16.00"), D("2.88"), D("1.888"))
    totals = doc.totals
    assert (totals.gravadas, totals.igv, totals.importe_total) == (D("66.00"), D("11.88"), D("77.88"))
    assert totals.descuentos is None


def test_line_discount_outside_the_base_01():
    discount = AllowanceCharge("01", factor=D("0.20"), base=D("20"))
    doc = sale(SaleLine("PRODUCTO 4", D("10"), valor_unitario=D("2"), allowances=[discount]))
    assert process(doc).items == []
    line = doc.lines[0]
    # value stays 20, IGV 3.60; the discount of 4 comes off the price: (20 + 3.60 - 4) / 10 = 1.96
    assert (discount.monto, line.valor_venta, line.igv, line.precio_unitario) == (
        D("4.00"),
        D("20.00"),
        D("3.60"),
        D("1.96"),
    )
    totals = doc.totals
    assert (totals.precio_venta, totals.descuentos, totals.importe_total) == (
        D("23.60"),
        D("4.00"),
        D("19.60"),
    )


def test_line_charge_on_the_base_47():
    charge = AllowanceCharge("47", factor=D("0.10"))
    doc = sale(SaleLine("SERVICIO", D("5"), valor_unitario=D("10"), allowances=[charge]))
    assert process(doc).items == []
    line = doc.lines[0]
    # 10 % of 50 = 5 onto the base: value 55, IGV 9.90, price 64.90 / 5
    assert (charge.monto, charge.is_charge) == (D("5.00"), True)
    assert (line.valor_venta, line.igv, line.precio_unitario) == (D("55.00"), D("9.90"), D("12.98"))


def test_line_charge_outside_the_base_48():
    charge = AllowanceCharge("48", monto=D("3"))
    doc = sale(SaleLine("SERVICIO", D("5"), valor_unitario=D("10"), allowances=[charge]))
    assert process(doc).items == []
    line = doc.lines[0]
    # base 50, factor 3 / 50 = 0.06; value 50, IGV 9; price (50 + 9 + 3) / 5 = 12.40
    assert (charge.base, charge.factor, charge.is_charge) == (D("50.00"), D("0.06000"), True)
    assert (line.valor_venta, line.igv, line.precio_unitario) == (D("50.00"), D("9.00"), D("12.40"))
    assert (doc.totals.cargos, doc.totals.importe_total) == (D("3"), D("62.00"))


def test_price_with_taxes_and_a_discount_is_the_list_price():
    discount = AllowanceCharge("00", factor=D("0.10"))
    doc = sale(SaleLine("PAN", D("2"), precio_unitario=D("118"), allowances=[discount]))
    assert process(doc).items == []
    line = doc.lines[0]
    # unit value 100; base 200 less 10 % = 180; IGV 32.40; SUNAT's unit price (180 + 32.40) / 2
    assert (line.valor_unitario, line.valor_venta, line.igv) == (D("100.00"), D("180.00"), D("32.40"))
    assert line.precio_unitario == D("106.20")


def test_restaurant_special_rate_in_2025():
    doc = sale(SaleLine("MENU", D("2"), valor_unitario=D("100"), porcentaje_igv=D("10")))
    assert process(doc).items == []
    assert (doc.lines[0].igv, doc.totals.igv, doc.totals.importe_total) == (
        D("20.00"),
        D("20.00"),
        D("220.00"),
    )


def test_restaurant_special_rate_in_2026():
    doc = sale(
        SaleLine("MENU", D("2"), valor_unitario=D("100"), porcentaje_igv=D("10.5")), fecha=date(2026, 3, 1)
    )
    assert process(doc).items == []
    assert (doc.lines[0].igv, doc.totals.importe_total) == (D("21.00"), D("221.00"))


def test_special_rate_not_in_force_is_rejected():
    doc = sale(
        SaleLine("MENU", D("2"), valor_unitario=D("100"), porcentaje_igv=D("10.5")), fecha=date(2025, 6, 1)
    )
    problems = process(doc)
    assert codes(problems) == ["3462"]
    assert problems.errors[0].path == "lines[0].porcentaje_igv"


def test_special_rate_beside_the_general_rate_is_rejected_but_computed():
    doc = sale(
        SaleLine("MENU", D("1"), valor_unitario=D("100"), porcentaje_igv=D("10")),
        SaleLine("VINO", D("1"), valor_unitario=D("50")),
    )
    problems = process(doc)
    # SUNAT 3462: every IGV line of a document carries the same rate
    assert codes(problems) == ["3462"]
    assert problems.errors[0].path == "lines[1].porcentaje_igv"
    assert (doc.lines[0].igv, doc.lines[1].igv) == (D("10.00"), D("9.00"))
    assert (doc.totals.igv, doc.totals.importe_total) == (D("19.00"), D("169.00"))


def test_unit_value_from_declared_valor_venta():
    doc = sale(SaleLine("SERVICIO", D("3"), valor_venta=D("100")))
    assert process(doc).items == []
    line = doc.lines[0]
    assert line.valor_unitario == D("33.3333333333")
    assert (line.igv, line.precio_unitario) == (D("18.00"), D("39.3333333333"))


def test_line_without_value_or_price_is_rejected():
    problems = process(sale(SaleLine("X", D("1"))))
    assert codes(problems) == ["2068"]
    assert problems.errors[0].path == "lines[0].valor_unitario"
