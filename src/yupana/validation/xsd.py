"""XSD validation with the schemas SUNAT distributes (carried under ``yupana/data/xsd``).

The schema is chosen by the root element: UBL 2.1 for Invoice, CreditNote, DebitNote,
DespatchAdvice (and ApplicationResponse, SelfBilledInvoice); SUNAT's UBL 2.0 schemas for
SummaryDocuments, VoidedDocuments, Retention and Perception, and for the old 2.0 Invoice,
CreditNote and DebitNote when ``cbc:UBLVersionID`` says 2.0. Each schema is compiled once per
process. Failures are reported with SUNAT code 0306 ("No se puede leer (parsear) el archivo
XML", which SUNAT's General sheet applies to XSD failures too) and the XPath of the element.

SUNAT's schemas require a child in ``ext:ExtensionContent`` (the signature): validate
signed documents.
"""

from __future__ import annotations

import threading
from functools import cache
from importlib import resources
from pathlib import Path

from lxml import etree

from yupana.domain import return_codes
from yupana.domain.problems import Problems

XSD_CODE = "0306"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

SCHEMAS_21 = {
    "Invoice": "2.1/maindoc/UBL-Invoice-2.1.xsd",
    "CreditNote": "2.1/maindoc/UBL-CreditNote-2.1.xsd",
    "DebitNote": "2.1/maindoc/UBL-DebitNote-2.1.xsd",
    "DespatchAdvice": "2.1/maindoc/UBL-DespatchAdvice-2.1.xsd",
    "ApplicationResponse": "2.1/maindoc/UBL-ApplicationResponse-2.1.xsd",
    "SelfBilledInvoice": "2.1/maindoc/UBL-SelfBilledInvoice-2.1.xsd",
    "SummaryDocuments": "2.0/maindoc/UBLPE-SummaryDocuments-1.0.xsd",
    "VoidedDocuments": "2.0/maindoc/UBLPE-VoidedDocuments-1.0.xsd",
    "Retention": "2.0/maindoc/UBLPE-Retention-1.0.xsd",
    "Perception": "2.0/maindoc/UBLPE-Perception-1.0.xsd",
}
SCHEMAS_20 = {
    "Invoice": "2.0/maindoc/UBLPE-Invoice-1.0.xsd",
    "CreditNote": "2.0/maindoc/UBLPE-CreditNote-1.0.xsd",
    "DebitNote": "2.0/maindoc/UBLPE-DebitNote-1.0.xsd",
    "ApplicationResponse": "2.0/maindoc/UBLPE-ApplicationResponse-1.0.xsd",
}

XmlInput = bytes | etree._Element | etree._ElementTree


def xsd_root() -> Path:
    return Path(str(resources.files("yupana").joinpath("data/xsd")))


class _CompiledSchema:
    """An lxml schema and the lock that keeps its error log to one caller at a time."""

    def __init__(self, path: Path) -> None:
        self.schema = etree.XMLSchema(etree.parse(str(path)))
        self.lock = threading.Lock()


_compile_lock = threading.Lock()


@cache
def _compiled(relative: str) -> _CompiledSchema:
    return _CompiledSchema(xsd_root() / relative)


def _schema(relative: str) -> _CompiledSchema:
    with _compile_lock:  # compile each schema once even under concurrent first use
        return _compiled(relative)


def schema_for(root: etree._Element) -> str | None:
    """Relative path (under ``yupana/data/xsd``) of the schema for this root element."""
    name = etree.QName(root).localname
    version = (root.findtext(f"{{{CBC}}}UBLVersionID") or "").strip()
    if version == "2.0" and name in SCHEMAS_20:
        return SCHEMAS_20[name]
    return SCHEMAS_21.get(name)


def _parse(xml: XmlInput) -> etree._Element:
    if isinstance(xml, etree._ElementTree):
        return xml.getroot()
    if isinstance(xml, etree._Element):
        return xml
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(xml, parser)


def _location(path: str | None, root_name: str) -> str:
    if not path:
        return ""
    return f"/{root_name}{path[2:]}" if path.startswith("/*") else path


def validate_xsd(xml: XmlInput) -> Problems:
    """Validate a document (bytes, element or tree) against its SUNAT schema."""
    problems = Problems()
    try:
        root = _parse(xml)
    except etree.XMLSyntaxError as exc:
        problems.error(f"{return_codes.message(XSD_CODE)}: {exc}", "", XSD_CODE)
        return problems
    relative = schema_for(root)
    root_name = etree.QName(root).localname
    if relative is None:
        problems.error(
            f"{return_codes.message(XSD_CODE)}: no hay esquema SUNAT para el elemento raíz '{root_name}'",
            f"/{root_name}",
            XSD_CODE,
        )
        return problems
    compiled = _schema(relative)
    with compiled.lock:
        try:
            valid = compiled.schema.validate(root)
        except etree.XMLSchemaValidateError as exc:  # e.g. an unexpanded entity reference
            problems.error(f"{return_codes.message(XSD_CODE)}: {exc}", f"/{root_name}", XSD_CODE)
            return problems
        errors = list(compiled.schema.error_log) if not valid else []
    for error in errors:
        problems.error(
            f"{return_codes.message(XSD_CODE)}: {error.message} (línea {error.line})",
            _location(error.path, root_name),
            XSD_CODE,
        )
    return problems
