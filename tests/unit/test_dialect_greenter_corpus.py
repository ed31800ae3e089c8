"""Every factura, boleta and nota of the Greenter demo corpus parses, and what the domain holds
is what Greenter itself wrote into the signed XML for the same JSON."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from lxml import etree

from paths import FIXTURES
from yupana.dialects.greenter.sales import parse_invoice, parse_note, parse_sale
from yupana.domain.sale import NOTE_TYPES, SaleDocument

CORPUS = FIXTURES / "greenter-lycet"
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
ROOTS = {"01": "Invoice", "03": "Invoice", "07": "CreditNote", "08": "DebitNote"}
PERCEPCION_CODES = ("51", "52", "53")


def _sale_cases() -> list[Path]:
    cases = []
    for path in sorted((CORPUS / "greenter-demo-json").glob("*.json")):
        if json.loads(path.read_text(encoding="utf-8")).get("tipoDoc") in ROOTS:
            cases.append(path)
    return cases


CASES = _sale_cases()


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def _xml(case: Path) -> etree._Element:
    return etree.parse(str(CORPUS / "greenter-demo-xml" / f"{case.stem}.signed.xml")).getroot()


def _text(node: etree._Element, xpath: str) -> str | None:
    found = node.find(xpath, NS)
    return found.text if found is not None else None


def _same_amount(value: Decimal | None, text: str | None) -> bool:
    """The domain value is what Greenter printed (Greenter rounds half up to what it prints)."""
    if text is None:
        return value is None or value == 0
    printed = Decimal(text)
    return value is not None and value.quantize(printed, rounding=ROUND_HALF_UP) == printed


def test_the_corpus_has_every_sales_type():
    types = {json.loads(p.read_text(encoding="utf-8"))["tipoDoc"] for p in CASES}
    assert types == {"01", "03", "07", "08"}
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_header_parties_and_references_match_greenter_xml(case: Path):
    doc = parse_sale(_load(case), None)
    root = _xml(case)

    assert etree.QName(root).localname == ROOTS[doc.tipo_documento]
    assert _text(root, "cbc:ID") == f"{doc.serie}-{doc.correlativo}"
    assert _text(root, "cbc:IssueDate") == doc.fecha_emision.isoformat()
    assert _text(root, "cbc:IssueTime") == doc.hora_emision.isoformat()
    due = _text(root, "cbc:DueDate")
    assert (doc.fecha_vencimiento.isoformat() if doc.fecha_vencimiento else None) == due
    assert _text(root, "cbc:DocumentCurrencyCode") == doc.moneda
    if not doc.is_note:
        type_code = root.find("cbc:InvoiceTypeCode", NS)
        assert type_code.text == doc.tipo_documento
        assert type_code.get("listID") == doc.tipo_operacion

    notes = root.findall("cbc:Note", NS)
    assert [(n.get("languageLocaleID"), n.text) for n in notes if n.get("languageLocaleID")] == [
        (legend.codigo, legend.valor) for legend in doc.legends
    ]
    assert [n.text for n in notes if not n.get("languageLocaleID")] == doc.observaciones

    supplier = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    issuer = doc.issuer
    assert _text(supplier, "cac:PartyIdentification/cbc:ID") == issuer.ruc
    assert _text(supplier, "cac:PartyName/cbc:Name") == issuer.nombre_comercial
    assert _text(supplier, "cac:PartyLegalEntity/cbc:RegistrationName") == issuer.razon_social
    address = supplier.find("cac:PartyLegalEntity/cac:RegistrationAddress", NS)
    assert _text(address, "cbc:ID") == issuer.address.ubigeo
    assert _text(address, "cbc:AddressTypeCode") == issuer.address.codigo_establecimiento
    assert _text(address, "cbc:CitySubdivisionName") == issuer.address.urbanizacion
    assert _text(address, "cbc:CityName") == issuer.address.provincia
    assert _text(address, "cbc:CountrySubentity") == issuer.address.departamento
    assert _text(address, "cbc:District") == issuer.address.distrito
    assert _text(address, "cac:AddressLine/cbc:Line") == issuer.address.direccion
    assert _text(address, "cac:Country/cbc:IdentificationCode") == issuer.address.codigo_pais
    assert _text(supplier, "cac:Contact/cbc:Telephone") == issuer.telefono
    assert _text(supplier, "cac:Contact/cbc:ElectronicMail") == issuer.email

    customer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    identification = customer.find("cac:PartyIdentification/cbc:ID", NS)
    assert identification.text == doc.customer.numero_documento
    assert identification.get("schemeID") == doc.customer.tipo_documento
    assert _text(customer, "cac:PartyLegalEntity/cbc:RegistrationName") == doc.customer.razon_social
    customer_address = customer.find("cac:PartyLegalEntity/cac:RegistrationAddress", NS)
    if customer_address is None:
        assert doc.customer.address is None
    else:
        assert _text(customer_address, "cbc:ID") == doc.customer.address.ubigeo
        assert _text(customer_address, "cac:AddressLine/cbc:Line") == doc.customer.address.direccion
        assert (
            _text(customer_address, "cac:Country/cbc:IdentificationCode") == doc.customer.address.codigo_pais
        )
    assert _text(customer, "cac:Contact/cbc:Telephone") == doc.customer.telefono
    assert _text(customer, "cac:Contact/cbc:ElectronicMail") == doc.customer.email

    assert [
        (_text(g, "cbc:ID"), _text(g, "cbc:DocumentTypeCode"))
        for g in root.findall("cac:DespatchDocumentReference", NS)
    ] == [(g.numero, g.tipo_documento) for g in doc.guias]
    additional = root.findall("cac:AdditionalDocumentReference", NS)
    assert [
        (_text(a, "cbc:ID"), _text(a, "cbc:DocumentTypeCode"))
        for a in additional
        if a.find("cbc:DocumentStatusCode", NS) is None
    ] == [(r.numero, r.tipo_documento) for r in doc.related]
    prepaid = [
        (_text(a, "cbc:ID"), _text(a, "cbc:DocumentTypeCode"))
        for a in additional
        if a.find("cbc:DocumentStatusCode", NS) is not None
    ]
    assert prepaid == [(a.numero, a.tipo_documento) for a in doc.anticipos]
    paid = [_text(p, "cbc:PaidAmount") for p in root.findall("cac:PrepaidPayment", NS)]
    assert len(paid) == len(doc.anticipos)
    assert all(_same_amount(a.monto, text) for a, text in zip(doc.anticipos, paid, strict=True))
    assert _text(root, "cac:OrderReference/cbc:ID") == doc.orden_compra

    if doc.is_note:
        assert _text(root, "cac:DiscrepancyResponse/cbc:ReferenceID") == doc.note.numero_documento_afectado
        assert _text(root, "cac:DiscrepancyResponse/cbc:ResponseCode") == doc.note.codigo
        assert _text(root, "cac:DiscrepancyResponse/cbc:Description") == doc.note.motivo
        reference = root.find("cac:BillingReference/cac:InvoiceDocumentReference", NS)
        assert _text(reference, "cbc:ID") == doc.note.numero_documento_afectado
        assert _text(reference, "cbc:DocumentTypeCode") == doc.note.tipo_documento_afectado
    else:
        assert doc.note is None


def _payment_terms(root: etree._Element, identifier: str) -> list[etree._Element]:
    return [t for t in root.findall("cac:PaymentTerms", NS) if _text(t, "cbc:ID") == identifier]


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_payment_detraccion_percepcion_and_allowances_match_greenter_xml(case: Path):
    doc = parse_sale(_load(case), None)
    root = _xml(case)

    forma = _payment_terms(root, "FormaPago")
    if not forma:
        assert doc.payment is None
    else:
        head, *cuotas = forma
        assert _text(head, "cbc:PaymentMeansID") == doc.payment.forma
        assert _same_amount(doc.payment.monto, _text(head, "cbc:Amount"))
        assert [_text(c, "cbc:PaymentMeansID") for c in cuotas] == [
            f"Cuota{i:03d}" for i in range(1, len(cuotas) + 1)
        ]
        assert len(cuotas) == len(doc.payment.cuotas)
        for element, cuota in zip(cuotas, doc.payment.cuotas, strict=True):
            assert _same_amount(cuota.monto, _text(element, "cbc:Amount"))
            assert _text(element, "cbc:PaymentDueDate") == cuota.fecha_pago.isoformat()

    detraccion_terms = _payment_terms(root, "Detraccion")
    if not detraccion_terms:
        assert doc.detraccion is None
    else:
        means = root.find("cac:PaymentMeans", NS)
        assert _text(means, "cbc:PaymentMeansCode") == doc.detraccion.medio_pago
        assert _text(means, "cac:PayeeFinancialAccount/cbc:ID") == doc.detraccion.cuenta_banco
        assert _text(detraccion_terms[0], "cbc:PaymentMeansID") == doc.detraccion.codigo_bien
        assert Decimal(_text(detraccion_terms[0], "cbc:PaymentPercent")) == doc.detraccion.porcentaje
        assert _same_amount(doc.detraccion.monto, _text(detraccion_terms[0], "cbc:Amount"))

    charges = root.findall("cac:AllowanceCharge", NS)
    percepcion_terms = _payment_terms(root, "Percepcion")
    if not percepcion_terms:
        assert doc.percepcion is None
    else:
        assert _same_amount(doc.percepcion.total, _text(percepcion_terms[0], "cbc:Amount"))
        (element,) = [c for c in charges if _text(c, "cbc:AllowanceChargeReasonCode") in PERCEPCION_CODES]
        assert _text(element, "cbc:AllowanceChargeReasonCode") == doc.percepcion.codigo
        assert Decimal(_text(element, "cbc:MultiplierFactorNumeric")) == doc.percepcion.factor
        assert _same_amount(doc.percepcion.monto, _text(element, "cbc:Amount"))
        assert _same_amount(doc.percepcion.base, _text(element, "cbc:BaseAmount"))
        charges = [c for c in charges if c is not element]

    retencion = [c for c in charges if _text(c, "cbc:AllowanceChargeReasonCode") == "62"]
    if not retencion:
        assert doc.retencion is None
    else:
        (element,) = retencion
        assert Decimal(_text(element, "cbc:MultiplierFactorNumeric")) == doc.retencion.factor
        assert _same_amount(doc.retencion.monto, _text(element, "cbc:Amount"))
        assert _same_amount(doc.retencion.base, _text(element, "cbc:BaseAmount"))
        charges = [c for c in charges if c is not element]
    _assert_allowances(charges, doc.allowances)


def _assert_allowances(elements: list[etree._Element], allowances: list) -> None:
    for indicator in ("true", "false"):
        written = [e for e in elements if _text(e, "cbc:ChargeIndicator") == indicator]
        declared = [a for a in allowances if a.is_charge is (indicator == "true")]
        assert len(written) == len(declared)
        for element, allowance in zip(written, declared, strict=True):
            assert _text(element, "cbc:AllowanceChargeReasonCode") == allowance.codigo
            assert Decimal(_text(element, "cbc:MultiplierFactorNumeric")) == allowance.factor
            assert _same_amount(allowance.monto, _text(element, "cbc:Amount"))
            assert _same_amount(allowance.base, _text(element, "cbc:BaseAmount"))
    assert len(allowances) == len(elements)


# Document tax subtotals: scheme → (taxable amount, tax amount) attributes of SaleTotals.
TAX_SCHEMES = {
    "1000": ("gravadas", "igv"),
    "9997": ("exoneradas", None),
    "9998": ("inafectas", None),
    "9995": ("exportacion", None),
    "9996": ("gratuitas", "igv_gratuitas"),
    "2000": ("isc_base", "isc"),
    "1016": ("ivap_base", "ivap"),
    "7152": (None, "icbper"),
}
MONETARY = {
    "LineExtensionAmount": "valor_venta",
    "TaxInclusiveAmount": "precio_venta",
    "AllowanceTotalAmount": "descuentos",
    "ChargeTotalAmount": "cargos",
    "PrepaidAmount": "anticipos",
    "PayableRoundingAmount": "redondeo",
    "PayableAmount": "importe_total",
}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_declared_totals_match_greenter_xml(case: Path):
    doc = parse_sale(_load(case), None)
    root = _xml(case)
    totals = doc.totals

    assert _same_amount(totals.total_impuestos, _text(root, "cac:TaxTotal/cbc:TaxAmount"))
    seen = set()
    for subtotal in root.findall("cac:TaxTotal/cac:TaxSubtotal", NS):
        scheme = _text(subtotal, "cac:TaxCategory/cac:TaxScheme/cbc:ID")
        taxable, tax = TAX_SCHEMES[scheme]
        seen.add(scheme)
        if taxable:
            assert _same_amount(getattr(totals, taxable), _text(subtotal, "cbc:TaxableAmount")), scheme
        if tax:
            assert _same_amount(getattr(totals, tax), _text(subtotal, "cbc:TaxAmount")), scheme
    for scheme, (taxable, tax) in TAX_SCHEMES.items():
        if scheme not in seen:  # Greenter leaves out a subtotal it was given no (or a zero) amount for
            for attribute in (taxable, tax):
                if attribute and scheme != "1000":
                    assert getattr(totals, attribute) in (None, 0), attribute

    monetary = root.find("cac:LegalMonetaryTotal", NS)
    if monetary is None:
        monetary = root.find("cac:RequestedMonetaryTotal", NS)
    for element, attribute in MONETARY.items():
        text = _text(monetary, f"cbc:{element}")
        if text is not None or not doc.is_note:  # Greenter writes only PayableAmount on notes
            assert _same_amount(getattr(totals, attribute), text), element


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_lines_match_greenter_xml(case: Path):
    doc = parse_sale(_load(case), None)
    root = _xml(case)
    tag = {"Invoice": "InvoiceLine", "CreditNote": "CreditNoteLine", "DebitNote": "DebitNoteLine"}
    quantity_tag = {
        "Invoice": "InvoicedQuantity",
        "CreditNote": "CreditedQuantity",
        "DebitNote": "DebitedQuantity",
    }
    kind = etree.QName(root).localname
    elements = root.findall(f"cac:{tag[kind]}", NS)
    assert len(elements) == len(doc.lines) > 0

    for element, line in zip(elements, doc.lines, strict=True):
        quantity = element.find(f"cbc:{quantity_tag[kind]}", NS)
        assert Decimal(quantity.text) == line.cantidad
        assert quantity.get("unitCode") == line.unidad
        assert _same_amount(line.valor_venta, _text(element, "cbc:LineExtensionAmount"))
        price_type = _text(element, "cac:PricingReference/cac:AlternativeConditionPrice/cbc:PriceTypeCode")
        price = _text(element, "cac:PricingReference/cac:AlternativeConditionPrice/cbc:PriceAmount")
        if price_type == "02":
            assert _same_amount(line.valor_referencial, price)
        else:
            assert price_type == "01"
            assert line.valor_referencial is None
            assert _same_amount(line.precio_unitario, price)
        _assert_allowances(element.findall("cac:AllowanceCharge", NS), line.allowances)
        assert _same_amount(line.valor_unitario, _text(element, "cac:Price/cbc:PriceAmount"))
        assert _same_amount(line.total_impuestos, _text(element, "cac:TaxTotal/cbc:TaxAmount"))

        schemes = set()
        for subtotal in element.findall("cac:TaxTotal/cac:TaxSubtotal", NS):
            scheme = _text(subtotal, "cac:TaxCategory/cac:TaxScheme/cbc:ID")
            schemes.add(scheme)
            if scheme == "2000":
                assert line.isc is not None
                assert _text(subtotal, "cac:TaxCategory/cbc:TierRange") == line.isc.sistema
                assert Decimal(_text(subtotal, "cac:TaxCategory/cbc:Percent")) == line.isc.porcentaje
                assert _same_amount(line.isc.base, _text(subtotal, "cbc:TaxableAmount"))
                assert _same_amount(line.isc.monto, _text(subtotal, "cbc:TaxAmount"))
            elif scheme == "7152":
                assert _same_amount(line.icbper, _text(subtotal, "cbc:TaxAmount"))
                assert _same_amount(line.icbper_factor, _text(subtotal, "cac:TaxCategory/cbc:PerUnitAmount"))
                assert Decimal(_text(subtotal, "cbc:BaseUnitMeasure")) == line.cantidad
            else:
                assert (
                    _text(subtotal, "cac:TaxCategory/cbc:TaxExemptionReasonCode") == line.tipo_afectacion_igv
                )
                assert Decimal(_text(subtotal, "cac:TaxCategory/cbc:Percent")) == line.porcentaje_igv
                assert _same_amount(line.base_igv, _text(subtotal, "cbc:TaxableAmount"))
                assert _same_amount(line.igv, _text(subtotal, "cbc:TaxAmount"))
        if "2000" not in schemes:
            assert line.isc is None
        if "7152" not in schemes:
            assert line.icbper is None and line.icbper_factor is None

        assert _text(element, "cac:Item/cbc:Description") == line.descripcion
        assert _text(element, "cac:Item/cac:SellersItemIdentification/cbc:ID") == line.codigo
        assert (
            _text(element, "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode")
            == line.codigo_sunat
        )
        assert _text(element, "cac:Item/cac:StandardItemIdentification/cbc:ID") == line.codigo_gs1
        properties = element.findall("cac:Item/cac:AdditionalItemProperty", NS)
        assert [
            (_text(p, "cbc:NameCode"), _text(p, "cbc:Name"), _text(p, "cbc:Value")) for p in properties
        ] == [(p.codigo, p.nombre, p.valor) for p in line.properties]


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_the_typed_entry_points_agree_with_the_dispatcher(case: Path):
    body = _load(case)
    parse = parse_note if body["tipoDoc"] in NOTE_TYPES else parse_invoice
    assert parse(body, None) == parse_sale(body, None)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_a_body_decoded_with_floats_gives_the_same_document(case: Path):
    floats = json.loads(case.read_text(encoding="utf-8"))
    assert parse_sale(floats, None) == parse_sale(_load(case), None)
    assert parse_sale(case.read_bytes(), None) == parse_sale(_load(case), None)


def test_lycet_own_invoice_fixture():
    doc: SaleDocument = parse_sale(_load(CORPUS / "lycet" / "invoice.json"), None)

    assert (doc.tipo_documento, doc.serie, doc.correlativo, doc.numero) == ("01", "FA99", 1, "FA99-1")
    assert doc.fecha_emision.isoformat() == "2021-02-06"
    assert doc.hora_emision.isoformat() == "12:43:00"
    assert (doc.tipo_operacion, doc.moneda) == ("0101", "PEN")
    assert doc.payment.forma == "Contado" and doc.payment.monto is None and doc.payment.cuotas == []
    assert doc.issuer.ruc == "20480072872"
    assert doc.issuer.address.ubigeo == "150131"
    assert doc.issuer.address.distrito == "SAN ISIDRO"
    assert doc.issuer.address.codigo_establecimiento is None
    assert (doc.customer.tipo_documento, doc.customer.numero_documento) == ("6", "20384203133")
    assert doc.customer.address.ubigeo == "150101"
    (line,) = doc.lines
    assert (line.unidad, line.cantidad, line.codigo) == ("D43", Decimal("3.00"), "0202")
    assert line.descripcion.startswith('"Ganadores Expo"')
    assert line.valor_unitario == Decimal("102.5506")
    assert line.precio_unitario == Decimal("121.97")
    assert (line.valor_venta, line.base_igv, line.igv, line.total_impuestos) == (
        Decimal("307.65"),
        Decimal("307.65"),
        Decimal("55.38"),
        Decimal("55.38"),
    )
    assert (line.tipo_afectacion_igv, line.porcentaje_igv) == ("10", Decimal("18.0"))
    totals = doc.totals
    assert (totals.gravadas, totals.igv, totals.total_impuestos) == (
        Decimal("307.65"),
        Decimal("55.38"),
        Decimal("55.38"),
    )
    assert (totals.valor_venta, totals.precio_venta, totals.importe_total) == (
        Decimal("307.65"),
        Decimal("363.03"),
        Decimal("363.03"),
    )
    assert totals.exoneradas is None and totals.descuentos is None
    assert [(g.codigo, g.valor) for g in doc.legends] == [
        ("1000", "SON TRESCIENTOS SESENTA Y TRES CON 03/100 SOLES")
    ]
    assert doc.extras == {}
