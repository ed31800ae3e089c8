"""The Greenter dialect: Lycet's JSON (Greenter's models as Lycet serialises them) and nexus-doc's variant."""

from yupana.dialects.json_fields import Leniency

# What Lycet's serializer accepts: integers for strings, numeric strings for numbers (exponents
# too); text as sent; a blank string is absent only where text is expected; unknown keys ignored.
LENIENCY = Leniency(
    blank_is_absent=False,
    keep_spaces=True,
    integers_as_text=True,
    exponents=True,
    decimal_integers=True,
    ignore_unknown_fields=True,
)
