"""Native rules of the comunicación de baja (RA) and the resumen de reversiones (RR)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from yupana.domain.party import Company
from yupana.domain.problems import Severity
from yupana.domain.voided import VoidedDocument, VoidedLine
from yupana.validation.voided import VoidedOptions, validate_voided

TODAY = date(2026, 11, 22)
ISSUER = Company("20123456786", "EMPRESA DE PRUEBAS S.A.C.")


def doc(tipo: str, *lines: VoidedLine, reference: date = TODAY, **fields: object) -> VoidedDocument:
    base = VoidedDocument(tipo, 1, TODAY, reference, ISSUER, list(lines))
    return replace(base, **fields) if fields else base


def ra_line(**fields: object) -> VoidedLine:
    return replace(VoidedLine("01", "F001", 1, "ERROR EN EL RUC"), **fields)


def rr_line(**fields: object) -> VoidedLine:
    return replace(VoidedLine("20", "R001", 1, "ERROR EN EL IMPORTE"), **fields)


def found(document: VoidedDocument, **kwargs: object) -> list[tuple[str | None, str, str]]:
    return [
        (p.code, p.path, p.severity.value) for p in validate_voided(document, today=TODAY, **kwargs).items
    ]


def test_valid_ra_and_rr_have_no_problems() -> None:
    assert found(doc("RA", ra_line(), ra_line(tipo_documento="07", serie="FC01"))) == []
    assert found(doc("RR", rr_line(), rr_line(tipo_documento="40", serie="P001"))) == []


@pytest.mark.parametrize(("tipo", "code"), [("RA", "2283"), ("RR", "2673")])
@pytest.mark.parametrize("correlativo", [0, 100_000])
def test_identifier_number_out_of_range(tipo: str, code: str, correlativo: int) -> None:
    line = ra_line() if tipo == "RA" else rr_line()
    assert found(doc(tipo, line, correlativo=correlativo)) == [(code, "correlativo", "error")]


def test_identifier_number_limits_accepted() -> None:
    assert found(doc("RA", ra_line(), correlativo=99_999)) == []


def test_not_a_voided_type() -> None:
    assert found(doc("RC", ra_line())) == [(None, "tipo_documento", "error")]


def test_generation_date_in_the_future_is_a_warning() -> None:
    document = doc("RA", ra_line(), fecha_generacion=TODAY + timedelta(days=1))
    assert found(document) == [("2301", "fecha_generacion", "warning")]


def test_reference_date_after_generation_date() -> None:
    document = doc("RA", ra_line(), reference=TODAY, fecha_generacion=TODAY - timedelta(days=1))
    assert found(document) == [("2671", "fecha_referencia", "error")]


@pytest.mark.parametrize(
    ("issuer", "code", "path"),
    [
        (Company("2012345678", "EMPRESA S.A.C."), "2216", "issuer.ruc"),
        (Company("30123456786", "EMPRESA S.A.C."), "2216", "issuer.ruc"),
        (Company("20123456789", "EMPRESA S.A.C."), "2104", "issuer.ruc"),
        (Company("20123456786", " "), "2229", "issuer.razon_social"),
        (Company("20123456786", "AB"), "2228", "issuer.razon_social"),
        (Company("20123456786", "EMPRESA\nS.A.C."), "2228", "issuer.razon_social"),
        (Company("20123456786", "E" * 101), "2228", "issuer.razon_social"),
    ],
)
def test_issuer(issuer: Company, code: str, path: str) -> None:
    assert found(doc("RA", ra_line(), issuer=issuer)) == [(code, path, "error")]


def test_ruc_check_digit_can_be_skipped_for_demo_rucs() -> None:
    document = doc("RA", ra_line(), issuer=Company("20123456789", "EMPRESA S.A.C."))
    assert found(document, options=VoidedOptions(check_ruc_digit=False)) == []


def test_no_lines() -> None:
    assert found(doc("RA")) == [(None, "lines", "error")]


@pytest.mark.parametrize(
    ("tipo", "line_type", "serie"),
    [
        ("RA", "01", "F001"),
        ("RA", "01", "0001"),
        ("RA", "01", "12"),
        ("RA", "07", "FC01"),
        ("RA", "08", "9"),
        ("RA", "30", "F001"),
        ("RA", "34", "FZ99"),
        ("RA", "42", "F0A1"),
        ("RR", "20", "R001"),
        ("RR", "20", "0001"),
        ("RR", "40", "P001"),
        ("RR", "40", "1234"),
        ("RR", "04", "L001"),
    ],
)
def test_accepted_types_and_series(tipo: str, line_type: str, serie: str) -> None:
    line = VoidedLine(line_type, serie, 1, "ANULACION")
    assert found(doc(tipo, line)) == []


@pytest.mark.parametrize(
    ("tipo", "line_type", "serie", "code"),
    [
        ("RA", "01", "B001", "2310"),
        ("RA", "01", "F01", "2310"),
        ("RA", "01", "12345", "2310"),
        ("RA", "07", "BC01", "2310"),
        ("RA", "08", "BD01", "2310"),
        ("RA", "30", "0001", "2310"),
        ("RA", "01", "f001", "2310"),
        ("RR", "20", "P001", "2674"),
        ("RR", "40", "R001", "2675"),
        ("RR", "04", "F001", "2345"),
    ],
)
def test_serie_formats(tipo: str, line_type: str, serie: str, code: str) -> None:
    line = VoidedLine(line_type, serie, 1, "ANULACION")
    assert found(doc(tipo, line)) == [(code, "lines[0].serie", "error")]


@pytest.mark.parametrize(
    ("tipo", "line_type"),
    [
        ("RA", "03"),
        ("RA", "20"),
        ("RA", "40"),
        ("RA", "04"),
        ("RA", "14"),
        ("RR", "01"),
        ("RR", "07"),
        ("RR", "03"),
    ],
)
def test_types_not_voided_by_the_communication(tipo: str, line_type: str) -> None:
    line = VoidedLine(line_type, "F001", 1, "ANULACION")
    assert found(doc(tipo, line)) == [("2308", "lines[0].tipo_documento", "error")]


def test_type_and_serie_missing() -> None:
    assert found(doc("RA", ra_line(tipo_documento=" ", serie=""))) == [
        ("2309", "lines[0].tipo_documento", "error"),
        ("2311", "lines[0].serie", "error"),
    ]


@pytest.mark.parametrize("correlativo", [0, 100_000_000])
def test_document_number_out_of_range(correlativo: int) -> None:
    assert found(doc("RA", ra_line(correlativo=correlativo))) == [("2312", "lines[0].correlativo", "error")]


def test_duplicated_document() -> None:
    document = doc("RA", ra_line(), ra_line(serie="F002"), ra_line(motivo="OTRO MOTIVO"))
    assert found(document) == [("2348", "lines[2]", "error")]


@pytest.mark.parametrize("motivo", [None, "", "   "])
def test_motivo_missing(motivo: str | None) -> None:
    assert found(doc("RR", rr_line(motivo=motivo))) == [("2315", "lines[0].motivo", "error")]


@pytest.mark.parametrize("motivo", ["NO", "M" * 101, "ERROR\nEN EL RUC", " ERROR"])
def test_motivo_out_of_shape_is_an_observation(motivo: str) -> None:
    assert found(doc("RA", ra_line(motivo=motivo))) == [("4203", "lines[0].motivo", "warning")]


def test_motivo_of_100_characters_is_fine() -> None:
    assert found(doc("RA", ra_line(motivo="M" * 100))) == []


def test_line_issued_on_another_day() -> None:
    document = doc(
        "RA",
        ra_line(fecha_emision=TODAY),
        ra_line(correlativo=2, fecha_emision=TODAY - timedelta(days=1)),
        ra_line(correlativo=3),
    )
    assert found(document) == [("2375", "lines[1].fecha_emision", "error")]


@pytest.mark.parametrize(("days", "late"), [(7, False), (8, True)])
def test_ra_deadline(days: int, late: bool) -> None:
    document = doc("RA", ra_line(), reference=TODAY - timedelta(days=days))
    assert found(document) == ([("2957", "fecha_referencia", "error")] if late else [])


def test_ra_deadline_spares_contingency_series() -> None:
    document = doc("RA", ra_line(serie="0001"), reference=TODAY - timedelta(days=30))
    assert found(document) == []


def test_ra_deadline_can_be_left_to_sunat() -> None:
    document = doc("RA", ra_line(), reference=TODAY - timedelta(days=30))
    assert found(document, options=VoidedOptions(check_deadline=False)) == []
    assert found(document, options=VoidedOptions(max_days=30)) == []


def test_rr_deadline_only_for_liquidaciones_de_compra() -> None:
    old = TODAY - timedelta(days=60)
    assert found(doc("RR", rr_line(), rr_line(tipo_documento="40", serie="P001"), reference=old)) == []
    late = found(doc("RR", rr_line(), rr_line(tipo_documento="04", serie="L001"), reference=old))
    assert late == [("2958", "fecha_referencia", "error")]


def test_problems_carry_sunat_messages() -> None:
    (problem,) = validate_voided(doc("RA", VoidedLine("03", "B001", 1, "ANULACION")), today=TODAY).items
    assert problem.severity is Severity.ERROR
    assert problem.message.startswith("DocumentTypeCode - El valor del tipo de documento es invalido")
    assert "resumen diario (RC) con estado 3" in problem.message
