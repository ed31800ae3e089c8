"""Where the shared reference material lives (``../shared`` beside the project, or $YUPANA_SHARED)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("YUPANA_SHARED", ROOT.parent / "shared")).resolve()
SUNAT = SHARED / "sunat"
FIXTURES = SHARED / "fixtures"
SFS_RULES = SUNAT / "xsl" / "sfs"
TEST_PFX = SUNAT / "certs" / "greenter-SFSCert.pfx"
TEST_PEM = SUNAT / "certs" / "greenter-SFSCert.pem"
TEST_PFX_PASSWORD = "123456"
