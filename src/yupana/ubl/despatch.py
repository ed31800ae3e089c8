"""Guías de remisión as SUNAT UBL 2.1 ``DespatchAdvice`` (customization 2.0, SUNAT's 2022
format): remitente (09) and transportista (31).

The root's first child is ``ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent``, left
empty for the signer, which puts the ``ds:Signature`` (Id ``SignatureSP``) there; the
``cac:Signature`` block points at it.

Where SUNAT's GRE stylesheets read each datum:

- remitente (09) or transportista (31): ``cac:DespatchSupplierParty``; destinatario:
  ``cac:DeliveryCustomerParty``; comprador (09, motivos 03/13): ``cac:BuyerCustomerParty``;
  proveedor (09, motivos 02/07/13): ``cac:SellerSupplierParty``; tercero pagador del flete
  (31): ``cac:OriginatorCustomerParty``; remitente of a 31: ``cac:Shipment/cac:Delivery/
  cac:Despatch/cac:DespatchParty``; subcontratador (31): ``cac:Shipment/cac:Consignment/
  cac:LogisticsOperatorParty``;
- motivo (09): ``cbc:HandlingCode`` and ``cbc:HandlingInstructions``; weights, number of
  packages and indicators (``cbc:SpecialInstructions``) on ``cac:Shipment``;
- ``cac:ShipmentStage``: modalidad (09), fecha de inicio (``cac:TransitPeriod/cbc:StartDate``),
  transportista (09 público) or the issuer's MTC registration (31) in ``cac:CarrierParty``,
  fecha de entrega al transportista (``cac:LoadingTransportEvent/cbc:OccurrenceDate``),
  drivers (``cac:DriverPerson``, ``cbc:JobTitle`` Principal / Secundario);
- punto de llegada ``cac:Delivery/cac:DeliveryAddress``, de partida ``cac:Delivery/
  cac:Despatch/cac:DespatchAddress``, each with ``cbc:AddressTypeCode`` (código de
  establecimiento, the owner's RUC in ``@listID``) when given;
- vehicles: ``cac:TransportHandlingUnit/cac:TransportEquipment`` (principal) and its
  ``cac:AttachedTransportEquipment`` (secundarios); containers: ``cac:TransportHandlingUnit/
  cac:Package``; port or airport: ``cac:FirstArrivalPortLocation``.

Only elements that carry data are written; element order follows the XSD sequences.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from lxml import etree

from yupana.domain import catalogs
from yupana.domain.despatch import (
    DESPATCH_TYPES,
    Carrier,
    Container,
    DespatchDocument,
    DespatchLine,
    Driver,
    Port,
    RelatedDocument,
    SpecialAuthorization,
    TransferPoint,
    Vehicle,
    annotation_is_line_zero,
)
from yupana.domain.party import Company, Customer
from yupana.domain.problems import InvalidDocument
from yupana.ubl import code_lists, despatch_lists, formats, party
from yupana.ubl.namespaces import CAC, CBC, CUSTOMIZATION_VERSION, EXT, UBL_VERSION, nsmap
from yupana.ubl.nodes import Element, code, has_text, paste, remembered, sub, template_holder, text

DESPATCH_NS: Final = "urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2"
ROOT_TAG: Final = f"{{{DESPATCH_NS}}}DespatchAdvice"
SHIPMENT_ID: Final = "SUNAT_Envio"
PRINCIPAL, SECUNDARIO = "Principal", "Secundario"
_GTIN = {8: "GTIN-8", 12: "GTIN-12", 13: "GTIN-13", 14: "GTIN-14"}
_WEIGHT_PLACES = Decimal("0.001")
_DEGREES: Final = (("unitCode", "DD"),)
_ROOTS: dict[str, Element] = {}
_SUPPLIERS: dict[tuple[str, str], Element] = {}


def weight(value: Decimal) -> str:
    """A weight with up to three decimals (SUNAT's n(12,3)), trailing zeros kept to three."""
    return format(value.quantize(_WEIGHT_PLACES, ROUND_HALF_UP), "f")


def _root_template() -> Element:
    root = etree.Element(ROOT_TAG, nsmap=nsmap(DESPATCH_NS))
    sub(sub(sub(root, EXT.UBLExtensions), EXT.UBLExtension), EXT.ExtensionContent)
    code(root, CBC.UBLVersionID, UBL_VERSION)
    code(root, CBC.CustomizationID, CUSTOMIZATION_VERSION, code_lists.CUSTOMIZATION)
    return root


# -- parties -------------------------------------------------------------------------------------


def _identified(holder: Element, tipo: str, numero: str, nombre: str) -> Element:
    """A party's identity document (catalog 06) and legal name, written into ``holder``."""
    code(sub(holder, CAC.PartyIdentification), CBC.ID, numero, party.identity(tipo))
    text(sub(holder, CAC.PartyLegalEntity), CBC.RegistrationName, nombre)
    return holder


def _party(parent: Element, tag: str, tipo: str, numero: str, nombre: str) -> Element:
    """``tag/cac:Party``: identity document and legal name."""
    block = sub(parent, tag)
    _identified(sub(block, CAC.Party), tipo, numero, nombre)
    return block


def _customer_party(parent: Element, tag: str, who: Customer) -> Element:
    return _party(parent, tag, who.tipo_documento, who.numero_documento, who.razon_social)


def _supplier(parent: Element, issuer: Company) -> Element:
    """``cac:DespatchSupplierParty``: the issuer, by RUC, with its legal name."""
    key = (issuer.ruc, issuer.razon_social)
    template = remembered(
        _SUPPLIERS,
        key,
        lambda: _party(template_holder(), CAC.DespatchSupplierParty, "6", issuer.ruc, issuer.razon_social),
        256,
    )
    return paste(parent, template)


def _authorization_party(parent: Element, value: SpecialAuthorization) -> Element:
    """``cac:AgentParty/cac:PartyLegalEntity/cbc:CompanyID``: a special authorisation."""
    agent = sub(parent, CAC.AgentParty)
    legal = sub(agent, CAC.PartyLegalEntity)
    code(legal, CBC.CompanyID, formats.clean(value.numero), despatch_lists.authorization(value.entidad))
    return agent


# -- header ---------------------------------------------------------------------------------------


def _header(root: Element, doc: DespatchDocument) -> None:
    code(root, CBC.ID, doc.numero)
    code(root, CBC.IssueDate, formats.day(doc.fecha_emision))
    if doc.hora_emision is not None:
        code(root, CBC.IssueTime, formats.clock(doc.hora_emision))
    code(root, CBC.DespatchAdviceTypeCode, doc.tipo_documento, code_lists.DOCUMENT_TYPE)
    for observacion in doc.observaciones:
        if has_text(observacion):
            text(root, CBC.Note, observacion)


def _related(root: Element, documents: Sequence[RelatedDocument]) -> None:
    """One ``cac:AdditionalDocumentReference`` per related document (catalog 61), with the name
    of its type and the RUC of its issuer."""
    for document in documents:
        block = sub(root, CAC.AdditionalDocumentReference)
        code(block, CBC.ID, formats.clean(document.numero))
        code(block, CBC.DocumentTypeCode, document.tipo_documento, despatch_lists.RELATED_DOCUMENT)
        name = document.descripcion or catalogs.description("61", document.tipo_documento)
        if has_text(name):
            text(block, CBC.DocumentType, name)
        if has_text(document.emisor_ruc):
            issuer = sub(sub(block, CAC.IssuerParty), CAC.PartyIdentification)
            code(issuer, CBC.ID, document.emisor_ruc, party.identity("6"))


def _parties(root: Element, doc: DespatchDocument) -> None:
    party.signature(root, doc.issuer)
    _supplier(root, doc.issuer)
    _customer_party(root, CAC.DeliveryCustomerParty, doc.destinatario)
    if doc.comprador is not None:
        _customer_party(root, CAC.BuyerCustomerParty, doc.comprador)
    if doc.proveedor is not None:
        _customer_party(root, CAC.SellerSupplierParty, doc.proveedor)
    if doc.tercero_pagador is not None:
        _customer_party(root, CAC.OriginatorCustomerParty, doc.tercero_pagador)


# -- shipment -------------------------------------------------------------------------------------


def _shipment(root: Element, doc: DespatchDocument) -> None:
    shipment = sub(root, CAC.Shipment)
    code(shipment, CBC.ID, SHIPMENT_ID)
    if doc.motivo_traslado and not doc.is_transportista:
        code(shipment, CBC.HandlingCode, doc.motivo_traslado, despatch_lists.MOTIVO_TRASLADO)
        if has_text(doc.descripcion_motivo):
            text(shipment, CBC.HandlingInstructions, doc.descripcion_motivo)
    if has_text(doc.sustento_peso):
        text(shipment, CBC.Information, doc.sustento_peso)
    if doc.peso_bruto is not None:
        code(shipment, CBC.GrossWeightMeasure, weight(doc.peso_bruto), (("unitCode", doc.unidad_peso),))
    if doc.peso_items is not None:
        code(shipment, CBC.NetWeightMeasure, weight(doc.peso_items), (("unitCode", "KGM"),))
    if doc.numero_bultos is not None:
        code(shipment, CBC.TotalTransportHandlingUnitQuantity, str(doc.numero_bultos))
    for indicador in doc.special_instructions:
        code(shipment, CBC.SpecialInstructions, indicador)
    if doc.subcontratador is not None:
        consignment = sub(shipment, CAC.Consignment)
        code(consignment, CBC.ID, SHIPMENT_ID)
        who = doc.subcontratador
        operator = sub(consignment, CAC.LogisticsOperatorParty)
        _identified(operator, who.tipo_documento, who.numero_documento, who.razon_social)
    _stage(shipment, doc)
    _delivery(shipment, doc)
    _handling_unit(shipment, doc.vehiculo, doc.vehiculos_secundarios, doc.contenedores)
    if doc.puerto is not None:
        _port(shipment, doc.puerto)


def _stage(shipment: Element, doc: DespatchDocument) -> None:
    stage = sub(shipment, CAC.ShipmentStage)
    if doc.modalidad and not doc.is_transportista:
        code(stage, CBC.TransportModeCode, doc.modalidad, despatch_lists.MODALIDAD)
    if doc.fecha_inicio_traslado is not None:
        code(sub(stage, CAC.TransitPeriod), CBC.StartDate, formats.day(doc.fecha_inicio_traslado))
    if doc.is_transportista:
        if has_text(doc.registro_mtc) or doc.autorizacion is not None:
            carrier = sub(stage, CAC.CarrierParty)
            if has_text(doc.registro_mtc):
                code(sub(carrier, CAC.PartyLegalEntity), CBC.CompanyID, formats.clean(doc.registro_mtc))
            if doc.autorizacion is not None:
                _authorization_party(carrier, doc.autorizacion)
    elif doc.transportista is not None:
        _carrier(stage, doc.transportista)
    if doc.fecha_entrega_transportista is not None and not doc.is_transportista:
        event = sub(stage, CAC.LoadingTransportEvent)
        code(event, CBC.OccurrenceDate, formats.day(doc.fecha_entrega_transportista))
    if doc.conductor is not None:
        _driver(stage, doc.conductor, PRINCIPAL)
    for driver in doc.conductores_secundarios:
        _driver(stage, driver, SECUNDARIO)
    if len(stage) == 0:
        shipment.remove(stage)


def _carrier(stage: Element, carrier: Carrier) -> None:
    block = sub(stage, CAC.CarrierParty)
    code(sub(block, CAC.PartyIdentification), CBC.ID, carrier.ruc, party.identity("6"))
    legal = sub(block, CAC.PartyLegalEntity)
    text(legal, CBC.RegistrationName, carrier.razon_social)
    if has_text(carrier.registro_mtc):
        code(legal, CBC.CompanyID, formats.clean(carrier.registro_mtc))
    if carrier.autorizacion is not None:
        _authorization_party(block, carrier.autorizacion)


def _driver(stage: Element, driver: Driver, role: str) -> None:
    person = sub(stage, CAC.DriverPerson)
    code(person, CBC.ID, driver.numero_documento, party.identity(driver.tipo_documento))
    text(person, CBC.FirstName, driver.nombres)
    text(person, CBC.FamilyName, driver.apellidos)
    code(person, CBC.JobTitle, role)
    code(sub(person, CAC.IdentityDocumentReference), CBC.ID, formats.clean(driver.licencia))


def _address(parent: Element, tag: str, point: TransferPoint) -> Element:
    element = sub(parent, tag)
    code(element, CBC.ID, point.ubigeo, code_lists.UBIGEO)
    if has_text(point.codigo_establecimiento):
        attributes = despatch_lists.establishment(point.ruc) if has_text(point.ruc) else ()
        code(element, CBC.AddressTypeCode, point.codigo_establecimiento, attributes)
    text(sub(element, CAC.AddressLine), CBC.Line, point.direccion)
    if point.latitud is not None and point.longitud is not None:
        coordinate = sub(element, CAC.LocationCoordinate)
        code(coordinate, CBC.LatitudeDegreesMeasure, format(point.latitud, "f"), _DEGREES)
        code(coordinate, CBC.LongitudeDegreesMeasure, format(point.longitud, "f"), _DEGREES)
    return element


def _delivery(shipment: Element, doc: DespatchDocument) -> None:
    delivery = sub(shipment, CAC.Delivery)
    if doc.llegada is not None:
        _address(delivery, CAC.DeliveryAddress, doc.llegada)
    despatch = sub(delivery, CAC.Despatch)
    if doc.partida is not None:
        _address(despatch, CAC.DespatchAddress, doc.partida)
    if doc.is_transportista and doc.remitente is not None:
        who = doc.remitente
        _identified(
            sub(despatch, CAC.DespatchParty), who.tipo_documento, who.numero_documento, who.razon_social
        )
    elif doc.autorizacion_remitente is not None and not doc.is_transportista:
        _authorization_party(sub(despatch, CAC.DespatchParty), doc.autorizacion_remitente)
    if len(despatch) == 0:
        delivery.remove(despatch)
    if len(delivery) == 0:
        shipment.remove(delivery)


def _transport_means(parent: Element, tuce: str | None) -> None:
    if has_text(tuce):
        means = sub(parent, CAC.ApplicableTransportMeans)
        code(means, CBC.RegistrationNationalityID, formats.clean(tuce))


def _vehicle_authorization(parent: Element, value: SpecialAuthorization | None) -> None:
    if value is not None:
        reference = sub(parent, CAC.ShipmentDocumentReference)
        code(reference, CBC.ID, formats.clean(value.numero), despatch_lists.authorization(value.entidad))


def _handling_unit(
    shipment: Element, vehicle: Vehicle | None, secondary: Sequence[Vehicle], containers: Sequence[Container]
) -> None:
    if vehicle is None and not secondary and not containers:
        return
    unit = sub(shipment, CAC.TransportHandlingUnit)
    if vehicle is not None or secondary:
        equipment = sub(unit, CAC.TransportEquipment)
        if vehicle is not None:
            code(equipment, CBC.ID, formats.clean(vehicle.placa))
            _transport_means(equipment, vehicle.tuce)
        for other in secondary:
            attached = sub(equipment, CAC.AttachedTransportEquipment)
            code(attached, CBC.ID, formats.clean(other.placa))
            _transport_means(attached, other.tuce)
            _vehicle_authorization(attached, other.autorizacion)
        if vehicle is not None:
            _vehicle_authorization(equipment, vehicle.autorizacion)
    for container in containers:
        package = sub(unit, CAC.Package)
        code(package, CBC.ID, formats.clean(container.numero))
        if has_text(container.precinto):
            code(package, CBC.TraceID, formats.clean(container.precinto))


def _port(shipment: Element, port: Port) -> None:
    location = sub(shipment, CAC.FirstArrivalPortLocation)
    code(location, CBC.ID, port.codigo, despatch_lists.PORT.get(port.tipo, ()))
    code(location, CBC.LocationTypeCode, port.tipo)
    name = port.nombre or catalogs.description("63" if port.tipo == "1" else "64", port.codigo)
    if has_text(name):
        text(location, CBC.Name, name)


# -- lines ----------------------------------------------------------------------------------------


LineShape = tuple[str, bool, str | None, bool]
_LINE_SHAPES: dict[LineShape, Element] = {}


def _line_template(shape: LineShape) -> Element:
    """A ``cac:DespatchLine`` with every element and attribute of its shape and no text: the
    unit, whether it has a seller's code, the GTIN scheme (``""`` for a GTIN of another length,
    ``None`` for none) and whether it has a SUNAT product code."""
    unidad, has_code, gtin, has_sunat = shape
    block = sub(template_holder(), CAC.DespatchLine)
    sub(block, CBC.ID)
    code(block, CBC.DeliveredQuantity, "", _unit(unidad))
    sub(sub(block, CAC.OrderLineReference), CBC.LineID)
    item = sub(block, CAC.Item)
    sub(item, CBC.Description)
    if has_code:
        sub(sub(item, CAC.SellersItemIdentification), CBC.ID)
    if gtin is not None:
        code(sub(item, CAC.StandardItemIdentification), CBC.ID, "", (("schemeID", gtin),) if gtin else ())
    if has_sunat:
        classification = sub(item, CAC.CommodityClassification)
        code(classification, CBC.ItemClassificationCode, "", code_lists.ITEM_CLASSIFICATION)
    return block


def _line(root: Element, index: int, line: DespatchLine) -> None:
    """One ``cac:DespatchLine``: a copy of the template of its shape, filled in (lines of one
    guía mostly share a shape, so each costs one C-level copy and a few texts)."""
    has_code = has_text(line.codigo)
    gtin = _GTIN.get(len(line.codigo_gs1), "") if has_text(line.codigo_gs1) else None
    has_sunat = has_text(line.codigo_sunat)
    shape = (line.unidad, has_code, gtin, has_sunat)
    template = _LINE_SHAPES.get(shape)
    if template is None:
        template = remembered(_LINE_SHAPES, shape, lambda: _line_template(shape))
    block = template.__copy__()
    root.append(block)
    number = str(index)
    block[0].text = number
    block[1].text = formats.quantity(line.cantidad)
    block[2][0].text = number
    item = block[3]
    item[0].text = formats.clean(line.descripcion)
    position = 1
    if has_code:
        item[position][0].text = formats.clean(line.codigo or "")
        position += 1
    if gtin is not None:
        item[position][0].text = formats.clean(line.codigo_gs1 or "")
        position += 1
    if has_sunat:
        item[position][0].text = formats.clean(line.codigo_sunat or "")
    for attribute in line.atributos:
        prop = sub(item, CAC.AdditionalItemProperty)
        name = attribute.nombre or catalogs.description("55", attribute.codigo) or attribute.codigo
        text(prop, CBC.Name, name)
        code(prop, CBC.NameCode, attribute.codigo, despatch_lists.ITEM_PROPERTY)
        text(prop, CBC.Value, attribute.valor)


def _annotation(root: Element, index: int, annotation: str) -> None:
    """A line that only describes the goods (no quantity), numbered 0 where SUNAT allows it."""
    block = sub(root, CAC.DespatchLine)
    number = str(index)
    code(block, CBC.ID, number)
    code(sub(block, CAC.OrderLineReference), CBC.LineID, number)
    text(sub(block, CAC.Item), CBC.Description, annotation)


_UNITS: dict[str, tuple[tuple[str, str], ...]] = {}


def _unit(unidad: str) -> tuple[tuple[str, str], ...]:
    found = _UNITS.get(unidad)
    if found is None:
        found = remembered(_UNITS, unidad, lambda: (("unitCode", unidad), *code_lists.UNIT))
    return found


# -- document -------------------------------------------------------------------------------------


def build_despatch(doc: DespatchDocument) -> Element:
    """The UBL tree of a guía de remisión remitente (09) or transportista (31).

    A guía transportista's ``anotacion`` is written as a line without quantity: line 0 where
    SUNAT allows it (:func:`~yupana.domain.despatch.annotation_is_line_zero`), else after the
    goods.

    Raises :class:`~yupana.domain.problems.InvalidDocument` when the document type is not a
    guía or the document has neither lines nor anotación (UBL requires one
    ``cac:DespatchLine`` at least).
    """
    if doc.tipo_documento not in DESPATCH_TYPES:
        raise InvalidDocument.single(
            f"tipo de documento {doc.tipo_documento!r} is not a guía de remisión (09 or 31)",
            "tipo_documento",
            "1051",
        )
    if not doc.lines and not has_text(doc.anotacion):
        raise InvalidDocument.single("a guía de remisión needs at least one line", "lines", "3435")
    root = remembered(_ROOTS, ROOT_TAG, _root_template).__copy__()
    _header(root, doc)
    _related(root, doc.related)
    _parties(root, doc)
    _shipment(root, doc)
    annotation = doc.anotacion if has_text(doc.anotacion) else None
    if annotation is not None and annotation_is_line_zero(doc):
        _annotation(root, 0, annotation)
        annotation = None
    for index, line in enumerate(doc.lines, start=1):
        _line(root, index, line)
    if annotation is not None:
        _annotation(root, len(doc.lines) + 1, annotation)
    return root
