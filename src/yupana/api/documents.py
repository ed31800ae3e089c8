"""The native API's documents: issue (``POST /v1/documents``: facturas, boletas, notes, retentions,
perceptions, guías), read, list, download XML and CDR."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from yupana.api.auth import current_company
from yupana.api.bodies import read_json
from yupana.api.errors import ApiError
from yupana.api.idempotency import idempotent
from yupana.service.issuing import CompanyNotReady, IssueResult, Issuing
from yupana.store.database import session_scope
from yupana.store.models import Document, DocumentState
from yupana.store.repositories import MAX_LIST_LIMIT, DocumentFilter, DocumentRepository, TokenIdentity

Identity = Annotated[TokenIdentity, Depends(current_company)]
STATES = tuple(state.value for state in DocumentState)


def _money(value: Any) -> str:
    return f"{value:.2f}"


def document_view(document: Document, prefix: str = "/v1/documents") -> dict[str, Any]:
    """What the API says about a stored document."""
    base = f"{prefix}/{document.external_id}"
    batch = document.reference_date is not None
    view: dict[str, Any] = {
        "external_id": str(document.external_id),
        "tipo_documento": document.tipo_documento,
        "serie": document.serie,
        "correlativo": document.correlativo,
        "number": f"{document.tipo_documento}-{document.number}" if batch else document.number,
        "fecha_emision": document.issue_date.isoformat(),
        "moneda": document.currency,
        "customer": {
            "tipo_documento": document.customer_tipo_documento,
            "numero_documento": document.customer_numero_documento,
            "razon_social": document.customer_nombre,
        },
        "totals": {
            "gravadas": _money(document.total_gravadas),
            "exoneradas": _money(document.total_exoneradas),
            "inafectas": _money(document.total_inafectas),
            "exportacion": _money(document.total_exportacion),
            "gratuitas": _money(document.total_gratuitas),
            "igv": _money(document.total_igv),
            "isc": _money(document.total_isc),
            "icbper": _money(document.total_icbper),
            "importe_total": _money(document.importe_total),
        },
        "state": document.state,
        "state_description": DocumentState(document.state).description,
        "hash": document.hash,
        "sunat": {
            "code": document.sunat_code,
            "description": document.sunat_description,
            "notes": list(document.sunat_notes or []),
            "ticket": document.ticket,
        },
        "sending": {
            "attempts": document.attempts,
            "next_attempt_at": document.next_attempt_at.isoformat() if document.next_attempt_at else None,
            "last_error": document.last_error,
        },
        "links": {
            "self": base,
            "events": f"{base}/events",
            "xml": f"{base}/xml" if document.xml_blob_key else None,
            "cdr": f"{base}/cdr" if document.cdr_blob_key else None,
        },
    }
    if document.qr_url:  # the guía's consultation link, from SUNAT's GRE CDR
        view["qr_url"] = document.qr_url
    if batch:
        view["fecha_referencia"] = document.reference_date.isoformat()  # type: ignore[union-attr]
        view["links"]["lines"] = f"{base}/lines"
    return view


def _issuing(request: Request) -> Issuing:
    return request.app.state.issuing


def _find(request: Request, identity: TokenIdentity, external_id: str) -> Document:
    with session_scope(request.app.state.stores.sessions, write=False) as session:
        document = DocumentRepository(session, identity.company_id).get_by_external_id(external_id)
    if document is None:
        raise ApiError.single(404, f"no document {external_id}", "external_id")
    return document


def router() -> APIRouter:
    api = APIRouter(prefix="/v1/documents", tags=["documents"])

    @api.post(
        "", status_code=201, summary="Issue a document of any family: sale, 20, 40, 09, 31 (native JSON)"
    )
    async def issue(request: Request, identity: Identity) -> Response:
        body = await read_json(request, request.app.state.settings.max_body_bytes)

        async def answer() -> Response:
            try:
                result: IssueResult = await run_in_threadpool(
                    lambda: _issuing(request).issue(
                        identity.company_id, body, establishment_id=identity.establishment_id
                    )
                )
            except CompanyNotReady as exc:
                raise ApiError.single(409, exc.message, "") from None
            view = document_view(result.document)
            view["created"] = result.created
            view["warnings"] = [problem.as_dict() for problem in result.warnings]
            return JSONResponse(view, status_code=201 if result.created else 200)

        return await idempotent(request, identity.company_id, body, answer)

    @api.get("", summary="List the company's documents, newest first")
    def list_documents(
        request: Request,
        identity: Identity,
        date_from: Annotated[date | None, Query(description="issue date from (inclusive)")] = None,
        date_to: Annotated[date | None, Query(description="issue date to (inclusive)")] = None,
        tipo_documento: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
        serie: Annotated[str | None, Query(max_length=20)] = None,
        state: Annotated[list[str] | None, Query(description="state codes: " + ", ".join(STATES))] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIST_LIMIT)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        if state is not None:
            unknown = [value for value in state if value not in STATES]
            if unknown:
                raise ApiError.single(
                    422, f"unknown state {unknown[0]!r}; one of {', '.join(STATES)}", "state"
                )
        where = DocumentFilter(
            date_from=date_from, date_to=date_to, tipo_documento=tipo_documento, serie=serie, states=state
        )
        with session_scope(request.app.state.stores.sessions, write=False) as session:
            documents = DocumentRepository(session, identity.company_id)
            total = documents.count(where)
            rows = documents.list(where, limit=limit, offset=offset)
        return {
            "total": total,
            "limit": limit,
            "offset": offset,
            "data": [document_view(row) for row in rows],
        }

    @api.get("/{external_id}", summary="One document")
    def get_document(request: Request, identity: Identity, external_id: str) -> dict[str, Any]:
        return document_view(_find(request, identity, external_id))

    @api.get("/{external_id}/xml", summary="The signed XML", response_class=Response)
    def get_xml(request: Request, identity: Identity, external_id: str) -> Response:
        document = _find(request, identity, external_id)
        if not document.xml_blob_key:
            raise ApiError.single(404, f"document {external_id} has no XML", "external_id")
        data = request.app.state.stores.blobs.get(document.xml_blob_key)
        name = f"{document.file_stem(identity.ruc)}.xml"
        return Response(
            data,
            media_type="application/xml",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @api.get("/{external_id}/cdr", summary="SUNAT's CDR (ZIP)", response_class=Response)
    def get_cdr(request: Request, identity: Identity, external_id: str) -> Response:
        document = _find(request, identity, external_id)
        if not document.cdr_blob_key:
            raise ApiError.single(
                404, f"document {external_id} has no CDR yet (state {document.state})", "external_id"
            )
        data = request.app.state.stores.blobs.get(document.cdr_blob_key)
        name = f"R-{document.file_stem(identity.ruc)}.zip"
        return Response(
            data,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return api
