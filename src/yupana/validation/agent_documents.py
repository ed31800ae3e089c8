"""Native rules shared by the comprobante de retención (20) and the comprobante de percepción (40).

Both sheets of SUNAT's workbook (Retenciones1_0, Percepciones1_0) check the same things with
their own return codes: the numbering, the issuer (the agente) and the receiver (proveedor or
cliente), the régimen and its rate, the totals, and each related document with its payments
(número, amount, currency, dates, exchange rate). A ``Family`` holds one sheet's codes; the
rules run on either document through it. Paths are domain paths (``documents[0].payments[1].
importe``, ``proveedor.numero_documento``); codes SUNAT lists as observations are warnings.

Not here: the arithmetic (``calc.retention``, ``calc.perception``), rules that need SUNAT's
registries (padrón of agentes 2617/4285, RUC padrón 2621/2605 beyond the check digit, documents
already issued 1033/2609/2610), the file name (1034, 1049: the writer derives the name from the
document), and the XML form (the XSD and SUNAT's stylesheets).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Protocol

from yupana.domain import catalogs, return_codes
from yupana.domain.agent_documents import AgentFamily
from yupana.domain.exchange_rate import PEN, ExchangeRate
from yupana.domain.party import Address, Company
from yupana.domain.problems import Problems
from yupana.domain.receiver import Receiver
from yupana.validation.identity import is_ruc_shape, is_valid_ruc

LIMA = timezone(timedelta(hours=-5), "America/Lima")
CORRELATIVO_MAX = 99_999_999
CONTINGENCIA = re.compile(r"^\d{4}$")
TICKET_NUMBER = re.compile(r"^[a-zA-Z0-9-]{1,20}-[0-9]{1,20}$")  # tipo 12 (rule 2694)
PAYMENT_NUMBER_MAX = 999_999_999  # n..9
RATE_6_UNTIL = date(2014, 2, 28)  # régimen 02 (6 %) only for documents issued up to this day


@dataclass(frozen=True, slots=True)
class AgentDocumentOptions:
    """Parameters of the rules that depend on SUNAT's current regulations.

    ``max_days_late``: calendar days after the issue date within which SUNAT still receives the
    document (2600, "plazo máximo vigente"); ``None`` does not check it. ``check_ruc_digit``:
    verify the módulo 11 check digit of RUCs (2104 for the issuer; 2621/2605 for the receiver,
    a RUC that cannot exist).
    """

    max_days_late: int | None = None
    send_window_is_error: bool = True
    check_ruc_digit: bool = True


DEFAULT_OPTIONS = AgentDocumentOptions()


@dataclass(frozen=True, slots=True)
class Family:
    """One sheet of SUNAT's workbook: what differs between retentions and perceptions."""

    agent: AgentFamily
    serie: re.Pattern[str]
    issuer_ruc_code: str  # the issuer's RUC is not 11 digits
    receiver_types: frozenset[str] | None  # catalog 06 types allowed (None: any of catalog 06)
    receiver_number: re.Pattern[str]
    receiver_format: str
    receiver_is_issuer: str
    receiver_unknown_ruc: str
    # Observations on the receiver's trade name and address: nombre comercial, dirección,
    # urbanización, provincia, departamento, distrito.
    receiver_observations: tuple[str, str, str, str, str, str]
    related_number: re.Pattern[str]
    rate_code: str
    total_net_code: str  # the total paid / collected is not a positive n(12,2)
    numero_missing: str
    importe_format: str
    payment_currency: str
    same_period: str
    payment_range: str
    amount_format: str
    net_format: str
    rate_6_code: str | None = None  # retention régimen 02 and documents after 2014-02-28


class RelatedPayment(Protocol):
    @property
    def fecha(self) -> date: ...
    @property
    def importe(self) -> Decimal: ...
    @property
    def numero(self) -> int | None: ...
    @property
    def moneda(self) -> str | None: ...
    @property
    def tipo_cambio(self) -> ExchangeRate | None: ...


class RelatedDocument(Protocol):
    @property
    def tipo_documento(self) -> str: ...
    @property
    def numero(self) -> str: ...
    @property
    def fecha_emision(self) -> date: ...
    @property
    def importe_total(self) -> Decimal: ...
    @property
    def moneda(self) -> str: ...
    @property
    def tipo_cambio(self) -> ExchangeRate | None: ...
    @property
    def payments(self) -> Sequence[RelatedPayment]: ...


class AgentDocument(Protocol):
    @property
    def tipo_documento(self) -> str: ...
    @property
    def serie(self) -> str: ...
    @property
    def correlativo(self) -> int: ...
    @property
    def fecha_emision(self) -> date: ...
    @property
    def issuer(self) -> Company: ...
    @property
    def regimen(self) -> str: ...
    @property
    def tasa(self) -> Decimal | None: ...
    @property
    def documents(self) -> Sequence[RelatedDocument]: ...
    @property
    def totals(self) -> object: ...


def lima_today() -> date:
    return datetime.now(LIMA).date()


def decimal_fits(value: Decimal | None, integers: int, decimals: int) -> bool:
    """A positive number with at most ``integers`` integer digits and ``decimals`` decimals."""
    if value is None:
        return False
    try:
        if not value.is_finite() or value <= 0:
            return False
        _, digits, exponent = value.normalize().as_tuple()
    except (InvalidOperation, AttributeError):
        return False
    if not isinstance(exponent, int):
        return False
    return max(0, -exponent) <= decimals and max(0, len(digits) + exponent) <= integers


def text_fits(value: str | None, maximum: int) -> bool:
    """SUNAT's free text: 1..``maximum`` characters, not blank, no line breaks or tabs."""
    if value is None or not value.strip() or len(value) > maximum:
        return False
    return not any(c in value for c in "\n\r\t")


def _decimal(owner: object, name: str) -> Decimal | None:
    value = getattr(owner, name, None)
    return value if isinstance(value, Decimal) else None


def _period(day: date) -> tuple[int, int]:
    return day.year, day.month


class AgentRules:
    """Runs one family's rules on one document and collects the problems."""

    def __init__(
        self, family: Family, doc: AgentDocument, today: date, options: AgentDocumentOptions
    ) -> None:
        self.family = family
        self.doc = doc
        self.today = today
        self.options = options
        self.problems = Problems()

    def report(
        self, code: str | None, path: str, detail: str | None = None, *, warning: bool = False
    ) -> None:
        text = return_codes.message(code) if code else (detail or "")
        if code and detail:
            text = f"{text} ({detail})"
        if warning:
            self.problems.warning(text, path, code)
        else:
            self.problems.error(text, path, code)

    def run(self) -> Problems:
        doc = self.doc
        if doc.tipo_documento != self.family.agent.tipo_documento:
            self.report("1003", "tipo_documento", f"valor '{doc.tipo_documento}'")
            return self.problems
        self.numbering()
        self.issue_date()
        self.issuer(doc.issuer)
        self.receiver(getattr(doc, self.family.agent.receiver))
        self.regime()
        self.totals()
        self.related()
        return self.problems

    # -- numbering and dates --------------------------------------------------------------------

    def numbering(self) -> None:
        """1001: serie (R### / P### or four digits, contingencia) and correlativo 1..99999999."""
        doc = self.doc
        if not doc.serie or not self.family.serie.match(doc.serie):
            self.report("1001", "serie", f"serie '{doc.serie}'")
        if not isinstance(doc.correlativo, int) or not 1 <= doc.correlativo <= CORRELATIVO_MAX:
            self.report(
                "1001", "correlativo", f"correlativo '{doc.correlativo}' fuera de 1..{CORRELATIVO_MAX}"
            )

    def issue_date(self) -> None:
        """2600: received after the plazo máximo (when configured); contingency series are exempt."""
        limit = self.options.max_days_late
        doc = self.doc
        if limit is None or CONTINGENCIA.match(doc.serie or ""):
            return
        late = (self.today - doc.fecha_emision).days
        if late > limit:
            self.report(
                "2600",
                "fecha_emision",
                f"emitido el {doc.fecha_emision.isoformat()}, plazo {limit} días",
                warning=not self.options.send_window_is_error,
            )

    # -- parties --------------------------------------------------------------------------------

    def issuer(self, issuer: Company) -> None:
        """RUC of 11 digits (0154 retention / 2677 perception) and its check digit (2104);
        1037/1038 razón social; 2901 nombre comercial; address observations 2917, 2916,
        2902-2905; 2548 country other than PE."""
        if not is_ruc_shape(issuer.ruc):
            self.report(self.family.issuer_ruc_code, "issuer.ruc", f"valor '{issuer.ruc}'")
        elif self.options.check_ruc_digit and not is_valid_ruc(issuer.ruc):
            self.report("2104", "issuer.ruc", f"dígito verificador inválido en '{issuer.ruc}'")
        if not issuer.razon_social or not issuer.razon_social.strip():
            self.report("1037", "issuer.razon_social")
        elif not text_fits(issuer.razon_social, 1500):
            self.report("1038", "issuer.razon_social")
        if issuer.nombre_comercial is not None and not text_fits(issuer.nombre_comercial, 1500):
            self.report("2901", "issuer.nombre_comercial", warning=True)
        self.address(issuer.address, "issuer.address", ("2916", "2902", "2903", "2904", "2905"))

    def address(self, address: Address | None, path: str, codes: tuple[str, str, str, str, str]) -> None:
        if address is None:
            return
        street, urbanizacion, provincia, departamento, distrito = codes
        if address.ubigeo is not None and not catalogs.is_valid("13", address.ubigeo):
            self.report("2917", f"{path}.ubigeo", f"valor '{address.ubigeo}'", warning=True)
        checks = (
            (address.direccion, 100, street, "direccion"),
            (address.urbanizacion, 30, urbanizacion, "urbanizacion"),
            (address.provincia, 30, provincia, "provincia"),
            (address.departamento, 30, departamento, "departamento"),
            (address.distrito, 30, distrito, "distrito"),
        )
        for value, maximum, code, name in checks:
            if value is not None and not text_fits(value, maximum):
                self.report(code, f"{path}.{name}", warning=True)
        if address.codigo_pais and address.codigo_pais != "PE":
            self.report("2548", f"{path}.codigo_pais", f"valor '{address.codigo_pais}'")

    def receiver(self, receiver: Receiver) -> None:
        """The proveedor (RUC only) or cliente: type (2516/2511), number (missing, format), not
        the issuer (2620/2604), a RUC that can exist (2621/2605), razón social (2134/2133),
        trade name and address observations, 2548."""
        family = self.family
        path = family.agent.receiver
        tipo = (receiver.tipo_documento or "").strip()
        number = (receiver.numero_documento or "").strip()
        if not tipo:
            self.report("2516", f"{path}.tipo_documento")
        elif (family.receiver_types is not None and tipo not in family.receiver_types) or (
            not catalogs.is_valid("06", tipo)
        ):
            self.report("2511", f"{path}.tipo_documento", f"valor '{tipo}'")
        where = f"{path}.numero_documento"
        if not number:
            self.report(family.agent.receiver_missing, where)
        elif not family.receiver_number.fullmatch(number):
            self.report(family.receiver_format, where, f"valor '{number}'")
        elif tipo == "6" and not is_ruc_shape(number):
            self.report(family.receiver_unknown_ruc, where, f"valor '{number}'")
        elif tipo == "6" and self.options.check_ruc_digit and not is_valid_ruc(number):
            self.report(family.receiver_unknown_ruc, where, f"dígito verificador inválido en '{number}'")
        if number and number == self.doc.issuer.ruc:
            self.report(family.receiver_is_issuer, f"{path}.numero_documento")
        if not receiver.razon_social or not receiver.razon_social.strip():
            self.report("2134", f"{path}.razon_social")
        elif not text_fits(receiver.razon_social, 1500):
            self.report("2133", f"{path}.razon_social")
        trade, *address_codes = family.receiver_observations
        if receiver.nombre_comercial is not None and not text_fits(receiver.nombre_comercial, 1500):
            self.report(trade, f"{path}.nombre_comercial", warning=True)
        street, urbanizacion, provincia, departamento, distrito = address_codes
        self.address(
            receiver.address, f"{path}.address", (street, urbanizacion, provincia, departamento, distrito)
        )

    # -- régimen and totals ---------------------------------------------------------------------

    def regime(self) -> None:
        """The régimen is in its catalog (2618 / 2602) and the rate is the catalog's (2619 / 2603)."""
        family = self.family
        regimen = self.doc.regimen
        if not catalogs.is_valid(family.agent.regime_catalog, regimen):
            self.report(family.agent.regime_code, "regimen", f"valor '{regimen}'")
            return
        expected = catalogs.attribute(family.agent.regime_catalog, regimen, "tasa")
        tasa = self.doc.tasa
        if tasa is not None and expected is not None and tasa != Decimal(str(expected)):
            self.report(family.rate_code, "tasa", f"tasa {tasa} %, el régimen {regimen} es {expected} %")

    def totals(self) -> None:
        """2669: total retained / perceived; 2730 / 2687: total paid / collected; each a positive
        ``n(12,2)``."""
        family = self.family
        totals = self.doc.totals
        for name, code in (
            (family.agent.amount_name, "2669"),
            (family.agent.net_name, family.total_net_code),
        ):
            value = _decimal(totals, name)
            if value is not None and not decimal_fits(value, 12, 2):
                self.report(code, f"totals.{name}", f"valor {value}")

    # -- related documents ----------------------------------------------------------------------

    def related(self) -> None:
        family = self.family
        documents = self.doc.documents
        if not documents:
            self.report("2691", "documents", "se requiere al menos un documento relacionado")
            return
        numbers: Counter[tuple[str, str, int]] = Counter()
        for related in documents:
            for payment in related.payments:
                if payment.numero is not None:
                    numbers[(related.tipo_documento, related.numero, payment.numero)] += 1
        first_payment: date | None = None
        for index, related in enumerate(documents):
            path = f"documents[{index}]"
            self.related_document(related, path)
            if related.tipo_documento in family.agent.without_payment:
                if related.payments:
                    self.report(
                        None,
                        f"{path}.payments",
                        f"a related document of type {related.tipo_documento} carries no payment",
                    )
                continue
            if not related.payments:
                self.report(family.numero_missing, f"{path}.payments", "el documento no tiene pagos")
                continue
            self.exchange_rate(related, path)
            for position, payment in enumerate(related.payments):
                where = f"{path}.payments[{position}]"
                key = (related.tipo_documento, related.numero, payment.numero or 0)
                if numbers[key] > 1:
                    self.report("2626", f"{where}.numero", f"{related.numero} pago {payment.numero}")
                first_payment = first_payment or payment.fecha
                self.payment(related, payment, where, first_payment)

    def related_document(self, related: RelatedDocument, path: str) -> None:
        """2691/2692 type; 2693/2694 number; 2985 régimen 02 after 2014-02-28; 2696 total;
        2718 currency."""
        family = self.family
        tipo = (related.tipo_documento or "").strip()
        if not tipo:
            self.report("2691", f"{path}.tipo_documento")
        elif tipo not in family.agent.related_types:
            self.report("2692", f"{path}.tipo_documento", f"valor '{tipo}'")
        number = (related.numero or "").strip()
        if not number:
            self.report("2693", f"{path}.numero")
        else:
            pattern = TICKET_NUMBER if tipo == "12" else family.related_number
            if not pattern.match(number):
                self.report("2694", f"{path}.numero", f"valor '{number}'")
        if (
            family.rate_6_code is not None
            and self.doc.regimen == "02"
            and isinstance(related.fecha_emision, date)
            and related.fecha_emision > RATE_6_UNTIL
        ):
            self.report(family.rate_6_code, f"{path}.fecha_emision", related.fecha_emision.isoformat())
        if not decimal_fits(related.importe_total, 12, 2):
            self.report("2696", f"{path}.importe_total", f"valor {related.importe_total}")
        if not related.moneda or not catalogs.is_valid("02", related.moneda):
            self.report("2718", f"{path}.moneda", f"valor '{related.moneda}'")

    def exchange_rate(self, related: RelatedDocument, path: str) -> None:
        """For a document in another currency than soles: 2721 no exchange rate; 2749 source
        currency other than the document's; 2715 target other than PEN; 2716 rate not a positive
        ``n(4,6)``. Documents in soles need none (one given is not written)."""
        if related.moneda == PEN or not related.moneda:
            return
        own = [(f"{path}.payments[{i}].tipo_cambio", p.tipo_cambio) for i, p in enumerate(related.payments)]
        rates = [(where, rate) for where, rate in own if rate is not None]
        if related.tipo_cambio is not None:
            rates.append((f"{path}.tipo_cambio", related.tipo_cambio))
        if any(rate is None for _, rate in own) and related.tipo_cambio is None:
            self.report("2721", f"{path}.tipo_cambio", f"documento en {related.moneda} sin tipo de cambio")
        for where, rate in rates:
            if rate.moneda_origen is not None and rate.moneda_origen != related.moneda:
                self.report(
                    "2749", f"{where}.moneda_origen", f"{rate.moneda_origen}, documento en {related.moneda}"
                )
            if rate.moneda_destino != PEN:
                self.report("2715", f"{where}.moneda_destino", f"valor '{rate.moneda_destino}'")
            if not decimal_fits(rate.factor, 4, 6):
                self.report("2716", f"{where}.factor", f"valor {rate.factor}")

    def payment(self, related: RelatedDocument, payment: RelatedPayment, path: str, first: date) -> None:
        """Número (2733/2734, 2697/2698), amount (2735/2736, 2699/2700) and its currency
        (2622/2607), dates (2661/2659 one period, 2625/2612 range), the retained or perceived
        amount (2740/2705) and the net (2746/2711), each a positive ``n(12,2)``."""
        family = self.family
        doc = self.doc
        if payment.numero is None:
            self.report(family.numero_missing, f"{path}.numero")
        elif not 1 <= payment.numero <= PAYMENT_NUMBER_MAX:
            self.report(family.agent.payment_number_invalid, f"{path}.numero", f"valor {payment.numero}")
        if payment.importe is None:
            self.report(family.agent.payment_amount_missing, f"{path}.importe")
        elif not decimal_fits(payment.importe, 12, 2):
            self.report(family.importe_format, f"{path}.importe", f"valor {payment.importe}")
        if payment.moneda is not None and payment.moneda != related.moneda:
            self.report(
                family.payment_currency, f"{path}.moneda", f"{payment.moneda}, documento en {related.moneda}"
            )
        paid_on = payment.fecha
        if _period(paid_on) != _period(first):
            self.report(family.same_period, f"{path}.fecha", f"{paid_on.isoformat()} y {first.isoformat()}")
        issued = doc.fecha_emision
        if isinstance(related.fecha_emision, date) and _period(related.fecha_emision) == _period(issued):
            earliest = related.fecha_emision
        else:
            earliest = issued.replace(day=1)
        if not earliest <= paid_on <= issued:
            self.report(
                family.payment_range,
                f"{path}.fecha",
                f"{paid_on.isoformat()} fuera de {earliest.isoformat()}..{issued.isoformat()}",
            )
        # An amount calc could not derive (no exchange rate, no régimen) is reported by those rules.
        for name, code in (
            (family.agent.amount_name, family.amount_format),
            (family.agent.net_name, family.net_format),
        ):
            value = _decimal(payment, name)
            if value is not None and not decimal_fits(value, 12, 2):
                self.report(code, f"{path}.{name}", f"valor {value}")


def validate_agent_document(
    family: Family, doc: AgentDocument, today: date | None, options: AgentDocumentOptions | None
) -> Problems:
    return AgentRules(family, doc, today or lima_today(), options or DEFAULT_OPTIONS).run()
