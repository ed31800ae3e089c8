"""Every 01/03/07/08 case of the Greenter/Lycet and Facturador PRO corpora either builds into a signed
document that SUNAT's XSD and SFS stylesheets accept and python-xmlsec verifies, or is rejected with the
SUNAT return code that explains why (the table below, each with its reason)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus import load_fixture
from paths import FIXTURES
from signature_check import assert_xmlsec_verifies
from yupana.dialects.registry import dialect as sale_dialect
from yupana.domain.problems import InvalidDocument
from yupana.service.build import DocumentBuilder

GREENTER = FIXTURES / "greenter-lycet" / "greenter-demo-json"
PRO_DIRS = [FIXTURES / "facturadorpro" / d for d in ("official_examples", "official_examples2", "postman_v8")]
SALE_TYPES = {"01", "03", "07", "08"}


OTHER_PRO_TYPES = {"20", "40", "09", "31"}


def _greenter_cases() -> list[Path]:
    """Every Greenter demo case of every family, Lycet's own fixture and the fork's GRE 09/31."""
    lycet = FIXTURES / "greenter-lycet"
    return [
        lycet / "lycet" / "invoice.json",
        *sorted(GREENTER.glob("*.json")),
        *sorted((lycet / "lycet-fork").glob("*.json")),
    ]


def _pro_cases(types: set[str], folders: list[Path]) -> list[Path]:
    cases = []
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            body = json.loads(path.read_text())
            if (
                isinstance(body, dict)
                and body.get("codigo_tipo_documento") in types
                and ("items" in body or "documentos" in body)
            ):
                cases.append(path)
    return cases


def _issue_date_key(path: Path) -> str:
    """The key of the date a Greenter body is issued on (a summary's is fecResumen)."""
    body = json.loads(path.read_text())
    return next((k for k in ("fechaEmision", "fecResumen", "fecComunicacion") if k in body), "fechaEmision")


# Fixture (folder/name) -> (SUNAT code, why). Everything not listed must be accepted.
EXPECTED_REJECTIONS: dict[str, tuple[str, str]] = {
    # Greenter demo data (Greenter does not check arithmetic):
    "greenter-demo-json/factura-beatose.json": ("3278", "valorVenta 300 but the lines add up to 200"),
    "greenter-demo-json/nota-credito-forma-pago.json": ("3315", "a nota de crédito 13 must total 0.00"),
    "greenter-demo-json/guia-misma-empresa.json": (
        "2554",
        "motivo 04 (between establishments) but the destinatario and the points carry another RUC",
    ),
    "greenter-demo-json/retencion.json": ("2623", "retains 10.00 on a 100.00 payment at 3 % (SUNAT: 3.00)"),
    "greenter-demo-json/percepcion.json": (
        "2608",
        "perceives 10.00 on a 100.00 payment at 2 % (SUNAT: 2.00)",
    ),
    # Facturador PRO's shipped examples:
    "official_examples/factura_global.json": ("2521", "anticipo numbers '12' and '14' are not SERIE-NUMERO"),
    "official_examples2/factura_global.json": ("2521", "anticipo numbers '12' and '14' are not SERIE-NUMERO"),
    "official_examples/factura_operacion_exonerada.json": (
        "3272",
        "exonerated line declares base 0.00, not 100",
    ),
    "official_examples2/factura_operacion_exonerada.json": ("3272", "exonerated line declares base 0.00"),
    "official_examples/factura_operacion_inafecta.json": ("3272", "unaffected line declares base 0.00"),
    "official_examples2/factura_operacion_inafecta.json": ("3272", "unaffected line declares base 0.00"),
    "official_examples/factura_operacion_gratuito.json": (
        "3272",
        "free line: reference price 0 but base 100",
    ),
    "official_examples2/factura_operacion_gratuito.json": (
        "3272",
        "free line: reference price 0 but base 100",
    ),
    "postman_v8/factura_gratuita.json": ("3272", "free line: reference price 0 but base 100"),
    "postman_v8/factura_gravada_y_gratuita.json": ("3272", "free line: reference price 0 but base 100"),
    "official_examples/nota_credito_global.json": ("2116", "the affected document is declared as type 07"),
    "official_examples2/nota_credito_global.json": ("2116", "the affected document is declared as type 07"),
    "official_examples2/anulacion.json": (
        "2014",
        "not a /api/documents body: 'cliente' instead of the customer block",
    ),
    "postman_v8/factura_anticipos.json": (
        "3277",
        "total_operaciones_gravadas 100 is declared before the anticipo's 04 deduction (SUNAT: 80)",
    ),
    "postman_v8/factura_descuento_global_y_lineal.json": (
        "3280",
        "total_venta 112.10 ignores the 9.50 global discount that does not reduce the base",
    ),
    # Facturador PRO's other families:
    "official_examples/guia_remision.json": (
        "2781",
        "pre-2022 GRE body (no item description, old chofer keys)",
    ),
    "official_examples2/guia_remision.json": (
        "2781",
        "pre-2022 GRE body (no item description, old chofer keys)",
    ),
    "official_examples/guia_remision_crear.json": (
        "3360",
        "pre-2022 GRE body: chofer without nombres/licencia",
    ),
    "official_examples2/guia_remision_crear.json": (
        "3360",
        "pre-2022 GRE body: chofer without nombres/licencia",
    ),
    "official_examples/retencion.json": ("2623", "retains 12.00 where 3 % of the payment is 6.00"),
    "official_examples2/retencion.json": ("2623", "retains 12.00 where 3 % of the payment is 6.00"),
    "postman_v8/percepcion.json": ("2608", "perceives 12.00 where 2 % of the payment is 4.00"),
    "gre/gre_remitente_transporte_privado_CONSTRUCTED.json": (
        "2554",
        "motivo 04 (between the issuer's establishments) sent by an issuer other than its destinatario",
    ),
    "postman_v8/nota_credito_por_external_id.json": (
        "2116",
        "refers to the affected document by external_id, which only the server can resolve",
    ),
}


def _case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _run(builder: DocumentBuilder, dialect_name: str, path: Path, date_key: str, issuer: object) -> None:
    dialect = sale_dialect(dialect_name)
    body = load_fixture(path, date_key)
    expected = EXPECTED_REJECTIONS.get(_case_id(path))
    try:
        doc = dialect.parse(body, issuer)
        built = builder.build(doc, dialect.translator(body, doc))
    except InvalidDocument as exc:
        codes = [p.code for p in exc.errors]
        if expected is None:
            pytest.fail(f"{_case_id(path)} rejected: {[p.as_dict() for p in exc.errors]}")
        assert expected[0] in codes, f"{_case_id(path)}: expected {expected}, got {codes}"
        return
    assert expected is None, f"{_case_id(path)} was accepted, expected rejection {expected}"
    assert_xmlsec_verifies(built.xml)


@pytest.mark.parametrize("path", _greenter_cases(), ids=_case_id)
def test_greenter_corpus(sfs_builder: DocumentBuilder, path: Path) -> None:
    _run(sfs_builder, "greenter", path, _issue_date_key(path), None)


@pytest.mark.parametrize("path", _pro_cases(SALE_TYPES, PRO_DIRS), ids=_case_id)
def test_facturadorpro_corpus(sfs_builder: DocumentBuilder, path: Path, demo_issuer: object) -> None:
    _run(sfs_builder, "facturadorpro", path, "fecha_de_emision", demo_issuer)


@pytest.mark.parametrize(
    "path", _pro_cases(OTHER_PRO_TYPES, [*PRO_DIRS, FIXTURES / "facturadorpro" / "gre"]), ids=_case_id
)
def test_facturadorpro_other_families(sfs_builder: DocumentBuilder, path: Path, other_issuer: object) -> None:
    _run(sfs_builder, "facturadorpro", path, "fecha_de_emision", other_issuer)
