"""Comprobante de percepción (40) end to end: calc → native rules → UBL 2.0 → signature →
python-xmlsec → SUNAT's XSD → SUNAT's SFS stylesheet (ValidaExprRegPercepcion-1.0.1), then the
amounts read back from the signed XML.

Every expected amount was computed by hand (working in the comments): percibido = cobro × tasa
[× tipo de cambio], cobrado = cobro [× tipo de cambio] + percibido, ROUND_HALF_UP to cents; the
rate is catalog 22's: régimen 01 venta interna 2 %, 02 combustible 1 %, 03 agente de percepción
0.5 %. Totals are the sums over the cobros, leaving out notas de crédito (07).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from lxml import etree

from agent_pipeline import Issued, check, issue
from corpus import load_fixture, today_lima
from paths import FIXTURES, ROOT
from yupana.dialects.facturadorpro import perception as pro
from yupana.dialects.greenter import perception as greenter
from yupana.dialects.native.perception import parse_perception
from yupana.domain.exchange_rate import ExchangeRate
from yupana.domain.party import Address, Company
from yupana.domain.perception import PerceivedDocument, PerceptionDocument, PerceptionPayment
from yupana.domain.problems import InvalidDocument
from yupana.domain.receiver import Receiver
from yupana.validation.sfs import SfsValidator

TODAY = today_lima()
EARLIER = TODAY - timedelta(days=2)
REF = "sac:SUNATPerceptionDocumentReference"
INFO = f"{REF}/sac:SUNATPerceptionInformation"
CLIENTE = Receiver(
    "6",
    "20601234565",
    "CLIENTE MAYORISTA S.A.C.",
    Address("AV. INDUSTRIAL 789", "150101", "LIMA", "LIMA", "LIMA"),
)
CLIENTE_DNI = Receiver("1", "45678912", "JUAN PEREZ QUISPE")


@pytest.fixture(scope="module")
def sfs(sfs_rules) -> SfsValidator:
    return SfsValidator(sfs_rules)


def perception(issuer: Company, *documents: PerceivedDocument, **fields: object) -> PerceptionDocument:
    fields.setdefault("cliente", CLIENTE)
    return PerceptionDocument(
        serie="P001",
        correlativo=7,
        fecha_emision=TODAY,
        issuer=issuer,
        documents=list(documents),
        **fields,  # type: ignore[arg-type]
    )


def documento(
    tipo: str, numero: str, total: str, *cobros: PerceptionPayment, **fields: object
) -> PerceivedDocument:
    return PerceivedDocument(tipo, numero, EARLIER, D(total), payments=list(cobros), **fields)  # type: ignore[arg-type]


def cobro(importe: str, **fields: object) -> PerceptionPayment:
    return PerceptionPayment(TODAY, D(importe), **fields)  # type: ignore[arg-type]


def test_regime_01_venta_interna(demo_issuer, test_signer, sfs):
    doc = perception(demo_issuer, documento("01", "F001-1", "1180.00", cobro("1180.00")), regimen="01")
    issued = issue(doc, test_signer, sfs, TODAY)
    # 1180.00 × 2 % = 23.60; 1180.00 + 23.60 = 1203.60
    assert issued.text("sac:SUNATPerceptionSystemCode") == "01"
    assert issued.text("sac:SUNATPerceptionPercent") == "2.00"
    assert issued.amounts(f"{INFO}/sac:SUNATPerceptionAmount") == [D("23.60")]
    assert issued.amounts(f"{INFO}/sac:SUNATNetTotalCashed") == [D("1203.60")]
    assert issued.amounts("cbc:TotalInvoiceAmount") == [D("23.60")]
    assert issued.amounts("sac:SUNATTotalCashed") == [D("1203.60")]
    assert issued.text(f"{INFO}/sac:SUNATPerceptionDate") == TODAY.isoformat()


def test_regime_02_combustible_several_cobros(demo_issuer, test_signer, sfs):
    doc = perception(
        demo_issuer,
        documento("01", "F002-15", "2500.00", cobro("1500.00"), cobro("1000.00")),
        documento("03", "B001-8", "85.90", cobro("85.90")),
        regimen="02",
        cliente=CLIENTE_DNI,
    )
    issued = issue(doc, test_signer, sfs, TODAY)
    assert issued.text("sac:SUNATPerceptionPercent") == "1.00"
    assert issued.texts(f"{REF}/cbc:ID") == ["F002-15", "F002-15", "B001-8"]
    assert issued.texts(f"{REF}/cac:Payment/cbc:ID") == ["1", "2", "1"]
    # 1500 × 1 % = 15.00; 1000 × 1 % = 10.00; 85.90 × 1 % = 0.859 → 0.86
    assert issued.amounts(f"{INFO}/sac:SUNATPerceptionAmount") == [D("15.00"), D("10.00"), D("0.86")]
    # 1515.00, 1010.00, 85.90 + 0.86 = 86.76
    assert issued.amounts(f"{INFO}/sac:SUNATNetTotalCashed") == [D("1515.00"), D("1010.00"), D("86.76")]
    # 15.00 + 10.00 + 0.86 = 25.86; 1515.00 + 1010.00 + 86.76 = 2611.76
    assert issued.amounts("cbc:TotalInvoiceAmount") == [D("25.86")]
    assert issued.amounts("sac:SUNATTotalCashed") == [D("2611.76")]
    assert issued.attributes("cac:ReceiverParty/cac:PartyIdentification/cbc:ID", "schemeID") == ["1"]


def test_regime_03_agente_de_percepcion(demo_issuer, test_signer, sfs):
    doc = perception(demo_issuer, documento("01", "F001-3", "1000.55", cobro("1000.55")), regimen="03")
    issued = issue(doc, test_signer, sfs, TODAY)
    # 1000.55 × 0.5 % = 5.00275 → 5.00; 1000.55 + 5.00 = 1005.55
    assert issued.text("sac:SUNATPerceptionPercent") == "0.50"
    assert issued.amounts(f"{INFO}/sac:SUNATPerceptionAmount") == [D("5.00")]
    assert issued.amounts(f"{INFO}/sac:SUNATNetTotalCashed") == [D("1005.55")]
    assert issued.amounts("sac:SUNATTotalCashed") == [D("1005.55")]


def test_usd_document_with_exchange_rate(demo_issuer, test_signer, sfs):
    rate = ExchangeRate(D("3.812"), TODAY)
    doc = perception(
        demo_issuer, documento("01", "F001-9", "500.00", cobro("500.00"), moneda="USD", tipo_cambio=rate)
    )
    issued = issue(doc, test_signer, sfs, TODAY)
    # 500 USD × 3.812 = 1906.00 PEN; × 2 % = 38.12; 1906.00 + 38.12 = 1944.12
    assert issued.amounts(f"{INFO}/sac:SUNATPerceptionAmount") == [D("38.12")]
    assert issued.amounts(f"{INFO}/sac:SUNATNetTotalCashed") == [D("1944.12")]
    assert issued.attributes(f"{REF}/cac:Payment/cbc:PaidAmount", "currencyID") == ["USD"]
    assert issued.text(f"{INFO}/cac:ExchangeRate/cbc:CalculationRate") == "3.812"


def test_credit_note_is_informed_and_left_out_of_totals(demo_issuer, test_signer, sfs):
    doc = perception(
        demo_issuer,
        documento("01", "F001-4", "600.00", cobro("600.00")),
        documento("07", "F001-2", "50.00"),
    )
    issued = issue(doc, test_signer, sfs, TODAY)
    # 600 × 2 % = 12.00, cobrado 612.00
    assert issued.count(f"{REF}/cac:Payment") == 1
    assert issued.amounts("cbc:TotalInvoiceAmount") == [D("12.00")]
    assert issued.amounts("sac:SUNATTotalCashed") == [D("612.00")]


# -- bad input ------------------------------------------------------------------------------------


def _errors(doc: PerceptionDocument) -> list[tuple[str | None, str]]:
    with pytest.raises(InvalidDocument) as caught:
        check(doc, TODAY).raise_if_errors()
    return [(problem.code, problem.path) for problem in caught.value.errors]


def test_declared_amounts_that_do_not_add_up(demo_issuer):
    doc = perception(
        demo_issuer, documento("01", "F001-1", "1180.00", cobro("1180.00", percibido=D("30.00")))
    )
    assert _errors(doc) == [("2608", "documents[0].payments[0].percibido")]
    doc = perception(demo_issuer, documento("01", "F001-1", "1180.00", cobro("1180.00")))
    doc.totals.percibido = D("23.00")
    doc.totals.cobrado = D("1203.00")
    assert _errors(doc) == [("2667", "totals.percibido"), ("2668", "totals.cobrado")]


def test_rate_that_is_not_the_regime_rate(demo_issuer):
    doc = perception(
        demo_issuer, documento("01", "F001-1", "1180.00", cobro("1180.00")), regimen="03", tasa=D("2")
    )
    assert _errors(doc) == [("2603", "tasa")]


def test_usd_document_without_exchange_rate(demo_issuer):
    doc = perception(demo_issuer, documento("01", "F001-9", "500.00", cobro("500.00"), moneda="USD"))
    assert _errors(doc) == [("2721", "documents[0].tipo_cambio")]


# -- the native examples, Greenter's and Facturador PRO's fixtures ---------------------------------


def _without(body: object, *keys: str) -> object:
    """``body`` without the given keys at any depth (the declared amounts, to let calc derive them)."""
    if isinstance(body, dict):
        return {k: _without(v, *keys) for k, v in body.items() if k not in keys}
    if isinstance(body, list):
        return [_without(v, *keys) for v in body]
    return body


def _translated_errors(doc: PerceptionDocument, translate) -> list[tuple[str | None, str]]:
    with pytest.raises(InvalidDocument) as caught:
        check(doc, TODAY).raise_if_errors()
    return [(problem.code, translate(problem.path)) for problem in caught.value.errors]


@pytest.mark.parametrize(
    ("name", "percibido", "cobrado", "totals"),
    [
        # 1180.00 × 2 % = 23.60; 1203.60
        ("perception-venta-interna.json", ["23.60"], ["1203.60"], ("23.60", "1203.60")),
        # 1 %: 1500 → 15.00, 1515.00; 1000 → 10.00, 1010.00; 85.90 → 0.859 → 0.86, 86.76
        (
            "perception-combustible.json",
            ["15.00", "10.00", "0.86"],
            ["1515.00", "1010.00", "86.76"],
            ("25.86", "2611.76"),
        ),
        # 0.5 %: 1000.55 → 5.00275 → 5.00, 1005.55 (declared in the example's totals)
        ("perception-agente.json", ["5.00"], ["1005.55"], ("5.00", "1005.55")),
    ],
)
def test_native_examples(demo_issuer, test_signer, sfs, name, percibido, cobrado, totals):
    body = load_fixture(ROOT / "examples" / "documents" / name, "fecha_emision")
    issued = issue(parse_perception(body, demo_issuer), test_signer, sfs, TODAY)
    assert issued.amounts(f"{INFO}/sac:SUNATPerceptionAmount") == [D(v) for v in percibido]
    assert issued.amounts(f"{INFO}/sac:SUNATNetTotalCashed") == [D(v) for v in cobrado]
    assert (issued.amounts("cbc:TotalInvoiceAmount"), issued.amounts("sac:SUNATTotalCashed")) == (
        [D(totals[0])],
        [D(totals[1])],
    )


GREENTER_JSON = FIXTURES / "greenter-lycet" / "greenter-demo-json" / "percepcion.json"
GREENTER_XML = FIXTURES / "greenter-lycet" / "greenter-demo-xml" / "percepcion.signed.xml"


def test_greenter_demo_as_sent_is_rejected_with_lycet_paths():
    """Greenter's demo perceives 10.00 on a cobro of 100.00 at 2 % (2.00) and collects 210.00
    (102.00): SUNAT's server answers 2608; Greenter's XML carries those amounts."""
    body = load_fixture(GREENTER_JSON, "fechaEmision")
    doc = greenter.parse_perception(body, None)
    assert _translated_errors(doc, lambda p: greenter.translate_path(p, body)) == [
        ("2608", "details[0].impPercibido"),
        ("2608", "details[0].impCobrar"),
    ]
    xml = GREENTER_XML.read_bytes()
    assert Issued(xml, etree.fromstring(xml), []).amounts(f"{INFO}/sac:SUNATPerceptionAmount") == [D("10.00")]


def test_greenter_demo_with_amounts_derived(test_signer, sfs):
    body = _without(load_fixture(GREENTER_JSON, "fechaEmision"), "impPercibido", "impCobrar", "impCobrado")
    issued = issue(greenter.parse_perception(body, None), test_signer, sfs, TODAY)
    # 100.00 × 2 % = 2.00; 102.00
    assert issued.amounts(f"{INFO}/sac:SUNATPerceptionAmount") == [D("2.00")]
    assert issued.amounts(f"{INFO}/sac:SUNATNetTotalCashed") == [D("102.00")]
    assert issued.amounts("sac:SUNATTotalCashed") == [D("102.00")]
    assert issued.text("cac:ReceiverParty/cac:PartyLegalEntity/cbc:RegistrationName") == "EMPRESA 1 S.A.C."
    assert issued.text("cbc:Note") == "NOTA PRUEBA />"


PRO_JSON = FIXTURES / "facturadorpro" / "postman_v8" / "percepcion.json"


def test_facturadorpro_example_as_shipped_is_rejected_with_its_keys(demo_issuer):
    """The Postman example perceives 12.00 on a cobro of 200.00 at 2 % (4.00), collects 412.00
    (204.00), and totals 30.00 and 1000.00."""
    body = load_fixture(PRO_JSON, "fecha_de_emision")
    doc = pro.parse_perception(body, demo_issuer)
    assert _translated_errors(doc, pro.translate_path) == [
        ("2608", "documentos[0].total_percibido"),
        ("2608", "documentos[0].total_pagado"),
        ("2667", "totales.total_percibido"),
        ("2668", "totales.total_pagado"),
    ]


def test_facturadorpro_example_with_amounts_derived(demo_issuer, test_signer, sfs):
    body = _without(load_fixture(PRO_JSON, "fecha_de_emision"), "total_percibido", "total_pagado")
    issued = issue(pro.parse_perception(body, demo_issuer), test_signer, sfs, TODAY)
    # 200.00 × 2 % = 4.00; 204.00
    assert issued.amounts(f"{INFO}/sac:SUNATPerceptionAmount") == [D("4.00")]
    assert issued.amounts(f"{INFO}/sac:SUNATNetTotalCashed") == [D("204.00")]
    assert (issued.amounts("cbc:TotalInvoiceAmount"), issued.amounts("sac:SUNATTotalCashed")) == (
        [D("4.00")],
        [D("204.00")],
    )
    assert issued.text("cac:ReceiverParty/cac:PartyName/cbc:Name") == "EMPRESA XYZ"
