"""The resumen diario de boletas (RC): SUNAT's UBL 2.0 ``SummaryDocuments``, version 1.1.

Boletas (03) and the notas de crédito and débito (07, 08) that modify boletas do not travel to
SUNAT one by one: the issuer reports them in a daily summary, one line per document. A line
adds the document (estado 1), modifies what an earlier summary said of it (2) or voids it (3,
the way a boleta is voided: never a comunicación de baja). SUNAT's catalog 19 names the estados.

One summary is generated on one day (``fecha_generacion``, ``cbc:IssueDate``) and reports
documents all issued on one other day, the same or earlier (``fecha_referencia``,
``cbc:ReferenceDate``). Its identifier is ``RC-AAAAMMDD-N``, the date being the generation date
and N a number from 1 to 99999 that the issuer does not repeat that day; SUNAT receives it as
the file ``RUC-RC-AAAAMMDD-N``. A summary carries at most 500 lines (SUNAT's stylesheet rejects
more with 0158).

Each line carries the document's totals by category (SUNAT catalog 11: 01 gravado, 02
exonerado, 03 inafecto, 04 exportación, 05 gratuito), the other charges, each tax (IGV or IVAP,
ISC, ICBPER, otros tributos) and the importe total, all in the line's own currency, plus the
percepción of a boleta (always in soles). Amounts left ``None`` are derived by
``yupana.calc.summary.process_summary``; declared ones are checked there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final

from yupana.domain.party import Company, Customer

RESUMEN_DIARIO: Final = "RC"

BOLETA: Final = "03"
NOTA_CREDITO: Final = "07"
NOTA_DEBITO: Final = "08"
# Catalog 01 types a summary reports (workbook rule 2241).
DOCUMENT_TYPES: Final = (BOLETA, NOTA_CREDITO, NOTA_DEBITO)
NOTE_TYPES: Final = (NOTA_CREDITO, NOTA_DEBITO)
# Types a nota in a summary may modify (workbook rule 2513): boleta, ticket de máquina
# registradora, boleto de transporte, and the other documents SUNAT lists as 55.
REFERENCE_TYPES: Final = ("03", "12", "16", "55")

# Catalog 19: estado del ítem.
ADICIONAR: Final = "1"
MODIFICAR: Final = "2"
ANULAR: Final = "3"
ESTADOS: Final = (ADICIONAR, MODIFICAR, ANULAR)

LINE_LIMIT: Final = 500  # SUNAT's stylesheet: more lines than this is 0158
CORRELATIVO_MAX: Final = 99_999  # the N of RC-AAAAMMDD-N (file name rule 0151)

# Catalog 11: tipo de valor de venta, the cbc:InstructionID of each sac:BillingPayment.
GRAVADO: Final = "01"
EXONERADO: Final = "02"
INAFECTO: Final = "03"
EXPORTACION: Final = "04"
GRATUITO: Final = "05"


@dataclass(slots=True)
class SummaryReference:
    """The document a nota modifies: catalog 01 type (``REFERENCE_TYPES``) and serie-número."""

    tipo_documento: str
    numero: str


@dataclass(slots=True)
class SummaryPercepcion:
    """The percepción on a boleta (``sac:SUNATPerceptionSummaryDocumentReference``), in soles.

    ``regimen`` is catalog 22 (01 venta interna 2 %, 02 adquisición de combustible 1 %,
    03 agente de percepción con tasa especial 0.5 %); ``porcentaje`` is a percentage (``2``),
    taken from the catalog when left ``None``. ``base`` is the amount the percepción is
    computed on, ``monto`` the percepción and ``total`` the amount collected including it.
    """

    regimen: str
    porcentaje: Decimal | None = None
    base: Decimal | None = None
    monto: Decimal | None = None
    total: Decimal | None = None


@dataclass(slots=True)
class SummaryLine:
    """One document of the summary and what the summary says of it.

    ``customer`` is the adquirente (only its catalog 06 type and number are written); SUNAT
    requires it when the importe total exceeds 700 (2514) and on boletas with percepción.
    ``referencia`` is the document a nota modifies. ``fecha_emision`` is the document's issue
    date when it is known (a document taken from the store): it must be the summary's
    ``fecha_referencia``. ``porcentaje_igv`` is the IGV rate used to derive ``igv`` when it
    is left ``None`` (18 unless said).

    Amounts, in ``moneda``: ``gravadas`` (catalog 11 code 01, the IGV or IVAP base),
    ``exoneradas`` (02), ``inafectas`` (03), ``exportacion`` (04), ``gratuitas`` (05, the
    reference value of free transfers), ``otros_cargos`` (charges outside the tax base),
    ``igv`` (tributo 1000), ``ivap`` (1016), ``isc`` (2000), ``icbper`` (7152),
    ``otros_tributos`` (9999) and ``importe_total`` (``sac:TotalAmount``).
    """

    tipo_documento: str
    serie: str
    correlativo: int
    estado: str = ADICIONAR
    moneda: str = "PEN"
    customer: Customer | None = None
    referencia: SummaryReference | None = None
    fecha_emision: date | None = None
    percepcion: SummaryPercepcion | None = None
    porcentaje_igv: Decimal | None = None
    gravadas: Decimal | None = None
    exoneradas: Decimal | None = None
    inafectas: Decimal | None = None
    exportacion: Decimal | None = None
    gratuitas: Decimal | None = None
    otros_cargos: Decimal | None = None
    igv: Decimal | None = None
    ivap: Decimal | None = None
    isc: Decimal | None = None
    icbper: Decimal | None = None
    otros_tributos: Decimal | None = None
    importe_total: Decimal | None = None

    @property
    def numero(self) -> str:
        """``cbc:ID`` of the line: SERIE-NUMERO."""
        return f"{self.serie}-{self.correlativo}"

    @property
    def is_note(self) -> bool:
        return self.tipo_documento in NOTE_TYPES

    def sale_values(self) -> tuple[tuple[str, Decimal | None], ...]:
        """The value of sale of each catalog 11 category, in SUNAT's order."""
        return (
            (GRAVADO, self.gravadas),
            (EXONERADO, self.exoneradas),
            (INAFECTO, self.inafectas),
            (EXPORTACION, self.exportacion),
            (GRATUITO, self.gratuitas),
        )


@dataclass(slots=True)
class DailySummary:
    """A resumen diario de boletas (``tipo_documento`` "RC")."""

    correlativo: int
    fecha_generacion: date
    fecha_referencia: date
    issuer: Company
    lines: list[SummaryLine] = field(default_factory=list)
    tipo_documento: str = RESUMEN_DIARIO

    @property
    def identificador(self) -> str:
        """``cbc:ID``: RC-AAAAMMDD-N, the date being the generation date."""
        return f"{self.tipo_documento}-{self.fecha_generacion:%Y%m%d}-{self.correlativo}"

    @property
    def numero(self) -> str:
        return self.identificador

    @property
    def file_stem(self) -> str:
        """SUNAT file name without extension: RUC-RC-AAAAMMDD-N."""
        return f"{self.issuer.ruc}-{self.identificador}"
