"""Issuing a guía de remisión (09/31) the way the server does, for the conformance tests: native
rules, UBL, signature, then the independent checks (python-xmlsec, SUNAT's XSD, SUNAT's SFS
stylesheet) and the data read back from the signed XML."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lxml import etree

from signature_check import assert_xmlsec_verifies
from yupana.domain.despatch import DespatchDocument
from yupana.domain.problems import InvalidDocument, Problem, Problems
from yupana.signing.xmldsig import Signer
from yupana.ubl.despatch import build_despatch
from yupana.ubl.namespaces import SIGNATURE_ID
from yupana.validation.despatch import validate_despatch
from yupana.validation.sfs import SfsValidator
from yupana.validation.xsd import validate_xsd

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
}


@dataclass(slots=True)
class Issued:
    xml: bytes
    root: etree._Element
    warnings: list[Problem]
    sfs_warnings: list[Problem]

    def text(self, path: str) -> str | None:
        return self.root.findtext(path, namespaces=NS)

    def texts(self, path: str) -> list[str]:
        return [node.text or "" for node in self.root.findall(path, namespaces=NS)]

    def attribute(self, path: str, name: str) -> str | None:
        node = self.root.find(path, namespaces=NS)
        return None if node is None else node.get(name)

    def count(self, path: str) -> int:
        return len(self.root.findall(path, namespaces=NS))

    @property
    def warning_codes(self) -> set[str | None]:
        return {p.code for p in self.warnings}

    @property
    def sfs_codes(self) -> set[str | None]:
        return {p.code for p in self.sfs_warnings}


def check(doc: DespatchDocument, today: date | None = None) -> Problems:
    return validate_despatch(doc, today=today)


def rejection(doc: DespatchDocument, today: date | None = None) -> list[tuple[str | None, str]]:
    """(code, path) of every error the native rules find; the document must be refused."""
    try:
        check(doc, today).raise_if_errors()
    except InvalidDocument as exc:
        return [(p.code, p.path) for p in exc.errors]
    raise AssertionError(f"{doc.file_stem} was not refused")


def issue(doc: DespatchDocument, signer: Signer, sfs: SfsValidator, today: date | None = None) -> Issued:
    """Validate, build, sign and verify ``doc``; fails the test on any error of any stage."""
    problems = check(doc, today)
    problems.raise_if_errors()
    root = build_despatch(doc)
    signer.sign(root, SIGNATURE_ID)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    assert_xmlsec_verifies(xml)
    schema = validate_xsd(root)
    assert not schema.errors, [p.as_dict() for p in schema.errors]
    verdict = sfs.check(xml, f"{doc.file_stem}.xml")
    assert not verdict.problems.errors, [p.as_dict() for p in verdict.problems.errors]
    return Issued(xml, root, problems.warnings, verdict.problems.warnings)
