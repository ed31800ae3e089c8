"""Native rules of the comprobante de retención (workbook sheet Retenciones1_0): each test breaks
one rule of a valid document and expects SUNAT's code at the domain path of the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from yupana.calc.retention import process_retention
from yupana.domain.exchange_rate import ExchangeRate
from yupana.domain.party import Address, Company
from yupana.domain.receiver import Receiver
from yupana.domain.retention import RetainedDocument, RetentionDocument, RetentionPayment
from yupana.validation.agent_documents import AgentDocumentOptions
from yupana.validation.retention import validate_retention

TODAY = date(2026, 11, 20)


def valid() -> RetentionDocument:
    return RetentionDocument(
        serie="R001",
        correlativo=12,
        fecha_emision=TODAY,
        issuer=Company("20123456786", "AGENTE S.A.C.", address=Address("AV. UNO 1", "150101")),
        proveedor=Receiver("6", "20601234565", "PROVEEDOR S.A.C."),
        documents=[
            RetainedDocument(
                "01",
                "F001-5",
                date(2026, 11, 10),
                D("1000.00"),
                payments=[RetentionPayment(TODAY, D("1000.00"))],
            )
        ],
    )


def findings(doc: RetentionDocument, **options: object) -> list[tuple[str | None, str, str]]:
    process_retention(doc)
    problems = validate_retention(doc, today=TODAY, options=AgentDocumentOptions(**options))  # type: ignore[arg-type]
    return [(p.code, p.path, p.severity.value) for p in problems.items]


def errors(doc: RetentionDocument, **options: object) -> list[tuple[str | None, str]]:
    return [(code, path) for code, path, severity in findings(doc, **options) if severity == "error"]


def test_a_valid_retention_has_no_findings():
    assert findings(valid()) == []


@pytest.mark.parametrize("serie", ["F001", "P001", "R01", "r001", "RR001"])
def test_serie_format(serie):
    doc = valid()
    doc.serie = serie
    assert errors(doc) == [("1001", "serie")]


def test_contingency_serie_and_correlativo_range():
    doc = valid()
    doc.serie = "0001"
    doc.correlativo = 100_000_000
    assert errors(doc) == [("1001", "correlativo")]


def test_issuer_ruc():
    doc = valid()
    doc.issuer.ruc = "20123456787"
    assert errors(doc) == [("2104", "issuer.ruc")]
    assert errors(doc, check_ruc_digit=False) == []
    doc.issuer.ruc = "2012345678"
    assert errors(doc) == [("0154", "issuer.ruc")]


def test_issuer_name_and_address():
    doc = valid()
    doc.issuer.razon_social = " "
    doc.issuer.address.ubigeo = "999999"
    doc.issuer.address.codigo_pais = "CL"
    assert findings(doc) == [
        ("1037", "issuer.razon_social", "error"),
        ("2917", "issuer.address.ubigeo", "warning"),
        ("2548", "issuer.address.codigo_pais", "error"),
    ]


def test_proveedor_must_be_a_ruc_other_than_the_issuer():
    doc = valid()
    doc.proveedor = Receiver("1", "45678912", "JUAN PEREZ")
    assert errors(doc) == [("2511", "proveedor.tipo_documento"), ("2724", "proveedor.numero_documento")]
    doc.proveedor = Receiver("6", "20123456786", "EL MISMO")
    assert errors(doc) == [("2620", "proveedor.numero_documento")]
    doc.proveedor = Receiver("6", "20601234566", "DIGITO MALO")
    assert errors(doc) == [("2621", "proveedor.numero_documento")]
    doc.proveedor = Receiver("", "", "")
    assert errors(doc) == [
        ("2516", "proveedor.tipo_documento"),
        ("2723", "proveedor.numero_documento"),
        ("2134", "proveedor.razon_social"),
    ]


def test_proveedor_trade_name_is_an_observation():
    doc = valid()
    doc.proveedor.nombre_comercial = "LINEA\nDOS"
    assert findings(doc) == [("2906", "proveedor.nombre_comercial", "warning")]


def test_regime_and_rate():
    doc = valid()
    doc.regimen = "05"
    doc.tasa = D("3")
    assert errors(doc) == [("2618", "regimen")]
    doc = valid()
    doc.tasa = D("3.00")  # the same rate, written with decimals
    assert errors(doc) == []
    doc = valid()
    doc.tasa = D("6")
    assert errors(doc) == [("2619", "tasa")]


def test_regime_02_only_for_documents_up_to_february_2014():
    doc = valid()
    doc.regimen = "02"
    assert errors(doc) == [("2985", "documents[0].fecha_emision")]


def test_at_least_one_related_document():
    doc = valid()
    doc.documents = []
    assert errors(doc) == [("2691", "documents")]


@pytest.mark.parametrize(
    ("tipo", "numero", "code", "path"),
    [
        ("03", "B001-1", "2692", "documents[0].tipo_documento"),
        ("", "F001-1", "2691", "documents[0].tipo_documento"),
        ("01", "F001-0", "2694", "documents[0].numero"),
        ("01", "B001-1", "2694", "documents[0].numero"),
        ("01", "F001-123456789", "2694", "documents[0].numero"),
        ("01", "", "2693", "documents[0].numero"),
    ],
)
def test_related_type_and_number(tipo, numero, code, path):
    doc = valid()
    doc.documents[0].tipo_documento = tipo
    doc.documents[0].numero = numero
    assert (code, path) in errors(doc)


@pytest.mark.parametrize(
    ("tipo", "numero"), [("12", "TK01-123456"), ("20", "R001-3"), ("08", "0001-45"), ("01", "E001-9")]
)
def test_related_numbers_sunat_accepts(tipo, numero):
    doc = valid()
    doc.documents.append(
        RetainedDocument(
            tipo, numero, date(2026, 11, 12), D("200"), payments=[RetentionPayment(TODAY, D("200"))]
        )
    )
    assert errors(doc) == []


def test_related_total_and_currency():
    doc = valid()
    doc.documents[0].importe_total = D("0")
    doc.documents[0].moneda = "XXY"
    doc.documents[0].payments[0].importe = D("10.001")
    found = errors(doc)
    assert ("2696", "documents[0].importe_total") in found
    assert ("2718", "documents[0].moneda") in found
    assert ("2736", "documents[0].payments[0].importe") in found


def test_payment_currency_is_the_document_currency():
    doc = valid()
    doc.documents[0].payments[0].moneda = "USD"
    assert errors(doc) == [("2622", "documents[0].payments[0].moneda")]


def test_payment_numbers_do_not_repeat():
    doc = valid()
    doc.documents[0].payments = [
        RetentionPayment(TODAY, D("500"), numero=1),
        RetentionPayment(TODAY, D("500"), numero=1),
    ]
    assert errors(doc) == [
        ("2626", "documents[0].payments[0].numero"),
        ("2626", "documents[0].payments[1].numero"),
    ]


def test_payment_number_range():
    doc = valid()
    doc.documents[0].payments[0].numero = 1_000_000_000
    assert errors(doc) == [("2734", "documents[0].payments[0].numero")]


def test_document_without_payments():
    doc = valid()
    doc.documents[0].payments = []
    assert errors(doc) == [("2733", "documents[0].payments")]


def test_credit_note_carries_no_payment():
    doc = valid()
    doc.documents.append(
        RetainedDocument("07", "F001-6", TODAY, D("10"), payments=[RetentionPayment(TODAY, D("10"))])
    )
    assert [(code, path) for code, path in errors(doc)] == [(None, "documents[1].payments")]


def test_payment_dates_in_one_period():
    doc = valid()
    doc.documents.append(
        RetainedDocument(
            "01",
            "F001-7",
            date(2026, 10, 1),
            D("100"),
            payments=[RetentionPayment(date(2026, 10, 31), D("100"))],
        )
    )
    found = errors(doc)
    assert ("2661", "documents[1].payments[0].fecha") in found
    # And a payment before the first day of the retention's month is out of range too.
    assert ("2625", "documents[1].payments[0].fecha") in found


def test_payment_date_range():
    doc = valid()
    # Related document of the same month: the payment cannot precede it...
    doc.documents[0].payments[0].fecha = date(2026, 11, 9)
    assert errors(doc) == [("2625", "documents[0].payments[0].fecha")]
    # ... nor follow the retention's issue date.
    doc = valid()
    doc.documents[0].payments[0].fecha = date(2026, 11, 21)
    assert errors(doc) == [("2625", "documents[0].payments[0].fecha")]
    # A related document of an earlier month may be paid from the first day of this month.
    doc = valid()
    doc.documents[0].fecha_emision = date(2026, 9, 15)
    doc.documents[0].payments[0].fecha = date(2026, 11, 1)
    assert errors(doc) == []


def test_exchange_rate_rules():
    doc = valid()
    related = doc.documents[0]
    related.moneda = "USD"
    related.tipo_cambio = ExchangeRate(D("3.1234567"), moneda_origen="EUR", moneda_destino="USD")
    assert errors(doc) == [
        ("2749", "documents[0].tipo_cambio.moneda_origen"),
        ("2715", "documents[0].tipo_cambio.moneda_destino"),
        ("2716", "documents[0].tipo_cambio.factor"),
    ]


def test_exchange_rate_missing_for_a_foreign_document():
    doc = valid()
    doc.documents[0].moneda = "USD"
    assert errors(doc) == [("2721", "documents[0].tipo_cambio")]


def test_exchange_rate_of_a_document_in_soles_is_not_checked():
    doc = valid()
    doc.documents[0].tipo_cambio = ExchangeRate(D("1"), moneda_origen="PEN")
    assert errors(doc) == []


def test_a_payment_too_small_to_retain():
    doc = valid()
    doc.documents[0].payments[0].importe = D("0.10")  # 0.10 × 3 % = 0.003 → 0.00
    found = errors(doc)
    assert ("2740", "documents[0].payments[0].retenido") in found
    assert ("2669", "totals.retenido") in found


def test_send_window_when_configured():
    doc = valid()
    doc.fecha_emision = date(2026, 11, 1)
    doc.documents[0].fecha_emision = date(2026, 11, 1)
    doc.documents[0].payments[0].fecha = date(2026, 11, 1)
    assert errors(doc) == []
    assert errors(doc, max_days_late=9) == [("2600", "fecha_emision")]
    assert findings(doc, max_days_late=9, send_window_is_error=False) == [
        ("2600", "fecha_emision", "warning")
    ]
