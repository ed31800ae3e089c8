"""Parsing XML that came over the network (SOAP answers, CDRs).

The parser never resolves entities, never loads a DTD, never touches the network and keeps
libxml2's limits on huge documents; any document that declares a DOCTYPE is refused outright, so
XXE and entity-expansion ("billion laughs") inputs cannot do anything. SUNAT's answers never carry
a DOCTYPE.
"""

from __future__ import annotations

import re

from lxml import etree

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)

MAX_XML_BYTES = 16 * 1024 * 1024


class UnsafeXmlError(ValueError):
    """The bytes are not a well-formed, DOCTYPE-free XML document of acceptable size."""


class RefusedXmlError(UnsafeXmlError):
    """Well-formed, but carrying what a SUNAT answer never does (DOCTYPE, entities) or too large."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_blank_text=False,
    )


def parse_untrusted(data: bytes) -> etree._Element:
    """The root element of ``data``; raises ``UnsafeXmlError`` for anything suspicious or broken."""
    if not data or not data.strip():
        raise UnsafeXmlError("empty XML")
    if len(data) > MAX_XML_BYTES:
        raise RefusedXmlError(f"XML of {len(data)} bytes is too large")
    if _declares_doctype(data):
        # Refused before libxml2 sees the internal subset at all.
        raise RefusedXmlError("XML with a DOCTYPE declaration is refused")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeXmlError(f"malformed XML: {exc}") from exc
    except ValueError as exc:  # e.g. an encoding declaration lxml cannot honour
        raise UnsafeXmlError(f"unreadable XML: {exc}") from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise RefusedXmlError("XML with a DOCTYPE declaration is refused")
    if _has_entity_reference(root):
        raise RefusedXmlError("XML with entity references is refused")
    return root


def _declares_doctype(data: bytes) -> bool:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "<!doctype" in data.decode("utf-16", errors="ignore").lower()
    return _DOCTYPE.search(data) is not None


def _has_entity_reference(root: etree._Element) -> bool:
    return any(True for _ in root.iter(etree.Entity))


def local_name(element: etree._Element) -> str:
    """The tag without its namespace (``{ns}Body`` → ``Body``); empty for comments and PIs."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def children_named(element: etree._Element, name: str) -> list[etree._Element]:
    """Child elements with local name ``name``, whatever their namespace or prefix."""
    return [child for child in element if local_name(child) == name]


def first_child(element: etree._Element, name: str) -> etree._Element | None:
    for child in element:
        if local_name(child) == name:
            return child
    return None


def descendants_named(element: etree._Element, name: str) -> list[etree._Element]:
    return [node for node in element.iter() if local_name(node) == name]


def text_of(element: etree._Element | None) -> str | None:
    """Stripped text of ``element`` (``None`` when absent or empty)."""
    if element is None:
        return None
    text = "".join(element.itertext()).strip()
    return text or None
