"""The QR code printed on a guía de remisión electrónica (09, 31).

Unlike facturas and boletas, whose QR carries the document's own fields, the QR of a guía is the
link SUNAT assigns to it when it accepts it: SUNAT's CDR for the guía carries it in
``cac:DocumentResponse/cac:DocumentReference/cbc:DocumentDescription``
(``https://e-factura.sunat.gob.pe/v1/contribuyente/gre/comprobantes/descargaqr?hashqr=...``).
So a guía has a QR only once SUNAT has answered with a CDR that carries the link; before that
(or for a rejected guía) it has none, and the printed guía shows no QR.

The image is made with :func:`yupana.printing.qr.qr_png` / :func:`~yupana.printing.qr.qr_svg`
from the payload returned here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from lxml import etree

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_LINK = f"{{{CAC}}}DocumentResponse/{{{CAC}}}DocumentReference/{{{CBC}}}DocumentDescription"


def despatch_qr_payload(url: str) -> str:
    """The text of a guía's QR: the link SUNAT returned for it, as SUNAT wrote it (surrounding
    blanks dropped). Raises ``ValueError`` when ``url`` is not an http(s) link."""
    link = url.strip()
    parts = urlsplit(link)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ValueError(f"the QR of a guía is the link SUNAT returns in its CDR, not {url!r}")
    return link


def cdr_qr_url(cdr_xml: bytes) -> str | None:
    """The link SUNAT's CDR assigns to the guía it answers, ``None`` when the CDR has none (a
    rejected guía, the CDR of another kind of document)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(cdr_xml, parser)
    for node in root.iterfind(_LINK):
        text = (node.text or "").strip()
        if urlsplit(text).scheme in ("https", "http"):
            return text
    return None
