"""The canonical form taken from a plain serialization: the same bytes as libxml2's C14N for every
document the writers build, and libxml2's C14N itself wherever the spellings could differ."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from ubl_sale_cases import CASES
from yupana.dialects.native.issuer import parse_issuer
from yupana.dialects.registry import dialect
from yupana.service.families import family_of
from yupana.signing.canonical import canonical_form, serialized_if_canonical
from yupana.signing.xmldsig import signature_slot

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "documents").glob("*.json"))
ISSUER = ROOT / "examples" / "issuer.json"
INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def c14n(root: etree._Element) -> bytes:
    return etree.tostring(root, method="c14n", with_comments=False)


def unsigned_tree(doc: object) -> etree._Element:
    """The tree the signer canonicalizes: the written document with its empty signature slot."""
    family = family_of(doc)
    family.complete(doc)
    family.finish(doc)
    root = family.write(doc)
    signature_slot(root).text = ""
    return root


def _load(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_family_is_written_in_canonical_shape(example: Path) -> None:
    doc = dialect("native").parse(_load(example), parse_issuer(_load(ISSUER)))
    root = unsigned_tree(doc)
    serialized = serialized_if_canonical(root)
    assert serialized is not None, "the plain serialization was not taken as the canonical form"
    assert serialized == c14n(root)


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_sale_case_is_written_in_canonical_shape(case: str) -> None:
    root = unsigned_tree(CASES[case]())
    serialized = serialized_if_canonical(root)
    assert serialized is not None
    assert serialized == c14n(root)


def _invoice(nsmap: dict[str | None, str], texts: list[str], attributes: dict[str, str]) -> etree._Element:
    root = etree.Element(f"{{{INVOICE}}}Invoice", nsmap=nsmap)
    for value in texts:
        etree.SubElement(root, f"{{{CBC}}}Note", attributes).text = value
    return root


PLAIN_NSMAP: dict[str | None, str] = {None: INVOICE, "cbc": CBC}


@pytest.mark.parametrize(
    "texts, attributes",
    [
        (["a\rb"], {}),  # &#13; against &#xD;
        (["1 > 0"], {}),
        (["x"], {"name": "a > b"}),  # '>' is escaped by the serializer only
        (["x"], {"name": "tab\there"}),
        (["x"], {"name": "line\nbreak"}),
        (["x"], {"name": "cr\rhere"}),
        ([""], {}),
        (["<cbc:Note/> written as text"], {}),
        (["\"quoted\" & 'single'"], {"name": 'say "hi" & <bye>'}),
        (["xmlns:cbc in a text"], {}),
        (["ÑANDÚ €"], {"name": "ñ"}),
    ],
)
def test_spellings_that_differ_fall_back_to_c14n(texts: list[str], attributes: dict[str, str]) -> None:
    root = _invoice(PLAIN_NSMAP, texts, attributes)
    assert canonical_form(root) == c14n(root)


def test_an_empty_element_is_not_taken_from_the_serialization() -> None:
    root = _invoice(PLAIN_NSMAP, ["x"], {})
    etree.SubElement(root, f"{{{CBC}}}ID")
    assert serialized_if_canonical(root) is None
    assert canonical_form(root) == c14n(root)


def test_declarations_out_of_c14n_order_fall_back_to_c14n() -> None:
    root = _invoice({"cbc": CBC, None: INVOICE, "a": "urn:a"}, ["x"], {})
    assert serialized_if_canonical(root) is None
    assert canonical_form(root) == c14n(root)


def test_a_declaration_below_the_root_falls_back_to_c14n() -> None:
    root = _invoice(PLAIN_NSMAP, ["x"], {})
    etree.SubElement(root, "{urn:other}Extra", nsmap={"o": "urn:other"}).text = "y"
    assert serialized_if_canonical(root) is None
    assert canonical_form(root) == c14n(root)


def test_comments_cdata_and_processing_instructions_fall_back_to_c14n() -> None:
    root = _invoice(PLAIN_NSMAP, ["x"], {})
    root.append(etree.Comment("a comment"))
    root.append(etree.ProcessingInstruction("pi", "data"))
    note = etree.SubElement(root, f"{{{CBC}}}Note")
    note.text = etree.CDATA("<b>bold</b>")
    assert serialized_if_canonical(root) is None
    assert canonical_form(root) == c14n(root)


def test_root_attributes_out_of_order_fall_back_to_c14n() -> None:
    root = etree.Element(f"{{{INVOICE}}}Invoice", {"z": "1", "a": "2"}, nsmap=PLAIN_NSMAP)
    root.text = ""
    assert serialized_if_canonical(root) is None
    assert canonical_form(root) == c14n(root)


def test_a_tail_after_the_root_is_not_part_of_the_canonical_form() -> None:
    root = _invoice(PLAIN_NSMAP, ["x"], {})
    root.tail = "\n"
    assert canonical_form(root) == c14n(root)


def test_the_tree_is_left_as_it_was() -> None:
    root = _invoice(PLAIN_NSMAP, ["x"], {"name": "n"})
    before = copy.deepcopy(root)
    canonical_form(root)
    assert etree.tostring(root) == etree.tostring(before)
