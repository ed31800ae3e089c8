"""SUNAT's SOAP services at SUNAT's own paths (``PROTOCOL-NOTES.md`` §4).

===========================================================  ===================================
path                                                         service
===========================================================  ===================================
``/ol-ti-itcpfegem-beta/billService``                        CPE (01, 03, 07, 08, RC, RA), beta
``/ol-ti-itcpfegem/billService``                             CPE, production
``/ol-ti-itcpgem-sqa/billService``                           CPE, legacy homologation
``/ol-ti-itemision-otroscpe-gem-beta/billService``           otros CPE (20, 40, RR), beta
``/ol-ti-itemision-otroscpe-gem/billService``                otros CPE, production
``/ol-it-wsconscpegem/billConsultService``                   getStatus / getStatusCdr by document
===========================================================  ===================================

billService answers ``sendBill``, ``sendSummary``, ``sendPack`` and ``getStatus``;
billConsultService ``getStatus`` and ``getStatusCdr``. ``GET <path>?wsdl`` (and its parts) gives
the description. Unreadable envelopes and operations a service does not have are answered with a
``soap-env:Client`` fault.
"""

from __future__ import annotations

import logging
import re

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from yupana.domain import return_codes
from yupana.simulator import soap, wsdl
from yupana.simulator.backend import Backend, StylesheetRefusal, User
from yupana.simulator.reception import Refused
from yupana.simulator.runtime import Simulator

BILL_PATHS = {
    "/ol-ti-itcpfegem-beta/billService": "cpe",
    "/ol-ti-itcpfegem/billService": "cpe",
    "/ol-ti-itcpgem-sqa/billService": "cpe",
    "/ol-ti-itemision-otroscpe-gem-beta/billService": "otros",
    "/ol-ti-itemision-otroscpe-gem/billService": "otros",
}
CONSULT_PATH = "/ol-it-wsconscpegem/billConsultService"
BILL_OPERATIONS = frozenset({"sendBill", "sendSummary", "sendPack", "getStatus"})
CONSULT_OPERATIONS = frozenset({"getStatus", "getStatusCdr"})
MAX_BODY = 64 * 1024 * 1024

log = logging.getLogger("yupana.simulator")

_NODE = re.compile(r"\(nodo: .*\)\s*$", re.S)


def _xml(body: bytes, status: int = 200) -> Response:
    return Response(body, status_code=status, media_type=soap.CONTENT_TYPE)


def _fault(faultcode: str, faultstring: str) -> Response:
    return _xml(soap.fault(faultcode, faultstring), 500)


def stylesheet_message(code: str, detail: str) -> str:
    """The stylesheet's own words for a rejection, as SUNAT quotes them in its fault."""
    node = _NODE.search(detail)
    return f"INFO: errorCode {code} {node.group(0)}" if node else f"INFO: errorCode {code} ({detail})"


def handle(simulator: Simulator, service: str, body: bytes) -> Response:
    """One SOAP request to ``service`` ("cpe", "otros" or "consult")."""
    try:
        request = soap.parse_request(body)
    except soap.MalformedRequest:
        return _fault("soap-env:Client", "Internal Error (from client)")
    operations = CONSULT_OPERATIONS if service == "consult" else BILL_OPERATIONS
    if request.operation not in operations:
        return _fault("soap-env:Client", f"Operacion no soportada por el servicio: {request.operation}")
    backend = simulator.backend
    try:
        user = backend.authenticate(request.username, request.password)
        if service == "consult":
            return _consult(backend, user, request)
        return _bill(backend, service, user, request)
    except StylesheetRefusal as refused:
        return _fault(
            soap.fault_code(refused.code),
            soap.stylesheet_fault_text(
                refused.message, refused.ticket, stylesheet_message(refused.code, refused.detail)
            ),
        )
    except Refused as refused:
        return _fault(soap.fault_code(refused.code), soap.fault_text(refused.message, refused.detail))
    except Exception:  # a failure of the simulator itself: SUNAT's 0100, never a traceback
        log.exception("SOAP request failed")
        return _fault(soap.fault_code("0100"), return_codes.message("0100"))


def _content(request: soap.SoapRequest) -> bytes:
    try:
        return soap.decode_content(request.text("contentFile"))
    except ValueError as exc:
        raise Refused("0156", "contentFile no es base64") from exc


def _bill(backend: Backend, service: str, user: User, request: soap.SoapRequest) -> Response:
    operation = request.operation
    if operation == "sendBill":
        answer = backend.send_bill(user, service, request.text("fileName"), _content(request))
        return _xml(soap.send_bill_answer(answer.cdr))
    if operation == "sendSummary":
        ticket = backend.send_summary(user, service, request.text("fileName"), _content(request))
        return _xml(soap.ticket_answer("sendSummary", ticket))
    if operation == "sendPack":
        ticket = backend.send_pack(user, service, request.text("fileName"), _content(request))
        return _xml(soap.ticket_answer("sendPack", ticket))
    status = backend.ticket_status(user, request.text("ticket"))
    return _xml(soap.status_answer("getStatus", "status", status.status_code, status.content))


def _consult(backend: Backend, user: User, request: soap.SoapRequest) -> Response:
    key = (
        request.text("rucComprobante"),
        request.text("tipoComprobante"),
        request.text("serieComprobante"),
        request.text("numeroComprobante"),
    )
    if request.operation == "getStatusCdr":
        answer = backend.consult_cdr(user, *key)
        return _xml(
            soap.status_answer(
                "getStatusCdr", "statusCdr", answer.status_code, answer.content, answer.message
            )
        )
    answer = backend.consult_status(user, *key)
    return _xml(soap.status_answer("getStatus", "status", answer.status_code, None, answer.message))


def router() -> APIRouter:
    routes = APIRouter()

    def add(path: str, service: str) -> None:
        description = wsdl.CONSULT_SERVICE if service == "consult" else wsdl.BILL_SERVICE

        async def post(request: Request) -> Response:
            simulator: Simulator = request.app.state.simulator

            async def answer() -> Response:
                length = request.headers.get("content-length")
                if length is not None and length.isdigit() and int(length) > MAX_BODY:
                    return _fault("soap-env:Client", "Internal Error (from client)")
                body = await request.body()
                return await run_in_threadpool(handle, simulator, service, body)

            return await simulator.guarded(request, "soap", answer)

        async def get(request: Request) -> Response:
            location = str(request.base_url).rstrip("/") + path
            document = wsdl.document(description, location, request.url.query)
            if document is None:
                return Response("Use ?wsdl", status_code=404, media_type="text/plain")
            return Response(document, media_type="text/xml;charset=UTF-8")

        routes.add_api_route(path, post, methods=["POST"], include_in_schema=False)
        routes.add_api_route(path, get, methods=["GET"], include_in_schema=False)

    for path, service in BILL_PATHS.items():
        add(path, service)
    add(CONSULT_PATH, "consult")
    return routes
