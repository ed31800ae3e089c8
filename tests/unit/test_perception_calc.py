"""SUNAT's arithmetic for perceptions: amounts completed by hand-computed values, declared ones
checked with 2608 (±1), 2667 and 2668 (exact)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from yupana.calc.perception import process_perception
from yupana.domain.exchange_rate import ExchangeRate
from yupana.domain.party import Company
from yupana.domain.perception import PerceivedDocument, PerceptionDocument, PerceptionPayment
from yupana.domain.receiver import Receiver

DAY = date(2026, 11, 20)


def perception(*documents: PerceivedDocument, **fields: object) -> PerceptionDocument:
    return PerceptionDocument(
        "P001",
        1,
        DAY,
        Company("20123456786", "AGENTE S.A.C."),
        Receiver("6", "20601234565", "CLIENTE S.A.C."),
        list(documents),
        **fields,  # type: ignore[arg-type]
    )


def documento(
    numero: str, *cobros: PerceptionPayment, tipo: str = "01", **fields: object
) -> PerceivedDocument:
    return PerceivedDocument(tipo, numero, DAY, D("5000"), payments=list(cobros), **fields)  # type: ignore[arg-type]


def cobro(importe: str, **fields: object) -> PerceptionPayment:
    return PerceptionPayment(DAY, D(importe), **fields)  # type: ignore[arg-type]


def codes(doc: PerceptionDocument) -> list[tuple[str | None, str]]:
    return [(p.code, p.path) for p in process_perception(doc).items]


@pytest.mark.parametrize(
    ("regimen", "tasa", "percibido", "cobrado"),
    [
        # 1234.56 × 2 % = 24.6912 → 24.69; 1234.56 + 24.69 = 1259.25
        ("01", D("2"), D("24.69"), D("1259.25")),
        # 1234.56 × 1 % = 12.3456 → 12.35; 1246.91
        ("02", D("1"), D("12.35"), D("1246.91")),
        # 1234.56 × 0.5 % = 6.1728 → 6.17; 1240.73
        ("03", D("0.5"), D("6.17"), D("1240.73")),
    ],
)
def test_each_regime_rate(regimen, tasa, percibido, cobrado):
    doc = perception(documento("F001-1", cobro("1234.56")), regimen=regimen)
    assert codes(doc) == []
    assert doc.tasa == tasa
    payment = doc.documents[0].payments[0]
    assert (payment.percibido, payment.cobrado) == (percibido, cobrado)
    assert (doc.totals.percibido, doc.totals.cobrado) == (percibido, cobrado)


def test_foreign_currency_uses_the_exchange_rate():
    # 100 USD × 3.80 = 380.00; × 2 % = 7.60; 380.00 + 7.60 = 387.60
    doc = perception(documento("F001-1", cobro("100", tipo_cambio=ExchangeRate(D("3.80"))), moneda="USD"))
    assert codes(doc) == []
    payment = doc.documents[0].payments[0]
    assert (payment.percibido, payment.cobrado) == (D("7.60"), D("387.60"))


def test_several_cobros_and_defaults():
    doc = perception(documento("F001-1", cobro("500"), cobro("250"), fecha_percepcion=date(2026, 11, 19)))
    assert codes(doc) == []
    assert [p.numero for p in doc.documents[0].payments] == [1, 2]
    assert [p.fecha_percepcion for p in doc.documents[0].payments] == [date(2026, 11, 19)] * 2
    # 10.00 + 5.00 = 15.00; 510.00 + 255.00 = 765.00
    assert (doc.documents[0].percibido, doc.documents[0].cobrado) == (D("15.00"), D("765.00"))


def test_declared_amounts_are_checked():
    doc = perception(documento("F001-1", cobro("1000", percibido=D("21.00"), cobrado=D("1021.00"))))
    assert codes(doc) == []  # 20.00 ± 1
    doc = perception(documento("F001-1", cobro("1000", percibido=D("21.01"))))
    assert codes(doc) == [("2608", "documents[0].payments[0].percibido")]
    doc = perception(documento("F001-1", cobro("1000", cobrado=D("1000.00"))))
    assert codes(doc) == [("2608", "documents[0].payments[0].cobrado")]


def test_totals_leave_out_credit_notes_and_replaced_perceptions():
    doc = perception(
        documento("F001-1", cobro("1000")),
        documento("F001-2", tipo="07"),
        documento("P001-3", cobro("100"), tipo="40"),
    )
    assert codes(doc) == []
    assert (doc.totals.percibido, doc.totals.cobrado) == (D("20.00"), D("1020.00"))
    doc.totals.percibido = D("22.00")
    doc.totals.cobrado = D("1122.00")
    assert codes(doc) == [("2667", "totals.percibido"), ("2668", "totals.cobrado")]
