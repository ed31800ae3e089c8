"""Every example XML of the shared SUNAT material, sent to the simulator over real HTTP, gets the
verdict SUNAT's SFS stylesheets give it (``tools/example-results-sfs-xsl.tsv``).

The files are samples: most are unsigned or signed by someone else, many fail SUNAT's XSD for
that reason, and voids refer to documents the simulator never saw. The simulator is therefore
run with ``--skip-check`` signature, xsd, references and duplicates, so that what is compared is
the stylesheets' verdict. Each file goes where SUNAT wants it, under the name the recorded run
gave it: facturas, boletas and notes to billService CPE (``sendBill``), retentions and
perceptions to the otros-CPE service, RC/RA to ``sendSummary`` on CPE and RR on otros CPE (then
``getStatus``), guías to the GRE REST platform.

What the recorded run could not say is taken from the validator that models SUNAT's servers
(``yupana.validation.sfs``): the three RR files (the recorded run had no ``regexp:match``) and
the files a known divergence of the SFS stylesheets applies to (boletas carrying their forma de
pago, ...). Three recorded names have no RUC (the sample has none where the stylesheets look):
SUNAT refuses such a ZIP name with 0151 before any stylesheet runs, and so does the simulator.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import saxonche  # noqa: F401  (the SFS stylesheets run on Saxon; a test dependency)

from paths import SFS_RULES, SUNAT
from simulator_harness import (
    CPE,
    OTROS,
    SimulatorProcess,
    beta_user,
    cdr_code,
    cdr_notes,
    cdr_of,
    post,
    send_file_envelope,
    ticket_envelope,
    zip_one,
)
from yupana.simulator.filenames import parse_xml_name

RESULTS = SUNAT / "tools" / "example-results-sfs-xsl.tsv"


@dataclass(frozen=True)
class Row:
    path: Path
    tipo: str
    file_name: str
    verdict: str  # "OK", "REJECT NNNN" or "ERROR …"
    warnings: tuple[str, ...]

    @property
    def stem(self) -> str:
        return self.file_name[: -len(".xml")]


def _rows() -> list[Row]:
    rows = []
    for line in RESULTS.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) < 5:  # SKIP: CDRs and files that are not documents
            continue
        warnings = cols[4].split("=", 1)[1]
        rows.append(
            Row(SUNAT / cols[0], cols[1], cols[2], cols[3], tuple(w for w in warnings.split(",") if w))
        )
    return rows


ROWS = _rows()


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorProcess]:
    process = SimulatorProcess(
        tmp_path_factory.mktemp("sim") / "data",
        rules=SFS_RULES,
        env={"YUPANA_SIM_TICKET_DELAY": "0"},
        args=("--skip-check", "signature", "--skip-check", "xsd", "--skip-check", "references",
              "--skip-check", "duplicates"),
    ).start()  # fmt: skip
    yield process
    process.stop()


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as http:
        yield http


@pytest.fixture(scope="module")
def validator():
    from yupana.validation.sfs import SfsValidator

    return SfsValidator(SFS_RULES)


@pytest.fixture(scope="module")
def gre_tokens(simulator, client) -> dict[str, str]:
    tokens: dict[str, str] = {}

    def token(ruc: str) -> str:
        if ruc not in tokens:
            form = {
                "grant_type": "password",
                "scope": "https://api-cpe.sunat.gob.pe",
                "client_id": "test-corpus",
                "client_secret": "test-corpus",
                "username": f"{ruc}MODDATOS",
                "password": "moddatos",
            }
            response = client.post(f"{simulator.url}/v1/clientessol/test-corpus/oauth2/token/", data=form)
            assert response.status_code == 200, response.text
            tokens[ruc] = response.json()["access_token"]
        return tokens[ruc]

    return token  # type: ignore[return-value]


def test_the_corpus_is_there() -> None:
    assert len(ROWS) > 200
    assert {row.tipo for row in ROWS} >= {"01", "03", "07", "08", "09", "20", "31", "40", "RA", "RC", "RR"}


def expected(row: Row, validator) -> tuple[str, tuple[str, ...]]:
    """(code, observation codes): "0" when accepted."""
    from yupana.validation.sfs import KNOWN_DIVERGENCES

    diverging = {code for d in KNOWN_DIVERGENCES if row.tipo in d.document_types for code in d.codes}
    recorded_codes = set(row.warnings) | (
        {row.verdict.split()[1]} if row.verdict.startswith("REJECT") else set()
    )
    if row.verdict.startswith("ERROR") or recorded_codes & diverging:
        verdict = validator.check(row.path.read_bytes(), row.file_name)
        if verdict.accepted:
            return "0", tuple(p.code for p in verdict.problems.warnings)
        return str(verdict.code), ()
    if row.verdict == "OK":
        return "0", row.warnings
    return row.verdict.split()[1], ()


def _send_document(client, simulator, row: Row, xml: bytes, path: str) -> tuple[str, tuple[str, ...]]:
    user = beta_user(row.file_name[:11])
    body = send_file_envelope("send_bill.xml", f"{row.stem}.zip", zip_one(row.file_name, xml), user)
    answer = post(client, simulator.url + path, body, "sendBill")
    if answer.is_fault:
        assert answer.faultcode.startswith("soap-env:Client."), answer.faultstring
        return answer.faultcode.rsplit(".", 1)[1], ()
    cdr = cdr_of(answer.zip_field("applicationResponse"))[2]
    return cdr_code(cdr), tuple(note.split(" - ", 1)[0] for note in cdr_notes(cdr))


def _send_summary(client, simulator, row: Row, xml: bytes, path: str) -> tuple[str, tuple[str, ...]]:
    user = beta_user(row.file_name[:11])
    body = send_file_envelope("send_summary.xml", f"{row.stem}.zip", zip_one(row.file_name, xml), user)
    answer = post(client, simulator.url + path, body, "sendSummary")
    assert not answer.is_fault, answer.faultstring
    status = post(client, simulator.url + path, ticket_envelope(answer.field("ticket"), user), "getStatus")
    code = status.field("status/statusCode")
    cdr = cdr_of(status.zip_field("status/content"))[2]
    assert code == ("0" if cdr_code(cdr) == "0" else "99")
    return cdr_code(cdr), tuple(note.split(" - ", 1)[0] for note in cdr_notes(cdr))


def _send_guide(client, simulator, token, row: Row, xml: bytes) -> tuple[str, tuple[str, ...]]:
    data = zip_one(row.file_name, xml)
    headers = {"Authorization": f"Bearer {token(row.file_name[:11])}"}
    archivo = {
        "nomArchivo": f"{row.stem}.zip",
        "arcGreZip": base64.b64encode(data).decode("ascii"),
        "hashZip": hashlib.sha256(data).hexdigest(),
    }
    sent = client.post(
        f"{simulator.url}/v1/contribuyente/gem/comprobantes/{row.stem}",
        json={"archivo": archivo},
        headers=headers,
    )
    assert sent.status_code == 200, sent.text
    answer = client.get(
        f"{simulator.url}/v1/contribuyente/gem/comprobantes/envios/{sent.json()['numTicket']}",
        headers=headers,
    ).json()
    if answer["codRespuesta"] == "0":
        cdr = cdr_of(base64.b64decode(answer["arcCdr"]))[2]
        return "0", tuple(note.split(" - ", 1)[0] for note in cdr_notes(cdr))
    assert answer["codRespuesta"] == "99"
    return answer["error"]["numError"], ()


@pytest.mark.parametrize("row", ROWS, ids=[str(row.path.relative_to(SUNAT / "examples")) for row in ROWS])
def test_simulator_gives_the_stylesheets_verdict(simulator, client, validator, gre_tokens, row: Row) -> None:
    xml = row.path.read_bytes()
    if parse_xml_name(row.file_name) is None:
        body = send_file_envelope(
            "send_bill.xml", f"{row.stem}.zip", zip_one(row.file_name, xml), beta_user("20000000001")
        )
        answer = post(client, simulator.url + CPE, body, "sendBill")
        assert answer.faultcode == "soap-env:Client.0151"
        return
    if row.tipo in ("RC", "RA"):
        got = _send_summary(client, simulator, row, xml, CPE)
    elif row.tipo == "RR":
        got = _send_summary(client, simulator, row, xml, OTROS)
    elif row.tipo in ("09", "31"):
        got = _send_guide(client, simulator, gre_tokens, row, xml)
    else:
        got = _send_document(client, simulator, row, xml, OTROS if row.tipo in ("20", "40") else CPE)
    assert got == expected(row, validator)
