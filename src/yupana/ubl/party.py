"""Parties of a document: the signature block, the issuer, the customer, and their addresses.

An issuer's signature block and party are the same in all its documents, and customers repeat:
both are built once per distinct party (by value) and pasted into each document.
"""

from __future__ import annotations

from functools import lru_cache

from yupana.domain.party import Address, Company, Customer
from yupana.ubl import code_lists
from yupana.ubl.code_lists import Attributes
from yupana.ubl.namespaces import CAC, CBC, SIGNATURE_ID
from yupana.ubl.nodes import Element, code, has_text, paste, remembered, sub, template_holder, text

AddressKey = tuple[str | None, ...]
_ISSUERS: dict[tuple[object, ...], tuple[Element, Element]] = {}
_CUSTOMERS: dict[tuple[object, ...], Element] = {}

# Establishment code of the domicilio fiscal, written when the issuer's address names none
# (SUNAT requires cbc:AddressTypeCode for the issuer, code 3030).
DOMICILIO_FISCAL = "0000"
_SIGNATURE_URI = "#" + SIGNATURE_ID


@lru_cache(maxsize=64)
def identity(tipo_documento: str) -> Attributes:
    """Attributes of a party identifier of catalog 06 type ``tipo_documento``."""
    return (("schemeID", tipo_documento), *code_lists.IDENTITY)


def _address_key(value: Address | None) -> AddressKey | None:
    if value is None:
        return None
    return (
        value.direccion,
        value.ubigeo,
        value.departamento,
        value.provincia,
        value.distrito,
        value.urbanizacion,
        value.codigo_pais,
        value.codigo_establecimiento,
    )


def build_signature(parent: Element, issuer: Company) -> Element:
    """``cac:Signature``: who signs and where the XMLDSig signature is (``#SignatureSP``)."""
    block = sub(parent, CAC.Signature)
    code(block, CBC.ID, SIGNATURE_ID)
    signatory = sub(block, CAC.SignatoryParty)
    code(sub(signatory, CAC.PartyIdentification), CBC.ID, issuer.ruc)
    text(sub(signatory, CAC.PartyName), CBC.Name, issuer.razon_social)
    reference = sub(sub(block, CAC.DigitalSignatureAttachment), CAC.ExternalReference)
    code(reference, CBC.URI, _SIGNATURE_URI)
    return block


def address(parent: Element, tag: str, value: Address, establishment: str | None = None) -> Element:
    """A UBL address: ubigeo, establishment code, urbanización, province, department, district,
    street line and country, each only when given."""
    element = sub(parent, tag)
    if value.ubigeo:
        code(element, CBC.ID, value.ubigeo, code_lists.UBIGEO)
    if establishment:
        code(element, CBC.AddressTypeCode, establishment, code_lists.ESTABLISHMENT)
    if has_text(value.urbanizacion):
        text(element, CBC.CitySubdivisionName, value.urbanizacion)
    if has_text(value.provincia):
        text(element, CBC.CityName, value.provincia)
    if has_text(value.departamento):
        text(element, CBC.CountrySubentity, value.departamento)
    if has_text(value.distrito):
        text(element, CBC.District, value.distrito)
    if has_text(value.direccion):
        text(sub(element, CAC.AddressLine), CBC.Line, value.direccion)
    if value.codigo_pais:
        code(sub(element, CAC.Country), CBC.IdentificationCode, value.codigo_pais, code_lists.COUNTRY)
    return element


def _contact(party: Element, telefono: str | None, email: str | None) -> None:
    if not (has_text(telefono) or has_text(email)):
        return
    contact = sub(party, CAC.Contact)
    if has_text(telefono):
        text(contact, CBC.Telephone, telefono)
    if has_text(email):
        text(contact, CBC.ElectronicMail, email)


def build_supplier(parent: Element, issuer: Company) -> Element:
    """``cac:AccountingSupplierParty``: RUC, trade name, legal name, registered address (with the
    establishment code) and contact."""
    block = sub(parent, CAC.AccountingSupplierParty)
    party = sub(block, CAC.Party)
    code(sub(party, CAC.PartyIdentification), CBC.ID, issuer.ruc, identity("6"))
    if has_text(issuer.nombre_comercial):
        text(sub(party, CAC.PartyName), CBC.Name, issuer.nombre_comercial)
    legal = sub(party, CAC.PartyLegalEntity)
    text(legal, CBC.RegistrationName, issuer.razon_social)
    where = issuer.address
    address(legal, CAC.RegistrationAddress, where, where.codigo_establecimiento or DOMICILIO_FISCAL)
    _contact(party, issuer.telefono, issuer.email)
    return block


def build_customer(parent: Element, buyer: Customer) -> Element:
    """``cac:AccountingCustomerParty``: identity document, name, address and contact."""
    block = sub(parent, CAC.AccountingCustomerParty)
    party = sub(block, CAC.Party)
    code(sub(party, CAC.PartyIdentification), CBC.ID, buyer.numero_documento, identity(buyer.tipo_documento))
    legal = sub(party, CAC.PartyLegalEntity)
    text(legal, CBC.RegistrationName, buyer.razon_social)
    if buyer.address is not None:
        address(legal, CAC.RegistrationAddress, buyer.address, buyer.address.codigo_establecimiento)
    _contact(party, buyer.telefono, buyer.email)
    return block


def issuer_key(issuer: Company) -> tuple[object, ...]:
    """What the issuer's blocks are written from: issuers with equal keys get equal blocks."""
    return (
        issuer.ruc,
        issuer.razon_social,
        issuer.nombre_comercial,
        issuer.email,
        issuer.telefono,
        _address_key(issuer.address),
    )


def customer_key(buyer: Customer) -> tuple[object, ...]:
    """What the customer's block is written from: customers with equal keys get equal blocks."""
    return (
        buyer.tipo_documento,
        buyer.numero_documento,
        buyer.razon_social,
        buyer.email,
        buyer.telefono,
        _address_key(buyer.address),
    )


def _issuer_templates(issuer: Company) -> tuple[Element, Element]:
    key = issuer_key(issuer)

    def build() -> tuple[Element, Element]:
        holder = template_holder()
        return build_signature(holder, issuer), build_supplier(holder, issuer)

    return remembered(_ISSUERS, key, build, 256)


def signature(parent: Element, issuer: Company) -> Element:
    """The issuer's ``cac:Signature`` block (see :func:`build_signature`)."""
    return paste(parent, _issuer_templates(issuer)[0])


def supplier(parent: Element, issuer: Company) -> Element:
    """The issuer's ``cac:AccountingSupplierParty`` (see :func:`build_supplier`)."""
    return paste(parent, _issuer_templates(issuer)[1])


def customer(parent: Element, buyer: Customer) -> Element:
    """The customer's ``cac:AccountingCustomerParty`` (see :func:`build_customer`)."""
    block = customer_block(buyer)
    parent.append(block)
    return block


def customer_block(buyer: Customer) -> Element:
    """:func:`customer`'s block, not yet placed in a document."""
    key = customer_key(buyer)
    return remembered(_CUSTOMERS, key, lambda: build_customer(template_holder(), buyer)).__copy__()
