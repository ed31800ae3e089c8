"""SUNAT catalogs and return codes carried as data."""

from __future__ import annotations

import json

import pytest

from paths import SUNAT
from yupana.domain import catalogs, return_codes
from yupana.domain.return_codes import ReturnSeverity


def test_every_catalog_yupana_needs_is_carried() -> None:
    needed = "01 02 03 05 06 07 08 09 10 12 13 16 22 23 51 52 53 54 59".split()
    assert set(needed) <= set(catalogs.available())


@pytest.mark.parametrize(
    ("catalog", "code", "description"),
    [
        ("01", "01", "Factura"),
        ("06", "6", "Registro Unico de Contributentes"),
        ("09", "10", "Otros Conceptos"),
        ("13", "150101", "LIMA"),
        ("59", "001", "Depósito en cuenta"),
    ],
)
def test_descriptions(catalog: str, code: str, description: str) -> None:
    assert catalogs.is_valid(catalog, code)
    assert catalogs.description(catalog, code) == description


@pytest.mark.parametrize(
    ("catalog", "code"),
    [
        ("02", "PEN"),
        ("02", "USD"),
        ("02", "EUR"),
        ("03", "NIU"),
        ("03", "ZZ"),
        ("03", "KGM"),
        ("06", "H"),
        ("54", "037"),
    ],
)
def test_common_codes_are_valid(catalog: str, code: str) -> None:
    assert catalogs.is_valid(catalog, code)


@pytest.mark.parametrize(
    ("catalog", "code"),
    [("02", "SOL"), ("03", "UNIDAD"), ("06", "9"), ("07", "19"), ("13", "999999"), ("51", "0100")],
)
def test_unknown_codes(catalog: str, code: str) -> None:
    assert not catalogs.is_valid(catalog, code)
    assert catalogs.description(catalog, code) is None


def test_workbook_descriptions_win_over_the_sfs_ones() -> None:
    # The 2026 workbook rewrote catalog 09 code 13; the SFS still says "Ajustes - montos y/o fechas de pago".
    assert catalogs.description("09", "13").startswith("Corrección o modificación del monto neto pendiente")


def test_unknown_catalog() -> None:
    with pytest.raises(catalogs.UnknownCatalog):
        catalogs.entries("99")
    assert not catalogs.is_valid("06", None)


def test_afectacion_igv_attributes() -> None:
    assert catalogs.attribute("07", "10", "tributo") == "1000"
    assert catalogs.attribute("07", "17", "tributo") == "1016"
    assert catalogs.attribute("07", "20", "tributo") == "9997"
    assert catalogs.attribute("07", "30", "tributo") == "9998"
    assert catalogs.attribute("07", "40", "tributo") == "9995"
    gratuitos = {code for code, e in catalogs.entries("07").items() if e.attributes["gratuito"]}
    assert gratuitos == {"11", "12", "13", "14", "15", "16", "21", "31", "32", "33", "34", "35", "36", "37"}
    gravados = {code for code, e in catalogs.entries("07").items() if e.attributes["gravado"]}
    assert gravados == {"10", "11", "12", "13", "14", "15", "16", "17"}
    assert all(e.attributes["tributo"] == "9996" for c, e in catalogs.entries("07").items() if c in gratuitos)


def test_tipo_operacion_by_document_type() -> None:
    assert catalogs.tipo_operacion_allows("0101", "01")
    assert catalogs.tipo_operacion_allows("0101", "03")
    assert catalogs.tipo_operacion_allows("0112", "01")
    assert not catalogs.tipo_operacion_allows("0112", "03")
    assert catalogs.tipo_operacion_allows("0113", "03")
    assert not catalogs.tipo_operacion_allows("0113", "01")
    assert catalogs.tipo_operacion_allows("2106", "01")
    assert not catalogs.tipo_operacion_allows("0501", "01")
    assert not catalogs.tipo_operacion_allows("9999", "01")


def test_cargos_descuentos_attributes() -> None:
    assert catalogs.attribute("53", "00", "nivel") == "item"
    assert catalogs.attribute("53", "02", "nivel") == "global"
    assert catalogs.attribute("53", "47", "cargo") is True
    assert catalogs.attribute("53", "51", "cargo") is True
    assert catalogs.attribute("53", "62", "cargo") is False
    assert catalogs.attribute("53", "00", "cargo") is False


def test_rates_and_tributos() -> None:
    assert catalogs.attribute("54", "037", "tasa") == "10"
    assert catalogs.attribute("22", "01", "tasa") == "2"
    assert catalogs.attribute("23", "01", "tasa") == "3"
    assert catalogs.attribute("05", "1000", "un_ece") == "VAT"
    assert catalogs.attribute("05", "9996", "categoria") == "Z"
    assert catalogs.attribute("05", "7152", "nombre") == "ICBPER"


def test_entries_are_read_only() -> None:
    with pytest.raises(TypeError):
        catalogs.entries("06")["X"] = None  # type: ignore[index]


def test_sfs_catalog_codes_are_all_carried() -> None:
    """Every code of the SFS catalogs that SUNAT's stylesheets validate against is valid here."""
    sfs = json.loads((SUNAT / "catalogs" / "sfs-catalogos.json").read_text(encoding="utf-8"))["catalogs"]
    for number in ("02", "03", "06", "07", "09", "10", "12", "13", "51", "52", "53", "54", "59"):
        for item in sfs[f"cat_{number}"]["items"]:
            assert catalogs.is_valid(number, item["id"].strip()), (number, item["id"])


# -- return codes -----------------------------------------------------------------------------


def test_return_code_messages() -> None:
    assert return_codes.message("0306") == "No se puede leer (parsear) el archivo XML"
    assert (
        return_codes.message("2800")
        == "El dato ingresado en el tipo de documento de identidad del receptor no esta permitido."
    )
    assert return_codes.message(306) == return_codes.message("0306")
    assert return_codes.is_known("4252")


def test_return_code_severity() -> None:
    assert return_codes.severity("0306") is ReturnSeverity.EXCEPTION
    assert return_codes.severity("2017") is ReturnSeverity.REJECTION
    assert return_codes.severity("4252") is ReturnSeverity.OBSERVATION
    assert return_codes.severity("0") is ReturnSeverity.ACCEPTED
    assert return_codes.is_error("3128")
    assert not return_codes.is_error("4093")


def test_unknown_code_falls_back_to_its_range() -> None:
    assert not return_codes.is_known("3999")
    assert return_codes.severity("3999") is ReturnSeverity.REJECTION
    assert "3999" in return_codes.message("3999")


def test_return_codes_match_the_shared_table() -> None:
    table = json.loads((SUNAT / "codes" / "codigos-retorno.json").read_text(encoding="utf-8"))["codes"]
    assert len(table) == 2148
    for row in table[::50]:
        assert return_codes.message(row["code"]) == row["message"].strip()
        assert return_codes.severity(row["code"]).value == row["severity"]
