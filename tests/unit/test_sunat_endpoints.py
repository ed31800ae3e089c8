"""Endpoints of SUNAT beta, production, the simulator and an OSE; which service gets which type."""

from __future__ import annotations

import pytest

from paths import SUNAT
from yupana.sunat.endpoints import Endpoints, document_type_of
from yupana.sunat.results import Outcome, SunatResult
from yupana.sunat.retry_policy import RETRYABLE_CODES, is_retryable_code, is_retryable_http_status


def test_production_urls_match_sunats_wsdls() -> None:
    production = Endpoints.production()
    wsdl = (SUNAT / "services" / "soap-wsdl" / "openubl" / "billService.wsdl").read_text()
    consult = (SUNAT / "services" / "soap-wsdl" / "openubl" / "billConsultService.wsdl").read_text()
    assert (
        production.bill_service.replace(
            "https://e-factura.sunat.gob.pe", "https://e-factura.sunat.gob.pe:443"
        )
        in wsdl
    )
    assert production.consult_service and f'location="{production.consult_service}"' in consult
    assert (
        production.bill_service_otros
        == "https://e-factura.sunat.gob.pe/ol-ti-itemision-otroscpe-gem/billService"
    )
    assert production.gre_auth == "https://api-seguridad.sunat.gob.pe/v1"
    assert production.gre_cpe == "https://api-cpe.sunat.gob.pe/v1"


def test_beta() -> None:
    beta = Endpoints.beta()
    assert beta.bill_service == "https://e-beta.sunat.gob.pe/ol-ti-itcpfegem-beta/billService"
    assert (
        beta.bill_service_otros == "https://e-beta.sunat.gob.pe/ol-ti-itemision-otroscpe-gem-beta/billService"
    )
    assert beta.consult_service is None
    assert beta.gre_auth == beta.gre_cpe == "https://gre-test.nubefact.com/v1"


def test_simulator_uses_sunats_paths_under_its_base() -> None:
    sim = Endpoints.simulator("http://127.0.0.1:8900/")
    assert sim.bill_service == "http://127.0.0.1:8900/ol-ti-itcpfegem-beta/billService"
    assert sim.bill_service_otros == "http://127.0.0.1:8900/ol-ti-itemision-otroscpe-gem-beta/billService"
    assert sim.consult_service == "http://127.0.0.1:8900/ol-it-wsconscpegem/billConsultService"
    assert sim.gre_auth == sim.gre_cpe == "http://127.0.0.1:8900/v1"
    prod = Endpoints.simulator("http://127.0.0.1:8900", production_paths=True)
    assert prod.bill_service == "http://127.0.0.1:8900/ol-ti-itcpfegem/billService"
    assert prod.bill_service_otros == "http://127.0.0.1:8900/ol-ti-itemision-otroscpe-gem/billService"


def test_custom_ose() -> None:
    ose = Endpoints.custom(
        "https://ose.example.pe/ol-ti-itcpe/billService/", gre_auth="https://ose.example.pe/v1"
    )
    assert ose.bill_service == ose.bill_service_otros == "https://ose.example.pe/ol-ti-itcpe/billService"
    assert ose.gre_cpe == ose.gre_auth == "https://ose.example.pe/v1"
    assert ose.consult_service is None
    with pytest.raises(ValueError, match="http"):
        Endpoints.custom("ftp://ose.example.pe/billService")
    with pytest.raises(ValueError, match="http"):
        Endpoints.custom("ose.example.pe/billService")


@pytest.mark.parametrize("kind", ["01", "03", "04", "07", "08", "RC", "RA", "rc"])
def test_cpe_types(kind: str) -> None:
    assert Endpoints.beta().bill_service_for(kind) == Endpoints.beta().bill_service


@pytest.mark.parametrize("kind", ["20", "40", "RR"])
def test_otros_cpe_types(kind: str) -> None:
    assert Endpoints.production().bill_service_for(kind) == Endpoints.production().bill_service_otros


@pytest.mark.parametrize("kind", ["09", "31", "99", ""])
def test_types_without_bill_service(kind: str) -> None:
    with pytest.raises(ValueError):
        Endpoints.beta().bill_service_for(kind)


def test_document_type_of() -> None:
    assert document_type_of("20123456786-01-F001-1.zip") == "01"
    assert document_type_of("20123456786-RC-20261122-1") == "RC"
    assert document_type_of("20123456786-rr-20261122-1.ZIP") == "RR"
    for bad in ("F001-1.zip", "2012345678-01-F001-1.zip", "20123456786.zip"):
        with pytest.raises(ValueError):
            document_type_of(bad)


def test_retry_policy_against_sunats_code_list() -> None:
    from yupana.domain.return_codes import ReturnSeverity, message, severity

    for code, reason in RETRYABLE_CODES.items():
        # Every retryable code is a SUNAT exception whose own message blames SUNAT's service.
        assert severity(code) is ReturnSeverity.EXCEPTION
        text = message(code).lower()
        assert any(
            phrase in text
            for phrase in (
                "no puede responder",
                "no se pudo",
                "no pudo",
                "en proceso",
                "no existe el directorio",
                "no existe el archivo de schema",
            )
        ), (code, text)
        assert reason
    for code in ("0102", "0111", "0127", "0151", "0306", "1033", "2017", "4252"):
        assert not is_retryable_code(code)
    for code in ("0100", "0109", "0130", "0132", "0200", 109):
        assert is_retryable_code(code)
    assert [
        s for s in (200, 400, 401, 404, 408, 422, 429, 500, 502, 503, 504) if is_retryable_http_status(s)
    ] == [
        408,
        429,
        500,
        502,
        503,
        504,
    ]


def test_results_never_retry_final_answers() -> None:
    assert (
        SunatResult.from_code("2017").outcome is Outcome.REJECTED
        and not SunatResult.from_code("2017").retryable
    )
    assert SunatResult.from_code("0").outcome is Outcome.ACCEPTED
    assert SunatResult.from_code("0130").retryable
    assert SunatResult.pending("1").retryable is False
