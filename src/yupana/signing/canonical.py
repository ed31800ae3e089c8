"""The canonical form (inclusive C14N 1.0, without comments) of a document built in canonical shape.

libxml2's C14N walks the tree through its generic node-set machinery and costs about twice a plain
serialization of the same tree. For most trees the two spellings differ, but for a tree built the
way Yupana's UBL writers build them they coincide, and the plain serialization is then the
canonical form. C14N and libxml2's serializer (UTF-8, no declaration) write a tree the same way
except:

- namespace declarations and attributes: C14N sorts them, the serializer keeps the tree's order;
- empty elements: C14N writes a start and an end tag, the serializer ``<a/>``;
- characters written as references: C14N writes ``&#xD;`` (and ``&#x9;``, ``&#xA;`` in attribute
  values) where the serializer writes ``&#13;`` (``&#9;``, ``&#10;``), and ``>`` in an attribute
  value literally where the serializer writes ``&gt;`` (in text both write ``&gt;``);
- CDATA sections (C14N writes their text escaped), comments and processing instructions (C14N
  without comments drops comments);
- namespace declarations an element repeats from its parent (C14N drops them).

A tree is in *canonical shape* when every element's attributes are in C14N order (no-namespace
attributes by name, as ``nodes.leaf`` makes every attributed element of a UBL writer) and its
namespaces are declared on the root only. :func:`canonical_form` checks everything else on the
serialized bytes and the root's start tag against libxml2's own C14N of it (remembered per start
tag), and falls back to libxml2's C14N whenever a check fails, so the result is always the
canonical form of a tree in canonical shape. Attribute order is the one thing it takes on trust:
callers pass only trees their writers built.
"""

from __future__ import annotations

from lxml import etree

_ROOT_STARTS: dict[bytes, bool] = {}
_ROOT_STARTS_LIMIT = 256


def canonical_form(root: etree._Element) -> bytes:
    """Inclusive C14N 1.0 without comments of the document whose root element is ``root``, a tree
    in canonical shape (see the module notes)."""
    data = serialized_if_canonical(root)
    if data is None:
        return etree.tostring(root, method="c14n", with_comments=False)
    return data


def serialized_if_canonical(root: etree._Element) -> bytes | None:
    """The plain serialization of ``root`` when, the tree being in canonical shape, it is its
    canonical form; ``None`` when one of the spellings C14N writes differently shows up.

    The checks look for single rare bytes where they can (``&``, ``!``, ``?``: a search for one
    byte is far cheaper than for two) and read what surrounds each hit."""
    data = etree.tostring(root, encoding="UTF-8", with_tail=False)
    end = data.find(b">") + 1
    if end <= 0 or data[end - 2] == 0x2F or not _root_start_is_canonical(root, data[:end]):  # "/>"
        return None
    if data.find(b"/>", end) >= 0 or data.find(b"xmlns", end) >= 0:
        return None  # an empty element, a namespace declared below the root
    for mark in (b"!", b"?"):  # "<!--", "<![CDATA[", "<?": comments, CDATA, instructions
        at = data.find(mark, end)
        while at >= 0:
            if data[at - 1] == 0x3C:  # "<"
                return None
            at = data.find(mark, at + 1)
    at = data.find(b"&", end)
    while at >= 0:
        if data[at + 1] == 0x23:  # "&#": a character reference
            return None
        if data.startswith(b"gt;", at + 1) and data.rfind(b">", 0, at) < data.rfind(b"<", 0, at):
            return None  # "&gt;" inside a tag: in an attribute value C14N writes ">"
        at = data.find(b"&", at + 1)
    return data


def _root_start_is_canonical(root: etree._Element, start: bytes) -> bool:
    """Whether the root's start tag as serialized is the one C14N writes (its namespace
    declarations and attributes in C14N order, no character references)."""
    known = _ROOT_STARTS.get(start)
    if known is None:
        if b"&" in start:
            return False
        alone = etree.Element(root.tag, dict(root.attrib), nsmap=root.nsmap)
        alone.text = ""
        canonical = etree.tostring(alone, method="c14n", with_comments=False)
        known = canonical.startswith(start) and canonical[len(start) : len(start) + 2] == b"</"
        if len(_ROOT_STARTS) >= _ROOT_STARTS_LIMIT:
            _ROOT_STARTS.clear()
        _ROOT_STARTS[start] = known
    return known
