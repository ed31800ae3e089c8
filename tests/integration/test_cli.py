"""The ``yupana`` command as other tools drive it: a real process, JSON lines out, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from corpus import fixture_json
from paths import FIXTURES, ROOT, SFS_RULES, TEST_PFX, TEST_PFX_PASSWORD
from signature_check import assert_xmlsec_verifies

ISSUER = ROOT / "examples" / "issuer.json"
GREENTER = FIXTURES / "greenter-lycet" / "greenter-demo-json"


def yupana(*args: str, env_rules: bool = False) -> subprocess.CompletedProcess[str]:
    import os

    env = dict(os.environ)
    env.pop("YUPANA_SUNAT_RULES", None)
    if env_rules:
        env["YUPANA_SUNAT_RULES"] = str(SFS_RULES)
    return subprocess.run(
        [sys.executable, "-m", "yupana.cli", *args], capture_output=True, text=True, env=env, timeout=300
    )


def lines(proc: subprocess.CompletedProcess[str]) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def pfx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cert") / "test.pfx"
    proc = yupana("cert", "selfsigned", "--ruc", "20123456786", "--out", str(out), "--password", "secret")
    assert proc.returncode == 0, proc.stderr
    assert lines(proc)[0]["ruc"] == "20123456786"
    return out


def test_selfsigned_rejects_bad_ruc(tmp_path: Path) -> None:
    proc = yupana("cert", "selfsigned", "--ruc", "123", "--out", str(tmp_path / "x.pfx"), "--password", "x")
    assert proc.returncode == 2
    assert "RUC" in proc.stderr
    assert not (tmp_path / "x.pfx").exists()


def test_build_examples_then_verify_and_validate(tmp_path: Path, pfx: Path) -> None:
    out = tmp_path / "xml"
    proc = yupana(
        "xml", "build", "--issuer", str(ISSUER), "--cert", str(pfx), "--cert-password", "secret",
        "--out", str(out), "--rules", str(SFS_RULES), str(ROOT / "examples" / "documents"),
    )  # fmt: skip
    results = lines(proc)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert results and all(r["errors"] == [] and r["file"] and r["hash"] for r in results)
    files = sorted(out.glob("*.xml"))
    assert len(files) == len(results)
    for result in results:
        name = Path(result["file"]).name
        assert name.startswith("20123456786-") and name.count("-") == 3
        assert_xmlsec_verifies(Path(result["file"]).read_bytes())

    verified = yupana("xml", "verify", *map(str, files))
    assert verified.returncode == 0, verified.stdout
    assert all(r["valid"] and r["digest_ok"] and r["signature_ok"] for r in lines(verified))
    assert {r["hash"] for r in lines(verified)} == {r["hash"] for r in results}

    validated = yupana("xml", "validate", *map(str, files), env_rules=True)
    assert validated.returncode == 0, validated.stdout
    assert all(r["verdict"] in ("accepted", "observed") and r["sunat_rules"] for r in lines(validated))


def test_build_greenter_dialect_and_tampered_file_fails_verify(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "factura.json").write_bytes(fixture_json(GREENTER / "factura.json", "fechaEmision"))
    proc = yupana(
        "xml", "build", "--dialect", "greenter", "--cert", str(TEST_PFX), "--cert-password", TEST_PFX_PASSWORD,
        "--out", str(tmp_path / "out"), str(src / "factura.json"),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (result,) = lines(proc)
    assert Path(result["file"]).name == "20123456786-01-F001-123.xml"
    signed = Path(result["file"])
    signed.write_bytes(signed.read_bytes().replace(b">336.00<", b">999.00<", 1))
    verified = yupana("xml", "verify", str(signed))
    assert verified.returncode == 1
    assert lines(verified)[0]["valid"] is False


def test_bad_inputs_give_json_errors_and_exit_1(tmp_path: Path, pfx: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a-malformed.json").write_text('{"serie": "F001", ')
    (src / "b-not-object.json").write_text("[1, 2, 3]")
    good = json.loads((ROOT / "examples" / "documents" / "factura-minima.json").read_text())
    good["customer"]["tipo_documento"] = "1"
    good["customer"]["numero_documento"] = "12345678"
    (src / "c-factura-to-dni.json").write_text(json.dumps(good))
    proc = yupana(
        "xml", "build", "--issuer", str(ISSUER), "--cert", str(pfx), "--cert-password", "secret",
        "--out", str(tmp_path / "out"), str(src),
    )  # fmt: skip
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    malformed, not_object, to_dni = lines(proc)
    assert malformed["file"] is None and "malformed JSON" in malformed["errors"][0]["message"]
    assert not_object["file"] is None and not_object["errors"]
    assert to_dni["file"] is None
    assert any(e["code"] and e["path"].startswith("customer") for e in to_dni["errors"]), to_dni


@pytest.mark.parametrize(
    "args",
    [
        ["xml", "build", "--cert", "/nonexistent.pfx", "--out", "/tmp/x", "in.json"],
        ["xml", "build", "--dialect", "klingon", "--cert", "c.pfx", "--out", "/tmp/x", "in.json"],
        ["xml", "frobnicate"],
    ],
)
def test_bad_usage_exits_2(args: list[str]) -> None:
    proc = yupana(*args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_wrong_certificate_password_exits_2(tmp_path: Path, pfx: Path) -> None:
    proc = yupana(
        "xml", "build", "--issuer", str(ISSUER), "--cert", str(pfx), "--cert-password", "Zq81-not-it",
        "--out", str(tmp_path), str(ROOT / "examples" / "documents"),
    )  # fmt: skip
    assert proc.returncode == 2
    assert "Zq81-not-it" not in proc.stderr  # the password is never echoed
    assert "Traceback" not in proc.stderr


def test_demo_ruc_needs_the_check_digit_switch(tmp_path: Path) -> None:
    src = tmp_path / "factura.json"
    src.write_bytes(fixture_json(GREENTER / "factura.json", "fechaEmision", valid_rucs=False))
    base = [
        "xml",
        "build",
        "--dialect",
        "greenter",
        "--cert",
        str(TEST_PFX),
        "--cert-password",
        TEST_PFX_PASSWORD,
    ]
    strict = yupana(*base, "--out", str(tmp_path / "a"), str(src))
    assert strict.returncode == 1
    (rejected,) = lines(strict)
    assert {"code": rejected["errors"][0]["code"], "path": rejected["errors"][0]["path"]} == {
        "code": "2104",
        "path": "company.ruc",
    }
    lenient = yupana(*base, "--no-ruc-check-digit", "--out", str(tmp_path / "b"), str(src))
    assert lenient.returncode == 0, lenient.stdout
    assert Path(lines(lenient)[0]["file"]).name == "20123456789-01-F001-123.xml"


def test_note_by_external_id_needs_the_server(tmp_path: Path, pfx: Path) -> None:
    src = tmp_path / "nc.json"
    src.write_bytes(
        fixture_json(
            FIXTURES / "facturadorpro" / "postman_v8" / "nota_credito_por_external_id.json",
            "fecha_de_emision",
        )
    )
    proc = yupana(
        "xml", "build", "--dialect", "facturadorpro", "--issuer", str(ISSUER), "--cert", str(pfx),
        "--cert-password", "secret", "--out", str(tmp_path / "out"), str(src),
    )  # fmt: skip
    assert proc.returncode == 1
    (result,) = lines(proc)
    assert result["errors"][0]["path"] == "documento_afectado.external_id"
    assert "server" in result["errors"][0]["message"]


def test_bad_algorithm_setting_is_usage_error(tmp_path: Path, pfx: Path) -> None:
    import os

    env = dict(os.environ, YUPANA_SIGNATURE_ALGORITHM="md5")
    proc = subprocess.run(
        [sys.executable, "-m", "yupana.cli", "xml", "build", "--issuer", str(ISSUER), "--cert", str(pfx),
         "--cert-password", "secret", "--out", str(tmp_path), str(ROOT / "examples" / "documents")],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "md5" in proc.stderr and "Traceback" not in proc.stderr


def test_two_inputs_naming_one_document_do_not_overwrite(tmp_path: Path, pfx: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    body = (ROOT / "examples" / "documents" / "factura-minima.json").read_text()
    (src / "a.json").write_text(body)
    (src / "b.json").write_text(body.replace('"100.00"', '"200.00"'))
    out = tmp_path / "out"
    proc = yupana(
        "xml", "build", "--issuer", str(ISSUER), "--cert", str(pfx), "--cert-password", "secret",
        "--out", str(out), str(src),
    )  # fmt: skip
    assert proc.returncode == 1
    first, second = lines(proc)
    assert first["errors"] == [] and first["file"]
    assert second["file"] is None and "already produced" in second["errors"][0]["message"]
    assert [p.name for p in out.iterdir()] == [Path(first["file"]).name]
    assert b">118.00<" in Path(first["file"]).read_bytes()  # the first input's document stands


def test_facturadorpro_summary_bodies_need_the_server(tmp_path: Path, pfx: Path) -> None:
    src = tmp_path / "resumen.json"
    src.write_bytes(
        fixture_json(FIXTURES / "facturadorpro" / "official_examples" / "resumen_diario.json", "x")
    )
    proc = yupana(
        "xml", "build", "--dialect", "facturadorpro", "--issuer", str(ISSUER), "--cert", str(pfx),
        "--cert-password", "secret", "--out", str(tmp_path / "out"), str(src),
    )  # fmt: skip
    assert proc.returncode == 1
    assert "only the server" in lines(proc)[0]["errors"][0]["message"]


def test_workers_keep_the_input_order_and_the_first_of_two_names(tmp_path: Path, pfx: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    body = json.loads((ROOT / "examples" / "documents" / "factura-minima.json").read_text())
    for number in range(1, 21):
        (src / f"f{number:02d}.json").write_text(json.dumps(body | {"correlativo": number}))
    twin = body | {"correlativo": 5, "lines": [body["lines"][0] | {"valor_unitario": "200.00"}]}
    (src / "f05b.json").write_text(json.dumps(twin))
    (src / "f10b.json").write_text("{")
    runs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        proc = yupana(
            "xml", "build", "--issuer", str(ISSUER), "--cert", str(pfx), "--cert-password", "secret",
            "--jobs", jobs, "--out", str(out), str(src),
        )  # fmt: skip
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        results = lines(proc)
        assert [r["input"] for r in results] == [str(p) for p in sorted(src.iterdir())]
        assert sorted(p.name for p in out.iterdir()) == sorted(
            Path(r["file"]).name for r in results if r["file"]
        )
        runs[jobs] = [r | {"file": r["file"] and Path(r["file"]).name} for r in results]
    assert runs["2"] == runs["1"]
    by_input = {Path(r["input"]).name: r for r in runs["2"]}
    assert by_input["f05b.json"]["file"] is None
    assert "f05.json of this run already produced" in by_input["f05b.json"]["errors"][0]["message"]
    assert "malformed JSON" in by_input["f10b.json"]["errors"][0]["message"]
    assert sum(1 for r in runs["2"] if r["errors"] == []) == 20
