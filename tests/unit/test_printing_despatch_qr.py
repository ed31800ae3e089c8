"""The QR of a guía de remisión: the link SUNAT's CDR assigns to the guía."""

from __future__ import annotations

import zipfile

import pytest

from paths import FIXTURES
from yupana.printing.despatch_qr import cdr_qr_url, despatch_qr_payload
from yupana.printing.qr import qr_png, qr_svg

CDRS = FIXTURES / "greenter-lycet" / "greenter-cdr"
LINK = "https://e-factura.sunat.gob.pe/v1/contribuyente/gre/comprobantes/descargaqr?hashqr=xxxxxxxxxxxxxxxxxxxxxxxxxxx"


def test_link_read_from_a_guia_cdr():
    assert cdr_qr_url((CDRS / "R-20000000001-09-T001-1.xml").read_bytes()) == LINK


def test_link_read_from_the_zipped_cdr_sunat_sends():
    with zipfile.ZipFile(CDRS / "cdrGRE.zip") as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".xml")]
        assert cdr_qr_url(archive.read(name)) == LINK


def test_a_sales_cdr_has_no_guia_link():
    assert cdr_qr_url((CDRS / "R-20600995805-01-F001-1.xml").read_bytes()) is None


def test_payload_is_the_link_itself():
    assert despatch_qr_payload(f"  {LINK}\n") == LINK


@pytest.mark.parametrize("bad", ["", "   ", "20123456786|09|T001|1|", "ftp://sunat.gob.pe/qr", "https://"])
def test_anything_but_a_link_is_refused(bad):
    with pytest.raises(ValueError):
        despatch_qr_payload(bad)


def test_images_of_the_payload():
    payload = despatch_qr_payload(LINK)
    assert qr_png(payload).startswith(b"\x89PNG\r\n\x1a\n")
    assert qr_svg(payload).startswith("<svg")
