"""Sales documents: factura (01), boleta (03), nota de crédito (07), nota de débito (08).

Every amount is a ``Decimal``. Amounts that SUNAT derives from others (line and document
totals) are ``None`` until either the caller declares them (a dialect fills them from the
request, and ``calc.check`` compares them with SUNAT's arithmetic) or ``calc.complete``
derives them.

Units of rates, as SUNAT writes them in UBL:
- ``porcentaje_*`` fields are percentages (``Decimal("18")`` for IGV 18 %), as ``cbc:Percent``;
- ``factor`` fields are fractions (``Decimal("0.10")`` for 10 %), as ``cbc:MultiplierFactorNumeric``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

from yupana.domain.party import Address, Company, Customer

FACTURA = "01"
BOLETA = "03"
NOTA_CREDITO = "07"
NOTA_DEBITO = "08"
SALE_TYPES = (FACTURA, BOLETA, NOTA_CREDITO, NOTA_DEBITO)
NOTE_TYPES = (NOTA_CREDITO, NOTA_DEBITO)


@dataclass(slots=True)
class AllowanceCharge:
    """A discount or a charge (SUNAT catalog 53), on a line or on the whole document.

    ``is_charge`` follows from the catalog 53 code when left ``None``.
    """

    codigo: str
    monto: Decimal | None = None
    base: Decimal | None = None
    factor: Decimal | None = None
    is_charge: bool | None = None


@dataclass(slots=True)
class Isc:
    """Impuesto selectivo al consumo of a line. ``sistema`` is SUNAT catalog 08:
    01 sistema al valor, 02 aplicación del monto fijo, 03 precios de venta al público."""

    sistema: str
    porcentaje: Decimal
    base: Decimal | None = None
    monto: Decimal | None = None
    # Sistema 02: the fixed ISC per unit (monto = cantidad × monto_fijo; a ``porcentaje`` of 0 is
    # then derived as monto / base). Sistema 03: the suggested retail price per unit
    # (base = cantidad × precio_publico).
    monto_fijo: Decimal | None = None
    precio_publico: Decimal | None = None


@dataclass(slots=True)
class ItemProperty:
    """cac:AdditionalItemProperty: a SUNAT catalog 55 code (e.g. detracción data) and its value."""

    codigo: str
    nombre: str
    valor: str | None = None
    fecha_inicio: date | None = None
    fecha_fin: date | None = None
    duracion_dias: int | None = None


@dataclass(slots=True)
class SaleLine:
    descripcion: str
    cantidad: Decimal
    unidad: str = "NIU"
    # SUNAT catalog 07: 10 gravado, 17 IVAP, 20 exonerado, 30 inafecto, 40 exportación,
    # 11-16 and 31-37 gratuito (retiro), 21 exonerado gratuito.
    tipo_afectacion_igv: str = "10"
    codigo: str | None = None
    codigo_sunat: str | None = None
    codigo_gs1: str | None = None
    # Unit value without taxes (cbc:Price/cbc:PriceAmount; 0 on free lines).
    valor_unitario: Decimal | None = None
    # Unit price with taxes (PricingReference, price type 01).
    precio_unitario: Decimal | None = None
    # Unit reference value of a free line (PricingReference, price type 02).
    valor_referencial: Decimal | None = None
    porcentaje_igv: Decimal | None = None
    isc: Isc | None = None
    # ICBPER (plastic bags, tributo 7152): the amount per bag; the bags are ``cantidad``.
    icbper_factor: Decimal | None = None
    allowances: list[AllowanceCharge] = field(default_factory=list)
    properties: list[ItemProperty] = field(default_factory=list)
    # Derived (or declared by the caller and then checked):
    valor_venta: Decimal | None = None  # cbc:LineExtensionAmount
    base_igv: Decimal | None = None
    igv: Decimal | None = None
    icbper: Decimal | None = None
    total_impuestos: Decimal | None = None

    @property
    def gratuita(self) -> bool:
        return self.tipo_afectacion_igv not in ("10", "17", "20", "30", "40")


@dataclass(slots=True)
class Installment:
    """A cuota of a sale on credit."""

    monto: Decimal
    fecha_pago: date
    moneda: str | None = None


@dataclass(slots=True)
class PaymentTerms:
    """Forma de pago: ``Contado`` or ``Credito`` (then ``monto`` is the amount pending and
    ``cuotas`` its instalments)."""

    forma: str = "Contado"
    monto: Decimal | None = None
    cuotas: list[Installment] = field(default_factory=list)


@dataclass(slots=True)
class DetraccionTransporte:
    """Extra data of a detracción for transporte de carga (tipo de operación 1004)."""

    origen: Address
    destino: Address
    detalle_viaje: str | None = None
    valor_referencial_servicio: Decimal | None = None
    valor_referencial_carga_efectiva: Decimal | None = None
    valor_referencial_carga_util: Decimal | None = None


@dataclass(slots=True)
class Detraccion:
    """SPOT (detracción): catalog 54 good/service code, percentage, amount, Banco de la Nación account."""

    codigo_bien: str
    porcentaje: Decimal
    cuenta_banco: str
    monto: Decimal | None = None
    medio_pago: str = "001"
    transporte: DetraccionTransporte | None = None


@dataclass(slots=True)
class Percepcion:
    """Percepción on a sale (tipo de operación 2001). ``codigo`` is catalog 53 (51, 52, 53)."""

    codigo: str
    factor: Decimal
    base: Decimal | None = None
    monto: Decimal | None = None
    total: Decimal | None = None  # base + monto


@dataclass(slots=True)
class Retencion:
    """Retención del IGV on a factura (catalog 53 code 62)."""

    factor: Decimal = Decimal("0.03")
    base: Decimal | None = None
    monto: Decimal | None = None


@dataclass(slots=True)
class Prepayment:
    """An anticipo deducted from this sale: the document it was paid with (catalog 12:
    02 factura de anticipo, 03 boleta de anticipo), its number and the amount paid."""

    tipo_documento: str
    numero: str
    monto: Decimal
    emisor_ruc: str | None = None


@dataclass(slots=True)
class DocumentReference:
    """A related document: a guía (09/31) or another document of catalog 12."""

    tipo_documento: str
    numero: str


@dataclass(slots=True)
class NoteReference:
    """What a nota modifies and why: catalog 09 (crédito) / 10 (débito) code and reason."""

    codigo: str
    motivo: str
    tipo_documento_afectado: str
    numero_documento_afectado: str


@dataclass(slots=True)
class Legend:
    codigo: str  # catalog 52
    valor: str


@dataclass(slots=True)
class SaleTotals:
    gravadas: Decimal | None = None  # 1001 IGV taxable amount
    exoneradas: Decimal | None = None  # 9997
    inafectas: Decimal | None = None  # 9998
    exportacion: Decimal | None = None  # 9995
    gratuitas: Decimal | None = None  # 9996 (reference value)
    igv_gratuitas: Decimal | None = None  # tax of the free lines (not charged)
    ivap_base: Decimal | None = None  # 1016
    ivap: Decimal | None = None
    isc_base: Decimal | None = None  # 2000
    isc: Decimal | None = None
    icbper: Decimal | None = None  # 7152
    igv: Decimal | None = None
    total_impuestos: Decimal | None = None
    valor_venta: Decimal | None = None  # LegalMonetaryTotal/LineExtensionAmount
    precio_venta: Decimal | None = None  # TaxInclusiveAmount
    descuentos: Decimal | None = None  # AllowanceTotalAmount (global, not on the base)
    cargos: Decimal | None = None  # ChargeTotalAmount (global, not on the base)
    anticipos: Decimal | None = None  # PrepaidAmount
    redondeo: Decimal | None = None  # PayableRoundingAmount
    importe_total: Decimal | None = None  # PayableAmount


@dataclass(slots=True)
class SaleDocument:
    tipo_documento: str
    serie: str
    correlativo: int
    fecha_emision: date
    issuer: Company
    customer: Customer
    lines: list[SaleLine]
    moneda: str = "PEN"
    hora_emision: time | None = None
    fecha_vencimiento: date | None = None
    # Catalog 51 (facturas and boletas only): 0101 venta interna, 0200 exportación,
    # 1001 sujeta a detracción, 1004 detracción transporte de carga, 2001 sujeta a percepción...
    tipo_operacion: str = "0101"
    tipo_cambio: Decimal | None = None
    allowances: list[AllowanceCharge] = field(default_factory=list)
    anticipos: list[Prepayment] = field(default_factory=list)
    payment: PaymentTerms | None = None
    detraccion: Detraccion | None = None
    percepcion: Percepcion | None = None
    retencion: Retencion | None = None
    guias: list[DocumentReference] = field(default_factory=list)
    related: list[DocumentReference] = field(default_factory=list)
    orden_compra: str | None = None
    note: NoteReference | None = None
    legends: list[Legend] = field(default_factory=list)
    observaciones: list[str] = field(default_factory=list)
    totals: SaleTotals = field(default_factory=SaleTotals)
    # What the printed representation shows beyond the XML (seller, cashier, final message...).
    extras: dict[str, str] = field(default_factory=dict)

    @property
    def numero(self) -> str:
        return f"{self.serie}-{self.correlativo}"

    @property
    def file_stem(self) -> str:
        """SUNAT file name without extension: RUC-TT-SERIE-NUMERO."""
        return f"{self.issuer.ruc}-{self.tipo_documento}-{self.serie}-{self.correlativo}"

    @property
    def is_note(self) -> bool:
        return self.tipo_documento in NOTE_TYPES
