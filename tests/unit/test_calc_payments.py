"""Detracción, percepción, retención and payment terms in yupana.calc (hand-computed values)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from yupana.calc import process
from yupana.domain.party import Address, Company, Customer
from yupana.domain.sale import (
    Detraccion,
    DetraccionTransporte,
    Installment,
    NoteReference,
    PaymentTerms,
    Percepcion,
    Retencion,
    SaleDocument,
    SaleLine,
)

ISSUED = date(2025, 3, 10)


def sale(*lines: SaleLine, tipo: str = "01", **kw) -> SaleDocument:
    return SaleDocument(
        tipo_documento=tipo,
        serie="F001",
        correlativo=1,
        fecha_emision=ISSUED,
        issuer=Company("20123456789", "EMPRESA SAC"),
        customer=kw.pop("customer", Customer("6", "20000000001", "CLIENTE SAC")),
        lines=list(lines) or [SaleLine("PROD", D("2"), valor_unitario=D("100"))],  # total 236
        **kw,
    )


def codes(problems) -> list[str | None]:
    return [p.code for p in problems.items]


def credit(*amounts: str, monto: str | None = None) -> PaymentTerms:
    cuotas = [Installment(D(a), date(2025, 4, 10 + i)) for i, a in enumerate(amounts)]
    return PaymentTerms("Credito", D(monto) if monto else None, cuotas)


def test_detraccion_1001_rounds_to_whole_soles_and_nets_the_credit():
    doc = sale(
        SaleLine("SERVICIO", D("4"), unidad="ZZ", valor_unitario=D("200")),
        tipo_operacion="1001",
        detraccion=Detraccion("022", D("4"), "00-000-123456"),
        payment=credit("500", "406"),
    )
    assert process(doc).items == []
    # total 800 + 144 = 944; 4 % = 37.76 -> 38 soles; pending 944 - 38 = 906
    assert doc.totals.importe_total == D("944.00")
    assert doc.detraccion.monto == D("38.00")
    assert doc.payment.monto == D("906.00")
    assert [(legend.codigo, legend.valor) for legend in doc.legends] == [
        ("2006", "Operación sujeta a detracción")
    ]


def test_detraccion_1004_transporte_de_carga():
    transporte = DetraccionTransporte(Address("AV. ORIGEN 1", "150101"), Address("AV. DESTINO 2", "040101"))
    doc = sale(
        SaleLine("FLETE LIMA AREQUIPA", D("1"), unidad="ZZ", valor_unitario=D("1000")),
        tipo_operacion="1004",
        detraccion=Detraccion("027", D("4"), "00-000-123456", transporte=transporte),
    )
    assert process(doc).items == []
    # 1180 × 4 % = 47.20 -> 47
    assert doc.detraccion.monto == D("47.00")
    assert [legend.codigo for legend in doc.legends] == ["2006"]


def test_detraccion_of_a_usd_sale_is_in_soles():
    doc = sale(
        SaleLine("SERVICIO", D("1"), unidad="ZZ", valor_unitario=D("1000")),
        moneda="USD",
        tipo_cambio=D("3.750"),
        tipo_operacion="1001",
        detraccion=Detraccion("022", D("4"), "00-000-123456"),
        payment=credit("1132.80"),
    )
    assert process(doc).items == []
    # 1180 USD × 3.750 = 4425 PEN; 4 % = 177; back in USD 177 / 3.75 = 47.20; pending 1132.80
    assert doc.detraccion.monto == D("177.00")
    assert doc.payment.monto == D("1132.80")


def test_declared_detraccion_is_kept():
    doc = sale(tipo_operacion="1001", detraccion=Detraccion("022", D("4"), "00-000-1", monto=D("9.44")))
    assert process(doc).items == []
    assert doc.detraccion.monto == D("9.44")


def test_percepcion_2001():
    doc = sale(tipo_operacion="2001", percepcion=Percepcion("51", D("0.02")))
    assert process(doc).items == []
    # base = total 236; 2 % = 4.72; total with percepción 240.72
    assert (doc.percepcion.base, doc.percepcion.monto, doc.percepcion.total) == (
        D("236.00"),
        D("4.72"),
        D("240.72"),
    )
    assert [(legend.codigo, legend.valor) for legend in doc.legends] == [
        ("2000", "COMPROBANTE DE PERCEPCIÓN")
    ]


def test_percepcion_amount_within_one_is_kept_beyond_is_rejected():
    kept = sale(tipo_operacion="2001", percepcion=Percepcion("51", D("0.02"), monto=D("5.50")))
    assert process(kept).items == []
    assert kept.percepcion.monto == D("5.50")
    wrong = sale(tipo_operacion="2001", percepcion=Percepcion("51", D("0.02"), monto=D("6.00")))
    problems = process(wrong)
    assert codes(problems) == ["2798"]
    assert problems.errors[0].path == "percepcion.monto"


def test_percepcion_base_above_the_total_is_rejected():
    doc = sale(tipo_operacion="2001", percepcion=Percepcion("51", D("0.02"), base=D("300")))
    assert "2797" in codes(process(doc))


def test_retencion_del_igv_nets_the_credit():
    doc = sale(retencion=Retencion(), payment=credit("128.92", "100"))
    assert process(doc).items == []
    # 3 % of 236 = 7.08; pending 236 - 7.08 = 228.92
    assert (doc.retencion.base, doc.retencion.monto) == (D("236.00"), D("7.08"))
    assert doc.payment.monto == D("228.92")


def test_retencion_amount_off_by_more_than_one_is_rejected():
    doc = sale(retencion=Retencion(monto=D("9")))
    problems = process(doc)
    assert codes(problems) == ["3263"]
    assert problems.errors[0].path == "retencion.monto"


def test_credit_with_instalments():
    doc = sale(payment=credit("100", "136"))
    assert process(doc).items == []
    assert doc.payment.monto == D("236.00")


def test_instalments_not_adding_up():
    problems = process(sale(payment=credit("100", "100")))
    assert codes(problems) == ["3319"]
    assert problems.errors[0].path == "payment.cuotas"


def test_credit_without_instalments_to_a_ruc():
    assert codes(process(sale(payment=credit()))) == ["3249"]


def test_credit_pending_above_the_total():
    problems = process(sale(payment=credit("300", monto="300")))
    assert codes(problems) == ["3265", "3266"]
    assert [p.path for p in problems.errors] == ["payment.monto", "payment.cuotas[0].monto"]


def test_instalment_due_on_the_date_of_issue():
    payment = PaymentTerms("Credito", None, [Installment(D("236"), ISSUED)])
    problems = process(sale(payment=payment))
    assert codes(problems) == ["3267"]
    assert problems.errors[0].path == "payment.cuotas[0].fecha_pago"


def test_contado_has_no_pending_amount():
    doc = sale(payment=PaymentTerms())
    assert process(doc).items == []
    assert doc.payment.monto is None


def test_nota_de_credito_13_corrects_the_pending_amount():
    doc = sale(
        SaleLine("AJUSTE", D("1"), valor_unitario=D("0")),
        tipo="07",
        note=NoteReference("13", "CAMBIO DE CUOTAS", "01", "F001-1"),
        payment=credit("200", "300", monto="500"),
    )
    assert process(doc).items == []
    assert doc.payment.monto == D("500")


def test_nota_de_credito_13_needs_its_pending_amount():
    doc = sale(
        SaleLine("AJUSTE", D("1"), valor_unitario=D("0")),
        tipo="07",
        note=NoteReference("13", "CAMBIO DE CUOTAS", "01", "F001-1"),
        payment=credit("500"),
    )
    assert codes(process(doc)) == ["3251"]
