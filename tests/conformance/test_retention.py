"""Comprobante de retención (20) end to end: calc → native rules → UBL 2.0 → signature →
python-xmlsec → SUNAT's XSD → SUNAT's SFS stylesheet (ValidaExprRegRetencion-1.0.3), then the
amounts read back from the signed XML.

Every expected amount was computed by hand (working in the comments): régimen 01, tasa 3 %,
retenido = pago × 3 % [× tipo de cambio], neto = pago [× tipo de cambio] − retenido, ROUND_HALF_UP
to cents; totals are the sums over the payments, leaving out notas de crédito (07). Dates are
today's Lima date (payments) and a few days earlier (the related documents).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from lxml import etree

from agent_pipeline import Issued, check, issue
from corpus import load_fixture, today_lima
from paths import FIXTURES, ROOT
from yupana.dialects.facturadorpro import retention as pro
from yupana.dialects.greenter import retention as greenter
from yupana.dialects.native.retention import parse_retention
from yupana.domain.exchange_rate import ExchangeRate
from yupana.domain.party import Address, Company
from yupana.domain.problems import InvalidDocument
from yupana.domain.receiver import Receiver
from yupana.domain.retention import RetainedDocument, RetentionDocument, RetentionPayment
from yupana.validation.sfs import SfsValidator

TODAY = today_lima()
EARLIER = TODAY - timedelta(days=3)
REF = "sac:SUNATRetentionDocumentReference"
INFO = f"{REF}/sac:SUNATRetentionInformation"
PROVEEDOR = Receiver(
    "6",
    "20601234565",
    "PROVEEDOR INDUSTRIAL S.A.C.",
    Address("JR. LAS FLORES 456", "150103", "LIMA", "LIMA", "ATE"),
    nombre_comercial="PROVEEDOR",
)


@pytest.fixture(scope="module")
def sfs(sfs_rules) -> SfsValidator:
    return SfsValidator(sfs_rules)


def retention(issuer: Company, *documents: RetainedDocument, **fields: object) -> RetentionDocument:
    return RetentionDocument(
        serie="R001",
        correlativo=1,
        fecha_emision=TODAY,
        issuer=issuer,
        proveedor=PROVEEDOR,
        documents=list(documents),
        **fields,  # type: ignore[arg-type]
    )


def factura(numero: str, total: str, *payments: RetentionPayment, **fields: object) -> RetainedDocument:
    return RetainedDocument("01", numero, EARLIER, D(total), payments=list(payments), **fields)  # type: ignore[arg-type]


def pago(importe: str, **fields: object) -> RetentionPayment:
    return RetentionPayment(TODAY, D(importe), **fields)  # type: ignore[arg-type]


def test_one_payment(demo_issuer, test_signer, sfs):
    doc = retention(
        demo_issuer, factura("F001-1", "1180.00", pago("1180.00")), observaciones="Pago de factura"
    )
    issued = issue(doc, test_signer, sfs, TODAY)
    # 1180.00 × 3 % = 35.40; 1180.00 − 35.40 = 1144.60
    assert issued.amounts(f"{INFO}/sac:SUNATRetentionAmount") == [D("35.40")]
    assert issued.amounts(f"{INFO}/sac:SUNATNetTotalPaid") == [D("1144.60")]
    assert issued.amounts("cbc:TotalInvoiceAmount") == [D("35.40")]
    assert issued.amounts("sac:SUNATTotalPaid") == [D("1144.60")]
    assert issued.text("sac:SUNATRetentionSystemCode") == "01"
    assert issued.text("sac:SUNATRetentionPercent") == "3.00"
    assert issued.texts(f"{REF}/cac:Payment/cbc:ID") == ["1"]
    assert issued.text(f"{INFO}/sac:SUNATRetentionDate") == TODAY.isoformat()
    assert issued.text(f"{INFO}/cac:ExchangeRate") is None  # a document in soles needs none
    assert issued.text("cbc:Note") == "Pago de factura"
    assert issued.text("cac:ReceiverParty/cac:PartyIdentification/cbc:ID") == "20601234565"
    assert issued.text("cac:AgentParty/cac:PostalAddress/cbc:CityName") == "LIMA"


def test_several_payments(demo_issuer, test_signer, sfs):
    doc = retention(
        demo_issuer,
        factura("F001-10", "2000.00", pago("1200.00"), pago("800.00")),
        factura("F001-11", "350.50", pago("350.50")),
    )
    issued = issue(doc, test_signer, sfs, TODAY)
    # One reference per payment: F001-10 payments 1 and 2, F001-11 payment 1.
    assert issued.texts(f"{REF}/cbc:ID") == ["F001-10", "F001-10", "F001-11"]
    assert issued.texts(f"{REF}/cac:Payment/cbc:ID") == ["1", "2", "1"]
    # 1200 × 3 % = 36.00; 800 × 3 % = 24.00; 350.50 × 3 % = 10.515 → 10.52
    assert issued.amounts(f"{INFO}/sac:SUNATRetentionAmount") == [D("36.00"), D("24.00"), D("10.52")]
    # 1200 − 36 = 1164.00; 800 − 24 = 776.00; 350.50 − 10.52 = 339.98
    assert issued.amounts(f"{INFO}/sac:SUNATNetTotalPaid") == [D("1164.00"), D("776.00"), D("339.98")]
    # 36.00 + 24.00 + 10.52 = 70.52; 1164.00 + 776.00 + 339.98 = 2279.98
    assert issued.amounts("cbc:TotalInvoiceAmount") == [D("70.52")]
    assert issued.amounts("sac:SUNATTotalPaid") == [D("2279.98")]
    assert doc.documents[0].retenido == D("60.00") and doc.documents[0].pagado == D("1940.00")


def test_usd_document_with_exchange_rate(demo_issuer, test_signer, sfs):
    rate = ExchangeRate(D("3.745"), TODAY)
    doc = retention(
        demo_issuer, factura("F001-20", "1000.00", pago("1000.00"), moneda="USD", tipo_cambio=rate)
    )
    issued = issue(doc, test_signer, sfs, TODAY)
    # 1000.00 USD × 3.745 = 3745.00 PEN; × 3 % = 112.35; 3745.00 − 112.35 = 3632.65
    assert issued.amounts(f"{INFO}/sac:SUNATRetentionAmount") == [D("112.35")]
    assert issued.amounts(f"{INFO}/sac:SUNATNetTotalPaid") == [D("3632.65")]
    assert issued.amounts("sac:SUNATTotalPaid") == [D("3632.65")]
    assert issued.attributes(f"{REF}/cbc:TotalInvoiceAmount", "currencyID") == ["USD"]
    assert issued.attributes(f"{REF}/cac:Payment/cbc:PaidAmount", "currencyID") == ["USD"]
    assert issued.attributes(f"{INFO}/sac:SUNATRetentionAmount", "currencyID") == ["PEN"]
    assert issued.text(f"{INFO}/cac:ExchangeRate/cbc:SourceCurrencyCode") == "USD"
    assert issued.text(f"{INFO}/cac:ExchangeRate/cbc:TargetCurrencyCode") == "PEN"
    assert issued.text(f"{INFO}/cac:ExchangeRate/cbc:CalculationRate") == "3.745"
    assert issued.text(f"{INFO}/cac:ExchangeRate/cbc:Date") == TODAY.isoformat()


def test_usd_payments_on_the_payment_day_rate(demo_issuer, test_signer, sfs):
    """Each payment may carry its own rate; a document rate without date is dated on each payment."""
    doc = retention(
        demo_issuer,
        factura(
            "F001-21",
            "300.00",
            pago("100.00", tipo_cambio=ExchangeRate(D("3.801"))),
            pago("200.00"),
            moneda="USD",
            tipo_cambio=ExchangeRate(D("3.75")),
        ),
    )
    issued = issue(doc, test_signer, sfs, TODAY)
    # 100 × 3.801 = 380.10 → 11.403 → 11.40, neto 368.70; 200 × 3.75 = 750.00 → 22.50, neto 727.50
    assert issued.amounts(f"{INFO}/sac:SUNATRetentionAmount") == [D("11.40"), D("22.50")]
    assert issued.amounts(f"{INFO}/sac:SUNATNetTotalPaid") == [D("368.70"), D("727.50")]
    assert issued.texts(f"{INFO}/cac:ExchangeRate/cbc:CalculationRate") == ["3.801", "3.75"]
    assert issued.texts(f"{INFO}/cac:ExchangeRate/cbc:Date") == [TODAY.isoformat()] * 2
    assert issued.amounts("cbc:TotalInvoiceAmount") == [D("33.90")]
    assert issued.amounts("sac:SUNATTotalPaid") == [D("1096.20")]


def test_credit_note_is_informed_and_left_out_of_totals(demo_issuer, test_signer, sfs):
    nota = RetainedDocument("07", "F001-5", EARLIER, D("100.00"))
    doc = retention(demo_issuer, factura("F001-4", "500.00", pago("400.00")), nota)
    issued = issue(doc, test_signer, sfs, TODAY)
    # 400 × 3 % = 12.00, neto 388.00; the nota de crédito carries no payment and no amounts
    assert issued.texts(f"{REF}/cbc:ID") == ["F001-4", "F001-5"]
    assert issued.count(f"{REF}/cac:Payment") == 1
    assert issued.amounts("cbc:TotalInvoiceAmount") == [D("12.00")]
    assert issued.amounts("sac:SUNATTotalPaid") == [D("388.00")]


def test_declared_amounts_within_tolerance_are_kept(demo_issuer, test_signer, sfs):
    # 333.33 × 3 % = 9.9999 → 10.00; the caller declares 9.99 (within ±1) and its own net and totals
    payment = pago("333.33", retenido=D("9.99"), pagado=D("323.34"))
    doc = retention(demo_issuer, factura("F001-30", "333.33", payment))
    doc.totals.retenido = D("9.99")
    doc.totals.pagado = D("323.34")
    issued = issue(doc, test_signer, sfs, TODAY)
    assert issued.amounts(f"{INFO}/sac:SUNATRetentionAmount") == [D("9.99")]
    assert issued.amounts("sac:SUNATTotalPaid") == [D("323.34")]


# -- bad input ------------------------------------------------------------------------------------


def _errors(doc: RetentionDocument) -> list[tuple[str | None, str]]:
    with pytest.raises(InvalidDocument) as caught:
        check(doc, TODAY).raise_if_errors()
    return [(problem.code, problem.path) for problem in caught.value.errors]


def test_declared_totals_that_do_not_add_up(demo_issuer):
    doc = retention(
        demo_issuer,
        factura("F001-1", "1180.00", pago("1180.00")),
        factura("F001-2", "100.00", pago("100.00")),
    )
    # Σ retenido = 35.40 + 3.00 = 38.40; Σ neto = 1144.60 + 97.00 = 1241.60
    doc.totals.retenido = D("38.50")
    doc.totals.pagado = D("1241.60")
    assert _errors(doc) == [("2628", "totals.retenido")]
    doc = retention(demo_issuer, factura("F001-1", "1180.00", pago("1180.00")))
    doc.totals.pagado = D("1144.00")
    assert _errors(doc) == [("2629", "totals.pagado")]


def test_declared_payment_amounts_beyond_tolerance(demo_issuer):
    # 1180 × 3 % = 35.40: 37.00 is off by more than 1; the neto is then checked against 1180 − 37
    doc = retention(demo_issuer, factura("F001-1", "1180.00", pago("1180.00", retenido=D("37.00"))))
    assert _errors(doc) == [("2623", "documents[0].payments[0].retenido")]
    doc = retention(demo_issuer, factura("F001-1", "1180.00", pago("1180.00", pagado=D("1180.00"))))
    assert _errors(doc) == [("2623", "documents[0].payments[0].pagado")]


def test_rate_that_is_not_the_regime_rate(demo_issuer):
    doc = retention(demo_issuer, factura("F001-1", "1180.00", pago("1180.00")), tasa=D("6"))
    assert _errors(doc) == [("2619", "tasa")]


def test_unknown_regime(demo_issuer):
    doc = retention(demo_issuer, factura("F001-1", "1180.00", pago("1180.00")), regimen="09")
    assert ("2618", "regimen") in _errors(doc)


def test_usd_document_without_exchange_rate(demo_issuer):
    doc = retention(demo_issuer, factura("F001-20", "1000.00", pago("1000.00"), moneda="USD"))
    assert _errors(doc) == [("2721", "documents[0].tipo_cambio")]


# -- the native examples, Greenter's and Facturador PRO's fixtures ---------------------------------


def _without(body: object, *keys: str) -> object:
    """``body`` without the given keys at any depth (the declared amounts, to let calc derive them)."""
    if isinstance(body, dict):
        return {k: _without(v, *keys) for k, v in body.items() if k not in keys}
    if isinstance(body, list):
        return [_without(v, *keys) for v in body]
    return body


def _translated_errors(doc: RetentionDocument, translate) -> list[tuple[str | None, str]]:
    with pytest.raises(InvalidDocument) as caught:
        check(doc, TODAY).raise_if_errors()
    return [(problem.code, translate(problem.path)) for problem in caught.value.errors]


@pytest.mark.parametrize(
    ("name", "retenido", "pagado", "totals"),
    [
        # 1180.00 × 3 % = 35.40; 1144.60
        ("retention-un-pago.json", ["35.40"], ["1144.60"], ("35.40", "1144.60")),
        # 1200 → 36.00, 1164.00; 800 → 24.00, 776.00; the nota de crédito has none; 350.50 → 10.52, 339.98
        (
            "retention-varios-pagos.json",
            ["36.00", "24.00", "10.52"],
            ["1164.00", "776.00", "339.98"],
            ("70.52", "2279.98"),
        ),
        # 1000 USD × 3.745 = 3745.00 → 112.35, 3632.65 (declared in the example's totals)
        ("retention-usd.json", ["112.35"], ["3632.65"], ("112.35", "3632.65")),
    ],
)
def test_native_examples(demo_issuer, test_signer, sfs, name, retenido, pagado, totals):
    body = load_fixture(ROOT / "examples" / "documents" / name, "fecha_emision")
    doc = parse_retention(body, demo_issuer)
    issued = issue(doc, test_signer, sfs, TODAY)
    assert issued.amounts(f"{INFO}/sac:SUNATRetentionAmount") == [D(v) for v in retenido]
    assert issued.amounts(f"{INFO}/sac:SUNATNetTotalPaid") == [D(v) for v in pagado]
    assert (issued.amounts("cbc:TotalInvoiceAmount"), issued.amounts("sac:SUNATTotalPaid")) == (
        [D(totals[0])],
        [D(totals[1])],
    )


GREENTER_JSON = FIXTURES / "greenter-lycet" / "greenter-demo-json" / "retencion.json"
GREENTER_XML = FIXTURES / "greenter-lycet" / "greenter-demo-xml" / "retencion.signed.xml"


def test_greenter_demo_as_sent_is_rejected_with_lycet_paths():
    """Greenter's demo retains 10.00 on a payment of 100.00 at 3 % (3.00) and pays 200.00 net
    (97.00): SUNAT's server answers 2623. Greenter's own XML carries those amounts (its SFS
    stylesheet does not check rule 2623, which SUNAT applies on the server)."""
    body = load_fixture(GREENTER_JSON, "fechaEmision")
    doc = greenter.parse_retention(body, None)
    assert _translated_errors(doc, lambda p: greenter.translate_path(p, body)) == [
        ("2623", "details[0].impRetenido"),
        ("2623", "details[0].impPagar"),
    ]
    greenter_xml = Issued(GREENTER_XML.read_bytes(), etree.fromstring(GREENTER_XML.read_bytes()), [])
    assert greenter_xml.amounts(f"{INFO}/sac:SUNATRetentionAmount") == [D("10.00")]
    assert greenter_xml.amounts(f"{REF}/cac:Payment/cbc:PaidAmount") == [D("100.00")]


def test_greenter_demo_with_amounts_derived(test_signer, sfs):
    body = _without(load_fixture(GREENTER_JSON, "fechaEmision"), "impRetenido", "impPagar", "impPagado")
    doc = greenter.parse_retention(body, None)
    issued = issue(doc, test_signer, sfs, TODAY)
    # 100.00 × 3 % = 3.00; 100.00 − 3.00 = 97.00
    assert issued.amounts(f"{INFO}/sac:SUNATRetentionAmount") == [D("3.00")]
    assert issued.amounts(f"{INFO}/sac:SUNATNetTotalPaid") == [D("97.00")]
    assert issued.amounts("sac:SUNATTotalPaid") == [D("97.00")]
    greenter_xml = Issued(GREENTER_XML.read_bytes(), etree.fromstring(GREENTER_XML.read_bytes()), [])
    # The same document as Greenter's XML...
    for path in (f"{REF}/cbc:ID", f"{REF}/cbc:TotalInvoiceAmount", f"{REF}/cac:Payment/cbc:ID", "cbc:Note"):
        assert issued.texts(path) == greenter_xml.texts(path), path
    assert issued.text("cbc:ID") == greenter_xml.text("cbc:ID") == "R001-123"
    # ... except where Greenter's is wrong or empty: the urbanización it drops, the exchange rate
    # of a document in soles, and the signature it names but does not write.
    agent = "cac:AgentParty/cac:PostalAddress"
    assert issued.text(f"{agent}/cbc:CitySubdivisionName") == "CASUARINAS"
    assert greenter_xml.text(f"{agent}/cbc:CitySubdivisionName") is None
    assert (
        greenter_xml.count(f"{INFO}/cac:ExchangeRate") == 1 and issued.count(f"{INFO}/cac:ExchangeRate") == 0
    )
    assert greenter_xml.text(
        "cac:Signature/cac:DigitalSignatureAttachment/cac:ExternalReference/cbc:URI"
    ) == ("#GREENTER-SIGN")
    assert greenter_xml.attributes(
        "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/ds:Signature", "Id"
    ) == ["GreenterSign"]
    assert (
        issued.text("cac:Signature/cac:DigitalSignatureAttachment/cac:ExternalReference/cbc:URI")
        == "#SignatureSP"
    )


def test_greenter_several_payments_become_several_references(test_signer, sfs):
    """Greenter writes every ``pagos`` entry of a detail as a ``cac:Payment`` of one reference,
    which SUNAT's XSD forbids; Yupana writes one reference per payment."""
    body = _without(load_fixture(GREENTER_JSON, "fechaEmision"), "impRetenido", "impPagar", "impPagado")
    payment = body["details"][0]["pagos"][0]  # type: ignore[index]
    body["details"][0]["pagos"] = [payment, {**payment, "importe": D("110.00")}]  # type: ignore[index]
    issued = issue(greenter.parse_retention(body, None), test_signer, sfs, TODAY)
    assert issued.count(REF) == 2 and issued.texts(f"{REF}/cac:Payment/cbc:ID") == ["1", "2"]
    # 110.00 × 3 % = 3.30; 106.70. Totals 3.00 + 3.30 = 6.30; 97.00 + 106.70 = 203.70
    assert issued.amounts(f"{INFO}/sac:SUNATRetentionAmount") == [D("3.00"), D("3.30")]
    assert issued.amounts("sac:SUNATTotalPaid") == [D("203.70")]


PRO_JSON = FIXTURES / "facturadorpro" / "official_examples" / "retencion.json"


def test_facturadorpro_example_as_shipped_is_rejected_with_its_keys(demo_issuer):
    """Facturador PRO's shipped example retains 12.00 on a payment of 200.00 at 3 % (6.00), pays
    412.00 (200 + 12) and 618.00 (600 + 18) net instead of 194.00 and 582.00, and totals 1000.00."""
    body = load_fixture(PRO_JSON, "fecha_de_emision")
    doc = pro.parse_retention(body, demo_issuer)
    assert _translated_errors(doc, pro.translate_path) == [
        ("2623", "documentos[0].total_retenido"),
        ("2623", "documentos[0].total_pagado"),
        ("2623", "documentos[1].total_pagado"),
        ("2629", "totales.total_pagado"),
    ]


def test_facturadorpro_example_with_amounts_derived(demo_issuer, test_signer, sfs):
    body = _without(load_fixture(PRO_JSON, "fecha_de_emision"), "total_retenido", "total_pagado")
    issued = issue(pro.parse_retention(body, demo_issuer), test_signer, sfs, TODAY)
    # F001-3: 200.00 PEN × 3 % = 6.00, 194.00. F001-4: 200.00 USD × 3.00 = 600.00 → 18.00, 582.00
    assert issued.amounts(f"{INFO}/sac:SUNATRetentionAmount") == [D("6.00"), D("18.00")]
    assert issued.amounts(f"{INFO}/sac:SUNATNetTotalPaid") == [D("194.00"), D("582.00")]
    assert issued.amounts("cbc:TotalInvoiceAmount") == [D("24.00")]
    assert issued.amounts("sac:SUNATTotalPaid") == [D("776.00")]
    assert issued.amounts(f"{INFO}/cac:ExchangeRate/cbc:CalculationRate") == [D("3")]
    assert issued.text("cbc:Note") == "-"


def test_facturadorpro_example_proveedor_ruc_cannot_exist(demo_issuer):
    """Its proveedor 10414711225 fails the RUC check digit: SUNAT answers 2621."""
    body = _without(
        load_fixture(PRO_JSON, "fecha_de_emision", valid_rucs=False), "total_retenido", "total_pagado"
    )
    doc = pro.parse_retention(body, demo_issuer)
    assert _translated_errors(doc, pro.translate_path) == [("2621", "datos_del_proveedor.numero_documento")]
