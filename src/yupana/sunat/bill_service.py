"""SUNAT's billService (or an OSE's): sendBill, sendSummary, sendPack and getStatus(ticket).

Routing: facturas, boletas, notas (01, 03, 04, 07, 08), resúmenes diarios (RC) and comunicaciones
de baja (RA) go to the "CPE" service; retenciones (20), percepciones (40) and resúmenes de
reversiones (RR) to the "otros CPE" service (``Endpoints.bill_service_for``). The document type is
read from the SUNAT file name.

Every method answers a ``SunatResult``:

* ``send_bill`` — the CDR decides: accepted / observed / rejected (a CDR with an exception code,
  as SUNAT sometimes sends, is an exception); a SOAP fault gives its code's outcome;
* ``send_summary`` / ``send_pack`` — ``pending`` with the ticket;
* ``get_status`` — ``pending`` while SUNAT answers 98, then the CDR's outcome (status 0 or 99), or
  the exception of a ticket error (0127 no existe, 0126 no le pertenece).
"""

from __future__ import annotations

import logging

import httpx

from yupana.sunat.archive import zip_single
from yupana.sunat.credentials import SolCredentials
from yupana.sunat.endpoints import SUMMARY_TYPES, Endpoints, document_type_of
from yupana.sunat.results import SunatResult
from yupana.sunat.soap import SoapReply, decode_base64, encode_base64
from yupana.sunat.soap_call import SoapCaller
from yupana.sunat.transport import ClientOwner, HttpOptions

log = logging.getLogger("yupana.sunat")

PENDING_CODES = frozenset({"98", "0098"})


def _zip_name(file_name: str) -> str:
    if not file_name.lower().endswith(".zip"):
        raise ValueError(f"billService file names end in .zip, got {file_name!r}")
    return file_name


class BillService(ClientOwner):
    def __init__(
        self,
        endpoints: Endpoints,
        credentials: SolCredentials,
        *,
        client: httpx.Client | None = None,
        options: HttpOptions | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(client=client, options=options, transport=transport)
        self.endpoints = endpoints
        self._soap = SoapCaller(self.client, credentials, max_bytes=self._options.max_response_bytes)

    # -- sending -----------------------------------------------------------------------
    def send_bill(self, file_name: str, zip_content: bytes, *, party_type: str | None = None) -> SunatResult:
        """Send one CPE (``RUC-TT-SERIE-NUMERO.zip``); SUNAT answers with its CDR."""
        name = _zip_name(file_name)
        url = self.endpoints.bill_service_for(document_type_of(name))
        fields = [("fileName", name), ("contentFile", encode_base64(zip_content))]
        if party_type is not None:
            fields.append(("partyType", party_type))
        reply = self._soap.call(url, "sendBill", fields, file_name=name)
        if isinstance(reply, SunatResult):
            return reply
        cdr_zip = decode_base64(reply.text("applicationResponse"))
        if cdr_zip is None:
            return SunatResult.malformed(
                "sendBill answered without a readable applicationResponse", http_status=reply.http_status
            )
        result = SunatResult.from_cdr_zip(cdr_zip, http_status=reply.http_status)
        log.debug("SUNAT sendBill %s -> %s %s", name, result.outcome.value, result.code)
        return result

    def send_summary(self, file_name: str, zip_content: bytes) -> SunatResult:
        """Send a resumen diario (RC), comunicación de baja (RA) or resumen de reversiones (RR)."""
        name = _zip_name(file_name)
        url = self.endpoints.bill_service_for(document_type_of(name))
        reply = self._soap.call(
            url,
            "sendSummary",
            [("fileName", name), ("contentFile", encode_base64(zip_content))],
            file_name=name,
        )
        return self._ticket(reply, "sendSummary", name)

    def send_pack(self, file_name: str, zip_content: bytes) -> SunatResult:
        """Send a lot ("lote") of CPE in one ZIP; always to the CPE service."""
        name = _zip_name(file_name)
        reply = self._soap.call(
            self.endpoints.bill_service,
            "sendPack",
            [("fileName", name), ("contentFile", encode_base64(zip_content))],
            file_name=name,
        )
        return self._ticket(reply, "sendPack", name)

    def send_xml(self, file_stem: str, xml: bytes) -> SunatResult:
        """Zip a signed XML as SUNAT wants it and send it with the operation its type needs
        (``sendSummary`` for RC/RA/RR, ``sendBill`` otherwise)."""
        archive = zip_single(f"{file_stem}.xml", xml)
        if document_type_of(file_stem) in SUMMARY_TYPES:
            return self.send_summary(f"{file_stem}.zip", archive)
        return self.send_bill(f"{file_stem}.zip", archive)

    # -- tickets -----------------------------------------------------------------------
    def get_status(self, ticket: str, *, document_type: str = "RC") -> SunatResult:
        """Ask about a ticket. ``document_type`` picks the service that issued it: "RC" (also
        RA and packs) asks the CPE service, "RR" (and 20/40) the otros CPE service."""
        url = self.endpoints.bill_service_for(document_type)
        reply = self._soap.call(url, "getStatus", [("ticket", ticket)])
        if isinstance(reply, SunatResult):
            return reply
        status = reply.http_status
        code = reply.text("status", "statusCode")
        content = reply.text("status", "content")
        log.debug("SUNAT getStatus ticket %s -> status %s", ticket, code)
        if code in PENDING_CODES and not content:
            return SunatResult.pending(ticket, code="98", http_status=status)
        if content:
            cdr_zip = decode_base64(content)
            if cdr_zip is None:
                return SunatResult.malformed(
                    "getStatus answered content that is not base64", http_status=status
                )
            return SunatResult.from_cdr_zip(cdr_zip, http_status=status, ticket=ticket)
        if code is None or code.strip("0") in ("", "99"):
            return SunatResult.malformed(
                f"getStatus answered status {code!r} without a CDR", http_status=status
            )
        return SunatResult.from_code(
            code, reply.text("status", "statusMessage"), http_status=status, ticket=ticket
        )

    def _ticket(self, reply: SoapReply | SunatResult, operation: str, name: str) -> SunatResult:
        if isinstance(reply, SunatResult):
            return reply
        ticket = reply.text("ticket")
        if not ticket:
            return SunatResult.malformed(
                f"{operation} answered without a ticket", http_status=reply.http_status
            )
        log.debug("SUNAT %s %s -> ticket %s", operation, name, ticket)
        return SunatResult.pending(ticket, http_status=reply.http_status)
