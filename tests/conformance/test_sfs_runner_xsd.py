"""validate_xsd over the shared example corpus gives the verdicts recorded in
``tools/example-results-xsd.tsv`` (lxml against the SUNAT-distributed schemas)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from paths import SUNAT
from yupana.validation.xsd import XSD_CODE, schema_for, validate_xsd

RESULTS = SUNAT / "tools" / "example-results-xsd.tsv"
_LAST_ERROR = re.compile(r":(?P<line>\d+):\d+:ERROR:\w+:\w+: (?P<message>.*)$")


@dataclass(frozen=True)
class Expected:
    path: Path
    schema: str
    verdict: str


def _rows() -> list[Expected]:
    rows = []
    for line in RESULTS.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) == 3:
            rows.append(Expected(SUNAT / cols[0], cols[1], cols[2]))
        else:  # "NOT-XML ...": the file does not parse
            rows.append(Expected(SUNAT / cols[0], "", cols[1]))
    return rows


ROWS = _rows()


def test_corpus_is_there() -> None:
    assert len(ROWS) > 250
    assert sum(r.verdict == "VALID" for r in ROWS) > 50


@pytest.mark.parametrize("row", ROWS, ids=[str(r.path.relative_to(SUNAT)) for r in ROWS])
def test_verdict_matches_the_recorded_run(row: Expected) -> None:
    data = row.path.read_bytes()
    problems = validate_xsd(data)
    if row.verdict == "VALID":
        assert problems.items == []
        assert schema_for(etree.fromstring(data)) == row.schema
        return
    assert problems.errors, "expected the document to be rejected"
    assert {p.code for p in problems.items} == {XSD_CODE}
    if row.verdict.startswith("NOT-XML"):
        return
    assert schema_for(etree.fromstring(data)) == row.schema
    recorded = _LAST_ERROR.search(row.verdict)
    assert recorded is not None
    last = problems.errors[-1]
    assert f"(línea {recorded.group('line')})" in last.message
    assert recorded.group("message")[:80] in last.message


def test_locations_are_xpaths_from_the_root() -> None:
    problems = validate_xsd((SUNAT / "examples" / "greenter-ubl-validator" / "error.xml").read_bytes())
    paths = [p.path for p in problems.errors]
    assert "/Invoice/ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent" in paths
    assert "/Invoice" in paths


def test_accepts_elements_and_trees() -> None:
    valid = next(r for r in ROWS if r.verdict == "VALID" and "2.1/maindoc/UBL-Invoice" in r.schema)
    tree = etree.parse(str(valid.path))
    assert validate_xsd(tree).items == []
    assert validate_xsd(tree.getroot()).items == []


def test_unknown_root_element() -> None:
    problems = validate_xsd(b"<Factura><ID>1</ID></Factura>")
    (error,) = problems.errors
    assert error.code == XSD_CODE and error.path == "/Factura"


def test_not_xml() -> None:
    (error,) = validate_xsd(b"not xml at all").errors
    assert error.code == XSD_CODE


def test_entities_are_not_expanded() -> None:
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&x;</Invoice>'
    )
    problems = validate_xsd(evil)
    assert problems.errors
    assert all("root:" not in p.message for p in problems.items)
