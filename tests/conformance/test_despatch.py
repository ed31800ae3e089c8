"""Guías de remisión end to end, one case per kind of transfer: domain document → native rules →
UBL → signature (python-xmlsec verifies it) → SUNAT's XSD → SUNAT's SFS stylesheets
(``ValidaExprRegGreRemitente-2.0.1`` / ``ValidaExprRegGreTransportista-2.0.1``), then the data
read back from the signed XML. Bad inputs are refused by the native rules with SUNAT's code and
the path of the field. Issue dates are today's Lima date.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta
from decimal import Decimal

import pytest

from corpus import today_lima
from despatch_pipeline import issue, rejection
from yupana.domain.despatch import (
    TRANSPORTE_SUBCONTRATADO,
    VEHICULO_M1L,
    Carrier,
    Container,
    DespatchDocument,
    DespatchLine,
    Driver,
    LineAttribute,
    Port,
    RelatedDocument,
    SpecialAuthorization,
    TransferPoint,
    Vehicle,
)
from yupana.domain.party import Company, Customer
from yupana.validation.sfs import SfsValidator

TODAY = today_lima()
TOMORROW = TODAY + timedelta(days=1)
ISSUER = Company("20123456786", "EMPRESA DE PRUEBAS S.A.C.", "PRUEBAS")
CLIENTE = Customer("6", "20601234565", "CLIENTE EJEMPLO S.A.C.")
TRANSPORTES = Carrier("20100070970", "TRANSPORTES RAPIDOS S.A.C.", "15123456CNG")
PARTIDA = TransferPoint("150101", "AV. LOS OLIVOS 123, LIMA")
LLEGADA = TransferPoint("040101", "CALLE MERCADERES 456, AREQUIPA")
CHOFER = Driver("1", "44004400", "ROBERTO", "RODRIGUEZ VALENCIA", "Q44004400")
LINES = [
    DespatchLine("CEMENTO PORTLAND TIPO I X 42.5 KG", Decimal("40"), "BG", codigo="CEM-01"),
    DespatchLine(
        "FIERRO CORRUGADO 1/2 PULGADA", Decimal("25.5"), "KGM", codigo="FIE-12", codigo_sunat="30102402"
    ),
]


@pytest.fixture(scope="module")
def sfs(sfs_rules) -> SfsValidator:
    return SfsValidator(sfs_rules)


def guia(correlativo: int, **fields: object) -> DespatchDocument:
    base: dict[str, object] = {
        "tipo_documento": "09",
        "serie": "T001",
        "correlativo": correlativo,
        "fecha_emision": TODAY,
        "hora_emision": time(9, 30),
        "issuer": ISSUER,
        "destinatario": CLIENTE,
        "lines": list(LINES),
        "motivo_traslado": "01",
        "peso_bruto": Decimal("1725.5"),
        "partida": PARTIDA,
        "llegada": LLEGADA,
    }
    base.update(fields)
    return DespatchDocument(**base)  # type: ignore[arg-type]


def publico(correlativo: int = 1, **fields: object) -> DespatchDocument:
    values: dict[str, object] = {
        "modalidad": "01",
        "transportista": TRANSPORTES,
        "fecha_entrega_transportista": TODAY,
        "fecha_inicio_traslado": TOMORROW,
    }
    values.update(fields)
    return guia(correlativo, **values)


def privado(correlativo: int = 2, **fields: object) -> DespatchDocument:
    values: dict[str, object] = {
        "modalidad": "02",
        "fecha_inicio_traslado": TODAY,
        "vehiculo": Vehicle("ABC123"),
        "conductor": CHOFER,
    }
    values.update(fields)
    return guia(correlativo, **values)


# -- guía remitente (09) --------------------------------------------------------------------------


def test_public_transport(test_signer, sfs):
    doc = publico(numero_bultos=42, observaciones=["Entregar en horario de oficina"])
    issued = issue(doc, test_signer, sfs)
    assert issued.text("cbc:ID") == "T001-1"
    assert issued.text("cbc:DespatchAdviceTypeCode") == "09"
    assert issued.text("cac:Shipment/cbc:HandlingCode") == "01"
    assert issued.text("cac:Shipment/cac:ShipmentStage/cbc:TransportModeCode") == "01"
    stage = "cac:Shipment/cac:ShipmentStage/cac:CarrierParty/"
    assert issued.text(stage + "cac:PartyIdentification/cbc:ID") == "20100070970"
    assert issued.attribute(stage + "cac:PartyIdentification/cbc:ID", "schemeID") == "6"
    assert issued.text(stage + "cac:PartyLegalEntity/cbc:CompanyID") == "15123456CNG"
    event = "cac:Shipment/cac:ShipmentStage/cac:LoadingTransportEvent/cbc:OccurrenceDate"
    assert issued.text(event) == TODAY.isoformat()
    assert (
        issued.text("cac:Shipment/cac:ShipmentStage/cac:TransitPeriod/cbc:StartDate") == TOMORROW.isoformat()
    )
    # 1725.5 kg written with SUNAT's three decimals; 42 bultos.
    assert issued.text("cac:Shipment/cbc:GrossWeightMeasure") == "1725.500"
    assert issued.attribute("cac:Shipment/cbc:GrossWeightMeasure", "unitCode") == "KGM"
    assert issued.text("cac:Shipment/cbc:TotalTransportHandlingUnitQuantity") == "42"
    # A public transfer by a carrier writes neither vehicle nor driver.
    assert issued.count("cac:Shipment/cac:TransportHandlingUnit") == 0
    assert issued.count("cac:Shipment/cac:ShipmentStage/cac:DriverPerson") == 0
    assert issued.texts("cac:DespatchLine/cbc:DeliveredQuantity") == ["40", "25.5"]
    assert issued.texts("cac:DespatchLine/cac:OrderLineReference/cbc:LineID") == ["1", "2"]
    assert issued.text("cac:Shipment/cac:Delivery/cac:DeliveryAddress/cbc:ID") == "040101"
    assert issued.text("cac:Shipment/cac:Delivery/cac:Despatch/cac:DespatchAddress/cbc:ID") == "150101"
    assert issued.warnings == [] and issued.sfs_warnings == []


def test_private_transport_with_vehicle_and_driver(test_signer, sfs):
    doc = privado(vehiculos_secundarios=[Vehicle("ABI456")])
    issued = issue(doc, test_signer, sfs)
    equipment = "cac:Shipment/cac:TransportHandlingUnit/cac:TransportEquipment/"
    assert issued.text(equipment + "cbc:ID") == "ABC123"
    assert issued.texts(equipment + "cac:AttachedTransportEquipment/cbc:ID") == ["ABI456"]
    driver = "cac:Shipment/cac:ShipmentStage/cac:DriverPerson/"
    assert issued.text(driver + "cbc:JobTitle") == "Principal"
    assert issued.text(driver + "cbc:ID") == "44004400"
    assert issued.attribute(driver + "cbc:ID", "schemeID") == "1"
    assert issued.text(driver + "cbc:FirstName") == "ROBERTO"
    assert issued.text(driver + "cbc:FamilyName") == "RODRIGUEZ VALENCIA"
    assert issued.text(driver + "cac:IdentityDocumentReference/cbc:ID") == "Q44004400"
    assert issued.count("cac:Shipment/cac:ShipmentStage/cac:CarrierParty") == 0
    assert issued.warnings == [] and issued.sfs_warnings == []


def test_m1l_vehicle_needs_no_vehicle_nor_driver(test_signer, sfs):
    doc = guia(
        3, modalidad="02", indicadores=[VEHICULO_M1L], fecha_inicio_traslado=TODAY, peso_bruto=Decimal("8")
    )
    issued = issue(doc, test_signer, sfs)
    assert issued.texts("cac:Shipment/cbc:SpecialInstructions") == [VEHICULO_M1L]
    assert issued.count("cac:Shipment/cac:TransportHandlingUnit") == 0
    assert issued.count("cac:Shipment/cac:ShipmentStage/cac:DriverPerson") == 0
    assert issued.warnings == [] and issued.sfs_warnings == []


def test_between_establishments_of_the_same_company(test_signer, sfs):
    doc = privado(
        4,
        motivo_traslado="04",
        destinatario=Customer("6", ISSUER.ruc, ISSUER.razon_social),
        partida=TransferPoint("150101", "ALMACEN CENTRAL, AV. ARGENTINA 2050", ISSUER.ruc, "0001"),
        llegada=TransferPoint("040101", "TIENDA AREQUIPA, CALLE MERCADERES 456", ISSUER.ruc, "0002"),
    )
    issued = issue(doc, test_signer, sfs)
    partida = "cac:Shipment/cac:Delivery/cac:Despatch/cac:DespatchAddress/cbc:AddressTypeCode"
    llegada = "cac:Shipment/cac:Delivery/cac:DeliveryAddress/cbc:AddressTypeCode"
    assert issued.text(partida) == "0001" and issued.attribute(partida, "listID") == ISSUER.ruc
    assert issued.text(llegada) == "0002" and issued.attribute(llegada, "listID") == ISSUER.ruc
    assert issued.text("cac:DeliveryCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID") == ISSUER.ruc
    assert issued.warnings == [] and issued.sfs_warnings == []


def test_related_documents(test_signer, sfs):
    doc = publico(
        5,
        related=[
            RelatedDocument("01", "F001-120", ISSUER.ruc),
            RelatedDocument("01", "F001-121", ISSUER.ruc),
            RelatedDocument("03", "B001-77", ISSUER.ruc),
        ],
    )
    issued = issue(doc, test_signer, sfs)
    assert issued.texts("cac:AdditionalDocumentReference/cbc:ID") == ["F001-120", "F001-121", "B001-77"]
    assert issued.texts("cac:AdditionalDocumentReference/cbc:DocumentTypeCode") == ["01", "01", "03"]
    assert issued.texts("cac:AdditionalDocumentReference/cbc:DocumentType") == [
        "Factura",
        "Factura",
        "Boleta de Venta",
    ]
    issuers = issued.texts("cac:AdditionalDocumentReference/cac:IssuerParty/cac:PartyIdentification/cbc:ID")
    assert issuers == [ISSUER.ruc] * 3
    assert issued.warnings == [] and issued.sfs_warnings == []


def test_bien_normalizado_with_constancia(test_signer, sfs):
    """Sugar (partida 1701130000, catalog 62; product 50161509, catalog 62A) under the IVAP
    constancia de depósito (49)."""
    line = DespatchLine(
        "AZUCAR RUBIA DE CAÑA X 50 KG",
        Decimal("100"),
        "BG",
        codigo_sunat="50161509",
        atributos=[LineAttribute("7020", "1701130000"), LineAttribute("7022", "1")],
    )
    doc = privado(6, lines=[line], related=[RelatedDocument("49", "12345678")])
    issued = issue(doc, test_signer, sfs)
    props = "cac:DespatchLine/cac:Item/cac:AdditionalItemProperty/"
    assert issued.texts(props + "cbc:NameCode") == ["7020", "7022"]
    assert issued.texts(props + "cbc:Name") == ["Partida arancelaria", "Indicador de bien normalizado"]
    assert issued.texts(props + "cbc:Value") == ["1701130000", "1"]
    assert (
        issued.text("cac:DespatchLine/cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode")
        == "50161509"
    )
    assert issued.warnings == [] and issued.sfs_warnings == []


def test_export_with_dam_port_and_container(test_signer, sfs):
    """Exportación (09) of part of a DAM through the port of Callao: the DAM numbers each line
    (7021, 7023), the weight of the items moved and why it differs, a container with its seal."""
    dam = "118-2026-40-123456"
    line = DespatchLine(
        "ESPARRAGOS FRESCOS EN CAJAS",
        Decimal("800"),
        "KG",  # customs units (catalog 65) for goods under a DAM
        atributos=[LineAttribute("7021", dam), LineAttribute("7023", "1")],
    )
    doc = privado(
        7,
        motivo_traslado="09",
        destinatario=Customer("0", "US778812", "GLOBAL FRESH IMPORTS LLC"),
        lines=[line],
        related=[RelatedDocument("50", dam)],
        peso_bruto=Decimal("950"),
        peso_items=Decimal("800"),
        sustento_peso="Pallets y cajas de madera",
        llegada=TransferPoint("070101", "TERMINAL PORTUARIO DEL CALLAO"),
        puerto=Port("CLL", "1"),
        contenedores=[Container("MSCU1234567", "SEAL778899")],
    )
    issued = issue(doc, test_signer, sfs)
    assert issued.text("cac:Shipment/cac:FirstArrivalPortLocation/cbc:ID") == "CLL"
    assert issued.text("cac:Shipment/cac:FirstArrivalPortLocation/cbc:LocationTypeCode") == "1"
    assert issued.text("cac:Shipment/cac:FirstArrivalPortLocation/cbc:Name") == "Callao"
    assert issued.text("cac:Shipment/cbc:NetWeightMeasure") == "800.000"
    package = "cac:Shipment/cac:TransportHandlingUnit/cac:Package/"
    assert issued.text(package + "cbc:ID") == "MSCU1234567"
    assert issued.text(package + "cbc:TraceID") == "SEAL778899"
    assert issued.warnings == [] and issued.sfs_warnings == []


# -- guía transportista (31) ----------------------------------------------------------------------


def transportista(correlativo: int = 1, **fields: object) -> DespatchDocument:
    base: dict[str, object] = {
        "tipo_documento": "31",
        "serie": "V001",
        "correlativo": correlativo,
        "fecha_emision": TODAY,
        "hora_emision": time(7, 45),
        "issuer": ISSUER,
        "destinatario": Customer("1", "45678912", "MARIA QUISPE ROJAS"),
        "remitente": Customer("6", "20601234565", "DISTRIBUIDORA DEL SUR S.A.C."),
        "lines": [DespatchLine("ENCOMIENDAS EN CAJAS SELLADAS", Decimal("8"), "BX")],
        "registro_mtc": "15123456CNG",
        "pagador_flete": "Remitente",
        "peso_bruto": Decimal("120.5"),
        "fecha_inicio_traslado": TODAY,
        "vehiculo": Vehicle("ABC123", "15M24000001E"),
        "conductor": CHOFER,
        "partida": PARTIDA,
        "llegada": LLEGADA,
    }
    base.update(fields)
    return DespatchDocument(**base)  # type: ignore[arg-type]


def test_transportista_with_shipper_secondary_vehicles_and_drivers(test_signer, sfs):
    mtc = SpecialAuthorization("06", "RD-0458-2025-MTC")
    doc = transportista(
        vehiculos_secundarios=[Vehicle("XYZ987", "15M24000002E"), Vehicle("TRL456", "15M24000003E")],
        conductores_secundarios=[
            Driver("1", "40000001", "PEDRO", "GOMEZ RUIZ", "Q40000001"),
            Driver("4", "001234567", "LUIS", "TORRES DIAZ", "Q001234567"),
        ],
        autorizacion=mtc,
        pagador_flete="Tercero",
        tercero_pagador=Customer("6", "20100070970", "IMPORTADORA DEL PACIFICO S.A."),
        subcontratador=Customer("6", "20100047218", "TRANSPORTES ASOCIADOS S.A."),
        related=[RelatedDocument("01", "F001-1", "20601234565")],
    )
    issued = issue(doc, test_signer, sfs)
    assert issued.text("cbc:ID") == "V001-1"
    assert issued.text("cbc:DespatchAdviceTypeCode") == "31"
    # A guía transportista carries no motivo nor modalidad.
    assert issued.count("cac:Shipment/cbc:HandlingCode") == 0
    assert issued.count("cac:Shipment/cac:ShipmentStage/cbc:TransportModeCode") == 0
    shipper = "cac:Shipment/cac:Delivery/cac:Despatch/cac:DespatchParty/"
    assert issued.text(shipper + "cac:PartyIdentification/cbc:ID") == "20601234565"
    assert (
        issued.text(shipper + "cac:PartyLegalEntity/cbc:RegistrationName") == "DISTRIBUIDORA DEL SUR S.A.C."
    )
    carrier = "cac:Shipment/cac:ShipmentStage/cac:CarrierParty/"
    assert issued.text(carrier + "cac:PartyLegalEntity/cbc:CompanyID") == "15123456CNG"
    assert issued.text(carrier + "cac:AgentParty/cac:PartyLegalEntity/cbc:CompanyID") == "RD-0458-2025-MTC"
    equipment = "cac:Shipment/cac:TransportHandlingUnit/cac:TransportEquipment/"
    assert issued.texts(equipment + "cac:AttachedTransportEquipment/cbc:ID") == ["XYZ987", "TRL456"]
    assert issued.texts(
        equipment
        + "cac:AttachedTransportEquipment/cac:ApplicableTransportMeans/cbc:RegistrationNationalityID"
    ) == ["15M24000002E", "15M24000003E"]
    drivers = "cac:Shipment/cac:ShipmentStage/cac:DriverPerson/"
    assert issued.texts(drivers + "cbc:JobTitle") == ["Principal", "Secundario", "Secundario"]
    assert issued.texts(drivers + "cac:IdentityDocumentReference/cbc:ID") == [
        "Q44004400",
        "Q40000001",
        "Q001234567",
    ]
    assert issued.texts("cac:Shipment/cbc:SpecialInstructions") == [
        "SUNAT_Envio_IndicadorPagadorFlete_Tercero",
        TRANSPORTE_SUBCONTRATADO,
    ]
    assert (
        issued.text("cac:OriginatorCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID") == "20100070970"
    )
    operator = "cac:Shipment/cac:Consignment/cac:LogisticsOperatorParty/cac:PartyIdentification/cbc:ID"
    assert issued.text(operator) == "20100047218"
    assert issued.warnings == [] and issued.sfs_warnings == []


def test_transportista_citing_the_remitente_guia(test_signer, sfs):
    """A 31 that carries goods described by the remitente's electronic guía: SUNAT wants no
    goods detail (4434), only an anotación; the guía's issuer is the remitente (3381)."""
    doc = transportista(
        2,
        lines=[],
        anotacion="Bienes detallados en la guía del remitente T001-98",
        related=[RelatedDocument("09", "T001-98", "20601234565")],
    )
    issued = issue(doc, test_signer, sfs)
    assert issued.texts("cac:DespatchLine/cbc:ID") == ["1"]
    assert issued.count("cac:DespatchLine/cbc:DeliveredQuantity") == 0
    assert issued.text("cac:DespatchLine/cac:Item/cbc:Description").startswith("Bienes detallados")
    assert issued.warnings == [] and issued.sfs_warnings == []


# -- refused --------------------------------------------------------------------------------------


def test_without_weight():
    assert ("2880", "peso_bruto") in rejection(publico(peso_bruto=None))


def test_weight_must_be_positive_with_three_decimals():
    assert ("2523", "peso_bruto") in rejection(publico(peso_bruto=Decimal("0")))
    assert ("2523", "peso_bruto") in rejection(publico(peso_bruto=Decimal("1.2345")))


def test_without_partida_and_llegada():
    found = rejection(publico(partida=None, llegada=None))
    for expected in (
        ("2775", "partida.ubigeo"),
        ("2577", "partida.direccion"),
        ("2775", "llegada.ubigeo"),
        ("2574", "llegada.direccion"),
    ):
        assert expected in found


def test_unknown_ubigeo():
    assert ("3363", "partida.ubigeo") in rejection(publico(partida=TransferPoint("159999", "AV. X 123")))
    assert ("2776", "llegada.ubigeo") in rejection(publico(llegada=TransferPoint("15010", "AV. X 123")))


def test_private_transport_without_vehicle_or_driver():
    found = rejection(privado(vehiculo=None, conductor=None))
    assert ("2566", "vehiculo") in found
    assert ("3357", "conductor") in found


def test_public_transport_without_carrier():
    assert ("2558", "transportista") in rejection(publico(transportista=None))


def test_same_company_needs_the_issuers_establishments():
    doc = privado(
        motivo_traslado="04",
        destinatario=Customer("6", ISSUER.ruc, ISSUER.razon_social),
        partida=TransferPoint("150101", "ALMACEN CENTRAL", "20100070970", "0001"),
        llegada=TransferPoint("040101", "TIENDA AREQUIPA"),
    )
    found = rejection(doc)
    assert ("3414", "partida.ruc") in found
    assert ("3369", "llegada.codigo_establecimiento") in found


def test_start_before_issue():
    doc = privado(fecha_inicio_traslado=TODAY - timedelta(days=1))
    assert ("3343", "fecha_inicio_traslado") in rejection(doc)


def test_serie_letters():
    assert ("1001", "serie") in rejection(publico(serie="F001"))
    assert ("1001", "serie") in rejection(transportista(serie="T001"))


def test_document_not_allowed_for_the_motivo():
    doc = publico(related=[RelatedDocument("50", "118-2026-10-123")])
    assert ("3445", "related[0].tipo_documento") in rejection(doc)


def test_transportista_without_shipper_or_driver():
    found = rejection(transportista(remitente=None, conductor=None, vehiculo=None))
    assert ("3383", "remitente") in found
    assert ("3357", "conductor") in found
    assert ("2566", "vehiculo") in found


def test_refusals_are_sunat_refusals(test_signer, sfs):
    """The documents refused above are refused by SUNAT's stylesheet too, with the same code."""
    from lxml import etree

    from yupana.ubl.despatch import build_despatch
    from yupana.ubl.namespaces import SIGNATURE_ID

    for doc, code in (
        (publico(peso_bruto=None), "2880"),
        (privado(vehiculo=None, conductor=None), "2566"),
        (publico(transportista=None), "2558"),
        (replace(publico(), partida=TransferPoint("159999", "AV. X 123")), "3363"),
    ):
        root = build_despatch(doc)
        test_signer.sign(root, SIGNATURE_ID)
        verdict = sfs.check(
            etree.tostring(root, xml_declaration=True, encoding="UTF-8"), f"{doc.file_stem}.xml"
        )
        assert verdict.problems.errors and verdict.problems.errors[-1].code == code
