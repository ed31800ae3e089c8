"""SUNAT's arithmetic for retentions: amounts completed by hand-computed values, declared ones
checked with 2623 (±1), 2628 and 2629 (exact), 3303."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from yupana.calc.retention import process_retention
from yupana.domain.exchange_rate import ExchangeRate
from yupana.domain.party import Company
from yupana.domain.receiver import Receiver
from yupana.domain.retention import RetainedDocument, RetentionDocument, RetentionPayment

DAY = date(2026, 11, 20)


def retention(*documents: RetainedDocument, **fields: object) -> RetentionDocument:
    return RetentionDocument(
        "R001",
        1,
        DAY,
        Company("20123456786", "AGENTE S.A.C."),
        Receiver("6", "20601234565", "PROVEEDOR S.A.C."),
        list(documents),
        **fields,  # type: ignore[arg-type]
    )


def factura(numero: str, *payments: RetentionPayment, tipo: str = "01", **fields: object) -> RetainedDocument:
    return RetainedDocument(tipo, numero, DAY, D("5000"), payments=list(payments), **fields)  # type: ignore[arg-type]


def pago(importe: str, **fields: object) -> RetentionPayment:
    return RetentionPayment(DAY, D(importe), **fields)  # type: ignore[arg-type]


def codes(doc: RetentionDocument) -> list[tuple[str | None, str]]:
    return [(p.code, p.path) for p in process_retention(doc).items]


def test_rate_comes_from_the_regime():
    doc = retention(factura("F001-1", pago("100")))
    assert codes(doc) == []
    assert doc.tasa == D("3")


def test_amounts_round_half_up_to_cents():
    # 116.50 × 3 % = 3.495 → 3.50; 116.50 − 3.50 = 113.00
    doc = retention(factura("F001-1", pago("116.50")))
    process_retention(doc)
    payment = doc.documents[0].payments[0]
    assert (payment.retenido, payment.pagado) == (D("3.50"), D("113.00"))
    assert (doc.totals.retenido, doc.totals.pagado) == (D("3.50"), D("113.00"))


def test_foreign_currency_uses_the_exchange_rate():
    # 250.00 USD × 3.7456 = 936.40 PEN; × 3 % = 28.092 → 28.09; 936.40 − 28.09 = 908.31
    doc = retention(factura("F001-1", pago("250.00"), moneda="USD", tipo_cambio=ExchangeRate(D("3.7456"))))
    assert codes(doc) == []
    payment = doc.documents[0].payments[0]
    assert (payment.retenido, payment.pagado) == (D("28.09"), D("908.31"))
    assert payment.tipo_cambio is None  # the caller's data stays as given; the writer dates the rate


def test_payment_defaults():
    doc = retention(
        factura("F001-1", pago("10"), pago("20", numero=7), fecha_retencion=date(2026, 11, 19)),
        factura("F001-1", pago("30")),
        factura("F001-2", pago("40", fecha_retencion=date(2026, 11, 18))),
    )
    process_retention(doc)
    numbers = [[p.numero for p in d.payments] for d in doc.documents]
    # Numbers count per related document, across every reference to it; a given one is kept.
    assert numbers == [[1, 7], [3], [1]]
    dates = [[p.fecha_retencion for p in d.payments] for d in doc.documents]
    assert dates == [[date(2026, 11, 19)] * 2, [DAY], [date(2026, 11, 18)]]


def test_document_totals_are_the_sums_of_its_payments():
    doc = retention(factura("F001-1", pago("1000"), pago("333.33")))
    process_retention(doc)
    # 30.00 + 10.00 (9.9999 → 10.00) = 40.00; 970.00 + 323.33 = 1293.33
    assert (doc.documents[0].retenido, doc.documents[0].pagado) == (D("40.00"), D("1293.33"))


def test_declared_document_amounts_of_a_single_payment_are_that_payments():
    doc = retention(factura("F001-1", pago("1000"), retenido=D("30.40"), pagado=D("969.60")))
    assert codes(doc) == []
    payment = doc.documents[0].payments[0]
    assert (payment.retenido, payment.pagado) == (D("30.40"), D("969.60"))
    assert doc.totals.retenido == D("30.40")


def test_declared_document_amounts_over_several_payments_are_checked():
    doc = retention(factura("F001-1", pago("1000"), pago("1000"), retenido=D("62.50")))
    assert codes(doc) == [("2623", "documents[0].retenido")]


def test_tolerance_of_one_sol_either_way():
    # 1000 × 3 % = 30.00: 31.00 passes (a difference of exactly 1), 31.01 does not.
    doc = retention(factura("F001-1", pago("1000", retenido=D("31.00"), pagado=D("969.00"))))
    assert codes(doc) == []
    doc = retention(factura("F001-1", pago("1000", retenido=D("31.01"))))
    assert codes(doc) == [("2623", "documents[0].payments[0].retenido")]
    # The net is checked against the payment minus the retained amount kept.
    doc = retention(factura("F001-1", pago("1000", retenido=D("30.50"), pagado=D("971.00"))))
    assert codes(doc) == [("2623", "documents[0].payments[0].pagado")]


def test_totals_leave_out_credit_notes_and_replaced_retentions():
    doc = retention(
        factura("F001-1", pago("1000")),
        factura("F001-2", tipo="07"),
        factura("R001-9", pago("500"), tipo="20"),
    )
    assert codes(doc) == []
    # Only F001-1 counts: 30.00 and 970.00; the replaced retention's payment is written but not summed.
    assert (doc.totals.retenido, doc.totals.pagado) == (D("30.00"), D("970.00"))
    assert doc.documents[2].payments[0].retenido == D("15.00")


def test_declared_totals_are_compared_exactly():
    doc = retention(factura("F001-1", pago("1000")))
    doc.totals.retenido = D("30.01")
    doc.totals.pagado = D("969.99")
    assert codes(doc) == [("2628", "totals.retenido"), ("2629", "totals.pagado")]


def test_rounding_of_the_total_paid():
    doc = retention(factura("F001-1", pago("1000.10")))
    doc.totals.redondeo = D("-0.07")
    assert codes(doc) == []
    # 1000.10 × 3 % = 30.003 → 30.00; 970.10 − 0.07 = 970.03
    assert doc.totals.pagado == D("970.03")
    doc = retention(factura("F001-1", pago("1000")))
    doc.totals.redondeo = D("1.50")
    assert ("3303", "totals.redondeo") in codes(doc)


def test_amounts_wait_for_an_exchange_rate_and_a_regime():
    doc = retention(factura("F001-1", pago("100"), moneda="USD"))
    assert codes(doc) == []
    assert doc.documents[0].payments[0].retenido is None
    assert doc.totals.retenido is None
    doc = retention(factura("F001-1", pago("100")), regimen="99")
    assert codes(doc) == []
    assert doc.tasa is None and doc.totals.pagado is None
