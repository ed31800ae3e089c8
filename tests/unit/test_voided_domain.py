"""The voided documents' domain model and the communications made from stored documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from yupana.domain.party import Company, Customer
from yupana.domain.problems import InvalidDocument
from yupana.domain.sale import SaleDocument, SaleLine
from yupana.domain.voided import (
    VoidedDocument,
    VoidedLine,
    family_of,
    voided_from_documents,
    voided_line_from_document,
    voided_line_from_sale,
)

ISSUER = Company("20123456786", "EMPRESA DE PRUEBAS S.A.C.")
DAY = date(2026, 11, 20)


def sale(
    tipo: str, serie: str, correlativo: int, issued: date = DAY, issuer: Company = ISSUER
) -> SaleDocument:
    return SaleDocument(
        tipo_documento=tipo,
        serie=serie,
        correlativo=correlativo,
        fecha_emision=issued,
        issuer=issuer,
        customer=Customer("6", "20601234565", "CLIENTE EJEMPLO S.A.C."),
        lines=[SaleLine("Servicio", Decimal(1), valor_unitario=Decimal(100))],
    )


@dataclass
class Retention:
    """Stands in for a stored comprobante de retención: voiding reads only these fields."""

    serie: str
    correlativo: int
    fecha_emision: date
    issuer: Company
    tipo_documento: str = "20"


def test_identifier_and_file_stem() -> None:
    ra = VoidedDocument("RA", 7, date(2026, 11, 22), DAY, ISSUER, [])
    assert ra.identificador == ra.numero == "RA-20261122-7"
    assert ra.file_stem == "20123456786-RA-20261122-7"
    rr = VoidedDocument("RR", 12345, date(2026, 1, 5), DAY, ISSUER, [])
    assert rr.file_stem == "20123456786-RR-20260105-12345"


def test_line_number() -> None:
    assert VoidedLine("01", "F001", 123, "X").numero == "F001-123"


@pytest.mark.parametrize(
    ("tipo", "family"),
    [
        ("01", "RA"),
        ("07", "RA"),
        ("08", "RA"),
        ("30", "RA"),
        ("20", "RR"),
        ("40", "RR"),
        ("04", "RR"),
        ("03", None),
    ],
)
def test_family_of(tipo: str, family: str | None) -> None:
    assert family_of(tipo) == family


def test_line_from_a_stored_sale() -> None:
    line = voided_line_from_sale(sale("01", "F001", 123), "ERROR EN EL RUC")
    assert line == VoidedLine("01", "F001", 123, "ERROR EN EL RUC", DAY)


def test_line_from_any_stored_document() -> None:
    line = voided_line_from_document(Retention("R001", 5, DAY, ISSUER), "ERROR")
    assert line == VoidedLine("20", "R001", 5, "ERROR", DAY)


def test_ra_from_stored_sales() -> None:
    ra = voided_from_documents(
        [(sale("01", "F001", 1), "MOTIVO UNO"), (sale("07", "FC01", 2), "MOTIVO DOS")],
        correlativo=3,
        fecha_generacion=date(2026, 11, 22),
    )
    assert (ra.tipo_documento, ra.correlativo, ra.fecha_referencia, ra.issuer) == ("RA", 3, DAY, ISSUER)
    assert [(line.tipo_documento, line.numero, line.motivo) for line in ra.lines] == [
        ("01", "F001-1", "MOTIVO UNO"),
        ("07", "FC01-2", "MOTIVO DOS"),
    ]


def test_rr_from_stored_retentions() -> None:
    rr = voided_from_documents(
        [(Retention("R001", 5, DAY, ISSUER), "ERROR")], correlativo=1, fecha_generacion=date(2026, 11, 22)
    )
    assert rr.tipo_documento == "RR" and rr.file_stem == "20123456786-RR-20261122-1"


def test_named_type_wins() -> None:
    doc = voided_from_documents(
        [(sale("01", "F001", 1), "X")], correlativo=1, fecha_generacion=DAY, tipo_documento="RR"
    )
    assert doc.tipo_documento == "RR"


def test_nothing_to_void() -> None:
    with pytest.raises(InvalidDocument) as caught:
        voided_from_documents([], correlativo=1, fecha_generacion=DAY)
    assert caught.value.errors[0].path == "lines"


def test_a_boleta_first_says_where_it_goes() -> None:
    with pytest.raises(InvalidDocument) as caught:
        voided_from_documents([(sale("03", "B001", 1), "X")], correlativo=1, fecha_generacion=DAY)
    (problem,) = caught.value.errors
    assert (problem.code, problem.path) == ("2308", "lines[0].tipo_documento")
    assert "resumen diario (RC)" in problem.message


def test_documents_of_another_issuer() -> None:
    other = Company("20601234565", "OTRA EMPRESA S.A.C.")
    with pytest.raises(InvalidDocument) as caught:
        voided_from_documents(
            [(sale("01", "F001", 1), "X"), (sale("01", "F001", 2, issuer=other), "X")],
            correlativo=1,
            fecha_generacion=DAY,
        )
    assert [p.path for p in caught.value.errors] == ["lines[1]"]
