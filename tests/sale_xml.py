"""Reading the amounts of a signed factura, boleta or nota back from its UBL, for assertions.

Every amount is returned as the text the XML carries (``"118.00"``), so a test compares it with
the figure it computed by hand, digit for digit.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
LINE_TAGS = ("cac:InvoiceLine", "cac:CreditNoteLine", "cac:DebitNoteLine")
MONETARY_TAGS = ("cac:LegalMonetaryTotal", "cac:RequestedMonetaryTotal")


@dataclass(frozen=True, slots=True)
class Allowance:
    """A ``cac:AllowanceCharge``: indicator, catalog 53 code, factor, amount, base."""

    charge: bool
    codigo: str
    factor: str | None
    monto: str
    base: str | None


@dataclass(frozen=True, slots=True)
class Terms:
    """A ``cac:PaymentTerms``: ID, PaymentMeansID, PaymentPercent, Amount, PaymentDueDate."""

    id: str
    means: str | None
    percent: str | None
    amount: str | None
    due: str | None


def _first(node: etree._Element, path: str) -> str | None:
    found = node.xpath(path, namespaces=NS)
    if not found:
        return None
    value = found[0]
    return value.strip() if isinstance(value, str) else (value.text or "").strip()


def _rows(node: etree._Element, path: str, fields: tuple[str, ...]) -> list[tuple[str | None, ...]]:
    """For each element at ``path``, the text of each of its ``fields`` (relative paths)."""
    return [tuple(_first(element, f) for f in fields) for element in node.xpath(path, namespaces=NS)]


def _allowances(node: etree._Element) -> list[Allowance]:
    return [
        Allowance(
            _first(element, "cbc:ChargeIndicator") == "true",
            _first(element, "cbc:AllowanceChargeReasonCode") or "",
            _first(element, "cbc:MultiplierFactorNumeric"),
            _first(element, "cbc:Amount") or "",
            _first(element, "cbc:BaseAmount"),
        )
        for element in node.xpath("cac:AllowanceCharge", namespaces=NS)
    ]


def _subtotals(tax_total: etree._Element) -> dict[str, tuple[str | None, str]]:
    """Tributo code (catalog 05) -> (TaxableAmount, TaxAmount) of each TaxSubtotal."""
    result: dict[str, tuple[str | None, str]] = {}
    for subtotal in tax_total.xpath("cac:TaxSubtotal", namespaces=NS):
        tributo = _first(subtotal, "cac:TaxCategory/cac:TaxScheme/cbc:ID") or ""
        assert tributo not in result, f"tributo {tributo} appears twice"
        result[tributo] = (_first(subtotal, "cbc:TaxableAmount"), _first(subtotal, "cbc:TaxAmount") or "")
    return result


class SaleLineXml:
    """One ``cac:InvoiceLine`` / ``CreditNoteLine`` / ``DebitNoteLine``."""

    def __init__(self, node: etree._Element) -> None:
        self.node = node

    def text(self, path: str) -> str | None:
        return _first(self.node, path)

    @property
    def quantity(self) -> str | None:
        return self.text("cbc:InvoicedQuantity|cbc:CreditedQuantity|cbc:DebitedQuantity")

    @property
    def valor_venta(self) -> str | None:
        """cbc:LineExtensionAmount."""
        return self.text("cbc:LineExtensionAmount")

    @property
    def valor_unitario(self) -> str | None:
        """cac:Price/cbc:PriceAmount (without taxes)."""
        return self.text("cac:Price/cbc:PriceAmount")

    def pricing(self, price_type: str) -> str | None:
        """PricingReference price of catalog 16 type ``01`` (with taxes) or ``02`` (referencial)."""
        return self.text(
            "cac:PricingReference/cac:AlternativeConditionPrice"
            f"[cbc:PriceTypeCode='{price_type}']/cbc:PriceAmount"
        )

    @property
    def price_types(self) -> list[str]:
        return [
            str(t).strip()
            for t in self.node.xpath(
                "cac:PricingReference/cac:AlternativeConditionPrice/cbc:PriceTypeCode/text()",
                namespaces=NS,
            )
        ]

    @property
    def total_impuestos(self) -> str | None:
        return self.text("cac:TaxTotal/cbc:TaxAmount")

    @property
    def subtotals(self) -> dict[str, tuple[str | None, str]]:
        return _subtotals(self.node.xpath("cac:TaxTotal", namespaces=NS)[0])

    def category(self, tributo: str, path: str) -> str | None:
        """A field of the TaxCategory of the line's ``tributo`` subtotal (``cbc:Percent``...)."""
        return self.text(
            f"cac:TaxTotal/cac:TaxSubtotal[cac:TaxCategory/cac:TaxScheme/cbc:ID='{tributo}']/cac:TaxCategory/{path}"
        )

    def afectacion(self) -> str | None:
        return self.text("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode")

    @property
    def allowances(self) -> list[Allowance]:
        return _allowances(self.node)

    def rows(self, path: str, *fields: str) -> list[tuple[str | None, ...]]:
        return _rows(self.node, path, fields)


class SaleXml:
    """A signed sales document, read back from its bytes."""

    def __init__(self, xml: bytes) -> None:
        self.root = etree.fromstring(xml)

    def text(self, path: str) -> str | None:
        return _first(self.root, path)

    def texts(self, path: str) -> list[str]:
        return [
            (v.strip() if isinstance(v, str) else (v.text or "").strip())
            for v in self.root.xpath(path, namespaces=NS)
        ]

    @property
    def lines(self) -> list[SaleLineXml]:
        return [SaleLineXml(n) for n in self.root.xpath("|".join(LINE_TAGS), namespaces=NS)]

    def line(self, index: int) -> SaleLineXml:
        """The line at ``index`` (0-based, as in the JSON body)."""
        return self.lines[index]

    @property
    def total_impuestos(self) -> str | None:
        return self.text("cac:TaxTotal/cbc:TaxAmount")

    @property
    def subtotals(self) -> dict[str, tuple[str | None, str]]:
        """Document TaxSubtotals: tributo -> (TaxableAmount, TaxAmount)."""
        return _subtotals(self.root.xpath("cac:TaxTotal", namespaces=NS)[0])

    @property
    def monetary(self) -> dict[str, str]:
        """LegalMonetaryTotal (RequestedMonetaryTotal of a nota de débito): local name -> amount."""
        block = self.root.xpath("|".join(MONETARY_TAGS), namespaces=NS)[0]
        return {etree.QName(child).localname: (child.text or "").strip() for child in block}

    @property
    def legends(self) -> dict[str, str]:
        """cbc:Note with a catalog 52 code -> its text."""
        return {
            note.get("languageLocaleID"): (note.text or "").strip()
            for note in self.root.xpath("cbc:Note[@languageLocaleID]", namespaces=NS)
        }

    @property
    def payment_terms(self) -> list[Terms]:
        return [
            Terms(
                _first(node, "cbc:ID") or "",
                _first(node, "cbc:PaymentMeansID"),
                _first(node, "cbc:PaymentPercent"),
                _first(node, "cbc:Amount"),
                _first(node, "cbc:PaymentDueDate"),
            )
            for node in self.root.xpath("cac:PaymentTerms", namespaces=NS)
        ]

    def forma_pago(self) -> list[Terms]:
        return [t for t in self.payment_terms if t.id == "FormaPago"]

    @property
    def allowances(self) -> list[Allowance]:
        return _allowances(self.root)

    def rows(self, path: str, *fields: str) -> list[tuple[str | None, ...]]:
        """For each element at ``path``, the text of each of its ``fields``."""
        return _rows(self.root, path, fields)
