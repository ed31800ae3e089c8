"""Small element builders shared by every UBL writer.

Each appends one element to ``parent`` and returns it. Text passed to :func:`text` is free text
(names, descriptions, addresses) and is cleaned; :func:`code` takes values that are codes or
numbers already formatted.

Setting attributes is the dearest part of building a tree with lxml, and SUNAT's attributes
(code-list names, currencies, units) repeat from document to document. So an element with a
given tag and attribute set is built once, inside a :func:`template_holder`, and copied into each
document with :func:`paste`: one C-level copy instead of an element plus each attribute. Even
without attributes a copy is cheaper than a new element (lxml checks the name and looks up its
namespace for every new element), so :func:`code` and :func:`text` copy every leaf. Larger
blocks whose shape repeats (a tax subtotal of one tributo and rate, the issuer's party, a plain
document line) are templated the same way by their writers, and cost little more than one
element. Templates are never modified once built.

Every attributed element of a document comes from a template made here, with its attributes in
C14N's order: together with namespaces declared on the root only, that puts documents in the
*canonical shape* the signer relies on (:mod:`yupana.signing.canonical`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from decimal import Decimal
from typing import TypeGuard, TypeVar

from lxml import etree

from yupana.domain.problems import InvalidDocument
from yupana.ubl import formats
from yupana.ubl.code_lists import Attributes
from yupana.ubl.namespaces import EXT, INVOICE_NS, nsmap

Element = etree._Element
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

sub = etree.SubElement
_HOLDER_NSMAP = nsmap(INVOICE_NS)
ZERO = Decimal(0)
_LEAVES: dict[tuple[str, Attributes], Element] = {}
_AMOUNTS: dict[tuple[str, str], Element] = {}


def template_holder() -> Element:
    """A parent for template blocks, declaring the prefixes documents declare (so a pasted copy
    needs no namespace declarations of its own)."""
    return etree.Element(EXT.Templates, nsmap=_HOLDER_NSMAP)


def paste(parent: Element, template: Element) -> Element:
    """Append a copy of ``template`` to ``parent`` and return the copy."""
    element = template.__copy__()
    parent.append(element)
    return element


def remembered(store: dict[K, V], key: K, build: Callable[[], V], limit: int = 1024) -> V:
    """``store[key]``, built on first use; the store is emptied when it reaches ``limit`` entries."""
    found = store.get(key)
    if found is None:
        if len(store) >= limit:
            store.clear()
        found = store[key] = build()
    return found


def _leaf(tag: str, attributes: Attributes) -> Element:
    # In C14N's order (no-namespace attributes by name), so that a document's plain serialization
    # is its canonical form (see yupana.signing.canonical).
    return sub(template_holder(), tag, dict(sorted(attributes)))


def leaf(parent: Element, tag: str, attributes: Attributes = ()) -> Element:
    """An empty element with SUNAT's attributes, copied from its template."""
    key = (tag, attributes)
    template = _LEAVES.get(key)
    if template is None:
        template = remembered(_LEAVES, key, lambda: _leaf(tag, attributes), 4096)
    element = template.__copy__()
    parent.append(element)
    return element


def fill(element: Element, value: str) -> None:
    """Write a code, identifier or preformatted value into ``element`` (of a pasted template)."""
    try:
        element.text = value
    except ValueError:  # a character XML cannot carry
        element.text = formats.clean(value)


def code(parent: Element, tag: str, value: str, attributes: Attributes = ()) -> Element:
    """An element holding a code, identifier or preformatted value, with SUNAT's attributes."""
    element = leaf(parent, tag, attributes)
    fill(element, value)
    return element


def text(parent: Element, tag: str, value: str) -> Element:
    """An element holding free text (cleaned of characters XML forbids)."""
    element = leaf(parent, tag)
    element.text = formats.clean(value)
    return element


def _with_currency(parent: Element, tag: str, currency: str) -> Element:
    key = (tag, currency)
    template = _AMOUNTS.get(key)
    if template is None:
        template = remembered(
            _AMOUNTS, key, lambda: sub(template_holder(), tag, {"currencyID": currency}), 4096
        )
    element = template.__copy__()
    parent.append(element)
    return element


def amount(parent: Element, tag: str, value: Decimal, currency: str) -> Element:
    """An amount with two decimals and its ``currencyID``."""
    element = _with_currency(parent, tag, currency)
    element.text = formats.amount(value)
    return element


def price(parent: Element, tag: str, value: Decimal, currency: str) -> Element:
    """A unit value or price (up to ten decimals) and its ``currencyID``."""
    element = _with_currency(parent, tag, currency)
    element.text = formats.unit_value(value)
    return element


def required(value: Decimal | None, path: str) -> Decimal:
    """An amount the XML cannot do without; missing means the document was not completed."""
    if value is None:
        raise InvalidDocument.single(
            f"{path} is missing: the document's amounts must be completed first", path
        )
    return value


def has_text(value: str | None) -> TypeGuard[str]:
    """Whether an optional text field carries something worth writing."""
    return bool(value and value.strip())
