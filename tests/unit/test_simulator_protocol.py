"""The simulator's parts without a server: settings from the environment, the fault draw, SOAP
envelopes next to SUNAT's real ones, the WSDL parts, the CDR writer, and the admin endpoint's
access rule (in process, over ASGI)."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import httpx
import pytest
from lxml import etree

from paths import SUNAT
from yupana.signing.verify import verify
from yupana.simulator import soap, wsdl
from yupana.simulator.cdr import CdrContent, CdrWriter
from yupana.simulator.config import FaultSettings, SettingsError, SimulatorSettings
from yupana.simulator.facts import Facts
from yupana.simulator.faults import ConnectionDropped, FaultInjector, drop_connection

RESPONSES = SUNAT / "services" / "soap-messages" / "responses"
REQUESTS = SUNAT / "services" / "soap-messages" / "requests"


def paths(root: etree._Element) -> list[tuple[str, str | None]]:
    """(tag, prefix) of every element, in document order."""
    return [(element.tag, element.prefix) for element in root.iter() if isinstance(element.tag, str)]


# -- settings -------------------------------------------------------------------------------------


def test_settings_from_the_environment() -> None:
    settings = SimulatorSettings.from_env(
        {
            "YUPANA_SIM_DATA": "/tmp/sim",
            "YUPANA_SUNAT_RULES": "/rules",
            "YUPANA_SIM_TICKET_DELAY": "0.25",
            "YUPANA_SIM_SKIP_CHECKS": "signature, XSD",
            "YUPANA_SIM_FAULTS": "reset,lost-cdr",
            "YUPANA_SIM_SEED": "9",
            "YUPANA_SIM_ADMIN_TOKEN": "t",
        }
    )
    assert settings.data_dir == Path("/tmp/sim") and settings.rules_dir == Path("/rules")
    assert settings.ticket_delay == 0.25
    assert settings.skip_checks == {"signature", "xsd"}
    assert settings.faults == FaultSettings(rate=1.0, kinds=("reset", "lost-cdr"), seed=9)
    assert settings.admin_token == "t"
    defaults = SimulatorSettings.from_env({})
    assert defaults.faults.rate == 0 and defaults.ticket_delay == 1.0 and defaults.rejections == "fault"


@pytest.mark.parametrize(
    "env",
    [
        {"YUPANA_SIM_FAULTS": "terremoto"},
        {"YUPANA_SIM_FAULT_RATE": "1.5"},
        {"YUPANA_SIM_TICKET_DELAY": "pronto"},
        {"YUPANA_SIM_SKIP_CHECKS": "todo"},
        {"YUPANA_SIM_REJECTIONS": "nunca"},
        {"YUPANA_SIM_SEED": "x"},
    ],
)
def test_bad_settings(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        SimulatorSettings.from_env(env)


# -- faults ---------------------------------------------------------------------------------------


def test_the_draw_repeats_with_its_seed_and_the_queue_comes_first() -> None:
    settings = FaultSettings(rate=0.3, kinds=("reset", "http503", "0130"), seed=42)
    first = [FaultInjector(settings).draw() for _ in range(1)]
    one, two = FaultInjector(settings), FaultInjector(settings)
    draws = [one.draw() for _ in range(50)]
    assert draws == [two.draw() for _ in range(50)]
    assert first[0] == draws[0]
    assert 5 < sum(d is not None for d in draws) < 30
    assert set(draws) - {None} <= set(settings.kinds)
    one.enqueue(["lost-cdr", "latency"])
    assert [one.draw(), one.draw()] == ["lost-cdr", "latency"]
    one.clear()
    assert all(one.draw() is None for _ in range(20))
    with pytest.raises(SettingsError):
        one.enqueue(["terremoto"])


def test_no_faults_by_default() -> None:
    injector = FaultInjector(FaultSettings())
    assert all(injector.draw() is None for _ in range(100))


def test_dropping_without_a_transport_raises() -> None:
    with pytest.raises(ConnectionDropped):
        asyncio.run(drop_connection({"state": {}}))


# -- SOAP -----------------------------------------------------------------------------------------


def test_requests_from_sunats_templates_are_read() -> None:
    text = (REQUESTS / "send_bill.xml").read_text()
    text = text.replace("{{username}}", "20123456786MODDATOS").replace("{{password}}", "moddatos")
    text = text.replace("{{body.filename}}", "a.zip").replace("{{body.file_content}}", "UEsFBg==")
    request = soap.parse_request(text.encode())
    assert request.operation == "sendBill"
    assert (request.username, request.password) == ("20123456786MODDATOS", "moddatos")
    assert request.text("fileName") == "a.zip"
    assert soap.decode_content(request.text("contentFile")) == b"PK\x05\x06"


@pytest.mark.parametrize(
    "body",
    [
        b"not xml",
        b"<a/>",
        b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>',
        b'<!DOCTYPE x [<!ENTITY e "e">]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"/>',
    ],
)
def test_unreadable_requests(body: bytes) -> None:
    with pytest.raises(soap.MalformedRequest):
        soap.parse_request(body)


def test_answers_have_the_elements_and_prefixes_of_sunats() -> None:
    ok = etree.parse(str(RESPONSES / "bill_service_response_ok.xml")).getroot()
    ours = etree.fromstring(soap.send_bill_answer(b"zip"))
    assert paths(ours) == paths(ok)
    ticket = etree.parse(str(RESPONSES / "bill_service_response_ticket.xml")).getroot()
    assert paths(etree.fromstring(soap.ticket_answer("sendSummary", "1703154974517"))) == paths(ticket)
    status = etree.parse(str(RESPONSES / "get_status_response_ok.xml")).getroot()
    assert paths(etree.fromstring(soap.status_answer("getStatus", "status", "0", b"zip"))) == paths(status)
    fault = etree.parse(str(RESPONSES / "bill_service_response_fault.xml")).getroot()
    real = (fault.findtext(".//faultcode"), fault.findtext(".//faultstring"))
    assert paths(etree.fromstring(soap.fault(*real))) == paths(fault)
    ours_fault = etree.fromstring(soap.fault(*real))
    assert (ours_fault.findtext(".//faultcode"), ours_fault.findtext(".//faultstring")) == real


def test_fault_codes() -> None:
    assert soap.fault_code("0111") == "soap-env:Client.0111"
    assert soap.fault_code("0200") == "soap-env:Server.0200"
    assert soap.fault_code("2335") == "soap-env:Client.2335"
    escaped = etree.fromstring(soap.fault("soap-env:Client.0306", "a <b> & 'c'"))
    assert escaped.findtext(".//faultstring") == "a <b> & 'c'"


# -- WSDL -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("description", [wsdl.BILL_SERVICE, wsdl.CONSULT_SERVICE])
def test_wsdl_parts(description: wsdl.ServiceDescription) -> None:
    location = "http://127.0.0.1:8900/ol-ti-itcpfegem-beta/billService"
    service = etree.fromstring(wsdl.document(description, location, "wsdl"))
    assert service.find(".//{*}address").get("location") == location
    assert service.find("{*}import").get("location") == f"{location}?ns1.wsdl"
    actions = {
        op.get("soapAction") for op in service.iter("{http://schemas.xmlsoap.org/wsdl/soap/}operation")
    }
    assert actions == {f"urn:{name}" for name in description.operations}
    messages = etree.fromstring(wsdl.document(description, location, "ns1.wsdl"))
    assert messages.find(".//{*}import").get("schemaLocation") == f"{location}?{description.schema_part}"
    schema = etree.XMLSchema(etree.fromstring(wsdl.document(description, location, description.schema_part)))
    assert schema is not None
    assert wsdl.document(description, location, "otra-cosa") is None


# -- CDR ------------------------------------------------------------------------------------------


def test_cdr_writer_keeps_its_certificate(tmp_path: Path) -> None:
    writer = CdrWriter.for_data_dir(tmp_path, "clave")
    again = CdrWriter.for_data_dir(tmp_path, "clave")
    assert writer.signer.key.certificate_der == again.signer.key.certificate_der
    content = CdrContent(
        "20123456786-01-F001-7",
        "01",
        "20123456786",
        Facts("F001-7", "2026-11-20", "6-20601234565"),
        "0",
        "La Factura numero F001-7, ha sido aceptada",
        [("4251", "mensaje")],
        "1795000000000",
    )
    xml = writer.xml(content)
    assert verify(xml).valid
    root = etree.fromstring(xml)
    cbc = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
    assert root.findtext(f"{cbc}ID") == "1795000000000"
    assert root.findtext(f"{cbc}IssueDate") == "2026-11-20T00:00:00"
    assert [note.text for note in root.findall(f"{cbc}Note")] == ["4251 - mensaje"]
    real = etree.parse(str(RESPONSES / "bill_service_response_ok.xml")).getroot()
    real_cdr_zip = base64.b64decode(real.findtext(".//applicationResponse"))
    import io
    import zipfile

    with (
        zipfile.ZipFile(io.BytesIO(real_cdr_zip)) as archive,
        zipfile.ZipFile(io.BytesIO(writer.zipped(content))) as ours,
    ):
        assert [i.filename for i in ours.infolist()] == ["dummy/", "R-20123456786-01-F001-7.xml"]
        assert [i.is_dir() for i in ours.infolist()] == [i.is_dir() for i in archive.infolist()]


# -- admin access ---------------------------------------------------------------------------------


def test_admin_answers_loopback_only_without_a_token(tmp_path: Path) -> None:
    from yupana.simulator.app import create_app

    app = create_app(SimulatorSettings(data_dir=tmp_path / "data"))

    async def call(client_address: tuple[str, int]) -> int:
        transport = httpx.ASGITransport(app=app, client=client_address)
        async with httpx.AsyncClient(transport=transport, base_url="http://simulator") as client:
            return (await client.get("/_admin/state")).status_code

    assert asyncio.run(call(("127.0.0.1", 5000))) == 200
    assert asyncio.run(call(("192.0.2.10", 5000))) == 403
