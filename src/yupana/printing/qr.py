"""The QR code printed on facturas, boletas and notas.

Content (SUNAT, representación impresa): the fields joined by ``|`` with a trailing ``|``::

    RUC|TIPO|SERIE|NUMERO|MTO IGV|MTO TOTAL|FECHA EMISION|TIPO DOC ADQ|NUM DOC ADQ|VALOR RESUMEN|

amounts with two decimals, the date as ``YYYY-MM-DD``; the valor resumen (the ``DigestValue`` of
the signature) is the last field when there is one.

Symbol: error correction level Q (the level SUNAT's specification of the printed QR asks for),
never raised to H, and a fixed mask: choosing the best of the eight masks costs about five times
the encoding itself and any mask is valid. Images are cached per payload, so a document printed
again (PDF re-download, A4 then ticket) does not encode twice.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import segno

from yupana.domain.sale import SaleDocument

ERROR_LEVEL = "q"
MASK = 0
_CACHE_SIZE = 512
_CENT = Decimal("0.01")


def qr_payload(
    ruc: str,
    tipo: str,
    serie: str,
    numero: int | str,
    igv: Decimal,
    total: Decimal,
    fecha: date,
    tipo_doc_cliente: str,
    num_doc_cliente: str,
    hash_value: str | None,
) -> str:
    """The text of the QR of a sales document (see the module docstring)."""
    fields = [
        ruc,
        tipo,
        serie,
        str(numero),
        _amount(igv),
        _amount(total),
        fecha.isoformat(),
        tipo_doc_cliente,
        num_doc_cliente,
    ]
    if hash_value:
        fields.append(hash_value)
    return "|".join(fields) + "|"


def sale_qr_payload(doc: SaleDocument, hash_value: str) -> str:
    """The QR text of a completed sales document (its totals derived or declared).

    The IGV field is the IGV charged (IVAP on rice sales, tributo 1016, is its own tax and
    is not added). Raises ``ValueError`` when the document has no total yet.
    """
    total = doc.totals.importe_total
    if total is None:
        raise ValueError(f"{doc.numero}: the document total is not known yet (run calc first)")
    igv = doc.totals.igv if doc.totals.igv is not None else Decimal(0)
    return qr_payload(
        doc.issuer.ruc,
        doc.tipo_documento,
        doc.serie,
        doc.correlativo,
        igv,
        total,
        doc.fecha_emision,
        doc.customer.tipo_documento,
        doc.customer.numero_documento,
        hash_value,
    )


@lru_cache(maxsize=_CACHE_SIZE)
def qr_png(payload: str, scale: int = 4) -> bytes:
    """A PNG image of the QR of ``payload``, ``scale`` pixels per module, with the quiet zone."""
    buffer = io.BytesIO()
    _symbol(payload).save(buffer, kind="png", scale=scale)
    return buffer.getvalue()


@lru_cache(maxsize=_CACHE_SIZE)
def qr_svg(payload: str, scale: int = 4) -> str:
    """An SVG document (no XML declaration) of the QR of ``payload``, to embed or save."""
    buffer = io.BytesIO()
    _symbol(payload).save(buffer, kind="svg", scale=scale, xmldecl=False, svgclass=None, lineclass=None)
    return buffer.getvalue().decode("utf-8")


def _symbol(payload: str) -> segno.QRCode:
    if not payload:
        raise ValueError("empty QR payload")
    return segno.make_qr(payload, error=ERROR_LEVEL, mask=MASK, boost_error=False)


def _amount(value: Decimal) -> str:
    return str(Decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP))
