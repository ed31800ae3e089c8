"""The two documents an agente de retención or percepción issues, side by side: the comprobante
de retención (20, ``domain.retention``) and the comprobante de percepción (40,
``domain.perception``).

Both are the same document in SUNAT's UBL 2.0: an agente, a receiver, related documents paid or
collected in one or several payments, an amount retained or perceived per payment and the net
paid or collected, and totals in soles. Only the words differ (proveedor/cliente, retenido/
percibido, pagado/cobrado), the régimen's catalog and SUNAT's codes. An ``AgentFamily`` holds
those words for one document so that reading, arithmetic, UBL and rules are written once and run
on either through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from yupana.domain import perception, retention

D = TypeVar("D")


@dataclass(frozen=True, slots=True)
class AgentFamily(Generic[D]):
    """The names and codes that tell a retention from a perception in the domain model."""

    tipo_documento: str  # catalog 01: "20" / "40"
    receiver: str  # attribute of the receiver: "proveedor" / "cliente"
    date_name: str  # date of each payment's retention: "fecha_retencion" / "fecha_percepcion"
    amount_name: str  # amount retained or perceived: "retenido" / "percibido"
    net_name: str  # net paid or total collected: "pagado" / "cobrado"
    regime_catalog: str  # SUNAT catalog of the régimen and its rate: "23" / "22"
    related_types: tuple[str, ...]
    without_payment: tuple[str, ...]
    out_of_totals: tuple[str, ...]
    make_document: Callable[..., D]
    make_related: Callable[..., object]
    make_payment: Callable[..., object]
    make_totals: Callable[..., object]
    # SUNAT's codes shared by the readers and the rules.
    regime_code: str  # régimen missing or not in the catalog
    receiver_missing: str
    payment_date_missing: str
    payment_amount_missing: str
    payment_number_invalid: str


RETENTION: Final = AgentFamily(
    tipo_documento=retention.RETENCION,
    receiver="proveedor",
    date_name="fecha_retencion",
    amount_name="retenido",
    net_name="pagado",
    regime_catalog="23",
    related_types=retention.RELATED_TYPES,
    without_payment=retention.WITHOUT_PAYMENT,
    out_of_totals=retention.OUT_OF_TOTALS,
    make_document=retention.RetentionDocument,
    make_related=retention.RetainedDocument,
    make_payment=retention.RetentionPayment,
    make_totals=retention.RetentionTotals,
    regime_code="2618",
    receiver_missing="2723",
    payment_date_missing="2737",
    payment_amount_missing="2735",
    payment_number_invalid="2734",
)

PERCEPTION: Final = AgentFamily(
    tipo_documento=perception.PERCEPCION,
    receiver="cliente",
    date_name="fecha_percepcion",
    amount_name="percibido",
    net_name="cobrado",
    regime_catalog="22",
    related_types=perception.RELATED_TYPES,
    without_payment=perception.WITHOUT_PAYMENT,
    out_of_totals=perception.OUT_OF_TOTALS,
    make_document=perception.PerceptionDocument,
    make_related=perception.PerceivedDocument,
    make_payment=perception.PerceptionPayment,
    make_totals=perception.PerceptionTotals,
    regime_code="2602",
    receiver_missing="2679",
    payment_date_missing="2702",
    payment_amount_missing="2699",
    payment_number_invalid="2698",
)
