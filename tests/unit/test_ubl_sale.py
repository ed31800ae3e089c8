"""The sales UBL writer: the contract with the signer, what is written (and what is not), errors,
template isolation and speed. SUNAT's own XSD and stylesheets are run on the same cases in
``tests/conformance/test_ubl_sale.py``."""

from __future__ import annotations

import copy
import time
from decimal import Decimal as D
from functools import partial

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from ubl_sale_cases import (
    CASES,
    PERSON,
    boleta_dni,
    everything,
    factura_anticipos,
    factura_gravada,
    factura_mixta,
    factura_percepcion,
    nota_credito_anulacion,
    nota_credito_cuotas,
    nota_debito_intereses,
)
from yupana.domain.problems import InvalidDocument
from yupana.domain.sale import Installment, PaymentTerms, Prepayment
from yupana.ubl import serialize
from yupana.ubl.namespaces import CAC, CBC, DS_NS, EXT, SIGNATURE_ID
from yupana.ubl.sale import build_sale

NS = {"cac": CAC.uri, "cbc": CBC.uri, "ext": EXT.uri}


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def test_signature_slot_and_block_follow_the_signer_contract() -> None:
    doc = factura_gravada()
    root = build_sale(doc)
    extension = root[0]
    assert extension.tag == EXT.UBLExtensions
    content = extension[0][0]
    assert content.tag == EXT.ExtensionContent
    assert len(content) == 0 and not (content.text or "").strip()
    assert SIGNATURE_ID == "SignatureSP"
    signature = root.find("cac:Signature", NS)
    assert signature is not None
    assert signature.findtext("cbc:ID", namespaces=NS) == SIGNATURE_ID
    signatory = "cac:SignatoryParty/"
    assert signature.findtext(signatory + "cac:PartyIdentification/cbc:ID", namespaces=NS) == doc.issuer.ruc
    assert signature.findtext(signatory + "cac:PartyName/cbc:Name", namespaces=NS) == doc.issuer.razon_social
    uri = signature.findtext("cac:DigitalSignatureAttachment/cac:ExternalReference/cbc:URI", namespaces=NS)
    assert uri == "#" + SIGNATURE_ID
    assert root.nsmap["ds"] == DS_NS


ALL_DOCUMENTS = {
    **CASES,
    **{f"everything-{tipo}": partial(everything, tipo) for tipo in ("01", "03", "07", "08")},
}


@pytest.mark.parametrize("case", list(ALL_DOCUMENTS))
def test_no_empty_elements_and_every_amount_has_its_currency(case: str) -> None:
    root = build_sale(ALL_DOCUMENTS[case](), forma_pago_en_boleta=True)
    for element in root.iter():
        if element.tag == EXT.ExtensionContent:
            continue
        assert len(element) or (element.text or "").strip(), f"empty {etree.QName(element).localname}"
        if _local(element).endswith("Amount") and element.tag != CBC.PaymentDueDate:
            assert element.get("currencyID"), f"{_local(element)} without currencyID"


def test_header_carries_type_operation_legends_currency_and_line_count() -> None:
    doc = factura_mixta()
    root = build_sale(doc)
    type_code = root.find("cbc:InvoiceTypeCode", NS)
    assert type_code is not None and type_code.text == "01"
    assert type_code.get("listID") == doc.tipo_operacion
    assert type_code.get("name") == "Tipo de Operacion"
    notes = {n.get("languageLocaleID"): n.text for n in root.findall("cbc:Note", NS)}
    assert notes == {legend.codigo: legend.valor for legend in doc.legends}
    assert root.findtext("cbc:DocumentCurrencyCode", namespaces=NS) == "PEN"
    assert root.findtext("cbc:LineCountNumeric", namespaces=NS) == str(len(doc.lines))
    assert root.findtext("cbc:IssueTime", namespaces=NS) == "10:30:15"


def test_line_amounts_and_codes_are_written_as_sunat_spells_them() -> None:
    doc = factura_gravada()
    root = build_sale(doc)
    line = root.find("cac:InvoiceLine", NS)
    assert line is not None
    quantity = line.find("cbc:InvoicedQuantity", NS)
    assert quantity is not None and quantity.text == "2" and quantity.get("unitCode") == "NIU"
    assert line.findtext("cbc:LineExtensionAmount", namespaces=NS) == "3000.00"
    price = line.find("cac:PricingReference/cac:AlternativeConditionPrice", NS)
    assert price is not None
    assert price.findtext("cbc:PriceAmount", namespaces=NS) == "1770.00"
    assert price.findtext("cbc:PriceTypeCode", namespaces=NS) == "01"
    category = line.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
    assert category is not None
    assert category.findtext("cbc:Percent", namespaces=NS) == "18.00"
    assert category.findtext("cbc:TaxExemptionReasonCode", namespaces=NS) == "10"
    scheme = category.find("cac:TaxScheme", NS)
    assert scheme is not None and [e.text for e in scheme] == ["1000", "IGV", "VAT"]
    item = line.find("cac:Item", NS)
    assert item is not None
    assert item.findtext("cac:StandardItemIdentification/cbc:ID", namespaces=NS) == "7751234567890"
    gtin = item.find("cac:StandardItemIdentification/cbc:ID", NS)
    assert gtin is not None and gtin.get("schemeID") == "GTIN-13"
    assert (
        item.findtext("cac:CommodityClassification/cbc:ItemClassificationCode", namespaces=NS) == "43211503"
    )
    assert line.findtext("cac:Price/cbc:PriceAmount", namespaces=NS) == "1500.00"


def test_free_line_carries_reference_value_and_gratuito_scheme() -> None:
    root = build_sale(factura_mixta())
    free = root.findall("cac:InvoiceLine", NS)[3]
    reference = free.find("cac:PricingReference/cac:AlternativeConditionPrice", NS)
    assert reference is not None and reference.findtext("cbc:PriceTypeCode", namespaces=NS) == "02"
    assert free.findtext("cac:Price/cbc:PriceAmount", namespaces=NS) == "0.00"
    scheme = free.findtext("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:ID", namespaces=NS)
    assert scheme == "9996"
    schemes = root.findall("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:ID", NS)
    assert [s.text for s in schemes] == ["1000", "9996", "9997", "9998"]


def test_boleta_has_no_forma_de_pago_unless_asked() -> None:
    doc = boleta_dni()
    assert doc.payment is not None
    assert build_sale(doc).find("cac:PaymentTerms", NS) is None
    terms = build_sale(doc, forma_pago_en_boleta=True).find("cac:PaymentTerms", NS)
    assert terms is not None and terms.findtext("cbc:PaymentMeansID", namespaces=NS) == "Contado"


def test_credito_writes_amount_pending_and_numbered_cuotas() -> None:
    doc = nota_credito_cuotas()
    root = build_sale(doc)
    terms = root.findall("cac:PaymentTerms", NS)
    assert [t.findtext("cbc:PaymentMeansID", namespaces=NS) for t in terms] == [
        "Credito",
        "Cuota001",
        "Cuota002",
    ]
    assert all(t.findtext("cbc:ID", namespaces=NS) == "FormaPago" for t in terms)
    assert doc.payment is not None
    due = doc.payment.cuotas[0].fecha_pago.isoformat()
    assert terms[1].findtext("cbc:PaymentDueDate", namespaces=NS) == due


def test_notes_write_forma_de_pago_only_when_credito() -> None:
    doc = nota_credito_anulacion()
    doc.payment = PaymentTerms("Contado")
    assert build_sale(doc).find("cac:PaymentTerms", NS) is None
    debit = nota_debito_intereses()
    debit.payment = PaymentTerms("Credito", D("53.10"), [Installment(D("53.10"), debit.fecha_emision)])
    assert len(build_sale(debit).findall("cac:PaymentTerms", NS)) == 2


def test_notes_reference_what_they_modify() -> None:
    doc = nota_credito_anulacion()
    root = build_sale(doc)
    assert _local(root) == "CreditNote"
    assert root.find("cbc:InvoiceTypeCode", NS) is None
    response = root.find("cac:DiscrepancyResponse", NS)
    assert response is not None
    assert [e.text for e in response] == ["F001-45", "01", "ANULACION DE LA OPERACION"]
    reference = root.find("cac:BillingReference/cac:InvoiceDocumentReference", NS)
    assert reference is not None and [e.text for e in reference] == ["F001-45", "01"]
    debit = build_sale(nota_debito_intereses())
    assert _local(debit) == "DebitNote"
    assert debit.find("cac:RequestedMonetaryTotal", NS) is not None
    assert debit.find("cac:DebitNoteLine/cbc:DebitedQuantity", NS) is not None


def test_debit_note_puts_prepaid_payments_before_payment_terms() -> None:
    doc = nota_debito_intereses()
    doc.anticipos = [Prepayment("02", "F001-9", D("10.00"))]
    doc.payment = PaymentTerms("Credito", D("43.10"), [Installment(D("43.10"), doc.fecha_emision)])
    names = [_local(e) for e in build_sale(doc)]
    assert names.index("PrepaidPayment") < names.index("PaymentTerms") < names.index("TaxTotal")


def test_anticipos_link_document_reference_and_prepaid_payment() -> None:
    doc = factura_anticipos()
    root = build_sale(doc)
    reference = root.find("cac:AdditionalDocumentReference", NS)
    assert reference is not None
    assert reference.findtext("cbc:DocumentTypeCode", namespaces=NS) == "02"
    status = reference.findtext("cbc:DocumentStatusCode", namespaces=NS)
    payment = root.find("cac:PrepaidPayment", NS)
    assert payment is not None and payment.findtext("cbc:ID", namespaces=NS) == status == "1"
    assert (
        reference.findtext("cac:IssuerParty/cac:PartyIdentification/cbc:ID", namespaces=NS) == doc.issuer.ruc
    )


def test_percepcion_amounts_are_in_soles_whatever_the_currency() -> None:
    doc = factura_percepcion()
    doc.moneda = "USD"
    root = build_sale(doc)
    terms = root.find("cac:PaymentTerms", NS)
    assert terms is not None and terms.findtext("cbc:ID", namespaces=NS) == "Percepcion"
    amount = terms.find("cbc:Amount", NS)
    assert amount is not None and amount.get("currencyID") == "PEN"
    charge = root.find("cac:AllowanceCharge", NS)
    assert charge is not None and charge.findtext("cbc:AllowanceChargeReasonCode", namespaces=NS) == "51"
    assert {e.get("currencyID") for e in charge if e.get("currencyID")} == {"PEN"}
    payable = root.find("cac:LegalMonetaryTotal/cbc:PayableAmount", NS)
    assert payable is not None and payable.get("currencyID") == "USD"


def test_text_is_escaped_and_cleaned() -> None:
    doc = factura_gravada()
    doc.lines[0].descripcion = 'TORNILLO 1/2" <ACERO> & TUERCA\x00\x07'
    xml = serialize(build_sale(doc))
    assert b'TORNILLO 1/2" &lt;ACERO&gt; &amp; TUERCA</cbc:Description>' in xml
    parsed = etree.fromstring(xml)
    assert parsed.findtext("cac:InvoiceLine/cac:Item/cbc:Description", namespaces=NS) == (
        'TORNILLO 1/2" <ACERO> & TUERCA'
    )


def test_serialize_writes_utf8_with_declaration() -> None:
    doc = boleta_dni()
    doc.customer = copy.copy(PERSON)
    doc.customer.razon_social = "MARÍA ÑAÑEZ"
    xml = serialize(build_sale(doc))
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Invoice ')
    assert "MARÍA ÑAÑEZ".encode() in xml


def test_templates_do_not_leak_between_documents() -> None:
    first = build_sale(factura_gravada())
    name = first.find("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName", NS)
    assert name is not None
    name.text = "CHANGED"
    subtotal_tax = first.find("cac:InvoiceLine/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", NS)
    assert subtotal_tax is not None
    subtotal_tax.text = "999.99"
    second_doc = factura_gravada()
    second_doc.lines[0].igv = D("1.23")
    second = build_sale(second_doc)
    supplier = "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"
    assert second.findtext(supplier, namespaces=NS) == "EMPRESA DE PRUEBAS S.A.C."
    line_tax = "cac:InvoiceLine/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount"
    assert second.findtext(line_tax, namespaces=NS) == "1.23"
    other_issuer = factura_gravada()
    other_issuer.issuer = copy.deepcopy(other_issuer.issuer)
    other_issuer.issuer.razon_social = "OTRA EMPRESA S.A."
    assert build_sale(other_issuer).findtext(supplier, namespaces=NS) == "OTRA EMPRESA S.A."


def test_missing_amount_is_an_invalid_document_with_its_path() -> None:
    doc = factura_gravada()
    doc.lines[1].valor_venta = None
    with pytest.raises(InvalidDocument) as raised:
        build_sale(doc)
    assert raised.value.errors[0].path == "lines[1].valor_venta"
    doc = factura_gravada()
    doc.totals.importe_total = None
    with pytest.raises(InvalidDocument) as raised:
        build_sale(doc)
    assert raised.value.errors[0].path == "totals.importe_total"


def test_documents_the_writer_cannot_express_are_refused() -> None:
    doc = factura_gravada()
    doc.tipo_documento = "09"
    with pytest.raises(InvalidDocument) as raised:
        build_sale(doc)
    assert raised.value.errors[0].code == "1003"
    note = nota_credito_anulacion()
    note.anticipos = [Prepayment("02", "F001-1", D("100"))]
    with pytest.raises(InvalidDocument):
        build_sale(note)
    note = nota_credito_anulacion()
    note.note = None
    with pytest.raises(InvalidDocument) as raised:
        build_sale(note)
    assert raised.value.errors[0].code == "2524"
    doc = factura_gravada()
    doc.lines[0].tipo_afectacion_igv = "99"
    with pytest.raises(InvalidDocument) as raised:
        build_sale(doc)
    assert (raised.value.errors[0].code, raised.value.errors[0].path) == (
        "2040",
        "lines[0].tipo_afectacion_igv",
    )


def test_two_line_factura_builds_well_under_an_rsa_signature() -> None:
    """Building must cost a fraction of the bare RSA-2048 signature that follows it (measured in
    the same run, so the ratio holds on a slow or busy machine)."""
    doc = factura_gravada()
    build_sale(doc)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def best(action: object, rounds: int) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(rounds):
                action()  # type: ignore[operator]
            times.append((time.perf_counter() - start) / rounds)
        return min(times)

    build = best(lambda: build_sale(doc), 200)
    sign = best(lambda: key.sign(b"digest" * 5, padding.PKCS1v15(), hashes.SHA256()), 50)
    assert build < 0.6 * sign, f"build {build * 1e6:.0f} us vs RSA sign {sign * 1e6:.0f} us"
