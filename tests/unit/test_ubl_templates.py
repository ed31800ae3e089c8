"""Blocks whose shape repeats (document header, plain lines, totals) are pasted from templates of
their shape: the result must be exactly what writing them element by element produces, whichever
document or line of that shape built the template, and nothing of that one may show."""

from __future__ import annotations

import copy
import dataclasses
from datetime import time, timedelta
from decimal import Decimal

import pytest
from lxml import etree

from ubl_sale_cases import CASES, everything
from yupana.domain.party import Customer
from yupana.domain.sale import Legend, SaleDocument, SaleLine
from yupana.ubl import lines, monetary, payment, sale, taxes
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


def _clear_templates() -> None:
    for store in (
        sale._HEADERS,
        sale._HEADS,
        lines._PLAIN_LINES,
        monetary._BLOCKS,
        taxes._TOTALS,
        payment._TERMS,
    ):
        store.clear()


def _other_document(doc: SaleDocument) -> SaleDocument:
    """A document of the same shape whose numbers, dates and texts all differ."""
    other = copy.deepcopy(doc)
    other.correlativo += 1000
    other.fecha_emision -= timedelta(days=1)
    if other.hora_emision is not None:
        other.hora_emision = time(23, 59, 58)
    if other.fecha_vencimiento is not None:
        other.fecha_vencimiento += timedelta(days=1)
    other.legends = [Legend(legend.codigo, "OTRA LEYENDA") for legend in other.legends]
    other.observaciones = ["OTRA OBSERVACION" if value.strip() else value for value in other.observaciones]
    other.lines = [_other(line) for line in other.lines]
    for name in ("valor_venta", "precio_venta", "descuentos", "cargos", "anticipos", "importe_total"):
        value = getattr(other.totals, name)
        if value:
            setattr(other.totals, name, value + Decimal("100.01"))
    other.totals.total_impuestos = (other.totals.total_impuestos or Decimal(0)) + Decimal("7.77")
    if other.payment is not None and other.payment.forma != "Credito":
        other.payment.forma = "Contado"
    return other


_DOCUMENTS = {**CASES, **{f"everything-{t}": (lambda t=t: everything(t)) for t in ("01", "03", "07", "08")}}


@pytest.mark.parametrize("name", sorted(_DOCUMENTS))
def test_a_document_is_written_alike_whatever_document_built_its_templates(name: str) -> None:
    doc = _DOCUMENTS[name]()
    _clear_templates()
    own = etree.tostring(sale.build_sale(copy.deepcopy(doc)))
    _clear_templates()
    other = _other_document(doc)
    etree.tostring(sale.build_sale(other))  # the templates now come from the other document
    written = etree.tostring(sale.build_sale(copy.deepcopy(doc)))
    assert written == own
    for text in (b"OTRA LEYENDA", b"OTRA OBSERVACION", b"OTRA DESCRIPCI", other.numero.encode()):
        assert text not in written


@pytest.mark.parametrize("name", sorted(_DOCUMENTS))
def test_the_customer_of_one_document_never_reaches_another(name: str) -> None:
    """Documents of one shape share everything before their lines but the customer's block."""
    doc = _DOCUMENTS[name]()
    other = _other_document(doc)
    other.customer = Customer("1", "99999999", "OTRO CLIENTE & <CIA>", email="otro@cliente.pe")
    _clear_templates()
    own = etree.tostring(sale.build_sale(copy.deepcopy(doc)))
    _clear_templates()
    sale.build_sale(copy.deepcopy(doc))
    written = etree.tostring(sale.build_sale(copy.deepcopy(other)))
    assert b"OTRO CLIENTE" in written
    assert etree.tostring(sale.build_sale(copy.deepcopy(doc))) == own
    _clear_templates()
    assert written == etree.tostring(sale.build_sale(copy.deepcopy(other)))
