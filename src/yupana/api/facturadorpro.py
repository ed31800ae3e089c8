"""Facturador PRO's API on the server: ``POST /api/documents`` and its download links.

Requests and answers have Facturador PRO's shapes (``docs/dialect-facturadorpro.md``); errors
are in its envelope ``{"success": false, "message": ..., "errors": [...]}`` with a 4xx status.
Tokens are the native API's (``Authorization: Bearer``), downloads included (Facturador PRO's
download links are public; Yupana's are not).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from yupana.api.auth import current_company
from yupana.api.bodies import read_json
from yupana.api.errors import ApiError
from yupana.api.idempotency import idempotent
from yupana.dialects.facturadorpro.actions import parse_actions
from yupana.domain.problems import InvalidDocument, Problem
from yupana.domain.sale import SaleDocument
from yupana.printing.amount_words import integer_in_words
from yupana.printing.qr import qr_payload, qr_png
from yupana.service.issuing import CompanyNotReady, IssueResult, Issuing
from yupana.store.database import session_scope
from yupana.store.models import Document, DocumentState
from yupana.store.repositories import DocumentRepository, TokenIdentity

DIALECT = "facturadorpro"
AFFECTED = "documento_afectado"
REFERENCE_KEYS = ("serie_documento", "numero_documento", "codigo_tipo_documento")
DOWNLOAD_TYPES = {"xml": "application/xml", "cdr": "application/zip"}
_CENT = Decimal("0.01")


def pro_error(status: int, problems: list[Problem], headers: dict[str, str] | None = None) -> JSONResponse:
    """Facturador PRO's error envelope; ``errors`` adds the path and SUNAT code of each problem."""
    message = "; ".join(
        f"{problem.path}: {problem.message}" if problem.path else problem.message for problem in problems
    )
    body = {
        "success": False,
        "message": message or "request refused",
        "errors": [problem.as_dict() for problem in problems],
    }
    return JSONResponse(body, status_code=status, headers=headers)


def number_to_letter(amount: Decimal) -> str:
    """The total in words as Facturador PRO writes it: ``"Ciento dieciocho con 00/100"``."""
    value = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    integer = int(value)
    cents = int((value - integer) * 100)
    return f"{integer_in_words(integer).capitalize()} con {cents:02d}/100"


def qr_image(ruc: str, document: Document) -> str:
    payload = qr_payload(
        ruc,
        document.tipo_documento,
        document.serie,
        document.correlativo,
        document.total_igv,
        document.importe_total,
        document.issue_date,
        document.customer_tipo_documento or "-",
        document.customer_numero_documento or "-",
        document.hash,
    )
    return base64.b64encode(qr_png(payload)).decode("ascii")


def download_link(request: Request, kind: str, document: Document) -> str:
    return str(request.url_for("facturadorpro_download", kind=kind, external_id=str(document.external_id)))


def sunat_response(document: Document) -> dict[str, Any] | list[Any]:
    """Facturador PRO's ``response``: SUNAT's answer, or ``[]`` while there is none (a document
    still in 01, even after a failed attempt, whose code is in the audit trail)."""
    if document.sunat_code is None or document.state == DocumentState.REGISTRADO.value:
        return []
    return {
        "code": document.sunat_code,
        "description": document.sunat_description or "",
        "notes": list(document.sunat_notes or []),
    }


def store_answer(request: Request, ruc: str, document: Document) -> dict[str, Any]:
    """The body Facturador PRO answers ``POST /api/documents`` with."""
    sunat = sunat_response(document)
    return {
        "success": True,
        "data": {
            "number": f"{document.serie}-{document.correlativo}",
            "filename": document.file_stem(ruc),
            "external_id": str(document.external_id),
            "state_type_id": document.state,
            "state_type_description": DocumentState(document.state).description,
            "number_to_letter": number_to_letter(document.importe_total),
            "hash": document.hash,
            "qr": qr_image(ruc, document),
            "id": document.id,
        },
        "links": {
            "xml": download_link(request, "xml", document) if document.xml_blob_key else "",
            "pdf": None,
            "cdr": download_link(request, "cdr", document) if document.cdr_blob_key else "",
        },
        "response": sunat,
    }


def _find(request: Request, company_id: int, external_id: str) -> Document | None:
    with session_scope(request.app.state.stores.sessions, write=False) as session:
        return DocumentRepository(session, company_id).get_by_external_id(external_id)


def resolve_affected(request: Request, company_id: int, body: object) -> object:
    """``body`` with a note's ``documento_afectado.external_id`` replaced by the stored document's
    full reference (type, serie, number), looked up among the company's documents only."""
    if not isinstance(body, Mapping):
        return body
    affected = body.get(AFFECTED)
    if not isinstance(affected, Mapping) or "external_id" not in affected:
        return body
    if all(key in affected for key in REFERENCE_KEYS):
        return body
    external_id = affected.get("external_id")
    if not isinstance(external_id, str) or not external_id.strip():
        return body  # the dialect reports it
    document = _find(request, company_id, external_id.strip())
    if document is None:
        raise InvalidDocument.single(
            f"No se encontró el documento con código externo {external_id}.", f"{AFFECTED}.external_id"
        )
    resolved = dict(body)
    resolved[AFFECTED] = {
        **affected,
        "codigo_tipo_documento": document.tipo_documento,
        "serie_documento": document.serie,
        "numero_documento": document.correlativo,
    }
    return resolved


async def _store(request: Request) -> Response:
    identity: TokenIdentity = await current_company(request)
    body = await read_json(request, request.app.state.settings.max_body_bytes)
    actions = parse_actions(body)
    issuing: Issuing = request.app.state.issuing

    async def answer() -> Response:
        resolved = await run_in_threadpool(resolve_affected, request, identity.company_id, body)
        try:
            result: IssueResult = await run_in_threadpool(
                lambda: issuing.issue(
                    identity.company_id,
                    resolved,
                    DIALECT,
                    send=actions.enviar_xml_firmado,
                    establishment_id=identity.establishment_id,
                    only=(SaleDocument,),  # 20/40/09/31 have their own endpoints
                )
            )
        except CompanyNotReady as exc:
            raise ApiError.single(409, exc.message, "") from None
        return JSONResponse(store_answer(request, identity.ruc, result.document))

    return await idempotent(request, identity.company_id, body, answer)


async def _download(request: Request, kind: str, external_id: str) -> Response:
    identity: TokenIdentity = await current_company(request)
    if kind not in DOWNLOAD_TYPES:
        shown = "the PDF is not available yet" if kind == "pdf" else f"unknown file type {kind!r}"
        raise ApiError.single(404, f"{shown}; one of: {', '.join(DOWNLOAD_TYPES)}", "type")
    document = await run_in_threadpool(_find, request, identity.company_id, external_id)
    if document is None:
        raise ApiError.single(
            404, f"No se encontró el documento con código externo {external_id}.", "external_id"
        )
    return await stored_file(request, identity.ruc, document, kind, f"the document {external_id}")


async def stored_file(request: Request, ruc: str, document: Document, kind: str, what: str) -> Response:
    """A stored document's signed XML or CDR (``kind`` "xml" or "cdr") as a download named as
    SUNAT names it; 404 naming ``what`` when the document has no such file yet."""
    key = document.xml_blob_key if kind == "xml" else document.cdr_blob_key
    if not key:
        raise ApiError.single(404, f"{what} has no {kind.upper()} (state {document.state})", "external_id")
    data = await run_in_threadpool(request.app.state.stores.blobs.get, key)
    stem = document.file_stem(ruc)
    name = f"{stem}.xml" if kind == "xml" else f"R-{stem}.zip"
    return Response(
        data,
        media_type=DOWNLOAD_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def _in_envelope(run: Any) -> Response:
    try:
        return await run
    except ApiError as exc:
        return pro_error(exc.status, exc.problems, exc.headers)
    except InvalidDocument as exc:
        return pro_error(422, list(exc.errors))


def router() -> APIRouter:
    api = APIRouter(tags=["facturadorpro"])

    @api.post(
        "/api/documents",
        summary="Issue a factura, boleta or note (Facturador PRO JSON)",
        response_model=None,
    )
    async def store(request: Request) -> Response:
        return await _in_envelope(_store(request))

    @api.get(
        "/downloads/document/{kind}/{external_id}",
        name="facturadorpro_download",
        summary="A document's signed XML or CDR (Facturador PRO's download link)",
        response_model=None,
    )
    async def download(request: Request, kind: str, external_id: str) -> Response:
        return await _in_envelope(_download(request, kind, external_id))

    return api
