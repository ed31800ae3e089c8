"""Facturador PRO's API for retentions, perceptions and guías de remisión on the server.

* ``POST /api/retentions`` (20) and ``POST /api/perceptions`` (40): stored, signed and sent to
  SUNAT during the request; the answer carries SUNAT's word (``response``);
* ``POST /api/dispatches`` (guía remitente 09) and ``POST /api/dispatch-carrier`` (guía
  transportista 31): stored and signed, not sent (state 01, nothing sends them on its own);
* ``POST /api/dispatches/send`` ``{external_id}``: the guía goes to SUNAT's GRE platform, which
  answers with a ticket (state 03); the job queue then polls it;
* ``POST /api/dispatches/status_ticket`` ``{external_id}``: the ticket is asked about now; while
  SUNAT processes it (98) the guía stays 03 ("La guía aún está en proceso"), then 05/07/09 with
  its CDR;
* ``GET /downloads/{retention|perception|dispatch}/{xml|cdr}/{external_id}``: the files.

Requests and answers have Facturador PRO's shapes (``docs/dialect-facturadorpro.md``); errors are
in its envelope ``{"success": false, "message", "errors"}``. Tokens are the native API's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from yupana.api.auth import current_company
from yupana.api.bodies import read_json
from yupana.api.errors import ApiError
from yupana.api.facturadorpro import DIALECT, _download, _find, _in_envelope, pro_error, sunat_response
from yupana.api.idempotency import idempotent
from yupana.domain.problems import InvalidDocument, Problem
from yupana.service.issuing import CompanyNotReady, IssueResult, Issuing
from yupana.store.models import Document, DocumentState
from yupana.store.repositories import TokenIdentity

RETENTION, PERCEPTION = "20", "40"
REMITENTE, TRANSPORTISTA = "09", "31"
DISPATCH_TYPES = (REMITENTE, TRANSPORTISTA)
NAMES = {
    RETENTION: "comprobantes de retención",
    PERCEPTION: "comprobantes de percepción",
    REMITENTE: "guías de remisión remitente",
    TRANSPORTISTA: "guías de remisión transportista",
}
# Facturador PRO's download "model" of each type.
MODELS = {RETENTION: "retention", PERCEPTION: "perception", REMITENTE: "dispatch", TRANSPORTISTA: "dispatch"}
IN_PROCESS = "La guía aún está en proceso"
TYPE_KEY = "codigo_tipo_documento"


def _type_code(value: object) -> str:
    text = str(value).strip()
    return text.zfill(2) if text.isdigit() and len(text) < 2 else text


def typed_body(body: object, tipo: str) -> object:
    """``body`` as a document of ``tipo``: the endpoint names the type, so a body without
    ``codigo_tipo_documento`` gets it; a body of another type is refused."""
    if not isinstance(body, Mapping):
        return body  # the dialect says what is wrong
    given = body.get(TYPE_KEY)
    if given is None or (isinstance(given, str) and not given.strip()):
        return {**body, TYPE_KEY: tipo}
    if isinstance(given, bool) or _type_code(given) != tipo:
        raise InvalidDocument.single(f"this endpoint issues {NAMES[tipo]} ({tipo}), not {given!r}", TYPE_KEY)
    return body


def _data(ruc: str, document: Document) -> dict[str, Any]:
    return {
        "number": f"{document.serie}-{document.correlativo}",
        "filename": document.file_stem(ruc),
        "external_id": str(document.external_id),
    }


def _link(request: Request, kind: str, document: Document) -> str:
    model = MODELS[document.tipo_documento]
    return str(
        request.url_for(f"facturadorpro_download_{model}", kind=kind, external_id=str(document.external_id))
    )


def _links(request: Request, document: Document) -> dict[str, Any]:
    return {
        "xml": _link(request, "xml", document) if document.xml_blob_key else "",
        "pdf": None,
        "cdr": _link(request, "cdr", document) if document.cdr_blob_key else "",
    }


def agent_answer(request: Request, ruc: str, document: Document) -> dict[str, Any]:
    """The body Facturador PRO answers ``POST /api/retentions`` and ``/api/perceptions`` with
    (``response`` is ``[]`` while SUNAT has not answered)."""
    return {
        "success": True,
        "data": _data(ruc, document),
        "links": _links(request, document),
        "response": sunat_response(document),
    }


async def _issue(request: Request, tipo: str, *, send: bool) -> Response:
    identity: TokenIdentity = await current_company(request)
    body = await read_json(request, request.app.state.settings.max_body_bytes)
    issuing: Issuing = request.app.state.issuing

    async def answer() -> Response:
        typed = typed_body(body, tipo)
        try:
            result: IssueResult = await run_in_threadpool(
                lambda: issuing.issue(
                    identity.company_id,
                    typed,
                    DIALECT,
                    send=send,
                    establishment_id=identity.establishment_id,
                )
            )
        except CompanyNotReady as exc:
            raise ApiError.single(409, exc.message, "") from None
        document = result.document
        if send:
            return JSONResponse(agent_answer(request, identity.ruc, document))
        return JSONResponse({"success": True, "data": _data(identity.ruc, document)})

    return await idempotent(request, identity.company_id, body, answer)


async def _stored_dispatch(request: Request) -> tuple[TokenIdentity, Document]:
    """The company's guía named by the body's ``external_id``."""
    identity: TokenIdentity = await current_company(request)
    body = await read_json(request, request.app.state.settings.max_body_bytes)
    external_id = body.get("external_id") if isinstance(body, Mapping) else None
    if not isinstance(external_id, str) or not external_id.strip():
        raise ApiError.single(422, "external_id is required", "external_id")
    document = await run_in_threadpool(_find, request, identity.company_id, external_id.strip())
    if document is None or document.tipo_documento not in DISPATCH_TYPES:
        raise ApiError.single(
            404, f"No se encontró la guía con código externo {external_id.strip()}.", "external_id"
        )
    return identity, document


def _state_text(document: Document) -> str:
    state = DocumentState(document.state)
    return f"{state.value} {state.description}"


async def _send(request: Request) -> Response:
    identity, document = await _stored_dispatch(request)
    issuing: Issuing = request.app.state.issuing
    number = f"{document.serie}-{document.correlativo}"
    if document.state == DocumentState.REGISTRADO.value:
        document = await run_in_threadpool(issuing.send_now, identity.company_id, document.id)
    elif not (document.state == DocumentState.ENVIADO.value and document.ticket):
        raise ApiError.single(
            422, f"La guía {number} ya fue enviada (estado {_state_text(document)}).", "external_id"
        )
    if document.state == DocumentState.ENVIADO.value and document.ticket:
        return JSONResponse(
            {
                "success": True,
                "message": (
                    f"Se obtuvo el nro. de ticket correctamente. Ticket: {document.ticket}, "
                    f"ID guia: {document.id}"
                ),
            }
        )
    if document.state == DocumentState.ENVIADO.value:
        raise ApiError.single(
            409, f"La guía {number} se está enviando; consulte en unos segundos.", "external_id"
        )
    if document.state != DocumentState.REGISTRADO.value:  # a final answer without a ticket
        return JSONResponse({"success": True, "message": document.sunat_description or _state_text(document)})
    retry = " Se reintentará automáticamente." if document.next_attempt_at else ""
    return pro_error(
        503,
        [
            Problem(
                f"No se pudo enviar la guía {number}: {document.last_error or 'sin respuesta'}.{retry}",
                "external_id",
                document.sunat_code,
            )
        ],
    )


async def _status_ticket(request: Request) -> Response:
    identity, document = await _stored_dispatch(request)
    issuing: Issuing = request.app.state.issuing
    number = f"{document.serie}-{document.correlativo}"
    if document.state == DocumentState.REGISTRADO.value or not document.ticket:
        raise ApiError.single(
            422,
            f"La guía {number} no tiene ticket (estado {_state_text(document)}): "
            "envíela con POST /api/dispatches/send.",
            "external_id",
        )
    if document.state == DocumentState.ENVIADO.value:
        document = await run_in_threadpool(issuing.poll_now, identity.company_id, document.id)
    if document.state == DocumentState.ENVIADO.value:
        message = IN_PROCESS
    else:
        message = document.sunat_description or f"La guía {number}: {_state_text(document)}"
    return JSONResponse(
        {
            "success": True,
            "data": {**_data(identity.ruc, document), "state_type_id": document.state},
            "links": _links(request, document),
            "message": message,
        }
    )


async def _model_download(request: Request, model: str, kind: str, external_id: str) -> Response:
    identity: TokenIdentity = await current_company(request)
    document = await run_in_threadpool(_find, request, identity.company_id, external_id)
    if document is None or MODELS.get(document.tipo_documento) != model:
        raise ApiError.single(
            404, f"No se encontró el documento con código externo {external_id}.", "external_id"
        )
    return await _download(request, kind, external_id)


def _add_download(api: APIRouter, model: str) -> None:
    async def download(request: Request, kind: str, external_id: str) -> Response:
        return await _in_envelope(_model_download(request, model, kind, external_id))

    api.add_api_route(
        f"/downloads/{model}/{{kind}}/{{external_id}}",
        download,
        methods=["GET"],
        name=f"facturadorpro_download_{model}",
        summary=f"A {model}'s signed XML or CDR (Facturador PRO's download link)",
        response_model=None,
    )


def router() -> APIRouter:
    api = APIRouter(tags=["facturadorpro"])

    @api.post(
        "/api/retentions", summary="Issue and send a comprobante de retención (20)", response_model=None
    )
    async def retentions(request: Request) -> Response:
        return await _in_envelope(_issue(request, RETENTION, send=True))

    @api.post(
        "/api/perceptions", summary="Issue and send a comprobante de percepción (40)", response_model=None
    )
    async def perceptions(request: Request) -> Response:
        return await _in_envelope(_issue(request, PERCEPTION, send=True))

    @api.post(
        "/api/dispatches", summary="Store and sign a guía remitente (09), not sent", response_model=None
    )
    async def dispatches(request: Request) -> Response:
        return await _in_envelope(_issue(request, REMITENTE, send=False))

    @api.post(
        "/api/dispatch-carrier",
        summary="Store and sign a guía transportista (31), not sent",
        response_model=None,
    )
    async def dispatch_carrier(request: Request) -> Response:
        return await _in_envelope(_issue(request, TRANSPORTISTA, send=False))

    @api.post(
        "/api/dispatches/send", summary="Send a stored guía to SUNAT's GRE platform", response_model=None
    )
    async def send(request: Request) -> Response:
        return await _in_envelope(_send(request))

    @api.post(
        "/api/dispatches/status_ticket", summary="Ask SUNAT about a guía's ticket now", response_model=None
    )
    async def status_ticket(request: Request) -> Response:
        return await _in_envelope(_status_ticket(request))

    for model in sorted(set(MODELS.values())):
        _add_download(api, model)
    return api
