"""Legends (catalog 52) that follow from the arithmetic, added when the caller left them out.

- 1002 "TRANSFERENCIA GRATUITA DE UN BIEN Y/O SERVICIO PRESTADO GRATUITAMENTE": when every line
  is free. SUNAT's XML guide (factura v2.1, section 10, "Leyendas") makes it applicable only
  when all the lines of the document are free; on a sale that is partly free it is the caller's
  choice (SUNAT accepts it whenever free lines exist, rule 2416).
- 2000 "COMPROBANTE DE PERCEPCIÓN": a sale with percepción.
- 2006 "Operación sujeta a detracción": tipos de operación 1001–1004 (observation 4265 without it).
- 2007 "Operación sujeta al IVAP": IVAP lines (observation 4264 without it).

Legend 1000 (the amount in words) belongs to the printed representation, not here.
"""

from __future__ import annotations

from yupana.calc.line import LineKind
from yupana.domain.sale import Legend, SaleDocument

GRATUITA = "1002"
PERCEPCION = "2000"
DETRACCION = "2006"
IVAP = "2007"
TEXTS = {
    GRATUITA: "TRANSFERENCIA GRATUITA DE UN BIEN Y/O SERVICIO PRESTADO GRATUITAMENTE",
    PERCEPCION: "COMPROBANTE DE PERCEPCIÓN",
    DETRACCION: "Operación sujeta a detracción",
    IVAP: "Operación sujeta al IVAP",
}
DETRACCION_OPERATIONS = ("1001", "1002", "1003", "1004")


def required(doc: SaleDocument, kinds: list[LineKind]) -> list[str]:
    """Codes of the legends the document's arithmetic calls for."""
    codes: list[str] = []
    if kinds and all(kind.free for kind in kinds):
        codes.append(GRATUITA)
    if doc.percepcion is not None and not doc.is_note:
        codes.append(PERCEPCION)
    if not doc.is_note and doc.tipo_operacion in DETRACCION_OPERATIONS:
        codes.append(DETRACCION)
    if any(kind.ivap for kind in kinds):
        codes.append(IVAP)
    return codes


def add_legends(doc: SaleDocument, kinds: list[LineKind]) -> None:
    present = {legend.codigo for legend in doc.legends}
    for code in required(doc, kinds):
        if code not in present:
            doc.legends.append(Legend(code, TEXTS[code]))
