"""Building a folder of files (``yupana.service.batch``): every input answered, in order, whatever
stage stops it, with one process or several."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from yupana.dialects.registry import Dialect, Reader
from yupana.domain.problems import InvalidDocument, Problem, Severity
from yupana.service.batch import build_files, expand_inputs


def _parse(body: object, issuer: object) -> SimpleNamespace:
    assert isinstance(body, dict)
    if body.get("stage") == "parse-defect":
        raise RuntimeError("a defect of the reader")
    return SimpleNamespace(correlativo=body["n"], stage=body.get("stage"))


class _Builder:
    def build(self, doc: SimpleNamespace, translate: object) -> SimpleNamespace:
        if doc.stage == "build-defect":
            raise ValueError("a defect of the builder")
        if doc.stage == "rejected":
            raise InvalidDocument(
                [Problem("wrong", "lines[0].igv", "3103")],
                [Problem("late", "fecha_emision", "2108", Severity.WARNING)],
            )
        return SimpleNamespace(
            file_name=f"doc-{doc.correlativo}.xml",
            xml=f"<x>{doc.correlativo}</x>".encode(),
            hash="h",
            warnings=[],
        )


DIALECT = Dialect("test", lambda body: Reader(_parse, lambda body, doc: lambda path: f"in:{path}"))
STAGES = [None, "parse-defect", None, "build-defect", "malformed", "rejected", None, "no-number"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_input_is_answered_at_the_stage_that_stops_it(
    tmp_path: Path, jobs: int, caplog: pytest.LogCaptureFixture
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for n, stage in enumerate(STAGES, 1):
        body = {"n": 0 if stage == "no-number" else n, "stage": stage}
        (src / f"{n}.json").write_text("{" if stage == "malformed" else json.dumps(body))
    out = tmp_path / "out"
    with caplog.at_level(logging.ERROR):
        results = list(build_files(list(expand_inputs([src])), DIALECT, _Builder, None, out, jobs))
    assert [Path(r.input).name for r in results] == [f"{n}.json" for n in range(1, len(STAGES) + 1)]
    assert [r.file and Path(r.file).name for r in results] == [
        "doc-1.xml", None, "doc-3.xml", None, None, None, "doc-7.xml", None
    ]  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == ["doc-1.xml", "doc-3.xml", "doc-7.xml"]
    assert (out / "doc-3.xml").read_bytes() == b"<x>3</x>"
    messages = [[e.message for e in r.errors] for r in results]
    assert messages[1] == ["internal error while building the document (RuntimeError)"]
    assert messages[3] == ["internal error while building the document (ValueError)"]
    assert messages[4][0].startswith("malformed JSON")
    assert [(e.code, e.path) for e in results[5].errors] == [("3103", "lines[0].igv")]
    assert [(w.code, w.path) for w in results[5].warnings] == [("2108", "fecha_emision")]
    assert (
        messages[7][0].startswith("the document has no number")
        and results[7].errors[0].path == "in:correlativo"
    )
    if jobs == 1:  # the workers log in their own processes
        assert [r.getMessage() for r in caplog.records] == [
            f"building {src / '2.json'} failed",
            f"building {src / '4.json'} failed",
        ]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_run_stopped_early_leaves_only_what_it_answered(tmp_path: Path, jobs: int) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for n in range(1, 2001):
        (src / f"{n:04d}.json").write_text(json.dumps({"n": n}))
    out = tmp_path / "out"
    run = build_files(list(expand_inputs([src])), DIALECT, _Builder, None, out, jobs)
    answered = [next(run) for _ in range(40)]
    run.close()  # as when whatever reads the output goes away: the workers are still building
    time.sleep(0.1)
    assert sorted(p.name for p in out.iterdir()) == sorted(Path(r.file).name for r in answered if r.file)
