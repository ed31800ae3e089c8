"""Issuing a document offline: complete or check amounts, validate, write UBL, sign.

One straight road per document, whatever its family (``service.families``): the domain document is
enriched once (``calc``), checked once (native rules, then SUNAT's XSD and, when configured, SUNAT's
SFS stylesheets), written once and signed once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yupana.domain.problems import InvalidDocument, Problem, Problems, Severity
from yupana.service.families import SEND_WINDOW_CODES, RuleSettings, family_of
from yupana.signing.xmldsig import Signer
from yupana.ubl.namespaces import SIGNATURE_ID
from yupana.validation.sfs import SfsValidator
from yupana.validation.xsd import validate_xsd

PathTranslator = Callable[[str], str]


def _same_path(path: str) -> str:
    return path


@dataclass(slots=True)
class BuiltDocument:
    """A signed document ready to store and send."""

    document: Any
    xml: bytes
    hash: str
    warnings: list[Problem] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return f"{self.document.file_stem}.xml"


class DocumentBuilder:
    """Turns domain documents of every family into signed UBL, or raises ``InvalidDocument``."""

    def __init__(
        self,
        signer: Signer,
        sunat_rules: Path | None = None,
        settings: RuleSettings | None = None,
        *,
        xsd: bool = True,
        offline: bool = False,
    ) -> None:
        """``sunat_rules``: folder of SUNAT's SFS stylesheets (``None``: not run). ``xsd``: check every
        signed document against SUNAT's XSD (the writers are conformance-tested against it; turning
        this off trades a per-document safety net for speed). ``offline``: the document is built, not
        sent, so SUNAT's send windows (``SEND_WINDOW_CODES``) are reported as warnings."""
        self.signer = signer
        self.sfs = SfsValidator(sunat_rules) if sunat_rules else None
        self.settings = settings or RuleSettings()
        self.xsd = xsd
        self.offline = offline

    def build(self, doc: Any, translate_path: PathTranslator = _same_path) -> BuiltDocument:
        family = family_of(doc)
        problems = _unique(family.complete(doc), family.validate(doc, self.settings))
        if self.offline:
            problems = _send_windows_as_warnings(problems)
        _raise_translated(problems, translate_path)
        family.finish(doc)

        root = family.write(doc)
        digest, xml = self.signer.sign_serialized(root, SIGNATURE_ID, canonical_shape=True)

        checks = Problems()
        if self.xsd:
            checks.extend(validate_xsd(root))
        if self.sfs is not None and not checks.errors:
            checks.extend(self.sfs.validate(xml, f"{doc.file_stem}.xml"))
        checks.raise_if_errors()
        warnings = [_translated(p, translate_path) for p in problems.warnings] + checks.warnings
        return BuiltDocument(doc, xml, digest, warnings)


def _send_windows_as_warnings(problems: Problems) -> Problems:
    return Problems(
        [
            Problem(p.message, p.path, p.code, Severity.WARNING) if p.code in SEND_WINDOW_CODES else p
            for p in problems.items
        ]
    )


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
