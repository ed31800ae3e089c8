"""Greenter / Lycet JSON → comprobante de retención (20) and de percepción (40): the reading
shared by ``greenter.retention`` and ``greenter.perception``.

The request is what Lycet's ``/retention/*`` and ``/perception/*`` endpoints take (Greenter's
``Retention`` and ``Perception`` models), bare or inside Lycet's envelope ``{"document": ...,
"parameters": ...}`` (then every path starts with ``document.``).

Mapping (Greenter field → domain; the perception's names in brackets):

- ``serie``, ``correlativo`` (a string of digits), ``fechaEmision`` → ``fecha_emision`` and
  ``hora_emision`` in Lima time; ``company`` → ``issuer`` (without it, the configured issuer);
  ``proveedor`` → ``proveedor`` [``cliente``: Greenter's ``Perception`` names its cliente
  ``proveedor`` too] (``tipoDoc``, ``numDoc``, ``rznSocial``, ``address``, ``email``,
  ``telephone``); ``regimen``; ``tasa`` (a percentage); ``observacion`` → ``observaciones``.
- ``impRetenido`` [``impPercibido``] and ``impPagado`` [``impCobrado``] → the totals.
- ``details[]`` → ``documents``: ``tipoDoc``, ``numDoc`` → ``numero``, ``fechaEmision``,
  ``impTotal`` → ``importe_total``, ``moneda``, ``fechaRetencion`` [``fechaPercepcion``],
  ``impRetenido`` [``impPercibido``] and ``impPagar`` [``impCobrar``] → the document's amounts
  (a document's single payment takes them), ``tipoCambio`` (``monedaRef``, ``monedaObj``,
  ``factor``, ``fecha``) → ``tipo_cambio``, and ``pagos`` [``cobros``] (``moneda``,
  ``importe``, ``fecha``) → ``payments``.

Greenter computes nothing and checks nothing: Yupana derives what is missing and checks what is
declared (its demo declares 10.00 retained on a payment of 100.00 at 3 %, which SUNAT's server
rejects with 2623; SUNAT's SFS stylesheet does not check that rule). Where Greenter's XML is wrong:

- several ``pagos`` of one document become several ``cac:Payment`` in one
  ``sac:SUNATRetentionDocumentReference``, which SUNAT's XSD forbids (one per reference); Yupana
  writes one reference per payment;
- its ``cac:PostalAddress`` swaps ``cbc:CityName`` (the provincia) and ``cbc:CountrySubentity``
  (the departamento), drops the urbanización, and the receiver's address altogether;
- the ``cac:Signature`` points at ``#GREENTER-SIGN`` while the ``ds:Signature`` it writes has
  ``Id="GreenterSign"``;
- an empty ``nombreComercial`` becomes an empty ``cbc:Name``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Generic

from yupana.dialects.greenter import LENIENCY
from yupana.dialects.greenter.company import read_address, read_issuer
from yupana.dialects.greenter.envelope import document_fields, is_enveloped
from yupana.dialects.json_fields import PLACEHOLDER_DATE, ZERO, Fields
from yupana.domain.agent_documents import AgentFamily, D
from yupana.domain.exchange_rate import PEN, ExchangeRate
from yupana.domain.party import Company
from yupana.domain.problems import Problems
from yupana.domain.receiver import Receiver

_CORRELATIVO = re.compile(r"\d{1,8}")


@dataclass(frozen=True, slots=True)
class GreenterFamily(Generic[D]):
    agent: AgentFamily[D]
    payments_key: str  # "pagos" / "cobros"
    date_key: str  # "fechaRetencion" / "fechaPercepcion"
    amount_key: str  # "impRetenido" / "impPercibido" (document and totals)
    net_key: str  # "impPagar" / "impCobrar" (document)
    total_net_key: str  # "impPagado" / "impCobrado"


def parse(family: GreenterFamily[D], body: object, issuer: Company | None) -> D:
    problems = Problems()
    doc = document_fields(body, problems, LENIENCY, own_key="details")
    serie = doc.text("serie", required=True, upper=True, code="1001")
    correlativo = _correlativo(doc)
    moment = doc.moment("fechaEmision", required=True, missing_code="1010", invalid_code="1009")
    company = read_issuer(doc, issuer, ruc_code="2676", name_code="1037", strip_ruc=True)
    receiver = _receiver(family, doc.object("proveedor", required=True, code=family.agent.receiver_missing))
    documents = [_related(family, entry) for entry in doc.objects("details", required=True, code="2691")]
    if doc.data.get("details") == []:
        doc.error("details must list at least one related document", "details", "2691")
    totals = family.agent.make_totals(
        **{
            family.agent.amount_name: doc.amount(family.amount_key),
            family.agent.net_name: doc.amount(family.total_net_key),
        }
    )
    regimen = doc.code("regimen", width=2) or "01"
    tasa = doc.amount("tasa")
    observaciones = doc.text("observacion")
    problems.raise_if_errors()
    assert company is not None and serie is not None and correlativo is not None and moment is not None
    return family.agent.make_document(
        serie=serie.strip(),
        correlativo=correlativo,
        fecha_emision=moment[0],
        hora_emision=moment[1],
        issuer=company,
        documents=documents,
        regimen=regimen,
        tasa=tasa,
        observaciones=observaciones,
        totals=totals,
        **{family.agent.receiver: receiver},
    )


def enveloped(body: object) -> bool:
    """Whether ``body`` is Lycet's envelope ``{"document": ..., "parameters": ...}``."""
    return is_enveloped(body, "details")


def _correlativo(doc: Fields) -> int | None:
    text = doc.text("correlativo", required=True, code="1001")
    if text is None:
        return None
    digits = text.strip()
    if not _CORRELATIVO.fullmatch(digits) or int(digits) == 0:
        doc.error(f"correlativo must be a number from 1 to 99999999, not {text!r}", "correlativo", "1001")
        return None
    return int(digits)


def _receiver(family: GreenterFamily, fields: Fields | None) -> Receiver:
    if fields is None:
        return Receiver("", "", "")
    where = fields.object("address")
    return Receiver(
        tipo_documento=(fields.text("tipoDoc", required=True, code="2516") or "").strip(),
        numero_documento=(
            fields.text("numDoc", required=True, code=family.agent.receiver_missing) or ""
        ).strip(),
        razon_social=fields.text("rznSocial", required=True, code="2134") or "",
        address=read_address(where, with_local=False) if where is not None else None,
        email=fields.text("email"),
        telefono=fields.text("telephone"),
    )


def _exchange_rate(fields: Fields | None) -> ExchangeRate | None:
    if fields is None:
        return None
    return ExchangeRate(
        factor=fields.amount("factor", required=True, missing_code="2721", invalid_code="2716") or ZERO,
        fecha=fields.day("fecha", invalid_code="2717"),
        moneda_origen=fields.text("monedaRef", upper=True),
        moneda_destino=fields.text("monedaObj", upper=True) or PEN,
    )


def _related(family: GreenterFamily, fields: Fields) -> object:
    moneda = fields.text("moneda", upper=True, invalid_code="2718") or PEN
    return family.agent.make_related(
        tipo_documento=fields.code("tipoDoc", width=2, required=True, code="2691") or "",
        numero=(fields.text("numDoc", required=True, upper=True, code="2693") or "").strip(),
        fecha_emision=fields.day("fechaEmision", required=True, missing_code="1010", invalid_code="1009")
        or PLACEHOLDER_DATE,
        importe_total=fields.amount("impTotal", required=True, missing_code="2695", invalid_code="2696")
        or ZERO,
        moneda=moneda.strip(),
        payments=[_payment(family, entry) for entry in fields.objects(family.payments_key)],
        tipo_cambio=_exchange_rate(fields.object("tipoCambio")),
        **{
            family.agent.date_name: fields.day(family.date_key),
            family.agent.amount_name: fields.amount(family.amount_key),
            family.agent.net_name: fields.amount(family.net_key),
        },
    )


def _payment(family: GreenterFamily, fields: Fields) -> object:
    return family.agent.make_payment(
        fecha=fields.day("fecha", required=True, code=family.agent.payment_date_missing) or PLACEHOLDER_DATE,
        importe=fields.amount("importe", required=True, code=family.agent.payment_amount_missing) or ZERO,
        moneda=fields.text("moneda", upper=True),
    )


# -- paths --------------------------------------------------------------------------------------

_ISSUER = {
    "issuer": "company",
    "issuer.ruc": "company.ruc",
    "issuer.razon_social": "company.razonSocial",
    "issuer.nombre_comercial": "company.nombreComercial",
    "issuer.email": "company.email",
    "issuer.telefono": "company.telephone",
}
_ADDRESS = {
    "direccion": "direccion",
    "ubigeo": "ubigueo",
    "departamento": "departamento",
    "provincia": "provincia",
    "distrito": "distrito",
    "urbanizacion": "urbanizacion",
    "codigo_pais": "codigoPais",
    "codigo_establecimiento": "codLocal",
}
_RECEIVER = {
    "tipo_documento": "tipoDoc",
    "numero_documento": "numDoc",
    "razon_social": "rznSocial",
    "email": "email",
    "telefono": "telephone",
}
_RATE = {"factor": "factor", "fecha": "fecha", "moneda_origen": "monedaRef", "moneda_destino": "monedaObj"}
_DOCUMENT = {
    "tipo_documento": "tipoDoc",
    "numero": "numDoc",
    "fecha_emision": "fechaEmision",
    "importe_total": "impTotal",
    "moneda": "moneda",
}
_RELATED = re.compile(r"documents\[(\d+)\](?:\.(\w+)(?:\[(\d+)\])?(?:\.(\w+)(?:\.(\w+))?)?)?")


def translate_path(family: GreenterFamily, domain_path: str, body: object = None) -> str:
    """The Lycet path of a field named by its domain path (``documents[0].payments[1].importe``
    → ``details[0].pagos[1].importe``); with the request ``body``, paths of an enveloped request
    start with ``document.``. A path it does not know comes back unchanged."""
    translated = _translate(family, domain_path)
    if translated is None:
        return domain_path
    return f"document.{translated}" if enveloped(body) else translated


def _translate(family: GreenterFamily, path: str) -> str | None:
    header = {
        "serie": "serie",
        "correlativo": "correlativo",
        "fecha_emision": "fechaEmision",
        "regimen": "regimen",
        "tasa": "tasa",
        "observaciones": "observacion",
        "documents": "details",
        f"totals.{family.agent.amount_name}": family.amount_key,
        f"totals.{family.agent.net_name}": family.total_net_key,
        **_ISSUER,
    }
    if path in header:
        return header[path]
    head, _, rest = path.partition(".")
    if head == "issuer" and rest.startswith("address"):
        name = rest.partition(".")[2]
        return "company.address" + (f".{_ADDRESS[name]}" if name in _ADDRESS else "")
    if head == family.agent.receiver:
        if not rest:
            return "proveedor"
        if rest in _RECEIVER:
            return f"proveedor.{_RECEIVER[rest]}"
        if rest.startswith("address"):
            name = rest.partition(".")[2]
            return "proveedor.address" + (f".{_ADDRESS[name]}" if name in _ADDRESS else "")
        return None
    match = _RELATED.fullmatch(path)
    if match is None:
        return None
    return _related_path(family, *match.groups())


def _related_path(
    family: GreenterFamily,
    index: str,
    name: str | None,
    position: str | None,
    field: str | None,
    sub: str | None,
) -> str | None:
    base = f"details[{index}]"
    own = {
        family.agent.date_name: family.date_key,
        family.agent.amount_name: family.amount_key,
        family.agent.net_name: family.net_key,
    }
    if name is None:
        return base
    if name == "tipo_cambio":
        return f"{base}.tipoCambio" + (f".{_RATE[field]}" if field in _RATE else "")
    if name in own and position is None:
        return f"{base}.{own[name]}"
    if name != "payments":
        return f"{base}.{_DOCUMENT[name]}" if name in _DOCUMENT and position is None else None
    payments = f"{base}.{family.payments_key}"
    if position is None:
        return payments
    if field is None or field in ("fecha", "importe", "moneda"):
        return f"{payments}[{position}]" + (f".{field}" if field else "")
    if field in own:  # Greenter has no amounts, date or rate per payment: the document's
        return f"{base}.{own[field]}"
    if field == "tipo_cambio":
        return f"{base}.tipoCambio" + (f".{_RATE[sub]}" if sub in _RATE else "")
    return f"{payments}[{position}]"
