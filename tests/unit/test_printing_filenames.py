from datetime import date

import pytest

from yupana.printing.filenames import sale_file_stem, summary_file_stem


def test_sale_stem():
    assert sale_file_stem("20123456786", "01", "F001", 123) == "20123456786-01-F001-123"


def test_sale_stem_drops_leading_zeros():
    assert sale_file_stem("20123456786", "07", "FC01", "00000042") == "20123456786-07-FC01-42"


def test_sale_stem_largest_number():
    assert sale_file_stem("10456789012", "03", "B001", 99999999) == "10456789012-03-B001-99999999"


@pytest.mark.parametrize(
    ("ruc", "tipo", "serie", "correlativo"),
    [
        ("2012345678", "01", "F001", 1),
        ("20123456786", "1", "F001", 1),
        ("20123456786", "01", "F01", 1),
        ("20123456786", "01", "f001", 1),
        ("20123456786", "01", "F001", 0),
        ("20123456786", "01", "F001", 100000000),
        ("20123456786", "01", "F001", "12a"),
        ("20123456786", "01", "F001", True),
    ],
)
def test_sale_stem_refuses_what_sunat_refuses(ruc, tipo, serie, correlativo):
    with pytest.raises(ValueError):
        sale_file_stem(ruc, tipo, serie, correlativo)


def test_summary_stem():
    assert summary_file_stem("20123456786", "RC", date(2026, 3, 5), 1) == "20123456786-RC-20260305-1"
    assert summary_file_stem("20123456786", "RA", date(2026, 12, 31), "00012") == "20123456786-RA-20261231-12"
    assert summary_file_stem("20123456786", "RR", date(2026, 1, 1), 99999) == "20123456786-RR-20260101-99999"


@pytest.mark.parametrize(("kind", "n"), [("RX", 1), ("rc", 1), ("RC", 0), ("RC", 100000)])
def test_summary_stem_refuses_bad_values(kind, n):
    with pytest.raises(ValueError):
        summary_file_stem("20123456786", kind, date(2026, 1, 1), n)
