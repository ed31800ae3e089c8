"""A small reader for ASN.1 DER (and the BER forms PKCS#12 files use).

Only what the signing room needs to look inside certificates and PKCS#12 files that
``cryptography`` refuses: walk tag-length-value items, read integers, object identifiers
and octet strings. BER indefinite lengths and constructed octet strings are accepted
because PKCS#12 files written by Windows and Java use them.
"""

from __future__ import annotations

from dataclasses import dataclass

_MAX_DEPTH = 64

SEQUENCE = 0x30
SET = 0x31
INTEGER = 0x02
OCTET_STRING = 0x04
OBJECT_IDENTIFIER = 0x06


class DerError(ValueError):
    """The bytes are not the ASN.1 structure expected."""


@dataclass(frozen=True, slots=True)
class Item:
    """One tag-length-value item: its tag byte and where its content lies in ``data``."""

    data: bytes
    tag: int
    start: int  # first byte of the tag
    content_start: int
    content_end: int
    end: int  # first byte after the item (after end-of-contents for indefinite lengths)
    indefinite: bool = False

    @property
    def constructed(self) -> bool:
        return bool(self.tag & 0x20)

    @property
    def content(self) -> bytes:
        return self.data[self.content_start : self.content_end]

    @property
    def encoded(self) -> bytes:
        return self.data[self.start : self.end]

    def children(self) -> list[Item]:
        if not self.constructed:
            raise DerError(f"item with tag 0x{self.tag:02x} has no children")
        return _items(self.data, self.content_start, self.content_end, 0)

    def expect(self, tag: int) -> Item:
        if self.tag != tag:
            raise DerError(f"expected tag 0x{tag:02x}, found 0x{self.tag:02x}")
        return self


def read(data: bytes, pos: int = 0, end: int | None = None) -> Item:
    """Read the item starting at ``pos``."""
    return _read(data, pos, len(data) if end is None else end, 0)


def read_all(data: bytes) -> Item:
    """Read ``data`` as exactly one item (trailing bytes are an error)."""
    item = read(data)
    if item.end != len(data):
        raise DerError("trailing bytes after the ASN.1 structure")
    return item


def _read(data: bytes, pos: int, limit: int, depth: int) -> Item:
    if depth > _MAX_DEPTH:
        raise DerError("ASN.1 structure nested too deeply")
    if pos + 2 > limit:
        raise DerError("truncated ASN.1 item")
    start = pos
    tag = data[pos]
    pos += 1
    if tag & 0x1F == 0x1F:  # high tag number: skip its continuation bytes
        while True:
            if pos >= limit:
                raise DerError("truncated ASN.1 tag")
            more = data[pos] & 0x80
            pos += 1
            if not more:
                break
    if pos >= limit:
        raise DerError("truncated ASN.1 length")
    first = data[pos]
    pos += 1
    if first == 0x80:
        if not tag & 0x20:
            raise DerError("indefinite length on a primitive item")
        cursor = pos
        while True:
            if cursor + 2 > limit:
                raise DerError("missing end-of-contents")
            if data[cursor] == 0 and data[cursor + 1] == 0:
                return Item(data, tag, start, pos, cursor, cursor + 2, True)
            cursor = _read(data, cursor, limit, depth + 1).end
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count > 8 or pos + count > limit:
            raise DerError("bad ASN.1 length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    end = pos + length
    if end > limit:
        raise DerError("ASN.1 item longer than its container")
    return Item(data, tag, start, pos, end, end)


def _items(data: bytes, pos: int, end: int, depth: int) -> list[Item]:
    out: list[Item] = []
    while pos < end:
        item = _read(data, pos, end, depth + 1)
        out.append(item)
        pos = item.end
    return out


def integer(item: Item) -> int:
    item.expect(INTEGER)
    if item.content_start == item.content_end:
        raise DerError("empty INTEGER")
    return int.from_bytes(item.content, "big", signed=True)


def oid(item: Item) -> str:
    item.expect(OBJECT_IDENTIFIER)
    raw = item.content
    if not raw:
        raise DerError("empty OBJECT IDENTIFIER")
    arcs: list[int] = []
    value = 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    if raw[-1] & 0x80:
        raise DerError("truncated OBJECT IDENTIFIER")
    head = arcs[0]
    first, second = (0, head) if head < 40 else (1, head - 40) if head < 80 else (2, head - 80)
    return ".".join(str(a) for a in (first, second, *arcs[1:]))


def octets(item: Item) -> bytes:
    """Content of an OCTET STRING, also in its BER constructed (segmented) form.

    Works for context-tagged IMPLICIT octet strings too (the tag's class is not checked,
    only whether it is primitive or constructed).
    """
    if not item.constructed:
        return item.content
    return b"".join(octets(child) for child in item.children())
