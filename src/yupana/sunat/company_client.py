"""One company's door to SUNAT (or its OSE): the right service for each document type.

``CompanyClient`` holds the company's endpoints and credentials and one pooled HTTP client shared by
its billService, billConsultService and GRE services:

* ``send_xml(file_stem, xml)`` — guías 09/31 through the GRE REST platform, RC/RA/RR with
  ``sendSummary``, everything else with ``sendBill`` (at the CPE or otros CPE service);
* ``poll(ticket, document_type)`` — the ticket of a summary (SOAP ``getStatus``) or of a guía
  (GRE status);
* ``recover(file_stem)`` — ask billConsultService for the CDR of a document already sent.
"""

from __future__ import annotations

import httpx

from yupana.sunat.bill_service import BillService
from yupana.sunat.consult_service import ConsultService
from yupana.sunat.credentials import GreCredentials, SolCredentials
from yupana.sunat.endpoints import GRE_TYPES, Endpoints, document_type_of
from yupana.sunat.gre import GreService
from yupana.sunat.gre_token import TokenCache
from yupana.sunat.results import SunatResult
from yupana.sunat.transport import ClientOwner, HttpOptions


class CompanyClient(ClientOwner):
    def __init__(
        self,
        endpoints: Endpoints,
        sol: SolCredentials,
        gre: GreCredentials | None = None,
        *,
        client: httpx.Client | None = None,
        options: HttpOptions | None = None,
        transport: httpx.BaseTransport | None = None,
        tokens: TokenCache | None = None,
    ) -> None:
        super().__init__(client=client, options=options, transport=transport)
        self.endpoints = endpoints
        self.bill = BillService(endpoints, sol, client=self.client, options=self._options)
        self.consult = (
            ConsultService(endpoints, sol, client=self.client, options=self._options)
            if endpoints.consult_service
            else None
        )
        self.gre = (
            GreService(endpoints, sol, gre, client=self.client, options=self._options, tokens=tokens)
            if gre is not None and endpoints.gre_auth and endpoints.gre_cpe
            else None
        )

    def _gre(self) -> GreService:
        if self.gre is None:
            raise ValueError("guías 09/31 need GRE credentials and GRE endpoints")
        return self.gre

    def send_xml(self, file_stem: str, xml: bytes) -> SunatResult:
        """Send a signed document by the way its type is received."""
        if document_type_of(file_stem) in GRE_TYPES:
            return self._gre().send_xml(file_stem, xml)
        return self.bill.send_xml(file_stem, xml)

    def poll(self, ticket: str, document_type: str) -> SunatResult:
        """The state of a ticket given for a document of ``document_type``."""
        if document_type.upper() in GRE_TYPES:
            return self._gre().get_status(ticket)
        return self.bill.get_status(ticket, document_type=document_type)

    def recover(self, file_stem: str) -> SunatResult:
        """The CDR SUNAT holds for ``RUC-TT-SERIE-NUMERO`` (billConsultService ``getStatusCdr``)."""
        if self.consult is None:
            raise ValueError("these endpoints have no billConsultService")
        parts = file_stem.split("-")
        if len(parts) != 4:
            raise ValueError(f"{file_stem!r} is not RUC-TT-SERIE-NUMERO")
        ruc, tipo, serie, numero = parts
        return self.consult.get_status_cdr(ruc, tipo, serie, numero)
