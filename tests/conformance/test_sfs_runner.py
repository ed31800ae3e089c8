"""SfsValidator over the shared example corpus: the verdict of SUNAT's SFS stylesheets on each
file is the one recorded in ``tools/example-results-sfs-xsl.tsv`` (same OK / REJECT code, same
observation codes, same SUNAT file name), and the known divergences are handled."""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
import saxonche  # noqa: F401  (the SFS stylesheets run on Saxon; a test dependency)
from lxml import etree

from paths import SFS_RULES, SUNAT
from yupana.validation.sfs import (
    KNOWN_DIVERGENCES,
    NS,
    SfsUnavailable,
    SfsValidator,
    document_type,
    sfs_file_name,
)

RESULTS = SUNAT / "tools" / "example-results-sfs-xsl.tsv"


@dataclass(frozen=True)
class Expected:
    path: Path
    tipo: str
    file_name: str
    verdict: str  # "OK", "REJECT NNNN" or "ERROR ..."
    warnings: list[str]


def _rows() -> list[Expected]:
    rows = []
    for line in RESULTS.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) < 5:  # "SKIP": CDRs, files that are not XML
            continue
        warnings = cols[4].split("=", 1)[1]
        rows.append(
            Expected(SUNAT / cols[0], cols[1], cols[2], cols[3], warnings.split(",") if warnings else [])
        )
    return rows


ROWS = _rows()
CHECKED = [r for r in ROWS if not r.verdict.startswith("ERROR")]
# The recorded run had no regexp:match for the RR stylesheet; the validator supplies it.
RR_ROWS = [r for r in ROWS if r.verdict.startswith("ERROR")]


@pytest.fixture(scope="module")
def validator() -> SfsValidator:
    return SfsValidator(SFS_RULES)


def test_corpus_is_there() -> None:
    assert len(CHECKED) > 200
    assert {r.tipo for r in CHECKED} >= {"01", "03", "07", "08", "09", "20", "31", "40", "RA", "RC"}


@pytest.mark.parametrize("row", CHECKED, ids=[str(r.path.relative_to(SUNAT)) for r in CHECKED])
def test_raw_verdict_matches_the_recorded_sfs_run(validator: SfsValidator, row: Expected) -> None:
    verdict = validator.check(row.path.read_bytes(), divergences=False)
    assert verdict.document_type == row.tipo
    assert verdict.file_name == row.file_name
    got = "OK" if verdict.accepted else f"REJECT {verdict.code}"
    assert got == row.verdict
    assert [p.code for p in verdict.problems.warnings] == row.warnings
    if not verdict.accepted:
        (error,) = verdict.problems.errors
        assert error.message and error.code == verdict.sfs_code


@pytest.mark.parametrize("row", RR_ROWS, ids=[str(r.path.relative_to(SUNAT)) for r in RR_ROWS])
def test_rr_stylesheet_runs_with_the_regexp_shim(validator: SfsValidator, row: Expected) -> None:
    verdict = validator.check(row.path.read_bytes())
    assert verdict.document_type == "RR"
    # A SUNAT verdict, never a stylesheet failure (those carry no code).
    assert all(p.code is not None for p in verdict.problems.items)


def test_rr_verdicts(validator: SfsValidator) -> None:
    verdicts = {r.path.name: validator.check(r.path.read_bytes()).code for r in RR_ROWS}
    assert verdicts["12345678912-RR-20200328-1.xml"] is None
    assert verdicts["20123456789-RR-20190122-00111.xml"] == "2073"  # no CustomizationID


def test_validate_returns_the_problems(validator: SfsValidator) -> None:
    row = next(r for r in CHECKED if r.verdict == "REJECT 1034")
    problems = validator.validate(row.path.read_bytes(), row.file_name)
    assert [p.code for p in problems.errors] == ["1034"]
    assert "nodo" in problems.errors[0].message


def test_file_name_given_by_the_caller_is_used(validator: SfsValidator) -> None:
    row = next(r for r in CHECKED if r.tipo == "01" and r.verdict == "OK")
    wrong_ruc = "20100070970" + row.file_name[11:]
    problems = validator.validate(row.path.read_bytes(), wrong_ruc)
    assert [p.code for p in problems.errors] == ["1034"]


# -- known divergences --------------------------------------------------------------------------

BOLETAS_3128 = [r for r in CHECKED if r.tipo == "03" and r.verdict == "REJECT 3128"]


def test_divergence_table_documents_the_boleta_forma_pago_case() -> None:
    keys = {d.key for d in KNOWN_DIVERGENCES}
    assert "boleta-forma-pago" in keys
    assert all(d.summary and d.codes and d.document_types for d in KNOWN_DIVERGENCES)


@pytest.mark.parametrize("row", BOLETAS_3128, ids=[r.path.name for r in BOLETAS_3128])
def test_boleta_with_forma_pago_passes(validator: SfsValidator, row: Expected) -> None:
    verdict = validator.check(row.path.read_bytes())
    assert verdict.sfs_code == "3128"
    assert verdict.divergences == ("boleta-forma-pago",)
    assert verdict.accepted
    assert verdict.problems.items == [] or all(p.code for p in verdict.problems.warnings)


def _with_detraccion_terms(path: Path) -> bytes:
    root = etree.fromstring(path.read_bytes())
    terms = etree.SubElement(root, f"{{{NS['cac']}}}PaymentTerms")
    etree.SubElement(terms, f"{{{NS['cbc']}}}ID").text = "Detraccion"
    etree.SubElement(terms, f"{{{NS['cbc']}}}PaymentMeansID").text = "037"
    anchor = root.find("cac:PaymentTerms", NS)
    if anchor is not None:
        anchor.addprevious(copy.deepcopy(terms))
        root.remove(terms)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_real_3128_is_still_rejected(validator: SfsValidator) -> None:
    """A boleta carrying a detracción block on a venta interna is what 3128 is about."""
    row = BOLETAS_3128[0]
    verdict = validator.check(_with_detraccion_terms(row.path))
    assert verdict.code == "3128"
    assert verdict.divergences == ("boleta-forma-pago",)


def test_forma_pago_on_a_factura_is_not_a_divergence(validator: SfsValidator) -> None:
    row = next(r for r in CHECKED if r.tipo == "01" and r.verdict == "OK")
    verdict = validator.check(row.path.read_bytes())
    assert verdict.divergences == ()


# -- inputs that are not a supported document -----------------------------------------------------


def test_not_xml(validator: SfsValidator) -> None:
    problems = validator.validate(b"<Invoice><unclosed>", "x.xml")
    assert [p.code for p in problems.errors] == ["0306"]


def test_cdr_has_no_stylesheet(validator: SfsValidator) -> None:
    cdr = SUNAT / "examples" / "greenter-ws" / "R-20600995805-01-F001-1.xml"
    problems = validator.validate(cdr.read_bytes(), cdr.name)
    (error,) = problems.errors
    assert error.code is None and "ApplicationResponse" in error.message


def test_document_type_and_file_name() -> None:
    row = next(r for r in CHECKED if r.tipo == "RC")
    root = etree.fromstring(row.path.read_bytes())
    assert document_type(root) == "RC"
    assert sfs_file_name(root) == row.file_name


# -- configuration and concurrency ----------------------------------------------------------------


def test_rules_dir_must_contain_the_sfs_layout(tmp_path: Path) -> None:
    with pytest.raises(SfsUnavailable, match="sunat_archivos"):
        SfsValidator(tmp_path)


def test_rules_dir_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YUPANA_SUNAT_RULES", str(SFS_RULES))
    assert SfsValidator().rules_dir == SFS_RULES.resolve()
    monkeypatch.delenv("YUPANA_SUNAT_RULES")
    with pytest.raises(SfsUnavailable, match="YUPANA_SUNAT_RULES"):
        SfsValidator()


def test_concurrent_validation_gives_the_sequential_verdicts(validator: SfsValidator) -> None:
    sample = [r for r in CHECKED if r.tipo in ("01", "03", "07")][:12]
    data = [r.path.read_bytes() for r in sample]
    expected = [validator.check(x) for x in data]
    results: dict[int, list[object]] = {}

    def work(worker: int) -> None:
        results[worker] = [validator.check(x) for x in data]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for got in results.values():
        assert [(v.code, [p.code for p in v.problems.warnings]) for v in got] == [  # type: ignore[attr-defined]
            (v.code, [p.code for p in v.problems.warnings]) for v in expected
        ]
