"""Native rules of the comprobante de percepción (workbook sheet Percepciones1_0): where they
differ from the retention's (the cliente, the régimen catalog, the related documents and the
codes)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from yupana.calc.perception import process_perception
from yupana.domain.party import Company
from yupana.domain.perception import PerceivedDocument, PerceptionDocument, PerceptionPayment
from yupana.domain.receiver import Receiver
from yupana.validation.perception import validate_perception

TODAY = date(2026, 11, 20)


def valid() -> PerceptionDocument:
    return PerceptionDocument(
        serie="P001",
        correlativo=3,
        fecha_emision=TODAY,
        issuer=Company("20123456786", "AGENTE S.A.C."),
        cliente=Receiver("6", "20601234565", "CLIENTE S.A.C."),
        documents=[
            PerceivedDocument(
                "01",
                "F001-5",
                date(2026, 11, 10),
                D("1000.00"),
                payments=[PerceptionPayment(TODAY, D("1000.00"))],
            )
        ],
    )


def errors(doc: PerceptionDocument) -> list[tuple[str | None, str]]:
    process_perception(doc)
    return [(p.code, p.path) for p in validate_perception(doc, today=TODAY).errors]


def test_a_valid_perception_has_no_errors():
    assert errors(valid()) == []


@pytest.mark.parametrize("serie", ["R001", "F001", "P01"])
def test_serie_format(serie):
    doc = valid()
    doc.serie = serie
    assert errors(doc) == [("1001", "serie")]


@pytest.mark.parametrize(
    ("cliente", "expected"),
    [
        (Receiver("1", "45678912", "JUAN PEREZ"), []),
        (Receiver("4", "CE-001234", "EXTRANJERO"), [("2680", "cliente.numero_documento")]),
        (Receiver("9", "123", "X"), [("2511", "cliente.tipo_documento")]),
        (Receiver("6", "20601234566", "DIGITO"), [("2605", "cliente.numero_documento")]),
        (Receiver("6", "30601234565", "NO RUC"), [("2605", "cliente.numero_documento")]),
        (Receiver("6", "20123456786", "EL EMISOR"), [("2604", "cliente.numero_documento")]),
        (Receiver("6", "", ""), [("2679", "cliente.numero_documento"), ("2134", "cliente.razon_social")]),
    ],
)
def test_cliente(cliente, expected):
    doc = valid()
    doc.cliente = cliente
    assert errors(doc) == expected


def test_issuer_ruc_format_code():
    doc = valid()
    doc.issuer.ruc = "123"
    assert errors(doc) == [("2677", "issuer.ruc")]


def test_regime_and_rate():
    doc = valid()
    doc.regimen = "04"
    assert ("2602", "regimen") in errors(doc)
    doc = valid()
    doc.regimen = "02"
    doc.tasa = D("2")
    assert errors(doc) == [("2603", "tasa")]


@pytest.mark.parametrize(
    ("tipo", "numero", "expected"),
    [
        ("03", "B001-77", []),
        ("40", "P001-2", []),
        ("12", "CAJA01-1234", []),
        ("20", "R001-1", [("2692", "documents[1].tipo_documento"), ("2694", "documents[1].numero")]),
        ("01", "0000-1", [("2694", "documents[1].numero")]),
    ],
)
def test_related_documents(tipo, numero, expected):
    doc = valid()
    doc.documents.append(
        PerceivedDocument(
            tipo, numero, date(2026, 11, 12), D("50"), payments=[PerceptionPayment(TODAY, D("50"))]
        )
    )
    assert errors(doc) == expected


def test_cobro_rules_use_the_perception_codes():
    doc = valid()
    payment = doc.documents[0].payments[0]
    payment.moneda = "USD"
    payment.fecha = date(2026, 11, 5)
    assert errors(doc) == [
        ("2607", "documents[0].payments[0].moneda"),
        ("2612", "documents[0].payments[0].fecha"),
    ]
