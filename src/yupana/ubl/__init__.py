"""Domain documents written as SUNAT UBL XML: one writer per family, shared blocks
(parties, taxes, totals, allowances, payment terms, lines) in their own modules."""

from yupana.ubl.serialization import serialize

__all__ = ["serialize"]
