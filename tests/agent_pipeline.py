"""Issuing a retention (20) or perception (40) the way the server does, for the conformance tests:
complete or check the amounts, native rules, UBL, signature, then the independent checks
(python-xmlsec, SUNAT's XSD, SUNAT's SFS stylesheet) and the amounts read back from the XML."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

from signature_check import assert_xmlsec_verifies
from yupana.calc.perception import process_perception
from yupana.calc.retention import process_retention
from yupana.domain.perception import PerceptionDocument
from yupana.domain.problems import Problem, Problems
from yupana.domain.retention import RetentionDocument
from yupana.signing.xmldsig import Signer
from yupana.ubl.namespaces import SIGNATURE_ID
from yupana.ubl.perception import build_perception
from yupana.ubl.retention import build_retention
from yupana.validation.perception import validate_perception
from yupana.validation.retention import validate_retention
from yupana.validation.sfs import SfsValidator
from yupana.validation.xsd import validate_xsd

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "sac": "urn:sunat:names:specification:ubl:peru:schema:xsd:SunatAggregateComponents-1",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
}

AgentDocument = RetentionDocument | PerceptionDocument


@dataclass(slots=True)
class Issued:
    xml: bytes
    root: etree._Element
    warnings: list[Problem]

    def text(self, path: str) -> str | None:
        return self.root.findtext(path, namespaces=NS)

    def texts(self, path: str) -> list[str]:
        return [node.text or "" for node in self.root.findall(path, namespaces=NS)]

    def amounts(self, path: str) -> list[Decimal]:
        return [Decimal(text) for text in self.texts(path)]

    def attributes(self, path: str, name: str) -> list[str | None]:
        return [node.get(name) for node in self.root.findall(path, namespaces=NS)]

    def count(self, path: str) -> int:
        return len(self.root.findall(path, namespaces=NS))


def check(doc: AgentDocument, today: date | None = None) -> Problems:
    """What the calculator and the native rules say about ``doc`` (amounts completed in place)."""
    problems = Problems()
    if isinstance(doc, RetentionDocument):
        problems.extend(process_retention(doc))
        problems.extend(validate_retention(doc, today=today))
    else:
        problems.extend(process_perception(doc))
        problems.extend(validate_perception(doc, today=today))
    return problems


def issue(doc: AgentDocument, signer: Signer, sfs: SfsValidator, today: date | None = None) -> Issued:
    """Build, sign and verify ``doc``; fails the test on any error of any stage."""
    problems = check(doc, today)
    problems.raise_if_errors()
    root = build_retention(doc) if isinstance(doc, RetentionDocument) else build_perception(doc)
    signer.sign(root, SIGNATURE_ID)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    assert_xmlsec_verifies(xml)
    xsd = validate_xsd(etree.fromstring(xml))
    assert not xsd.errors, [p.as_dict() for p in xsd.errors]
    verdict = sfs.check(xml, f"{doc.file_stem}.xml")
    assert verdict.accepted, [p.as_dict() for p in verdict.problems.errors]
    assert not verdict.problems.warnings, [p.as_dict() for p in verdict.problems.warnings]
    return Issued(xml, etree.fromstring(xml), problems.warnings)
