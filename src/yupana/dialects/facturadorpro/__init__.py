"""Facturador PRO's JSON API (facturalo.pro, pro4–pro8 and their resellers' forks), spoken by Yupana.

``documents`` reads ``POST /api/documents`` bodies (01, 03, 07, 08) into domain documents and
translates domain paths back into the body's keys; ``actions`` reads the ``acciones`` block.
"""

from yupana.dialects.json_fields import Leniency

# What Facturador PRO's clients send and its server takes: numbers as strings ("100.00", "1e2")
# and codes as numbers (1 for "01"), "" for null, times with a fraction of a second; keys it does
# not read are ignored.
LENIENCY = Leniency(
    integers_as_text=True,
    numbers_as_text=True,
    exponents=True,
    decimal_integers=True,
    time_fractions=True,
    ignore_unknown_fields=True,
)
