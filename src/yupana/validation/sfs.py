"""SUNAT's own validation stylesheets (the SFS "Facturador" XSL), run unmodified with Saxon-HE.

The stylesheets are read from a SUNAT rules directory: the directory that *contains*
``sunat_archivos/`` (as shipped in the SFS update), configured with ``YUPANA_SUNAT_RULES`` or
passed to ``SfsValidator``. They are never copied into Yupana. Each stylesheet is compiled from
its text with that directory as the working directory (its includes are relative to it), once
per process, and every Saxon call is serialised by one lock (Saxon's processor is shared).

What the stylesheets say is translated into problems:

- the terminating ``xsl:message`` (``errorCode NNNN (nodo: "…" valor: "…")``) is the rejection:
  one error with that code, SUNAT's message, and the node and value;
- every non-terminating message (observations, codes 4xxx, and the few 3xxx the SFS reports
  without stopping) is a warning.

Known divergences between the SFS stylesheets and SUNAT's servers are listed in
``KNOWN_DIVERGENCES``; the validator re-checks the real condition and, when the SFS verdict is
one of them, validates again without the block the SFS misreads (see ``KnownDivergence``).

Saxon is the optional dependency ``saxonche`` (``pip install yupana[sunat-xsl]``).
"""

from __future__ import annotations

import copy
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from yupana.domain import return_codes
from yupana.domain.problems import Problems

RULES_ENV = "YUPANA_SUNAT_RULES"
VALIDATION_DIR = "sunat_archivos/sfs/VALI/commons/xsl/validation"
STYLESHEETS = {
    "01": "2.X/ValidaExprRegFactura-2.0.1.xsl",
    "03": "2.X/ValidaExprRegBoleta-2.0.1.xsl",
    "07": "2.X/ValidaExprRegNC-2.0.1.xsl",
    "08": "2.X/ValidaExprRegND-2.0.1.xsl",
    "09": "2.X/ValidaExprRegGreRemitente-2.0.1.xsl",
    "31": "2.X/ValidaExprRegGreTransportista-2.0.1.xsl",
    "RC": "1.X/ValidaExprRegSummary-1.1.0.xsl",
    "RA": "1.X/ValidaExprRegSummaryVoided-1.0.1.xsl",
    "RR": "1.X/ValidaExprRegOtrosVoided-1.0.1.xsl",
    "20": "1.X/ValidaExprRegRetencion-1.0.3.xsl",
    "40": "1.X/ValidaExprRegPercepcion-1.0.1.xsl",
}
# Saxon-HE has no EXSLT regexp:match, which the RR stylesheet calls; this definition is added
# to the stylesheet text in memory (the file stays untouched). The patterns use Java regex
# syntax ("(?:", "(?!", "\/"), hence the ";j" flag.
REGEXP_MATCH_SHIM = (
    '<xsl:function name="regexp:match"><xsl:param name="s"/><xsl:param name="re"/>'
    "<xsl:sequence select=\"matches(string($s[1]), $re, ';j')\"/></xsl:function>"
)
SHIMMED = {"RR": REGEXP_MATCH_SHIM}

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
_CODE = re.compile(r"errorCode\s+(\d+)")
# Stylesheets that write the code first: " error: 2073 Error resumen ..." (rejection) or
# "20852085 Error resumen ..." (observation: code, then the message starting with the code).
_LEADING_CODE = re.compile(r"^\s*(?:error:\s*)?(\d{4})")
_NODE = re.compile(r'\(nodo:\s*"(?P<node>[^"]*)"\s+valor:\s*"(?P<value>.*)"\)', re.S)

_SAXON_LOCK = threading.RLock()
_processor: Any = None
_compiled: dict[tuple[str, str], Any] = {}


class SfsUnavailable(RuntimeError):
    """SUNAT's stylesheets cannot run here: saxonche is not installed or no rules directory."""


# -- the document: type and SUNAT file name ----------------------------------------------------


def _text(root: etree._Element, xpath: str) -> str:
    return (root.findtext(xpath, namespaces=NS) or "").strip()


def document_type(root: etree._Element) -> str | None:
    """The SFS document type of a parsed document (01, 03, 07, 08, 09, 31, RC, RA, RR, 20, 40)."""
    name = etree.QName(root).localname
    if name == "Invoice":
        return _text(root, "cbc:InvoiceTypeCode") or None
    if name == "DespatchAdvice":
        return _text(root, "cbc:DespatchAdviceTypeCode") or None
    if name in ("SummaryDocuments", "VoidedDocuments"):
        return _text(root, "cbc:ID").split("-")[0] or None
    return {"CreditNote": "07", "DebitNote": "08", "Retention": "20", "Perception": "40"}.get(name)


_ISSUER_PATHS = (
    "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID",
    "cac:AccountingSupplierParty/cbc:CustomerAssignedAccountID",
    "cac:DespatchSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID",
    "cac:AgentParty/cac:PartyIdentification/cbc:ID",
    "cac:DespatchSupplierParty/cbc:CustomerAssignedAccountID",
)


def sfs_file_name(root: etree._Element) -> str | None:
    """The SUNAT file name the document would travel under: RUC-TT-SERIE-NUMERO.xml, or
    RUC-RC-AAAAMMDD-N.xml for summaries (the stylesheets compare it with the content)."""
    tipo = document_type(root)
    if tipo is None:
        return None
    ruc = next((value for path in _ISSUER_PATHS if (value := _text(root, path))), "")
    number = _text(root, "cbc:ID")
    if tipo in ("RC", "RA", "RR"):
        return f"{ruc}-{number}.xml"
    return f"{ruc}-{tipo}-{number}.xml"


# -- divergences ------------------------------------------------------------------------------


def _forma_pago_terms(root: etree._Element) -> list[etree._Element]:
    return [
        terms
        for terms in root.findall("cac:PaymentTerms", NS)
        if _text(terms, "cbc:ID") != "Detraccion" and terms.find("cbc:PaymentMeansID", NS) is not None
    ]


def _without_forma_pago(root: etree._Element) -> etree._Element:
    stripped = copy.deepcopy(root)
    for terms in _forma_pago_terms(stripped):
        stripped.remove(terms)
    return stripped


@dataclass(frozen=True, slots=True)
class KnownDivergence:
    """A verdict of SUNAT's SFS stylesheets that SUNAT's own servers do not give.

    ``applies(root)`` re-checks the real condition on the document: True when the SFS
    verdict (one of ``codes`` on a document of ``document_types``) comes from the misread
    block. ``repair(root)`` returns a copy without that block; the validator runs the
    stylesheet on the copy and reports that verdict instead.
    """

    key: str
    document_types: frozenset[str]
    codes: frozenset[str]
    summary: str
    applies: Callable[[etree._Element], bool]
    repair: Callable[[etree._Element], etree._Element]


KNOWN_DIVERGENCES: tuple[KnownDivergence, ...] = (
    KnownDivergence(
        key="boleta-forma-pago",
        document_types=frozenset({"03"}),
        codes=frozenset({"3128", "3033", "3035", "3037", "3129", "3208"}),
        summary=(
            "The SFS boleta stylesheet (ValidaExprRegBoleta-2.0.1.xsl) reads every "
            "cac:PaymentTerms/cbc:PaymentMeansID as a detracción: a boleta carrying its forma de "
            "pago (cbc:ID 'FormaPago', 'Contado'/'Credito'/'CuotaNNN') is rejected with 3128 "
            "(or 3033/3035/3037/3129/3208 on detracción operations). SUNAT's server variant "
            "checks 3128 only on PaymentTerms whose cbc:ID is 'Detraccion'. The document is "
            "validated again without its FormaPago blocks; a PaymentTerms 'Detraccion' on a "
            "boleta that is not a detracción operation is still rejected with 3128."
        ),
        applies=lambda root: bool(_forma_pago_terms(root)),
        repair=_without_forma_pago,
    ),
)


# -- verdicts ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SfsVerdict:
    """What the stylesheets said about one document.

    ``sfs_code`` is the rejection code of the stylesheet on the document as given (before any
    divergence was handled); ``divergences`` the keys of the divergences applied.
    """

    document_type: str | None
    file_name: str | None
    problems: Problems
    sfs_code: str | None = None
    divergences: tuple[str, ...] = field(default_factory=tuple)

    @property
    def accepted(self) -> bool:
        return not self.problems.errors

    @property
    def code(self) -> str | None:
        """The rejection code after divergences (None when accepted)."""
        errors = self.problems.errors
        return errors[0].code if errors else None


@dataclass(frozen=True, slots=True)
class _Run:
    terminated: bool
    failure: str | None  # a stylesheet that failed without a SUNAT verdict
    messages: list[tuple[bool, str]]  # (terminating, text)


def _problems(run: _Run) -> tuple[Problems, str | None]:
    problems = Problems()
    rejection: str | None = None
    for terminating, text in run.messages:
        found = _CODE.search(text) or _LEADING_CODE.search(text)
        code = return_codes.normalize(found.group(1)) if found else None
        detail = _NODE.search(text)
        where = detail.group("node") if detail else ""
        message = return_codes.message(code) if code else text.strip()
        if detail:
            message = f'{message} (nodo: "{detail.group("node")}" valor: "{detail.group("value")}")'
        if terminating:
            rejection = code
            problems.error(message, where, code)
        else:
            problems.warning(message, where, code)
    if run.failure is not None and rejection is None:
        problems.error(f"La hoja de estilo SUNAT no pudo evaluar el documento: {run.failure}", "", None)
    return problems, rejection


# -- the validator ----------------------------------------------------------------------------


def _saxon() -> Any:
    global _processor
    if _processor is None:
        try:
            from saxonche import PySaxonProcessor
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise SfsUnavailable(
                "SUNAT's SFS stylesheets need Saxon-HE: install the optional dependency "
                "'saxonche' (pip install 'yupana[sunat-xsl]')"
            ) from exc
        _processor = PySaxonProcessor(license=False)
    return _processor


def default_rules_dir() -> Path | None:
    value = os.environ.get(RULES_ENV)
    return Path(value) if value else None


class SfsValidator:
    """Runs SUNAT's SFS stylesheets found under ``rules_dir`` (the directory containing
    ``sunat_archivos/``; default ``$YUPANA_SUNAT_RULES``)."""

    def __init__(self, rules_dir: Path | str | None = None) -> None:
        chosen = Path(rules_dir) if rules_dir is not None else default_rules_dir()
        if chosen is None:
            raise SfsUnavailable(f"no SUNAT rules directory: pass one or set {RULES_ENV}")
        self.rules_dir = chosen.resolve()
        if not (self.rules_dir / VALIDATION_DIR).is_dir():
            raise SfsUnavailable(
                f"{self.rules_dir} does not contain {VALIDATION_DIR} "
                f"(point {RULES_ENV} at the directory that contains sunat_archivos/)"
            )
        with _SAXON_LOCK:
            _saxon()

    def supports(self, document_type: str | None) -> bool:
        return (
            document_type in STYLESHEETS
            and (self.rules_dir / VALIDATION_DIR / STYLESHEETS[document_type]).is_file()
        )

    def validate(self, xml: bytes, file_name: str | None = None) -> Problems:
        """Problems SUNAT's stylesheets find in the document (``file_name`` is the name SUNAT
        would receive it under; derived from the content when omitted)."""
        return self.check(xml, file_name).problems

    def check(self, xml: bytes, file_name: str | None = None, *, divergences: bool = True) -> SfsVerdict:
        """The full verdict; ``divergences=False`` reports the stylesheets' raw verdict."""
        try:
            root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:
            problems = Problems()
            problems.error(f"{return_codes.message('0306')}: {exc}", "", "0306")
            return SfsVerdict(None, file_name, problems, "0306")
        tipo = document_type(root)
        name = file_name or sfs_file_name(root)
        if not self.supports(tipo) or tipo is None:
            problems = Problems()
            problems.error(
                f"No hay hoja de estilo SUNAT para el documento '{etree.QName(root).localname}' (tipo {tipo})",
                f"/{etree.QName(root).localname}",
                None,
            )
            return SfsVerdict(tipo, name, problems)
        problems, rejection = _problems(self._run(tipo, root, name or ""))
        applied: list[str] = []
        if divergences and rejection is not None:
            for divergence in KNOWN_DIVERGENCES:
                if (
                    tipo in divergence.document_types
                    and rejection in divergence.codes
                    and divergence.applies(root)
                ):
                    root = divergence.repair(root)
                    problems, _ = _problems(self._run(tipo, root, name or ""))
                    applied.append(divergence.key)
                    break
        return SfsVerdict(tipo, name, problems, rejection, tuple(applied))

    # -- Saxon ----------------------------------------------------------------------------------

    def _executable(self, tipo: str) -> Any:
        key = (str(self.rules_dir), tipo)
        executable = _compiled.get(key)
        if executable is None:
            text = (self.rules_dir / VALIDATION_DIR / STYLESHEETS[tipo]).read_text(encoding="utf-8")
            if tipo in SHIMMED:
                text = text.replace("</xsl:stylesheet>", SHIMMED[tipo] + "</xsl:stylesheet>")
            compiler = _saxon().new_xslt30_processor()
            compiler.set_cwd(str(self.rules_dir) + os.sep)
            executable = compiler.compile_stylesheet(stylesheet_text=text)
            _compiled[key] = executable
        return executable

    def _run(self, tipo: str, root: etree._Element, file_name: str) -> _Run:
        source = etree.tostring(root, encoding="unicode")
        with _SAXON_LOCK:
            processor = _saxon()
            executable = self._executable(tipo)
            executable.set_parameter("nombreArchivoEnviado", processor.make_string_value(file_name))
            executable.set_save_xsl_message(True, None)
            failure: str | None = None
            terminated = False
            try:
                node = processor.parse_xml(xml_text=source)
                executable.transform_to_string(xdm_node=node)
            except Exception as exc:  # Saxon reports a terminating xsl:message as an exception
                text = str(exc).strip()
                terminated = "terminated by xsl:message" in text
                if not terminated:
                    failure = text.splitlines()[0][:300] if text else type(exc).__name__
            raw = executable.get_xsl_messages()
            messages: list[tuple[bool, str]] = []
            count = raw.size if raw is not None else 0
            for index in range(count):
                text = raw.item_at(index).string_value
                messages.append((terminated and index == count - 1, text))
            executable.clear_parameters()
        return _Run(terminated, failure, messages)
