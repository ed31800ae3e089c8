"""Comparing what the caller declared with SUNAT's arithmetic, the way SUNAT grades it.

A ``Rule`` is one of SUNAT's arithmetic validations (workbook "Reglas de validación CPE"
v2026-02-12, sheets Factura2_0, Boleta2_0, NotaCredito2_0, NotaDebito2_0): the return code,
its observation twin when SUNAT has one, the tolerance and the document types it applies to.

How SUNAT grades a rule that has an observation twin (changes of 2021-09-01, still in force):

- factura (01): error with the 3xxx code;
- boleta (03): observation with the 4xxx code;
- nota de crédito/débito (07/08): error when the note modifies a factura (01), otherwise the
  observation.

Rules without a twin keep their code on every document type; a 4xxx code is an observation
(warning), any other an error. A tolerance of ``Decimal(1)`` is
SUNAT's "con una tolerancia + - 1": the stylesheets reject only when
``declared + 1 < computed`` or ``declared - 1 > computed`` (a difference of exactly 1 passes),
``computed`` being the unrounded product. A rule without tolerance compares exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from yupana.calc.rounding import ONE, amount
from yupana.domain import return_codes
from yupana.domain.problems import Problems, Severity
from yupana.domain.sale import BOLETA, FACTURA, NOTA_CREDITO, NOTA_DEBITO, SaleDocument

ALL_TYPES = frozenset({FACTURA, BOLETA, NOTA_CREDITO, NOTA_DEBITO})
SALES = frozenset({FACTURA, BOLETA})
NOT_CREDIT_NOTE = frozenset({FACTURA, BOLETA, NOTA_DEBITO})


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    observation: str | None = None
    tolerance: Decimal | None = ONE
    documents: frozenset[str] = ALL_TYPES
    # Boletas of tipo de operación 0113 (Nuevo RUS) are exempt from the IGV rules that say so.
    nrus_exempt: bool = False


# Lines
QUANTITY_ZERO = Rule("2024", documents=SALES, tolerance=None)
QUANTITY_FORMAT = Rule("2025", documents=SALES, tolerance=None)
NOTE_QUANTITY_FORMAT = Rule("2139", documents=frozenset({NOTA_CREDITO, NOTA_DEBITO}), tolerance=None)
UNIT_VALUE_MISSING = Rule("2068", tolerance=None)
FREE_UNIT_VALUE = Rule("2640", tolerance=None)
REFERENCE_VALUE_NOT_FREE = Rule("3224", tolerance=None)
LINE_VALUE = Rule("3271", "4288")
UNIT_PRICE = Rule("3270", "4287", documents=NOT_CREDIT_NOTE)
LINE_BASE_WITH_ISC = Rule("3272", "4294")
LINE_BASE = Rule("3272", "4294", tolerance=None, documents=SALES)
LINE_IGV = Rule("3103")
LINE_IGV_ZERO = Rule("3111", tolerance=None, nrus_exempt=True)
LINE_IGV_NOT_ZERO = Rule("3110", tolerance=None)
LINE_ISC = Rule("3108")
LINE_TAXES = Rule("3292", "4293")
LINE_ICBPER = Rule("4318", tolerance=None)
LINE_ICBPER_RATE = Rule("4237", tolerance=None)
ICBPER_BAGS = Rule("2892", tolerance=None)
ICBPER_NOT_IN_FORCE = Rule("2949", tolerance=None)
LINE_ALLOWANCE = Rule("3290", "4289", documents=SALES)
LINE_ALLOWANCE_CODE = Rule("2954", tolerance=None)
CHARGE_INDICATOR = Rule("3114", tolerance=None)
AFECTACION_UNKNOWN = Rule("2040", tolerance=None)

# Document totals
TOTAL_EXPORTACION = Rule("3273", "4295")
TOTAL_INAFECTAS = Rule("3274", "4296")
TOTAL_EXONERADAS = Rule("3275", "4297")
TOTAL_GRATUITAS = Rule("3276", "4298")
TOTAL_IGV_GRATUITAS = Rule("3302", "4311", documents=NOT_CREDIT_NOTE)
TOTAL_GRAVADAS = Rule("3277", "4299")
TOTAL_IVAP_BASE = Rule("3293", "4300")
TOTAL_IGV = Rule("3291", "4290", nrus_exempt=True)
TOTAL_IVAP = Rule("3295", "4302")
TOTAL_ISC_BASE = Rule("3296", "4303")
TOTAL_ISC = Rule("3298", "4305")
TOTAL_ICBPER = Rule("3306", "4321", tolerance=None)
TOTAL_TAXES = Rule("3294", "4301")
TOTAL_DISCOUNTS = Rule("3300", "4307", documents=SALES)
TOTAL_CHARGES = Rule("3301", "4308", documents=SALES)
TOTAL_VALUE = Rule("3278", "4309", documents=SALES)
TOTAL_PRICE = Rule("3279", "4310", documents=SALES, nrus_exempt=True)
TOTAL_PAYABLE = Rule("3280", "4312")
ROUNDING = Rule("3303", "4314")
IGV_RATE = Rule("3462", tolerance=None, nrus_exempt=True)
IVAP_MIXED = Rule("2644", tolerance=None, documents=SALES)
ISC_WITH_IVAP = Rule("2650", tolerance=None, documents=SALES)
GLOBAL_ALLOWANCE = Rule("3307", "4322", documents=SALES)
GLOBAL_ALLOWANCE_CODE = Rule("3071", tolerance=None)
PREPAID_TOTAL = Rule("2509", tolerance=None, documents=SALES)
PREPAID_WITHOUT_DISCOUNT = Rule("3287", tolerance=None, documents=SALES)
PREPAID_DISCOUNT_WITHOUT_TOTAL = Rule("3282", tolerance=None, documents=SALES)
ADJUSTMENT_NOT_ZERO = Rule("3315", tolerance=None, documents=frozenset({NOTA_CREDITO}))

# Percepción, retención, payment terms
PERCEPCION_AMOUNT = Rule("2798", documents=SALES)
PERCEPCION_BASE_OVER_TOTAL = Rule("2797", tolerance=None, documents=SALES)
PERCEPCION_BASE_ZERO = Rule("3233", tolerance=None, documents=SALES)
RETENCION_AMOUNT = Rule("3263", documents=frozenset({FACTURA}))
RETENCION_BASE_OVER_TOTAL = Rule("3264", tolerance=None, documents=frozenset({FACTURA}))
CREDIT_WITHOUT_INSTALMENTS = Rule("3249", tolerance=None, documents=frozenset({FACTURA, NOTA_CREDITO}))
CREDIT_WITHOUT_AMOUNT = Rule("3251", tolerance=None, documents=frozenset({FACTURA, NOTA_CREDITO}))
CREDIT_OVER_TOTAL = Rule("3265", tolerance=None, documents=frozenset({FACTURA}))
INSTALMENT_OVER_TOTAL = Rule("3266", tolerance=None, documents=frozenset({FACTURA}))
INSTALMENT_DATE = Rule("3267", tolerance=None, documents=frozenset({FACTURA}))
INSTALMENTS_SUM = Rule("3319", tolerance=None, documents=frozenset({FACTURA, NOTA_CREDITO}))


class Checker:
    """Grades each difference for one document and records it in ``problems``."""

    def __init__(self, doc: SaleDocument, problems: Problems) -> None:
        self.doc = doc
        self.problems = problems
        note = doc.note
        self._modifies_factura = note is not None and note.tipo_documento_afectado == FACTURA
        self._nrus = doc.tipo_documento == BOLETA and doc.tipo_operacion == "0113"

    def grade(self, rule: Rule) -> tuple[str, Severity] | None:
        """The code and severity SUNAT gives ``rule`` on this document, ``None`` when it does not apply."""
        kind = self.doc.tipo_documento
        if kind not in rule.documents or (rule.nrus_exempt and self._nrus):
            return None
        code = rule.code
        if rule.observation is not None and kind != FACTURA:
            if kind == BOLETA or not self._modifies_factura:
                code = rule.observation
        return code, Severity.ERROR if return_codes.is_error(code) else Severity.WARNING

    def report(self, rule: Rule, path: str, detail: str) -> None:
        """Record a breach of ``rule`` at ``path`` (nothing when the rule does not apply)."""
        graded = self.grade(rule)
        if graded is None:
            return
        code, severity = graded
        message = f"{return_codes.message(code)} ({detail})"
        if severity is Severity.ERROR:
            self.problems.error(message, path, code)
        else:
            self.problems.warning(message, path, code)

    def differs(self, rule: Rule, declared: Decimal, expected: Decimal) -> bool:
        """Whether SUNAT would flag ``declared`` against ``expected`` under ``rule``."""
        if rule.tolerance is None:
            return declared != expected
        return abs(declared - expected) > rule.tolerance

    def compare(self, rule: Rule, path: str, declared: Decimal, expected: Decimal) -> bool:
        """Report ``declared`` when it differs from ``expected``; True when it passes."""
        if self.differs(rule, declared, expected):
            self.report(rule, path, f"declared {declared}, SUNAT's arithmetic gives {amount(expected)}")
            return False
        return True

    def settle(
        self,
        rule: Rule,
        path: str,
        declared: Decimal | None,
        expected: Decimal,
        rounding: Callable[[Decimal], Decimal] = amount,
    ) -> Decimal:
        """The value to keep: ``expected`` rounded when nothing was declared, else the declared
        value (reported when SUNAT would flag it; it is kept either way, the caller decides)."""
        if declared is None:
            return rounding(expected)
        self.compare(rule, path, declared, expected)
        return declared
