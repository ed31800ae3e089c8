"""Blocks shared by the documents an agente de retención or percepción issues: SUNAT's UBL 2.0
``Retention`` (20) and ``Perception`` (40).

Both start like every SUNAT document (an empty ``ext:ExtensionContent`` for the signature, then
``cbc:UBLVersionID`` 2.0 and ``cbc:CustomizationID`` 1.0, and the ``cac:Signature`` block), name
the issuer in ``cac:AgentParty`` and the proveedor or cliente in ``cac:ReceiverParty``, and list
the related documents with one ``cac:Payment`` and one ``cac:ExchangeRate`` each.

Addresses are UBL 2.0 ``cac:PostalAddress``: ubigeo (``cbc:ID``), ``cbc:StreetName``,
``cbc:CitySubdivisionName`` (urbanización), ``cbc:CityName`` (provincia),
``cbc:CountrySubentity`` (departamento), ``cbc:District`` and the country, each only when given.

``build_agent_document`` writes either document through its ``UblFamily`` (the root, the tags
that name retention or perception, and the domain names of ``domain.agent_documents``).

Element order is the XSD's: extensions, versions, ``cac:Signature``, ``cbc:ID``, dates,
``cac:AgentParty``, ``cac:ReceiverParty``, régimen and rate, ``cbc:Note``, the totals
(``cbc:TotalInvoiceAmount`` retained or perceived, ``cbc:PayableRoundingAmount``, the total paid
or cashed), then one document reference per payment. SUNAT's schema holds a single
``cac:Payment`` per reference, so a document paid several times is written once per payment
(same ``cbc:ID``, its own número de pago and amounts). A nota de crédito (07) is written alone,
with no payment. The exchange rate is written for documents in another currency than soles.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from lxml import etree

from yupana.domain.agent_documents import AgentFamily
from yupana.domain.exchange_rate import PEN, ExchangeRate, payment_rate
from yupana.domain.party import Address, Company
from yupana.domain.problems import InvalidDocument
from yupana.domain.receiver import Receiver
from yupana.ubl import formats, party
from yupana.ubl.namespaces import CAC, CAC_NS, CBC, CBC_NS, DS_NS, EXT, EXT_NS, SAC, SAC_NS
from yupana.ubl.nodes import Element, amount, code, has_text, required, sub, text

UBL_VERSION: Final = "2.0"
CUSTOMIZATION_VERSION: Final = "1.0"
RUC: Final = "6"
_RATE_PLACES: Final = Decimal("0.000001")  # CalculationRate is n(4,6)


def nsmap(default: str) -> dict[str | None, str]:
    """Namespace declarations of a UBL 2.0 root whose own namespace is ``default``, in C14N's
    order (the default namespace, then by prefix)."""
    return {None: default, "cac": CAC_NS, "cbc": CBC_NS, "ds": DS_NS, "ext": EXT_NS, "sac": SAC_NS}


def document_root(namespace: str, local_name: str) -> Element:
    """The root with the empty extension for the signer, the UBL and customization versions."""
    root = etree.Element(f"{{{namespace}}}{local_name}", nsmap=nsmap(namespace))
    sub(sub(sub(root, EXT.UBLExtensions), EXT.UBLExtension), EXT.ExtensionContent)
    code(root, CBC.UBLVersionID, UBL_VERSION)
    code(root, CBC.CustomizationID, CUSTOMIZATION_VERSION)
    return root


def postal_address(parent: Element, value: Address) -> Element | None:
    """``cac:PostalAddress`` of a party; nothing when the address holds nothing."""
    filled = [
        value.ubigeo,
        value.direccion,
        value.urbanizacion,
        value.provincia,
        value.departamento,
        value.distrito,
    ]
    if not any(has_text(part) for part in filled):
        return None
    block = sub(parent, CAC.PostalAddress)
    if has_text(value.ubigeo):
        code(block, CBC.ID, value.ubigeo.strip())
    if has_text(value.direccion):
        text(block, CBC.StreetName, value.direccion)
    if has_text(value.urbanizacion):
        text(block, CBC.CitySubdivisionName, value.urbanizacion)
    if has_text(value.provincia):
        text(block, CBC.CityName, value.provincia)
    if has_text(value.departamento):
        text(block, CBC.CountrySubentity, value.departamento)
    if has_text(value.distrito):
        text(block, CBC.District, value.distrito)
    if has_text(value.codigo_pais):
        code(sub(block, CAC.Country), CBC.IdentificationCode, value.codigo_pais.strip())
    return block


def _party(
    parent: Element,
    tag: str,
    tipo_documento: str,
    numero_documento: str,
    razon_social: str,
    nombre_comercial: str | None,
    address: Address | None,
) -> Element:
    block = sub(parent, tag)
    identifier = code(sub(block, CAC.PartyIdentification), CBC.ID, numero_documento)
    identifier.set("schemeID", tipo_documento)
    if has_text(nombre_comercial):
        text(sub(block, CAC.PartyName), CBC.Name, nombre_comercial)
    if address is not None:
        postal_address(block, address)
    text(sub(block, CAC.PartyLegalEntity), CBC.RegistrationName, razon_social)
    return block


def agent_party(parent: Element, issuer: Company) -> Element:
    """``cac:AgentParty``: the agente de retención or percepción, by RUC."""
    return _party(
        parent, CAC.AgentParty, RUC, issuer.ruc, issuer.razon_social, issuer.nombre_comercial, issuer.address
    )


def receiver_party(parent: Element, receiver: Receiver) -> Element:
    """``cac:ReceiverParty``: the proveedor (retention) or cliente (perception)."""
    return _party(
        parent,
        CAC.ReceiverParty,
        receiver.tipo_documento,
        receiver.numero_documento,
        receiver.razon_social,
        receiver.nombre_comercial,
        receiver.address,
    )


def signature(parent: Element, issuer: Company) -> Element:
    """The ``cac:Signature`` block pointing at the signer's ``ds:Signature``."""
    return party.build_signature(parent, issuer)


def related_id(parent: Element, tipo_documento: str, numero: str) -> Element:
    """``cbc:ID`` of a related document, its catalog 01 type in ``@schemeID``."""
    element = code(parent, CBC.ID, numero)
    element.set("schemeID", tipo_documento)
    return element


def payment(parent: Element, numero: int, importe: Decimal, moneda: str, fecha_pago: str) -> Element:
    """``cac:Payment``: número de pago, amount (in the related document's currency) and date."""
    block = sub(parent, CAC.Payment)
    code(block, CBC.ID, str(numero))
    amount(block, CBC.PaidAmount, importe, moneda)
    code(block, CBC.PaidDate, fecha_pago)
    return block


def calculation_rate(factor: Decimal) -> str:
    """A tipo de cambio as SUNAT writes it: up to six decimals (``n(4,6)``)."""
    if factor.as_tuple().exponent < -6:  # type: ignore[operator]
        factor = factor.quantize(_RATE_PLACES, rounding=ROUND_HALF_UP)
    return formats.quantity(factor)


def exchange_rate(parent: Element, rate: ExchangeRate) -> Element:
    """``cac:ExchangeRate``: soles per unit of the related document's currency, on a date (a
    rate completed by ``domain.exchange_rate.payment_rate``)."""
    block = sub(parent, CAC.ExchangeRate)
    code(block, CBC.SourceCurrencyCode, rate.moneda_origen or "")
    code(block, CBC.TargetCurrencyCode, rate.moneda_destino or PEN)
    code(block, CBC.CalculationRate, calculation_rate(rate.factor))
    if rate.fecha is not None:
        code(block, CBC.Date, formats.day(rate.fecha))
    return block


def soles(parent: Element, tag: str, value: Decimal) -> Element:
    """An amount in soles (every total and retained or perceived amount is in PEN)."""
    return amount(parent, tag, value, PEN)


@dataclass(frozen=True, slots=True)
class UblFamily:
    """One document's UBL: its root and the ``sac:SUNAT<Kind>...`` tags that name it."""

    family: AgentFamily
    namespace: str
    root: str  # "Retention" / "Perception"
    regime_name: str  # "retención" / "percepción", in the message for a régimen without rate
    total_net: str  # sac:SUNATTotalPaid / sac:SUNATTotalCashed
    net_total: str  # sac:SUNATNetTotalPaid / sac:SUNATNetTotalCashed (per payment)

    def tag(self, suffix: str) -> str:
        """``sac:SUNAT<Root><suffix>``: SystemCode, Percent, DocumentReference, Information..."""
        return getattr(SAC, f"SUNAT{self.root}{suffix}")


def build_agent_document(ubl: UblFamily, doc: Any) -> Element:
    """The UBL tree of a document whose amounts are complete (``calc.payment_amounts``). Raises
    ``InvalidDocument`` naming the first amount the XML needs and the document lacks."""
    family = ubl.family
    if doc.tasa is None:
        raise InvalidDocument.single(
            f"régimen de {ubl.regime_name} {doc.regimen!r} has no rate: give 'tasa'",
            "regimen",
            family.regime_code,
        )
    root = document_root(ubl.namespace, ubl.root)
    signature(root, doc.issuer)
    code(root, CBC.ID, doc.numero)
    code(root, CBC.IssueDate, formats.day(doc.fecha_emision))
    if doc.hora_emision is not None:
        code(root, CBC.IssueTime, formats.clock(doc.hora_emision))
    agent_party(root, doc.issuer)
    receiver_party(root, getattr(doc, family.receiver))
    code(root, ubl.tag("SystemCode"), doc.regimen)
    code(root, ubl.tag("Percent"), formats.rate(doc.tasa))
    if has_text(doc.observaciones):
        text(root, CBC.Note, doc.observaciones)
    totals = doc.totals
    amount_name, net_name = family.amount_name, family.net_name
    soles(root, CBC.TotalInvoiceAmount, required(getattr(totals, amount_name), f"totals.{amount_name}"))
    if totals.redondeo:
        soles(root, CBC.PayableRoundingAmount, totals.redondeo)
    soles(root, ubl.total_net, required(getattr(totals, net_name), f"totals.{net_name}"))
    for index, related in enumerate(doc.documents):
        path = f"documents[{index}]"
        if not related.payments:
            _reference(ubl, root, related)
        for position, each in enumerate(related.payments):
            _information(ubl, _reference(ubl, root, related), related, each, f"{path}.payments[{position}]")
    return root


def _reference(ubl: UblFamily, root: Element, related: Any) -> Element:
    reference = sub(root, ubl.tag("DocumentReference"))
    related_id(reference, related.tipo_documento, related.numero)
    code(reference, CBC.IssueDate, formats.day(related.fecha_emision))
    amount(reference, CBC.TotalInvoiceAmount, related.importe_total, related.moneda)
    return reference


def _information(ubl: UblFamily, reference: Element, related: Any, paid: Any, path: str) -> None:
    family = ubl.family
    paid_on = formats.day(paid.fecha)
    numero = paid.numero
    if numero is None:
        raise InvalidDocument.single(f"{path}.numero is missing: complete the document first", path)
    payment(reference, numero, paid.importe, paid.moneda or related.moneda, paid_on)
    information = sub(reference, ubl.tag("Information"))
    amount_name, net_name, date_name = family.amount_name, family.net_name, family.date_name
    soles(information, ubl.tag("Amount"), required(getattr(paid, amount_name), f"{path}.{amount_name}"))
    on = getattr(paid, date_name) or getattr(related, date_name) or paid.fecha
    code(information, ubl.tag("Date"), formats.day(on))
    soles(information, ubl.net_total, required(getattr(paid, net_name), f"{path}.{net_name}"))
    rate = payment_rate(related.moneda, paid.tipo_cambio, related.tipo_cambio, paid.fecha)
    if rate is not None:
        exchange_rate(information, rate)
