"""Reading what a client sent and judging it, in SUNAT's order, with SUNAT's codes.

1. the ZIP: empty (0155), corrupt (0156), without files (0157), more than one file where one is
   expected (0158), an XML name that is not SUNAT's (0159) or not the ZIP's (0161), an empty XML
   (0160);
2. the XML: well-formed, no DOCTYPE (0306);
3. its name against its content (1034, 1035, 1036, 1003, 1004; 2220/2221 for summaries), as the
   stylesheets compare them (``facts.name_mismatch``); when the stylesheets run (step 6) they
   make these comparisons themselves, and only the document type is checked here (1003/1004);
4. the signature (check ``signature``): none at all 2085, any other failure 2335
   (``yupana.signing.verify``);
5. SUNAT's XSD (check ``xsd``): 0306 with the schema's message;
6. SUNAT's SFS stylesheets when a rules folder is configured (check ``sfs``): the first
   rejection stops, observations (4000+) become the CDR's notes.

Duplicates and summaries' references need the registry and are the backend's business.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from lxml import etree

from yupana.domain import return_codes
from yupana.signing.verify import verify
from yupana.simulator.config import SimulatorSettings
from yupana.simulator.facts import Facts, name_mismatch, read_facts, type_mismatch
from yupana.simulator.filenames import SunatName, parse_xml_name
from yupana.sunat.archive import ArchiveEntry, ArchiveError, read_entries
from yupana.validation.xsd import validate_xsd

DS = "http://www.w3.org/2000/09/xmldsig#"


@dataclass(frozen=True, slots=True)
class Verdict:
    """SUNAT's answer to one document: ``code`` "0" (accepted, maybe with notes) or the code
    of the exception (0100–1999) or rejection (2000–3999) that stopped it."""

    code: str
    detail: str = ""  # what was found, in the words of the check that found it
    notes: tuple[tuple[str, str], ...] = ()
    by_stylesheet: bool = False  # found by SUNAT's SFS stylesheets

    @property
    def accepted(self) -> bool:
        return self.code == "0"

    @property
    def is_rejection(self) -> bool:
        return not self.accepted and return_codes.severity(self.code) is return_codes.ReturnSeverity.REJECTION

    @property
    def message(self) -> str:
        return return_codes.message(self.code) if not self.accepted else ""


@dataclass(slots=True)
class Examined:
    """One XML and what was found in it."""

    name: SunatName
    entry_name: str
    xml: bytes
    verdict: Verdict
    facts: Facts = field(default_factory=lambda: Facts("", "", "6-"))

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.xml).hexdigest()


class Refused(Exception):
    """A request SUNAT refuses outright (an exception code, no CDR)."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = return_codes.normalize(code)
        self.detail = detail
        super().__init__(f"{self.code} {return_codes.message(self.code)}{' - ' + detail if detail else ''}")

    @property
    def message(self) -> str:
        return return_codes.message(self.code)


def unpack(data: bytes, zip_name: SunatName, *, many: bool = False) -> list[ArchiveEntry]:
    """The XML files of a ZIP received under ``zip_name`` (one, unless ``many``), or ``Refused``."""
    if not data:
        raise Refused("0155")
    try:
        entries = read_entries(data)
    except ArchiveError as exc:
        raise Refused("0156", str(exc)) from exc
    if not entries:
        raise Refused("0157")
    if not many and len(entries) > 1:
        raise Refused("0158", f"{len(entries)} archivos")
    for entry in entries:
        xml_name = None if "/" in entry.name or "\\" in entry.name else parse_xml_name(entry.name)
        if xml_name is None:
            raise Refused("0159", entry.name)
        if not many and xml_name.stem != zip_name.stem:
            raise Refused("0161", f"{entry.name} en {zip_name.stem}.zip")
        if not entry.content.strip():
            raise Refused("0160", entry.name)
    return entries


def _parse(xml: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    tree = etree.ElementTree(etree.fromstring(xml, parser))
    if tree.docinfo.doctype:
        raise ValueError("el XML declara un DOCTYPE")
    return tree.getroot()


class Examiner:
    """Runs the checks the settings ask for; one per simulator (the stylesheets compile once)."""

    def __init__(self, settings: SimulatorSettings) -> None:
        self.settings = settings
        self.sfs = None
        if settings.rules_dir is not None:
            from yupana.validation.sfs import SfsValidator

            self.sfs = SfsValidator(settings.rules_dir)

    def examine(self, entry_name: str, xml: bytes, name: SunatName, settings: SimulatorSettings) -> Examined:
        """The verdict on one XML (``settings`` as they are now: the admin may change checks)."""
        try:
            root = _parse(xml)
        except (etree.XMLSyntaxError, ValueError) as exc:
            return Examined(name, entry_name, xml, Verdict("0306", str(exc)))
        facts = read_facts(root)
        stylesheet = (
            self.sfs
            if self.sfs is not None and settings.runs("sfs") and self.sfs.supports(name.tipo)
            else None
        )
        mismatch = (
            type_mismatch(root, name, exact=False) if stylesheet is not None else name_mismatch(root, name)
        )
        if mismatch is not None:
            return Examined(name, entry_name, xml, Verdict(mismatch.code, mismatch.detail), facts)
        if settings.runs("signature"):
            if next(root.iter(f"{{{DS}}}Signature"), None) is None:
                return Examined(name, entry_name, xml, Verdict("2085", "el XML no tiene ds:Signature"), facts)
            result = verify(xml)
            if not result.valid:
                return Examined(name, entry_name, xml, Verdict("2335", result.message), facts)
        if settings.runs("xsd"):
            problems = validate_xsd(root)
            if problems.errors:
                first = problems.errors[0]
                return Examined(name, entry_name, xml, Verdict("0306", first.message), facts)
        notes: tuple[tuple[str, str], ...] = ()
        if stylesheet is not None:
            verdict = stylesheet.check(xml, entry_name)
            notes = tuple(
                (p.code, return_codes.message(p.code))
                for p in verdict.problems.warnings
                if p.code is not None
            )
            if verdict.problems.errors:
                first = verdict.problems.errors[0]
                code = return_codes.normalize(first.code) if first.code else "0305"
                return Examined(name, entry_name, xml, Verdict(code, first.message, notes, True), facts)
        return Examined(name, entry_name, xml, Verdict("0", "", notes), facts)
