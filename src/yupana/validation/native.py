"""Native rules for sales documents (factura 01, boleta 03, nota de crédito 07, nota de débito 08).

Each rule implements one row of SUNAT's workbook "Reglas de validación CPE" (sheets
Factura2_0, Boleta2_0, NotaCredito2_0, NotaDebito2_0) and reports the return code SUNAT
would answer, SUNAT's message and the domain path of the field (``customer.numero_documento``,
``lines[2].unidad``). Codes SUNAT lists as observations are reported as warnings.

What is *not* here:

- amount arithmetic (line and document totals, taxes, tolerances): ``yupana.calc``;
- rules that need SUNAT's registries (RUC padrón, documents already issued, certificates):
  the service layer and the simulator;
- rules on the XML form (attributes, tag repetition): the XSD and SUNAT's own stylesheets
  (``yupana.validation.xsd`` and ``yupana.validation.sfs``).

Dates are Lima dates. The send window (codes 2108/1079) and the future tolerance (2329) are
measured from ``today`` (Lima) unless the caller passes another reception date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from functools import lru_cache
from types import MappingProxyType

from yupana.domain import catalogs, return_codes
from yupana.domain.party import Address, Company, Customer
from yupana.domain.problems import Problems
from yupana.domain.sale import (
    BOLETA,
    FACTURA,
    NOTA_CREDITO,
    NOTA_DEBITO,
    SALE_TYPES,
    AllowanceCharge,
    SaleDocument,
    SaleLine,
)
from yupana.validation.identity import (
    FREE_FORMAT_TYPES,
    is_dni_shape,
    is_free_shape,
    is_ruc_shape,
    is_valid_ruc,
)

LIMA = timezone(timedelta(hours=-5), "America/Lima")  # Peru keeps UTC-5 all year

SERIE_PATTERNS = {
    FACTURA: re.compile(r"^(F[A-Z0-9]{3}|\d{4})$"),
    BOLETA: re.compile(r"^(B[A-Z0-9]{3}|\d{4})$"),
    NOTA_CREDITO: re.compile(r"^([FB][A-Z0-9]{3}|\d{4})$"),
    NOTA_DEBITO: re.compile(r"^([FB][A-Z0-9]{3}|\d{4})$"),
}
CONTINGENCIA = re.compile(r"^\d{4}$")
CORRELATIVO_MAX = 99_999_999
# 10**-n for the decimals a number may carry.
_PLACES = {places: Decimal(1).scaleb(-places) for places in range(11)}

EXPORTACION = frozenset({"0200", "0201", "0202", "0203", "0204", "0205", "0206", "0207", "0208"})
DETRACCION = frozenset({"1001", "1002", "1003", "1004"})
DETRACCION_BIEN = {"1002": "004", "1003": "028", "1004": "027"}
PERCEPCION_CODES = frozenset({"51", "52", "53"})

# Types a nota may modify, by the first letter of its own serie (rules 2116/2204, 2399/2400, 2594).
AUTHORIZED_TYPES = frozenset("01 05 06 12 13 15 16 18 21 28 30 34 37 42 43 45 55 11 17 23 24 56".split())
NOTE_TARGETS = {
    "F": AUTHORIZED_TYPES,
    "B": frozenset({"03", "12", "16", "55"}),
    "digit": AUTHORIZED_TYPES | {"03"},
}
# Nota codes that need no affected document: NC 10 (otros conceptos), ND 03 (penalidades).
NOTE_WITHOUT_TARGET = {NOTA_CREDITO: "10", NOTA_DEBITO: "03"}
AFFECTED_NUMBER = {
    "01": re.compile(r"^(F[A-Z0-9]{3}|E001|\d{1,4})-\d{1,8}$"),
    "03": re.compile(r"^(B[A-Z0-9]{3}|EB01|\d{1,4})-\d{1,8}$"),
}
AFFECTED_NUMBER_OTHER = re.compile(r"^[a-zA-Z0-9-]{1,20}-[a-zA-Z0-9-]{1,20}$")
ANTICIPO_NUMBER = {
    "02": re.compile(r"^(F[A-Z0-9]{3}|E001|\d{1,4})-\d{1,8}$"),
    "03": re.compile(r"^(B[A-Z0-9]{3}|EB01|\d{1,4})-\d{1,8}$"),
}
GUIA_NUMBER = re.compile(r"^([TV][A-Z0-9]{3}-\d{1,8}|\d{4}-\d{1,8}|EG0[1-47]-\d{1,8}|G\d{3}-\d{1,8})$")
RELATED_TYPES_FACTURA = frozenset({"02", "03", "04", "05", "06", "07", "08", "09", "99"})
CUOTA_LIMIT = 999  # Cuota[0-9]{3}
LINE_LIMIT = 999  # cbc:ID of a line: up to three digits
ESTABLISHMENT_CODE = re.compile(r"\d{4}")
SUNAT_PRODUCT_CODE = re.compile(r"\d{8}")
RELATED_NUMBER = re.compile(r"\S{1,30}")

# The check digit is a pure function of the number; issuers and frequent customers repeat.
_valid_ruc = lru_cache(maxsize=4096)(is_valid_ruc)


# Read-only, so every NativeOptions can share it (options are made per document).
_MAX_DAYS_LATE: Mapping[str, int] = MappingProxyType(
    {"01": 3, "03": 3, "07F": 3, "07B": 5, "08F": 3, "08B": 5}
)


@dataclass(frozen=True, slots=True)
class NativeOptions:
    """Parameters of the rules that depend on SUNAT's current regulations.

    ``max_days_late``: calendar days after the issue date within which SUNAT still receives
    the document individually (Resolución de Superintendencia 000003-2023/SUNAT: three days
    for facturas and their notes; beyond it SUNAT answers 2108, and 1079 for boletas and
    their notes, which then go only through the resumen diario). Keys: "01", "03", "07F",
    "07B", "08F", "08B". ``future_days``: how far ahead of the reception date an issue date
    may be (2329). ``boleta_threshold``: PEN amount above which a boleta must identify its
    customer (2396). ``check_ruc_digit``: verify the módulo 11 check digit of RUCs (2104 for
    the issuer, 1083 for customers, 2529 for anticipo issuers); SUNAT's beta service accepts
    demo RUCs such as 20123456789 whose check digit is wrong, production does not.
    """

    max_days_late: Mapping[str, int] = field(default_factory=lambda: _MAX_DAYS_LATE)
    future_days: int = 2
    boleta_threshold: Decimal = Decimal("700")
    check_send_window: bool = True
    # The send window is SUNAT's answer to a late *sending*; a document built offline may still be
    # sent in time or through a summary, so builders may report it as a warning instead.
    send_window_is_error: bool = True
    check_ruc_digit: bool = True


DEFAULT_OPTIONS = NativeOptions()


def lima_today() -> date:
    return datetime.now(LIMA).date()


def validate_sale(
    doc: SaleDocument, *, today: date | None = None, options: NativeOptions | None = None
) -> Problems:
    """Every native rule for a factura, boleta or nota. Returns errors and warnings; raises nothing."""
    checker = _SaleRules(doc, today or lima_today(), options or DEFAULT_OPTIONS)
    checker.run()
    return checker.problems


def _text_ok(value: str | None, minimum: int, maximum: int) -> bool:
    """SUNAT's free-text shape: ``minimum``..``maximum`` characters, not starting with
    whitespace, no line breaks or tabs."""
    if value is None or not (minimum <= len(value) <= maximum):
        return False
    if value[:1].isspace():
        return False
    return "\n" not in value and "\r" not in value and "\t" not in value


def _decimal_fits(value: Decimal | None, integers: int, decimals: int) -> bool:
    """A positive number with at most ``integers`` integer digits and ``decimals`` decimals."""
    if value is None:
        return False
    try:
        if not value.is_finite() or value <= 0 or value.adjusted() >= integers:
            return False
        # Exact: with at most ``integers`` integer digits the result fits the context's precision.
        return value.quantize(_PLACES[decimals], ROUND_DOWN) == value
    except (InvalidOperation, AttributeError):
        return False


def _zero_or_fits(value: Decimal, integers: int, decimals: int) -> bool:
    return value == 0 or _decimal_fits(value, integers, decimals)


def _is_unidentified(customer: Customer) -> bool:
    """A boleta customer given as "varios": no usable identity document."""
    number = (customer.numero_documento or "").strip()
    return customer.tipo_documento == "-" or number in ("", "-") or set(number) == {"0"}


class _SaleRules:
    def __init__(self, doc: SaleDocument, today: date, options: NativeOptions) -> None:
        self.doc = doc
        self.today = today
        self.options = options
        self.problems = Problems()
        self.tipo = doc.tipo_documento
        self.contingencia = bool(CONTINGENCIA.match(doc.serie or ""))

    # -- reporting ----------------------------------------------------------------------------

    def report(self, code: str, path: str, detail: str | None = None, *, warning: bool = False) -> None:
        text = return_codes.message(code)
        if detail:
            text = f"{text} ({detail})"
        if warning:
            self.problems.warning(text, path, code)
        else:
            self.problems.error(text, path, code)

    @property
    def is_factura(self) -> bool:
        return self.tipo == FACTURA

    @property
    def is_boleta(self) -> bool:
        return self.tipo == BOLETA

    @property
    def is_note(self) -> bool:
        return self.tipo in (NOTA_CREDITO, NOTA_DEBITO)

    # -- driver -------------------------------------------------------------------------------

    def run(self) -> None:
        if self.tipo not in SALE_TYPES:
            # 1003: InvoiceTypeCode not in catalog 01 / not a sales document.
            self.report("1003", "tipo_documento", f"valor '{self.tipo}'")
            return
        self.numbering()
        self.issue_date()
        self.currency()
        self.issuer(self.doc.issuer)
        self.customer(self.doc.customer)
        self.tipo_operacion()
        self.lines(self.doc.lines)
        self.payable()
        self.global_allowances(self.doc.allowances)
        self.legends()
        self.payment()
        if not self.is_note:
            self.detraccion()
            self.percepcion()
            self.anticipos()
        self.retencion()
        self.references()
        if self.is_note:
            self.note()

    # -- numbering and dates ------------------------------------------------------------------

    def numbering(self) -> None:
        """1001: serie F### / B### (notes F### or B###) or four digits (contingencia);
        correlativo 1..99999999."""
        doc = self.doc
        if not doc.serie or not SERIE_PATTERNS[self.tipo].match(doc.serie):
            self.report("1001", "serie", f"serie '{doc.serie}' no válida para el tipo {self.tipo}")
        if not isinstance(doc.correlativo, int) or not 1 <= doc.correlativo <= CORRELATIVO_MAX:
            self.report(
                "1001", "correlativo", f"correlativo '{doc.correlativo}' fuera de 1..{CORRELATIVO_MAX}"
            )

    def issue_date(self) -> None:
        """2329: issue date more than ``future_days`` after reception. 2108 (facturas and
        F notes) / 1079 (boletas and B notes): received after the send window; contingency
        series are exempt, as in SUNAT's rule."""
        doc = self.doc
        if not isinstance(doc.fecha_emision, date):
            self.report("2329", "fecha_emision", "fecha de emisión ausente")
            return
        if (doc.fecha_emision - self.today).days > self.options.future_days:
            self.report(
                "2329",
                "fecha_emision",
                f"{doc.fecha_emision.isoformat()} posterior a {self.today.isoformat()}",
            )
        if not self.options.check_send_window or self.contingencia:
            return
        letter = (doc.serie or "F")[:1]
        key = self.tipo if not self.is_note else f"{self.tipo}{'B' if letter == 'B' else 'F'}"
        limit = self.options.max_days_late.get(key)
        if limit is None or (self.today - doc.fecha_emision).days <= limit:
            return
        boleta_like = self.is_boleta or (self.is_note and letter == "B")
        code = "1079" if boleta_like else "2108"
        self.report(
            code,
            "fecha_emision",
            f"emitido el {doc.fecha_emision.isoformat()}, plazo {limit} días",
            warning=not self.options.send_window_is_error,
        )

    def currency(self) -> None:
        """2070: moneda missing; 3088: not in catalog 02."""
        if not self.doc.moneda:
            self.report("2070", "moneda")
        elif not catalogs.is_valid("02", self.doc.moneda):
            self.report("3088", "moneda", f"valor '{self.doc.moneda}'")

    # -- parties ------------------------------------------------------------------------------

    def issuer(self, issuer: Company) -> None:
        """0002/2104: RUC shape and check digit; 1037/4338: razón social; 4092: nombre comercial;
        address observations 4093-4098, 4041, 4242."""
        if not is_ruc_shape(issuer.ruc):
            self.report("0002", "issuer.ruc", f"valor '{issuer.ruc}'")
        elif self.options.check_ruc_digit and not _valid_ruc(issuer.ruc):
            self.report("2104", "issuer.ruc", f"dígito verificador inválido en '{issuer.ruc}'")
        if not issuer.razon_social or not issuer.razon_social.strip():
            self.report("1037", "issuer.razon_social")
        elif not _text_ok(issuer.razon_social, 1, 1500):
            self.report("4338", "issuer.razon_social", warning=True)
        if issuer.nombre_comercial is not None and not _text_ok(issuer.nombre_comercial, 1, 1500):
            self.report("4092", "issuer.nombre_comercial", warning=True)
        self.issuer_address(issuer.address, "issuer.address")

    def issuer_address(self, address: Address, path: str) -> None:
        if address.ubigeo is not None and not catalogs.is_valid("13", address.ubigeo):
            self.report("4093", f"{path}.ubigeo", f"valor '{address.ubigeo}'", warning=True)
        if address.direccion is not None and not _text_ok(address.direccion, 3, 200):
            self.report("4094", f"{path}.direccion", warning=True)
        if address.urbanizacion is not None and not _text_ok(address.urbanizacion, 1, 25):
            self.report("4095", f"{path}.urbanizacion", warning=True)
        if address.provincia is not None and not _text_ok(address.provincia, 1, 30):
            self.report("4096", f"{path}.provincia", warning=True)
        if address.departamento is not None and not _text_ok(address.departamento, 1, 30):
            self.report("4097", f"{path}.departamento", warning=True)
        if address.distrito is not None and not _text_ok(address.distrito, 1, 30):
            self.report("4098", f"{path}.distrito", warning=True)
        if address.codigo_pais and address.codigo_pais != "PE":
            self.report("4041", f"{path}.codigo_pais", f"valor '{address.codigo_pais}'", warning=True)
        code = address.codigo_establecimiento
        if code is not None and not ESTABLISHMENT_CODE.fullmatch(code):
            self.report("4242", f"{path}.codigo_establecimiento", f"valor '{code}'", warning=True)

    def customer(self, customer: Customer) -> None:
        """2016: tipo not in catalog 06; 2014/2679: number missing; 2017/1083: RUC shape and
        check digit; 2801/4207: DNI; 2802/4208: other documents; 2021/2022: razón social;
        2800: tipo not allowed for the tipo de operación; 2396: boleta above S/ 700 without an
        identified customer."""
        tipo = customer.tipo_documento
        number = (customer.numero_documento or "").strip()
        if tipo != "-" and not catalogs.is_valid("06", tipo):
            self.report("2016", "customer.tipo_documento", f"valor '{tipo}'")
        if not number:
            self.report("2679" if self.is_note else "2014", "customer.numero_documento")
        elif number != "-":
            if tipo == "6":
                if not is_ruc_shape(number):
                    self.report("2017", "customer.numero_documento", f"valor '{number}'")
                elif self.options.check_ruc_digit and not _valid_ruc(number):
                    self.report(
                        "1083", "customer.numero_documento", f"dígito verificador inválido en '{number}'"
                    )
            elif tipo == "1" and not is_dni_shape(number):
                if self.is_factura:
                    self.report("2801", "customer.numero_documento", f"valor '{number}'")
                else:
                    self.report("4207", "customer.numero_documento", f"valor '{number}'", warning=True)
            elif tipo in FREE_FORMAT_TYPES and not is_free_shape(number):
                if self.is_factura:
                    self.report("2802", "customer.numero_documento", f"valor '{number}'")
                else:
                    self.report("4208", "customer.numero_documento", f"valor '{number}'", warning=True)
        if not customer.razon_social or not customer.razon_social.strip():
            self.report("2021", "customer.razon_social")
        elif not _text_ok(customer.razon_social, 3, 1500):
            self.report("2022", "customer.razon_social", f"valor '{customer.razon_social}'")
        if self.is_factura:
            self.factura_customer_type(tipo)
        elif self.is_boleta:
            if self.doc.tipo_operacion in EXPORTACION | {"0401"} and tipo == "6":
                self.report("2800", "customer.tipo_documento", "exportación con RUC")
            self.boleta_threshold(customer)

    def factura_customer_type(self, tipo: str) -> None:
        """2800 (Factura2_0, field 17): a factura goes to a RUC, except exportación and
        no domiciliados (any catalog 06 type or '-', RUC only with legend 2008 for
        0200/0201/0204), 0112 (DNI or RUC) and 2106 tax free (7, B, G)."""
        op = self.doc.tipo_operacion
        legends = {legend.codigo for legend in self.doc.legends}
        if op in ("0200", "0201", "0204") and tipo == "6" and "2008" not in legends:
            allowed = False
        elif op in EXPORTACION or op == "0401":
            allowed = tipo == "-" or catalogs.is_valid("06", tipo)
        elif op == "0112":
            allowed = tipo in ("1", "6")
        elif op == "2106":
            allowed = tipo in ("7", "B", "G")
        else:
            allowed = tipo == "6"
        if not allowed:
            self.report("2800", "customer.tipo_documento", f"tipo '{tipo}' con tipo de operación '{op}'")

    def boleta_threshold(self, customer: Customer) -> None:
        total = self.doc.totals.importe_total
        if total is None or not _is_unidentified(customer):
            return
        if self.doc.moneda != "PEN":
            if self.doc.tipo_cambio is None:
                return
            total = total * self.doc.tipo_cambio
        if total > self.options.boleta_threshold:
            self.report("2396", "customer.numero_documento", f"importe total {total}")

    # -- operation type -----------------------------------------------------------------------

    def tipo_operacion(self) -> None:
        """3205: missing; 3206: not in catalog 51 or not allowed for the document type
        (facturas and boletas; notes carry no tipo de operación)."""
        if self.is_note:
            return
        op = self.doc.tipo_operacion
        if not op:
            self.report("3205", "tipo_operacion")
        elif not catalogs.tipo_operacion_allows(op, self.tipo):
            self.report("3206", "tipo_operacion", f"valor '{op}' para el tipo {self.tipo}")

    # -- lines --------------------------------------------------------------------------------

    def lines(self, lines: list[SaleLine]) -> None:
        """Per line: 2883/2138/2188 + 2936 unidad (catalog 03); 2024/2025/2139 cantidad > 0
        with 12 integers and 10 decimals; 2026/2027/4084 descripción; 2040 afectación IGV
        (catalog 07); 2642 exportación needs 40; 2644 IVAP only with 17; 2041 ISC sistema
        (catalog 08); 4269/4234 código; 3496 código SUNAT; 2954/4268 allowances (catalog 53);
        2023 more than 999 lines."""
        if not lines:
            self.problems.error("El comprobante debe tener al menos una línea", "lines")
            return
        if len(lines) > LINE_LIMIT:
            self.report("2023", f"lines[{LINE_LIMIT}]", f"{len(lines)} líneas, máximo {LINE_LIMIT}")
        ivap = any(line.tipo_afectacion_igv == "17" for line in lines)
        for i, line in enumerate(lines):
            self.line(line, f"lines[{i}]", ivap)

    def line(self, line: SaleLine, path: str, ivap: bool) -> None:
        if not line.unidad:
            missing = {NOTA_CREDITO: "2138", NOTA_DEBITO: "2188"}.get(self.tipo, "2883")
            self.report(missing, f"{path}.unidad")
        elif not catalogs.is_valid("03", line.unidad):
            self.report("2936", f"{path}.unidad", f"valor '{line.unidad}'")
        if self.is_note:
            if not _decimal_fits(line.cantidad, 12, 10):
                self.report("2139", f"{path}.cantidad", f"valor '{line.cantidad}'")
        elif line.cantidad is None or line.cantidad <= 0:
            self.report("2024", f"{path}.cantidad", f"valor '{line.cantidad}'")
        elif not _decimal_fits(line.cantidad, 12, 10):
            self.report("2025", f"{path}.cantidad", f"valor '{line.cantidad}'")
        if line.valor_unitario is not None and not _zero_or_fits(line.valor_unitario, 12, 10):
            # 2369: the valor unitario is a positive n(12,10) (0 on free lines, rule 2640).
            self.report("2369", f"{path}.valor_unitario", f"valor '{line.valor_unitario}'")
        if not line.descripcion or not line.descripcion.strip():
            self.report("2026", f"{path}.descripcion")
        elif self.is_note:
            if not (3 <= len(line.descripcion) <= 500) or line.descripcion[:1].isspace():
                self.report("4084", f"{path}.descripcion", warning=True)
        elif len(line.descripcion) > 500 or line.descripcion[:1].isspace():
            self.report("2027", f"{path}.descripcion", f"{len(line.descripcion)} caracteres, máximo 500")
        afectacion = line.tipo_afectacion_igv
        if not catalogs.is_valid("07", afectacion):
            self.report("2040", f"{path}.tipo_afectacion_igv", f"valor '{afectacion}'")
        elif self.doc.tipo_operacion in EXPORTACION and not self.is_note and afectacion != "40":
            self.report("2642", f"{path}.tipo_afectacion_igv", f"valor '{afectacion}'")
        elif ivap and afectacion != "17":
            self.report("2644", f"{path}.tipo_afectacion_igv", f"valor '{afectacion}'")
        if line.isc is not None and not catalogs.is_valid("08", line.isc.sistema):
            self.report("2041", f"{path}.isc.sistema", f"valor '{line.isc.sistema}'")
        if line.codigo is not None and not _text_ok(line.codigo, 1, 30):
            self.report("4234" if self.tipo == NOTA_CREDITO else "4269", f"{path}.codigo", warning=True)
        if line.codigo_sunat is not None and not SUNAT_PRODUCT_CODE.fullmatch(line.codigo_sunat):
            self.report("3496", f"{path}.codigo_sunat", f"valor '{line.codigo_sunat}'", warning=True)
        for j, allowance in enumerate(line.allowances):
            self.allowance(allowance, f"{path}.allowances[{j}]", level="item")

    def allowance(self, allowance: AllowanceCharge, path: str, *, level: str) -> None:
        """Catalog 53 code (2954 on a line, 3071 global) and its level (4268 / 4291)."""
        code = allowance.codigo
        if not catalogs.is_valid("53", code):
            self.report("2954" if level == "item" else "3071", f"{path}.codigo", f"valor '{code}'")
            return
        if catalogs.attribute("53", code, "nivel") != level:
            self.report(
                "4268" if level == "item" else "4291", f"{path}.codigo", f"valor '{code}'", warning=True
            )

    def payable(self) -> None:
        """2062: the importe total is a positive n(12,2), or zero (free sales, NC 13); a negative
        total (anticipos above the sale) or one of more than 12 integer digits is refused."""
        total = self.doc.totals.importe_total
        if total is not None and not _zero_or_fits(total, 12, 2):
            self.report("2062", "totals.importe_total", f"valor '{total}'")

    def global_allowances(self, allowances: Iterable[AllowanceCharge]) -> None:
        """3071/4291 per global allowance; 3308 percepción codes outside tipo de operación
        2001. (3282, anticipo discounts without anticipos, belongs to ``yupana.calc``.)"""
        for i, allowance in enumerate(allowances):
            path = f"allowances[{i}]"
            self.allowance(allowance, path, level="global")
            if allowance.codigo in PERCEPCION_CODES and self.doc.tipo_operacion != "2001":
                self.report("3308", f"{path}.codigo", f"valor '{allowance.codigo}'")

    # -- legends, payment ---------------------------------------------------------------------

    def legends(self) -> None:
        """3027: code not in catalog 52; 3014: code repeated; 3006: text 1..200 characters
        without line breaks."""
        seen: set[str] = set()
        for i, legend in enumerate(self.doc.legends):
            if not catalogs.is_valid("52", legend.codigo):
                self.report("3027", f"legends[{i}].codigo", f"valor '{legend.codigo}'")
            elif legend.codigo in seen:
                self.report("3014", f"legends[{i}].codigo", f"valor '{legend.codigo}'")
            seen.add(legend.codigo)
            if not _text_ok(legend.valor, 1, 200):
                self.report("3006", f"legends[{i}].valor")

    def payment(self) -> None:
        """Forma de pago (Factura2_0 fields 174-177): 3246 forma; 3252 cuotas on Contado;
        for RUC customers 3249 Crédito without cuotas, 3251 without monto pendiente, 3254
        cuota without monto; 3250/3253 amount format; 3267 cuota due on or before the issue
        date. NC 13: 3257 needs Crédito information. Comparisons of amounts (3265/3266 above
        the importe total, 3319 cuotas adding up to the monto pendiente) are ``yupana.calc``'s."""
        payment = self.doc.payment
        note_13 = self.tipo == NOTA_CREDITO and self.doc.note is not None and self.doc.note.codigo == "13"
        if note_13 and (payment is None or payment.forma != "Credito" or not payment.cuotas):
            self.report("3257", "payment")
        if payment is None:
            return
        if payment.forma not in ("Contado", "Credito"):
            self.report("3246", "payment.forma", f"valor '{payment.forma}'")
            return
        if not (self.is_factura or note_13):
            return
        ruc_customer = self.doc.customer.tipo_documento == "6"
        if payment.forma == "Contado":
            if payment.cuotas:
                self.report("3252", "payment.cuotas")
            return
        if ruc_customer and not payment.cuotas:
            self.report("3249", "payment.cuotas")
        if payment.monto is None:
            if ruc_customer:
                self.report("3251", "payment.monto")
        elif not _decimal_fits(payment.monto, 12, 2):
            self.report("3250", "payment.monto", f"valor '{payment.monto}'")
        if len(payment.cuotas) > CUOTA_LIMIT:
            self.report("3246", f"payment.cuotas[{CUOTA_LIMIT}]", f"máximo {CUOTA_LIMIT} cuotas")
        for i, cuota in enumerate(payment.cuotas):
            path = f"payment.cuotas[{i}]"
            if cuota.monto is None:
                if ruc_customer:
                    self.report("3254", f"{path}.monto")
            elif not _decimal_fits(cuota.monto, 12, 2):
                self.report("3253", f"{path}.monto", f"valor '{cuota.monto}'")
            if not isinstance(cuota.fecha_pago, date):
                if ruc_customer:
                    self.report("3256", f"{path}.fecha_pago")
            elif isinstance(self.doc.fecha_emision, date) and cuota.fecha_pago <= self.doc.fecha_emision:
                self.report("3267", f"{path}.fecha_pago", cuota.fecha_pago.isoformat())

    # -- detracción, percepción, retención, anticipos -----------------------------------------

    def detraccion(self) -> None:
        """Factura2_0 fields 104-118: 3127 tipo de operación 1001-1004 without detracción;
        3128 detracción on another tipo de operación; 3033 code not in catalog 54; 3129 code
        fixed by 1002/1003/1004; 3034 Banco de la Nación account; 3174 medio de pago (catalog
        59); 1004 transport data 3116-3120, 3122, 4200."""
        op = self.doc.tipo_operacion
        det = self.doc.detraccion
        if det is None:
            if op in DETRACCION:
                self.report("3127", "detraccion", f"tipo de operación '{op}'")
            return
        if op not in DETRACCION:
            self.report("3128", "detraccion", f"tipo de operación '{op}'")
        if not catalogs.is_valid("54", det.codigo_bien):
            self.report("3033", "detraccion.codigo_bien", f"valor '{det.codigo_bien}'")
        elif op in DETRACCION_BIEN and det.codigo_bien != DETRACCION_BIEN[op]:
            self.report("3129", "detraccion.codigo_bien", f"'{DETRACCION_BIEN[op]}' para la operación {op}")
        if not det.cuenta_banco or not det.cuenta_banco.strip():
            self.report("3034", "detraccion.cuenta_banco")
        if det.medio_pago is not None and not catalogs.is_valid("59", det.medio_pago):
            self.report("3174", "detraccion.medio_pago", f"valor '{det.medio_pago}'")
        if op != "1004":
            return
        transporte = det.transporte
        if transporte is None:
            self.report("3116", "detraccion.transporte")
            return
        for side, missing_ubigeo, missing_address in (
            ("origen", "3116", "3117"),
            ("destino", "3118", "3119"),
        ):
            address: Address = getattr(transporte, side)
            path = f"detraccion.transporte.{side}"
            if not address.ubigeo:
                self.report(missing_ubigeo, f"{path}.ubigeo")
            elif not catalogs.is_valid("13", address.ubigeo):
                self.report("4200", f"{path}.ubigeo", f"valor '{address.ubigeo}'", warning=True)
            if not address.direccion or not address.direccion.strip():
                self.report(missing_address, f"{path}.direccion")
        if not transporte.detalle_viaje or not transporte.detalle_viaje.strip():
            self.report("3120", "detraccion.transporte.detalle_viaje")
        for attr in (
            "valor_referencial_servicio",
            "valor_referencial_carga_efectiva",
            "valor_referencial_carga_util",
        ):
            if getattr(transporte, attr) is None:
                self.report("3122", f"detraccion.transporte.{attr}")

    def percepcion(self) -> None:
        """Factura2_0 fields 63-64: 3308 percepción outside tipo de operación 2001; 3093 2001
        al contado without percepción; 3330 percepción on a sale on credit; 3071 code other
        than 51, 52, 53."""
        op = self.doc.tipo_operacion
        per = self.doc.percepcion
        contado = self.doc.payment is None or self.doc.payment.forma == "Contado"
        if per is None:
            if op == "2001" and contado:
                self.report("3093", "percepcion")
            return
        if op != "2001":
            self.report("3308", "percepcion", f"tipo de operación '{op}'")
        elif not contado:
            self.report("3330", "percepcion")
        if per.codigo not in PERCEPCION_CODES:
            self.report("3071", "percepcion.codigo", f"valor '{per.codigo}'")

    def retencion(self) -> None:
        """3262: retención del IGV (catalog 53 code 62) needs a RUC customer."""
        if self.doc.retencion is not None and self.doc.customer.tipo_documento != "6":
            self.report("3262", "retencion")

    def anticipos(self) -> None:
        """Factura2_0 field 65: 2505 type other than 02/03; 2521 number format; 2503 amount
        not positive; 2529 issuer RUC invalid."""
        for i, anticipo in enumerate(self.doc.anticipos):
            path = f"anticipos[{i}]"
            pattern = ANTICIPO_NUMBER.get(anticipo.tipo_documento)
            if pattern is None:
                self.report("2505", f"{path}.tipo_documento", f"valor '{anticipo.tipo_documento}'")
            elif not pattern.match(anticipo.numero or ""):
                self.report("2521", f"{path}.numero", f"valor '{anticipo.numero}'")
            if anticipo.monto is None or anticipo.monto <= 0:
                self.report("2503", f"{path}.monto", f"valor '{anticipo.monto}'")
            if anticipo.emisor_ruc is None:
                continue
            if not is_ruc_shape(anticipo.emisor_ruc) or (
                self.options.check_ruc_digit and not _valid_ruc(anticipo.emisor_ruc)
            ):
                self.report("2529", f"{path}.emisor_ruc", f"valor '{anticipo.emisor_ruc}'")

    # -- related documents --------------------------------------------------------------------

    def references(self) -> None:
        """Guías: 4005 type 09/31, 4006 number, 2364 repeated. Other documents: 4009 type
        (catalog 12), 4010 number, 2365 repeated. 4233 orden de compra."""
        seen: set[tuple[str, str]] = set()
        for i, guia in enumerate(self.doc.guias):
            path = f"guias[{i}]"
            if guia.tipo_documento not in ("09", "31"):
                self.report("4005", f"{path}.tipo_documento", f"valor '{guia.tipo_documento}'", warning=True)
            if not GUIA_NUMBER.match(guia.numero or ""):
                self.report("4006", f"{path}.numero", f"valor '{guia.numero}'", warning=True)
            key = (guia.tipo_documento, guia.numero)
            if key in seen:
                self.report("2364", f"{path}.numero", f"valor '{guia.numero}'")
            seen.add(key)
        seen = set()
        for i, related in enumerate(self.doc.related):
            path = f"related[{i}]"
            allowed = catalogs.is_valid("12", related.tipo_documento)
            if self.is_factura:
                allowed = related.tipo_documento in RELATED_TYPES_FACTURA
            if not allowed:
                self.report(
                    "4009", f"{path}.tipo_documento", f"valor '{related.tipo_documento}'", warning=True
                )
            if not RELATED_NUMBER.fullmatch(related.numero or ""):
                self.report("4010", f"{path}.numero", f"valor '{related.numero}'", warning=True)
            key = (related.tipo_documento, related.numero)
            if key in seen:
                self.report("2365", f"{path}.numero", f"valor '{related.numero}'")
            seen.add(key)
        if self.doc.orden_compra is not None and not _text_ok(self.doc.orden_compra, 1, 20):
            self.report("4233", "orden_compra", warning=True)

    # -- notes --------------------------------------------------------------------------------

    def note(self) -> None:
        """NotaCredito2_0 / NotaDebito2_0 fields 6-7 and 18-19: 2128 no reference; 2172 code
        not in catalog 09/10; 2136/2135 motivo; 2524 affected document missing; 2116/2204,
        2399/2400, 2594 affected type against the letter of the note's serie; 2117/2205
        affected number format; 3259 NC 13 modifies only facturas; 4367 NC 04/05/08 on a
        boleta. (3315, the NC 13 importe total of zero, is amount arithmetic: ``yupana.calc``.)"""
        note = self.doc.note
        credit = self.tipo == NOTA_CREDITO
        if note is None:
            self.report("2128", "note")
            return
        if not note.codigo:
            self.report("2128", "note.codigo")
        elif not catalogs.is_valid("09" if credit else "10", note.codigo):
            self.report("2172", "note.codigo", f"valor '{note.codigo}'")
        if not note.motivo or not note.motivo.strip():
            self.report("2136", "note.motivo")
        elif not _text_ok(note.motivo, 1, 500):
            self.report("2135", "note.motivo")
        affected_type = (note.tipo_documento_afectado or "").strip()
        affected_number = (note.numero_documento_afectado or "").strip()
        optional = note.codigo == NOTE_WITHOUT_TARGET[self.tipo]
        if not affected_number and not optional:
            self.report("2524", "note.numero_documento_afectado")
        letter = (self.doc.serie or "")[:1]
        targets = NOTE_TARGETS.get("digit" if letter.isdigit() else letter)
        if targets is not None:
            allowed = affected_type in targets or (optional and affected_type in ("", "-"))
            if not allowed:
                if letter == "F":
                    code = "2116" if credit else "2204"
                elif letter == "B":
                    code = "2399" if credit else "2400"
                else:
                    code = "2594"
                self.report(
                    code,
                    "note.tipo_documento_afectado",
                    f"valor '{affected_type}' para la serie {self.doc.serie}",
                )
        if affected_number:
            pattern = AFFECTED_NUMBER.get(affected_type, AFFECTED_NUMBER_OTHER)
            if not pattern.match(affected_number):
                self.report(
                    "2117" if credit else "2205",
                    "note.numero_documento_afectado",
                    f"valor '{affected_number}' para el tipo {affected_type or '-'}",
                )
        if credit and note.codigo == "13":
            if affected_type != FACTURA:
                self.report("3259", "note.tipo_documento_afectado", f"valor '{affected_type}'")
        if credit and note.codigo in ("04", "05", "08") and affected_type == BOLETA:
            self.report("4367", "note.codigo", f"valor '{note.codigo}'", warning=True)
