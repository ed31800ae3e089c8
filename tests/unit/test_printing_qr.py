import struct
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from yupana.domain.party import Company, Customer
from yupana.domain.sale import SaleDocument, SaleLine, SaleTotals
from yupana.printing.qr import qr_payload, qr_png, qr_svg, sale_qr_payload

HASH = "vZbvXNjHAFGQdtYxJtjohKxudBM="


def test_payload_fields_in_sunat_order_with_trailing_pipe():
    text = qr_payload(
        "20123456786",
        "01",
        "F001",
        123,
        Decimal("18"),
        Decimal("118"),
        date(2026, 11, 2),
        "6",
        "20000000001",
        HASH,
    )
    assert text == f"20123456786|01|F001|123|18.00|118.00|2026-11-02|6|20000000001|{HASH}|"


def test_payload_without_hash_ends_after_customer_number():
    text = qr_payload(
        "20123456786",
        "03",
        "B001",
        "7",
        Decimal("0"),
        Decimal("5.5"),
        date(2026, 1, 31),
        "1",
        "12345678",
        None,
    )
    assert text == "20123456786|03|B001|7|0.00|5.50|2026-01-31|1|12345678|"


def test_payload_amounts_round_half_up_to_two_decimals():
    text = qr_payload(
        "20123456786",
        "01",
        "F001",
        1,
        Decimal("1.005"),
        Decimal("7.0049"),
        date(2026, 1, 1),
        "6",
        "20000000001",
        "",
    )
    assert text.split("|")[4:6] == ["1.01", "7.00"]


def _sale(totals: SaleTotals) -> SaleDocument:
    return SaleDocument(
        tipo_documento="01",
        serie="F001",
        correlativo=45,
        fecha_emision=date(2026, 11, 22),
        issuer=Company("20123456786", "EMPRESA DEMO S.A.C."),
        customer=Customer("6", "20000000001", "CLIENTE S.A.C."),
        lines=[SaleLine("ITEM", Decimal("1"), valor_unitario=Decimal("100"))],
        totals=totals,
    )


def test_sale_payload_reads_the_document():
    doc = _sale(SaleTotals(igv=Decimal("18.00"), importe_total=Decimal("118.00")))
    assert (
        sale_qr_payload(doc, HASH) == f"20123456786|01|F001|45|18.00|118.00|2026-11-22|6|20000000001|{HASH}|"
    )


def test_sale_payload_without_igv_writes_zero():
    doc = _sale(SaleTotals(importe_total=Decimal("100")))
    assert sale_qr_payload(doc, HASH).split("|")[4:6] == ["0.00", "100.00"]


def test_sale_payload_needs_the_total():
    with pytest.raises(ValueError, match="total"):
        sale_qr_payload(_sale(SaleTotals()), HASH)


PAYLOAD = f"20123456786|01|F001|45|18.00|118.00|2026-11-22|6|20000000001|{HASH}|"


def test_png_is_a_png_of_the_expected_size():
    png = qr_png(PAYLOAD)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    # 93 characters at level Q need version 8 (49 modules) plus 4 modules of quiet zone per side.
    assert width == height == (49 + 8) * 4
    width2, _ = struct.unpack(">II", qr_png(PAYLOAD, scale=2)[16:24])
    assert width2 == (49 + 8) * 2


def test_svg_is_an_svg_document():
    svg = qr_svg(PAYLOAD)
    root = etree.fromstring(svg.encode())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == root.get("height") == str((49 + 8) * 4)
    assert not svg.startswith("<?xml")


def test_images_are_cached_per_payload():
    assert qr_png(PAYLOAD) is qr_png(PAYLOAD)
    assert qr_svg(PAYLOAD) is qr_svg(PAYLOAD)
    assert qr_png(PAYLOAD) != qr_png(PAYLOAD.replace("|45|", "|46|"))


def test_empty_payload_is_refused():
    with pytest.raises(ValueError):
        qr_png("")
