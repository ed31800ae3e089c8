"""Native rules for the resumen diario de boletas (RC).

Each rule implements a row of SUNAT's workbook "Reglas de validación CPE" (sheet
"Resumen Diario1_1", and the "General" sheet for the file name) or of SUNAT's SFS stylesheet
``ValidaExprRegSummary-1.1.0.xsl``, and reports SUNAT's code and message with the domain path
of the field (``lines[2].referencia.tipo_documento``). Codes SUNAT lists as observations are
warnings.

Where the stylesheet and the workbook differ, the rule says which it follows:

- the identity number of a customer that is not a RUC or DNI: workbook (observation 4208);
  the stylesheet rejects it with 2018, but only on lines above S/ 700;
- a nota's reference: the stylesheet requires it on every nota line, voids included (2512);
  the workbook only outside voids (2524). Yupana requires it always, with 2524;
- the types a nota may modify: workbook (03, 12, 16, 55); the stylesheet accepts only 03, 12.

Rules on the summary as a whole: the identifier (2210), the issuer (2216, 2225, 2229, 2228),
at least one line (2279), no more than 500 (0158, SUNAT's stylesheet), and the dates: 2236
generated in the future, 2671 reference date after the generation date, 2237 reference date in
the future, 4443 reported more than ``max_days`` after the documents' issue date, 2957 voiding
an electronic document after that plazo. Per line: the document type (2241: a factura does not
go in an RC), serie and número (2513), estado (2896), currency (3088), duplicates (3094, 3095,
3096), the issue date of the document when known (2375, the code SUNAT gives a communication
whose documents were issued on another date), the customer (2514, 2015, 2016, 2014, 2017,
4207, 4208), the reference of a nota (2582, 2524, 2920, and 2513 for a nota of a factura), the
percepción (2986, 2679, 2517, 2893, 2895, 2897, and 2608 for a foreign-currency line without
its soles base) and the form of each amount (2251, 2252, 2254, 2261, 2048).

Not here: arithmetic (``yupana.calc.summary``); rules that need SUNAT's registries (documents
already reported 2282/2223, documents that do not exist 2663, padrones 2601/4089...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache

from yupana.domain import catalogs, return_codes
from yupana.domain.party import Company, Customer
from yupana.domain.problems import Problems
from yupana.domain.summary import (
    ADICIONAR,
    ANULAR,
    BOLETA,
    CORRELATIVO_MAX,
    DOCUMENT_TYPES,
    ESTADOS,
    LINE_LIMIT,
    MODIFICAR,
    REFERENCE_TYPES,
    DailySummary,
    SummaryLine,
)
from yupana.validation.identity import is_ruc_shape, is_valid_ruc

LIMA = timezone(timedelta(hours=-5), "America/Lima")

LINE_NUMBER = re.compile(r"^([B][A-Z0-9]{3}|\d{1,4})-(?!0+$)\d{1,8}$")
CONTINGENCIA = re.compile(r"^\d{1,4}$")
REFERENCE_BOLETA = re.compile(r"^(B[A-Z0-9]{3}-(?!0+$)\d{1,8}|EB01-\d{1,8}|\d{1,4}-\d{1,8})$")
REFERENCE_OTHER = re.compile(r"^[a-zA-Z0-9-]{1,20}-[a-zA-Z0-9-]{1,20}$")
OTHER_IDENTITY = re.compile(r"^[^\s]{1,20}$")
REGISTRATION_NAME = re.compile(r"^(?!\s)[^\n\r\t]{3,100}$")
CUSTOMER_THRESHOLD = Decimal("700")


@dataclass(frozen=True, slots=True)
class SummaryOptions:
    """Parameters of the rules that depend on SUNAT's regulations.

    ``max_days``: calendar days after the documents' issue date within which a summary reports
    them in time (4443 beyond it) and voids electronic documents (2957 beyond it).
    ``check_ruc_digit``: verify the módulo 11 check digit of the issuer's RUC (2225).
    """

    max_days: int = 7
    check_ruc_digit: bool = True


DEFAULT_OPTIONS = SummaryOptions()


def lima_today() -> date:
    return datetime.now(LIMA).date()


def validate_summary(
    doc: DailySummary, *, today: date | None = None, options: SummaryOptions | None = None
) -> Problems:
    """Every native rule for a resumen diario (``today``: SUNAT's reception date, Lima).
    Returns errors and warnings; raises nothing."""
    rules = _SummaryRules(doc, today or lima_today(), options or DEFAULT_OPTIONS)
    rules.run()
    return rules.problems


_CENT = Decimal("0.01")


@lru_cache(maxsize=256)
def _is_currency(code: str) -> bool:
    return bool(code) and catalogs.is_valid("02", code)


_AMOUNT_LIMIT = Decimal(10) ** 12


def _amount_shape(value: Decimal) -> bool:
    """A number SUNAT writes as n(12,2): at most 12 integer digits and 2 decimals (trailing
    zeros do not count: ``1.500`` is ``1.50``)."""
    return value.is_finite() and -_AMOUNT_LIMIT < value < _AMOUNT_LIMIT and value.quantize(_CENT) == value


class _SummaryRules:
    def __init__(self, doc: DailySummary, today: date, options: SummaryOptions) -> None:
        self.doc = doc
        self.today = today
        self.options = options
        self.problems = Problems()

    def report(self, code: str, path: str, detail: str | None = None, *, warning: bool | None = None) -> None:
        text = return_codes.message(code)
        if detail:
            text = f"{text} ({detail})"
        if warning is None:
            warning = not return_codes.is_error(code)
        if warning:
            self.problems.warning(text, path, code)
        else:
            self.problems.error(text, path, code)

    def run(self) -> None:
        doc = self.doc
        if doc.tipo_documento != "RC":
            self.report("2210", "tipo_documento", f"'{doc.tipo_documento}' is not RC")
        if not isinstance(doc.correlativo, int) or not 1 <= doc.correlativo <= CORRELATIVO_MAX:
            self.report(
                "2210", "correlativo", f"correlativo '{doc.correlativo}' outside 1..{CORRELATIVO_MAX}"
            )
        self.issuer(doc.issuer)
        self.dates()
        self.lines()

    # -- the summary --------------------------------------------------------------------------

    def issuer(self, issuer: Company) -> None:
        """2216: a RUC of 11 digits starting with 1 or 2 (as the file name needs, 0151);
        2225: its check digit; 2229/2228: razón social present, 3 to 100 characters, no line
        breaks."""
        if not is_ruc_shape(issuer.ruc):
            self.report("2216", "issuer.ruc", f"RUC '{issuer.ruc}' is not 11 digits starting with 1 or 2")
        elif self.options.check_ruc_digit and not is_valid_ruc(issuer.ruc):
            self.report("2225", "issuer.ruc", f"wrong check digit in '{issuer.ruc}'")
        name = issuer.razon_social
        if not name or not name.strip():
            self.report("2229", "issuer.razon_social")
        elif not REGISTRATION_NAME.match(name):
            self.report("2228", "issuer.razon_social", "3 to 100 characters, no line breaks or tabs")

    def dates(self) -> None:
        doc = self.doc
        generated, reference = doc.fecha_generacion, doc.fecha_referencia
        if generated > self.today:
            self.report(
                "2236", "fecha_generacion", f"{generated.isoformat()} is after {self.today.isoformat()}"
            )
        if reference > generated:
            self.report(
                "2671",
                "fecha_referencia",
                f"documents of {reference.isoformat()} in a summary generated on {generated.isoformat()}",
            )
        elif reference > self.today:
            self.report(
                "2237", "fecha_referencia", f"{reference.isoformat()} is after {self.today.isoformat()}"
            )
        late = (self.today - reference).days > self.options.max_days
        if late:
            self.report(
                "4443",
                "fecha_referencia",
                f"documents of {reference.isoformat()} reported on {self.today.isoformat()}, "
                f"more than {self.options.max_days} days later",
            )
        for index, line in enumerate(doc.lines):
            path = f"lines[{index}]"
            if late and line.estado == ANULAR and not CONTINGENCIA.match(line.serie or ""):
                self.report(
                    "2957",
                    f"{path}.estado",
                    f"{line.numero} was issued on {reference.isoformat()}, more than "
                    f"{self.options.max_days} days before {self.today.isoformat()}",
                )
            if line.fecha_emision is not None and line.fecha_emision != reference:
                self.report(
                    "2375",
                    f"{path}.fecha_emision",
                    f"{line.numero} was issued on {line.fecha_emision.isoformat()}; this summary reports "
                    f"the documents of {reference.isoformat()}",
                )

    # -- the lines ----------------------------------------------------------------------------

    def lines(self) -> None:
        lines = self.doc.lines
        if not lines:
            self.report("2279", "lines", "a resumen diario needs at least one line")
            return
        if len(lines) > LINE_LIMIT:
            self.report(
                "0158",
                "lines",
                f"{len(lines)} lines: no more than {LINE_LIMIT} documents per summary "
                f"({self.doc.identificador}); split them over several summaries",
            )
        seen: dict[tuple[str, str, int, str], int] = {}
        for index, line in enumerate(lines):
            path = f"lines[{index}]"
            self.line(line, path)
            key = (line.tipo_documento, line.serie, line.correlativo, line.estado)
            if key in seen:
                self.report(
                    "3094",
                    path,
                    f"{line.tipo_documento} {line.numero} with estado {line.estado} is also lines[{seen[key]}]",
                )
            else:
                seen[key] = index
        for index, line in enumerate(lines):
            same = (line.tipo_documento, line.serie, line.correlativo)
            if line.estado == ADICIONAR and (*same, MODIFICAR) in seen:
                self.report(
                    "3095", f"lines[{index}].estado", f"{line.numero} is also modified in this summary"
                )
            if line.estado == MODIFICAR and (*same, ANULAR) in seen:
                self.report("3096", f"lines[{index}].estado", f"{line.numero} is also voided in this summary")

    def line(self, line: SummaryLine, path: str) -> None:
        tipo = line.tipo_documento
        if tipo not in DOCUMENT_TYPES:
            self.report("2241", f"{path}.tipo_documento", self._type_hint(tipo))
        if not isinstance(line.correlativo, int) or not LINE_NUMBER.match(line.numero):
            where = (
                "serie" if not re.match(r"^([B][A-Z0-9]{3}|\d{1,4})$", line.serie or "") else "correlativo"
            )
            self.report(
                "2513",
                f"{path}.{where}",
                f"'{line.numero}': serie B### (or 4 digits, contingencia) and a number of 1 to 8 digits",
            )
        if line.estado not in ESTADOS:  # catalog 19
            self.report("2896", f"{path}.estado", f"'{line.estado}': 1 adicionar, 2 modificar, 3 anular")
        if not _is_currency(line.moneda):
            self.report("3088", f"{path}.moneda", f"'{line.moneda}'")
        self.customer(line, path)
        self.reference(line, path)
        self.percepcion(line, path)
        self.amounts(line, path)

    @staticmethod
    def _type_hint(tipo: str) -> str:
        if tipo == "01":
            return "a factura is sent on its own and voided with a comunicación de baja (RA), never in an RC"
        return f"'{tipo}': a resumen diario reports boletas (03) and their notas (07, 08)"

    def customer(self, line: SummaryLine, path: str) -> None:
        customer = line.customer
        total = line.importe_total
        if customer is None:
            if total is not None and total > CUSTOMER_THRESHOLD:
                self.report("2514", f"{path}.customer", f"importe total {total} above {CUSTOMER_THRESHOLD}")
            return
        self.identity(customer, f"{path}.customer")

    def identity(self, customer: Customer, path: str) -> None:
        tipo = customer.tipo_documento
        number = (customer.numero_documento or "").strip()
        if not tipo:
            self.report("2015", f"{path}.tipo_documento")
        elif tipo != "-" and not catalogs.is_valid("06", tipo):
            self.report("2016", f"{path}.tipo_documento", f"'{tipo}'")
        if not number:
            self.report("2014", f"{path}.numero_documento")
        elif tipo == "6" and not re.fullmatch(r"\d{11}", number):
            self.report("2017", f"{path}.numero_documento", f"'{number}'")
        elif tipo == "1" and not re.fullmatch(r"\d{8}", number):
            self.report("4207", f"{path}.numero_documento", f"'{number}'")
        elif tipo not in ("1", "6") and not OTHER_IDENTITY.match(number):
            self.report("4208", f"{path}.numero_documento", f"'{number}'")

    def reference(self, line: SummaryLine, path: str) -> None:
        reference = line.referencia
        if not line.is_note:
            if reference is not None and line.tipo_documento in DOCUMENT_TYPES:
                self.report("2582", f"{path}.referencia", "only notas (07, 08) refer to another document")
            return
        if reference is None:
            self.report(
                "2524", f"{path}.referencia", f"the nota {line.numero} must name the boleta it modifies"
            )
            return
        if reference.tipo_documento not in REFERENCE_TYPES:
            detail = f"'{reference.tipo_documento}' is not 03, 12, 16 or 55"
            if reference.tipo_documento == "01":
                detail = "a nota of a factura is sent on its own, never in a resumen diario"
            self.report("2513", f"{path}.referencia.tipo_documento", detail)
            return
        pattern = REFERENCE_BOLETA if reference.tipo_documento == BOLETA else REFERENCE_OTHER
        if not reference.numero or not pattern.match(reference.numero):
            self.report("2920", f"{path}.referencia.numero", f"'{reference.numero}'")

    def percepcion(self, line: SummaryLine, path: str) -> None:
        percepcion = line.percepcion
        if percepcion is None:
            return
        where = f"{path}.percepcion"
        if line.tipo_documento != BOLETA or line.estado == MODIFICAR:
            self.report("2986", where, f"a {line.tipo_documento} line with estado {line.estado}")
        customer = line.customer
        if customer is None or not (customer.numero_documento or "").strip():
            self.report("2679", f"{path}.customer", "a boleta with percepción identifies its customer")
        if not catalogs.is_valid("22", percepcion.regimen):
            self.report("2517", f"{where}.regimen", f"'{percepcion.regimen}' is not in catalog 22")
        for code, name, value in (
            ("2893", "monto", percepcion.monto),
            ("2895", "total", percepcion.total),
            ("2897", "base", percepcion.base),
        ):
            if value is None:
                detail = "missing"
                if name == "base" and line.moneda != "PEN":
                    self.report(
                        "2608", f"{where}.base", f"a line in {line.moneda} gives the percepción base in soles"
                    )
                    continue
                self.report(code, f"{where}.{name}", detail)
            elif value <= 0 or not _amount_shape(value):
                self.report(code, f"{where}.{name}", f"{value}: above 0, at most 2 decimals")

    def amounts(self, line: SummaryLine, path: str) -> None:
        total = line.importe_total
        if total is None:
            self.report("2252", f"{path}.importe_total", "the line's amounts must be completed first")
        elif total < 0 or not _amount_shape(total):
            self.report("2251", f"{path}.importe_total", f"{total}: 0 or more, at most 2 decimals")
        for name, value in (
            ("gravadas", line.gravadas),
            ("exoneradas", line.exoneradas),
            ("inafectas", line.inafectas),
            ("exportacion", line.exportacion),
            ("gratuitas", line.gratuitas),
        ):
            if value is not None and (value < 0 or not _amount_shape(value)):
                self.report("2254", f"{path}.{name}", f"{value}: 0 or more, at most 2 decimals")
        if line.otros_cargos is not None and (line.otros_cargos < 0 or not _amount_shape(line.otros_cargos)):
            self.report("2261", f"{path}.otros_cargos", f"{line.otros_cargos}: 0 or more, at most 2 decimals")
        for name, value in (
            ("igv", line.igv),
            ("ivap", line.ivap),
            ("isc", line.isc),
            ("icbper", line.icbper),
            ("otros_tributos", line.otros_tributos),
        ):
            if value is not None and (value < 0 or not _amount_shape(value)):
                self.report("2048", f"{path}.{name}", f"{value}: 0 or more, at most 2 decimals")
