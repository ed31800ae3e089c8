"""Facturador PRO's totals that mean something else than SUNAT's, read as SUNAT means them.

Each consistent body is run through ``calc.process``: it must check clean. Every expected amount
was computed by hand from the body of its test (working in the comments).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from conftest import FIXTURES
from yupana import calc
from yupana.dialects.facturadorpro.documents import parse_document
from yupana.domain.party import Address, Company
from yupana.domain.problems import InvalidDocument
from yupana.domain.sale import Prepayment, SaleDocument

ISSUER = Company("20123456786", "EMPRESA EMISORA S.A.C.", address=Address(ubigeo="150101"))
PRO = FIXTURES / "facturadorpro"


def parse(body: dict) -> SaleDocument:
    return parse_document(body, ISSUER)


def problems_of(doc: SaleDocument) -> list[tuple[str | None, str]]:
    return [(p.code, p.path) for p in calc.process(doc).items]


def sale(totales: dict) -> dict:
    """Two gravada lines and document discounts and charges of every kind.

    Line A: 2 × 50 = 100, discount 00 of 10 (on the base), charge 47 of 5 (on the base): value 95.
    Line B: 1 × 100 = 100, discount 01 of 5 and charge 48 of 2 (both off the base): value 100.
    Document: discount 02 of 9.50 and charge 49 of 4 (on the base), discount 03 of 20, charge 50
    of 3 (off the base).
    Gravadas 195 − 9.50 + 4 = 189.50, IGV 18 % 34.11, valor de venta 189.50, precio de venta
    223.61. SUNAT: descuentos 5 (01) + 20 (03) = 25, cargos 2 (48) + 3 (50) = 5, importe total
    223.61 + 5 − 25 = 203.61. Facturador PRO: total_descuentos 10 + 5 + 9.50 + 20 = 44.50,
    total_cargos 5 + 2 + 4 + 3 = 14.
    """
    return {
        "serie_documento": "F001",
        "numero_documento": 1,
        "fecha_de_emision": "2026-11-20",
        "codigo_tipo_documento": "01",
        "codigo_tipo_moneda": "PEN",
        "codigo_tipo_operacion": "0101",
        "datos_del_cliente_o_receptor": {
            "codigo_tipo_documento_identidad": "6",
            "numero_documento": "20601234565",
            "apellidos_y_nombres_o_razon_social": "CLIENTE S.A.C.",
        },
        "items": [
            {
                "descripcion": "A",
                "unidad_de_medida": "NIU",
                "cantidad": 2,
                "valor_unitario": 50,
                "codigo_tipo_afectacion_igv": "10",
                "descuentos": [{"codigo": "00", "factor": Decimal("0.1"), "monto": 10, "base": 100}],
                "cargos": [{"codigo": "47", "factor": Decimal("0.05"), "monto": 5, "base": 100}],
            },
            {
                "descripcion": "B",
                "unidad_de_medida": "NIU",
                "cantidad": 1,
                "valor_unitario": 100,
                "codigo_tipo_afectacion_igv": "10",
                "descuentos": [{"codigo": "01", "factor": Decimal("0.05"), "monto": 5, "base": 100}],
                "cargos": [{"codigo": "48", "factor": Decimal("0.02"), "monto": 2, "base": 100}],
            },
        ],
        "descuentos": [
            {"codigo": "02", "factor": Decimal("0.05"), "monto": Decimal("9.50"), "base": 190},
            {"codigo": "03", "monto": 20},
        ],
        "cargos": [{"codigo": "49", "monto": 4}, {"codigo": "50", "monto": 3}],
        "totales": totales,
    }


# total_descuentos / total_cargos (rules 3300, 3301) ---------------------------------------------


@pytest.mark.parametrize(
    ("declared", "convention"),
    [(Decimal("25"), "SUNAT's"), (Decimal("44.50"), "Facturador PRO's")],
)
def test_total_descuentos_by_either_convention_checks_clean(declared: Decimal, convention: str) -> None:
    doc = parse(sale({"total_descuentos": declared, "total_venta": Decimal("203.61")}))
    assert doc.totals.descuentos == Decimal("25"), convention
    assert problems_of(doc) == []
    assert doc.totals.cargos == Decimal("5.00")


@pytest.mark.parametrize(
    ("declared", "convention"),
    [(Decimal("5"), "SUNAT's"), (Decimal("14"), "Facturador PRO's")],
)
def test_total_cargos_by_either_convention_checks_clean(declared: Decimal, convention: str) -> None:
    doc = parse(sale({"total_cargos": declared, "total_venta": Decimal("203.61")}))
    assert doc.totals.cargos == Decimal("5"), convention
    assert problems_of(doc) == []


def test_both_totals_as_facturador_pro_declares_them() -> None:
    totales = {
        "total_operaciones_gravadas": Decimal("189.50"),
        "total_igv": Decimal("34.11"),
        "total_impuestos": Decimal("34.11"),
        "total_valor": Decimal("189.50"),
        "subtotal_venta": Decimal("223.61"),
        "total_descuentos": Decimal("44.50"),
        "total_cargos": Decimal("14"),
        "total_venta": Decimal("203.61"),
    }
    doc = parse(sale(totales))
    assert (doc.totals.descuentos, doc.totals.cargos) == (Decimal("25"), Decimal("5"))
    assert problems_of(doc) == []


def test_a_total_of_neither_convention_is_kept_and_reported() -> None:
    doc = parse(sale({"total_descuentos": Decimal("30"), "total_cargos": Decimal("9")}))
    assert (doc.totals.descuentos, doc.totals.cargos) == (Decimal("30"), Decimal("9"))
    codes = problems_of(doc)
    assert ("3300", "totals.descuentos") in codes
    assert ("3301", "totals.cargos") in codes


def test_a_line_discount_off_the_base_counts_in_allowance_total() -> None:
    """A body whose only discount is a line 01 of 5: both conventions say 5."""
    body = sale({"total_descuentos": Decimal("5")})
    del body["items"][0]["descuentos"], body["items"][0]["cargos"], body["items"][1]["cargos"]
    del body["descuentos"], body["cargos"]
    doc = parse(body)
    assert doc.totals.descuentos == Decimal("5")
    assert problems_of(doc) == []


def test_discounts_on_the_base_only_make_a_zero_allowance_total() -> None:
    """Line A alone with its discount 00 of 10 (value 90) and a document 02 of 5 % of 90 = 4.50:
    Facturador PRO's total_descuentos 14.50 is SUNAT's 0."""
    body = sale({"total_descuentos": Decimal("14.50")})
    del body["items"][0]["cargos"], body["items"][1], body["cargos"]
    body["descuentos"] = [{"codigo": "02", "factor": Decimal("0.05"), "monto": Decimal("4.50"), "base": 90}]
    doc = parse(body)
    assert doc.totals.descuentos == Decimal("0")
    assert problems_of(doc) == []


def test_the_shipped_example_of_line_and_global_discounts() -> None:
    raw = json.loads(
        (PRO / "postman_v8/factura_descuento_global_y_lineal.json").read_text(), parse_float=Decimal
    )
    # total_descuentos 14.5 = line 00 of 5 + global 03 of 9.5; AllowanceTotalAmount is the 9.5.
    assert parse(raw).totals.descuentos == Decimal("9.5")


# Anticipos ---------------------------------------------------------------------------------------


def anticipos_body() -> dict:
    return json.loads((PRO / "postman_v8/factura_anticipos.json").read_text(), parse_float=Decimal)


def corrected_anticipos_body() -> dict:
    """The shipped example with SUNAT's meaning of its three misread totals.

    One line of 2 × 50 = 100 gravada; anticipo F001-9 of 20 without IGV, 23.60 paid; discount 04
    of 20. Gravadas 100 − 20 = 80 (3277), IGV 14.40, valor de venta 100 (3278: the 04 discount is
    not taken from it), precio de venta 100 + 18 = 118 (3279), importe total 118 − 23.60 = 94.40.
    """
    body = anticipos_body()
    body["totales"].update({"total_operaciones_gravadas": 80, "total_valor": 100, "subtotal_venta": 118})
    return body


def test_anticipo_paid_amount_is_its_total_with_igv() -> None:
    doc = parse(anticipos_body())
    assert doc.anticipos == [Prepayment("02", "F001-9", Decimal("23.6"))]
    assert doc.totals.anticipos == Decimal("23.6")  # declared 20: the sum of the montos


@pytest.mark.parametrize("declared", [Decimal("20"), Decimal("23.60")])
def test_total_anticipos_by_either_version_checks_clean(declared: Decimal) -> None:
    body = corrected_anticipos_body()
    body["totales"]["total_anticipos"] = declared
    doc = parse(body)
    assert doc.totals.anticipos == Decimal("23.6")
    assert problems_of(doc) == []
    assert doc.totals.importe_total == Decimal("94.4")


def test_total_anticipos_of_neither_meaning_is_kept_and_reported() -> None:
    body = corrected_anticipos_body()
    body["totales"]["total_anticipos"] = 21
    doc = parse(body)
    assert doc.totals.anticipos == Decimal("21")
    assert ("2509", "totals.anticipos") in problems_of(doc)


def test_anticipo_without_total_pays_its_monto_and_the_declared_total_stays() -> None:
    body = anticipos_body()
    del body["anticipos"][0]["total"]
    doc = parse(body)
    assert doc.anticipos == [Prepayment("02", "F001-9", Decimal("20"))]
    assert doc.totals.anticipos == Decimal("20")


@pytest.mark.parametrize(("sent", "catalog_12"), [("01", "02"), ("02", "02"), ("03", "03"), (3, "03")])
def test_anticipo_document_types(sent: object, catalog_12: str) -> None:
    body = anticipos_body()
    body["anticipos"][0]["codigo_tipo_documento"] = sent
    assert parse(body).anticipos[0].tipo_documento == catalog_12


@pytest.mark.parametrize("sent", ["04", "07", "99", "FA"])
def test_other_anticipo_document_types_are_refused(sent: str) -> None:
    body = anticipos_body()
    body["anticipos"][0]["codigo_tipo_documento"] = sent
    with pytest.raises(InvalidDocument) as caught:
        parse(body)
    assert [(p.path, p.code) for p in caught.value.errors] == [("anticipos[0].codigo_tipo_documento", "2505")]


def test_shipped_anticipos_example_is_only_off_where_its_totals_are() -> None:
    """What stays wrong in the shipped example: gravadas before the 04 deduction (100, SUNAT 80)
    and total_valor after it (80, SUNAT 100); the amount payable derived from them follows."""
    codes = {code for code, _ in problems_of(parse(anticipos_body()))}
    assert {"3277", "3278"} <= codes
    assert "2509" not in codes  # PrepaidAmount is the amount paid
