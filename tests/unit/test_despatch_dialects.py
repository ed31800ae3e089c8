"""The Greenter/Lycet and Facturador PRO readers of guías de remisión: mapping, structural
problems with the caller's paths and SUNAT's codes, and the paths of later problems."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from corpus import load_fixture
from paths import FIXTURES
from yupana.dialects.facturadorpro.despatch import parse_dispatch, path_translator, split_name
from yupana.dialects.greenter.despatch import parse_despatch, translate_path
from yupana.domain.despatch import TRANSBORDO_PROGRAMADO, VEHICULO_M1L
from yupana.domain.party import Company
from yupana.domain.problems import InvalidDocument

DEMO = FIXTURES / "greenter-lycet" / "greenter-demo-json"
FORK = FIXTURES / "greenter-lycet" / "lycet-fork"
PRO = FIXTURES / "facturadorpro" / "gre"
ISSUER = Company("20601234565", "COMERCIAL ANDINA S.A.C.")


def lycet(name: str) -> dict:
    folder = DEMO if (DEMO / name).exists() else FORK
    body = load_fixture(folder / name, "fechaEmision")
    assert isinstance(body, dict)
    return body


def pro(name: str) -> dict:
    body = load_fixture(PRO / name, "fecha_de_emision")
    assert isinstance(body, dict)
    return body


def refused(parse, body, issuer=None) -> set[tuple[str | None, str]]:
    with pytest.raises(InvalidDocument) as caught:
        parse(body, issuer)
    return {(p.code, p.path) for p in caught.value.errors}


# -- Greenter / Lycet ---------------------------------------------------------------------------------


def test_greenter_public_transport_mapping():
    body = lycet("guia-remision.json")
    doc = parse_despatch(body, None)
    assert (doc.tipo_documento, doc.serie, doc.correlativo) == ("09", "T001", 121)
    assert doc.issuer.ruc == body["company"]["ruc"]
    assert (doc.motivo_traslado, doc.modalidad) == ("01", "01")
    assert doc.transportista is not None and doc.transportista.registro_mtc == "0001"
    moved = doc.fecha_inicio_traslado
    assert moved is not None and doc.fecha_entrega_transportista == moved
    assert doc.peso_bruto == Decimal("12.5") and doc.unidad_peso == "KGM"
    assert (doc.partida.ubigeo, doc.llegada.ubigeo) == ("150203", "150101")  # type: ignore[union-attr]
    assert doc.lines[0].cantidad == Decimal("2.0") and doc.lines[0].unidad == "ZZ"


def test_greenter_private_transport_without_public_date():
    doc = parse_despatch(lycet("guia-transporteM1L.json"), None)
    assert doc.indicadores == [VEHICULO_M1L]
    assert doc.fecha_entrega_transportista is None and doc.fecha_inicio_traslado is not None


def test_greenter_attributes_and_documents():
    doc = parse_despatch(lycet("guia-extra-atributos.json"), None)
    assert [(a.codigo, a.valor, a.nombre) for a in doc.lines[0].atributos] == [
        ("7020", "1701130000", "Partida arancelaria"),
        ("7022", "1", "Indicador de bien normalizado"),
    ]
    related = doc.related[0]
    assert (related.tipo_documento, related.numero, related.descripcion) == (
        "49",
        "00000001",
        "Constancia de Depósito - IVAP (Ley 28211)",
    )


def test_greenter_carrier_guia_of_the_fork():
    body = lycet("despatch-carrier.json")
    doc = parse_despatch(body, None)
    assert doc.tipo_documento == "31"
    assert doc.motivo_traslado is None and doc.modalidad is None
    assert doc.remitente is not None and doc.remitente.numero_documento == body["remitente"]["numDoc"]
    assert doc.numero_bultos == 8


def test_greenter_drivers_put_the_principal_first():
    body = lycet("guia-transportePrivado.json")
    principal = body["envio"]["choferes"][0]
    second = dict(principal, tipo="Secundario", nroDoc="40000001", licencia="Q40000001")
    body["envio"]["choferes"] = [second, principal]
    doc = parse_despatch(body, None)
    assert doc.conductor is not None and doc.conductor.numero_documento == principal["nroDoc"]
    assert [d.numero_documento for d in doc.conductores_secundarios] == ["40000001"]
    assert translate_path("conductor.licencia", body) == "envio.choferes[1].licencia"
    assert translate_path("conductores_secundarios[0].licencia", body) == "envio.choferes[0].licencia"


def test_greenter_indicators_and_payer():
    body = lycet("despatch-carrier.json")
    body["envio"]["indicadores"] = ["SUNAT_Envio_IndicadorPagadorFlete_Remitente"]
    body["envio"]["indTransbordo"] = True
    doc = parse_despatch(body, None)
    assert doc.pagador_flete == "Remitente"
    assert doc.indicadores == [TRANSBORDO_PROGRAMADO]


def test_greenter_envelope_and_its_paths():
    body = {"document": lycet("guia-remision.json"), "parameters": {}}
    doc = parse_despatch(body, None)
    assert doc.correlativo == 121
    assert translate_path("vehiculo.placa", body) == "document.envio.vehiculo.placa"
    broken = copy.deepcopy(body)
    del broken["document"]["envio"]["pesoTotal"]
    broken["document"]["details"][0]["cantidad"] = "dos"
    assert refused(parse_despatch, broken) == {("2780", "document.details[0].cantidad")}


def test_greenter_refuses_what_it_cannot_carry():
    body = lycet("guia-remision.json")
    body["version"] = "2.0"
    body["relDoc"] = {"tipoDoc": "01", "nroDoc": "123"}
    body["envio"]["transportista"]["placa"] = "ABC123"
    assert refused(parse_despatch, body) == {
        ("2112", "version"),
        (None, "relDoc"),
        (None, "envio.transportista.placa"),
    }


def test_greenter_missing_parts():
    body = lycet("guia-remision.json")
    del body["envio"]["partida"]
    del body["destinatario"]
    body["details"][0].pop("descripcion")
    assert refused(parse_despatch, body) == {
        ("2775", "envio.partida"),
        ("2757", "destinatario"),
        ("2781", "details[0].descripcion"),
    }


@pytest.mark.parametrize(
    ("domain", "lycet_path"),
    [
        ("destinatario.numero_documento", "destinatario.numDoc"),
        ("proveedor.tipo_documento", "tercero.tipoDoc"),
        ("related[1].emisor_ruc", "addDocs[1].emisor"),
        ("transportista.registro_mtc", "envio.transportista.nroMtc"),
        ("vehiculos_secundarios[0].tuce", "envio.vehiculo.secundarios[0].nroCirculacion"),
        ("vehiculo.autorizacion.entidad", "envio.vehiculo.codEmisor"),
        ("partida.codigo_establecimiento", "envio.partida.codLocal"),
        ("llegada.ubigeo", "envio.llegada.ubigueo"),
        ("lines[2].codigo_sunat", "details[2].codProdSunat"),
        ("lines[0].atributos[1].valor", "details[0].atributos[1].value"),
        ("peso_bruto", "envio.pesoTotal"),
        ("fecha_entrega_transportista", "envio.fecTraslado"),
        ("hora_emision", "fechaEmision"),
        ("something.else", "something.else"),
    ],
)
def test_greenter_paths(domain, lycet_path):
    assert translate_path(domain) == lycet_path


# -- Facturador PRO -----------------------------------------------------------------------------------


def test_pro_public_transport_mapping():
    body = pro("gre_remitente_transporte_publico.json")
    doc = parse_dispatch(body, ISSUER)
    assert doc.issuer is ISSUER
    assert doc.correlativo == 1  # corpus: "#" numbered
    assert (doc.motivo_traslado, doc.modalidad, doc.descripcion_motivo) == ("01", "01", "Venta")
    assert doc.transportista is not None and doc.transportista.registro_mtc == "123456"
    assert doc.fecha_entrega_transportista == doc.fecha_inicio_traslado
    assert doc.peso_bruto == Decimal("25.5") and doc.numero_bultos == 3
    # codigo_del_domicilio_fiscal is an establishment only between establishments (motivo 04).
    assert doc.partida is not None and doc.partida.codigo_establecimiento is None
    assert doc.observaciones == ["Traslado de mercadería por venta"]


def test_pro_next_number():
    body = pro("gre_remitente_transporte_publico.json")
    body["numero_documento"] = "#"
    assert parse_dispatch(body, ISSUER).correlativo == 0


def test_pro_carrier_guia_mapping():
    body = pro("gre_transportista_CONSTRUCTED.json")
    doc = parse_dispatch(body, ISSUER)
    assert doc.tipo_documento == "31" and doc.motivo_traslado is None
    assert doc.remitente is not None and doc.remitente.razon_social == "REMITENTE SAC"
    assert doc.destinatario.razon_social == "DESTINATARIO SAC"
    assert (doc.partida.direccion, doc.llegada.direccion) == ("Av. Partida 1", "Av. Llegada 2")  # type: ignore[union-attr]
    assert doc.pagador_flete == "Remitente" and doc.tercero_pagador is None
    assert doc.vehiculo is not None and doc.vehiculo.tuce == "15MRP00000001E"
    assert [v.placa for v in doc.vehiculos_secundarios] == ["ABC445"]
    assert doc.related[0].tipo_documento == "01" and doc.related[0].descripcion == "Factura"
    translate = path_translator(body)
    assert translate("partida.ubigeo") == "direcciones_proveedores.remitente.ubigeo"
    assert translate("destinatario.numero_documento") == "datos_destinatario.numero_documento"


def test_pro_third_party_payer():
    body = pro("gre_transportista_CONSTRUCTED.json")
    body["pagador_flete"] = {
        "indicador_pagador_flete": "Tercero",
        "codigo_tipo_documento_identidad": "6",
        "numero": "20100070970",
        "nombres": "IMPORTADORA S.A.",
    }
    doc = parse_dispatch(body, ISSUER)
    assert doc.pagador_flete == "Tercero"
    assert doc.tercero_pagador is not None and doc.tercero_pagador.numero_documento == "20100070970"


@pytest.mark.parametrize(
    ("full", "names", "surnames"),
    [
        ("PEREZ GARCIA, JUAN", "JUAN", "PEREZ GARCIA"),
        ("JUAN PEREZ GARCIA", "JUAN", "PEREZ GARCIA"),
        ("MARIA ELENA QUISPE ROJAS", "MARIA ELENA", "QUISPE ROJAS"),
        ("JUAN  PEREZ", "JUAN", "PEREZ"),
        ("CONDORI", "CONDORI", "CONDORI"),
    ],
)
def test_pro_driver_names(full, names, surnames):
    assert split_name(full) == (names, surnames)


def test_pro_plates_lose_hyphens_and_models_go_to_print():
    body = pro("gre_remitente_transporte_privado_CONSTRUCTED.json")
    body["vehiculo"]["numero_de_placa"] = "abc-123"
    doc = parse_dispatch(body, ISSUER)
    assert doc.vehiculo is not None and doc.vehiculo.placa == "ABC123"
    assert doc.extras == {"vehiculo.marca": "TOYOTA", "vehiculo.modelo": "YARIS"}


def test_pro_same_company_establishments_carry_the_issuer():
    body = pro("gre_remitente_transporte_privado_CONSTRUCTED.json")
    doc = parse_dispatch(body, ISSUER)
    assert doc.partida is not None and (doc.partida.ruc, doc.partida.codigo_establecimiento) == (
        ISSUER.ruc,
        "0000",
    )
    assert doc.llegada is not None and (doc.llegada.ruc, doc.llegada.codigo_establecimiento) == (
        ISSUER.ruc,
        "0001",
    )


def test_pro_server_records_and_missing_issuer():
    body = pro("gre_transportista_CONSTRUCTED.json")
    del body["datos_remitente"]
    body["remitente_id"] = 12
    found = refused(parse_dispatch, body)
    assert (None, "remitente_id") in found
    assert ("3383", "datos_remitente") in found
    assert (None, "datos_del_emisor") in found


def test_pro_structural_problems():
    body = pro("gre_remitente_transporte_publico.json")
    body["codigo_tipo_documento"] = "01"
    body["peso_total"] = None
    body["items"][0]["cantidad"] = "diez"
    body["transportista"]["codigo_tipo_documento_identidad"] = "1"
    assert refused(parse_dispatch, body, ISSUER) == {
        ("1051", "codigo_tipo_documento"),
        ("2880", "peso_total"),
        ("2780", "items[0].cantidad"),
        ("2485", "transportista.codigo_tipo_documento_identidad"),
    }


@pytest.mark.parametrize(
    ("domain", "pro_path"),
    [
        ("conductor.licencia", "chofer.numero_licencia"),
        ("conductor.apellidos", "chofer.nombres"),
        ("conductores_secundarios[1].numero_documento", "chofer_secundario[1].numero_documento"),
        ("vehiculos_secundarios[0].placa", "vehiculo_secundario[0].numero_de_placa"),
        ("related[2].tipo_documento", "documento_relacionado[2].documento.id"),
        ("lines[3].unidad", "items[3].unidad_de_medida"),
        ("partida.codigo_establecimiento", "direccion_partida.codigo_del_domicilio_fiscal"),
        ("destinatario.razon_social", "datos_del_cliente_o_receptor.apellidos_y_nombres_o_razon_social"),
        ("fecha_inicio_traslado", "fecha_de_traslado"),
        ("tercero_pagador.numero_documento", "pagador_flete.numero"),
        ("something.else", "something.else"),
    ],
)
def test_pro_paths(domain, pro_path):
    assert path_translator({"codigo_tipo_documento": "09"})(domain) == pro_path
