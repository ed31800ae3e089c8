"""Native rules of guías de remisión (``validate_despatch``): each SUNAT GRE rule with its code
and the domain path of the field. The conformance tests check that SUNAT's stylesheets agree."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from despatch_cases import CHOFER, CLIENTE, ISSUER, LINE, OTHER, TODAY, carrier_guia, guia, publico
from yupana.domain.despatch import (
    RETORNO_VEHICULO_VACIO,
    TRANSBORDO_PROGRAMADO,
    TRASLADO_TOTAL,
    TRASLADO_TOTAL_DAM_DS,
    VEHICULO_CONDUCTORES_TRANSPORTISTA,
    VEHICULO_M1L,
    Carrier,
    Container,
    DespatchDocument,
    LineAttribute,
    Port,
    RelatedDocument,
    SpecialAuthorization,
    TransferPoint,
    Vehicle,
)
from yupana.domain.party import Company, Customer
from yupana.ubl.despatch import build_despatch
from yupana.validation.despatch import validate_despatch


def found(doc: DespatchDocument) -> set[tuple[str | None, str]]:
    return {(p.code, p.path) for p in validate_despatch(doc, today=TODAY).items}


def errors(doc: DespatchDocument) -> set[tuple[str | None, str]]:
    return {(p.code, p.path) for p in validate_despatch(doc, today=TODAY).errors}


def warnings(doc: DespatchDocument) -> set[tuple[str | None, str]]:
    return {(p.code, p.path) for p in validate_despatch(doc, today=TODAY).warnings}


def test_file_name_and_indicators_written():
    doc = carrier_guia(
        correlativo=45,
        indicadores=[TRANSBORDO_PROGRAMADO],
        pagador_flete="Tercero",
        subcontratador=Customer("6", OTHER, "TRANSPORTES S.A."),
    )
    assert doc.file_stem == "20123456786-31-V001-45"
    assert doc.numero == "V001-45"
    assert doc.special_instructions == [
        TRANSBORDO_PROGRAMADO,
        "SUNAT_Envio_IndicadorPagadorFlete_Tercero",
        "SUNAT_Envio_IndicadorTrasporteSubcontratado",
    ]


def test_the_bases_are_valid():
    assert found(guia()) == set()
    assert found(publico()) == set()
    assert found(carrier_guia()) == set()


# -- header ----------------------------------------------------------------------------------------


def test_unknown_type_stops_at_1051():
    assert found(guia(tipo_documento="01")) == {("1051", "tipo_documento")}


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        (guia(serie="V001"), "serie"),
        (guia(serie="T01"), "serie"),
        (carrier_guia(serie="T001"), "serie"),
        (guia(correlativo=0), "correlativo"),
        (guia(correlativo=100_000_000), "correlativo"),
    ],
)
def test_numbering(doc, path):
    assert ("1001", path) in errors(doc)


def test_issue_time_and_date():
    assert ("3437", "hora_emision") in errors(guia(hora_emision=None))
    assert ("2329", "fecha_emision") in errors(
        guia(fecha_emision=TODAY + timedelta(days=5), fecha_inicio_traslado=TODAY + timedelta(days=5))
    )


def test_issuer():
    assert ("2104", "issuer.ruc") in errors(guia(issuer=Company("20123456789", "X S.A.")))
    assert ("1037", "issuer.razon_social") in errors(guia(issuer=Company(ISSUER.ruc, " ")))


def test_observaciones_longer_than_250_are_observed():
    assert warnings(guia(observaciones=["x" * 251])) == {("4186", "observaciones[0]")}


# -- parties ---------------------------------------------------------------------------------------


def test_destinatario_format():
    assert ("2758", "destinatario.numero_documento") in errors(
        guia(destinatario=Customer("1", "1234", "JUAN"))
    )
    assert ("2760", "destinatario.tipo_documento") in errors(guia(destinatario=Customer("9", "1234", "JUAN")))
    assert ("2761", "destinatario.razon_social") in errors(guia(destinatario=Customer("6", OTHER, "")))


def test_destinatario_against_the_remitente_by_motivo():
    myself = Customer("6", ISSUER.ruc, ISSUER.razon_social)
    assert ("2555", "destinatario.numero_documento") in errors(guia(destinatario=myself))
    assert ("2554", "destinatario.numero_documento") in errors(guia(motivo_traslado="02"))
    assert ("3417", "destinatario.tipo_documento") in errors(
        guia(motivo_traslado="06", destinatario=Customer("1", "45678912", "JUAN"))
    )


def test_proveedor():
    myself = Customer("6", ISSUER.ruc, ISSUER.razon_social)
    compra = {"motivo_traslado": "02", "destinatario": myself}
    assert warnings(guia(**compra)) == {("4375", "proveedor")}
    assert ("4054", "proveedor") in warnings(guia(proveedor=CLIENTE))
    assert ("3447", "proveedor.tipo_documento") in errors(
        guia(motivo_traslado="07", destinatario=myself, proveedor=Customer("1", "45678912", "JUAN"))
    )
    assert ("3448", "proveedor.numero_documento") in errors(guia(**compra, proveedor=myself))
    invoiced = [RelatedDocument("01", "F001-1", OTHER)]
    doc = guia(**compra, proveedor=CLIENTE, related=invoiced)
    assert ("3442", "proveedor.numero_documento") in errors(doc)
    assert found(guia(**compra, proveedor=Customer("6", OTHER, "PROVEEDOR S.A."), related=invoiced)) == set()


def test_comprador():
    assert warnings(guia(motivo_traslado="03")) == {("4378", "comprador")}
    assert ("4377", "comprador") in warnings(guia(comprador=Customer("1", "45678912", "JUAN")))
    assert ("3334", "comprador.numero_documento") in errors(
        guia(motivo_traslado="03", comprador=Customer("6", ISSUER.ruc, "YO"))
    )
    assert ("3335", "comprador.numero_documento") in errors(guia(motivo_traslado="03", comprador=CLIENTE))


# -- related documents ------------------------------------------------------------------------------


def test_documents_each_motivo_admits():
    assert ("3445", "related[0].tipo_documento") in errors(
        guia(related=[RelatedDocument("50", "118-2026-10-1")])
    )
    assert ("3440", "related") in errors(guia(motivo_traslado="08"))
    assert ("3493", "related") in errors(guia(motivo_traslado="19"))
    both = [RelatedDocument("91", "01-118-1-2026-1"), RelatedDocument("92", "123")]
    assert ("3613", "related[1].tipo_documento") in errors(guia(motivo_traslado="19", related=both))
    mixed = [RelatedDocument("50", "118-2026-10-1"), RelatedDocument("91", "01-118-1-2026-1")]
    assert ("3463", "related[1].tipo_documento") in errors(guia(motivo_traslado="19", related=mixed))


def test_each_related_document():
    for related, expected in (
        ([RelatedDocument("31", "V001-1", OTHER)], ("2692", "related[0].tipo_documento")),
        ([RelatedDocument("01", "X001-1", ISSUER.ruc)], ("3441", "related[0].numero")),
        ([RelatedDocument("01", "F001-0", ISSUER.ruc)], ("3441", "related[0].numero")),
        ([RelatedDocument("01", "F001-1")], ("3380", "related[0].emisor_ruc")),
        ([RelatedDocument("01", "F001-1", OTHER)], ("3381", "related[0].emisor_ruc")),
        ([RelatedDocument("01", "F001-1", "123")], ("3409", "related[0].emisor_ruc")),
        ([RelatedDocument("01", "F001-1", ISSUER.ruc)] * 2, ("3340", "related[1].numero")),
    ):
        assert expected in errors(guia(related=related)), related


def test_constancia_needs_a_partida_arancelaria():
    doc = guia(related=[RelatedDocument("49", "12345")])
    assert ("3352", "lines") in errors(doc)
    with_partida = replace(LINE, atributos=[LineAttribute("7020", "1701130000")])
    assert found(replace(doc, lines=[with_partida])) == set()


def test_guia_transportista_counts_its_documents():
    two = [
        RelatedDocument("01", "F001-1", CLIENTE.numero_documento),
        RelatedDocument("01", "F001-2", CLIENTE.numero_documento),
    ]
    assert ("3346", "related") in errors(carrier_guia(related=two))
    permit = [RelatedDocument("69", "PERMISO-1"), *two]
    assert ("3345", "related") in errors(carrier_guia(related=permit))
    electronic = [
        RelatedDocument("09", "T001-1", CLIENTE.numero_documento),
        RelatedDocument("09", "T001-2", OTHER),
    ]
    assert errors(carrier_guia(related=electronic, lines=[], anotacion="Ver guías del remitente")) == {
        ("3381", "related[1].emisor_ruc")
    }


# -- parties of a guía transportista ----------------------------------------------------------------


def test_guia_transportista_parties():
    assert ("3383", "remitente") in errors(carrier_guia(remitente=None))
    assert ("2560", "remitente.numero_documento") in errors(
        carrier_guia(remitente=Customer("6", ISSUER.ruc, "YO"))
    )
    assert warnings(carrier_guia(pagador_flete=None)) == {("4388", "pagador_flete")}
    assert ("4402", "tercero_pagador") in warnings(carrier_guia(pagador_flete="Tercero"))
    assert ("3388", "pagador_flete") in errors(carrier_guia(pagador_flete="Cliente"))
    assert ("3391", "subcontratador.tipo_documento") in errors(
        carrier_guia(subcontratador=Customer("1", "45678912", "X"))
    )
    assert ("3390", "subcontratador.numero_documento") in errors(
        carrier_guia(subcontratador=Customer("6", ISSUER.ruc, "YO"))
    )


# -- weights and indicators -------------------------------------------------------------------------


def test_weights():
    assert found(guia(peso_bruto=Decimal("1.5"), unidad_peso="TNE")) == set()
    assert ("2523", "unidad_peso") in errors(guia(unidad_peso="LBR"))
    assert ("2523", "peso_bruto") in errors(guia(peso_bruto=Decimal("-1")))
    assert ("3395", "peso_items") in errors(guia(peso_items=Decimal("5")))
    assert ("3489", "numero_bultos") in errors(guia(numero_bultos=-1))


def test_indicators():
    assert ("3388", "indicadores[0]") in errors(guia(indicadores=["SUNAT_Envio_IndicadorInventado"]))
    assert ("3344", "indicadores[1]") in errors(guia(indicadores=[RETORNO_VEHICULO_VACIO] * 2))
    assert ("3392", "indicadores[0]") in errors(guia(indicadores=[TRASLADO_TOTAL_DAM_DS]))
    assert ("3450", "indicadores[0]") in errors(guia(indicadores=[VEHICULO_CONDUCTORES_TRANSPORTISTA]))
    vct = VEHICULO_CONDUCTORES_TRANSPORTISTA
    assert ("3451", "indicadores[1]") in errors(publico(indicadores=[VEHICULO_M1L, vct]))
    assert ("3615", "indicadores[1]") in errors(publico(indicadores=[TRANSBORDO_PROGRAMADO, vct]))
    assert ("3388", "indicadores[0]") in errors(
        carrier_guia(indicadores=["SUNAT_Envio_IndicadorPagadorFlete_Tercero"])
    )
    assert ("3388", "indicadores[0]") in errors(carrier_guia(indicadores=[VEHICULO_M1L]))


# -- transport --------------------------------------------------------------------------------------


def test_public_transport_carrier():
    assert ("2558", "transportista") in errors(publico(transportista=None))
    assert ("2560", "transportista.ruc") in errors(publico(transportista=Carrier(ISSUER.ruc, "YO")))
    assert ("2485", "transportista.ruc") in errors(publico(transportista=Carrier("123", "X S.A.")))
    assert warnings(publico(transportista=Carrier(OTHER, "TRANSPORTES S.A."))) == {
        ("4391", "transportista.registro_mtc")
    }
    assert ("4392", "transportista.registro_mtc") in warnings(
        publico(transportista=Carrier(OTHER, "T S.A.", "MTC-1"))
    )
    assert ("3347", "transportista") in errors(guia(transportista=Carrier(OTHER, "T S.A.")))
    assert ("2532", "modalidad") in errors(guia(modalidad=None))
    assert ("2773", "modalidad") in errors(guia(modalidad="03"))


def test_public_transport_dates():
    assert ("3617", "fecha_entrega_transportista") in errors(publico(fecha_entrega_transportista=None))
    assert ("3618", "fecha_entrega_transportista") in errors(
        publico(fecha_entrega_transportista=TODAY - timedelta(days=1))
    )
    vct = publico(
        indicadores=[VEHICULO_CONDUCTORES_TRANSPORTISTA],
        vehiculo=Vehicle("ABC123", "15M24000001E"),
        conductor=CHOFER,
        fecha_entrega_transportista=TODAY + timedelta(days=1),
    )
    assert ("3616", "fecha_inicio_traslado") in errors(vct)


def test_vehicles_by_modalidad():
    assert ("3354", "vehiculo") in errors(publico(vehiculo=Vehicle("ABC123")))
    assert ("3455", "conductor") in errors(publico(conductor=CHOFER))
    vct = publico(indicadores=[VEHICULO_CONDUCTORES_TRANSPORTISTA])
    assert {("2566", "vehiculo"), ("3357", "conductor"), ("3406", "fecha_inicio_traslado")} <= errors(
        replace(vct, fecha_inicio_traslado=None)
    )
    assert ("4399", "vehiculo.tuce") in warnings(replace(vct, vehiculo=Vehicle("ABC123"), conductor=CHOFER))
    m1l = guia(indicadores=[VEHICULO_M1L], vehiculo=None, conductor=None)
    assert found(m1l) == set()
    assert ("3453", "vehiculos_secundarios[0]") in errors(
        replace(m1l, vehiculos_secundarios=[Vehicle("XYZ987")])
    )
    assert ("3455", "conductor") in errors(replace(m1l, conductor=CHOFER))
    authorised = Vehicle("ABC123", autorizacion=SpecialAuthorization("06", "AUT-123"))
    assert ("3452", "vehiculo.autorizacion") in errors(replace(m1l, vehiculo=authorised))


def test_vehicle_data():
    assert ("2567", "vehiculo.placa") in errors(guia(vehiculo=Vehicle("ABC-123")))
    assert ("3355", "vehiculo.tuce") in errors(guia(vehiculo=Vehicle("ABC123", "12345")))
    assert ("3355", "vehiculos_secundarios[0].tuce") in errors(
        guia(vehiculos_secundarios=[Vehicle("XYZ987", "123456789")])
    )
    assert ("4389", "vehiculos_secundarios") in warnings(guia(vehiculos_secundarios=[Vehicle("XYZ987")] * 3))
    assert ("4407", "vehiculo.autorizacion.entidad") in warnings(
        guia(vehiculo=Vehicle("ABC123", autorizacion=SpecialAuthorization("99", "AUT-123")))
    )


def test_drivers():
    assert ("2571", "conductor.tipo_documento") in errors(guia(conductor=replace(CHOFER, tipo_documento="6")))
    assert ("2569", "conductor.numero_documento") in errors(
        guia(conductor=replace(CHOFER, numero_documento="123"))
    )
    assert ("2573", "conductor.licencia") in errors(guia(conductor=replace(CHOFER, licencia="Q-123")))
    assert ("3361", "conductor.apellidos") in errors(guia(conductor=replace(CHOFER, apellidos="")))
    twice = [replace(CHOFER, numero_documento="40000001")] * 2
    assert ("3362", "conductores_secundarios[1].licencia") in errors(guia(conductores_secundarios=twice))
    assert ("4376", "conductores_secundarios") in warnings(guia(conductores_secundarios=[CHOFER] * 3))


def test_guia_transportista_always_has_vehicle_driver_and_start():
    found_errors = errors(carrier_guia(vehiculo=None, conductor=None, fecha_inicio_traslado=None))
    assert {("2566", "vehiculo"), ("3357", "conductor"), ("3406", "fecha_inicio_traslado")} <= found_errors
    assert ("3343", "fecha_inicio_traslado") in errors(
        carrier_guia(fecha_inicio_traslado=TODAY - timedelta(days=1))
    )
    assert ("4391", "registro_mtc") in warnings(carrier_guia(registro_mtc=None))


# -- points, ports, containers ----------------------------------------------------------------------


def test_points():
    assert ("3410", "partida.ruc") in errors(
        guia(partida=TransferPoint("150101", "AV. X 123", codigo_establecimiento="0001"))
    )
    assert ("3411", "llegada.ruc") in errors(
        guia(llegada=TransferPoint("040101", "AV. X 123", ISSUER.ruc, "0001"))
    )
    assert ("3413", "partida.latitud") in errors(
        guia(partida=TransferPoint("150101", "AV. X 123", latitud=Decimal("1234.5"), longitud=Decimal("1")))
    )
    assert ("4076", "partida.direccion") in warnings(guia(partida=TransferPoint("150101", "AV")))
    itinerante = guia(motivo_traslado="18", destinatario=Customer("6", ISSUER.ruc, "YO"), llegada=None)
    assert found(itinerante) == set()
    assert ("3416", "llegada.codigo_establecimiento") in errors(
        replace(itinerante, llegada=TransferPoint("040101", "AV. X 123", ISSUER.ruc, "0002"))
    )


def test_ports():
    assert ("3483", "puerto") in errors(guia(motivo_traslado="19"))
    dam = RelatedDocument("50", "118-2026-10-1")
    importacion = guia(
        motivo_traslado="08",
        related=[dam],
        indicadores=[TRASLADO_TOTAL_DAM_DS],
        puerto=Port("XXX", "1"),
        lines=[replace(LINE, unidad="U")],
        numero_bultos=4,
    )
    assert ("3459", "puerto.codigo") in errors(importacion)
    assert ("3364", "partida.ubigeo") in errors(replace(importacion, puerto=Port("CLL", "1")))
    callao = replace(importacion, puerto=Port("CLL", "1"), partida=TransferPoint("070101", "TERMINAL CALLAO"))
    assert errors(callao) == set()
    assert ("3631", "numero_bultos") in errors(replace(callao, numero_bultos=None))
    partial = replace(callao, numero_bultos=None, indicadores=[])
    assert ("3632", "numero_bultos") in errors(partial)


def test_containers():
    dam = RelatedDocument("50", "118-2026-40-1")
    line = replace(
        LINE, unidad="U", atributos=[LineAttribute("7021", "118-2026-40-1"), LineAttribute("7023", "1")]
    )
    export = guia(
        motivo_traslado="09",
        related=[dam],
        lines=[line],
        llegada=TransferPoint("070101", "TERMINAL CALLAO"),
        puerto=Port("CLL", "1"),
        peso_items=Decimal("10"),
        sustento_peso="Embalaje",
    )
    assert ("3419", "numero_bultos") in errors(export)
    assert ("3422", "contenedores[0].precinto") in errors(
        replace(export, contenedores=[Container("MSCU1234567")])
    )
    three = [Container(f"MSCU123456{i}", f"P{i}") for i in range(3)]
    assert ("3420", "contenedores") in errors(replace(export, contenedores=three))
    twice = [Container("MSCU1234567", "P1"), Container("MSCU1234567", "P2")]
    assert ("3421", "contenedores[1].numero") in errors(replace(export, contenedores=twice))
    assert errors(replace(export, contenedores=[Container("MSCU1234567", "P1")])) == set()
    assert {("4383", "peso_items"), ("4387", "sustento_peso")} <= warnings(
        replace(export, peso_items=None, sustento_peso=None, numero_bultos=1)
    )


# -- goods ------------------------------------------------------------------------------------------


def test_lines():
    assert ("2780", "lines[0].cantidad") in errors(guia(lines=[replace(LINE, cantidad=Decimal(0))]))
    assert ("4320", "lines[0].unidad") in warnings(guia(lines=[replace(LINE, unidad="XYZ")]))
    assert ("2781", "lines[0].descripcion") in errors(guia(lines=[replace(LINE, descripcion=" ")]))
    assert ("3002", "lines[0].codigo_sunat") in errors(guia(lines=[replace(LINE, codigo_sunat="ABC")]))
    assert ("3375", "lines[0].codigo_gs1") in errors(guia(lines=[replace(LINE, codigo_gs1="775-123")]))
    assert ("2580", "lines") in errors(guia(lines=[]))


def test_bien_normalizado():
    normalizado = replace(LINE, atributos=[LineAttribute("7022", "1")])
    found_errors = errors(guia(lines=[normalizado]))
    assert {
        ("3372", "lines[0].codigo_sunat"),
        ("3426", "lines[0].atributos"),
        ("3379", "lines[0].atributos"),
    } <= found_errors
    wrong = replace(
        LINE,
        codigo_sunat="10101501",
        atributos=[LineAttribute("7022", "1"), LineAttribute("7020", "9999999999")],
    )
    found_errors = errors(guia(lines=[wrong], related=[RelatedDocument("80", "123")]))
    assert {("3425", "lines[0].codigo_sunat"), ("3429", "lines[0].atributos[1].valor")} <= found_errors
    assert ("3396", "lines[0].atributos[0].valor") in errors(
        guia(lines=[replace(LINE, atributos=[LineAttribute("7022", "2")])])
    )
    assert ("3473", "lines[0].atributos[0].codigo") in errors(
        guia(lines=[replace(LINE, atributos=[LineAttribute("7026", "C1")])])
    )


def test_export_lines_name_their_dam():
    dam = RelatedDocument("50", "118-2026-40-1")
    export = guia(motivo_traslado="09", related=[dam], lines=[replace(LINE, unidad="U")], numero_bultos=1)
    assert {("3427", "lines[0].atributos"), ("3428", "lines[0].atributos")} <= errors(export)
    other_dam = replace(
        LINE, unidad="U", atributos=[LineAttribute("7021", "118-2026-40-2"), LineAttribute("7023", "1")]
    )
    assert ("3430", "lines[0].atributos[0].valor") in errors(replace(export, lines=[other_dam]))
    bad = replace(
        LINE, unidad="U", atributos=[LineAttribute("7021", "118-40-2"), LineAttribute("7023", "00")]
    )
    assert {("2769", "lines[0].atributos[0].valor"), ("3431", "lines[0].atributos[1].valor")} <= errors(
        replace(export, lines=[bad])
    )
    assert ("3446", "lines[0].unidad") in errors(replace(export, lines=[replace(other_dam, unidad="NIU")]))


def test_anotacion_of_a_guia_transportista():
    physical = [RelatedDocument("09", "0001-123", CLIENTE.numero_documento)]
    assert ("4429", "anotacion") in warnings(carrier_guia(related=physical))
    electronic = [RelatedDocument("09", "T001-1", CLIENTE.numero_documento)]
    assert ("4434", "lines") in warnings(carrier_guia(related=electronic))
    assert found(carrier_guia(related=electronic, lines=[], anotacion="Ver guía T001-1")) == set()
    assert ("3435", "lines") in errors(carrier_guia(lines=[], anotacion="Bienes varios"))
    assert ("2580", "anotacion") in errors(guia(anotacion="Nota"))


def test_anotacion_is_line_zero_where_sunat_allows_it():
    from lxml import etree

    ns = {
        "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
        "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    }
    physical = carrier_guia(
        related=[RelatedDocument("09", "0001-123", CLIENTE.numero_documento)], anotacion="Ver guía"
    )
    root = build_despatch(physical)
    assert [e.text for e in root.findall("cac:DespatchLine/cbc:ID", ns)] == ["0", "1"]
    electronic = carrier_guia(
        related=[RelatedDocument("09", "T001-1", CLIENTE.numero_documento)], lines=[], anotacion="Ver guía"
    )
    root = build_despatch(electronic)
    assert [e.text for e in root.findall("cac:DespatchLine/cbc:ID", ns)] == ["1"]
    assert root.find("cac:DespatchLine/cbc:DeliveredQuantity", ns) is None
    assert etree.QName(root).localname == "DespatchAdvice"


def test_traslado_total_covers_the_goods():
    invoice = [RelatedDocument("01", "F001-9", CLIENTE.numero_documento)]
    assert ("4434", "lines") in warnings(carrier_guia(related=invoice, indicadores=[TRASLADO_TOTAL]))
    assert ("4434", "lines") not in warnings(carrier_guia(related=invoice))
