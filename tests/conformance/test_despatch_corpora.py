"""The guías of the dialect corpora, replayed the way a caller sends them today (``corpus.py``:
dates moved to today, made-up RUCs given their check digit): Greenter's demo cases and the
lycet fork's 09 and 31 (Lycet's JSON), Facturador PRO's ``/api/dispatches`` and
``/api/dispatch-carrier`` bodies. Each goes parser → native rules → UBL → signature (python-xmlsec)
→ SUNAT's XSD → SUNAT's SFS stylesheet.

Where Greenter's own XML is wrong (checked below on the XML Greenter built for the same cases):
its public-transport guías carry no "fecha de entrega de bienes al transportista"
(``cac:LoadingTransportEvent``), which SUNAT's stylesheet has required since 2025 (3617); its
"misma empresa" case names a destinatario and establishments of RUC 20123456789 under a
remitente 20161515648 (2554: between establishments the destinatario is the remitente).
"""

from __future__ import annotations

import copy

import pytest

from corpus import load_fixture
from despatch_pipeline import issue
from paths import FIXTURES
from yupana.dialects.facturadorpro.despatch import parse_dispatch, path_translator
from yupana.dialects.greenter.despatch import parse_despatch, translate_path
from yupana.domain.party import Company
from yupana.domain.problems import InvalidDocument
from yupana.validation.despatch import validate_despatch
from yupana.validation.sfs import SfsValidator

GREENTER = FIXTURES / "greenter-lycet"
DEMO = GREENTER / "greenter-demo-json"
PRO = FIXTURES / "facturadorpro" / "gre"


@pytest.fixture(scope="module")
def sfs(sfs_rules) -> SfsValidator:
    return SfsValidator(sfs_rules)


def greenter(name: str) -> dict:
    path = DEMO / name if (DEMO / name).exists() else GREENTER / "lycet-fork" / name
    body = load_fixture(path, "fechaEmision")
    assert isinstance(body, dict)
    return body


# Greenter case -> the observations SUNAT makes (its stylesheet and Yupana's rules alike).
GREENTER_CASES = {
    "guia-remision.json": set(),
    "guia-transportePrivado.json": set(),
    "guia-transporteM1L.json": set(),
    "guia-extra-atributos.json": set(),
    "despatch.json": set(),
    # The fork's 31 names no MTC registration, no TUCE and no payer of the freight.
    "despatch-carrier.json": {"4388", "4391", "4399"},
}


@pytest.mark.parametrize("name", sorted(GREENTER_CASES))
def test_greenter_cases(name, test_signer, sfs):
    body = greenter(name)
    doc = parse_despatch(body, None)
    issued = issue(doc, test_signer, sfs)
    assert issued.warning_codes == GREENTER_CASES[name]
    assert issued.sfs_codes == GREENTER_CASES[name]
    assert issued.text("cbc:ID") == f"{body['serie']}-{body['correlativo']}"
    assert issued.count("cac:DespatchLine") == len(body["details"])


def test_greenter_public_transport_gets_its_delivery_date(test_signer, sfs):
    body = greenter("guia-remision.json")
    issued = issue(parse_despatch(body, None), test_signer, sfs)
    moved = body["envio"]["fecTraslado"][:10]
    assert issued.text("cac:Shipment/cac:ShipmentStage/cac:LoadingTransportEvent/cbc:OccurrenceDate") == moved
    assert (
        issued.text("cac:Shipment/cac:ShipmentStage/cac:CarrierParty/cac:PartyLegalEntity/cbc:CompanyID")
        == "0001"
    )


def test_greenter_secondary_vehicle_and_driver(test_signer, sfs):
    issued = issue(parse_despatch(greenter("guia-transportePrivado.json"), None), test_signer, sfs)
    equipment = "cac:Shipment/cac:TransportHandlingUnit/cac:TransportEquipment/"
    assert issued.text(equipment + "cbc:ID") == "ABC123"
    assert issued.texts(equipment + "cac:AttachedTransportEquipment/cbc:ID") == ["ABI456"]
    driver = "cac:Shipment/cac:ShipmentStage/cac:DriverPerson/"
    assert issued.texts(driver + "cac:IdentityDocumentReference/cbc:ID") == ["0001122020"]


def test_greenter_carrier_guia_names_the_shipper(test_signer, sfs):
    body = greenter("despatch-carrier.json")
    issued = issue(parse_despatch(body, None), test_signer, sfs)
    shipper = "cac:Shipment/cac:Delivery/cac:Despatch/cac:DespatchParty/cac:PartyIdentification/cbc:ID"
    assert issued.text(shipper) == body["remitente"]["numDoc"]
    assert issued.text("cac:Shipment/cbc:GrossWeightMeasure") == "120.500"


def test_greenter_same_company_case_is_refused_as_sunat_does(test_signer, sfs):
    """Greenter's example is inconsistent (see the module notes): refused with the Lycet paths;
    with the remitente's RUC on the destinatario and the establishments it is issued."""
    body = greenter("guia-misma-empresa.json")
    doc = parse_despatch(body, None)
    errors = {(p.code, translate_path(p.path, body)) for p in validate_despatch(doc).errors}
    assert errors == {
        ("2554", "destinatario.numDoc"),
        ("3414", "envio.partida.ruc"),
        ("3414", "envio.llegada.ruc"),
    }
    fixed = copy.deepcopy(body)
    owner = fixed["destinatario"]["numDoc"]
    fixed["company"]["ruc"] = owner
    issued = issue(parse_despatch(fixed, None), test_signer, sfs)
    llegada = "cac:Shipment/cac:Delivery/cac:DeliveryAddress/cbc:AddressTypeCode"
    assert issued.text(llegada) == "00002"
    assert issued.attribute(llegada, "listID") == owner


def test_greenter_own_xml_verdicts(sfs):
    """What SUNAT's stylesheet says of the XML Greenter built for these cases."""
    verdicts = {}
    for path in sorted((GREENTER / "greenter-demo-xml").glob("guia-*.signed.xml")):
        verdict = sfs.check(path.read_bytes())
        verdicts[path.name.split(".")[0]] = {p.code for p in verdict.problems.errors}
    assert verdicts == {
        "guia-extra-atributos": {"3617"},
        "guia-misma-empresa": {"2554"},
        "guia-remision": {"3617"},
        "guia-transporteM1L": set(),
        "guia-transportePrivado": set(),
    }


# Facturador PRO: the tenant issuing each body (the company is not in the body).
DEMO_ISSUER = Company("20123456786", "EMPRESA DE PRUEBAS S.A.C.")
OTHER_ISSUER = Company("20601234565", "COMERCIAL ANDINA S.A.C.")
PRO_CASES = {
    "gre_remitente_transporte_publico.json": (OTHER_ISSUER, set()),
    # Motivo 04: the destinatario (the corpus's 20123456786) is the issuer.
    "gre_remitente_transporte_privado_CONSTRUCTED.json": (DEMO_ISSUER, set()),
    # No MTC number for the carrier, no TUCE for the secondary vehicle.
    "gre_transportista_CONSTRUCTED.json": (OTHER_ISSUER, {"4391", "4399"}),
}


def pro(name: str) -> dict:
    body = load_fixture(PRO / name, "fecha_de_emision", number=7)
    assert isinstance(body, dict)
    return body


@pytest.mark.parametrize("name", sorted(PRO_CASES))
def test_facturadorpro_bodies(name, test_signer, sfs):
    issuer, observed = PRO_CASES[name]
    body = pro(name)
    doc = parse_dispatch(body, issuer)
    issued = issue(doc, test_signer, sfs)
    assert issued.warning_codes == observed
    assert issued.sfs_codes == observed
    assert issued.text("cbc:ID") == f"{body['serie_documento']}-7"
    assert issued.texts("cac:DespatchLine/cac:Item/cbc:Description") == [
        i["descripcion"] for i in body["items"]
    ]


def test_facturadorpro_paths_of_observations():
    body = pro("gre_transportista_CONSTRUCTED.json")
    doc = parse_dispatch(body, OTHER_ISSUER)
    translate = path_translator(body)
    paths = {translate(p.path) for p in validate_despatch(doc).warnings}
    assert paths == {"numero_mtc", "vehiculo_secundario[0].certificado_habilitacion_vehicular"}


def test_facturadorpro_same_company_establishments(test_signer, sfs):
    body = pro("gre_remitente_transporte_privado_CONSTRUCTED.json")
    issued = issue(parse_dispatch(body, DEMO_ISSUER), test_signer, sfs)
    partida = "cac:Shipment/cac:Delivery/cac:Despatch/cac:DespatchAddress/cbc:AddressTypeCode"
    llegada = "cac:Shipment/cac:Delivery/cac:DeliveryAddress/cbc:AddressTypeCode"
    assert (issued.text(partida), issued.attribute(partida, "listID")) == ("0000", DEMO_ISSUER.ruc)
    assert (issued.text(llegada), issued.attribute(llegada, "listID")) == ("0001", DEMO_ISSUER.ruc)
    driver = "cac:Shipment/cac:ShipmentStage/cac:DriverPerson/"
    assert (issued.text(driver + "cbc:FirstName"), issued.text(driver + "cbc:FamilyName")) == (
        "JUAN",
        "PEREZ GARCIA",
    )


def test_facturadorpro_public_transport_with_the_issuer_as_carrier_is_refused():
    """The body's carrier (the corpus's 20123456786) cannot be the remitente itself (2560)."""
    body = pro("gre_remitente_transporte_publico.json")
    doc = parse_dispatch(body, DEMO_ISSUER)
    translate = path_translator(body)
    errors = {(p.code, translate(p.path)) for p in validate_despatch(doc).errors}
    assert ("2560", "transportista.numero_documento") in errors
    assert ("2555", "datos_del_cliente_o_receptor.numero_documento") in errors
    with pytest.raises(InvalidDocument):
        validate_despatch(doc).raise_if_errors()
