"""TLS as it really fails: a loopback HTTPS server with a self-signed certificate.

Verification is on by default (the handshake fails, a non-retryable ``TLS`` exception), a CA bundle
makes the same server trusted (an OSE with its own chain), and a refused port is a retryable
``CONNECTION`` exception.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from yupana.sunat.bill_service import BillService
from yupana.sunat.credentials import SolCredentials
from yupana.sunat.endpoints import Endpoints
from yupana.sunat.results import Outcome
from yupana.sunat.transport import HttpOptions

SOL = SolCredentials("20000000001", "MODDATOS", "moddatos")
TICKET_ANSWER = (
    b'<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>'
    b'<ns2:sendSummaryResponse xmlns:ns2="http://service.sunat.gob.pe"><ticket>777</ticket>'
    b"</ns2:sendSummaryResponse></S:Body></S:Envelope>"
)


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sunat.local")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(TICKET_ANSWER)))
        self.end_headers()
        self.wfile.write(TICKET_ANSWER)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def https_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    cert, key = self_signed(tmp_path_factory.mktemp("tls"))
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}", cert
    server.shutdown()
    server.server_close()


def summary(base: str, options: HttpOptions | None = None):
    with BillService(Endpoints.custom(base + "/ose/billService"), SOL, options=options) as bill:
        return bill.send_summary("20000000001-RC-20261122-1.zip", b"zip")


def test_untrusted_certificate_is_a_tls_exception(https_server: tuple[str, Path]) -> None:
    base, _ = https_server
    result = summary(base)
    assert result.outcome is Outcome.EXCEPTION and result.code == "TLS" and result.retryable is False


def test_ca_bundle_trusts_an_ose_chain(https_server: tuple[str, Path]) -> None:
    base, cert = https_server
    result = summary(base, HttpOptions(ca_bundle=cert))
    assert result.outcome is Outcome.PENDING and result.ticket == "777"


def test_verification_can_be_switched_off(https_server: tuple[str, Path]) -> None:
    base, _ = https_server
    assert summary(base, HttpOptions(verify=False)).ticket == "777"


def test_refused_connection_is_retryable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = summary(f"http://127.0.0.1:{port}", HttpOptions(connect_timeout=2))
    assert result.outcome is Outcome.EXCEPTION and result.code == "CONNECTION" and result.retryable is True
