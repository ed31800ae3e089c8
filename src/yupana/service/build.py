"""Issuing a sales document offline: complete or check amounts, validate, write UBL, sign.

One straight road per document: the domain document is enriched once (``calc``), checked once
(native rules, then SUNAT's XSD and, when configured, SUNAT's SFS stylesheets), written once
and signed once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from yupana.calc import process as calc_process
from yupana.domain.problems import InvalidDocument, Problem, Problems
from yupana.domain.sale import Legend, SaleDocument
from yupana.printing.amount_words import amount_in_words
from yupana.signing.xmldsig import Signer
from yupana.ubl.namespaces import SIGNATURE_ID
from yupana.ubl.sale import build_sale
from yupana.validation.native import NativeOptions, validate_sale
from yupana.validation.sfs import SfsValidator
from yupana.validation.xsd import validate_xsd

PathTranslator = Callable[[str], str]


def _same_path(path: str) -> str:
    return path


@dataclass(slots=True)
class BuiltDocument:
    """A signed document ready to store and send."""

    document: SaleDocument
    xml: bytes
    hash: str
    warnings: list[Problem] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return f"{self.document.file_stem}.xml"


class SaleBuilder:
    """Turns domain sales documents into signed UBL, or raises ``InvalidDocument``."""

    def __init__(
        self,
        signer: Signer,
        sunat_rules: Path | None = None,
        rules: NativeOptions | None = None,
        *,
        xsd: bool = True,
    ) -> None:
        """``sunat_rules``: folder of SUNAT's SFS stylesheets (``None``: not run). ``xsd``: check every
        signed document against SUNAT's XSD (the writer is conformance-tested against it; turning this
        off trades a per-document safety net for speed)."""
        self.signer = signer
        self.sfs = SfsValidator(sunat_rules) if sunat_rules else None
        self.rules = rules or NativeOptions()
        self.xsd = xsd

    def build(self, doc: SaleDocument, translate_path: PathTranslator = _same_path) -> BuiltDocument:
        problems = _unique(calc_process(doc), validate_sale(doc, options=self.rules))
        _raise_translated(problems, translate_path)
        _add_amount_legend(doc)

        root = build_sale(doc)
        digest = self.signer.sign(root, SIGNATURE_ID)
        xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")

        checks = Problems()
        if self.xsd:
            checks.extend(validate_xsd(root))
        if self.sfs is not None and not checks.errors:
            checks.extend(self.sfs.validate(xml, f"{doc.file_stem}.xml"))
        checks.raise_if_errors()
        warnings = [_translated(p, translate_path) for p in problems.warnings] + checks.warnings
        return BuiltDocument(doc, xml, digest, warnings)


def _unique(*groups: Problems) -> Problems:
    """The problems of every group, each (severity, code, path) once: arithmetic and native rules
    both watch a few fields (quantities, cuotas) and may report the same finding."""
    seen: set[tuple[str, str | None, str]] = set()
    merged = Problems()
    for group in groups:
        for problem in group.items:
            key = (problem.severity.value, problem.code, problem.path)
            if key not in seen:
                seen.add(key)
                merged.items.append(problem)
    return merged


def _add_amount_legend(doc: SaleDocument) -> None:
    """Legend 1000: the total in words, unless the caller wrote it."""
    if any(legend.codigo == "1000" for legend in doc.legends):
        return
    total = doc.totals.importe_total
    if total is None:
        return
    doc.legends.insert(0, Legend("1000", amount_in_words(total, doc.moneda)))


def _translated(problem: Problem, translate_path: PathTranslator) -> Problem:
    if not problem.path:
        return problem
    return Problem(problem.message, translate_path(problem.path), problem.code, problem.severity)


def _raise_translated(problems: Problems, translate_path: PathTranslator) -> None:
    if problems.errors:
        raise InvalidDocument(
            [_translated(p, translate_path) for p in problems.errors],
            [_translated(p, translate_path) for p in problems.warnings],
        )
