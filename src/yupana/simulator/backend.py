"""The simulated SUNAT behind the wire formats: who may send, what is registered, what is answered.

The HTTP layers (``soap``, ``gre``) translate requests into calls here and answers back into
SUNAT's envelopes; nothing here knows about SOAP or JSON.

Credentials (WS-Security ``UsernameToken``, and the GRE token's ``username``/``password``):

* beta style, for any RUC: ``<RUC>MODDATOS`` / ``moddatos`` (case-insensitive);
* the SOL users the simulator was told about (users file, admin endpoint): exact password;
* no user → 0101; a known user with a wrong password (MODDATOS included) → 0102; an unknown
  user → 0111 "No tiene el perfil para enviar comprobantes electronicos" (what SUNAT answers a
  user its service does not know); a file of another RUC than the user's → 0154.

Answers by code family (``PROTOCOL-NOTES.md`` §2):

* 0 — a CDR with ResponseCode 0, observations (4000+) as notes;
* exceptions (0100–1999: names, ZIPs, XML, XSD, name against content, duplicates 1033/1032) —
  ``Refused``, a SOAP fault with no CDR; nothing is registered;
* rejections found by SUNAT's stylesheets — a SOAP fault as SUNAT's gateway sends them
  (``rejections="fault"``, the default) or a CDR with the code (``rejections="cdr"``);
* rejections found after the stylesheets (signature 2335/2085; a summary's references) — a CDR
  de rechazo with the code; the document is registered as rejected (sending it again: 1032).

Summaries (RC, RA, RR), batches (sendPack) and guías (GRE) get a ticket; the ticket answers 98
until ``ticket_delay`` seconds have passed, and is then processed (lazily, by the next request
that looks at the registry or the ticket, in the order tickets arrived) into 0 or 99 with its
CDR. Processing applies the summary's effect: RA and RR put documents de baja; RC registers the
boletas and notes of status 1 and 2 and puts those of status 3 de baja.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import secrets
import threading
import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from yupana.domain import return_codes
from yupana.simulator.cdr import LIMA, CdrContent, CdrWriter, accepted_description, cdr_zip_name
from yupana.simulator.config import SimulatorSettings
from yupana.simulator.facts import Facts, Reference
from yupana.simulator.filenames import SunatName, parse_xml_name, parse_zip_name
from yupana.simulator.reception import Examined, Examiner, Refused, Verdict, unpack
from yupana.simulator.store import ACCEPTED, REJECTED, VOIDED, DocumentRecord, Store, TicketRecord
from yupana.sunat.archive import ArchiveEntry, zip_cdr

# The document types each service receives.
SERVICES = {
    "cpe": frozenset({"01", "03", "07", "08", "RC", "RA"}),
    "otros": frozenset({"20", "40", "RR"}),
    "gre": frozenset({"09", "31"}),
}
BETA_USER = "MODDATOS"
BETA_PASSWORD = "moddatos"
BETA_GRE_CLIENT_PREFIX = "test-"
PACK_DOCUMENT_TYPES = frozenset({"01", "03", "07", "08"})

# billConsultService getStatus answers (community list; wording unconfirmed by a SUNAT text).
CONSULT_MESSAGES = {
    "0001": "El comprobante existe y está aceptado.",
    "0002": "El comprobante existe pero está rechazado.",
    "0003": "El comprobante existe pero está de baja.",
    "0004": "Formato de RUC no es válido.",
    "0005": "Formato del tipo de comprobante no es válido.",
    "0006": "Formato de serie inválido.",
    "0007": "El numero de comprobante debe ser mayor que cero.",
    "0011": "El comprobante de pago electrónico no existe.",
    "0012": "El comprobante de pago electrónico no le pertenece.",
}
CDR_EXISTS = ("0004", "La constancia existe")
CONSULT_TYPES = frozenset({"01", "03", "07", "08", "09", "20", "31", "40"})


@dataclass(frozen=True, slots=True)
class User:
    username: str
    ruc: str


@dataclass(frozen=True, slots=True)
class BillAnswer:
    cdr_name: str
    cdr: bytes
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class StatusAnswer:
    status_code: str
    content: bytes | None = None
    message: str = ""


class StylesheetRefusal(Refused):
    """A rejection SUNAT's stylesheets found, answered as SUNAT's gateway does (a fault carrying
    the stylesheet's message and the reception ticket)."""

    def __init__(self, code: str, detail: str, ticket: str) -> None:
        super().__init__(code, detail)
        self.ticket = ticket


class TokenRefused(Exception):
    """An OAuth2 token request refused (``status`` HTTP code, RFC 6749 ``error``)."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


class GreRefused(Exception):
    """A GRE request refused synchronously (HTTP 422 with SUNAT's codes, or 401)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(slots=True)
class _Settlement:
    status: str
    cdr: bytes | None = None
    error_code: str | None = None
    error_message: str | None = None
    documents: list[DocumentRecord] | None = None


class Backend:
    def __init__(
        self,
        settings: SimulatorSettings,
        store: Store,
        examiner: Examiner,
        cdr: CdrWriter,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.store = store
        self.examiner = examiner
        self.cdr = cdr
        self.clock = clock
        self._settle_lock = threading.Lock()
        self._register_lock = threading.Lock()
        self._id_lock = threading.Lock()
        self._last_id = 0
        self._token_key = secrets.token_bytes(32)

    # -- identities ----------------------------------------------------------------------------

    def next_id(self) -> str:
        """A numeric id like SUNAT's tickets and reception ids (milliseconds, never repeated)."""
        with self._id_lock:
            self._last_id = max(self._last_id + 1, int(self.clock() * 1000))
            return str(self._last_id)

    def authenticate(self, username: str | None, password: str | None) -> User:
        if not username or password is None:
            raise Refused("0101")
        username = username.strip()
        if len(username) < 12 or not username[:11].isdigit():
            raise Refused("0111", "Rejected by policy.")
        ruc = username[:11]
        if username[11:].upper() == BETA_USER:
            if password.strip().lower() != BETA_PASSWORD:
                raise Refused("0102")
            return User(username.upper(), ruc)
        known = self.store.user_password(username.upper())
        if known is None:
            raise Refused("0111", "Rejected by policy.")
        if not hmac.compare_digest(known.encode(), password.encode()):
            raise Refused("0102")
        return User(username.upper(), ruc)

    def _checked_name(self, user: User, service: str, file_name: str | None, method: str) -> SunatName:
        name = parse_zip_name((file_name or "").strip())
        if name is None:
            raise Refused("0151", file_name or "")
        if method == "bill":
            if name.is_summary:
                raise Refused("0152")
            if name.is_pack:
                raise Refused("0153")
        elif method == "summary":
            if name.is_pack:
                raise Refused("0153")
            if not name.is_summary:
                raise Refused("0151", f"{file_name} no es un resumen")
        elif method == "pack" and not name.is_pack:
            raise Refused("0151", f"{file_name} no es un lote")
        if not name.is_pack and name.tipo not in SERVICES[service]:
            raise Refused("0151", f"este servicio no recibe comprobantes de tipo {name.tipo}")
        if name.ruc != user.ruc:
            raise Refused("0154")
        return name

    # -- billService ---------------------------------------------------------------------------

    def send_bill(self, user: User, service: str, file_name: str | None, data: bytes) -> BillAnswer:
        name = self._checked_name(user, service, file_name, "bill")
        (entry,) = unpack(data, name)
        self.settle_due()
        settings = self.settings
        examined = self.examiner.examine(entry.name, entry.content, name, settings)
        verdict = examined.verdict
        if not verdict.accepted and not verdict.is_rejection:
            raise Refused(verdict.code, verdict.detail)
        if verdict.is_rejection and verdict.by_stylesheet and settings.rejections == "fault":
            raise StylesheetRefusal(verdict.code, verdict.detail, self.next_id())
        with self._register_lock:  # one of two simultaneous copies is the duplicate
            self._refuse_duplicate(name, settings)
            record, cdr = self._answer(examined, user.ruc)
            self.store.save_document(record)
        return BillAnswer(cdr_zip_name(name.stem), cdr, verdict)

    def _refuse_duplicate(self, name: SunatName, settings: SimulatorSettings) -> None:
        if not settings.runs("duplicates"):
            return
        existing = self.store.document(name.ruc, name.tipo, name.serie, name.numero)
        if existing is not None:
            raise Refused("1033" if existing.status == ACCEPTED else "1032")

    def _cdr_content(self, examined: Examined, ruc: str) -> CdrContent:
        name, verdict = examined.name, examined.verdict
        description = (
            accepted_description(name.tipo, examined.facts.identifier)
            if verdict.accepted
            else verdict.message
        )
        return CdrContent(
            name.stem,
            name.tipo,
            ruc,
            examined.facts,
            "0" if verdict.accepted else verdict.code,
            description,
            list(verdict.notes) if verdict.accepted else [],
            self._reception_id(name),
        )

    def _record(self, examined: Examined, cdr: bytes) -> DocumentRecord:
        """The registry entry of a document answered with ``cdr`` (accepted or rejected)."""
        name = examined.name
        return DocumentRecord(
            ruc=name.ruc,
            tipo=name.tipo,
            serie=name.serie,
            numero=name.numero,
            status=ACCEPTED if examined.verdict.accepted else REJECTED,
            response_code="0" if examined.verdict.accepted else examined.verdict.code,
            identifier=examined.facts.identifier or f"{name.serie}-{name.correlativo}",
            digest=examined.digest,
            cdr=cdr,
            cdr_name=cdr_zip_name(name.stem),
            origin=examined.entry_name,
            voided_by=None,
            received_at=self.clock(),
        )

    def _answer(self, examined: Examined, ruc: str) -> tuple[DocumentRecord, bytes]:
        """The CDR for a document that was accepted or rejected, and its registry entry."""
        cdr = self.cdr.zipped(self._cdr_content(examined, ruc))
        return self._record(examined, cdr), cdr

    def send_summary(self, user: User, service: str, file_name: str | None, data: bytes) -> str:
        name = self._checked_name(user, service, file_name, "summary")
        unpack(data, name)
        return self._new_ticket("summary", user, name, data)

    def send_pack(self, user: User, service: str, file_name: str | None, data: bytes) -> str:
        name = self._checked_name(user, service, file_name, "pack")
        for entry in unpack(data, name, many=True):
            inner = parse_xml_name(entry.name)
            if inner is None or inner.tipo not in PACK_DOCUMENT_TYPES or inner.tipo not in SERVICES[service]:
                raise Refused("0159", entry.name)
            if inner.ruc != name.ruc:
                raise Refused("0154", entry.name)
        return self._new_ticket("pack", user, name, data)

    def _new_ticket(
        self, kind: str, user: User, name: SunatName, data: bytes, ticket: str | None = None
    ) -> str:
        now = self.clock()
        number = ticket or self.next_id()
        self.store.add_ticket(
            TicketRecord(
                ticket=number,
                kind=kind,
                username=user.username,
                ruc=user.ruc,
                file_name=f"{name.stem}.zip",
                content=data,
                received_at=now,
                ready_at=now + self.settings.ticket_delay,
                status="98",
                cdr=None,
                error_code=None,
                error_message=None,
            )
        )
        return number

    def ticket_status(self, user: User, ticket: str | None) -> StatusAnswer:
        self.settle_due()
        record = self.store.ticket((ticket or "").strip())
        if record is None or record.kind == "gre":
            return StatusAnswer("0127", None, return_codes.message("0127"))
        if record.ruc != user.ruc:
            return StatusAnswer("0126", None, return_codes.message("0126"))
        return StatusAnswer(record.status, record.cdr if record.status != "98" else None)

    # -- tickets -------------------------------------------------------------------------------

    def settle_due(self) -> None:
        """Process every ticket whose time has come, oldest first."""
        with self._settle_lock:
            for record in self.store.due_tickets(self.clock()):
                with self._register_lock:
                    self._settle(record)

    def _settle(self, record: TicketRecord) -> None:
        outcome = self._process(record)
        self.store.settle_ticket(
            record.ticket,
            outcome.status,
            outcome.cdr,
            outcome.error_code,
            outcome.error_message,
            outcome.documents or [],
        )

    def _process(self, record: TicketRecord) -> _Settlement:
        name = parse_zip_name(record.file_name)
        if name is None:  # checked on reception; a database edited by hand
            return _Settlement("99", error_code="0151", error_message=return_codes.message("0151"))
        settings = self.settings
        try:
            entries = unpack(record.content, name, many=record.kind == "pack")
        except Refused as refused:
            return self._failed(record, name, Verdict(refused.code, refused.detail))
        if record.kind == "pack":
            return self._process_pack(record, name, entries, settings)
        (entry,) = entries
        examined = self.examiner.examine(entry.name, entry.content, name, settings)
        if record.kind == "gre":
            return self._process_guide(record, examined, settings)
        return self._process_summary(record, examined, settings)

    def _failed(
        self, record: TicketRecord, name: SunatName, verdict: Verdict, facts: Facts | None = None
    ) -> _Settlement:
        facts = facts or Facts(
            name.stem[12:] if name.is_summary else f"{name.serie}-{name.correlativo}", "", "6-"
        )
        content = CdrContent(
            name.stem,
            name.tipo,
            record.ruc,
            facts,
            verdict.code,
            verdict.message,
            [],
            self._reception_id(name),
        )
        return _Settlement("99", self.cdr.zipped(content), verdict.code, verdict.message)

    def _reception_id(self, name: SunatName) -> str:
        return str(uuid.uuid4()) if name.tipo in ("09", "31") else self.next_id()

    def _process_summary(
        self, record: TicketRecord, examined: Examined, settings: SimulatorSettings
    ) -> _Settlement:
        name, verdict, facts = examined.name, examined.verdict, examined.facts
        if not verdict.accepted:
            return self._failed(record, name, verdict, facts)
        if settings.runs("duplicates") and self.store.summary_accepted(record.ruc, record.file_name):
            return self._failed(record, name, Verdict("2324" if name.tipo == "RA" else "2223"), facts)
        documents: list[DocumentRecord] = []
        now = self.clock()
        for reference in facts.references:
            existing = self.store.document(name.ruc, reference.tipo, reference.serie, reference.numero)
            if name.tipo in ("RA", "RR"):
                if existing is None or existing.status == REJECTED:
                    if settings.runs("references"):
                        return self._failed(record, name, Verdict("2105", _reference_text(reference)), facts)
                    continue
                if existing.status == VOIDED and settings.runs("references"):
                    code = "2106" if name.tipo == "RA" else "2751"
                    return self._failed(record, name, Verdict(code, _reference_text(reference)), facts)
                documents.append(replace(existing, status=VOIDED, voided_by=name.stem))
                continue
            # RC: status 1 and 2 register, 3 puts de baja.
            voided = reference.condition == "3"
            if existing is not None:
                if voided:
                    documents.append(replace(existing, status=VOIDED, voided_by=name.stem))
                continue
            documents.append(
                DocumentRecord(
                    ruc=name.ruc,
                    tipo=reference.tipo,
                    serie=reference.serie,
                    numero=reference.numero,
                    status=VOIDED if voided else ACCEPTED,
                    response_code="0",
                    identifier=f"{reference.serie}-{reference.numero}",
                    digest=None,
                    cdr=None,
                    cdr_name=None,
                    origin=name.stem,
                    voided_by=name.stem if voided else None,
                    received_at=now,
                )
            )
        content = CdrContent(
            name.stem,
            name.tipo,
            record.ruc,
            facts,
            "0",
            accepted_description(name.tipo, facts.identifier),
            list(verdict.notes),
            self.next_id(),
        )
        return _Settlement("0", self.cdr.zipped(content), documents=documents)

    def _process_pack(
        self, record: TicketRecord, name: SunatName, entries: list[ArchiveEntry], settings: SimulatorSettings
    ) -> _Settlement:
        """Each document of a batch is judged as if sent alone; the answer holds one CDR per
        document (0 when all were accepted, else 99 with the first failure's code)."""
        documents: list[DocumentRecord] = []
        answers: list[tuple[str, bytes]] = []
        first_error: Verdict | None = None
        seen: set[tuple[str, str, int]] = set()
        for entry in entries:
            inner = parse_xml_name(entry.name)
            if inner is None:  # checked on reception
                continue
            examined = self.examiner.examine(entry.name, entry.content, inner, settings)
            key = (inner.tipo, inner.serie, inner.numero)
            if settings.runs("duplicates") and (examined.verdict.accepted or examined.verdict.is_rejection):
                existing = self.store.document(inner.ruc, inner.tipo, inner.serie, inner.numero)
                if existing is not None or key in seen:
                    duplicate = "1033" if existing is None or existing.status == ACCEPTED else "1032"
                    examined.verdict = Verdict(duplicate)
            seen.add(key)
            verdict = examined.verdict
            if not verdict.accepted and first_error is None:
                first_error = verdict
            xml = self.cdr.xml(self._cdr_content(examined, record.ruc))
            answers.append((f"R-{inner.stem}.xml", xml))
            if verdict.accepted or verdict.is_rejection:
                documents.append(self._record(examined, zip_cdr(f"R-{inner.stem}.xml", xml)))
        archive = _zip_many(answers)
        if first_error is not None:
            return _Settlement("99", archive, first_error.code, first_error.message, documents)
        return _Settlement("0", archive, documents=documents)

    # -- billConsultService --------------------------------------------------------------------

    def _consulted(
        self, user: User, ruc: str | None, tipo: str | None, serie: str | None, numero: str | None
    ) -> tuple[DocumentRecord | None, StatusAnswer | None]:
        ruc, tipo, serie, numero = ((value or "").strip() for value in (ruc, tipo, serie, numero))
        if not (len(ruc) == 11 and ruc.isdigit()):
            return None, _consult("0004")
        if tipo not in CONSULT_TYPES:
            return None, _consult("0005")
        if not (len(serie) == 4 and serie.isalnum()):
            return None, _consult("0006")
        if not (numero.isdigit() and 0 < int(numero) <= 99_999_999):
            return None, _consult("0007")
        if ruc != user.ruc:
            return None, _consult("0012")
        self.settle_due()
        record = self.store.document(ruc, tipo, serie.upper(), int(numero))
        if record is None:
            return None, _consult("0011")
        return record, None

    def consult_status(
        self, user: User, ruc: str | None, tipo: str | None, serie: str | None, numero: str | None
    ) -> StatusAnswer:
        record, refused = self._consulted(user, ruc, tipo, serie, numero)
        if refused is not None or record is None:
            return refused or _consult("0011")
        return _consult({ACCEPTED: "0001", REJECTED: "0002", VOIDED: "0003"}[record.status])

    def consult_cdr(
        self, user: User, ruc: str | None, tipo: str | None, serie: str | None, numero: str | None
    ) -> StatusAnswer:
        record, refused = self._consulted(user, ruc, tipo, serie, numero)
        if refused is not None or record is None:
            answer = refused or _consult("0011")
            if answer.status_code == "0011":
                return StatusAnswer("0011", None, return_codes.message("0011"))
            return answer
        if record.status == VOIDED:
            return StatusAnswer("0003", record.cdr, CONSULT_MESSAGES["0003"])
        if record.cdr is None:
            return _consult({ACCEPTED: "0001", REJECTED: "0002"}[record.status])
        return StatusAnswer(CDR_EXISTS[0], record.cdr, CDR_EXISTS[1])

    # -- GRE REST ------------------------------------------------------------------------------

    def issue_token(self, path_client_id: str, form: dict[str, str]) -> dict[str, object]:
        """OAuth2 password grant, as SUNAT's api-seguridad answers it."""
        if form.get("grant_type") != "password":
            raise TokenRefused(400, "unsupported_grant_type", "El tipo de concesión no está soportado")
        client_id = form.get("client_id") or path_client_id
        secret = form.get("client_secret") or ""
        if client_id != path_client_id or not self._client_ok(client_id, secret):
            raise TokenRefused(401, "invalid_client", "Cliente no autorizado")
        try:
            user = self.authenticate(form.get("username"), form.get("password"))
        except Refused as refused:
            raise TokenRefused(400, "invalid_grant", refused.message) from refused
        ttl = self.settings.token_ttl
        now = self.clock()
        token = self._jwt(
            {"sub": user.username, "client_id": client_id, "iat": int(now), "exp": int(now + ttl)}
        )
        self.store.add_token(token, client_id, user.username, now + ttl)
        return {"access_token": token, "token_type": "JWT", "expires_in": ttl}

    def _client_ok(self, client_id: str, secret: str) -> bool:
        known = self.store.gre_client_secret(client_id)
        if known is not None:
            return hmac.compare_digest(known.encode(), secret.encode())
        return client_id.startswith(BETA_GRE_CLIENT_PREFIX) and bool(secret)

    def _jwt(self, claims: dict[str, object]) -> str:
        def part(data: bytes) -> str:
            return base64.urlsafe_b64encode(data).decode().rstrip("=")

        header = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = part(json.dumps({**claims, "jti": uuid.uuid4().hex}).encode())
        signature = hmac.new(self._token_key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{part(signature)}"

    def token_owner(self, authorization: str | None) -> User:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise GreRefused(401, "401", "No autorizado: falta el token de acceso")
        username = self.store.token_user(token.strip(), self.clock())
        if username is None:
            raise GreRefused(401, "401", "No autorizado: el token de acceso no es válido o expiró")
        return User(username, username[:11])

    def send_guide(self, user: User, filename: str, body: object) -> dict[str, str]:
        archivo = body.get("archivo") if isinstance(body, dict) else None
        if not isinstance(archivo, dict):
            raise GreRefused(422, "0155", "El archivo ZIP esta vacio")
        nom_archivo = archivo.get("nomArchivo")
        zip_b64 = archivo.get("arcGreZip")
        hash_zip = archivo.get("hashZip")
        if not isinstance(nom_archivo, str) or nom_archivo != f"{filename}.zip":
            raise GreRefused(422, "0151", return_codes.message("0151"))
        try:
            name = self._checked_name(user, "gre", nom_archivo, "bill")
        except Refused as refused:
            raise GreRefused(422, refused.code, refused.message) from refused
        if not isinstance(zip_b64, str) or not zip_b64.strip():
            raise GreRefused(422, "0155", return_codes.message("0155"))
        try:
            data = base64.b64decode(zip_b64, validate=True)
        except ValueError as exc:
            raise GreRefused(422, "0156", return_codes.message("0156")) from exc
        if not isinstance(hash_zip, str) or hash_zip.strip().lower() != hashlib.sha256(data).hexdigest():
            raise GreRefused(
                422, "0156", f"{return_codes.message('0156')} (hashZip no corresponde al archivo)"
            )
        try:
            unpack(data, name)
        except Refused as refused:
            raise GreRefused(422, refused.code, refused.message) from refused
        ticket = self._new_ticket("gre", user, name, data, str(uuid.uuid4()))
        return {"numTicket": ticket, "fecRecepcion": datetime.now(LIMA).isoformat(timespec="milliseconds")}

    def guide_status(self, user: User, ticket: str) -> dict[str, object]:
        self.settle_due()
        record = self.store.ticket(ticket.strip())
        if record is None or record.kind != "gre":
            raise GreRefused(422, "0127", return_codes.message("0127"))
        if record.ruc != user.ruc:
            raise GreRefused(422, "0126", return_codes.message("0126"))
        if record.status == "98":
            return {"codRespuesta": "98"}
        answer: dict[str, object] = {"codRespuesta": record.status}
        if record.status == "99":
            answer["error"] = {"numError": record.error_code or "", "desError": record.error_message or ""}
        if record.cdr is not None:
            answer["arcCdr"] = base64.b64encode(record.cdr).decode("ascii")
        answer["indCdrGenerado"] = "1" if record.cdr is not None else "0"
        return answer

    def _process_guide(
        self, record: TicketRecord, examined: Examined, settings: SimulatorSettings
    ) -> _Settlement:
        verdict = examined.verdict
        if not verdict.accepted and not verdict.is_rejection:
            return _Settlement("99", None, verdict.code, verdict.message)
        name = examined.name
        if settings.runs("duplicates"):
            existing = self.store.document(name.ruc, name.tipo, name.serie, name.numero)
            if existing is not None:
                code = "1033" if existing.status == ACCEPTED else "1032"
                return _Settlement("99", None, code, return_codes.message(code))
        document, cdr = self._answer(examined, record.ruc)
        if verdict.accepted:
            return _Settlement("0", cdr, documents=[document])
        return _Settlement("99", cdr, verdict.code, verdict.message, [document])


def _consult(code: str) -> StatusAnswer:
    return StatusAnswer(code, None, CONSULT_MESSAGES[code])


def _reference_text(reference: Reference) -> str:
    return f"{reference.tipo}-{reference.serie}-{reference.numero}"


def _zip_many(files: list[tuple[str, bytes]]) -> bytes:
    """A CDR ZIP with one CDR per document of a batch (and SUNAT's ``dummy/`` entry)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("dummy/", date_time=(2000, 1, 1, 0, 0, 0)), b"")
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()
