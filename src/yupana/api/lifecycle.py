"""The native API of the lifecycle with SUNAT: audit trail, sending now, summaries, voids, deadlines.

* ``GET /v1/documents/{external_id}/events`` — every state change with time and SUNAT's answer;
* ``GET /v1/documents/{external_id}/lines`` — the documents an RC, RA or RR carries;
* ``POST /v1/documents/{external_id}/send`` — send (or send again) a document in 01 now;
* ``POST /v1/summaries`` ``{"fecha_emision": "YYYY-MM-DD"}`` — the resumen diario of the boletas
  of a date now, instead of waiting for the automatic one;
* ``POST /v1/voids`` ``{"documents": [{"external_id", "motivo"}]}`` — void accepted documents (RA,
  RC estado 3 or RR, chosen per document);
* ``GET /v1/deadlines?days=N`` — documents close to SUNAT's sending or voiding deadline.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from yupana.api.auth import current_company
from yupana.api.bodies import read_json
from yupana.api.documents import document_view
from yupana.api.errors import ApiError
from yupana.jobs.worker import Services
from yupana.service.deadlines import Deadlines
from yupana.service.lifecycle import BATCH_TYPES, goes_in_summary
from yupana.service.summaries import CreatedBatch
from yupana.service.voiding import VoidItem
from yupana.store.database import session_scope
from yupana.store.models import Document, DocumentState
from yupana.store.outbox import event_view
from yupana.store.repositories import CompanyRepository, DocumentRepository, TokenIdentity

Identity = Annotated[TokenIdentity, Depends(current_company)]


def _services(request: Request) -> Services:
    return request.app.state.services


def _find(request: Request, identity: TokenIdentity, external_id: str) -> Document:
    with session_scope(_services(request).stores.sessions, write=False) as session:
        document = DocumentRepository(session, identity.company_id).get_by_external_id(external_id)
    if document is None:
        raise ApiError.single(404, f"no document {external_id}", "external_id")
    return document


def batch_view(batch: CreatedBatch) -> dict[str, Any]:
    return {
        "external_id": batch.external_id,
        "identifier": batch.identifier,
        "lines": batch.lines,
        "links": {"self": f"/v1/documents/{batch.external_id}"},
    }


def _object(body: object) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise ApiError.single(422, "the body must be a JSON object", "")
    return body


def _date(value: object, path: str) -> date:
    if not isinstance(value, str):
        raise ApiError.single(422, "a date YYYY-MM-DD is required", path)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError.single(422, f"{value!r} is not a date YYYY-MM-DD", path) from None


def router() -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["lifecycle"])

    @api.get("/documents/{external_id}/events", summary="A document's audit trail, oldest first")
    def events(request: Request, identity: Identity, external_id: str) -> dict[str, Any]:
        document = _find(request, identity, external_id)
        with session_scope(_services(request).stores.sessions, write=False) as session:
            trail = DocumentRepository(session, identity.company_id).events(document.id)
            data = [event_view(event) for event in trail]
        return {"external_id": external_id, "data": data}

    @api.get("/documents/{external_id}/lines", summary="The documents an RC, RA or RR reports")
    def lines(request: Request, identity: Identity, external_id: str) -> dict[str, Any]:
        batch = _find(request, identity, external_id)
        if batch.tipo_documento not in BATCH_TYPES:
            raise ApiError.single(404, f"{external_id} is not a summary or a voiding", "external_id")
        with session_scope(_services(request).stores.sessions, write=False) as session:
            rows = DocumentRepository(session, identity.company_id).lines(batch)
            data = [
                {
                    "line": line.line_number,
                    "estado": line.estado,
                    "motivo": line.motivo,
                    "document": document_view(document),
                }
                for line, document in rows
            ]
        return {"external_id": external_id, "data": data}

    @api.post("/documents/{external_id}/send", summary="Send a registered document to SUNAT now")
    async def send(request: Request, identity: Identity, external_id: str) -> dict[str, Any]:
        services = _services(request)
        document = await run_in_threadpool(_find, request, identity, external_id)
        if document.state != DocumentState.REGISTRADO.value:
            state = DocumentState(document.state)
            raise ApiError.single(
                409,
                f"{document.number} is {state.value} {state.description}, not 01 Registrado",
                "external_id",
            )
        with session_scope(services.stores.sessions, write=False) as session:
            company = CompanyRepository(session, services.stores.secrets).get(identity.company_id)
            individually = bool(company and company.boletas_individually)
        if goes_in_summary(document.tipo_documento, document.serie, individually):
            raise ApiError.single(
                409,
                f"{document.number} goes to SUNAT in a resumen diario: POST /v1/summaries",
                "external_id",
            )
        sent = await run_in_threadpool(services.issuing.send_now, identity.company_id, document.id)
        return document_view(sent)

    @api.post("/summaries", status_code=201, summary="The resumen diario of a date's boletas, now")
    async def summaries(request: Request, identity: Identity) -> JSONResponse:
        services = _services(request)
        body = _object(await read_json(request, services.settings.max_body_bytes))
        reference = _date(body.get("fecha_emision"), "fecha_emision")
        created = await run_in_threadpool(
            lambda: services.summaries.create(identity.company_id, reference, asked=True)
        )
        if not created:
            raise ApiError.single(
                422, f"no boleta of {reference.isoformat()} waits for a resumen diario", "fecha_emision"
            )
        for batch in created:
            services.queue.send(batch.document_id)
        return JSONResponse({"data": [batch_view(batch) for batch in created]}, status_code=201)

    @api.post("/voids", status_code=201, summary="Void accepted documents (RA, RC estado 3, RR)")
    async def voids(request: Request, identity: Identity) -> JSONResponse:
        services = _services(request)
        body = _object(await read_json(request, services.settings.max_body_bytes))
        items = body.get("documents")
        if not isinstance(items, list) or not items:
            raise ApiError.single(422, "a list of documents to void is required", "documents")
        parsed: list[VoidItem] = []
        for index, item in enumerate(items):
            if not isinstance(item, Mapping) or not isinstance(item.get("external_id"), str):
                raise ApiError.single(422, "external_id is required", f"documents[{index}].external_id")
            motivo = item.get("motivo")
            if not isinstance(motivo, str):
                raise ApiError.single(422, "motivo is required", f"documents[{index}].motivo", "2315")
            parsed.append(VoidItem(item["external_id"], motivo))
        created = await run_in_threadpool(
            services.voiding.void, identity.company_id, parsed, path="documents"
        )
        for batch in created:
            services.queue.send(batch.document_id)
        return JSONResponse({"data": [batch_view(batch) for batch in created]}, status_code=201)

    @api.get("/deadlines", summary="Documents close to SUNAT's sending or voiding deadline")
    def deadlines(
        request: Request,
        identity: Identity,
        days: Annotated[int, Query(ge=0, le=60, description="deadlines within this many days")] = 2,
    ) -> dict[str, Any]:
        found = Deadlines(_services(request).stores.sessions).report(identity.company_id, days)
        return {"days": days, "data": [item.as_dict() for item in found]}

    return api
