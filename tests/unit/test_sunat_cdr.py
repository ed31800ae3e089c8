"""Reading CDRs: every example CDR (SUNAT, OSE, GRE, rejection ZIP), and hostile ZIP/XML inputs."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from paths import FIXTURES, SUNAT
from yupana.domain.return_codes import message
from yupana.sunat.archive import zip_cdr
from yupana.sunat.cdr import CdrError, Note, parse_note, read_cdr_xml, read_cdr_zip
from yupana.sunat.results import Outcome, SunatResult

GREENTER_CDR = FIXTURES / "greenter-lycet" / "greenter-cdr"
GREENTER_WS = SUNAT / "examples" / "greenter-ws"
OPENUBL = SUNAT / "examples" / "openubl-xsender" / "cdr"
OPENUBL_RUST = SUNAT / "examples" / "openubl-xsender-rust"

QR = "https://e-factura.sunat.gob.pe/v1/contribuyente/gre/comprobantes/descargaqr?hashqr=xxxxxxxxxxxxxxxxxxxxxxxxxxx"


def result_of_xml(path: Path) -> SunatResult:
    xml = path.read_bytes()
    return SunatResult.from_cdr(read_cdr_xml(xml), None, xml)


def test_factura_accepted_iso_8859_1() -> None:
    cdr = read_cdr_xml((GREENTER_CDR / "R-20600995805-01-F001-1.xml").read_bytes())
    assert cdr.response_code == "0"
    assert cdr.description == "La Factura numero F001-00000001, ha sido aceptada"
    assert cdr.reference_id == "F001-1" and cdr.document_id == "F001-1"
    assert cdr.notes == () and cdr.qr_url is None
    assert cdr.id == "201656892705188" and cdr.issue_date == "2016-05-25"
    assert cdr.receiver_id == "20600995805" and cdr.recipient_id == "6-20587896411"
    assert result_of_xml(GREENTER_CDR / "R-20600995805-01-F001-1.xml").outcome is Outcome.ACCEPTED


def test_factura_observed_default_namespace() -> None:
    result = result_of_xml(GREENTER_CDR / "R-20600995805-01-F001-3.xml")
    assert result.outcome is Outcome.OBSERVED and result.code == "0"
    assert result.notes == (
        Note("4031", "Debe indicar el nombre comercial"),
        Note("4001", "El numero de RUC del receptor no existe."),
    )
    assert result.is_accepted and result.is_final and not result.retryable


def test_gre_cdr_with_qr_link_and_observation() -> None:
    result = result_of_xml(GREENTER_CDR / "R-20000000001-09-T001-1.xml")
    assert result.outcome is Outcome.OBSERVED
    assert result.qr_url == QR
    assert result.notes == (
        Note("4398", "El Número de placa no se encuentra en las bases consultadas, placa: F2E836"),
    )
    assert result.reference_id == "T001-1"


def test_gre_cdr_zip() -> None:
    data = (GREENTER_CDR / "cdrGRE.zip").read_bytes()
    result = SunatResult.from_cdr_zip(data, ticket="b1f343dc")
    assert result.outcome is Outcome.OBSERVED and result.qr_url == QR
    assert result.cdr_zip == data and result.cdr_xml is not None and b"ApplicationResponse" in result.cdr_xml
    assert result.ticket == "b1f343dc"


def test_ose_cdr_with_other_prefixes() -> None:
    cdr = read_cdr_xml((GREENTER_CDR / "efact_cdr1.xml").read_bytes())
    assert cdr.response_code == "0"
    assert cdr.description == "La Factura F001-1 ha sido aceptada."
    assert cdr.reference_id == "F001-1" and cdr.document_id == "F001-1"
    assert cdr.document_hash == "RwNDwdsWs4XMKM4BoTAf5MKh3T8="
    assert cdr.receiver_id == "20000000001" and cdr.recipient_id == "20000000001"
    assert cdr.id == "e449aad1-41f0-46e9-b10c-f33f680e0725"


def test_ose_observations_in_status_reason() -> None:
    xml = b"""<?xml version="1.0" encoding="UTF-8"?>
<ar:ApplicationResponse xmlns:ar="urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2"
 xmlns:x="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:y="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <x:DocumentResponse><x:Response><y:ReferenceID>F001-9</y:ReferenceID><y:ResponseCode>0</y:ResponseCode>
 <y:Description>La Factura F001-9 ha sido aceptada.</y:Description>
 <x:Status><y:StatusReasonCode listURI="urn:pe:gob:sunat:cpe:see:gem:codigos:codigoretorno">4287</y:StatusReasonCode>
 <y:StatusReason>El precio unitario de la operacion que se informa difiere</y:StatusReason></x:Status>
 </x:Response></x:DocumentResponse></ar:ApplicationResponse>"""
    result = SunatResult.from_cdr(read_cdr_xml(xml), None, xml)
    assert result.outcome is Outcome.OBSERVED
    assert result.notes == (Note("4287", "El precio unitario de la operacion que se informa difiere"),)


def test_rejection_zip_with_dummy_entry() -> None:
    data = (GREENTER_CDR / "cdr-rechazo.zip").read_bytes()
    cdr, xml = read_cdr_zip(data)
    assert cdr.file_name == "R-20600995805-01-F001-2.xml"
    assert cdr.response_code == "0109" and cdr.reference_id == "F001-2"
    result = SunatResult.from_cdr_zip(data)
    # 0109 is in SUNAT's exception range: "El servicio de autenticación no está disponible".
    assert result.outcome is Outcome.EXCEPTION and result.code == "0109" and result.retryable
    assert result.description == "El sistema no pudo procesar su solicitud"
    assert result.cdr_zip == data


def test_voided_cdr_zip() -> None:
    result = SunatResult.from_cdr_zip((GREENTER_CDR / "cdrBaja.zip").read_bytes())
    assert result.outcome is Outcome.ACCEPTED
    assert result.reference_id == "RA-20171001-1"
    assert result.description == "La Comunicación de baja RA-20171001-1, ha sido aceptada"


def test_rejected_cdr() -> None:
    xml = (GREENTER_CDR / "R-20600995805-01-F001-1.xml").read_bytes()
    xml = xml.replace(b"<cbc:ResponseCode>0</cbc:ResponseCode>", b"<cbc:ResponseCode>2017</cbc:ResponseCode>")
    xml = xml.replace(b"La Factura numero F001-00000001, ha sido aceptada", b"")
    result = SunatResult.from_cdr_zip(zip_cdr("R-20600995805-01-F001-1.xml", xml))
    assert result.outcome is Outcome.REJECTED and result.code == "2017"
    assert result.description == message("2017") and "receptor" in result.description
    assert result.cdr_zip is not None and result.is_final and not result.is_accepted


def test_openubl_cdrs() -> None:
    plain = result_of_xml(OPENUBL / "R-12345678901-01-F001-00000587.xml")
    assert plain.outcome is Outcome.ACCEPTED and plain.reference_id == "F001-00000587"
    observed = result_of_xml(OPENUBL / "R-20220557805-01-F001-22Openubl.XML")
    assert observed.outcome is Outcome.OBSERVED
    assert [note.code for note in observed.notes] == [
        "4252",
        "4255",
        "3030",
        "4255",
        "4252",
        "4252",
        "4252",
        "4252",
    ]
    assert observed.notes[2].message.startswith("El XML no contiene el tag o no existe información")


@pytest.mark.parametrize(
    "path",
    sorted(GREENTER_CDR.glob("*.xml"))
    + sorted(GREENTER_WS.glob("R-*.xml"))
    + sorted(OPENUBL.iterdir())
    + sorted(OPENUBL_RUST.glob("R-*.xml")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_every_example_cdr_reads(path: Path) -> None:
    cdr = read_cdr_xml(path.read_bytes())
    assert cdr.response_code.isdigit() and cdr.description and cdr.reference_id


@pytest.mark.parametrize(
    "path", sorted(GREENTER_CDR.glob("*.zip")) + sorted(GREENTER_WS.glob("*.zip")), ids=lambda p: p.name
)
def test_every_example_cdr_zip_reads(path: Path) -> None:
    result = SunatResult.from_cdr_zip(path.read_bytes())
    assert result.code is not None and result.code != "MALFORMED" and result.cdr_xml


def test_notes() -> None:
    assert parse_note("4252 - El dato - con guion") == Note("4252", "El dato - con guion")
    assert parse_note("  98-En proceso ") == Note("0098", "En proceso")
    assert parse_note("sin codigo") == Note("", "sin codigo")


# -- hostile or broken inputs ---------------------------------------------------------

CDR_XXE = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<ApplicationResponse xmlns="urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cac:DocumentResponse><cac:Response><cbc:ResponseCode>0</cbc:ResponseCode>
<cbc:Description>&x;</cbc:Description></cac:Response></cac:DocumentResponse></ApplicationResponse>"""

CDR_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY a{i} "{("&a" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode() for i in range(1, 10)
    )
    + b']><ApplicationResponse xmlns="urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2">'
    b"<DocumentResponse><Response><ResponseCode>0</ResponseCode><Description>&a9;</Description>"
    b"</Response></DocumentResponse></ApplicationResponse>"
)

CDR_UTF16_DOCTYPE = (
    CDR_XXE.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>')
    .decode()
    .encode("utf-16")
)


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("R-20000000001-01-F001-1.xml", b"<a>" + b" " * (20 * 1024 * 1024) + b"</a>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "xml", [CDR_XXE, CDR_LAUGHS, CDR_UTF16_DOCTYPE], ids=["xxe", "billion-laughs", "utf16-doctype"]
)
def test_hostile_cdr_xml_is_refused(xml: bytes) -> None:
    with pytest.raises(CdrError, match="DOCTYPE"):
        read_cdr_xml(xml)
    result = SunatResult.from_cdr_zip(zip_cdr("R-20000000001-01-F001-1.xml", xml))
    assert result.outcome is Outcome.EXCEPTION and result.code == "MALFORMED" and not result.retryable


def test_zip_bomb_is_refused() -> None:
    bomb = zip_bomb()
    assert len(bomb) < 100_000
    with pytest.raises(CdrError, match="expands too much"):
        read_cdr_zip(bomb)
    result = SunatResult.from_cdr_zip(bomb, http_status=200)
    assert result.outcome is Outcome.EXCEPTION and result.code == "MALFORMED"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip", "not a ZIP"),
        (zip_cdr("R-1.xml", b"<Invoice/>"), "not a CDR"),
        (zip_cdr("R-1.xml", b"<ApplicationResponse/>"), "DocumentResponse"),
        (zip_cdr("R-1.txt", b"<ApplicationResponse/>"), "exactly one XML"),
        (zip_cdr("R-1.xml", b"<ApplicationResponse><DocumentResponse><Response/></DocumentResponse></ApplicationResponse>"), "ResponseCode"),
        (zip_cdr("R-1.xml", b"<ApplicationResponse><DocumentResponse><Response><ResponseCode>OK</ResponseCode></Response></DocumentResponse></ApplicationResponse>"), "not numeric"),
    ],
)  # fmt: skip
def test_broken_cdr_zips(data: bytes, message: str) -> None:
    with pytest.raises(CdrError, match=message):
        read_cdr_zip(data)
    assert SunatResult.from_cdr_zip(data).code == "MALFORMED"
