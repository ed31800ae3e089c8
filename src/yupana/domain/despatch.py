"""Guías de remisión electrónicas in SUNAT's 2022 format (UBL 2.1 ``DespatchAdvice``,
customization 2.0): the guía del remitente (09) and the guía del transportista (31).

The remitente (09) is the issuer who sends the goods, by public transport (modalidad 01: a
transportista carries them) or private transport (modalidad 02: the remitente's own vehicles
and drivers). The transportista (31) is the carrier who issues its own guía for a remitente's
goods. Both name a destinatario, a punto de partida and a punto de llegada, the gross weight
and the goods (lines).

Codes are SUNAT's catalog codes written as in the XML: catalog 20 (motivo de traslado), 18
(modalidad), 06 (identity documents), 61 (documents related to the transport), 03 (units),
D37 (entities that grant special authorisations), 63/64 (ports and airports).
``indicadores`` holds SUNAT's own indicator names (``SUNAT_Envio_IndicadorTrasladoVehiculoM1L``),
the constants below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

from yupana.domain.party import Company, Customer

GUIA_REMITENTE = "09"
GUIA_TRANSPORTISTA = "31"
DESPATCH_TYPES = (GUIA_REMITENTE, GUIA_TRANSPORTISTA)

# Catalog 18: modalidad de traslado.
TRANSPORTE_PUBLICO = "01"
TRANSPORTE_PRIVADO = "02"

# Catalog 20: motivos de traslado that rules single out.
MOTIVO_VENTA = "01"
MOTIVO_COMPRA = "02"
MOTIVO_VENTA_TERCEROS = "03"
MOTIVO_MISMA_EMPRESA = "04"
MOTIVO_IMPORTACION = "08"
MOTIVO_EXPORTACION = "09"
MOTIVO_OTROS = "13"
MOTIVO_EMISOR_ITINERANTE = "18"
MOTIVO_MERCANCIA_EXTRANJERA = "19"

# Indicators (cbc:SpecialInstructions) of a guía remitente.
TRANSBORDO_PROGRAMADO = "SUNAT_Envio_IndicadorTransbordoProgramado"
VEHICULO_M1L = "SUNAT_Envio_IndicadorTrasladoVehiculoM1L"
RETORNO_ENVASES_VACIOS = "SUNAT_Envio_IndicadorRetornoVehiculoEnvaseVacio"
RETORNO_VEHICULO_VACIO = "SUNAT_Envio_IndicadorRetornoVehiculoVacio"
TRASLADO_TOTAL_DAM_DS = "SUNAT_Envio_IndicadorTrasladoTotalDAMoDS"
VEHICULO_CONDUCTORES_TRANSPORTISTA = "SUNAT_Envio_IndicadorVehiculoConductoresTransp"
CONTENEDOR_MANIFIESTO_CARGA = "SUNAT_Envio_IndicadorTrasladoContenedorManifiestoCarga"
TRASLADO_CONTENEDOR = "SUNAT_Envio_IndicadorTrasladoContenedor"
# Indicators of a guía transportista (besides transbordo and the two retornos).
TRANSPORTE_SUBCONTRATADO = "SUNAT_Envio_IndicadorTrasporteSubcontratado"  # SUNAT's spelling
TRASLADO_TOTAL = "SUNAT_Envio_IndicadorTrasladoTotal"
PAGADOR_FLETE_PREFIX = "SUNAT_Envio_IndicadorPagadorFlete_"
PAGADORES_FLETE = ("Remitente", "Subcontratador", "Tercero")

INDICADORES_REMITENTE = (
    TRANSBORDO_PROGRAMADO,
    VEHICULO_M1L,
    RETORNO_ENVASES_VACIOS,
    RETORNO_VEHICULO_VACIO,
    TRASLADO_TOTAL_DAM_DS,
    VEHICULO_CONDUCTORES_TRANSPORTISTA,
    CONTENEDOR_MANIFIESTO_CARGA,
    TRASLADO_CONTENEDOR,
)
INDICADORES_TRANSPORTISTA = (
    TRANSBORDO_PROGRAMADO,
    RETORNO_ENVASES_VACIOS,
    RETORNO_VEHICULO_VACIO,
    TRANSPORTE_SUBCONTRATADO,
    TRASLADO_TOTAL,
)

# Weight units of the gross weight (cbc:GrossWeightMeasure/@unitCode).
KILOGRAMOS = "KGM"
TONELADAS = "TNE"

# Catalog 55 codes of the attributes of a line.
PARTIDA_ARANCELARIA = "7020"
NUMERO_DAM = "7021"
BIEN_NORMALIZADO = "7022"
SERIE_DAM = "7023"


@dataclass(slots=True)
class SpecialAuthorization:
    """An autorización especial: the entity that granted it (catalog D37) and its number."""

    entidad: str
    numero: str


@dataclass(slots=True)
class Carrier:
    """The transportista of a guía remitente by public transport: RUC, name, its registration
    number at the MTC and an optional special authorisation."""

    ruc: str
    razon_social: str
    registro_mtc: str | None = None
    autorizacion: SpecialAuthorization | None = None


@dataclass(slots=True)
class Vehicle:
    """A vehicle: its plate, its Tarjeta Única de Circulación Electrónica or certificado de
    habilitación vehicular (``tuce``), and an optional special authorisation."""

    placa: str
    tuce: str | None = None
    autorizacion: SpecialAuthorization | None = None


@dataclass(slots=True)
class Driver:
    """A driver: identity document (catalog 06), names, surnames and driving licence."""

    tipo_documento: str
    numero_documento: str
    nombres: str
    apellidos: str
    licencia: str


@dataclass(slots=True)
class TransferPoint:
    """Punto de partida or de llegada: ubigeo (catalog 13) and street address; between
    establishments the RUC that owns the place and its código de establecimiento anexo."""

    ubigeo: str
    direccion: str
    ruc: str | None = None
    codigo_establecimiento: str | None = None
    latitud: Decimal | None = None
    longitud: Decimal | None = None


@dataclass(slots=True)
class Port:
    """Puerto (``tipo`` 1, catalog 63) or aeropuerto (``tipo`` 2, catalog 64) of embarque or
    desembarque, for imports, exports and foreign goods (motivos 08, 09, 19)."""

    codigo: str
    tipo: str = "1"
    nombre: str | None = None


@dataclass(slots=True)
class Container:
    """A container (número) and its seal (precinto)."""

    numero: str
    precinto: str | None = None


@dataclass(slots=True)
class RelatedDocument:
    """A document related to the transport (catalog 61): factura, boleta, DAM, constancia de
    depósito...; ``emisor_ruc`` is the RUC of whoever issued it (required for comprobantes and
    guías). ``descripcion`` defaults to the catalog's name of the type."""

    tipo_documento: str
    numero: str
    emisor_ruc: str | None = None
    descripcion: str | None = None


@dataclass(slots=True)
class LineAttribute:
    """An attribute of a line (catalog 55): partida arancelaria (7020), DAM (7021), bien
    normalizado (7022), serie in the DAM (7023)... ``nombre`` defaults to the catalog's."""

    codigo: str
    valor: str
    nombre: str | None = None


@dataclass(slots=True)
class DespatchLine:
    descripcion: str
    cantidad: Decimal
    unidad: str = "NIU"
    codigo: str | None = None
    codigo_sunat: str | None = None
    codigo_gs1: str | None = None
    atributos: list[LineAttribute] = field(default_factory=list)

    def atributo(self, codigo: str) -> LineAttribute | None:
        return next((a for a in self.atributos if a.codigo == codigo), None)


@dataclass(slots=True)
class DespatchDocument:
    """A guía de remisión remitente (09) or transportista (31).

    ``issuer`` is the remitente of a 09 and the transportista of a 31. ``remitente`` is the
    shipper of a 31. ``fecha_inicio_traslado`` is when the transfer starts;
    ``fecha_entrega_transportista`` when the remitente hands the goods to the carrier (public
    transport). ``registro_mtc`` and ``autorizacion`` belong to the issuer of a 31 (the
    carrier); a 09 by public transport names its carrier in ``transportista``.
    """

    tipo_documento: str
    serie: str
    correlativo: int
    fecha_emision: date
    issuer: Company
    destinatario: Customer
    lines: list[DespatchLine]
    hora_emision: time | None = None
    observaciones: list[str] = field(default_factory=list)
    related: list[RelatedDocument] = field(default_factory=list)
    # Guía remitente (09):
    motivo_traslado: str | None = None
    descripcion_motivo: str | None = None
    modalidad: str | None = None
    transportista: Carrier | None = None
    proveedor: Customer | None = None  # motivos 02, 07, 13: who supplies the goods
    comprador: Customer | None = None  # motivos 03, 13: the buyer when not the destinatario
    autorizacion_remitente: SpecialAuthorization | None = None
    # Guía transportista (31):
    remitente: Customer | None = None
    registro_mtc: str | None = None
    autorizacion: SpecialAuthorization | None = None
    pagador_flete: str | None = None  # "Remitente", "Subcontratador" or "Tercero"
    tercero_pagador: Customer | None = None
    subcontratador: Customer | None = None
    # A note on the goods instead of their detail, when another document describes them (a guía
    # remitente, a declaración jurada de mudanza...): written as a line without quantity.
    anotacion: str | None = None
    # The transfer:
    peso_bruto: Decimal | None = None
    unidad_peso: str = KILOGRAMOS
    # Motivos 08, 09, 19 (imports, exports, foreign goods) when the transfer covers part of a DAM
    # or DS: the gross weight of the items moved (kilograms) and why it differs from the total.
    peso_items: Decimal | None = None
    sustento_peso: str | None = None
    numero_bultos: int | None = None
    fecha_inicio_traslado: date | None = None
    fecha_entrega_transportista: date | None = None
    indicadores: list[str] = field(default_factory=list)
    vehiculo: Vehicle | None = None
    vehiculos_secundarios: list[Vehicle] = field(default_factory=list)
    conductor: Driver | None = None
    conductores_secundarios: list[Driver] = field(default_factory=list)
    partida: TransferPoint | None = None
    llegada: TransferPoint | None = None
    puerto: Port | None = None
    contenedores: list[Container] = field(default_factory=list)
    # What the printed representation shows beyond the XML.
    extras: dict[str, str] = field(default_factory=dict)

    @property
    def numero(self) -> str:
        return f"{self.serie}-{self.correlativo}"

    @property
    def file_stem(self) -> str:
        """SUNAT file name without extension: RUC-TT-SERIE-NUMERO."""
        return f"{self.issuer.ruc}-{self.tipo_documento}-{self.serie}-{self.correlativo}"

    @property
    def is_transportista(self) -> bool:
        return self.tipo_documento == GUIA_TRANSPORTISTA

    def has(self, indicador: str) -> bool:
        return indicador in self.indicadores

    @property
    def special_instructions(self) -> list[str]:
        """Every indicator the XML carries: those declared, then those that follow from other
        fields (the pagador del flete, a subcontratador)."""
        found = list(self.indicadores)
        if self.pagador_flete:
            found.append(PAGADOR_FLETE_PREFIX + self.pagador_flete)
        if self.subcontratador is not None and TRANSPORTE_SUBCONTRATADO not in found:
            found.append(TRANSPORTE_SUBCONTRATADO)
        return found


def is_physical_number(numero: str) -> bool:
    """Whether a related document's number is that of a pre-printed (physical) document: its
    serie starts with a digit (``0001-123``), where electronic series start with a letter."""
    return numero[:1].isdigit()


def annotation_is_line_zero(doc: DespatchDocument) -> bool:
    """Whether a guía transportista may carry its anotación as line 0 (SUNAT rule 3458): when it
    cites a physical guía remitente, a declaración jurada de mudanza (82), or a physical factura
    or liquidación (01, 04), a boleta, ticket or comprobante de operaciones (03, 12, 48) for the
    whole of the goods (indicator ``TRASLADO_TOTAL``)."""
    total = doc.has(TRASLADO_TOTAL)
    for related in doc.related:
        tipo, physical = related.tipo_documento, is_physical_number(related.numero)
        if (tipo == "09" and physical) or tipo == "82":
            return True
        if total and ((tipo in ("01", "04") and physical) or tipo in ("03", "12", "48")):
            return True
    return False
