"""The settings of one-shot commands: the defaults without loading pydantic, or what the environment says."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from yupana.command_settings import DEFAULTS, command_settings, environment_sets_any
from yupana.settings import Settings, get_settings


@pytest.fixture
def bare_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in list(os.environ):
        if name.upper().startswith("YUPANA_"):
            monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_the_defaults_are_the_settings_defaults(bare_environment: pytest.MonkeyPatch) -> None:
    assert not environment_sets_any()
    assert command_settings() is DEFAULTS
    settings = Settings()
    assert (DEFAULTS.sunat_rules, DEFAULTS.signature_algorithm) == (
        settings.sunat_rules,
        settings.signature_algorithm,
    )


def test_a_variable_in_any_case_is_read_as_the_settings_read_it(
    bare_environment: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bare_environment.setenv("yupana_signature_algorithm", "rsa-sha256")
    bare_environment.setenv("YUPANA_SUNAT_RULES", str(tmp_path))
    assert environment_sets_any()
    assert command_settings().signature_algorithm == "rsa-sha256"
    assert command_settings().sunat_rules == tmp_path


def test_another_variable_loads_the_settings(bare_environment: pytest.MonkeyPatch) -> None:
    bare_environment.setenv("YUPANA_DATA_DIR", "elsewhere")
    assert environment_sets_any()
    assert command_settings() == DEFAULTS


def test_the_defaults_come_without_pydantic() -> None:
    env = {name: value for name, value in os.environ.items() if not name.upper().startswith("YUPANA_")}
    probe = (
        "import sys; from yupana.command_settings import command_settings; command_settings(); "
        "print('pydantic' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60)
    assert proc.stdout.strip() == "False", proc.stderr
