from decimal import Decimal

import pytest

from yupana.printing.amount_words import amount_in_words, currency_name, integer_in_words

# Hand-written expectations: every text here was written from Spanish grammar, not from the code.
INTEGERS = [
    (0, "CERO"),
    (1, "UNO"),
    (2, "DOS"),
    (9, "NUEVE"),
    (10, "DIEZ"),
    (11, "ONCE"),
    (15, "QUINCE"),
    (16, "DIECISÉIS"),
    (17, "DIECISIETE"),
    (19, "DIECINUEVE"),
    (20, "VEINTE"),
    (21, "VEINTIUNO"),
    (22, "VEINTIDÓS"),
    (23, "VEINTITRÉS"),
    (24, "VEINTICUATRO"),
    (26, "VEINTISÉIS"),
    (29, "VEINTINUEVE"),
    (30, "TREINTA"),
    (31, "TREINTA Y UNO"),
    (45, "CUARENTA Y CINCO"),
    (58, "CINCUENTA Y OCHO"),
    (66, "SESENTA Y SEIS"),
    (77, "SETENTA Y SIETE"),
    (80, "OCHENTA"),
    (99, "NOVENTA Y NUEVE"),
    (100, "CIEN"),
    (101, "CIENTO UNO"),
    (110, "CIENTO DIEZ"),
    (116, "CIENTO DIECISÉIS"),
    (118, "CIENTO DIECIOCHO"),
    (120, "CIENTO VEINTE"),
    (121, "CIENTO VEINTIUNO"),
    (199, "CIENTO NOVENTA Y NUEVE"),
    (200, "DOSCIENTOS"),
    (236, "DOSCIENTOS TREINTA Y SEIS"),
    (300, "TRESCIENTOS"),
    (400, "CUATROCIENTOS"),
    (500, "QUINIENTOS"),
    (555, "QUINIENTOS CINCUENTA Y CINCO"),
    (600, "SEISCIENTOS"),
    (700, "SETECIENTOS"),
    (722, "SETECIENTOS VEINTIDÓS"),
    (800, "OCHOCIENTOS"),
    (900, "NOVECIENTOS"),
    (923, "NOVECIENTOS VEINTITRÉS"),
    (999, "NOVECIENTOS NOVENTA Y NUEVE"),
    (1000, "MIL"),
    (1001, "MIL UNO"),
    (1016, "MIL DIECISÉIS"),
    (1100, "MIL CIEN"),
    (1180, "MIL CIENTO OCHENTA"),
    (1500, "MIL QUINIENTOS"),
    (1858, "MIL OCHOCIENTOS CINCUENTA Y OCHO"),
    (2000, "DOS MIL"),
    (2021, "DOS MIL VEINTIUNO"),
    (3540, "TRES MIL QUINIENTOS CUARENTA"),
    (6723, "SEIS MIL SETECIENTOS VEINTITRÉS"),
    (10000, "DIEZ MIL"),
    (11000, "ONCE MIL"),
    (16000, "DIECISÉIS MIL"),
    (21000, "VEINTIÚN MIL"),
    (21001, "VEINTIÚN MIL UNO"),
    (21021, "VEINTIÚN MIL VEINTIUNO"),
    (22000, "VEINTIDÓS MIL"),
    (31000, "TREINTA Y UN MIL"),
    (71354, "SETENTA Y UN MIL TRESCIENTOS CINCUENTA Y CUATRO"),
    (100000, "CIEN MIL"),
    (101000, "CIENTO UN MIL"),
    (121000, "CIENTO VEINTIÚN MIL"),
    (500500, "QUINIENTOS MIL QUINIENTOS"),
    (999999, "NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE"),
    (1000000, "UN MILLÓN"),
    (1000001, "UN MILLÓN UNO"),
    (1001000, "UN MILLÓN MIL"),
    (1021000, "UN MILLÓN VEINTIÚN MIL"),
    (1500000, "UN MILLÓN QUINIENTOS MIL"),
    (2000000, "DOS MILLONES"),
    (2000021, "DOS MILLONES VEINTIUNO"),
    (21000000, "VEINTIÚN MILLONES"),
    (31000000, "TREINTA Y UN MILLONES"),
    (100000000, "CIEN MILLONES"),
    (100100100, "CIEN MILLONES CIEN MIL CIEN"),
    (101000000, "CIENTO UN MILLONES"),
    (123456789, "CIENTO VEINTITRÉS MILLONES CUATROCIENTOS CINCUENTA Y SEIS MIL SETECIENTOS OCHENTA Y NUEVE"),
    (999000999, "NOVECIENTOS NOVENTA Y NUEVE MILLONES NOVECIENTOS NOVENTA Y NUEVE"),
    (1000000000, "MIL MILLONES"),
    (1001000000, "MIL UN MILLONES"),
    (1000000001, "MIL MILLONES UNO"),
    (2500000000, "DOS MIL QUINIENTOS MILLONES"),
    (21000000000, "VEINTIÚN MIL MILLONES"),
    (21021000000, "VEINTIÚN MIL VEINTIÚN MILLONES"),
    (100000000000, "CIEN MIL MILLONES"),
    (
        999999999999,
        "NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE MILLONES "
        "NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE",
    ),
]


@pytest.mark.parametrize(("number", "words"), INTEGERS)
def test_integer_in_words(number, words):
    assert integer_in_words(number) == words


LEGENDS = [
    ("120.32", "PEN", "SON CIENTO VEINTE CON 32/100 SOLES"),
    ("0", "PEN", "SON CERO CON 00/100 SOLES"),
    ("0.50", "PEN", "SON CERO CON 50/100 SOLES"),
    ("1", "PEN", "SON UNO CON 00/100 SOLES"),
    ("21", "PEN", "SON VEINTIUNO CON 00/100 SOLES"),
    ("21.24", "PEN", "SON VEINTIUNO CON 24/100 SOLES"),
    ("100.30", "PEN", "SON CIEN CON 30/100 SOLES"),
    ("118", "PEN", "SON CIENTO DIECIOCHO CON 00/100 SOLES"),
    ("236.00", "PEN", "SON DOSCIENTOS TREINTA Y SEIS CON 00/100 SOLES"),
    ("276.12", "PEN", "SON DOSCIENTOS SETENTA Y SEIS CON 12/100 SOLES"),
    ("363.03", "PEN", "SON TRESCIENTOS SESENTA Y TRES CON 03/100 SOLES"),
    ("1858.59", "PEN", "SON MIL OCHOCIENTOS CINCUENTA Y OCHO CON 59/100 SOLES"),
    ("21000", "PEN", "SON VEINTIÚN MIL CON 00/100 SOLES"),
    ("1000000", "PEN", "SON UN MILLÓN CON 00/100 SOLES"),
    ("2000000.01", "PEN", "SON DOS MILLONES CON 01/100 SOLES"),
    ("1500", "USD", "SON MIL QUINIENTOS CON 00/100 DÓLARES AMERICANOS"),
    ("16.16", "EUR", "SON DIECISÉIS CON 16/100 EUROS"),
    ("22.22", "usd", "SON VEINTIDÓS CON 22/100 DÓLARES AMERICANOS"),
    ("10", "CLP", "SON DIEZ CON 00/100 CLP"),
    (
        "999999999999.99",
        "PEN",
        "SON NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE MILLONES "
        "NOVECIENTOS NOVENTA Y NUEVE MIL NOVECIENTOS NOVENTA Y NUEVE CON 99/100 SOLES",
    ),
]


@pytest.mark.parametrize(("amount", "currency", "text"), LEGENDS)
def test_amount_in_words(amount, currency, text):
    assert amount_in_words(Decimal(amount), currency) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("10.005", "SON DIEZ CON 01/100 SOLES"),
        ("10.004", "SON DIEZ CON 00/100 SOLES"),
        ("10.995", "SON ONCE CON 00/100 SOLES"),
        ("0.005", "SON CERO CON 01/100 SOLES"),
        ("20.999", "SON VEINTIUNO CON 00/100 SOLES"),
        ("999.995", "SON MIL CON 00/100 SOLES"),
        ("1.2", "SON UNO CON 20/100 SOLES"),
    ],
)
def test_cents_round_half_up(amount, text):
    assert amount_in_words(Decimal(amount), "PEN") == text


def test_int_amount_is_accepted():
    assert amount_in_words(31, "PEN") == "SON TREINTA Y UNO CON 00/100 SOLES"


def test_negative_amount_is_an_error():
    with pytest.raises(ValueError, match="negative"):
        amount_in_words(Decimal("-0.01"), "PEN")


def test_too_large_amount_is_an_error():
    with pytest.raises(ValueError, match="too large"):
        amount_in_words(Decimal("999999999999.995"), "PEN")
    with pytest.raises(ValueError, match="too large"):
        amount_in_words(Decimal("1000000000000"), "PEN")


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity")])
def test_non_finite_amount_is_an_error(value):
    with pytest.raises(ValueError):
        amount_in_words(value, "PEN")


@pytest.mark.parametrize("value", [1.5, "12.00", True, None])
def test_amount_must_be_decimal_or_int(value):
    with pytest.raises(TypeError):
        amount_in_words(value, "PEN")


def test_currency_names():
    assert currency_name("PEN") == "SOLES"
    assert currency_name("USD") == "DÓLARES AMERICANOS"
    assert currency_name("EUR") == "EUROS"
    assert currency_name(" gbp ") == "GBP"


@pytest.mark.parametrize("number", [-1, 1_000_000_000_000])
def test_integer_out_of_range(number):
    with pytest.raises(ValueError):
        integer_in_words(number)


def test_no_double_spaces_and_upper_case_everywhere():
    for number in [*range(0, 2100), *range(10**6, 10**6 + 40000, 7), *range(10**9, 10**9 + 10**7, 9973)]:
        words = integer_in_words(number)
        assert "  " not in words and words == words.strip() and words == words.upper()
        # one thousand is MIL, never UN MIL; before MIL and MILLONES only the short form
        assert not (words + " ").startswith("UN MIL ")
        assert "MILLÓN UN MIL" not in words and "MILLONES UN MIL" not in words
        assert "UNO MIL" not in words and "UNO MILL" not in words
