"""Native rules for guías de remisión remitente (09) and transportista (31), SUNAT 2022 format.

SUNAT publishes the GRE rules only as its SFS stylesheets (``ValidaExprRegGreRemitente-2.0.1``
and ``ValidaExprRegGreTransportista-2.0.1``, pass ``PAS20251U210700095``); each rule here
implements one of their checks on the domain document and reports the same return code,
SUNAT's message and the domain path of the field (``vehiculo.placa``,
``conductores_secundarios[1].licencia``, ``lines[3].atributos[0].valor``). Checks the
stylesheets make as observations (4000+) are warnings.

Terms used below, as the stylesheets use them (09):

- *M1L*: the indicator ``SUNAT_Envio_IndicadorTrasladoVehiculoM1L`` (a car or light vehicle of
  categories M1 or L: no vehicle or driver data);
- *VCT*: ``SUNAT_Envio_IndicadorVehiculoConductoresTransp``, public transport where the
  remitente registers the carrier's vehicle and drivers;
- vehicle and driver data are *required* under private transport without M1L and under public
  transport with VCT (without M1L); they are *forbidden* under public transport without VCT
  and (the additional vehicle data, drivers) under M1L.

Where the rules are stricter than the stylesheets: a line with quantity 0 is refused (2780);
SUNAT's stylesheet checks the quantity's format only when the guía cites a document.

What is *not* here: rules that need SUNAT's registries (RUC padrón, the MTC register, guías
already issued), the product code catalog 25 (3373), the units of motivo 13 (catalog 65A,
observation 4320) and the manifiesto de carga and cita details of motivo 19 (3466-3495,
3623-3630), which SUNAT's stylesheets check on the XML.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from yupana.domain import catalogs, return_codes
from yupana.domain.despatch import (
    BIEN_NORMALIZADO,
    CONTENEDOR_MANIFIESTO_CARGA,
    DESPATCH_TYPES,
    GUIA_REMITENTE,
    GUIA_TRANSPORTISTA,
    INDICADORES_REMITENTE,
    INDICADORES_TRANSPORTISTA,
    KILOGRAMOS,
    NUMERO_DAM,
    PAGADOR_FLETE_PREFIX,
    PAGADORES_FLETE,
    PARTIDA_ARANCELARIA,
    SERIE_DAM,
    TONELADAS,
    TRANSBORDO_PROGRAMADO,
    TRANSPORTE_PRIVADO,
    TRANSPORTE_PUBLICO,
    TRANSPORTE_SUBCONTRATADO,
    TRASLADO_TOTAL,
    TRASLADO_TOTAL_DAM_DS,
    VEHICULO_CONDUCTORES_TRANSPORTISTA,
    VEHICULO_M1L,
    DespatchDocument,
    DespatchLine,
    Driver,
    SpecialAuthorization,
    TransferPoint,
    Vehicle,
    annotation_is_line_zero,
    is_physical_number,
)
from yupana.domain.party import Company, Customer
from yupana.domain.problems import Problems
from yupana.validation.identity import is_dni_shape, is_free_shape, is_ruc_shape, is_valid_ruc
from yupana.validation.native import DEFAULT_OPTIONS, NativeOptions, lima_today

SERIES = {GUIA_REMITENTE: re.compile(r"^T[A-Z0-9]{3}$"), GUIA_TRANSPORTISTA: re.compile(r"^V[A-Z0-9]{3}$")}
CORRELATIVO_MAX = 99_999_999
PLACA = re.compile(r"^(?!0+$)[0-9A-Z]{6,8}$")
TUCE_PRINCIPAL_REMITENTE = re.compile(r"^(?!0+$)[0-9A-Z]{9,15}$")
TUCE = re.compile(r"^(?!0+$)[0-9A-Z]{10,15}$")
LICENCIA = re.compile(r"^(?!0+$)[0-9A-Z]{9,10}$")
REGISTRO_MTC = re.compile(r"^(?!0+$)[0-9A-Z]{1,20}$")
UBIGEO = re.compile(r"^\d{6}$")
COORDINATE = re.compile(r"^[+\-]?\d{1,3}(\.\d{1,8})?$")
CONTAINER = re.compile(r"^[A-Z0-9\-/]{1,17}$")
PRECINTO = re.compile(r"^(?!0+$)([A-Z0-9]{1,100})(,(?!0+$)[A-Z0-9]{1,100})*$")
BULTOS_MAX = 10**13 - 1
CODIGO_SUNAT = re.compile(r"^(?!0+$)\d{1,8}$")
GTIN = re.compile(r"^[0-9A-Za-z]{1,14}$")
PARTIDA = re.compile(r"^(?!0+$)\d{1,10}$")
DAM = re.compile(r"^\d{3}-\d{4}-\d{2}-[1-9]\d{0,5}$")
SERIE_EN_DAM = re.compile(r"^(?!0+$)\d{1,4}$")
LINE_LIMIT = 9999  # cbc:ID of a line: up to four digits (2023)

# Numbers of related documents (3441), by catalog 61 type; DAM and DS depend on the motivo.
_CPE = r"-(?!0+$)(\d{1,8})$"
_FREE_100 = re.compile(r"^\S{1,100}$")
RELATED_NUMBERS: dict[str, re.Pattern[str]] = {
    "01": re.compile(r"^(F[A-Z0-9]{3}|\d{1,4}|E001)" + _CPE),
    "03": re.compile(r"^(B[A-Z0-9]{3}|\d{1,4}|EB01)" + _CPE),
    "04": re.compile(r"^(L[A-Z0-9]{3}|\d{1,4}|E001)" + _CPE),
    "09": re.compile(r"^(T[A-Z0-9]{3}|\d{1,4}|EG07|EG02)" + _CPE),
    "12": re.compile(r"^([a-zA-Z0-9-]{1,20})-([a-zA-Z0-9-]{1,20})$"),
    "48": re.compile(r"^(\d{1,4})-(?!0+$)(\d{1,7})$"),
    "49": re.compile(r"^(?!0+$)\d{1,15}$"),
    "81": re.compile(r"^[a-zA-Z0-9]{1,20}$"),
    "92": re.compile(r"^\d{1,50}$"),
    **dict.fromkeys(("71", "72", "73", "74", "75", "76", "77", "78"), _FREE_100),
}
RELATED_NUMBERS_REMITENTE = {**RELATED_NUMBERS, "80": re.compile(r"^(?!0+$)\d{1,15}$")}
RELATED_NUMBERS_TRANSPORTISTA = {
    **RELATED_NUMBERS,
    "80": re.compile(r"^(?!0+$)\d{1,20}$"),
    "31": re.compile(r"^(V[A-Z0-9]{3}|EG03|EG04)" + _CPE),
    "50": re.compile(r"^\d{3}-\d{4}-(10|40)-\d{1,6}$"),
    **dict.fromkeys(("65", "66", "67", "68", "69", "82"), _FREE_100),
    **dict.fromkeys(("93", "94", "95"), re.compile(r"^[a-zA-Z0-9\-/]{1,35}$")),
}
_DAM_REGIMES = {  # (motivo, 50 | 52) -> the customs regime codes the number may carry
    ("08", "50"): "10",
    ("09", "50"): "40",
    ("19", "50"): "10|20|21|30|36|70|80",
    ("08", "52"): "18",
    ("09", "52"): "48",
    ("19", "52"): "18",
}
_DAM_OTROS = re.compile(
    r"^\d{3}-\d{4}-28-[1-9]\d{0,7}$|^\d{3}-\d{4}-(20|21|30|36|70|71|72|74|75|80|82|90|49|51|52|60|73|86|"
    r"89|XC|XG|81)-[1-9]\d{0,5}$"
)
_MANIFIESTO = {
    "1": re.compile(r"^01-\d{3}-1-\d{4}-[1-9]\d{0,5}$"),
    "2": re.compile(r"^01-\d{3}-4-\d{4}-[1-9]\d{0,5}$"),
}
_MANIFIESTO_ANY = re.compile(r"^01-\d{3}-\d-\d{4}-[1-9]\d{0,5}$")

# Related documents whose issuer RUC is required (3380).
ISSUER_REQUIRED = {
    GUIA_REMITENTE: frozenset({"01", "03", "04", "09", "12", "48", "92"}),
    GUIA_TRANSPORTISTA: frozenset({"01", "03", "04", "09", "12", "31", "48"}),
}
DAM_DS = frozenset({"50", "52"})
PERMITS = frozenset({"31", "65", "66", "67", "68", "69"})  # 31: at most two related documents
MANIFEST_PROPERTIES = frozenset({"7024", "7025", "7026", "7027", "7028"})


@dataclass(frozen=True, slots=True)
class _PartyCodes:
    """Codes of the checks on a party: number missing, type missing, type invalid, number
    malformed, name missing; and whether absent data is only an observation."""

    number: str
    type_missing: str
    type_invalid: str
    number_invalid: str
    name: str
    name_format: str
    observation: bool = False


DESTINATARIO = _PartyCodes("2757", "2759", "2760", "2758", "2761", "4152")
REMITENTE = _PartyCodes("3383", "2541", "2542", "3384", "3387", "4422")
COMPRADOR = _PartyCodes("3333", "3331", "3332", "3337", "3339", "4381")
PROVEEDOR = _PartyCodes("2723", "2552", "3447", "2724", "3449", "4106")
TERCERO_PAGADOR = _PartyCodes("4402", "4401", "3399", "3400", "4370", "4423", observation=True)


def validate_despatch(
    doc: DespatchDocument, *, today: date | None = None, options: NativeOptions | None = None
) -> Problems:
    """Every native rule for a guía de remisión. Returns errors and warnings; raises nothing.

    ``today`` (Lima) bounds the issue date (2329, with ``options.future_days`` of tolerance);
    ``options.check_ruc_digit`` checks the issuer's RUC check digit (2104).
    """
    rules = _DespatchRules(doc, today or lima_today(), options or DEFAULT_OPTIONS)
    rules.run()
    return rules.problems


def _fits(value: Decimal | None, integers: int, decimals: int) -> bool:
    """A positive number with at most ``integers`` integer digits and ``decimals`` decimals
    (trailing zeros do not count)."""
    if value is None:
        return False
    try:
        if not value.is_finite() or value <= 0:
            return False
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)
        if -exponent > decimals:
            exponent = value.normalize().as_tuple().exponent
            assert isinstance(exponent, int)
    except (InvalidOperation, AttributeError, TypeError):
        return False
    return -exponent <= decimals and value.adjusted() < integers


_CONTROL = re.compile(r"[\n\r\t\f]")


def _text_ok(value: str | None, minimum: int, maximum: int) -> bool:
    """SUNAT's free text: ``minimum``..``maximum`` characters, not blank, no line breaks or tabs."""
    if value is None or not (minimum <= len(value) <= maximum) or not value.strip():
        return False
    return _CONTROL.search(value) is None


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


class _DespatchRules:
    def __init__(self, doc: DespatchDocument, today: date, options: NativeOptions) -> None:
        self.doc = doc
        self.today = today
        self.options = options
        self.problems = Problems()
        self.tipo = doc.tipo_documento
        self.motivo = doc.motivo_traslado or ""
        self.related_types = Counter(r.tipo_documento for r in doc.related)

    # -- reporting ----------------------------------------------------------------------------

    def report(self, code: str, path: str, detail: str | None = None, *, warning: bool = False) -> None:
        text = return_codes.message(code)
        if detail:
            text = f"{text} ({detail})"
        if warning or code >= "4000":
            self.problems.warning(text, path, code)
        else:
            self.problems.error(text, path, code)

    # -- what the stylesheets call M1L, VCT ... -----------------------------------------------

    @property
    def is_remitente(self) -> bool:
        return self.tipo == GUIA_REMITENTE

    @property
    def m1l(self) -> bool:
        return self.doc.has(VEHICULO_M1L)

    @property
    def vct(self) -> bool:
        return self.doc.has(VEHICULO_CONDUCTORES_TRANSPORTISTA)

    @property
    def vehicle_required(self) -> bool:
        """Private transport, or public with the carrier's vehicles registered (neither M1L)."""
        if not self.is_remitente:
            return True
        if self.m1l:
            return False
        return self.doc.modalidad == TRANSPORTE_PRIVADO or (
            self.doc.modalidad == TRANSPORTE_PUBLICO and self.vct
        )

    @property
    def vehicle_forbidden(self) -> bool:
        """Public transport by a carrier whose vehicles the remitente does not register."""
        return (
            self.is_remitente and self.doc.modalidad == TRANSPORTE_PUBLICO and not self.m1l and not self.vct
        )

    @property
    def vehicle_extras_forbidden(self) -> bool:
        """Secondary vehicles, authorisations and drivers (3452-3456)."""
        return self.is_remitente and (self.m1l or self.vehicle_forbidden)

    @property
    def exporting(self) -> bool:
        """An export of part of a DAM or DS: each line names its DAM (3427, 3428)."""
        return (
            self.is_remitente
            and self.motivo == "09"
            and not self.doc.has(TRASLADO_TOTAL_DAM_DS)
            and any(r.tipo_documento != "91" for r in self.doc.related)
        )

    def has_related(self, *tipos: str) -> bool:
        return any(self.related_types[t] for t in tipos)

    # -- driver -------------------------------------------------------------------------------

    def run(self) -> None:
        if self.tipo not in DESPATCH_TYPES:
            self.report("1051", "tipo_documento", f"valor '{self.tipo}'")
            return
        self.numbering()
        self.dates()
        self.issuer(self.doc.issuer)
        self.observaciones()
        self.party(self.doc.destinatario, "destinatario", DESTINATARIO)
        if self.is_remitente:
            self.remitente_parties()
            self.motivo_rules()
            self.related_for_motivo()
        else:
            self.transportista_parties()
            self.related_counts()
        self.related_documents()
        self.weights()
        self.indicators()
        self.carrier()
        self.vehicles()
        self.drivers()
        self.points()
        if self.is_remitente:
            self.port()
            self.containers()
        self.goods()

    # -- numbering, dates, issuer -------------------------------------------------------------

    def numbering(self) -> None:
        """1001: serie T### (09) / V### (31), correlativo 1..99999999."""
        doc = self.doc
        if not doc.serie or not SERIES[self.tipo].match(doc.serie):
            letter = "T" if self.is_remitente else "V"
            self.report("1001", "serie", f"serie '{doc.serie}': {letter} y tres caracteres alfanuméricos")
        if not isinstance(doc.correlativo, int) or not 1 <= doc.correlativo <= CORRELATIVO_MAX:
            self.report(
                "1001", "correlativo", f"correlativo '{doc.correlativo}' fuera de 1..{CORRELATIVO_MAX}"
            )

    def dates(self) -> None:
        """3437: hora de emisión; 2329: issue date after reception; 3406/3343: fecha de inicio
        (required for private transport and for public with VCT, and for every 31; not before
        the issue date); 3617/3618/3616: fecha de entrega al transportista (public transport:
        required, not before the issue date, not after the start)."""
        doc = self.doc
        if doc.hora_emision is None:
            self.report("3437", "hora_emision")
        if not isinstance(doc.fecha_emision, date):
            self.report("3436", "fecha_emision", "fecha de emisión ausente")
            return
        if (doc.fecha_emision - self.today).days > self.options.future_days:
            self.report(
                "2329",
                "fecha_emision",
                f"{doc.fecha_emision.isoformat()} posterior a {self.today.isoformat()}",
            )
        inicio, entrega = doc.fecha_inicio_traslado, doc.fecha_entrega_transportista
        public_with_vehicles = doc.modalidad == TRANSPORTE_PUBLICO and not self.m1l and self.vct
        if not self.is_remitente or doc.modalidad == TRANSPORTE_PRIVADO or public_with_vehicles:
            if inicio is None:
                self.report("3406", "fecha_inicio_traslado")
        if inicio is not None and inicio < doc.fecha_emision:
            if not self.is_remitente or doc.modalidad == TRANSPORTE_PRIVADO:
                self.report(
                    "3343", "fecha_inicio_traslado", f"{inicio.isoformat()} < {doc.fecha_emision.isoformat()}"
                )
        if self.is_remitente and doc.modalidad == TRANSPORTE_PUBLICO:
            if entrega is None:
                self.report("3617", "fecha_entrega_transportista")
            elif entrega < doc.fecha_emision:
                self.report(
                    "3618",
                    "fecha_entrega_transportista",
                    f"{entrega.isoformat()} < {doc.fecha_emision.isoformat()}",
                )
            if public_with_vehicles and inicio is not None and entrega is not None and inicio < entrega:
                self.report("3616", "fecha_inicio_traslado", f"{inicio.isoformat()} < {entrega.isoformat()}")

    def issuer(self, issuer: Company) -> None:
        """0002/2104: the issuer's RUC and check digit; 1037/4338: its legal name."""
        if not is_ruc_shape(issuer.ruc):
            self.report("0002", "issuer.ruc", f"valor '{issuer.ruc}'")
        elif self.options.check_ruc_digit and not is_valid_ruc(issuer.ruc):
            self.report("2104", "issuer.ruc", f"dígito verificador inválido en '{issuer.ruc}'")
        if _blank(issuer.razon_social):
            self.report("1037", "issuer.razon_social")
        elif not _text_ok(issuer.razon_social, 1, 250):
            self.report("4338", "issuer.razon_social")

    def observaciones(self) -> None:
        """4186: each observation 1..250 characters on one line."""
        for index, text in enumerate(self.doc.observaciones):
            if not _text_ok(text, 1 if self.is_remitente else 2, 250):
                self.report("4186", f"observaciones[{index}]")

    # -- parties ------------------------------------------------------------------------------

    def party(self, who: Customer | None, path: str, codes: _PartyCodes) -> None:
        """Identity document (catalog 06 type, number in the type's format) and name."""
        if who is None:
            return
        tipo, number = who.tipo_documento, (who.numero_documento or "").strip()
        warn = codes.observation
        if _blank(tipo):
            self.report(codes.type_missing, f"{path}.tipo_documento", warning=warn)
        elif not catalogs.is_valid("06", tipo):
            self.report(codes.type_invalid, f"{path}.tipo_documento", f"valor '{tipo}'")
        if not number:
            self.report(codes.number, f"{path}.numero_documento", warning=warn)
        elif not self._identity_ok(tipo, number):
            self.report(codes.number_invalid, f"{path}.numero_documento", f"valor '{number}'")
        if _blank(who.razon_social):
            self.report(codes.name, f"{path}.razon_social", warning=warn)
        elif not _text_ok(who.razon_social, 1, 250):
            self.report(codes.name_format, f"{path}.razon_social")

    @staticmethod
    def _identity_ok(tipo: str, number: str) -> bool:
        if tipo == "1":
            return is_dni_shape(number)
        if tipo == "6":
            return is_ruc_shape(number)
        return is_free_shape(number)

    def _is_issuer(self, who: Customer | None) -> bool:
        return who is not None and who.tipo_documento == "6" and who.numero_documento == self.doc.issuer.ruc

    def remitente_parties(self) -> None:
        """Destinatario against the remitente by motivo (3417, 2554, 2555); proveedor (motivos
        02, 07, 13: 4375, 3447, 3448, 3442; elsewhere 4054); comprador (motivos 03, 13: 4378,
        3334, 3335; elsewhere 4377)."""
        doc, motivo = self.doc, self.motivo
        destinatario = doc.destinatario
        if motivo in ("06", "17", "19") and destinatario.tipo_documento != "6":
            self.report("3417", "destinatario.tipo_documento", f"motivo {motivo}")
        if motivo in ("02", "04", "18", "07") and not self._is_issuer(destinatario):
            self.report("2554", "destinatario.numero_documento", f"motivo {motivo}")
        if motivo in ("01", "03", "05", "06", "09", "14", "17") and self._is_issuer(destinatario):
            self.report("2555", "destinatario.numero_documento", f"motivo {motivo}")
        self.proveedor(doc.proveedor)
        self.comprador(doc.comprador)

    def proveedor(self, who: Customer | None) -> None:
        motivo = self.motivo
        if motivo in ("02", "07") and who is None:
            self.report("4375", "proveedor")
        if who is None:
            return
        if motivo not in ("02", "07", "13"):
            self.report("4054", "proveedor", f"motivo {motivo}")
            return
        self.party(who, "proveedor", PROVEEDOR)
        allowed = {"02": ("1", "4", "6", "7"), "07": ("6",)}.get(motivo)
        if allowed is not None and who.tipo_documento not in allowed:
            self.report("3447", "proveedor.tipo_documento", f"motivo {motivo}: {', '.join(allowed)}")
        if motivo in ("02", "07") and self._is_issuer(who):
            self.report("3448", "proveedor.numero_documento")
        comprobantes = [r for r in self.doc.related if r.tipo_documento in ("01", "03", "12")]
        if motivo in ("02", "07") and comprobantes:
            if not any(r.emisor_ruc == who.numero_documento for r in comprobantes):
                self.report("3442", "proveedor.numero_documento")

    def comprador(self, who: Customer | None) -> None:
        motivo = self.motivo
        if motivo == "03" and who is None:
            self.report("4378", "comprador")
        if who is None:
            return
        if motivo not in ("03", "13"):
            self.report("4377", "comprador", f"motivo {motivo}")
            return
        self.party(who, "comprador", COMPRADOR)
        if motivo == "03":
            if self._is_issuer(who):
                self.report("3334", "comprador.numero_documento")
            destinatario = self.doc.destinatario
            if (who.tipo_documento, who.numero_documento) == (
                destinatario.tipo_documento,
                destinatario.numero_documento,
            ):
                self.report("3335", "comprador.numero_documento")

    def transportista_parties(self) -> None:
        """31: the remitente (3383-3387, 2560 not the transportista itself), the tercero who pays
        the freight (3399, 3400, 4401/4402/4370) and the subcontratador (3391, 3390, 4424-4426);
        4388: who pays the freight; 3344: one payer."""
        doc = self.doc
        if doc.remitente is None:
            self.report("3383", "remitente")
        else:
            self.party(doc.remitente, "remitente", REMITENTE)
            if doc.remitente.numero_documento == doc.issuer.ruc:
                self.report("2560", "remitente.numero_documento")
        if doc.pagador_flete is None:
            self.report("4388", "pagador_flete")
        elif doc.pagador_flete not in PAGADORES_FLETE:
            self.report("3388", "pagador_flete", f"valor '{doc.pagador_flete}': {', '.join(PAGADORES_FLETE)}")
        if doc.pagador_flete == "Tercero" and doc.tercero_pagador is None:
            self.report("4402", "tercero_pagador")
        self.party(doc.tercero_pagador, "tercero_pagador", TERCERO_PAGADOR)
        sub = doc.subcontratador
        if doc.has(TRANSPORTE_SUBCONTRATADO) and sub is None:
            self.report("4424", "subcontratador")
        if sub is not None:
            if sub.tipo_documento != "6":
                self.report("3391", "subcontratador.tipo_documento", f"valor '{sub.tipo_documento}'")
            if _blank(sub.numero_documento):
                self.report("4424", "subcontratador.numero_documento")
            elif sub.numero_documento == doc.issuer.ruc:
                self.report("3390", "subcontratador.numero_documento")
            if _blank(sub.razon_social):
                self.report("4426", "subcontratador.razon_social")

    # -- motivo and related documents ---------------------------------------------------------

    def motivo_rules(self) -> None:
        """3404/3405: motivo (catalog 20); 3457/4190: description of motivo 13 (otros)."""
        doc = self.doc
        if not doc.motivo_traslado:
            self.report("3404", "motivo_traslado")
        elif not catalogs.is_valid("20", doc.motivo_traslado):
            self.report("3405", "motivo_traslado", f"valor '{doc.motivo_traslado}'")
        if self.motivo == "13":
            description = doc.descripcion_motivo
            if _blank(description):
                self.report("3457", "descripcion_motivo")
            elif not _text_ok(description, 3, 100) or sum(c.isalpha() for c in description or "") < 3:
                self.report("4190", "descripcion_motivo")

    def related_for_motivo(self) -> None:
        """Which related documents each motivo admits (3440, 3445, 3493, 3494, 3612, 3613, 3463)."""
        motivo, types = self.motivo, self.related_types
        if not motivo:
            return
        paths = {
            r.tipo_documento: f"related[{i}].tipo_documento"
            for i, r in reversed(list(enumerate(self.doc.related)))
        }

        def refuse(allowed: Iterable[str] | None = None, forbidden: Iterable[str] = ()) -> None:
            for tipo in types:
                if (allowed is not None and tipo not in allowed) or tipo in forbidden:
                    self.report("3445", paths[tipo], f"tipo {tipo} con motivo {motivo}")

        if motivo in ("08", "09"):
            if not self.has_related(*DAM_DS):
                self.report("3440", "related", f"motivo {motivo}")
            refuse(allowed=("09", "49", "50", "52", "80"))
        elif motivo == "13":
            refuse(forbidden=("52", "91", "92"))
        elif motivo == "19":
            refuse(allowed=("50", "52", "91", "92"))
            if not self.has_related("50", "52", "91", "92"):
                self.report("3493", "related", "motivo 19")
            if types["91"] > 1:
                self.report("3494", paths["91"])
            if types["92"] > 1:
                self.report("3612", paths["92"])
            if types["92"] and self.has_related("50", "52", "91"):
                self.report("3613", paths["92"])
            if types["91"] and self.has_related(*DAM_DS):
                self.report("3463", paths["91"])
        else:
            refuse(forbidden=("50", "52", "91", "92"))
        if self.has_related("49", "80") and not self.doc.has(TRASLADO_TOTAL_DAM_DS):
            if not any(line.atributo(PARTIDA_ARANCELARIA) for line in self.doc.lines):
                self.report(
                    "3352", "lines", "documento relacionado 49 u 80 sin partida arancelaria en los bienes"
                )

    def related_counts(self) -> None:
        """31: at most two related documents when one is a guía transportista or a transport
        permit (3345), else one, unless a guía remitente electrónica is cited (3346)."""
        count = len(self.doc.related)
        if self.has_related(*PERMITS):
            if count > 2:
                self.report("3345", "related", f"{count} documentos")
        elif not self._electronic_guia_remitente() and count > 1:
            self.report("3346", "related", f"{count} documentos")

    def _electronic_guia_remitente(self) -> bool:
        return any(r.tipo_documento == "09" and not is_physical_number(r.numero) for r in self.doc.related)

    def related_documents(self) -> None:
        """Each related document: type admitted by the guía (catalog 61, 2692), number present
        (3403), not repeated (3340), in its type's format (3441); issuer RUC where required
        (3380) and in format (3409); who must have issued it (3381)."""
        doc = self.doc
        flag = "remitente" if self.is_remitente else "transportista"
        patterns = RELATED_NUMBERS_REMITENTE if self.is_remitente else RELATED_NUMBERS_TRANSPORTISTA
        seen: set[tuple[str, str]] = set()
        for index, related in enumerate(doc.related):
            path = f"related[{index}]"
            tipo, numero = related.tipo_documento, (related.numero or "").strip()
            if not catalogs.attribute("61", tipo, flag, False):
                self.report("2692", f"{path}.tipo_documento", f"tipo '{tipo}' en guía {self.tipo}")
                continue
            if not numero:
                self.report("3403", f"{path}.numero")
                continue
            if (tipo, numero) in seen:
                self.report("3340", f"{path}.numero", f"{tipo} {numero}")
            seen.add((tipo, numero))
            pattern = self._related_pattern(tipo, patterns)
            if pattern is not None and not pattern.match(numero):
                self.report("3441", f"{path}.numero", f"{tipo} {numero}")
            self.related_issuer(index, related.tipo_documento, numero, related.emisor_ruc)

    def _related_pattern(self, tipo: str, patterns: dict[str, re.Pattern[str]]) -> re.Pattern[str] | None:
        if not self.is_remitente or tipo not in ("50", "52", "91"):
            return patterns.get(tipo)
        if tipo == "91":
            if self.motivo != "19":
                return None
            port = self.doc.puerto
            return _MANIFIESTO.get(port.tipo, _MANIFIESTO_ANY) if port is not None else _MANIFIESTO_ANY
        regimes = _DAM_REGIMES.get((self.motivo, tipo))
        if regimes is not None:
            return re.compile(rf"^\d{{3}}-\d{{4}}-({regimes})-[1-9]\d{{0,5}}$")
        if tipo == "50" and self.motivo == "13":
            return _DAM_OTROS
        return DAM

    def related_issuer(self, index: int, tipo: str, numero: str, ruc: str | None) -> None:
        path = f"related[{index}].emisor_ruc"
        if _blank(ruc):
            if tipo in ISSUER_REQUIRED[self.tipo]:
                self.report("3380", path, f"documento {tipo} {numero}")
            return
        assert ruc is not None
        if not is_ruc_shape(ruc):
            self.report("3409", path, f"valor '{ruc}'")
        doc = self.doc
        if self.is_remitente:
            expected: str | None = None
            if tipo == "09" or (self.motivo in ("01", "03") and tipo in ("01", "03", "12")):
                expected = doc.issuer.ruc
            elif self.motivo == "02" and tipo in ("04", "48"):
                expected = doc.issuer.ruc
            elif self.motivo == "06" and tipo in ("01", "03", "12"):
                expected = doc.destinatario.numero_documento
        else:
            expected = None
            if not is_physical_number(numero):
                if tipo == "09":
                    expected = doc.remitente.numero_documento if doc.remitente is not None else None
                elif tipo == "31":
                    expected = doc.issuer.ruc
        if expected is not None and ruc != expected:
            self.report("3381", path, f"{ruc}, se esperaba {expected}")

    # -- weights and indicators ---------------------------------------------------------------

    def weights(self) -> None:
        """2880/2881/2523: gross weight present, positive, up to 3 decimals, in KGM or TNE;
        3395/3397/3398: the weight of the items moved only under motivos 08, 09, 19, in KGM;
        4383/4387: a partial export states that weight and why it differs from the total;
        3489: number of packages; 4428: the reason for the weight difference."""
        doc = self.doc
        cita = self.is_remitente and self.has_related("92")
        if doc.peso_bruto is None:
            if not cita:
                self.report("2880", "peso_bruto")
        elif not _fits(doc.peso_bruto, 12, 3):
            self.report("2523", "peso_bruto", f"valor '{doc.peso_bruto}': mayor que cero, hasta 3 decimales")
        if doc.unidad_peso not in (KILOGRAMOS, TONELADAS):
            self.report("2523", "unidad_peso", f"valor '{doc.unidad_peso}': KGM o TNE")
        if doc.peso_items is not None:
            if self.motivo not in ("08", "09", "19"):
                self.report("3395", "peso_items", f"motivo {self.motivo}")
            elif not _fits(doc.peso_items, 12, 3):
                self.report("3397", "peso_items")
        partial_export = self.motivo == "09" and not doc.has(TRASLADO_TOTAL_DAM_DS) and not cita
        if partial_export and doc.peso_items is None:
            self.report("4383", "peso_items")
        if partial_export and _blank(doc.sustento_peso):
            self.report("4387", "sustento_peso")
        if doc.numero_bultos is not None and not 0 <= doc.numero_bultos <= BULTOS_MAX:
            self.report("3489", "numero_bultos", f"valor '{doc.numero_bultos}'")
        if doc.sustento_peso is not None and not _text_ok(doc.sustento_peso, 1, 250):
            self.report("4428", "sustento_peso")

    def indicators(self) -> None:
        """3388: indicators SUNAT defines for the guía; 3344: none repeated; 09: 3392 (traslado
        total DAM/DS only for motivos 08, 09, 19), 3478 (manifiesto de carga only for motivo 19
        with a manifiesto), 3485, 4437, 3450, 3451, 3615 (VCT only for public transport, not with
        M1L nor with transbordo)."""
        doc = self.doc
        known = INDICADORES_REMITENTE if self.is_remitente else INDICADORES_TRANSPORTISTA
        counts = Counter(doc.indicadores)
        for index, indicador in enumerate(doc.indicadores):
            path = f"indicadores[{index}]"
            if indicador.startswith(PAGADOR_FLETE_PREFIX) and not self.is_remitente:
                self.report("3388", path, "el pagador del flete se indica en 'pagador_flete'")
            elif indicador not in known:
                self.report("3388", path, f"valor '{indicador}' en guía {self.tipo}")
            elif counts[indicador] > 1 and doc.indicadores.index(indicador) != index:
                self.report("3344", path, indicador)
        if not self.is_remitente:
            return
        motivo = self.motivo
        if doc.has(TRASLADO_TOTAL_DAM_DS) and motivo not in ("08", "09", "19"):
            self.report("3392", self._indicator_path(TRASLADO_TOTAL_DAM_DS), f"motivo {motivo}")
        if doc.has(CONTENEDOR_MANIFIESTO_CARGA) and (motivo != "19" or not self.has_related("91")):
            self.report("3478", self._indicator_path(CONTENEDOR_MANIFIESTO_CARGA))
        if motivo == "19" and self.has_related("91", "92") and not doc.has(TRASLADO_TOTAL_DAM_DS):
            self.report("3485", "indicadores", "motivo 19 con manifiesto o cita")
        if motivo == "08" and not doc.has(TRASLADO_TOTAL_DAM_DS):
            self.report("4437", "indicadores")
        if self.vct:
            path = self._indicator_path(VEHICULO_CONDUCTORES_TRANSPORTISTA)
            if doc.modalidad == TRANSPORTE_PRIVADO:
                self.report("3450", path)
            elif doc.modalidad == TRANSPORTE_PUBLICO and self.m1l:
                self.report("3451", path)
            elif doc.modalidad == TRANSPORTE_PUBLICO and doc.has(TRANSBORDO_PROGRAMADO):
                self.report("3615", path)

    def _indicator_path(self, indicador: str) -> str:
        return f"indicadores[{self.doc.indicadores.index(indicador)}]"

    # -- carrier, vehicles, drivers -----------------------------------------------------------

    def carrier(self) -> None:
        """09: modalidad (2532, 2773); public transport without M1L names a transportista (2558,
        2563; 2560 not the remitente; 4391/4392 its MTC registration); private transport names
        none (3347). 31: the issuer's MTC registration (4391/4392) and authorisation."""
        doc = self.doc
        if not self.is_remitente:
            self.mtc(doc.registro_mtc, "registro_mtc")
            self.authorization(doc.autorizacion, "autorizacion", "4395", "4396")
            return
        if not doc.modalidad:
            self.report("2532", "modalidad")
        elif not catalogs.is_valid("18", doc.modalidad):
            self.report("2773", "modalidad", f"valor '{doc.modalidad}'")
        carrier = doc.transportista
        if doc.modalidad == TRANSPORTE_PRIVADO and carrier is not None:
            self.report("3347", "transportista")
        if doc.modalidad != TRANSPORTE_PUBLICO or self.m1l:
            return
        if carrier is None:
            self.report("2558", "transportista")
            return
        if _blank(carrier.ruc):
            self.report("2558", "transportista.ruc")
        elif not is_ruc_shape(carrier.ruc):
            self.report("2485", "transportista.ruc", f"valor '{carrier.ruc}'")
        elif carrier.ruc == doc.issuer.ruc:
            self.report("2560", "transportista.ruc")
        if _blank(carrier.razon_social):
            self.report("2563", "transportista.razon_social")
        elif not _text_ok(carrier.razon_social, 3, 250):
            self.report("4165", "transportista.razon_social", warning=True)
        self.mtc(carrier.registro_mtc, "transportista.registro_mtc")
        self.authorization(carrier.autorizacion, "transportista.autorizacion", "4395", "4396")

    def mtc(self, value: str | None, path: str) -> None:
        if _blank(value):
            self.report("4391", path)
        elif not REGISTRO_MTC.match(value or ""):
            self.report("4392", path, f"valor '{value}'")

    def authorization(
        self, value: SpecialAuthorization | None, path: str, entity_code: str, number_code: str
    ) -> None:
        """A special authorisation: issuing entity in catalog D37, number 3..50 characters."""
        if value is None:
            return
        if _blank(value.entidad):
            self.report("4394", f"{path}.entidad")
        elif not catalogs.is_valid("D37", value.entidad):
            self.report(entity_code, f"{path}.entidad", f"valor '{value.entidad}'")
        if not _text_ok(value.numero, 3, 50):
            self.report(number_code, f"{path}.numero", f"valor '{value.numero}'")

    def vehicles(self) -> None:
        """2566: vehicle required; 3354: forbidden; 2567: plates; 3355/4399: TUCE or
        certificado; 3452-3454: additional vehicle data forbidden; 4389: at most two secondary
        vehicles; 4406/4407: authorisations."""
        doc = self.doc
        vehicle = doc.vehiculo
        if vehicle is None:
            if self.vehicle_required:
                self.report("2566", "vehiculo")
        elif self.vehicle_forbidden:
            self.report("3354", "vehiculo")
        else:
            self.vehicle(vehicle, "vehiculo", principal=True)
        if len(doc.vehiculos_secundarios) > 2:
            self.report("4389", "vehiculos_secundarios", f"{len(doc.vehiculos_secundarios)} vehículos")
        for index, other in enumerate(doc.vehiculos_secundarios):
            path = f"vehiculos_secundarios[{index}]"
            if self.vehicle_extras_forbidden:
                self.report("3453", path)
            else:
                self.vehicle(other, path, principal=False)

    def vehicle(self, vehicle: Vehicle, path: str, *, principal: bool) -> None:
        if not PLACA.match(vehicle.placa or ""):
            self.report("2567", f"{path}.placa", f"valor '{vehicle.placa}'")
        extra = "3452" if principal else "3454"
        tuce_forbidden = self.is_remitente and self.doc.modalidad == TRANSPORTE_PUBLICO and not self.vct
        if vehicle.tuce is None:
            if not self.is_remitente or (
                self.doc.modalidad == TRANSPORTE_PUBLICO and not self.m1l and self.vct
            ):
                self.report("4399", f"{path}.tuce")
        elif tuce_forbidden:
            self.report(extra, f"{path}.tuce")
        else:
            pattern = TUCE_PRINCIPAL_REMITENTE if principal and self.is_remitente else TUCE
            if not pattern.match(vehicle.tuce):
                self.report("3355", f"{path}.tuce", f"valor '{vehicle.tuce}'")
        if vehicle.autorizacion is not None:
            if self.vehicle_extras_forbidden:
                self.report(extra, f"{path}.autorizacion")
            else:
                self.authorization(vehicle.autorizacion, f"{path}.autorizacion", "4407", "4406")

    def drivers(self) -> None:
        """3357: principal driver required; 3455/3456: drivers forbidden; 4376: at most two
        secondary drivers; 3362: a licence repeated; each driver 2568-2573, 3360, 3361."""
        doc = self.doc
        if doc.conductor is None:
            if self.vehicle_required:
                self.report("3357", "conductor")
        elif self.vehicle_extras_forbidden:
            self.report("3455", "conductor")
        else:
            self.driver(doc.conductor, "conductor")
        if len(doc.conductores_secundarios) > 2:
            self.report("4376", "conductores_secundarios", f"{len(doc.conductores_secundarios)} conductores")
        seen: set[str] = set()
        for index, driver in enumerate(doc.conductores_secundarios):
            path = f"conductores_secundarios[{index}]"
            if self.vehicle_extras_forbidden:
                self.report("3456", path)
                continue
            self.driver(driver, path)
            if driver.licencia in seen:
                self.report("3362", f"{path}.licencia", f"licencia '{driver.licencia}'")
            seen.add(driver.licencia)

    def driver(self, driver: Driver, path: str) -> None:
        tipo, number = driver.tipo_documento, (driver.numero_documento or "").strip()
        if _blank(tipo):
            self.report("2570", f"{path}.tipo_documento")
        elif not catalogs.is_valid("06", tipo) or tipo == "6":
            self.report("2571", f"{path}.tipo_documento", f"valor '{tipo}'")
        if not number:
            self.report("2568", f"{path}.numero_documento")
        elif not (is_dni_shape(number) if tipo == "1" else is_free_shape(number)):
            self.report("2569", f"{path}.numero_documento", f"valor '{number}'")
        if _blank(driver.nombres):
            self.report("3360", f"{path}.nombres")
        elif not _text_ok(driver.nombres, 1, 250):
            self.report("4409", f"{path}.nombres")
        if _blank(driver.apellidos):
            self.report("3361", f"{path}.apellidos")
        elif not _text_ok(driver.apellidos, 1, 250):
            self.report("4409", f"{path}.apellidos")
        if _blank(driver.licencia):
            self.report("2572", f"{path}.licencia")
        elif not LICENCIA.match(driver.licencia):
            self.report("2573", f"{path}.licencia", f"valor '{driver.licencia}'")

    # -- points, port, containers -------------------------------------------------------------

    def points(self) -> None:
        """Punto de partida and de llegada: ubigeo (2775, 2776, 3363/3368), address (2577/2574,
        4076/4068), establishment (3410, 3409, 3411, 3414, 3365/3369, 3416, 3488), coordinates
        (3413). A 09 under motivo 18 (emisor itinerante) needs no llegada; a 31 that cites a guía
        remitente needs no llegada, and no addresses under a guía electrónica or a transbordo."""
        doc = self.doc
        if self.is_remitente:
            arrival = self.motivo != "18"
            self.point(doc.partida, "partida", required=True, address_required=True)
            self.point(doc.llegada, "llegada", required=arrival, address_required=arrival)
            self.establishments()
            return
        transbordo = doc.has(TRANSBORDO_PROGRAMADO)
        covered = self._electronic_guia_remitente() or transbordo
        self.point(doc.partida, "partida", required=True, address_required=not covered)
        cites_guia = self.has_related("09")
        self.point(
            doc.llegada, "llegada", required=not cites_guia, address_required=not (cites_guia or transbordo)
        )

    def point(
        self, point: TransferPoint | None, path: str, *, required: bool, address_required: bool
    ) -> None:
        unknown, address_code, format_code = (
            ("3363", "2577", "4076") if path == "partida" else ("3368", "2574", "4068")
        )
        if point is None:
            if required:
                self.report("2775", f"{path}.ubigeo")
            if address_required:
                self.report(address_code, f"{path}.direccion")
            return
        if _blank(point.ubigeo):
            if required:
                self.report("2775", f"{path}.ubigeo")
        elif not UBIGEO.match(point.ubigeo):
            self.report("2776", f"{path}.ubigeo", f"valor '{point.ubigeo}'")
        elif not catalogs.is_valid("13", point.ubigeo):
            self.report(unknown, f"{path}.ubigeo", f"valor '{point.ubigeo}'")
        if _blank(point.direccion):
            if address_required:
                self.report(address_code, f"{path}.direccion")
        elif not _text_ok(point.direccion, 3, 500):
            self.report(format_code, f"{path}.direccion")
        for name, value in (("latitud", point.latitud), ("longitud", point.longitud)):
            if value is not None and not COORDINATE.match(format(value, "f")):
                self.report("3413", f"{path}.{name}", f"valor '{value}'")
        if not _blank(point.codigo_establecimiento) and _blank(point.ruc):
            self.report("3410", f"{path}.ruc")
        if not _blank(point.ruc) and not is_ruc_shape(point.ruc):
            self.report("3409", f"{path}.ruc", f"valor '{point.ruc}'")

    def establishments(self) -> None:
        doc, motivo, ruc = self.doc, self.motivo, self.doc.issuer.ruc
        partida, llegada = doc.partida, doc.llegada
        if partida is not None and not _blank(partida.ruc):
            if motivo in ("02", "07", "08") and partida.ruc == ruc:
                self.report("3411", "partida.ruc", f"motivo {motivo}")
            if motivo == "04" and partida.ruc != ruc:
                self.report("3414", "partida.ruc", "motivo 04")
        port = doc.puerto
        partida_required = motivo == "04" or (partida is not None and not _blank(partida.ruc))
        if motivo == "08" and (port is None or port.tipo not in ("1", "2")):
            partida_required = True
        if partida is not None and partida_required and _blank(partida.codigo_establecimiento):
            self.report("3365", "partida.codigo_establecimiento", f"motivo {motivo}")
        if llegada is None:
            return
        if not _blank(llegada.ruc):
            if motivo in ("01", "03", "05", "06", "14", "17") and llegada.ruc == ruc:
                self.report("3411", "llegada.ruc", f"motivo {motivo}")
            if motivo == "04" and llegada.ruc != ruc:
                self.report("3414", "llegada.ruc", "motivo 04")
            if motivo == "19" and llegada.ruc != doc.destinatario.numero_documento:
                self.report("3488", "llegada.ruc", "motivo 19")
        llegada_required = motivo in ("04", "19") or not _blank(llegada.ruc)
        if motivo == "09" and (port is None or port.tipo != "1"):
            llegada_required = True
        if llegada_required and _blank(llegada.codigo_establecimiento):
            self.report("3369", "llegada.codigo_establecimiento", f"motivo {motivo}")
        if motivo == "18" and not _blank(llegada.codigo_establecimiento):
            self.report("3416", "llegada.codigo_establecimiento")

    def port(self) -> None:
        """Puerto (catalog 63) or aeropuerto (64) for motivos 08, 09, 19 (3483, 3459, 3460,
        4416, 4418, 3364: its ubigeo is that of the partida (08, 19) or llegada (09))."""
        doc, motivo, port = self.doc, self.motivo, self.doc.puerto
        if motivo == "19" and (port is None or port.tipo not in ("1", "2")):
            self.report("3483", "puerto", "motivo 19")
        if port is None:
            return
        if port.tipo not in ("1", "2"):
            self.report("4416", "puerto.tipo", f"valor '{port.tipo}'")
            return
        catalog = "63" if port.tipo == "1" else "64"
        if motivo in ("08", "09", "19") and not catalogs.is_valid(catalog, port.codigo):
            self.report("3459" if port.tipo == "1" else "3460", "puerto.codigo", f"valor '{port.codigo}'")
            return
        ubigeo = catalogs.attribute(catalog, port.codigo, "ubigeo")
        point = {"08": doc.partida, "19": doc.partida, "09": doc.llegada if port.tipo == "1" else None}.get(
            motivo
        )
        if ubigeo and point is not None and point.ubigeo and point.ubigeo != ubigeo:
            where = "partida" if motivo in ("08", "19") else "llegada"
            self.report("3364", f"{where}.ubigeo", f"{port.codigo}: ubigeo {ubigeo}")

    def containers(self) -> None:
        """3420: at most two containers (motivos 08, 09, 19); 3421/3423: none repeated; 3422: the
        precinto of an export's container; 4071/4074: formats; 3419, 3631, 3632: the packages
        when no container is given; 3621: not both."""
        doc, motivo = self.doc, self.motivo
        containers = doc.contenedores
        if motivo in ("08", "09", "19") and len(containers) > 2:
            self.report("3420", "contenedores", f"{len(containers)} contenedores")
        numbers = Counter(c.numero for c in containers)
        seals = Counter(c.precinto for c in containers if c.precinto)
        for index, container in enumerate(containers):
            path = f"contenedores[{index}]"
            if numbers[container.numero] > 1:
                self.report("3421", f"{path}.numero", container.numero)
            if not CONTAINER.match(container.numero or ""):
                self.report("4071", f"{path}.numero", f"valor '{container.numero}'")
            if container.precinto:
                if seals[container.precinto] > 1:
                    self.report("3423", f"{path}.precinto", container.precinto)
                if motivo in ("08", "09", "19") and not PRECINTO.match(container.precinto):
                    self.report("4074", f"{path}.precinto", f"valor '{container.precinto}'")
            elif (
                motivo == "09"
                and not doc.has(CONTENEDOR_MANIFIESTO_CARGA)
                and not doc.has(TRASLADO_TOTAL_DAM_DS)
            ):
                self.report("3422", f"{path}.precinto")
        if (motivo == "09" and self.has_related(*DAM_DS)) or (motivo == "19" and self.has_related("91")):
            if not containers and doc.numero_bultos is None:
                self.report("3419", "numero_bultos", f"motivo {motivo}")
        if (
            motivo in ("08", "19")
            and self.has_related(*DAM_DS)
            and not containers
            and doc.numero_bultos is None
        ):
            code = "3631" if doc.has(TRASLADO_TOTAL_DAM_DS) else "3632"
            self.report(code, "numero_bultos", f"motivo {motivo} sin contenedores")
        if (
            motivo in ("08", "09", "19")
            and self.has_related(*DAM_DS)
            and containers
            and doc.numero_bultos is not None
        ):
            self.report("3621", "numero_bultos", "con contenedores")

    # -- goods ----------------------------------------------------------------------------------

    def goods(self) -> None:
        doc = self.doc
        if not self.is_remitente:
            self.annotation()
        elif doc.anotacion is not None:
            # A line without quantity: SUNAT refuses it in a guía remitente (2580).
            self.report("2580", "anotacion", "la anotación sin cantidad es de la guía transportista")
        if not doc.lines and (self.is_remitente or _blank(doc.anotacion)):
            self.report("2580", "lines", "la guía no tiene bienes")
        if len(doc.lines) > LINE_LIMIT:
            self.report("2023", "lines", f"{len(doc.lines)} líneas")
        units, known = self.unit_rule(), set[str]()
        for index, line in enumerate(doc.lines):
            self.line(line, f"lines[{index}]", units, known)

    def annotation(self) -> None:
        """31: the goods are detailed unless another document does it (3435, 4434), with an
        anotación (4429, 4430), written as line 0 where SUNAT allows one (see
        ``annotation_is_line_zero``) and after the goods otherwise."""
        doc = self.doc
        total = doc.has(TRASLADO_TOTAL)
        detail_required = (self.has_related("01", "03", "04", "12", "48", "50", "52") and not total) or not (
            self.has_related("01", "03", "04", "09", "12", "48", "50", "52", "82")
        )
        if detail_required and not doc.lines:
            self.report("3435", "lines", "debe detallar los bienes")
        electronic_total = total and any(
            r.tipo_documento in ("01", "04") and not is_physical_number(r.numero) for r in doc.related
        )
        covered = (
            self._electronic_guia_remitente() or electronic_total or (total and self.has_related(*DAM_DS))
        )
        if covered and doc.lines:
            self.report("4434", "lines")
        line_zero = annotation_is_line_zero(doc)
        if line_zero and _blank(doc.anotacion):
            self.report("4429", "anotacion")
        if not _blank(doc.anotacion) and not _text_ok(doc.anotacion, 3, 500):
            self.report("4430", "anotacion")

    def unit_rule(self) -> tuple[str, str] | None:
        """The catalog a line's unit must be in and the code when it is not: catalog 65 (customs
        units) for goods of a DAM or DS (3446 in an import, export or foreign goods transfer;
        4320 in a guía transportista), catalog 03 elsewhere (4320); none when the stylesheet
        checks none (motivo 13, a total DAM or DS transfer)."""
        total_dam = self.doc.has(TRASLADO_TOTAL_DAM_DS)
        dam = self.has_related(*DAM_DS)
        if self.is_remitente and self.motivo in ("08", "09", "19") and not total_dam and dam:
            return "65", "3446"
        if not self.is_remitente and dam:
            return "65", "4320"
        if (not self.is_remitente or self.motivo not in ("08", "09", "13", "19")) and not total_dam:
            return "03", "4320"
        return None

    def line(self, line: DespatchLine, path: str, units: tuple[str, str] | None, known: set[str]) -> None:
        """2780: quantity; 2883/4320/3446: unit (see ``unit_rule``; ``known`` holds the units
        already found in the catalog); 2781/4084: description; 4085: code; 3002/3375: product
        codes; attributes (catalog 55)."""
        if not _fits(line.cantidad, 12, 10):
            self.report("2780", f"{path}.cantidad", f"valor '{line.cantidad}'")
        unidad = line.unidad
        if _blank(unidad):
            self.report("2883", f"{path}.unidad")
        elif units is not None and unidad not in known:
            catalog, code = units
            if catalogs.is_valid(catalog, unidad):
                known.add(unidad)
            else:
                self.report(code, f"{path}.unidad", f"valor '{unidad}' (catálogo {catalog})")
        if _blank(line.descripcion):
            self.report("2781", f"{path}.descripcion")
        elif not _text_ok(line.descripcion, 3, 500):
            self.report("4084", f"{path}.descripcion")
        if line.codigo is not None and (len(line.codigo) > 30 or _CONTROL.search(line.codigo)):
            self.report("4085", f"{path}.codigo", f"valor '{line.codigo}'")
        if line.codigo_sunat is not None and not CODIGO_SUNAT.match(line.codigo_sunat):
            self.report("3002", f"{path}.codigo_sunat", f"valor '{line.codigo_sunat}'")
        if line.codigo_gs1 is not None and not GTIN.match(line.codigo_gs1):
            self.report("3375", f"{path}.codigo_gs1", f"valor '{line.codigo_gs1}'")
        if line.atributos or self.exporting:
            self.attributes(line, path)

    def attributes(self, line: DespatchLine, path: str) -> None:
        """Catalog 55 attributes: bien normalizado (7022: 3396; needs the SUNAT product code of
        catalog 62A, 3372/3425, the partida arancelaria of catalog 62, 3426/3429, and a
        constancia 49/80, 3379), partida (3377), DAM (7021: 2769, 3430; exports 3427) and its
        serie (7023: 3431; exports 3428); manifiesto codes only under motivo 19 (3473); 3064:
        every attribute has a value."""
        doc, motivo = self.doc, self.motivo
        total_dam = doc.has(TRASLADO_TOTAL_DAM_DS)
        normalizado = False
        for index, attribute in enumerate(line.atributos):
            at = f"{path}.atributos[{index}]"
            value = (attribute.valor or "").strip()
            if not catalogs.is_valid("55", attribute.codigo):
                self.report("3473", f"{at}.codigo", f"valor '{attribute.codigo}'")
                continue
            if not value:
                self.report("3064", f"{at}.valor", f"concepto {attribute.codigo}")
                continue
            if attribute.codigo in MANIFEST_PROPERTIES and motivo != "19":
                self.report("3473", f"{at}.codigo", f"concepto {attribute.codigo} con motivo {motivo}")
            if attribute.codigo == BIEN_NORMALIZADO:
                if value not in ("0", "1"):
                    self.report("3396", f"{at}.valor", f"valor '{value}'")
                normalizado = value == "1"
            elif attribute.codigo == PARTIDA_ARANCELARIA and not PARTIDA.match(value):
                self.report("3377", f"{at}.valor", f"valor '{value}'")
            elif attribute.codigo == NUMERO_DAM:
                if not DAM.match(value):
                    self.report("2769", f"{at}.valor", f"valor '{value}'")
                elif motivo in ("08", "09", "13", "19") and not total_dam and self.is_remitente:
                    declared = {r.numero for r in doc.related if r.tipo_documento in DAM_DS}
                    if value not in declared:
                        self.report("3430", f"{at}.valor", f"DAM '{value}'")
            elif attribute.codigo == SERIE_DAM and not SERIE_EN_DAM.match(value):
                self.report("3431", f"{at}.valor", f"valor '{value}'")
        if normalizado and not total_dam:
            self.bien_normalizado(line, path)
        if self.exporting:
            if line.atributo(NUMERO_DAM) is None:
                self.report("3427", f"{path}.atributos", "concepto 7021")
            if line.atributo(SERIE_DAM) is None:
                self.report("3428", f"{path}.atributos", "concepto 7023")

    def bien_normalizado(self, line: DespatchLine, path: str) -> None:
        if _blank(line.codigo_sunat):
            self.report("3372", f"{path}.codigo_sunat")
        elif not catalogs.is_valid("62A", line.codigo_sunat):
            self.report("3425", f"{path}.codigo_sunat", f"valor '{line.codigo_sunat}'")
        partida = line.atributo(PARTIDA_ARANCELARIA)
        if partida is None:
            self.report("3426", f"{path}.atributos", "concepto 7020")
        elif PARTIDA.match(partida.valor) and not catalogs.is_valid("62", partida.valor):
            index = line.atributos.index(partida)
            self.report("3429", f"{path}.atributos[{index}].valor", f"valor '{partida.valor}'")
        if (self.motivo != "19" or not self.is_remitente) and not self.has_related("49", "80"):
            if self.is_remitente or not self.has_related(
                "01", "03", "04", "09", "12", "48", "50", "52", "82"
            ):
                self.report("3379", f"{path}.atributos", "bien normalizado sin constancia 49 u 80")
