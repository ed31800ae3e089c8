"""Shared test fixtures: where SUNAT's artefacts and the dialect corpora live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("YUPANA_SHARED", ROOT.parent / "shared")).resolve()
SUNAT = SHARED / "sunat"
FIXTURES = SHARED / "fixtures"
SFS_RULES = SUNAT / "xsl" / "sfs"
TEST_PFX = SUNAT / "certs" / "greenter-SFSCert.pfx"
TEST_PEM = SUNAT / "certs" / "greenter-SFSCert.pem"
TEST_PFX_PASSWORD = "123456"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"shared material not found at {SHARED} (set YUPANA_SHARED)")
    return SHARED


@pytest.fixture(scope="session")
def sfs_rules(shared_dir: Path) -> Path:
    return SFS_RULES
