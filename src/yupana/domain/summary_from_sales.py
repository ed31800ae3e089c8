"""Summary lines made from boletas and notas already issued (stored, amounts complete).

A server builds its resumen diario from what it has stored, without parsing anything: each
stored boleta or nota becomes one line with the estado asked for (1 add, 2 modify, 3 void),
its totals by category taken from the document's totals.

How a sale's totals map onto a summary line (catalog 11 and the taxes of a line):

- gravadas (01) is the IGV base plus the IVAP base (a document carries one or the other);
- exoneradas (02), inafectas (03), exportación (04) and gratuitas (05, the reference value of
  free transfers) as they are;
- otros cargos is the document's charges outside the tax base (``totals.cargos``);
- IGV, IVAP, ISC and ICBPER as they are; the importe total is the amount payable.

A discount outside the tax base, anticipos or a rounding make the amount payable differ from
the sum of the parts: SUNAT's summary has no field for them, so the line keeps the document's
amount payable and the difference shows in the check of that sum (observation 4027 beyond
SUNAT's tolerance of 5).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from yupana.domain.problems import InvalidDocument, Problem
from yupana.domain.sale import Percepcion, SaleDocument
from yupana.domain.summary import (
    DOCUMENT_TYPES,
    ESTADOS,
    NOTE_TYPES,
    REFERENCE_TYPES,
    DailySummary,
    SummaryLine,
    SummaryPercepcion,
    SummaryReference,
)

# Catalog 53 code of a sale's percepción -> catalog 22 régimen of the summary.
PERCEPCION_REGIMEN = {"51": "01", "52": "02", "53": "03"}
_HUNDRED = Decimal(100)


def _sum(*values: Decimal | None) -> Decimal | None:
    present = [value for value in values if value is not None]
    return sum(present, Decimal(0)) if present else None


def _percepcion(percepcion: Percepcion | None) -> SummaryPercepcion | None:
    if percepcion is None:
        return None
    regimen = PERCEPCION_REGIMEN.get(percepcion.codigo)
    if regimen is None:
        raise InvalidDocument.single(
            f"percepción code {percepcion.codigo!r} is not 51, 52 or 53 (catalog 53)",
            "percepcion.codigo",
            "2517",
        )
    return SummaryPercepcion(
        regimen=regimen,
        porcentaje=(percepcion.factor * _HUNDRED).normalize(),
        base=percepcion.base,
        monto=percepcion.monto,
        total=percepcion.total,
    )


def summary_line_from_sale(sale: SaleDocument, estado: str) -> SummaryLine:
    """The line that reports the completed boleta or nota ``sale`` with ``estado`` (catalog
    19: "1" add, "2" modify, "3" void).

    Raises ``InvalidDocument`` (paths in the sale's terms) when the document does not go in a
    resumen diario (a factura: 2241; a nota that modifies a factura: 2513), when the estado is
    not in catalog 19 (2896), or when its amounts have not been completed.
    """
    if sale.tipo_documento not in DOCUMENT_TYPES:
        raise InvalidDocument.single(
            f"a resumen diario reports boletas and their notas (03, 07, 08), not type "
            f"{sale.tipo_documento!r}: facturas and their notas are sent one by one and voided "
            "with a comunicación de baja (RA)",
            "tipo_documento",
            "2241",
        )
    if estado not in ESTADOS:
        raise InvalidDocument.single(
            f"estado {estado!r} is not 1 (adicionar), 2 (modificar) or 3 (anular), catalog 19",
            "estado",
            "2896",
        )
    reference: SummaryReference | None = None
    if sale.tipo_documento in NOTE_TYPES:
        note = sale.note
        if note is None:
            raise InvalidDocument.single("a nota must say which document it modifies", "note", "2524")
        if note.tipo_documento_afectado not in REFERENCE_TYPES:
            raise InvalidDocument.single(
                f"the nota modifies a document of type {note.tipo_documento_afectado!r}: only notas "
                "of boletas (03, 12, 16, 55) go in a resumen diario; notas of facturas are sent one by one",
                "note.tipo_documento_afectado",
                "2513",
            )
        reference = SummaryReference(note.tipo_documento_afectado, note.numero_documento_afectado)
    totals = sale.totals
    if totals.importe_total is None:
        raise InvalidDocument.single(
            "the document's amounts must be completed before it is summarised", "totals.importe_total"
        )
    return SummaryLine(
        tipo_documento=sale.tipo_documento,
        serie=sale.serie,
        correlativo=sale.correlativo,
        estado=estado,
        moneda=sale.moneda,
        customer=sale.customer,
        referencia=reference,
        fecha_emision=sale.fecha_emision,
        percepcion=_percepcion(sale.percepcion),
        gravadas=_sum(totals.gravadas, totals.ivap_base),
        exoneradas=totals.exoneradas,
        inafectas=totals.inafectas,
        exportacion=totals.exportacion,
        gratuitas=totals.gratuitas,
        otros_cargos=totals.cargos or None,
        igv=totals.igv if totals.igv is not None else Decimal("0.00"),
        ivap=totals.ivap or None,
        isc=totals.isc or None,
        icbper=totals.icbper or None,
        importe_total=totals.importe_total,
    )


def summary_from_sales(
    items: Sequence[tuple[SaleDocument, str]], *, correlativo: int, fecha_generacion: date
) -> DailySummary:
    """The RC that reports each ``(sale, estado)`` of ``items``, generated on
    ``fecha_generacion``; its reference date is the first document's issue date.

    Documents of another issue date are not refused here: the summary is built and
    ``validate_summary`` reports them (2375) with their paths. Raises ``InvalidDocument``
    (paths ``lines[i]...``) when there is nothing to report, when a document has another issuer
    than the first, or when a document cannot be summarised (see ``summary_line_from_sale``).
    """
    if not items:
        raise InvalidDocument.single("a resumen diario needs at least one document", "lines")
    first = items[0][0]
    problems: list[Problem] = []
    lines: list[SummaryLine] = []
    for index, (sale, estado) in enumerate(items):
        if sale.issuer.ruc != first.issuer.ruc:
            problems.append(
                Problem(
                    f"{sale.tipo_documento} {sale.numero} was issued by {sale.issuer.ruc}, not "
                    f"{first.issuer.ruc}: one summary reports one issuer's documents",
                    f"lines[{index}]",
                )
            )
            continue
        try:
            lines.append(summary_line_from_sale(sale, estado))
        except InvalidDocument as exc:
            problems.extend(
                Problem(p.message, f"lines[{index}].{p.path}" if p.path else f"lines[{index}]", p.code)
                for p in exc.errors
            )
    if problems:
        raise InvalidDocument(problems)
    return DailySummary(
        correlativo=correlativo,
        fecha_generacion=fecha_generacion,
        fecha_referencia=first.fecha_emision,
        issuer=first.issuer,
        lines=lines,
    )
