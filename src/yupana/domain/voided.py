"""Voided documents: the comunicación de baja (RA) and the resumen de reversiones (RR).

Both are SUNAT's UBL 2.0 ``VoidedDocuments``: one communication, generated on one day
(``fecha_generacion``, ``cbc:IssueDate``), listing documents that were all issued on one other
day (``fecha_referencia``, ``cbc:ReferenceDate``), each with its type, serie, number and the
reason it is voided (``motivo``). Its identifier is ``RA-AAAAMMDD-N`` (or ``RR-...``), the date
being the generation date and N a number from 1 to 99999 that the issuer does not repeat that
day; SUNAT receives it as the file ``RUC-RA-AAAAMMDD-N``.

Which documents go where (SUNAT's rules workbook, sheets "Comunicación de Baja1_0" and
"Resumen de reversiones1_0"):

- RA voids facturas (01), the notas de crédito and débito (07, 08) of facturas (serie F### or
  a contingency serie of digits) and the other documents SUNAT lists (30, 34, 42). Boletas and
  their notas are voided through the resumen diario (RC) with estado 3, never an RA.
- RR reverses comprobantes de retención (20, serie R###) and percepción (40, serie P###), and,
  for issuers that send to SUNAT directly, liquidaciones de compra (04, serie L###).

The builders at the end make the lines from documents already issued (stored), so a server
voids what it has without parsing anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final, Protocol

from yupana.domain.party import Company
from yupana.domain.problems import InvalidDocument, Problem

COMUNICACION_BAJA: Final = "RA"
RESUMEN_REVERSIONES: Final = "RR"
VOIDED_TYPES: Final = (COMUNICACION_BAJA, RESUMEN_REVERSIONES)

# Catalog 01 types each communication may carry (workbook rule 2308).
RA_DOCUMENT_TYPES: Final = ("01", "07", "08", "30", "34", "42")
RR_DOCUMENT_TYPES: Final = ("20", "40", "04")
DOCUMENT_TYPES: Final = {COMUNICACION_BAJA: RA_DOCUMENT_TYPES, RESUMEN_REVERSIONES: RR_DOCUMENT_TYPES}

CORRELATIVO_MAX: Final = 99_999  # the N of RA-AAAAMMDD-N (file name rule 0151)


@dataclass(slots=True)
class VoidedLine:
    """One document to void: catalog 01 type, serie, number and the reason.

    ``fecha_emision`` is the issue date of that document when it is known (a document taken
    from the store); SUNAT compares it with the communication's ``fecha_referencia`` (2375).
    """

    tipo_documento: str
    serie: str
    correlativo: int
    motivo: str | None
    fecha_emision: date | None = None

    @property
    def numero(self) -> str:
        return f"{self.serie}-{self.correlativo}"


@dataclass(slots=True)
class VoidedDocument:
    """A comunicación de baja (``tipo_documento`` "RA") or resumen de reversiones ("RR")."""

    tipo_documento: str
    correlativo: int
    fecha_generacion: date
    fecha_referencia: date
    issuer: Company
    lines: list[VoidedLine] = field(default_factory=list)

    @property
    def identificador(self) -> str:
        """``cbc:ID``: RA-AAAAMMDD-N, the date being the generation date."""
        return f"{self.tipo_documento}-{self.fecha_generacion:%Y%m%d}-{self.correlativo}"

    @property
    def numero(self) -> str:
        return self.identificador

    @property
    def file_stem(self) -> str:
        """SUNAT file name without extension: RUC-RA-AAAAMMDD-N."""
        return f"{self.issuer.ruc}-{self.identificador}"


# -- building a communication from documents already issued ---------------------------------


class IssuedDocument(Protocol):
    """What voiding needs of an issued document (a ``SaleDocument``, a retention, a perception)."""

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


def family_of(tipo_documento: str) -> str | None:
    """The communication that voids a document of catalog 01 type ``tipo_documento``: "RA",
    "RR", or ``None`` (boletas 03 and anything else SUNAT voids otherwise or not at all)."""
    for family, types in DOCUMENT_TYPES.items():
        if tipo_documento in types:
            return family
    return None


def voided_line_from_document(document: IssuedDocument, motivo: str) -> VoidedLine:
    """The line that voids ``document`` (a stored factura, nota, retention, perception...)."""
    return VoidedLine(
        tipo_documento=document.tipo_documento,
        serie=document.serie,
        correlativo=document.correlativo,
        motivo=motivo,
        fecha_emision=document.fecha_emision,
    )


def voided_line_from_sale(sale: IssuedDocument, motivo: str) -> VoidedLine:
    """The line of a comunicación de baja that voids the stored factura or nota ``sale``."""
    return voided_line_from_document(sale, motivo)


def voided_from_documents(
    items: Sequence[tuple[IssuedDocument, str]],
    *,
    correlativo: int,
    fecha_generacion: date,
    tipo_documento: str | None = None,
) -> VoidedDocument:
    """The RA or RR that voids each ``(document, motivo)`` of ``items``.

    The communication's type is ``tipo_documento`` or, when ``None``, the one the first
    document belongs to (``family_of``); its reference date is the first document's issue date.
    Documents of the wrong family or of another issue date are not refused here: the
    communication is built and ``validate_voided`` reports them (2308, 2375) with their paths.
    Raises ``InvalidDocument`` when there is nothing to void, when a document has another
    issuer than the first (a communication is one issuer's), or when no family voids the
    first document and none was named.
    """
    if not items:
        raise InvalidDocument.single("a communication needs at least one document to void", "lines")
    first = items[0][0]
    tipo = tipo_documento or family_of(first.tipo_documento)
    if tipo is None:
        raise InvalidDocument.single(
            f"documents of type {first.tipo_documento!r} are not voided by a comunicación de baja "
            "or a resumen de reversiones" + _boleta_hint(first.tipo_documento),
            "lines[0].tipo_documento",
            "2308",
        )
    issuer = first.issuer
    others = [
        Problem(
            f"{document.tipo_documento} {document.serie}-{document.correlativo} was issued by "
            f"{document.issuer.ruc}, not {issuer.ruc}: one communication voids one issuer's documents",
            f"lines[{index}]",
        )
        for index, (document, _) in enumerate(items)
        if document.issuer.ruc != issuer.ruc
    ]
    if others:
        raise InvalidDocument(others)
    return VoidedDocument(
        tipo_documento=tipo,
        correlativo=correlativo,
        fecha_generacion=fecha_generacion,
        fecha_referencia=first.fecha_emision,
        issuer=issuer,
        lines=[voided_line_from_document(document, motivo) for document, motivo in items],
    )


def _boleta_hint(tipo_documento: str) -> str:
    if tipo_documento == "03":
        return ": a boleta is voided in the resumen diario (RC) with estado 3"
    return ""
