"""The simulator's CDR (Constancia de Recepción): a UBL ApplicationResponse shaped as SUNAT's.

The shape is that of the CDRs in SUNAT's own answers (``services/soap-messages/responses`` of the
shared material, beta 2023): UTF-8, root ``ar:ApplicationResponse``, UBLVersionID 2.0,
CustomizationID 1.0, a numeric reception ``cbc:ID`` (a UUID for guías), the document's issue date
as ``AAAA-MM-DDT00:00:00`` (empty for summaries), the response date and time in Lima,
observations as ``cbc:Note`` ``"4xxx - mensaje"``, ``cac:Signature`` "SignSUNAT" by SUNAT's RUC
20131312955, SUNAT as sender and the issuer as receiver, and one ``cac:DocumentResponse`` with
``cbc:ReferenceID``, ``cbc:ResponseCode``, ``cbc:Description``, the document reference and the
customer (``<tipo doc>-<número>``). Where SUNAT's beta leaves its signature unsigned, the simulator
signs with its own self-signed certificate (kept in its data folder), so clients can verify CDRs.

The CDR travels as ``R-<name>.zip`` holding a ``dummy/`` folder entry and ``R-<name>.xml``.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from lxml import etree

from yupana.signing.certificate import load_signing_key
from yupana.signing.selfsigned import make_self_signed_pfx
from yupana.signing.xmldsig import Signer
from yupana.simulator.facts import CAC, CBC, Facts
from yupana.sunat.archive import zip_cdr

SUNAT_RUC = "20131312955"
SIGNATURE_ID = "SignSUNAT"
CERTIFICATE_FILE = "simulator-certificate.pfx"
GRE_QR_URL = "https://e-factura.sunat.gob.pe/v1/contribuyente/gre/comprobantes/descargaqr?hashqr="

AR = "urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2"
EXT = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
DS = "http://www.w3.org/2000/09/xmldsig#"
NSMAP = {
    "ar": AR,
    "ext": EXT,
    "cbc": CBC,
    "cac": CAC,
    "ds": DS,
    "soap": "http://schemas.xmlsoap.org/soap/envelope/",
    "sac": "urn:sunat:names:specification:ubl:peru:schema:xsd:SunatAggregateComponents-1",
}
LIMA = ZoneInfo("America/Lima")

# How SUNAT's CDR names each document type in cbc:Description.
_ACCEPTED = {
    "01": "La Factura numero {id}, ha sido aceptada",
    "03": "La Boleta numero {id}, ha sido aceptada",
    "07": "La Nota de Credito numero {id}, ha sido aceptada",
    "08": "La Nota de Debito numero {id}, ha sido aceptada",
    "20": "El Comprobante de Retencion numero {id}, ha sido aceptado",
    "40": "El Comprobante de Percepcion numero {id}, ha sido aceptado",
    "09": "El Comprobante  numero {id}, ha sido aceptado",
    "31": "El Comprobante  numero {id}, ha sido aceptado",
    "RA": "La Comunicacion de baja {id}, ha sido aceptada",
    "RC": "El Resumen diario {id}, ha sido aceptado",
    "RR": "El Resumen de reversiones {id}, ha sido aceptado",
}


def accepted_description(tipo: str, identifier: str) -> str:
    return _ACCEPTED.get(tipo, "El comprobante {id}, ha sido aceptado").format(id=identifier)


@dataclass(frozen=True, slots=True)
class CdrContent:
    """What one CDR says."""

    stem: str  # the document's file name without extension
    tipo: str
    issuer_ruc: str
    facts: Facts
    response_code: str  # "0" or the code of the rejection / exception
    description: str
    notes: list[tuple[str, str]] = field(default_factory=list)  # observations (code, message)
    reception_id: str = ""


class CdrWriter:
    """Writes and signs CDRs with the simulator's certificate."""

    def __init__(self, signer: Signer) -> None:
        self.signer = signer

    @classmethod
    def for_data_dir(cls, data_dir: Path, password: str) -> CdrWriter:
        """The writer for the certificate kept in ``data_dir`` (made on first use)."""
        path = data_dir / CERTIFICATE_FILE
        if not path.exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            pfx = make_self_signed_pfx(SUNAT_RUC, password, razon_social="SUNAT SIMULADOR YUPANA")
            temporary = path.with_suffix(".tmp")
            temporary.write_bytes(pfx)
            temporary.replace(path)
        return cls(Signer(load_signing_key(path, password), "rsa-sha256"))

    def xml(self, content: CdrContent, now: datetime | None = None) -> bytes:
        moment = (now or datetime.now(LIMA)).astimezone(LIMA)
        root = etree.Element(f"{{{AR}}}ApplicationResponse", nsmap=NSMAP)
        extension = etree.SubElement(
            etree.SubElement(root, f"{{{EXT}}}UBLExtensions"), f"{{{EXT}}}UBLExtension"
        )
        etree.SubElement(extension, f"{{{EXT}}}ExtensionContent")
        _cbc(root, "UBLVersionID", "2.0")
        _cbc(root, "CustomizationID", "1.0")
        _cbc(root, "ID", content.reception_id)
        is_summary = content.tipo in ("RC", "RA", "RR")
        issue = content.facts.issue_date
        _cbc(root, "IssueDate", None if is_summary or not issue else f"{issue}T00:00:00")
        _cbc(root, "IssueTime", "00:00:00")
        _cbc(root, "ResponseDate", moment.strftime("%Y-%m-%d"))
        _cbc(root, "ResponseTime", moment.strftime("%H:%M:%S"))
        for code, message in content.notes:
            _cbc(root, "Note", f"{code} - {message}")
        signature = _cac(root, "Signature")
        _cbc(signature, "ID", SIGNATURE_ID)
        signatory = _cac(signature, "SignatoryParty")
        _cbc(_cac(signatory, "PartyIdentification"), "ID", SUNAT_RUC)
        _cbc(_cac(signatory, "PartyName"), "Name", "SUNAT")
        reference = _cac(_cac(signature, "DigitalSignatureAttachment"), "ExternalReference")
        _cbc(reference, "URI", f"#{SIGNATURE_ID}")
        _cbc(_cac(_cac(root, "SenderParty"), "PartyIdentification"), "ID", SUNAT_RUC)
        _cbc(_cac(_cac(root, "ReceiverParty"), "PartyIdentification"), "ID", content.issuer_ruc)
        response = _cac(root, "DocumentResponse")
        answer = _cac(response, "Response")
        _cbc(answer, "ReferenceID", content.facts.identifier)
        _cbc(answer, "ResponseCode", content.response_code)
        _cbc(answer, "Description", content.description)
        document = _cac(response, "DocumentReference")
        _cbc(document, "ID", content.facts.identifier)
        if content.tipo in ("09", "31") and content.response_code == "0":
            hashqr = (
                base64.urlsafe_b64encode(hashlib.sha256(content.stem.encode()).digest()).decode().rstrip("=")
            )
            _cbc(document, "DocumentDescription", GRE_QR_URL + hashqr)
        _cbc(_cac(_cac(response, "RecipientParty"), "PartyIdentification"), "ID", content.facts.recipient)
        self.signer.sign(root, SIGNATURE_ID)
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8")

    def zipped(self, content: CdrContent, now: datetime | None = None) -> bytes:
        """``R-<name>.zip`` with the ``dummy/`` entry and ``R-<name>.xml``."""
        return zip_cdr(f"R-{content.stem}.xml", self.xml(content, now))


def cdr_zip_name(stem: str) -> str:
    return f"R-{stem}.zip"


def _cbc(parent: etree._Element, name: str, text: str | None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CBC}}}{name}")
    element.text = text
    return element


def _cac(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{CAC}}}{name}")
