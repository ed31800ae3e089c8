"""Shared test fixtures: where SUNAT's artefacts and the dialect corpora live."""

from __future__ import annotations

from pathlib import Path

import pytest

from paths import (  # noqa: F401  (re-exported for test modules)
    FIXTURES,
    ROOT,
    SFS_RULES,
    SHARED,
    SUNAT,
    TEST_PEM,
    TEST_PFX,
    TEST_PFX_PASSWORD,
)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"shared material not found at {SHARED} (set YUPANA_SHARED)")
    return SHARED


@pytest.fixture(scope="session")
def sfs_rules(shared_dir: Path) -> Path:
    return SFS_RULES


@pytest.fixture(scope="session")
def test_signer():
    from yupana.signing.certificate import load_signing_key
    from yupana.signing.xmldsig import Signer

    return Signer(load_signing_key(TEST_PFX, TEST_PFX_PASSWORD), "rsa-sha256")


@pytest.fixture(scope="session")
def sfs_builder(test_signer, sfs_rules: Path):
    from yupana.service.build import DocumentBuilder

    return DocumentBuilder(test_signer, sfs_rules)


@pytest.fixture(scope="session")
def demo_issuer():
    from yupana.domain.party import Address, Company

    return Company(
        "20123456786",
        "EMPRESA DE PRUEBAS S.A.C.",
        "PRUEBAS",
        Address(
            "AV. LOS OLIVOS 123",
            "150101",
            "LIMA",
            "LIMA",
            "LIMA",
            "URB. CENTRAL",
            codigo_establecimiento="0000",
        ),
    )


@pytest.fixture(scope="session")
def other_issuer():
    """An issuer whose RUC none of the corpora's parties uses (their made-up RUCs, once given a valid
    check digit, include the demo issuer's)."""
    from yupana.domain.party import Address, Company

    return Company(
        "20601234565",
        "TRANSPORTES Y SERVICIOS DEMO S.A.C.",
        None,
        Address("AV. ARGENTINA 456", "150101", "LIMA", "LIMA", "LIMA", codigo_establecimiento="0000"),
    )
