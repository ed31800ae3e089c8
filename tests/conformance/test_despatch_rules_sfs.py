"""SUNAT's GRE stylesheets and Yupana's native rules refuse the same guías with the same code:
each bad guía below is built, signed and run through SUNAT's SFS stylesheet, and the code the
stylesheet stops at is among the errors the native rules report (and a guía the stylesheet
accepts the native rules accept too).

Where the native rules are stricter: a line with quantity 0 (2780) is refused; SUNAT's
stylesheet only checks the quantity's format when the guía cites a document.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from lxml import etree

from despatch_cases import CHOFER, CLIENTE, ISSUER, LINE, OTHER, TODAY, carrier_guia, guia, publico
from yupana.domain.despatch import (
    RETORNO_VEHICULO_VACIO,
    TRASLADO_TOTAL_DAM_DS,
    VEHICULO_CONDUCTORES_TRANSPORTISTA,
    VEHICULO_M1L,
    Carrier,
    LineAttribute,
    Port,
    RelatedDocument,
    TransferPoint,
    Vehicle,
)
from yupana.domain.party import Customer
from yupana.ubl.despatch import build_despatch
from yupana.ubl.namespaces import SIGNATURE_ID
from yupana.validation.despatch import validate_despatch
from yupana.validation.sfs import SfsValidator

CASES = {
    "serie": guia(serie="V001"),
    "hora": guia(hora_emision=None),
    "dest dni": guia(destinatario=Customer("1", "1234", "JUAN")),
    "2555": guia(destinatario=Customer("6", ISSUER.ruc, "YO")),
    "2554": guia(motivo_traslado="02"),
    "3447": guia(
        motivo_traslado="07",
        destinatario=Customer("6", ISSUER.ruc, "YO"),
        proveedor=Customer("1", "45678912", "JUAN"),
    ),
    "3334": guia(motivo_traslado="03", comprador=Customer("6", ISSUER.ruc, "YO")),
    "3445": guia(related=[RelatedDocument("50", "118-2026-10-1")]),
    "2692": guia(related=[RelatedDocument("31", "V001-1", OTHER)]),
    "3441": guia(related=[RelatedDocument("01", "X001-1", ISSUER.ruc)]),
    "3380": guia(related=[RelatedDocument("01", "F001-1")]),
    "3381": guia(related=[RelatedDocument("01", "F001-1", OTHER)]),
    "3340": guia(related=[RelatedDocument("01", "F001-1", ISSUER.ruc)] * 2),
    "3352": guia(related=[RelatedDocument("49", "12345")]),
    "3346": carrier_guia(
        related=[
            RelatedDocument("01", "F001-1", CLIENTE.numero_documento),
            RelatedDocument("01", "F001-2", CLIENTE.numero_documento),
        ]
    ),
    "3383": carrier_guia(remitente=None),
    "2560r": carrier_guia(remitente=Customer("6", ISSUER.ruc, "YO")),
    "3391": carrier_guia(subcontratador=Customer("1", "45678912", "X")),
    "3390": carrier_guia(subcontratador=Customer("6", ISSUER.ruc, "YO")),
    "2523u": guia(unidad_peso="LBR"),
    "3395": guia(peso_items=Decimal("5")),
    "3388": guia(indicadores=["SUNAT_Envio_IndicadorInventado"]),
    "3344": guia(indicadores=[RETORNO_VEHICULO_VACIO] * 2),
    "3392": guia(indicadores=[TRASLADO_TOTAL_DAM_DS]),
    "3450": guia(indicadores=[VEHICULO_CONDUCTORES_TRANSPORTISTA]),
    "3451": publico(indicadores=[VEHICULO_M1L, VEHICULO_CONDUCTORES_TRANSPORTISTA]),
    "2560t": publico(transportista=Carrier(ISSUER.ruc, "YO")),
    "3347": guia(transportista=Carrier(OTHER, "T S.A.")),
    "3617": publico(fecha_entrega_transportista=None),
    "3618": publico(fecha_entrega_transportista=TODAY - timedelta(days=1)),
    "3354": publico(vehiculo=Vehicle("ABC123")),
    "3455": publico(conductor=CHOFER),
    "2567": guia(vehiculo=Vehicle("ABC-123")),
    "3355": guia(vehiculo=Vehicle("ABC123", "12345")),
    "3453": guia(
        indicadores=[VEHICULO_M1L], vehiculo=None, conductor=None, vehiculos_secundarios=[Vehicle("XYZ987")]
    ),
    "2571": guia(conductor=replace(CHOFER, tipo_documento="6")),
    "2573": guia(conductor=replace(CHOFER, licencia="Q-123")),
    "3362": guia(conductores_secundarios=[replace(CHOFER, numero_documento="40000001")] * 2),
    "3410": guia(partida=TransferPoint("150101", "AV. X 123", codigo_establecimiento="0001")),
    "3411": guia(llegada=TransferPoint("040101", "AV. X 123", ISSUER.ruc, "0001")),
    "3413": guia(
        partida=TransferPoint("150101", "AV. X 123", latitud=Decimal("1234.5"), longitud=Decimal("1"))
    ),
    "3416": guia(
        motivo_traslado="18",
        destinatario=Customer("6", ISSUER.ruc, "YO"),
        llegada=TransferPoint("040101", "AV. X 123", ISSUER.ruc, "0002"),
    ),
    "3483": guia(motivo_traslado="19", related=[RelatedDocument("50", "118-2026-10-1")]),
    "3002": guia(lines=[replace(LINE, codigo_sunat="ABC")]),
    "3375": guia(lines=[replace(LINE, codigo_gs1="775-123")]),
    "3372": guia(lines=[replace(LINE, atributos=[LineAttribute("7022", "1")])]),
    "3396": guia(lines=[replace(LINE, atributos=[LineAttribute("7022", "2")])]),
    "3473": guia(lines=[replace(LINE, atributos=[LineAttribute("7026", "C1")])]),
    "3427": guia(
        motivo_traslado="09",
        related=[RelatedDocument("50", "118-2026-40-1")],
        lines=[replace(LINE, unidad="U")],
        numero_bultos=1,
    ),
    "3458": carrier_guia(
        related=[RelatedDocument("09", "T001-1", CLIENTE.numero_documento)], anotacion="Ver guía T001-1"
    ),
    "3632": guia(
        motivo_traslado="08",
        related=[RelatedDocument("50", "118-2026-10-1")],
        lines=[replace(LINE, unidad="U")],
        puerto=Port("CLL", "1"),
        partida=TransferPoint("070101", "TERMINAL CALLAO"),
    ),
    "3343c": carrier_guia(fecha_inicio_traslado=TODAY - timedelta(days=1)),
}


@pytest.fixture(scope="module")
def sfs(sfs_rules) -> SfsValidator:
    return SfsValidator(sfs_rules)


def sfs_errors(doc, signer, sfs) -> list[str | None]:
    root = build_despatch(doc)
    signer.sign(root, SIGNATURE_ID)
    verdict = sfs.check(etree.tostring(root, xml_declaration=True, encoding="UTF-8"), f"{doc.file_stem}.xml")
    return [p.code for p in verdict.problems.errors]


@pytest.mark.parametrize("name", sorted(CASES))
def test_native_rules_and_sunat_agree(name, test_signer, sfs):
    doc = CASES[name]
    native = [p.code for p in validate_despatch(doc, today=TODAY).errors]
    stylesheet = sfs_errors(doc, test_signer, sfs)
    if stylesheet:
        assert stylesheet[-1] in native, (native, stylesheet)
    else:
        assert native == [], native


def test_zero_quantity_is_refused_natively(test_signer, sfs):
    doc = guia(lines=[replace(LINE, cantidad=Decimal(0))])
    assert [p.code for p in validate_despatch(doc, today=TODAY).errors] == ["2780"]
    assert sfs_errors(doc, test_signer, sfs) == []
