"""SUNAT's billConsultService: the state and the CDR of a document by RUC, type, serie, número.

``get_status_cdr`` recovers a CDR (after a timeout on sendBill, or to fetch it again): with the CDR
the outcome is the CDR's; without it, the status code SUNAT gave (0011 no existe, 0012 no le
pertenece, 0127…) as an exception.

``get_status`` reports what SUNAT knows, by its consult codes (``statusCode``):
0001 exists and accepted → ``accepted``; 0002 exists but rejected → ``rejected``; 0003 exists but
voided ("de baja") → ``accepted`` with code 0003 (it was accepted, then voided); any other code
(0004–0010 bad query, 0011 not found, 0012 not the caller's, 0014 constancia not available…) →
``exception`` (0014 retryable).
"""

from __future__ import annotations

import logging

import httpx

from yupana.sunat.credentials import SolCredentials
from yupana.sunat.endpoints import Endpoints
from yupana.sunat.results import Outcome, SunatResult, canonical_code
from yupana.sunat.soap import decode_base64
from yupana.sunat.soap_call import SoapCaller
from yupana.sunat.transport import ClientOwner, HttpOptions

log = logging.getLogger("yupana.sunat")

_STATE = {
    "0001": (Outcome.ACCEPTED, "El comprobante existe y está aceptado"),
    "0002": (Outcome.REJECTED, "El comprobante existe pero está rechazado"),
    "0003": (Outcome.ACCEPTED, "El comprobante existe pero está de baja"),
}


class ConsultService(ClientOwner):
    def __init__(
        self,
        endpoints: Endpoints,
        credentials: SolCredentials,
        *,
        client: httpx.Client | None = None,
        options: HttpOptions | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if endpoints.consult_service is None:
            raise ValueError("these endpoints have no billConsultService (SUNAT beta publishes none)")
        super().__init__(client=client, options=options, transport=transport)
        self.url = endpoints.consult_service
        self._soap = SoapCaller(self.client, credentials, max_bytes=self._options.max_response_bytes)

    @staticmethod
    def _fields(ruc: str, tipo: str, serie: str, numero: int | str) -> list[tuple[str, str]]:
        return [
            ("rucComprobante", ruc),
            ("tipoComprobante", tipo),
            ("serieComprobante", serie),
            ("numeroComprobante", str(numero)),
        ]

    def get_status(self, ruc: str, tipo: str, serie: str, numero: int | str) -> SunatResult:
        reply = self._soap.call(self.url, "getStatus", self._fields(ruc, tipo, serie, numero))
        if isinstance(reply, SunatResult):
            return reply
        code = reply.text("status", "statusCode")
        text = reply.text("status", "statusMessage")
        log.debug("SUNAT consult getStatus %s-%s-%s-%s -> %s", ruc, tipo, serie, numero, code)
        if code is None:
            return SunatResult.malformed(
                "getStatus answered without statusCode", http_status=reply.http_status
            )
        return state_result(code, text, http_status=reply.http_status)

    def get_status_cdr(self, ruc: str, tipo: str, serie: str, numero: int | str) -> SunatResult:
        reply = self._soap.call(self.url, "getStatusCdr", self._fields(ruc, tipo, serie, numero))
        if isinstance(reply, SunatResult):
            return reply
        code = reply.text("statusCdr", "statusCode")
        text = reply.text("statusCdr", "statusMessage")
        content = reply.text("statusCdr", "content")
        log.debug("SUNAT consult getStatusCdr %s-%s-%s-%s -> %s", ruc, tipo, serie, numero, code)
        if content:
            cdr_zip = decode_base64(content)
            if cdr_zip is None:
                return SunatResult.malformed("getStatusCdr answered content that is not base64")
            return SunatResult.from_cdr_zip(cdr_zip, http_status=reply.http_status)
        if code is None:
            return SunatResult.malformed(
                "getStatusCdr answered without statusCode", http_status=reply.http_status
            )
        return state_result(code, text, http_status=reply.http_status)


def state_result(code: str, text: str | None, *, http_status: int | None = None) -> SunatResult:
    """The result a consult status code stands for (see the module docstring)."""
    key = canonical_code(code)
    known = _STATE.get(key)
    if known is None:
        return SunatResult.from_code(key, text, http_status=http_status)
    outcome, default_text = known
    return SunatResult(outcome=outcome, code=key, description=text or default_text, http_status=http_status)
