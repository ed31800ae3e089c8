"""The output lines of ``yupana xml build``: every one, in order, written in groups."""

from __future__ import annotations

import json

import pytest

from yupana.cli import _Lines


def test_lines_wait_for_their_group_and_none_is_lost(capsys: pytest.CaptureFixture[str]) -> None:
    lines = _Lines(interval=3600)
    for n in range(3):
        lines.emit({"input": f"{n}.json", "errors": []})
    assert capsys.readouterr().out == ""
    lines.flush()
    out = capsys.readouterr().out
    assert [json.loads(line)["input"] for line in out.splitlines()] == ["0.json", "1.json", "2.json"]
    lines.flush()
    assert capsys.readouterr().out == ""


def test_lines_go_out_once_their_interval_has_passed(capsys: pytest.CaptureFixture[str]) -> None:
    lines = _Lines(interval=0)
    lines.emit({"input": "á.json", "file": None})
    assert capsys.readouterr().out == '{"input": "á.json", "file": null}\n'
