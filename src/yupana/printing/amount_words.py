"""The total of a document in words, as SUNAT's legend 1000 prints it.

``amount_in_words(Decimal("120.32"), "PEN")`` gives ``"SON CIENTO VEINTE CON 32/100 SOLES"``.

Spanish rules applied (Real Academia Española, *Ortografía* 2010 and *Nueva gramática*):

- the numeral before ``MIL``, ``MILLÓN`` and ``MILLONES`` takes its short form: ``UN MIL`` is not
  written (one thousand is ``MIL``), but ``VEINTIÚN MIL``, ``TREINTA Y UN MIL``, ``CIENTO UN MIL``,
  ``UN MILLÓN``, ``VEINTIÚN MILLONES``, ``MIL UN MILLONES``;
- a number that ends the integer part keeps its full form (``VEINTIUNO CON 00/100 SOLES``,
  ``CIENTO UNO CON 50/100 SOLES``): in the legend the numeral is followed by ``CON nn/100``, not by
  the currency noun, and this is the form most Peruvian issuers print;
- ``CIEN`` alone and before ``MIL``/``MILLONES``, ``CIENTO`` before tens and units;
- a thousand millions is ``MIL MILLONES`` (Spanish long scale, no "billón" below 10^12);
- accents as the Academia writes them: ``DIECISÉIS``, ``VEINTIDÓS``, ``VEINTITRÉS``,
  ``VEINTISÉIS``, ``VEINTIÚN``, ``MILLÓN``, ``DÓLARES``.

Cents are rounded half up to two decimals and written as ``nn/100``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MAX_AMOUNT = Decimal("999999999999.99")

CURRENCY_NAMES: dict[str, str] = {
    "PEN": "SOLES",
    "USD": "DÓLARES AMERICANOS",
    "EUR": "EUROS",
}

_BELOW_THIRTY = (
    "",
    "UNO",
    "DOS",
    "TRES",
    "CUATRO",
    "CINCO",
    "SEIS",
    "SIETE",
    "OCHO",
    "NUEVE",
    "DIEZ",
    "ONCE",
    "DOCE",
    "TRECE",
    "CATORCE",
    "QUINCE",
    "DIECISÉIS",
    "DIECISIETE",
    "DIECIOCHO",
    "DIECINUEVE",
    "VEINTE",
    "VEINTIUNO",
    "VEINTIDÓS",
    "VEINTITRÉS",
    "VEINTICUATRO",
    "VEINTICINCO",
    "VEINTISÉIS",
    "VEINTISIETE",
    "VEINTIOCHO",
    "VEINTINUEVE",
)
_TENS = ("", "", "", "TREINTA", "CUARENTA", "CINCUENTA", "SESENTA", "SETENTA", "OCHENTA", "NOVENTA")
_HUNDREDS = (
    "",
    "CIENTO",
    "DOSCIENTOS",
    "TRESCIENTOS",
    "CUATROCIENTOS",
    "QUINIENTOS",
    "SEISCIENTOS",
    "SETECIENTOS",
    "OCHOCIENTOS",
    "NOVECIENTOS",
)
# Short forms used right before MIL / MILLÓN / MILLONES.
_APOCOPE = {"UNO": "UN", "VEINTIUNO": "VEINTIÚN"}

_CENT = Decimal("0.01")


def amount_in_words(amount: Decimal | int, currency: str) -> str:
    """SUNAT legend 1000 for ``amount`` in ``currency`` (ISO 4217 code).

    Raises ``ValueError`` for a negative, non-finite or too large amount (above
    999 999 999 999.99) and ``TypeError`` for anything that is not a ``Decimal`` or an ``int``.
    """
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise TypeError(f"amount must be a Decimal or an int, not {type(amount).__name__}")
    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError(f"amount is not a finite number: {amount}")
    if value < 0:
        raise ValueError(f"amount cannot be negative: {amount}")
    value = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    if value > MAX_AMOUNT:
        raise ValueError(f"amount too large to write in words: {amount}")
    integer = int(value)
    cents = int((value - integer) * 100)
    return f"SON {integer_in_words(integer)} CON {cents:02d}/100 {currency_name(currency)}"


def currency_name(currency: str) -> str:
    """The plural name SUNAT legends use for ``currency``; the ISO code itself when unknown."""
    code = currency.strip().upper()
    return CURRENCY_NAMES.get(code, code)


def integer_in_words(number: int) -> str:
    """A whole number from 0 to 999 999 999 999 in upper-case Spanish words."""
    if number < 0 or number > 999_999_999_999:
        raise ValueError(f"number out of range: {number}")
    if number == 0:
        return "CERO"
    millions, rest = divmod(number, 1_000_000)
    words: list[str] = []
    if millions == 1:
        words.append("UN MILLÓN")
    elif millions > 1:
        words.append(f"{_below_million(millions, short=True)} MILLONES")
    if rest:
        words.append(_below_million(rest, short=False))
    return " ".join(words)


def _below_million(number: int, *, short: bool) -> str:
    thousands, rest = divmod(number, 1000)
    words: list[str] = []
    if thousands == 1:
        words.append("MIL")
    elif thousands > 1:
        words.append(f"{_below_thousand(thousands, short=True)} MIL")
    if rest:
        words.append(_below_thousand(rest, short=short))
    return " ".join(words)


def _below_thousand(number: int, *, short: bool) -> str:
    if number == 100:
        return "CIEN"
    hundreds, rest = divmod(number, 100)
    words: list[str] = []
    if hundreds:
        words.append(_HUNDREDS[hundreds])
    if rest >= 30:
        tens, units = divmod(rest, 10)
        words.append(_TENS[tens])
        if units:
            words.extend(("Y", _BELOW_THIRTY[units]))
    elif rest:
        words.append(_BELOW_THIRTY[rest])
    if short:
        words[-1] = _APOCOPE.get(words[-1], words[-1])
    return " ".join(words)
