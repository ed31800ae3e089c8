"""SUNAT's own validation stylesheets (the SFS "Facturador" XSL), run with Saxon-HE.

The stylesheets are read from a SUNAT rules directory: the directory that *contains*
``sunat_archivos/`` (as shipped in the SFS update), configured with ``YUPANA_SUNAT_RULES`` or
passed to ``SfsValidator``. They are never copied into Yupana. Each stylesheet is compiled from
its text with that directory as the working directory (its includes are relative to it), once
per process, and every Saxon call is serialised by one lock (Saxon's processor is shared).

How SUNAT's messages are read
-----------------------------

Every rule of the stylesheets reports through two named templates of SUNAT's support library
(``commons/error/error_utils.xsl``): ``rejectCall`` (``xsl:message terminate="yes"``, the
rejection) and ``addWarning`` (a non-terminating message, the observation). Both receive the
code as a parameter, but the SFS ``rejectCall`` writes only ``' error: ' + message``, and the
message texts do not all carry the code: besides ``INFO: errorCode 2074 (nodo: …)`` there are
``INFO : 3462``, ``Error en la linea: 1 Tributo: 1000: 3103 (nodo: …)``, ``2073 Error resumen
diario de reversiones``, ``Validation Cert Serial error: 2325 …`` and texts with no code at all
(``Error en la linea3``, ``El numero de item esta duplicado: 1``, ``Validation Filename error
…``, the dynamic catalog checks' ``condicion: …``).

So that every message yields its code, the stylesheet is compiled with a *reporting layer*, in
memory only: its ``xsl:include`` of ``validate_utils.xsl`` becomes an ``xsl:import`` (the
library's templates then have a lower import precedence; none of them is defined twice, so
nothing else changes) and the stylesheet gains its own ``rejectCall`` and ``addWarning`` that
write ``[sfs:reject] errorCode NNNN | <SUNAT's message>`` (``[sfs:warn]`` for observations).
No rule is touched. Without the layer (a rules directory laid out differently) the texts are
read by ``message_code``, which knows every format above but cannot name the code of the
texts that have none.

The layer also lets the validator *defer* a rejection code: the stylesheet then reports it
(``[sfs:defer]``) without stopping, so the rules after it still run, and the validator
decides. That is how the known divergences whose bogus verdict is a rejection are handled.

Known divergences
-----------------

``KNOWN_DIVERGENCES`` lists the cases where the SFS stylesheets disagree with SUNAT's servers
(the rules workbook and the server variant of the stylesheets); each re-checks SUNAT's real
condition in Python on the document. Two ways of handling one:

- *repair*: the stylesheet misreads a block (the boleta reads its forma de pago as a
  detracción); the document is validated again without that block.
- *recheck*: the stylesheet reports a code where the server would not; each report with that
  code is kept or dropped by ``keeps``, and rejection codes are deferred so that the rest of
  the stylesheet still runs on the document. Where the server reports something else in
  its place (another code on the same node, or the same condition as an observation),
  ``server_report`` says what, and that is reported instead.

Saxon is the optional dependency ``saxonche`` (``pip install yupana[sunat-xsl]``).
"""

from __future__ import annotations

import copy
import os
import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

from lxml import etree

from yupana.calc.rates import special_igv_since
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
XSL = "http://www.w3.org/1999/XSL/Transform"
# Saxon-HE has no EXSLT regexp:match, which the RR stylesheet calls; this definition is added
# to the stylesheet text in memory (the file stays untouched). The patterns use Java regex
# syntax ("(?:", "(?!", "\/"), hence the ";j" flag.
REGEXP_MATCH_SHIM = (
    '<xsl:function name="regexp:match"><xsl:param name="s"/><xsl:param name="re"/>'
    "<xsl:sequence select=\"matches(string($s[1]), $re, ';j')\"/></xsl:function>"
)
SHIMMED = {"RR": REGEXP_MATCH_SHIM}

# The reporting layer (see the module docstring). Parameters are those SUNAT's templates are
# called with; the expressions are XPath 1.0, as the stylesheets are (version 1.0).
LIBRARY_HREF = "commons/error/validate_utils.xsl"
DEFERRED_PARAM = "yupanaDeferredCodes"
REPORTING_LAYER = f"""<xsl:stylesheet version="1.0" xmlns:xsl="{XSL}">
  <xsl:param name="{DEFERRED_PARAM}" select="''"/>
  <xsl:template name="rejectCall">
    <xsl:param name="errorCode"/>
    <xsl:param name="errorMessage"/>
    <xsl:param name="priority" select="'error'"/>
    <xsl:variable name="code" select="normalize-space(string($errorCode))"/>
    <xsl:choose>
      <xsl:when test="$code != '' and contains(concat(' ', ${DEFERRED_PARAM}, ' '), concat(' ', $code, ' '))">
        <xsl:message terminate="no">
          <xsl:value-of select="concat('[sfs:defer] errorCode ', $code, ' | ', $errorMessage)"/>
        </xsl:message>
      </xsl:when>
      <xsl:otherwise>
        <xsl:message terminate="yes">
          <xsl:value-of select="concat('[sfs:reject] errorCode ', $code, ' | ', $errorMessage)"/>
        </xsl:message>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template name="addWarning">
    <xsl:param name="warningCode"/>
    <xsl:param name="warningMessage"/>
    <xsl:param name="warningLine"/>
    <xsl:message terminate="no">
      <xsl:value-of select="concat('[sfs:warn] errorCode ', normalize-space(string($warningCode)), ' | ', $warningMessage)"/>
    </xsl:message>
  </xsl:template>
</xsl:stylesheet>"""

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "sac": "urn:sunat:names:specification:ubl:peru:schema:xsd:SunatAggregateComponents-1",
}

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


# -- SUNAT's messages -------------------------------------------------------------------------


class MessageKind(StrEnum):
    REJECTION = "reject"  # terminating: the stylesheet stops here
    DEFERRED = "defer"  # a rejection the validator asked the stylesheet not to stop on
    OBSERVATION = "warn"


_LAYER_MESSAGE = re.compile(
    r"^\[sfs:(?P<kind>reject|defer|warn)\] errorCode (?P<code>\S*) \| (?P<text>.*)$", re.S
)
# Formats of SUNAT's own texts, most specific first (see message_code).
_CODE_FORMATS = (
    # "INFO: errorCode 2074 (nodo: ...)" (validate_utils.xsl), "errorCode; 2800 error: ..."
    # (validate_utils_dynamic.xsl); the SFS observation "4252INFO: errorCode 4252 (...)"
    re.compile(r"errorCode;?\s+(\d{1,4})\b"),
    # " error: 2073 Error resumen diario de reversiones" (RR); observations written by
    # addWarning as code then text: "20852085 Error resumen ...", "4xxxError en la linea: ..."
    re.compile(r"^\s*(?:error:\s*)?(\d{4})"),
    # " error: Validation Cert Serial error: 2325 rucBillcertserial: ..."
    re.compile(r"error:\s*(\d{4})\b"),
    # " error: INFO : 3462", " error: Error en la linea: 1 Tributo: 1000: 3103 (nodo: ...)":
    # the code closes the description, before the node or at the end
    re.compile(r":\s*(\d{4})\s*(?:\(nodo:|$)"),
)
_NODE = re.compile(r'\(nodo:\s*"(?P<node>[^"]*)"\s+(?:valor|propiedad [^:]*):\s*"(?P<value>.*?)"\)', re.S)


def message_code(text: str) -> str | None:
    """The SUNAT return code an SFS ``xsl:message`` carries, in any of the stylesheets' formats
    (``None`` for the few texts that name no code: only the reporting layer knows those)."""
    layered = _LAYER_MESSAGE.match(text.strip())
    if layered:
        code = layered.group("code")
        return return_codes.normalize(code) if code else None
    for pattern in _CODE_FORMATS:
        found = pattern.search(text)
        if found:
            return return_codes.normalize(found.group(1))
    return None


@dataclass(frozen=True, slots=True)
class SfsMessage:
    """One ``xsl:message`` of a run: its kind, its code and SUNAT's text."""

    kind: MessageKind
    code: str | None
    text: str

    @classmethod
    def read(cls, raw: str, terminating: bool) -> SfsMessage:
        layered = _LAYER_MESSAGE.match(raw.strip())
        if layered:
            return cls(MessageKind(layered.group("kind")), message_code(raw), layered.group("text"))
        kind = MessageKind.REJECTION if terminating else MessageKind.OBSERVATION
        return cls(kind, message_code(raw), raw.strip())

    @property
    def stops(self) -> bool:
        """Whether SUNAT's stylesheet, run as shipped, stops at this message."""
        return self.kind is not MessageKind.OBSERVATION

    def describe(self) -> tuple[str, str]:
        """(message, node): SUNAT's text for the code, with the node and value the stylesheet
        names, or its own words when they say more than the code."""
        message = return_codes.message(self.code) if self.code else self.text
        detail = _NODE.search(self.text)
        if detail:
            return (
                f'{message} (nodo: "{detail.group("node")}" valor: "{detail.group("value")}")',
                detail.group("node"),
            )
        own = self.text.removeprefix("error:").strip()
        residue = re.sub(r"\b(?:INFO|errorCode|error)\b|[\d:;.\s]", "", own)
        if self.code and residue:
            message = f"{message} ({own})"
        return message, ""


# -- the documents the re-checks read ---------------------------------------------------------


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal(text.strip()) if text is not None else None
    except InvalidOperation:
        return None


def _sum(nodes: list[Any]) -> Decimal | None:
    """Sum of the numbers in ``nodes`` (element or text results of an XPath); ``None`` when
    one of them is not a number."""
    total = Decimal(0)
    for node in nodes:
        value = _decimal(node if isinstance(node, str) else node.text)
        if value is None:
            return None
        total += value
    return total


def _xpath(root: etree._Element, path: str) -> list[Any]:
    found = root.xpath(path, namespaces=NS)
    return found if isinstance(found, list) else []


_LINE_ELEMENT = {
    "Invoice": "cac:InvoiceLine",
    "CreditNote": "cac:CreditNoteLine",
    "DebitNote": "cac:DebitNoteLine",
}
_GRATUITO_IGV = ("11", "12", "13", "14", "15", "16")


def _lines_path(root: etree._Element) -> str | None:
    return _LINE_ELEMENT.get(etree.QName(root).localname)


def _issue_date(root: etree._Element) -> date | None:
    try:
        return date.fromisoformat(_text(root, "cbc:IssueDate"))
    except ValueError:
        return None


# -- divergences ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServerReport:
    """What SUNAT's server reports where the stylesheet reported something else: a code, whether
    it rejects, and a text naming the node as the stylesheets do (``(nodo: "…" valor: "…")``)."""

    code: str
    rejects: bool
    text: str

    def message(self) -> SfsMessage:
        kind = MessageKind.REJECTION if self.rejects else MessageKind.OBSERVATION
        return SfsMessage(kind, self.code, self.text)


@dataclass(frozen=True, slots=True)
class KnownDivergence:
    """A verdict of SUNAT's SFS stylesheets that SUNAT's own servers do not give.

    ``applies(root)`` re-checks the real condition on the document: True when the reports of
    ``codes`` on a document of ``document_types`` come from the stylesheet's misreading. Then
    either ``repair(root)`` returns a copy without the misread block, which is validated
    instead (when the rejection is one of ``codes``); or each report of one of ``codes`` is
    dropped unless ``keeps(root, code, n)`` (n: the how-manieth report of that code in the
    run) says it stands on the document. A dropped report is replaced by
    ``server_report(root, code, n)`` when that gives what the server says in its place.
    Rejection codes in ``deferred`` are reported by the stylesheet without stopping, so that
    the rules after them still run.
    """

    key: str
    document_types: frozenset[str]
    codes: frozenset[str]
    summary: str
    applies: Callable[[etree._Element], bool]
    repair: Callable[[etree._Element], etree._Element] | None = None
    keeps: Callable[[etree._Element, str, int], bool] | None = None
    deferred: frozenset[str] = frozenset()
    server_report: Callable[[etree._Element, str, int], ServerReport | None] | None = None


# boleta-forma-pago ---------------------------------------------------------------------------


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


# igv-tasa-especial-10.5 ----------------------------------------------------------------------
#
# How, and why this way. Rule 3462 of the SFS (facturas, boletas, notas) counts the IGV lines
# at 10.0 and at 18.0 and rejects any other rate; 3291/4290/4310 compare the document's IGV
# (or price) with the base times 0.18 and times 0.10. Three ways to get SUNAT's verdict:
#
# - Rewriting 10.5 to 10 on a copy and validating that: the amounts stay those of 10.5 %, so
#   the copy would fail per line (3103: line IGV against base × Percent) and on the totals
#   (3279 uses the lines' Percent, 3291 uses 0.10): bogus rejections of another code.
# - Dropping 3462 from the verdict: 3462 stops the stylesheet, so every rule after it (totals,
#   legends, forma de pago, detracción, ...) would go unchecked and the document would look
#   accepted by the SFS without having been read.
# - What is done: 3462 and 3291 are *deferred* (reported without stopping, module docstring),
#   so the whole stylesheet runs on the document as it is; then, when every IGV line carries
#   10.5 and the issue date is one on which SUNAT's servers take that rate, 3462 is dropped
#   and 3291/4290/4310 are computed again here at 10.5 % with the stylesheets' own arithmetic
#   and SUNAT's tolerance of 1. Rules that already use the lines' Percent (3103, 3279) need
#   nothing. Any other document keeps the stylesheet's verdict.

SPECIAL_IGV_RATE = Decimal("10.5")
# The rules workbook's "Control de Cambios", entries of 2026-02-09 in force from 2026-02-13:
# 3279, 3291, 4019, 4290, 4310 and 4439 take the special rate of 10.5 % instead of 10 %. The rate
# itself is in force from 2026-01-01 (SUNAT took back the documents its servers had rejected
# before the change, 13–20 February), so the date comes from the one rate table, calc.rates.
SPECIAL_IGV_RATE_FROM = special_igv_since(SPECIAL_IGV_RATE)
TOLERANCE = Decimal(1)


def _igv_percents(root: etree._Element) -> list[Decimal | None]:
    """The cbc:Percent of every line subtotal rule 3462 looks at: IGV (1000) with a base, or
    a free transfer (9996) of a taxed good (afectación 11–16) with a base."""
    lines = _lines_path(root)
    if lines is None:
        return []
    percents: list[Decimal | None] = []
    for subtotal in _xpath(root, f"{lines}/cac:TaxTotal/cac:TaxSubtotal"):
        scheme = _text(subtotal, "cac:TaxCategory/cac:TaxScheme/cbc:ID")
        base = _decimal(subtotal.findtext("cbc:TaxableAmount", namespaces=NS))
        reason = _text(subtotal, "cac:TaxCategory/cbc:TaxExemptionReasonCode")
        if base is None or base <= 0:
            continue
        if scheme == "1000" or (scheme == "9996" and reason in _GRATUITO_IGV):
            percents.append(_decimal(subtotal.findtext("cac:TaxCategory/cbc:Percent", namespaces=NS)))
    return percents


def _special_rate_document(root: etree._Element) -> bool:
    """Every IGV line at 10.5 % and the document issued when SUNAT's servers take that rate."""
    percents = _igv_percents(root)
    issued = _issue_date(root)
    return (
        bool(percents)
        and all(percent == SPECIAL_IGV_RATE for percent in percents)
        and issued is not None
        and SPECIAL_IGV_RATE_FROM is not None
        and issued >= SPECIAL_IGV_RATE_FROM
    )


def _global(root: etree._Element, reason: str) -> Decimal | None:
    return _sum(_xpath(root, f"cac:AllowanceCharge[cbc:AllowanceChargeReasonCode = '{reason}']/cbc:Amount"))


def _document_tax(root: etree._Element, scheme: str) -> Decimal | None:
    return _sum(
        _xpath(
            root,
            f"cac:TaxTotal/cac:TaxSubtotal[cac:TaxCategory/cac:TaxScheme/cbc:ID = '{scheme}']/cbc:TaxAmount",
        )
    )


def _line_bases(root: etree._Element, scheme: str) -> Decimal | None:
    lines = _lines_path(root)
    if lines is None:
        return None
    return _sum(
        _xpath(
            root,
            f"{lines}/cac:TaxTotal/cac:TaxSubtotal[cac:TaxCategory/cac:TaxScheme/cbc:ID = '{scheme}']"
            "/cbc:TaxableAmount",
        )
    )


def _igv_base(root: etree._Element) -> Decimal | None:
    """The base rule 3291/4290 multiplies by the rate, as the stylesheets compute it: the line
    bases (tributo 1000), and on facturas and boletas less the global discounts that reduce
    the base (02, 04) and the ISC of anticipos (20), plus the global charges on it (49)."""
    bases = _line_bases(root, "1000")
    if bases is None or etree.QName(root).localname != "Invoice":
        return bases
    d02, d04, c49, a20 = (_global(root, code) for code in ("02", "04", "49", "20"))
    if d02 is None or d04 is None or c49 is None or a20 is None:
        return None
    return bases - d02 - d04 + c49 - (a20 if bases > 0 else 0)


def _igv_differs(root: etree._Element) -> bool:
    """Rules 3291 (error) and 4290 (observation) at the rate of the lines: the document's IGV
    differs by more than 1 from the base times 10.5 %."""
    declared = _document_tax(root, "1000")
    base = _igv_base(root)
    if declared is None or base is None:
        return True
    return abs(declared - base * SPECIAL_IGV_RATE / 100) > TOLERANCE


def _price_differs(root: etree._Element) -> bool:
    """Observation 4310 (boleta) at the rate of the lines: cbc:TaxInclusiveAmount differs by
    more than 1 from the valor de venta plus ISC, ICBPER, other taxes, ISC of anticipos and
    the IGV of the base (less discounts 02, plus charges 49) at 10.5 %. When the boleta has
    IVAP lines the stylesheet checks the IVAP price, which has nothing to do with the rate."""
    if (_line_bases(root, "1016") or 0) > 0:
        return True
    total = root.find("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", NS)
    parts = [
        _decimal(_text(root, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount") or "0"),
        *(_document_tax(root, scheme) for scheme in ("2000", "7152", "9999")),
        _global(root, "20"),
    ]
    bases, d02, c49 = _line_bases(root, "1000"), _global(root, "02"), _global(root, "49")
    price = _decimal(total.text if total is not None else None)
    if price is None or bases is None or d02 is None or c49 is None or any(p is None for p in parts):
        return True
    expected = (
        sum((p for p in parts if p is not None), Decimal(0)) + (bases - d02 + c49) * SPECIAL_IGV_RATE / 100
    )
    return abs(price - expected) > TOLERANCE


def _special_rate_report_stands(root: etree._Element, code: str, _: int) -> bool:
    if code in ("3291", "4290"):
        return _igv_differs(root)
    if code == "4310":
        return _price_differs(root)
    return False  # 3462: every line carries the same rate, in force


# factura-credito-cuotas ----------------------------------------------------------------------


def _has_cuotas(root: etree._Element) -> bool:
    """A FormaPago block per cuota (cbc:PaymentMeansID CuotaNNN), the condition of rule 3249 in
    the workbook and in SUNAT's server stylesheet (``$root/cac:PaymentTerms[...]``)."""
    return any(
        _text(terms, "cbc:ID") == "FormaPago" and _text(terms, "cbc:PaymentMeansID").startswith("Cuota")
        for terms in root.findall("cac:PaymentTerms", NS)
    )


# factura-detraccion-forma-pago ---------------------------------------------------------------

_DETRACCION_CODE = {"1002": "004", "1003": "028", "1004": "027"}


def _operation(root: etree._Element) -> str:
    """The tipo de operación, where the factura stylesheet reads it (cbc:InvoiceTypeCode/@listID)."""
    code = root.find("cbc:InvoiceTypeCode", NS)
    return (code.get("listID") or "").strip() if code is not None else ""


def _detraccion_checked_terms(root: etree._Element) -> list[etree._Element]:
    """The cac:PaymentTerms the factura stylesheet reports 3129 on, in document order: every
    block (FormaPago included) whose cbc:PaymentMeansID is not the good or service the
    operation requires (1002 → 004, 1003 → 028, 1004 → 027)."""
    expected = _DETRACCION_CODE.get(_operation(root))
    if expected is None:
        return []
    return [
        terms
        for terms in root.findall("cac:PaymentTerms", NS)
        if any(text != expected for text in _xpath(terms, "cbc:PaymentMeansID/text()"))
    ]


def _detraccion_misread(root: etree._Element) -> bool:
    return any(_text(terms, "cbc:ID") != "Detraccion" for terms in _detraccion_checked_terms(root))


def _detraccion_report_stands(root: etree._Element, _: str, index: int) -> bool:
    checked = _detraccion_checked_terms(root)
    return index >= len(checked) or _text(checked[index], "cbc:ID") == "Detraccion"


# comunicación de baja and resumen de reversiones: the lines --------------------------------------
#
# The voided-documents stylesheets check each sac:VoidedDocumentsLine in document order, so the
# n-th report of a line rule belongs to the n-th line that fails that rule as the stylesheet
# words it; the helpers below list those lines with the stylesheet's own test.


def _voided_lines(root: etree._Element) -> list[etree._Element]:
    return root.findall("sac:VoidedDocumentsLine", NS)


def _string(element: etree._Element, path: str) -> str:
    """XPath ``string(path)``: the text of the first match, as it is (not trimmed)."""
    found = element.find(path, NS)
    return "".join(found.itertext()) if found is not None else ""


def _line_node(line: etree._Element, path: str) -> str:
    """A line's node and value in the stylesheets' words, for a report made here."""
    return (
        f"Error en la linea: {_string(line, 'cbc:LineID')}. "
        f'(nodo: "sac:VoidedDocumentsLine/{path}" valor: "{_string(line, path)}")'
    )


# baja-tipos-30-34-42

# The RA stylesheet's pattern for rule 2308, searched as Saxon's matches() does (unanchored
# alternatives): 01, 07, 08 and 14 pass, 30, 34 and 42 do not.
_SFS_BAJA_TYPES = re.compile(r"^01|07|08|14$")
# Types the workbook ("diferente a 01, 07, 08, 30, 34 y 42") and the server variant add.
BAJA_TYPES_BEYOND_SFS = frozenset({"30", "34", "42"})


def _baja_types_refused(root: etree._Element) -> list[str]:
    """The cbc:DocumentTypeCode of each line the RA stylesheet reports 2308 on, in order."""
    types = (_string(line, "cbc:DocumentTypeCode") for line in _voided_lines(root))
    return [tipo for tipo in types if tipo and not _SFS_BAJA_TYPES.search(tipo)]


def _baja_type_report_stands(root: etree._Element, _: str, index: int) -> bool:
    refused = _baja_types_refused(root)
    return index >= len(refused) or refused[index] not in BAJA_TYPES_BEYOND_SFS


# reversion-liquidacion-compra-04

LIQUIDACION_COMPRA = "04"
# Rule 2345 of the workbook and the server variant for a liquidación de compra in an RR: serie
# L### or a contingency serie of 1 to 4 digits (searched, as regexp:match does).
_LIQUIDACION_SERIE = re.compile(r"(^L[A-Z0-9]{3}|^[0-9]{1,4})$")


def _reversion_types_refused(root: etree._Element) -> list[etree._Element]:
    """The lines the RR stylesheet reports 2308 on (a type that is not 20 or 40), in order."""
    return [
        line
        for line in _voided_lines(root)
        if (tipo := _string(line, "cbc:DocumentTypeCode")) and tipo not in ("20", "40")
    ]


def _reversion_has_liquidacion(root: etree._Element) -> bool:
    return any(
        _string(line, "cbc:DocumentTypeCode") == LIQUIDACION_COMPRA for line in _reversion_types_refused(root)
    )


def _reversion_type_report_stands(root: etree._Element, _: str, index: int) -> bool:
    refused = _reversion_types_refused(root)
    return index >= len(refused) or _string(refused[index], "cbc:DocumentTypeCode") != LIQUIDACION_COMPRA


def _liquidacion_serie_report(root: etree._Element, _: str, index: int) -> ServerReport | None:
    """2345 when the liquidación de compra's serie is not L### or digits. An empty serie is
    left to the stylesheet, which rejects it next with 2311, as the server does."""
    line = _reversion_types_refused(root)[index]
    serie = _string(line, "sac:DocumentSerialID")
    if not serie or _LIQUIDACION_SERIE.search(serie):
        return None
    return ServerReport("2345", True, _line_node(line, "sac:DocumentSerialID"))


# reversion-motivo-longitud

# The RR stylesheet's pattern for the motivo, ^(.{3,100})$, with Java's semantics (Saxon runs it
# as a Java regex): "." is no line terminator, "$" is the end or before a final terminator.
_JAVA_LINE_TERMINATORS = "\n\r\u0085\u2028\u2029"
_RR_MOTIVO = re.compile(rf"[^{_JAVA_LINE_TERMINATORS}]{{3,100}}(?:\r\n|[{_JAVA_LINE_TERMINATORS}])?\Z")


def _reversion_motivos_out_of_shape(root: etree._Element) -> list[etree._Element]:
    """The lines whose motivo is present but not of 3 to 100 characters on one line: the RR
    stylesheet rejects each with 2314, the server observes it with 4203."""
    return [
        line
        for line in _voided_lines(root)
        if (motivo := _string(line, "sac:VoidReasonDescription")) and not _RR_MOTIVO.match(motivo)
    ]


def _motivo_observation(root: etree._Element, _: str, index: int) -> ServerReport:
    lines = _reversion_motivos_out_of_shape(root)
    text = _line_node(lines[index], "sac:VoidReasonDescription") if index < len(lines) else ""
    return ServerReport("4203", False, text)


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
    KnownDivergence(
        key="igv-tasa-especial-10.5",
        document_types=frozenset({"01", "03", "07", "08"}),
        codes=frozenset({"3462", "3291", "4290", "4310"}),
        deferred=frozenset({"3462", "3291"}),
        summary=(
            "The special IGV rate of restaurants and hotels (Ley 31556) is 10.5 % from 2026-01-01, "
            "validated by SUNAT's servers from 2026-02-13 (rules workbook, Control de Cambios of 2026-02-09: 3279, "
            "3291, 4019, 4290, 4310, 4439 move from 10 % to 10.5 %). The SFS stylesheets are older "
            "and know only 18 and 10: a document whose IGV lines all carry 10.5 is rejected "
            "with 3462 (the rate is neither 18 nor 10), and its IGV, computed at 10.5 %, is "
            "reported as 3291 (facturas, notes of facturas) or observed as 4290/4310 (boletas, "
            "other notes) since the stylesheets compare it with 18 % and 10 %. When every IGV "
            "line carries 10.5 and the issue date is 2026-01-01 or later, 3462 is dropped and "
            "3291/4290/4310 are checked again at 10.5 % with SUNAT's tolerance of 1; the rest "
            "of the stylesheet runs as usual (3462 and 3291 are deferred). Mixed rates, a rate "
            "that is not in force and a wrong IGV are still rejected or observed."
        ),
        applies=_special_rate_document,
        keeps=_special_rate_report_stands,
    ),
    KnownDivergence(
        key="factura-credito-cuotas",
        document_types=frozenset({"01"}),
        codes=frozenset({"3249"}),
        summary=(
            "The SFS factura stylesheet checks 3249 inside its cac:PaymentTerms template with "
            "count(cac:PaymentTerms[cbc:ID='FormaPago' and cbc:PaymentMeansID starting with "
            "'Cuota']) = 0, a path relative to the PaymentTerms itself, which never has such a "
            "child: every factura al crédito is observed with 3249, cuotas or not. The credit "
            "note stylesheet and SUNAT's server variant read $root/cac:PaymentTerms. When the "
            "factura has a FormaPago block CuotaNNN the observation is dropped; without cuotas "
            "it stays."
        ),
        applies=_has_cuotas,
    ),
    KnownDivergence(
        key="factura-detraccion-forma-pago",
        document_types=frozenset({"01"}),
        codes=frozenset({"3129"}),
        summary=(
            "The SFS factura stylesheet checks 3129 (good or service of the detracción: 004 "
            "for 1002, 028 for 1003, 027 for 1004) on every cac:PaymentTerms, FormaPago "
            "included: a detracción factura with its forma de pago is observed with 3129 on "
            "'Contado', 'Credito' and each 'CuotaNNN'. The workbook and SUNAT's server variant "
            "apply 3129 only to the PaymentTerms whose cbc:ID is 'Detraccion'. The reports on "
            "other blocks are dropped; one on the Detraccion block stays."
        ),
        applies=_detraccion_misread,
        keeps=_detraccion_report_stands,
    ),
    KnownDivergence(
        key="baja-tipos-30-34-42",
        document_types=frozenset({"RA"}),
        codes=frozenset({"2308"}),
        deferred=frozenset({"2308"}),
        summary=(
            "The SFS comunicación de baja stylesheet (ValidaExprRegSummaryVoided-1.0.1.xsl) takes "
            "the types matching '^01|07|08|14$' in rule 2308: a line voiding a 30, 34 or 42 is "
            "rejected with 2308. SUNAT's rules workbook (2308: 'diferente a 01, 07, 08, 30, 34 y "
            "42') and the server variant ('^01|07|08|14|30|34|42$') take them. The reports on "
            "lines of type 30, 34 and 42 are dropped (2308 is deferred, so the serie, number and "
            "motivo rules after it still run); any other type is still rejected with 2308."
        ),
        applies=lambda root: any(tipo in BAJA_TYPES_BEYOND_SFS for tipo in _baja_types_refused(root)),
        keeps=_baja_type_report_stands,
    ),
    KnownDivergence(
        key="reversion-liquidacion-compra-04",
        document_types=frozenset({"RR"}),
        codes=frozenset({"2308"}),
        deferred=frozenset({"2308"}),
        summary=(
            "The SFS resumen de reversiones stylesheet (ValidaExprRegOtrosVoided-1.0.1.xsl) takes "
            "only types 20 and 40 in rule 2308: a liquidación de compra (04) is rejected with "
            "2308. SUNAT's rules workbook takes 20, 40 and 04 (04 for issuers that send to SUNAT, "
            "not through an OSE), and the server variant checks 04 and its serie (2345: L### or "
            "1 to 4 digits). The report on a 04 line is dropped, or replaced by 2345 when its "
            "serie is not of that form; any other type is still rejected with 2308."
        ),
        applies=_reversion_has_liquidacion,
        keeps=_reversion_type_report_stands,
        server_report=_liquidacion_serie_report,
    ),
    KnownDivergence(
        key="reversion-motivo-longitud",
        document_types=frozenset({"RR"}),
        codes=frozenset({"2314"}),
        deferred=frozenset({"2314"}),
        summary=(
            "The SFS resumen de reversiones stylesheet rejects with 2314 a motivo "
            "(sac:VoidReasonDescription) that does not match '^(.{3,100})$': shorter than 3 "
            "characters, longer than 100, or on more than one line. SUNAT's rules workbook "
            "(4203, OBSERV) and the server variant (addWarning 4203 on the same pattern) only "
            "observe it. Each 2314 is reported as the observation 4203 on its line; an empty "
            "motivo is still rejected with 2315."
        ),
        applies=lambda root: bool(_reversion_motivos_out_of_shape(root)),
        keeps=lambda root, code, index: False,
        server_report=_motivo_observation,
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
    failure: str | None  # a stylesheet that failed without a SUNAT verdict
    messages: list[SfsMessage]

    @property
    def sfs_code(self) -> str | None:
        """The code the stylesheet, as shipped, would have stopped with."""
        return next((message.code for message in self.messages if message.stops), None)


@dataclass(slots=True)
class _Judgement:
    problems: Problems
    rejection: str | None
    applied: list[str]


def _judge(run: _Run, root: etree._Element, active: list[KnownDivergence]) -> _Judgement:
    """Problems of one run. A report a divergence shows to be the stylesheet's misreading is
    dropped; the first report that stops (a rejection, or a deferred one that stands) is the
    rejection, and what the stylesheet said after it is left out, as SUNAT's server would
    have stopped there."""
    problems = Problems()
    applied: list[str] = []
    seen: Counter[str] = Counter()
    holds: dict[str, bool] = {}
    rejection: str | None = None
    for message in run.messages:
        code = message.code
        divergence = next((d for d in active if d.repair is None and code in d.codes), None)
        if divergence is not None and code is not None:
            index = seen[code]
            seen[code] += 1
            if divergence.key not in holds:
                holds[divergence.key] = divergence.applies(root)
            if holds[divergence.key] and not (
                divergence.keeps is not None and divergence.keeps(root, code, index)
            ):
                if divergence.key not in applied:
                    applied.append(divergence.key)
                instead = (
                    divergence.server_report(root, code, index)
                    if divergence.server_report is not None
                    else None
                )
                if instead is None:
                    continue
                message = instead.message()
                code = message.code
        text, node = message.describe()
        if not message.stops:
            problems.warning(text, node, code)
            continue
        problems.error(text, node, code)
        rejection = code
        break
    if run.failure is not None and rejection is None:
        problems.error(f"La hoja de estilo SUNAT no pudo evaluar el documento: {run.failure}", "", None)
    return _Judgement(problems, rejection, applied)


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


def with_reporting_layer(text: str) -> str | None:
    """The stylesheet ``text`` with the reporting layer (module docstring), or ``None`` when it
    does not include SUNAT's ``validate_utils.xsl`` as its first declaration."""
    root = etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    if root.tag != f"{{{XSL}}}stylesheet":
        return None
    declarations = [child for child in root if isinstance(child.tag, str)]
    if (
        not declarations
        or declarations[0].tag != f"{{{XSL}}}include"
        or not (declarations[0].get("href") or "").endswith(LIBRARY_HREF)
    ):
        return None
    declarations[0].tag = f"{{{XSL}}}import"
    for child in etree.fromstring(REPORTING_LAYER):
        root.append(child)
    return etree.tostring(root, encoding="unicode")


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
        name = file_name or sfs_file_name(root) or ""
        if not self.supports(tipo) or tipo is None:
            problems = Problems()
            problems.error(
                f"No hay hoja de estilo SUNAT para el documento '{etree.QName(root).localname}' (tipo {tipo})",
                f"/{etree.QName(root).localname}",
                None,
            )
            return SfsVerdict(tipo, name or None, problems)
        active = [d for d in KNOWN_DIVERGENCES if tipo in d.document_types] if divergences else []
        deferred = frozenset().union(*(d.deferred for d in active))
        run = self._run(tipo, root, name, deferred)
        judged = _judge(run, root, active)
        applied = judged.applied
        for divergence in active:
            if (
                divergence.repair is not None
                and judged.rejection in divergence.codes
                and divergence.applies(root)
            ):
                repaired = divergence.repair(root)
                judged = _judge(self._run(tipo, repaired, name, deferred), repaired, active)
                applied = [divergence.key, *judged.applied]
                break
        return SfsVerdict(tipo, name or None, judged.problems, run.sfs_code, tuple(applied))

    # -- Saxon ----------------------------------------------------------------------------------

    def _executable(self, tipo: str) -> Any:
        key = (str(self.rules_dir), tipo)
        executable = _compiled.get(key)
        if executable is None:
            text = (self.rules_dir / VALIDATION_DIR / STYLESHEETS[tipo]).read_text(encoding="utf-8")
            text = with_reporting_layer(text) or text
            if tipo in SHIMMED:
                text = text.replace("</xsl:stylesheet>", SHIMMED[tipo] + "</xsl:stylesheet>")
            compiler = _saxon().new_xslt30_processor()
            compiler.set_cwd(str(self.rules_dir) + os.sep)
            executable = compiler.compile_stylesheet(stylesheet_text=text)
            _compiled[key] = executable
        return executable

    def _run(self, tipo: str, root: etree._Element, file_name: str, deferred: frozenset[str]) -> _Run:
        source = etree.tostring(root, encoding="unicode")
        with _SAXON_LOCK:
            processor = _saxon()
            executable = self._executable(tipo)
            executable.set_parameter("nombreArchivoEnviado", processor.make_string_value(file_name))
            executable.set_parameter(DEFERRED_PARAM, processor.make_string_value(" ".join(sorted(deferred))))
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
            count = raw.size if raw is not None else 0
            messages = [
                SfsMessage.read(raw.item_at(index).string_value, terminated and index == count - 1)
                for index in range(count)
            ]
            executable.clear_parameters()
        return _Run(failure, messages)
