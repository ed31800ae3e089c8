"""Facturador PRO's lifecycle endpoints on the server: what happens to a document after it is issued.

* ``POST /api/documents/send`` — a factura or F-note (group 01) still registered is sent now;
* ``POST /api/documents/status`` — a sales document's state, by ``external_id`` or ``serie_number``;
* ``GET /api/documents/lists`` and ``/api/documents/lists/{start}/{end}`` — sales documents;
* ``POST /api/summaries`` — the resumen diario of a date's boletas (``codigo_tipo_proceso`` "1"), or
  the voiding of boletas (``"3"`` with ``documentos``); ``POST /api/summaries/status``;
* ``POST /api/voided`` — the comunicación de baja of facturas and F-notes; ``POST /api/voided/status``;
* ``GET /downloads/summary/…`` and ``/downloads/voided/…`` — the RC's and RA's XML and CDR.

Bodies and answers have Facturador PRO's shapes (``docs/dialect-facturadorpro.md``); errors its
envelope with a 4xx status. Summaries and bajas are sent by the worker: their answer carries the
``external_id`` at once and ``ticket`` ``null``; the ticket, and SUNAT's answer, are read with the
status endpoints.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from yupana.api.auth import current_company
from yupana.api.bodies import read_json
from yupana.api.errors import ApiError
from yupana.api.facturadorpro import (
    DOWNLOAD_TYPES,
    _in_envelope,
    download_link,
    number_to_letter,
    qr_image,
    stored_file,
)
from yupana.api.idempotency import idempotent
from yupana.domain.problems import InvalidDocument, Problem
from yupana.jobs.worker import Services
from yupana.service.company_builders import CompanyNotReady
from yupana.service.lifecycle import goes_in_summary
from yupana.service.summaries import CreatedBatch
from yupana.service.voiding import VoidItem, communication_of
from yupana.store.database import session_scope
from yupana.store.models import Document, DocumentState
from yupana.store.repositories import (
    MAX_LIST_LIMIT,
    DocumentFilter,
    DocumentRepository,
    StateConflict,
    TokenIdentity,
)

SALES_TYPES = ("01", "03", "07", "08")
TYPE_DESCRIPTIONS = {
    "01": "FACTURA ELECTRÓNICA",
    "03": "BOLETA DE VENTA ELECTRÓNICA",
    "07": "NOTA DE CRÉDITO",
    "08": "NOTA DE DÉBITO",
}
LAST_DOCUMENTS = 50
FECHA = "fecha_de_emision_de_documentos"
PROCESO = "codigo_tipo_proceso"
DOCUMENTOS = "documentos"
MOTIVO = "motivo_anulacion"
TYPE_KEY = "codigo_tipo_documento"
NOT_REGISTERED = "El documento con código externo {}, no se encuentra registrado."
NOT_SENDABLE = "El tipo de documento {} es inválido, no es posible enviar."
NOT_FOUND_OR_DATE = "El código externo {} no fue encontrado o la fecha indica no corresponde al documento."
NO_DOCUMENTS = "No se enviaron documentos para la anulación."
LIMA = ZoneInfo("America/Lima")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SERIE_NUMBER = re.compile(r"([A-Za-z0-9]{1,20})-(\d{1,10})")
# SUNAT's getStatus statusCode: 0 processed, 98 in process, 99 processed with errors.
STATUS_ACCEPTED, STATUS_IN_PROCESS, STATUS_REJECTED = 0, 98, 99


@dataclass(frozen=True, slots=True)
class BatchKind:
    """A communication Facturador PRO keeps apart: summaries (RC) or bajas (RA)."""

    tipo: str
    model: str  # its download model: /downloads/{model}/…
    name: str

    @property
    def route_name(self) -> str:
        return f"facturadorpro_download_{self.model}"


SUMMARY = BatchKind("RC", "summary", "resumen diario")
VOIDED = BatchKind("RA", "voided", "comunicación de baja")


# -- reading the body -------------------------------------------------------------------------
async def _object_body(request: Request) -> dict[str, Any]:
    body = await read_json(request, request.app.state.settings.max_body_bytes)
    if not isinstance(body, Mapping):
        raise ApiError.single(422, "the body must be a JSON object", "")
    return dict(body)


def _text(body: Mapping[str, Any], key: str) -> str | None:
    """The value of ``key`` as text (numbers are read as their digits); None when absent or empty."""
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ApiError.single(422, f"{key} must be text, not {type(value).__name__}", key)
    text = str(value).strip()
    return text or None


def _iso_date(value: object, path: str) -> date:
    if value is None or value == "":
        raise ApiError.single(422, f"{path} is required: a date YYYY-MM-DD", path)
    text = value.strip() if isinstance(value, str) else ""
    if not _ISO_DATE.fullmatch(text):
        raise ApiError.single(422, f"{path} must be a date YYYY-MM-DD, not {value!r}", path)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ApiError.single(422, f"{path}: {text} is not a date of the calendar", path) from None


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


# -- what is said about a document ------------------------------------------------------------
def _money(value: Decimal | None) -> str:
    return f"{(value if value is not None else Decimal('0')):.2f}"


def _group(document: Document) -> str:
    """Facturador PRO's group: 01 facturas and their notes, 02 boletas and their notes."""
    return "02" if goes_in_summary(document.tipo_documento, document.serie) else "01"


def _sunat_response(document: Document) -> dict[str, Any] | list[Any]:
    """SUNAT's last word (or the last failure to reach it); ``[]`` when there is none yet."""
    if document.sunat_code is None:
        return []
    description = document.sunat_description
    if description is None and document.last_error:
        description = document.last_error.partition(": ")[2] or document.last_error
    return {
        "code": document.sunat_code,
        "description": description or "",
        "notes": list(document.sunat_notes or []),
    }


def _links(request: Request, document: Document) -> dict[str, str | None]:
    return {
        "xml": download_link(request, "xml", document) if document.xml_blob_key else "",
        "pdf": None,
        "cdr": download_link(request, "cdr", document) if document.cdr_blob_key else "",
    }


def _lima_time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(LIMA).strftime("%Y-%m-%d %H:%M:%S")


# -- lookups ----------------------------------------------------------------------------------
def _find_sale(request: Request, company_id: int, external_id: str) -> Document | None:
    with session_scope(request.app.state.stores.sessions, write=False) as session:
        document = DocumentRepository(session, company_id).get_by_external_id(external_id)
    return document if document is not None and document.tipo_documento in SALES_TYPES else None


def _find_by_number(
    request: Request, company_id: int, tipos: Sequence[str], serie: str, correlativo: int
) -> list[Document]:
    with session_scope(request.app.state.stores.sessions, write=False) as session:
        documents = DocumentRepository(session, company_id)
        found = [documents.get_by_number(tipo, serie, correlativo) for tipo in tipos]
    return [document for document in found if document is not None]


def _reload(request: Request, company_id: int, document_id: int) -> Document | None:
    with session_scope(request.app.state.stores.sessions, write=False) as session:
        return DocumentRepository(session, company_id).get(document_id)


# -- POST /api/documents/send -----------------------------------------------------------------
async def _send(request: Request) -> Response:
    identity: TokenIdentity = await current_company(request)
    body = await _object_body(request)
    external_id = _text(body, "external_id")
    if external_id is None:
        raise ApiError.single(
            422, "external_id is required: the UUID the document's issue answered", "external_id"
        )
    document = await run_in_threadpool(_find_sale, request, identity.company_id, external_id)
    if document is None:
        raise ApiError.single(404, NOT_REGISTERED.format(external_id), "external_id")
    if _group(document) != "01":
        raise ApiError.single(422, NOT_SENDABLE.format(document.tipo_documento), "external_id")
    if document.state == DocumentState.REGISTRADO.value:
        document = await run_in_threadpool(
            _services(request).issuing.send_now, identity.company_id, document.id
        )
    return JSONResponse(
        {
            "success": True,
            "data": {
                "number": document.number,
                "filename": document.file_stem(identity.ruc),
                "external_id": str(document.external_id),
                "state_type_id": document.state,
                "state_type_description": DocumentState(document.state).description,
            },
            "links": {"cdr": _links(request, document)["cdr"]},
            "response": _sunat_response(document),
        }
    )


# -- POST /api/documents/status ---------------------------------------------------------------
def _serie_number(text: str) -> tuple[str, int]:
    match = _SERIE_NUMBER.fullmatch(text.replace(" ", ""))
    if match is None or int(match.group(2)) == 0:
        raise ApiError.single(
            422, f"serie_number must be a series and a number such as F001-1, not {text!r}", "serie_number"
        )
    return match.group(1).upper(), int(match.group(2))


def _requested_type(body: Mapping[str, Any]) -> str | None:
    tipo = _text(body, TYPE_KEY)
    if tipo is None:
        return None
    tipo = tipo.zfill(2)
    if tipo not in SALES_TYPES:
        raise ApiError.single(
            422, f"{TYPE_KEY} {tipo!r}: a sales document is one of {', '.join(SALES_TYPES)}", TYPE_KEY
        )
    return tipo


async def _status_document(request: Request, company_id: int, body: Mapping[str, Any]) -> Document:
    external_id = _text(body, "external_id")
    serie_number = _text(body, "serie_number")
    tipo = _requested_type(body)
    number = _serie_number(serie_number) if serie_number is not None else None
    if external_id is not None:
        document = await run_in_threadpool(_find_sale, request, company_id, external_id)
        if document is None:
            raise ApiError.single(404, NOT_REGISTERED.format(external_id), "external_id")
        if number is not None and (document.serie.upper(), document.correlativo) != number:
            raise ApiError.single(
                422,
                f"the document {external_id} is {document.number}, not {serie_number}",
                "serie_number",
            )
        if tipo is not None and document.tipo_documento != tipo:
            raise ApiError.single(
                422, f"the document {external_id} is of type {document.tipo_documento}, not {tipo}", TYPE_KEY
            )
        return document
    if number is None:
        raise ApiError.single(422, "serie_number (such as F001-1) or external_id is required", "serie_number")
    serie, correlativo = number
    tipos = (tipo,) if tipo is not None else SALES_TYPES
    found = await run_in_threadpool(_find_by_number, request, company_id, tipos, serie, correlativo)
    if not found:
        raise ApiError.single(404, f"No se encontró el documento {serie}-{correlativo}.", "serie_number")
    if len(found) > 1:
        kinds = ", ".join(document.tipo_documento for document in found)
        raise ApiError.single(
            422,
            f"{serie}-{correlativo} names more than one document (types {kinds}): send its external_id, "
            f"or {TYPE_KEY}",
            "serie_number",
        )
    return found[0]


async def _status(request: Request) -> Response:
    identity: TokenIdentity = await current_company(request)
    body = await _object_body(request)
    document = await _status_document(request, identity.company_id, body)
    return JSONResponse(
        {
            "success": True,
            "data": {
                "number": document.number,
                "filename": document.file_stem(identity.ruc),
                "external_id": str(document.external_id),
                "status_id": document.state,
                "status": DocumentState(document.state).description,
                "qr": qr_image(identity.ruc, document),
                "number_to_letter": number_to_letter(document.importe_total),
            },
            "links": _links(request, document),
        }
    )


# -- GET /api/documents/lists -----------------------------------------------------------------
def _query_int(request: Request, key: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(key)
    if raw is None:
        return default
    if not raw.strip().isdigit() or not low <= int(raw) <= high:
        raise ApiError.single(422, f"{key} must be a whole number from {low} to {high}, not {raw!r}", key)
    return int(raw)


def _list_sales(
    request: Request, company_id: int, start: date | None, end: date | None, limit: int, offset: int
) -> tuple[list[Document], int]:
    where = DocumentFilter(date_from=start, date_to=end, tipos=SALES_TYPES)
    with session_scope(request.app.state.stores.sessions, write=False) as session:
        documents = DocumentRepository(session, company_id)
        rows = documents.list(where, limit=limit, offset=offset, newest_inserted_first=True)
        return rows, documents.count(where)


def _list_row(request: Request, ruc: str, document: Document) -> dict[str, Any]:
    state = DocumentState(document.state)
    links = _links(request, document)
    return {
        "id": document.id,
        "group_id": _group(document),
        "number": document.number,
        "date_of_issue": document.issue_date.strftime("%d-%m-%Y"),
        "customer_name": document.customer_nombre,
        "customer_number": document.customer_numero_documento,
        "currency_type_id": document.currency,
        "total_exportation": _money(document.total_exportacion),
        "total_free": _money(document.total_gratuitas),
        "total_unaffected": _money(document.total_inafectas),
        "total_exonerated": _money(document.total_exoneradas),
        "total_taxed": _money(document.total_gravadas),
        "total_igv": _money(document.total_igv),
        "total": _money(document.importe_total),
        "state_type_id": state.value,
        "state_type_description": state.description,
        "document_type_id": document.tipo_documento,
        "document_type_description": TYPE_DESCRIPTIONS[document.tipo_documento],
        "external_id": str(document.external_id),
        "filename": document.file_stem(ruc),
        "has_xml": bool(links["xml"]),
        "has_pdf": False,
        "has_cdr": bool(links["cdr"]),
        "download_xml": links["xml"],
        "download_pdf": None,
        "download_cdr": links["cdr"],
        "created_at": _lima_time(document.created_at),
    }


async def _lists(request: Request, start: str | None = None, end: str | None = None) -> Response:
    identity: TokenIdentity = await current_company(request)
    first = _iso_date(start, "start") if start is not None else None
    last = _iso_date(end, "end") if end is not None else None
    if first is not None and last is not None and first > last:
        raise ApiError.single(422, f"the range starts ({first}) after it ends ({last})", "start")
    default = LAST_DOCUMENTS if first is None else MAX_LIST_LIMIT
    limit = _query_int(request, "limit", default, 1, MAX_LIST_LIMIT)
    offset = _query_int(request, "offset", 0, 0, 10**9)
    rows, total = await run_in_threadpool(
        _list_sales, request, identity.company_id, first, last, limit, offset
    )
    return JSONResponse(
        {
            "data": [_list_row(request, identity.ruc, document) for document in rows],
            "meta": {"total": total, "limit": limit, "offset": offset},
        }
    )


# -- POST /api/summaries and /api/voided ------------------------------------------------------
def _process(body: Mapping[str, Any]) -> str:
    """``codigo_tipo_proceso``: "1" or "3"; the numbers 1 and 3 are read as those strings."""
    value = body.get(PROCESO)
    if value is None or value == "":
        raise ApiError.single(
            422, f'{PROCESO} is required: "1" (resumen diario) or "3" (voiding boletas)', PROCESO
        )
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if text not in ("1", "3"):
        raise ApiError.single(
            422,
            f'{PROCESO} {value!r}: send "1" (the resumen diario of the date\'s boletas) or "3" '
            f"(voiding the boletas in {DOCUMENTOS})",
            PROCESO,
        )
    return text


def _void_items(body: Mapping[str, Any]) -> list[VoidItem]:
    raw = body.get(DOCUMENTOS)
    if raw is None or raw == []:
        raise ApiError.single(422, NO_DOCUMENTS, DOCUMENTOS)
    if not isinstance(raw, list):
        raise ApiError.single(422, f"{DOCUMENTOS} must be a list of {{external_id, {MOTIVO}}}", DOCUMENTOS)
    problems: list[Problem] = []
    items: list[VoidItem] = []
    for index, item in enumerate(raw):
        here = f"{DOCUMENTOS}[{index}]"
        if not isinstance(item, Mapping):
            problems.append(Problem(f"each document is an object {{external_id, {MOTIVO}}}", here))
            continue
        external_id = item.get("external_id")
        motivo = item.get(MOTIVO)
        if not isinstance(external_id, str) or not external_id.strip():
            problems.append(Problem("external_id is required: the document's UUID", f"{here}.external_id"))
        if not isinstance(motivo, str) or not motivo.strip():
            problems.append(Problem(f"{MOTIVO} is required: why the document is voided", f"{here}.{MOTIVO}"))
        if isinstance(external_id, str) and isinstance(motivo, str):
            items.append(VoidItem(external_id.strip(), motivo.strip()))
    if problems:
        raise InvalidDocument(problems)
    return items


def _check_items(
    request: Request, company_id: int, items: Sequence[VoidItem], issued: date, family: str
) -> None:
    """Facturador PRO's rule: each document is of the right group and issued on ``issued``."""
    problems: list[Problem] = []
    with session_scope(request.app.state.stores.sessions, write=False) as session:
        documents = DocumentRepository(session, company_id)
        for index, item in enumerate(items):
            document = documents.get_by_external_id(item.external_id)
            if (
                document is None
                or document.tipo_documento not in SALES_TYPES
                or document.issue_date != issued
                or communication_of(document) != family
            ):
                problems.append(
                    Problem(NOT_FOUND_OR_DATE.format(item.external_id), f"{DOCUMENTOS}[{index}].external_id")
                )
    if problems:
        raise InvalidDocument(problems)


def _pro_path(problem: Problem) -> Problem:
    """The voiding service names the reason ``motivo``; Facturador PRO's key is ``motivo_anulacion``."""
    if problem.path.endswith(".motivo"):
        return Problem(problem.message, f"{problem.path}_anulacion", problem.code, problem.severity)
    return problem


def _void(request: Request, company_id: int, items: Sequence[VoidItem]) -> list[CreatedBatch]:
    try:
        return _services(request).voiding.void(company_id, items, path=DOCUMENTOS)
    except InvalidDocument as exc:
        raise InvalidDocument([_pro_path(p) for p in exc.errors], exc.warnings) from None


def _summarise(request: Request, company_id: int, issued: date) -> list[CreatedBatch]:
    created = _services(request).summaries.create(company_id, issued, asked=True)
    if not created:
        raise ApiError.single(
            422,
            f"No hay boletas ni notas de boleta por informar con fecha de emisión {issued.isoformat()} "
            "(registered, not yet in a resumen diario; those of a rejected summary wait for their next "
            "attempt)",
            FECHA,
        )
    return created


def _queue(request: Request, created: Sequence[CreatedBatch]) -> None:
    queue = _services(request).queue
    for batch in created:
        queue.send(batch.document_id)


def _created_answer(created: Sequence[CreatedBatch]) -> JSONResponse:
    first = created[0]
    data: dict[str, Any] = {"external_id": first.external_id, "ticket": None}
    if len(created) > 1:
        data["summaries"] = [
            {"external_id": batch.external_id, "identifier": batch.identifier} for batch in created
        ]
    return JSONResponse({"success": True, "data": data})


async def _in_threadpool_ready(call: Any, *args: Any) -> Any:
    """``call`` in a thread; a company without a certificate, or documents another request (or
    the worker's automatic summary) took in the meantime, answer 409."""
    try:
        return await run_in_threadpool(call, *args)
    except CompanyNotReady as exc:
        raise ApiError.single(409, exc.message, "") from None
    except StateConflict:
        raise ApiError.single(
            409, "some of these documents were just taken by another summary or baja; ask again", ""
        ) from None


async def _summaries(request: Request) -> Response:
    identity: TokenIdentity = await current_company(request)
    body = await _object_body(request)

    async def answer() -> Response:
        issued = _iso_date(body.get(FECHA), FECHA)
        process = _process(body)
        if process == "1":
            if body.get(DOCUMENTOS):
                raise ApiError.single(
                    422,
                    f'{DOCUMENTOS} is read only with {PROCESO} "3" (voiding); "1" reports every boleta '
                    "of the date that waits",
                    DOCUMENTOS,
                )
            created = await _in_threadpool_ready(_summarise, request, identity.company_id, issued)
        else:
            items = _void_items(body)
            await run_in_threadpool(_check_items, request, identity.company_id, items, issued, SUMMARY.tipo)
            created = await _in_threadpool_ready(_void, request, identity.company_id, items)
        await run_in_threadpool(_queue, request, created)
        return _created_answer(created)

    return await idempotent(request, identity.company_id, body, answer)


async def _voided(request: Request) -> Response:
    identity: TokenIdentity = await current_company(request)
    body = await _object_body(request)

    async def answer() -> Response:
        issued = _iso_date(body.get(FECHA), FECHA)
        items = _void_items(body)
        await run_in_threadpool(_check_items, request, identity.company_id, items, issued, VOIDED.tipo)
        created = await _in_threadpool_ready(_void, request, identity.company_id, items)
        await run_in_threadpool(_queue, request, created)
        return _created_answer(created)

    return await idempotent(request, identity.company_id, body, answer)


# -- POST /api/summaries/status and /api/voided/status ----------------------------------------
def _find_batch(
    request: Request, company_id: int, kind: BatchKind, external_id: str | None, ticket: str | None
) -> Document | None:
    with session_scope(request.app.state.stores.sessions, write=False) as session:
        if external_id is not None:
            document = DocumentRepository(session, company_id).get_by_external_id(external_id)
            return document if document is not None and document.tipo_documento == kind.tipo else None
        if ticket is None:
            return None
        return DocumentRepository(session, company_id).get_by_ticket(kind.tipo, ticket)


def _nudge(request: Request, company_id: int, document: Document) -> Document:
    """A batch not answered yet: sent now when it is due, or its ticket asked about when due
    (the worker does both anyway; this only saves the caller the wait)."""
    lifecycle = _services(request).issuing.lifecycle
    if document.state == DocumentState.REGISTRADO.value:
        step = lifecycle.send(document.id)
    elif document.state == DocumentState.ENVIADO.value and document.ticket:
        step = lifecycle.poll(document.id)
    else:
        return document
    if step is not None:
        _services(request).queue.schedule(step)
    return _reload(request, company_id, document.id) or document


def _batch_link(request: Request, kind: BatchKind, file: str, document: Document) -> str:
    return str(request.url_for(kind.route_name, kind=file, external_id=str(document.external_id)))


def _batch_response(kind: BatchKind, document: Document) -> dict[str, Any]:
    state = DocumentState(document.state)
    identifier = f"{document.tipo_documento}-{document.serie}-{document.correlativo}"
    accepted = state in (DocumentState.ACEPTADO, DocumentState.OBSERVADO)
    notes = list(document.sunat_notes or [])
    if accepted or state is DocumentState.RECHAZADO:
        return {
            "sent": True,
            "code": document.sunat_code,
            "description": document.sunat_description or "",
            "notes": notes,
            "is_accepted": accepted,
            "status_code": STATUS_ACCEPTED if accepted else STATUS_REJECTED,
        }
    if state is DocumentState.ENVIADO and document.ticket:
        description = f"El {kind.name} {identifier} está en proceso en SUNAT (ticket {document.ticket})"
        code: str | None = str(STATUS_IN_PROCESS)
        status: int | None = STATUS_IN_PROCESS
        sent = True
    elif state is DocumentState.ENVIADO:
        description = f"El {kind.name} {identifier} se está enviando a SUNAT"
        code, status, sent = None, None, False
    else:
        error = document.last_error.partition(": ")[2] if document.last_error else ""
        description = (
            f"El {kind.name} {identifier} no pudo enviarse aún: {error}; se intentará de nuevo"
            if error
            else f"El {kind.name} {identifier} aún no se envía a SUNAT; el servidor lo enviará en breve"
        )
        code, status, sent = document.sunat_code, None, False
    return {
        "sent": sent,
        "code": code,
        "description": description,
        "notes": notes,
        "is_accepted": False,
        "status_code": status,
    }


def _lookup_keys(body: Mapping[str, Any]) -> tuple[str | None, str | None, str]:
    """(external_id, ticket, the key that named it): ``external_id_or_ticket`` is an external_id
    when it is a UUID, a ticket otherwise."""
    external_id = _text(body, "external_id")
    if external_id is not None:
        return external_id, _text(body, "ticket"), "external_id"
    either = _text(body, "external_id_or_ticket")
    if either is not None:
        try:
            uuid.UUID(either)
        except ValueError:
            return None, either, "external_id_or_ticket"
        return either, None, "external_id_or_ticket"
    ticket = _text(body, "ticket")
    if ticket is not None:
        return None, ticket, "ticket"
    raise ApiError.single(422, "external_id or ticket is required", "external_id")


async def _batch_status(request: Request, kind: BatchKind) -> Response:
    identity: TokenIdentity = await current_company(request)
    body = await _object_body(request)
    external_id, ticket, key = _lookup_keys(body)
    document = await run_in_threadpool(
        _find_batch, request, identity.company_id, kind, external_id, ticket if external_id is None else None
    )
    if document is None:
        shown = external_id if external_id is not None else ticket
        raise ApiError.single(404, f"No se encontró el {kind.name} {shown}.", key)
    if external_id is not None and ticket is not None and document.ticket and document.ticket != ticket:
        raise ApiError.single(
            422, f"the {kind.name} {external_id} has the ticket {document.ticket}, not {ticket}", "ticket"
        )
    if document.state in (DocumentState.REGISTRADO.value, DocumentState.ENVIADO.value):
        document = await run_in_threadpool(_nudge, request, identity.company_id, document)
    state = DocumentState(document.state)
    return JSONResponse(
        {
            "success": True,
            "data": {
                "filename": document.file_stem(identity.ruc),
                "external_id": str(document.external_id),
                "ticket": document.ticket,
                "state_type_id": state.value,
                "state_type_description": state.description,
            },
            "links": {
                "xml": _batch_link(request, kind, "xml", document) if document.xml_blob_key else "",
                "cdr": _batch_link(request, kind, "cdr", document) if document.cdr_blob_key else "",
            },
            "response": _batch_response(kind, document),
        }
    )


# -- GET /downloads/{summary|voided}/{xml|cdr}/{external_id} ----------------------------------
async def _batch_download(request: Request, kind: BatchKind, file: str, external_id: str) -> Response:
    identity: TokenIdentity = await current_company(request)
    if file not in DOWNLOAD_TYPES:
        raise ApiError.single(404, f"unknown file type {file!r}; one of: {', '.join(DOWNLOAD_TYPES)}", "type")
    document = await run_in_threadpool(_find_batch, request, identity.company_id, kind, external_id, None)
    if document is None:
        raise ApiError.single(404, f"No se encontró el {kind.name} {external_id}.", "external_id")
    return await stored_file(request, identity.ruc, document, file, f"the {kind.name} {external_id}")


def _add_batch_routes(api: APIRouter, batch: BatchKind, path: str) -> None:
    async def status(request: Request) -> Response:
        return await _in_envelope(_batch_status(request, batch))

    async def download(request: Request, kind: str, external_id: str) -> Response:
        return await _in_envelope(_batch_download(request, batch, kind, external_id))

    api.add_api_route(
        f"{path}/status",
        status,
        methods=["POST"],
        summary=f"The state of a {batch.name} and SUNAT's answer (asks SUNAT now when due)",
        response_model=None,
    )
    api.add_api_route(
        f"/downloads/{batch.model}/{{kind}}/{{external_id}}",
        download,
        methods=["GET"],
        name=batch.route_name,
        summary=f"A {batch.name}'s signed XML or CDR (Facturador PRO's download link)",
        response_model=None,
    )


def router() -> APIRouter:
    api = APIRouter(tags=["facturadorpro"])

    @api.post(
        "/api/documents/send",
        summary="Send a registered factura or F-note (group 01) to SUNAT now",
        response_model=None,
    )
    async def send(request: Request) -> Response:
        return await _in_envelope(_send(request))

    @api.post(
        "/api/documents/status",
        summary="A sales document's state, by external_id or serie_number",
        response_model=None,
    )
    async def status(request: Request) -> Response:
        return await _in_envelope(_status(request))

    @api.get("/api/documents/lists", summary="The last 50 sales documents", response_model=None)
    async def lists(request: Request) -> Response:
        return await _in_envelope(_lists(request))

    @api.get(
        "/api/documents/lists/{start}/{end}",
        summary="The sales documents issued from start to end (YYYY-MM-DD)",
        response_model=None,
    )
    async def lists_between(request: Request, start: str, end: str) -> Response:
        return await _in_envelope(_lists(request, start, end))

    @api.post(
        "/api/summaries",
        summary="The resumen diario of a date's boletas (1), or the voiding of boletas (3)",
        response_model=None,
    )
    async def summaries(request: Request) -> Response:
        return await _in_envelope(_summaries(request))

    @api.post(
        "/api/voided",
        summary="The comunicación de baja of facturas and their notes",
        response_model=None,
    )
    async def voided(request: Request) -> Response:
        return await _in_envelope(_voided(request))

    _add_batch_routes(api, SUMMARY, "/api/summaries")
    _add_batch_routes(api, VOIDED, "/api/voided")
    return api
