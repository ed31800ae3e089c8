"""Plain lines are pasted from a template of their shape: the result must be exactly what the
element-by-element writer produces, whichever line of that shape built the template."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from lxml import etree

from ubl_sale_cases import CASES
from yupana.domain.sale import SaleLine
from yupana.ubl import lines
from yupana.ubl.lines import CREDIT_NOTE_LINE, DEBIT_NOTE_LINE, INVOICE_LINE, LineKind, build_line, write_line
from yupana.ubl.nodes import template_holder

KINDS = (INVOICE_LINE, CREDIT_NOTE_LINE, DEBIT_NOTE_LINE)


def _written(kind: LineKind, line: SaleLine, currency: str, number: int = 7) -> bytes:
    return etree.tostring(write_line(template_holder(), kind, number, line, currency, "lines[6]"))


def _built(kind: LineKind, line: SaleLine, currency: str, number: int = 7) -> bytes:
    return etree.tostring(build_line(template_holder(), kind, number, line, currency, "lines[6]"))


def _other(line: SaleLine) -> SaleLine:
    """A line of the same shape with every number and text different."""
    other = dataclasses.replace(
        line,
        descripcion="OTRA DESCRIPCIÓN & <MÁS>",
        cantidad=line.cantidad + 3,
        allowances=list(line.allowances),
        properties=list(line.properties),
    )
    for name in ("valor_unitario", "precio_unitario", "valor_referencial", "valor_venta", "base_igv"):
        value = getattr(other, name)
        if value is not None:
            setattr(other, name, value + Decimal("11.1111"))
    for name in ("igv", "total_impuestos"):
        value = getattr(other, name)
        if value is not None:
            setattr(other, name, value + Decimal("2.22"))
    if other.codigo:
        other.codigo = other.codigo + "-X"
    return other


def _case_lines() -> list[tuple[str, SaleLine, str]]:
    found = []
    for name, make in CASES.items():
        doc = make()
        for index, line in enumerate(doc.lines):
            found.append((f"{name}[{index}]", line, doc.moneda))
    return found


@pytest.mark.parametrize(
    ("name", "line", "currency"), _case_lines(), ids=lambda v: v if isinstance(v, str) else ""
)
@pytest.mark.parametrize("kind", KINDS, ids=("invoice", "credit", "debit"))
def test_a_line_is_written_as_built_element_by_element(
    name: str, line: SaleLine, currency: str, kind: LineKind
) -> None:
    lines._PLAIN_LINES.clear()
    other = _other(line)
    _written(kind, other, currency, number=1)  # the template of this shape, from another line
    assert _written(kind, line, currency) == _built(kind, line, currency), name
    assert _written(kind, other, currency, number=2) == _built(kind, other, currency, number=2), name


def test_texts_of_one_line_never_reach_another() -> None:
    lines._PLAIN_LINES.clear()
    first = SaleLine(
        "PRIMERA",
        Decimal("2"),
        valor_unitario=Decimal("10"),
        precio_unitario=Decimal("11.8"),
        porcentaje_igv=Decimal("18"),
        codigo="SECRETO",
        valor_venta=Decimal("20.00"),
        base_igv=Decimal("20.00"),
        igv=Decimal("3.60"),
        total_impuestos=Decimal("3.60"),
    )
    second = dataclasses.replace(first, descripcion="SEGUNDA", codigo="P2", cantidad=Decimal("1"))
    _written(INVOICE_LINE, first, "PEN")
    text = _written(INVOICE_LINE, second, "PEN")
    assert b"PRIMERA" not in text and b"SECRETO" not in text
    assert text == _built(INVOICE_LINE, second, "PEN")


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"valor_venta": None}, "lines[6].valor_venta"),
        ({"total_impuestos": None}, "lines[6].total_impuestos"),
        ({"base_igv": None}, "lines[6].base_igv"),
        ({"valor_unitario": None}, "lines[6].valor_unitario"),
        ({"tipo_afectacion_igv": "99"}, "lines[6].tipo_afectacion_igv"),
    ],
)
def test_a_line_missing_an_amount_is_reported_as_before(change: dict[str, object], path: str) -> None:
    from yupana.domain.problems import InvalidDocument

    line = SaleLine(
        "X",
        Decimal("1"),
        valor_unitario=Decimal("1"),
        porcentaje_igv=Decimal("18"),
        valor_venta=Decimal("1.00"),
        base_igv=Decimal("1.00"),
        igv=Decimal("0.18"),
        total_impuestos=Decimal("0.18"),
    )
    broken = dataclasses.replace(line, **change)  # type: ignore[arg-type]
    with pytest.raises(InvalidDocument) as caught:
        _written(INVOICE_LINE, broken, "PEN")
    assert caught.value.errors[0].path == path
