"""Reading a CDR (constancia de recepción, UBL ``ApplicationResponse``) from SUNAT or an OSE.

Works on what real CDRs look like: ISO-8859-1 or UTF-8, any namespace prefix (``ar:``, none,
``ns4:``…) or a default namespace for ``cbc``, the ``dummy`` entry of SUNAT's ZIPs, the GRE QR
link in ``cac:DocumentReference/cbc:DocumentDescription``. Observations are read from SUNAT's
``cbc:Note`` elements (``"4xxx - mensaje"``) and from the OSE form
``cac:Response/cac:Status/cbc:StatusReasonCode`` + ``cbc:StatusReason``.

Everything comes from the network: the ZIP is read within ``archive``'s bounds and the XML with
the hardened parser of ``untrusted_xml``; anything else raises ``CdrError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from lxml import etree

from yupana.sunat.archive import ArchiveError, read_single_xml
from yupana.sunat.untrusted_xml import (
    UnsafeXmlError,
    children_named,
    first_child,
    local_name,
    parse_untrusted,
    text_of,
)

_NOTE = re.compile(r"^\s*(\d{1,4})\s*-\s*(.*)$", re.DOTALL)


class CdrError(ValueError):
    """The bytes are not a readable CDR."""


@dataclass(frozen=True, slots=True)
class Note:
    """One observation (or any coded message) SUNAT attached to its answer."""

    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class Cdr:
    """What a CDR says about one document."""

    response_code: str
    description: str | None
    reference_id: str | None  # cac:Response/cbc:ReferenceID (F001-1, RA-20171001-1)
    document_id: str | None  # cac:DocumentReference/cbc:ID
    notes: tuple[Note, ...]
    qr_url: str | None  # GRE: link of the guide's QR
    id: str | None  # reception id (numeric on SOAP, UUID on GRE / OSE)
    issue_date: str | None
    response_date: str | None
    receiver_id: str | None  # the issuer's RUC on SUNAT CDRs
    recipient_id: str | None  # "<tipo doc>-<número>" of the customer (SUNAT) or its number (OSE)
    document_hash: str | None  # OSE CDRs: hash of the document
    file_name: str | None = None  # name of the XML inside the ZIP


def read_cdr_zip(data: bytes) -> tuple[Cdr, bytes]:
    """The CDR in a SUNAT ZIP and the raw XML bytes (folder and ``dummy`` entries skipped)."""
    try:
        entry = read_single_xml(data)
    except ArchiveError as exc:
        raise CdrError(f"unreadable CDR ZIP: {exc}") from exc
    return replace(read_cdr_xml(entry.content), file_name=entry.name), entry.content


def read_cdr_xml(data: bytes) -> Cdr:
    """Read a CDR XML document."""
    try:
        root = parse_untrusted(data)
    except UnsafeXmlError as exc:
        raise CdrError(f"unreadable CDR XML: {exc}") from exc
    if local_name(root) != "ApplicationResponse":
        raise CdrError(f"not a CDR: root element is {local_name(root) or root.tag!r}")
    document_response = first_child(root, "DocumentResponse")
    if document_response is None:
        raise CdrError("CDR without cac:DocumentResponse")
    response = first_child(document_response, "Response")
    if response is None:
        raise CdrError("CDR without cac:DocumentResponse/cac:Response")
    code = text_of(first_child(response, "ResponseCode"))
    if code is None:
        raise CdrError("CDR without cbc:ResponseCode")
    if not code.isdigit():
        raise CdrError(f"CDR response code {code!r} is not numeric")
    reference = first_child(document_response, "DocumentReference")
    return Cdr(
        response_code=code,
        description=text_of(first_child(response, "Description")),
        reference_id=text_of(first_child(response, "ReferenceID")),
        document_id=text_of(first_child(reference, "ID")) if reference is not None else None,
        notes=tuple(_notes(root, response)),
        qr_url=text_of(first_child(reference, "DocumentDescription")) if reference is not None else None,
        id=text_of(first_child(root, "ID")),
        issue_date=text_of(first_child(root, "IssueDate")),
        response_date=text_of(first_child(root, "ResponseDate")),
        receiver_id=_party_id(first_child(root, "ReceiverParty")),
        recipient_id=_party_id(first_child(document_response, "RecipientParty")),
        document_hash=_document_hash(reference),
    )


def parse_note(text: str) -> Note:
    """``"4252 - El dato ingresado…"`` → ``Note("4252", "El dato ingresado…")``."""
    match = _NOTE.match(text)
    if match:
        return Note(match.group(1).zfill(4), match.group(2).strip())
    return Note("", text.strip())


def _notes(root: etree._Element, response: etree._Element) -> list[Note]:
    notes = [parse_note(text) for node in children_named(root, "Note") if (text := text_of(node))]
    for status in children_named(response, "Status"):
        code = text_of(first_child(status, "StatusReasonCode"))
        reason = text_of(first_child(status, "StatusReason"))
        if code or reason:
            if code and code.isdigit():
                notes.append(Note(code.zfill(4), reason or ""))
            else:
                notes.append(parse_note(" - ".join(part for part in (code, reason) if part)))
    return notes


def _party_id(party: etree._Element | None) -> str | None:
    if party is None:
        return None
    identification = first_child(party, "PartyIdentification")
    if identification is not None:
        return text_of(first_child(identification, "ID"))
    legal = first_child(party, "PartyLegalEntity")
    if legal is not None:
        return text_of(first_child(legal, "CompanyID"))
    return None


def _document_hash(reference: etree._Element | None) -> str | None:
    if reference is None:
        return None
    attachment = first_child(reference, "Attachment")
    external = first_child(attachment, "ExternalReference") if attachment is not None else None
    return text_of(first_child(external, "DocumentHash")) if external is not None else None
