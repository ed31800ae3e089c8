"""Running the SUNAT simulator as a real process and talking to it over raw HTTP.

Envelopes are SUNAT's request templates (``services/soap-messages/requests`` of the shared
material) with their ``{{…}}`` placeholders filled in; answers are read with lxml. Nothing here
uses Yupana's own SUNAT client.
"""

from __future__ import annotations

import base64
import io
import os
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import httpx
from lxml import etree

from paths import ROOT, SUNAT

REQUESTS = SUNAT / "services" / "soap-messages" / "requests"
RESPONSES = SUNAT / "services" / "soap-messages" / "responses"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SERVICE_NS = "http://service.sunat.gob.pe"
CPE = "/ol-ti-itcpfegem-beta/billService"
CPE_PRODUCTION = "/ol-ti-itcpfegem/billService"
OTROS = "/ol-ti-itemision-otroscpe-gem-beta/billService"
CONSULT = "/ol-it-wsconscpegem/billConsultService"
NS = {
    "soap": SOAP_ENV,
    "ar": "urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SimulatorProcess:
    """``python -m yupana.cli simulator`` on a free loopback port."""

    def __init__(
        self,
        data_dir: Path,
        *,
        rules: Path | None = None,
        env: Mapping[str, str] | None = None,
        args: tuple[str, ...] = (),
    ) -> None:
        self.data_dir = data_dir
        self.rules = rules
        self.env = dict(env or {})
        self.args = args
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> SimulatorProcess:
        self.port = free_port()
        command = [
            sys.executable,
            "-m",
            "yupana.cli",
            "simulator",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        command += ["--data", str(self.data_dir)]
        if self.rules is not None:
            command += ["--rules", str(self.rules)]
        command += list(self.args)
        env = {k: v for k, v in os.environ.items() if not k.startswith("YUPANA_SIM_")}
        env.pop("YUPANA_SUNAT_RULES", None)
        env.update(self.env)
        env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
        self.log = self.data_dir.parent / f"simulator-{self.port}.log"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        handle = self.log.open("wb")
        self.process = subprocess.Popen(
            command, stdout=handle, stderr=subprocess.STDOUT, cwd=str(ROOT), env=env
        )
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the simulator exited: {self.log.read_text(errors='replace')}")
            try:
                if httpx.get(self.url + "/", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the simulator did not start: {self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def admin(
        self, method: str, path: str, json: object | None = None, token: str | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.request(method, f"{self.url}/_admin{path}", json=json, headers=headers, timeout=10)


# -- SOAP ------------------------------------------------------------------------------------------


def envelope(template: str, values: Mapping[str, str]) -> bytes:
    """SUNAT's request template ``template`` (e.g. ``send_bill.xml``) with its placeholders filled."""
    text = (REQUESTS / template).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", escape(value))
    assert "{{" not in text, f"unfilled placeholder in {template}"
    return text.encode("utf-8")


def zip_one(name: str, content: bytes, *more: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
        for other, data in more:
            archive.writestr(other, data)
    return buffer.getvalue()


def beta_user(ruc: str) -> tuple[str, str]:
    return f"{ruc}MODDATOS", "moddatos"


def send_file_envelope(template: str, file_name: str, zip_bytes: bytes, user: tuple[str, str]) -> bytes:
    return envelope(
        template,
        {
            "username": user[0],
            "password": user[1],
            "body.filename": file_name,
            "body.file_content": base64.b64encode(zip_bytes).decode("ascii"),
        },
    )


def ticket_envelope(ticket: str, user: tuple[str, str]) -> bytes:
    return envelope("verify_ticket.xml", {"username": user[0], "password": user[1], "ticket": ticket})


def consult_envelope(ruc: str, tipo: str, serie: str, numero: str, user: tuple[str, str]) -> bytes:
    return envelope(
        "get_status_crd.xml",
        {
            "username": user[0],
            "password": user[1],
            "body.ruc": ruc,
            "body.tipo_comprobante": tipo,
            "body.serie_comprobante": serie,
            "body.numero_comprobante": numero,
        },
    )


def consult_status_envelope(ruc: str, tipo: str, serie: str, numero: str, user: tuple[str, str]) -> bytes:
    """billConsultService getStatus: the getStatusCdr template with the other operation."""
    return consult_envelope(ruc, tipo, serie, numero, user).replace(b"getStatusCdr", b"getStatus")


@dataclass
class SoapAnswer:
    status: int
    body: bytes

    @property
    def root(self) -> etree._Element:
        return etree.fromstring(self.body)

    @property
    def is_fault(self) -> bool:
        return self.root.find("soap:Body/soap:Fault", NS) is not None

    @property
    def faultcode(self) -> str:
        return self.root.findtext("soap:Body/soap:Fault/faultcode", namespaces=NS) or ""

    @property
    def faultstring(self) -> str:
        return self.root.findtext("soap:Body/soap:Fault/faultstring", namespaces=NS) or ""

    def answer(self) -> etree._Element:
        """The ``…Response`` element of the body."""
        body = self.root.find("soap:Body", NS)
        assert body is not None
        return body[0]

    def field(self, path: str) -> str | None:
        return self.answer().findtext(path)

    def zip_field(self, path: str) -> bytes:
        text = self.field(path)
        assert text, f"no {path} in {self.body[:500]!r}"
        return base64.b64decode(text)


def post(client: httpx.Client, url: str, body: bytes, action: str = "") -> SoapAnswer:
    response = client.post(
        url, content=body, headers={"Content-Type": "text/xml;charset=UTF-8", "SOAPAction": f"urn:{action}"}
    )
    return SoapAnswer(response.status_code, response.content)


def cdr_of(zip_bytes: bytes) -> tuple[list[str], str, etree._Element, bytes]:
    """(entry names, xml name, CDR root, CDR bytes) of a CDR ZIP."""
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        names = archive.namelist()
        xml_name = next(name for name in names if name.lower().endswith(".xml"))
        data = archive.read(xml_name)
    return names, xml_name, etree.fromstring(data), data


def cdr_code(root: etree._Element) -> str:
    return root.findtext("cac:DocumentResponse/cac:Response/cbc:ResponseCode", namespaces=NS) or ""


def cdr_notes(root: etree._Element) -> list[str]:
    return [note.text or "" for note in root.findall("cbc:Note", NS)]


def element_paths(root: etree._Element) -> set[str]:
    """Every element's path of local-qualified names ({ns}local/...), for shape comparisons."""
    paths: set[str] = set()

    def walk(element: etree._Element, prefix: str) -> None:
        if not isinstance(element.tag, str):
            return
        path = f"{prefix}/{element.tag}"
        paths.add(path)
        for child in element:
            walk(child, path)

    walk(root, "")
    return paths


# -- documents -------------------------------------------------------------------------------------

EXAMPLES = ROOT / "examples" / "documents"
ISSUER_FILE = ROOT / "examples" / "issuer.json"
ISSUER_RUC = "20123456786"


def lima_today() -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("America/Lima")).date().isoformat()


class DocumentFactory:
    """Signed documents from the project's examples, built with the project's own pipeline."""

    def __init__(self, signer: object) -> None:
        import json
        from decimal import Decimal

        from yupana.dialects.native.issuer import parse_issuer
        from yupana.dialects.registry import dialect
        from yupana.service.build import DocumentBuilder

        self._json = lambda text: json.loads(text, parse_float=Decimal)
        self.issuer = parse_issuer(self._json(ISSUER_FILE.read_text(encoding="utf-8")))
        self.dialect = dialect("native")
        self.builder = DocumentBuilder(signer, None, offline=True)  # type: ignore[arg-type]

    def body(self, example: str, **changes: object) -> dict:
        body = self._json((EXAMPLES / f"{example}.json").read_text(encoding="utf-8"))
        today = lima_today()
        for key in ("fecha_emision", "fecha_generacion", "fecha_referencia", "fecha_inicio_traslado"):
            if key in body:
                body[key] = today
        # Retention and perception payments must fall in the month of issue (2625/2626).
        for document in body.get("documents", []):
            for payment in document.get("payments", []):
                payment["fecha"] = today
        body.update(changes)
        return body

    def build(self, example: str, **changes: object) -> tuple[str, bytes]:
        """(file stem, signed XML) of ``examples/documents/<example>.json`` with ``changes``."""
        return self.build_body(self.body(example, **changes))

    def build_body(self, body: dict) -> tuple[str, bytes]:
        built = self.builder.build(self.dialect.parse(body, self.issuer))
        return built.document.file_stem, built.xml


def resign(xml: bytes, signer: object, edit: object = None) -> bytes:
    """``xml`` with its signature removed, ``edit(root)`` applied, and signed again."""
    from yupana.ubl.namespaces import SIGNATURE_ID

    root = etree.fromstring(xml)
    for signature in root.findall(".//ds:Signature", NS):
        signature.getparent().remove(signature)
    if edit is not None:
        edit(root)  # type: ignore[operator]
    signer.sign(root, SIGNATURE_ID)  # type: ignore[attr-defined]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
