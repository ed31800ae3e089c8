"""Native rules for the comunicación de baja (RA) and the resumen de reversiones (RR).

Each rule implements a row of SUNAT's rules workbook (sheets "Comunicación de Baja1_0" and
"Resumen de reversiones1_0") and reports SUNAT's return code and message with the domain path
of the field (``lines[1].serie``, ``fecha_referencia``). Where the workbook and SUNAT's SFS
stylesheets differ, the workbook (and the server variant of the stylesheets, which agrees with
it) decides:

- RA takes types 01, 07, 08, 30, 34 and 42 (2308); the SFS stylesheet knows only 01, 07, 08
  (and 14, recibos de servicios públicos, which the workbook no longer lists);
- RR takes types 20, 40 and 04 (2308); SUNAT lists 04 (liquidación de compra) for issuers
  that send to SUNAT directly, not through an OSE, and the SFS stylesheet knows only 20, 40;
- a motivo shorter than 3 characters (or longer than 100, or with line breaks) is an
  observation (4203) on both; the SFS stylesheet for RR rejects it (2314).

Dates are Lima dates. ``today`` stands for the reception date, which is not known when a
communication is built: it cannot be earlier than today, so a communication that is already
too late is an error (2957, 2958), while a generation date after today is only a warning
(2301: it holds if the communication is sent on that day).

What is *not* here, because it needs SUNAT's registries: whether each voided document exists
(2105, 2750), was rejected (2398), was already voided or reversed (2323, 2751), was issued on
the reference date (2375 for lines that do not carry their issue date), whether the
communication was sent before (2324, 2223), and the issuer's status (2011).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from yupana.domain import return_codes
from yupana.domain.party import Company
from yupana.domain.problems import Problems
from yupana.domain.voided import (
    COMUNICACION_BAJA,
    CORRELATIVO_MAX,
    DOCUMENT_TYPES,
    RESUMEN_REVERSIONES,
    VOIDED_TYPES,
    VoidedDocument,
    VoidedLine,
    family_of,
)
from yupana.validation.identity import is_ruc_shape, is_valid_ruc
from yupana.validation.native import lima_today

NUMBER_MAX = 99_999_999  # sac:DocumentNumberID: up to 8 digits (2312)
LINE_MAX = 99_999  # cbc:LineID: up to 5 digits (2305)
MOTIVO_MAX = 100

_F_OR_CONTINGENCIA = re.compile(r"^(F[A-Z0-9]{3}|\d{1,4})$")
# (pattern, code) of the serie of each type (rules 2310, 2674, 2675, 2345).
SERIE_RULES: dict[str, tuple[re.Pattern[str], str]] = {
    "01": (_F_OR_CONTINGENCIA, "2310"),
    "07": (_F_OR_CONTINGENCIA, "2310"),
    "08": (_F_OR_CONTINGENCIA, "2310"),
    "30": (re.compile(r"^F[A-Z0-9]{3}$"), "2310"),
    "34": (re.compile(r"^F[A-Z0-9]{3}$"), "2310"),
    "42": (re.compile(r"^F[A-Z0-9]{3}$"), "2310"),
    "20": (re.compile(r"^(R[A-Z0-9]{3}|\d{1,4})$"), "2674"),
    "40": (re.compile(r"^(P[A-Z0-9]{3}|\d{1,4})$"), "2675"),
    "04": (re.compile(r"^(L[A-Z0-9]{3}|\d{1,4})$"), "2345"),
}
# The communication's identifier N out of range: "RA-fecha-correlativo" / "RR-fecha-correlativo".
IDENTIFIER_CODE = {COMUNICACION_BAJA: "2283", RESUMEN_REVERSIONES: "2673"}
# Types with a deadline counted from their issue date, and the code when it is exceeded:
# everything an RA voids (2957), liquidaciones de compra in an RR (2958). Contingency series
# (digits) have none.
DEADLINE_CODE = {COMUNICACION_BAJA: "2957", RESUMEN_REVERSIONES: "2958"}
DEADLINE_TYPES = {
    COMUNICACION_BAJA: frozenset(DOCUMENT_TYPES[COMUNICACION_BAJA]),
    RESUMEN_REVERSIONES: frozenset({"04"}),
}


@dataclass(frozen=True, slots=True)
class VoidedOptions:
    """``max_days``: calendar days after a document's issue date within which SUNAT still
    takes its baja (rules 2957 and 2958: seven). ``check_ruc_digit``: verify the issuer's RUC
    check digit (2104); SUNAT's beta service accepts demo RUCs whose digit is wrong."""

    max_days: int = 7
    check_deadline: bool = True
    check_ruc_digit: bool = True


DEFAULT_OPTIONS = VoidedOptions()


def validate_voided(
    doc: VoidedDocument, *, today: date | None = None, options: VoidedOptions | None = None
) -> Problems:
    """Every native rule for an RA or RR. Returns errors and warnings; raises nothing."""
    rules = _VoidedRules(doc, today or lima_today(), options or DEFAULT_OPTIONS)
    rules.run()
    return rules.problems


def _text_ok(value: str, minimum: int, maximum: int) -> bool:
    """SUNAT's free-text shape: ``minimum``..``maximum`` characters, not starting with
    whitespace, no line breaks or tabs."""
    return (
        minimum <= len(value) <= maximum and not value[:1].isspace() and not any(c in value for c in "\n\r\t")
    )


class _VoidedRules:
    def __init__(self, doc: VoidedDocument, today: date, options: VoidedOptions) -> None:
        self.doc = doc
        self.today = today
        self.options = options
        self.problems = Problems()
        self.tipo = doc.tipo_documento

    def report(self, code: str, path: str, detail: str | None = None, *, warning: bool = False) -> None:
        text = return_codes.message(code)
        if detail:
            text = f"{text} ({detail})"
        if warning:
            self.problems.warning(text, path, code)
        else:
            self.problems.error(text, path, code)

    def run(self) -> None:
        if self.tipo not in VOIDED_TYPES:
            self.problems.error(
                f"tipo_documento must be RA (comunicación de baja) or RR (resumen de reversiones), "
                f"not {self.tipo!r}",
                "tipo_documento",
            )
            return
        self.identifier()
        self.dates()
        self.issuer(self.doc.issuer)
        self.lines(self.doc.lines)
        self.deadline()

    # -- header -------------------------------------------------------------------------------

    def identifier(self) -> None:
        """2283 (RA) / 2673 (RR): the N of RA-AAAAMMDD-N is a number from 1 to 99999."""
        correlativo = self.doc.correlativo
        if not isinstance(correlativo, int) or not 1 <= correlativo <= CORRELATIVO_MAX:
            self.report(
                IDENTIFIER_CODE[self.tipo],
                "correlativo",
                f"correlativo '{correlativo}' fuera de 1..{CORRELATIVO_MAX}",
            )

    def dates(self) -> None:
        """2301: generation date after the reception date (a warning: see the module notes);
        2671: reference date after the generation date."""
        generated, reference = self.doc.fecha_generacion, self.doc.fecha_referencia
        if generated > self.today:
            self.report(
                "2301",
                "fecha_generacion",
                f"{generated.isoformat()} es posterior a hoy {self.today.isoformat()}: "
                "SUNAT la rechaza si la recibe antes de esa fecha",
                warning=True,
            )
        if reference > generated:
            self.report(
                "2671",
                "fecha_referencia",
                f"fecha de referencia {reference.isoformat()} posterior a la fecha de generación "
                f"{generated.isoformat()}",
            )

    def issuer(self, issuer: Company) -> None:
        """2216/2104: RUC shape and check digit; 2229/2228: razón social present, 3 to 100
        characters without line breaks."""
        if not is_ruc_shape(issuer.ruc):
            self.report("2216", "issuer.ruc", f"valor '{issuer.ruc}'")
        elif self.options.check_ruc_digit and not is_valid_ruc(issuer.ruc):
            self.report("2104", "issuer.ruc", f"dígito verificador inválido en '{issuer.ruc}'")
        name = issuer.razon_social
        if not name or not name.strip():
            self.report("2229", "issuer.razon_social")
        elif not _text_ok(name, 3, 100):
            self.report("2228", "issuer.razon_social", "de 3 a 100 caracteres, sin saltos de línea")

    # -- lines --------------------------------------------------------------------------------

    def lines(self, lines: list[VoidedLine]) -> None:
        if not lines:
            self.problems.error("a communication needs at least one document to void", "lines")
            return
        if len(lines) > LINE_MAX:
            self.report("2305", "lines", f"{len(lines)} líneas; el máximo es {LINE_MAX}")
        seen: dict[tuple[str, str, int], int] = {}
        for index, line in enumerate(lines):
            path = f"lines[{index}]"
            self.line(line, path)
            key = (line.tipo_documento, line.serie, line.correlativo)
            if key in seen:
                self.report(
                    "2348",
                    path,
                    f"{line.tipo_documento} {line.numero} ya está en lines[{seen[key]}]",
                )
            else:
                seen[key] = index

    def line(self, line: VoidedLine, path: str) -> None:
        self.line_type(line, path)
        self.line_serie(line, path)
        if not isinstance(line.correlativo, int) or not 1 <= line.correlativo <= NUMBER_MAX:
            self.report("2312", f"{path}.correlativo", f"valor '{line.correlativo}'")
        self.motivo(line.motivo, f"{path}.motivo")
        if line.fecha_emision is not None and line.fecha_emision != self.doc.fecha_referencia:
            self.report(
                "2375",
                f"{path}.fecha_emision",
                f"{line.tipo_documento} {line.numero} emitido el {line.fecha_emision.isoformat()}, "
                f"la comunicación es de documentos del {self.doc.fecha_referencia.isoformat()}: "
                "los documentos de otra fecha van en otra comunicación",
            )

    def line_type(self, line: VoidedLine, path: str) -> None:
        """2309: type missing; 2308: a type this communication does not void."""
        tipo = (line.tipo_documento or "").strip()
        if not tipo:
            self.report("2309", f"{path}.tipo_documento")
            return
        if tipo in DOCUMENT_TYPES[self.tipo]:
            return
        self.report("2308", f"{path}.tipo_documento", _elsewhere(tipo, self.tipo))

    def line_serie(self, line: VoidedLine, path: str) -> None:
        """2311: serie missing; 2310/2674/2675/2345: serie not of the type's format."""
        serie = line.serie or ""
        if not serie.strip():
            self.report("2311", f"{path}.serie")
            return
        rule = SERIE_RULES.get(line.tipo_documento)
        if rule is None or line.tipo_documento not in DOCUMENT_TYPES[self.tipo]:
            return  # the type is already reported
        pattern, code = rule
        if pattern.match(serie):
            return
        detail = f"serie '{serie}' no válida para el tipo {line.tipo_documento}"
        if line.tipo_documento in ("07", "08") and serie.startswith("B"):
            detail += (
                ": una nota de una boleta se anula en el resumen diario (RC) con estado 3, "
                "no en una comunicación de baja"
            )
        self.report(code, f"{path}.serie", detail)

    def motivo(self, motivo: str | None, path: str) -> None:
        """2315: no motivo; 4203 (observation): fewer than 3 or more than 100 characters, or
        line breaks."""
        if motivo is None or not motivo.strip():
            self.report("2315", path)
        elif not _text_ok(motivo, 3, MOTIVO_MAX):
            self.report("4203", path, f"de 3 a {MOTIVO_MAX} caracteres, sin saltos de línea", warning=True)

    # -- deadline -----------------------------------------------------------------------------

    def deadline(self) -> None:
        """2957 (RA) / 2958 (RR, liquidaciones de compra): received more than ``max_days``
        after the voided documents' issue date. Contingency series (digits) are exempt."""
        if not self.options.check_deadline:
            return
        late_after = self.options.max_days
        days = (self.today - self.doc.fecha_referencia).days
        if days <= late_after:
            return
        late = _late_lines(self.doc.lines, DEADLINE_TYPES[self.tipo])
        if not late:
            return
        self.report(
            DEADLINE_CODE[self.tipo],
            "fecha_referencia",
            f"documentos del {self.doc.fecha_referencia.isoformat()}, hace {days} días; el plazo es "
            f"de {late_after} días: {', '.join(late)}",
        )


def _late_lines(lines: Iterable[VoidedLine], types: frozenset[str]) -> list[str]:
    return [
        f"{line.tipo_documento} {line.numero}"
        for line in lines
        if line.tipo_documento in types and line.serie and not line.serie[:1].isdigit()
    ]


def _elsewhere(tipo: str, family: str) -> str:
    """Why a type does not belong in ``family``, and where it goes instead."""
    name = (
        "una comunicación de baja (RA)" if family == COMUNICACION_BAJA else "un resumen de reversiones (RR)"
    )
    allowed = ", ".join(DOCUMENT_TYPES[family])
    detail = f"tipo '{tipo}' no se da de baja en {name}, que acepta {allowed}"
    if tipo == "03":
        return detail + ": una boleta se anula en el resumen diario (RC) con estado 3"
    other = family_of(tipo)
    if other == COMUNICACION_BAJA:
        return detail + ": se da de baja en una comunicación de baja (RA)"
    if other == RESUMEN_REVERSIONES:
        return detail + ": se revierte en un resumen de reversiones (RR)"
    return detail
