"""Bytes of a UBL tree as SUNAT receives them: UTF-8 with an XML declaration."""

from __future__ import annotations

from lxml import etree

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def serialize(root: etree._Element) -> bytes:
    """The document as UTF-8 bytes preceded by the XML declaration, without reindenting (a signed
    tree must be written exactly as it was signed)."""
    return DECLARATION + etree.tostring(root, encoding="UTF-8", xml_declaration=False)
