"""Guías de remisión for the tests: valid bases (remitente by private and by public transport,
transportista) that each test changes in one respect."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from yupana.domain.despatch import Carrier, DespatchDocument, DespatchLine, Driver, TransferPoint, Vehicle
from yupana.domain.party import Company, Customer

TODAY = date(2026, 11, 20)
ISSUER = Company("20123456786", "EMPRESA DE PRUEBAS S.A.C.")
OTHER = "20100070970"
CLIENTE = Customer("6", "20601234565", "CLIENTE S.A.C.")
CHOFER = Driver("1", "44004400", "ROBERTO", "RODRIGUEZ", "Q44004400")
LINE = DespatchLine("PRODUCTO DE PRUEBA", Decimal("2"), "NIU")


def guia(**fields: object) -> DespatchDocument:
    """A valid guía remitente by private transport, changed by ``fields``."""
    base: dict[str, object] = {
        "tipo_documento": "09",
        "serie": "T001",
        "correlativo": 1,
        "fecha_emision": TODAY,
        "hora_emision": time(9, 0),
        "issuer": ISSUER,
        "destinatario": CLIENTE,
        "lines": [LINE],
        "motivo_traslado": "01",
        "modalidad": "02",
        "peso_bruto": Decimal("10"),
        "fecha_inicio_traslado": TODAY,
        "vehiculo": Vehicle("ABC123"),
        "conductor": CHOFER,
        "partida": TransferPoint("150101", "AV. PARTIDA 123"),
        "llegada": TransferPoint("040101", "AV. LLEGADA 456"),
    }
    base.update(fields)
    return DespatchDocument(**base)  # type: ignore[arg-type]


def publico(**fields: object) -> DespatchDocument:
    values: dict[str, object] = {
        "modalidad": "01",
        "vehiculo": None,
        "conductor": None,
        "transportista": Carrier(OTHER, "TRANSPORTES S.A.C.", "MTC123"),
        "fecha_entrega_transportista": TODAY,
    }
    values.update(fields)
    return guia(**values)


def carrier_guia(**fields: object) -> DespatchDocument:
    """A valid guía transportista, changed by ``fields``."""
    values: dict[str, object] = {
        "tipo_documento": "31",
        "serie": "V001",
        "motivo_traslado": None,
        "modalidad": None,
        "remitente": CLIENTE,
        "destinatario": Customer("1", "45678912", "MARIA QUISPE"),
        "registro_mtc": "MTC123",
        "pagador_flete": "Remitente",
        "vehiculo": Vehicle("ABC123", "15M24000001E"),
    }
    values.update(fields)
    return guia(**values)
