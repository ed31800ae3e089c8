"""The SUNAT simulator's GRE REST platform over real HTTP: OAuth2 token, send, poll, errors, in the
shapes of SUNAT's OpenAPI description (``services/gre-rest/openapi.yaml``)."""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Iterator

import httpx
import pytest
import saxonche  # noqa: F401  (the SFS stylesheets run on Saxon; a test dependency)

from paths import SFS_RULES
from simulator_harness import ISSUER_RUC, NS, DocumentFactory, SimulatorProcess, cdr_code, cdr_of, zip_one
from yupana.domain import return_codes
from yupana.signing.verify import verify

CLIENT_ID = "test-85e5b0ae-255c-4891-a595-0b98c65c9854"
CLIENT_SECRET = "test-Hty/M6QshYvPgItX2P0+Kw=="
DELAY = 1.0


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorProcess]:
    process = SimulatorProcess(
        tmp_path_factory.mktemp("sim") / "data", rules=SFS_RULES, env={"YUPANA_SIM_TICKET_DELAY": str(DELAY)}
    ).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as http:
        yield http


@pytest.fixture(scope="module")
def documents(test_signer) -> DocumentFactory:
    return DocumentFactory(test_signer)


def token_form(client_id: str = CLIENT_ID, secret: str = CLIENT_SECRET, password: str = "moddatos") -> dict:
    return {
        "grant_type": "password",
        "scope": "https://api-cpe.sunat.gob.pe",
        "client_id": client_id,
        "client_secret": secret,
        "username": f"{ISSUER_RUC}MODDATOS",
        "password": password,
    }


def get_token(client, simulator, **form) -> httpx.Response:
    data = token_form(**form)
    return client.post(f"{simulator.url}/v1/clientessol/{data['client_id']}/oauth2/token/", data=data)


@pytest.fixture(scope="module")
def bearer(simulator, client) -> dict[str, str]:
    response = get_token(client, simulator)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


_numbers = iter(range(300, 100_000))


def guide(documents: DocumentFactory) -> tuple[str, bytes]:
    return documents.build("despatch-remitente-privado", correlativo=next(_numbers))


def payload(stem: str, xml: bytes, **changes: str) -> dict:
    data = zip_one(f"{stem}.xml", xml)
    archivo = {
        "nomArchivo": f"{stem}.zip",
        "arcGreZip": base64.b64encode(data).decode("ascii"),
        "hashZip": hashlib.sha256(data).hexdigest(),
    }
    archivo.update(changes)
    return {"archivo": archivo}


def send(client, simulator, headers, stem: str, body: dict) -> httpx.Response:
    return client.post(
        f"{simulator.url}/v1/contribuyente/gem/comprobantes/{stem}", json=body, headers=headers
    )


def poll(client, simulator, headers, ticket: str) -> dict:
    url = f"{simulator.url}/v1/contribuyente/gem/comprobantes/envios/{ticket}"
    first = client.get(url, headers=headers)
    assert first.status_code == 200 and first.json() == {"codRespuesta": "98"}
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        time.sleep(DELAY / 3)
        answer = client.get(url, headers=headers).json()
        if answer["codRespuesta"] != "98":
            return answer
    raise AssertionError("the ticket never left 98")


def test_token(simulator, client) -> None:
    response = get_token(client, simulator)
    assert response.status_code == 200
    token = response.json()
    assert set(token) == {"access_token", "token_type", "expires_in"}
    assert isinstance(token["expires_in"], int) and token["expires_in"] > 0
    assert token["access_token"].count(".") == 2


def test_token_refusals(simulator, client) -> None:
    unknown = get_token(client, simulator, client_id="cliente-desconocido")
    assert unknown.status_code == 401 and unknown.json()["error"] == "invalid_client"
    wrong = get_token(client, simulator, password="otra")
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    registered = simulator.admin(
        "POST", "/gre-clients", {"client_id": "propio-1", "client_secret": "s3creto"}
    )
    assert registered.status_code == 200
    assert get_token(client, simulator, client_id="propio-1", secret="s3creto").status_code == 200
    assert get_token(client, simulator, client_id="propio-1", secret="otro").status_code == 401


def test_send_then_poll_gives_the_cdr(simulator, client, documents, bearer) -> None:
    stem, xml = guide(documents)
    response = send(client, simulator, bearer, stem, payload(stem, xml))
    assert response.status_code == 200, response.text
    sent = response.json()
    assert set(sent) == {"numTicket", "fecRecepcion"}
    answer = poll(client, simulator, bearer, sent["numTicket"])
    assert answer["codRespuesta"] == "0" and answer["indCdrGenerado"] == "1"
    assert "error" not in answer
    names, _, cdr, cdr_bytes = cdr_of(base64.b64decode(answer["arcCdr"]))
    assert names == ["dummy/", f"R-{stem}.xml"]
    assert cdr_code(cdr) == "0"
    identifier = stem.split("-", 2)[2]
    assert cdr.findtext("cac:DocumentResponse/cac:Response/cbc:Description", namespaces=NS) == (
        f"El Comprobante  numero {identifier}, ha sido aceptado"
    )
    qr = cdr.findtext("cac:DocumentResponse/cac:DocumentReference/cbc:DocumentDescription", namespaces=NS)
    assert qr.startswith(
        "https://e-factura.sunat.gob.pe/v1/contribuyente/gre/comprobantes/descargaqr?hashqr="
    )
    assert len(cdr.findtext("cbc:ID", namespaces=NS)) == 36  # a UUID, as SUNAT's GRE CDRs
    assert verify(cdr_bytes).valid
    # The same guía again: processed, then 99 with SUNAT's duplicate code and no CDR.
    again = send(client, simulator, bearer, stem, payload(stem, xml)).json()
    duplicate = poll(client, simulator, bearer, again["numTicket"])
    assert duplicate["codRespuesta"] == "99" and duplicate["indCdrGenerado"] == "0"
    assert duplicate["error"] == {"numError": "1033", "desError": return_codes.message("1033")}


def test_altered_guide_is_99_with_a_cdr_de_rechazo(simulator, client, documents, bearer) -> None:
    stem, xml = guide(documents)
    tampered = xml.replace(b"EMPRESA DE DEMOSTRACION", b"EMPRESA DE DEMOSTRACION 2")
    assert tampered != xml
    sent = send(client, simulator, bearer, stem, payload(stem, tampered)).json()
    answer = poll(client, simulator, bearer, sent["numTicket"])
    assert answer["codRespuesta"] == "99" and answer["indCdrGenerado"] == "1"
    assert answer["error"]["numError"] == "2335"
    assert cdr_code(cdr_of(base64.b64decode(answer["arcCdr"]))[2]) == "2335"


def test_refusals_on_reception(simulator, client, documents, bearer) -> None:
    stem, xml = guide(documents)
    no_token = send(client, simulator, {}, stem, payload(stem, xml))
    assert no_token.status_code == 401
    bad_token = send(client, simulator, {"Authorization": "Bearer nada"}, stem, payload(stem, xml))
    assert bad_token.status_code == 401

    def refused(body: dict, path_stem: str = stem) -> str:
        response = send(client, simulator, bearer, path_stem, body)
        assert response.status_code == 422, response.text
        error = response.json()
        assert set(error) == {"cod", "msg", "errors"} and len(error["errors"]) == 1
        return error["errors"][0]["cod"]

    assert refused(payload(stem, xml, hashZip="0" * 64)) == "0156"
    assert refused(payload(stem, xml, nomArchivo="otro.zip")) == "0151"
    assert refused(payload(stem, xml, arcGreZip="no es base64!")) == "0156"
    invoice_stem = f"{ISSUER_RUC}-01-F001-1"
    assert refused(payload(invoice_stem, xml), invoice_stem) == "0151"
    foreign = "20100070970" + stem[11:]
    assert refused(payload(foreign, xml), foreign) == "0154"
    missing = client.get(
        f"{simulator.url}/v1/contribuyente/gem/comprobantes/envios/no-existe", headers=bearer
    )
    assert missing.status_code == 422 and missing.json()["errors"][0]["cod"] == "0127"
