"""The known divergences between SUNAT's SFS stylesheets and SUNAT's servers, on documents built by
Yupana's own pipeline (native dialect → calc → UBL → signature). For each one: the stylesheet
alone gives the bogus verdict, the validator gives the server's, and a document that is really
wrong is still rejected or observed. Also: a rejection whose text names no code still yields it."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import saxonche  # noqa: F401  (the SFS stylesheets run on Saxon; a test dependency)
from lxml import etree

from paths import ROOT, SFS_RULES, SUNAT
from yupana import calc
from yupana.dialects.native.issuer import parse_issuer
from yupana.dialects.native.voided import parse_voided
from yupana.dialects.registry import dialect as sale_dialect
from yupana.signing.xmldsig import Signer
from yupana.ubl.sale import build_sale
from yupana.ubl.voided import build_voided
from yupana.validation.sfs import (
    KNOWN_DIVERGENCES,
    NS,
    SPECIAL_IGV_RATE_FROM,
    SfsValidator,
    SfsVerdict,
)

LIMA_TODAY = datetime.now(ZoneInfo("America/Lima")).date()
TODAY = LIMA_TODAY.isoformat()
ISSUER = parse_issuer(json.loads((ROOT / "examples" / "issuer.json").read_bytes(), parse_float=Decimal))
RUC_CUSTOMER = {
    "tipo_documento": "6",
    "numero_documento": "20555555556",
    "razon_social": "INDUSTRIAS ANDINAS S.A.",
}
DNI_CUSTOMER = {"tipo_documento": "1", "numero_documento": "45678912", "razon_social": "JUAN PEREZ QUISPE"}

Edit = Callable[[etree._Element], None]
Build = Callable[..., bytes]


@pytest.fixture(scope="module")
def validator() -> SfsValidator:
    return SfsValidator(SFS_RULES)


@pytest.fixture(scope="module")
def build(test_signer: Signer) -> Build:
    """Signed XML of a native-dialect body, optionally edited before signing. The calc
    problems are not a concern here: the stylesheets judge the XML."""

    def make(body: dict[str, Any], edit: Edit | None = None, *, forma_pago_en_boleta: bool = False) -> bytes:
        doc = sale_dialect("native").parse(body, ISSUER)
        calc.process(doc)
        root = build_sale(doc, forma_pago_en_boleta=forma_pago_en_boleta)
        if edit is not None:
            edit(root)
        test_signer.sign(root)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    return make


def codes(verdict: SfsVerdict) -> tuple[str | None, list[str | None]]:
    return verdict.code, [p.code for p in verdict.problems.warnings]


def factura(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "tipo_documento": "01",
        "serie": "F001",
        "correlativo": 7,
        "fecha_emision": TODAY,
        "customer": RUC_CUSTOMER,
        "lines": [{"descripcion": "Servicio de mantenimiento", "cantidad": 1, "valor_unitario": "1500"}],
    }
    body.update(changes)
    return body


def boleta(**changes: Any) -> dict[str, Any]:
    return factura(tipo_documento="03", serie="B001", customer=DNI_CUSTOMER, **changes)


def test_every_divergence_is_documented() -> None:
    keys = [d.key for d in KNOWN_DIVERGENCES]
    assert len(keys) == len(set(keys))
    assert {
        "igv-tasa-especial-10.5",
        "factura-credito-cuotas",
        "factura-detraccion-forma-pago",
        "baja-tipos-30-34-42",
        "reversion-liquidacion-compra-04",
        "reversion-motivo-longitud",
    } <= set(keys)
    for divergence in KNOWN_DIVERGENCES:
        assert divergence.summary and divergence.codes and divergence.document_types
        assert (divergence.repair is None) or (
            divergence.keeps is None and not divergence.deferred and divergence.server_report is None
        )
        assert divergence.deferred <= divergence.codes
    documented = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    assert all(f"`{key}`" in documented for key in keys)


# -- IGV 10.5 % (restaurants and hotels, Ley 31556) ---------------------------------------------

MENU = [
    {"descripcion": "Menu ejecutivo", "cantidad": 10, "valor_unitario": "150", "porcentaje_igv": "10.5"},
    {"descripcion": "Jugo de fruta", "cantidad": 3, "valor_unitario": "80", "porcentaje_igv": "10.5"},
]
GENERAL_RATE_LINE = {"descripcion": "Vino", "cantidad": 1, "valor_unitario": "100"}


def _note(tipo: str, serie: str, codigo: str, affected: str, customer: dict[str, str]) -> dict[str, Any]:
    return factura(
        tipo_documento=tipo,
        serie=serie,
        customer=customer,
        lines=MENU,
        note={
            "codigo": codigo,
            "motivo": "Corrección",
            "tipo_documento_afectado": affected[:2],
            "numero_documento_afectado": affected[3:],
        },
    )


SPECIAL_RATE_DOCUMENTS = {
    "factura": factura(lines=MENU),
    "boleta": boleta(lines=MENU),
    "nota de crédito de factura": _note("07", "FC01", "01", "01-F001-7", RUC_CUSTOMER),
    "nota de crédito de boleta": _note("07", "BC01", "01", "03-B001-7", DNI_CUSTOMER),
    "nota de débito de factura": _note("08", "FD01", "02", "01-F001-7", RUC_CUSTOMER),
}


@pytest.mark.parametrize("body", SPECIAL_RATE_DOCUMENTS.values(), ids=SPECIAL_RATE_DOCUMENTS.keys())
def test_special_rate_10_5_is_rejected_by_the_stylesheet_and_accepted_by_the_validator(
    validator: SfsValidator, build: Build, body: dict[str, Any]
) -> None:
    xml = build(body)
    raw = validator.check(xml, divergences=False)
    assert raw.code == "3462"
    verdict = validator.check(xml)
    assert verdict.sfs_code == "3462"
    assert verdict.accepted, verdict.problems.items
    assert verdict.problems.items == []
    assert verdict.divergences == ("igv-tasa-especial-10.5",)


def test_special_rate_on_a_boleta_with_its_forma_pago(validator: SfsValidator, build: Build) -> None:
    # both divergences at once: the FormaPago block is taken out, then 3462/4290/4310 rechecked
    xml = build(boleta(lines=MENU, payment={"forma": "Contado"}), forma_pago_en_boleta=True)
    assert validator.check(xml, divergences=False).code == "3462"
    verdict = validator.check(xml)
    assert verdict.accepted and verdict.problems.items == []
    assert verdict.divergences == ("boleta-forma-pago", "igv-tasa-especial-10.5")


def test_the_stylesheet_runs_past_the_deferred_codes(validator: SfsValidator, build: Build) -> None:
    # An orden de compra SUNAT observes (4233) is checked after 3462 and 3291: the raw stylesheet
    # never gets there, the validator does.
    xml = build(factura(lines=MENU, orden_compra="OC-2026-0458"))
    assert codes(validator.check(xml, divergences=False)) == ("3462", [])
    assert codes(validator.check(xml)) == (None, ["4233"])


def test_mixed_rates_are_still_rejected(validator: SfsValidator, build: Build) -> None:
    verdict = validator.check(build(factura(lines=[MENU[0], GENERAL_RATE_LINE])))
    assert verdict.code == "3462"
    assert verdict.divergences == ()


def test_special_rate_before_sunat_took_it_is_rejected(validator: SfsValidator, build: Build) -> None:
    day_before = SPECIAL_IGV_RATE_FROM.fromordinal(SPECIAL_IGV_RATE_FROM.toordinal() - 1)
    verdict = validator.check(build(factura(lines=MENU, fecha_emision=day_before.isoformat())))
    assert verdict.code == "3462"


def test_a_rate_that_is_not_in_force_is_rejected(validator: SfsValidator, build: Build) -> None:
    lines = [dict(line, porcentaje_igv="10.6") for line in MENU]
    assert validator.check(build(factura(lines=lines))).code == "3462"


def _igv_plus_five(root: etree._Element) -> None:
    for amount in root.xpath(
        "cac:TaxTotal/cbc:TaxAmount | cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", namespaces=NS
    ):
        amount.text = str(Decimal(amount.text) + 5)


def test_wrong_igv_at_10_5_is_rejected_on_a_factura(validator: SfsValidator, build: Build) -> None:
    verdict = validator.check(build(factura(lines=MENU), _igv_plus_five))
    assert verdict.sfs_code == "3462"
    assert verdict.code == "3291"


def test_wrong_igv_at_10_5_is_observed_on_a_boleta(validator: SfsValidator, build: Build) -> None:
    verdict = validator.check(build(boleta(lines=MENU), _igv_plus_five))
    assert codes(verdict) == (None, ["4290"])


def test_igv_within_sunat_tolerance_is_accepted(validator: SfsValidator, build: Build) -> None:
    def plus_ninety_cents(root: etree._Element) -> None:
        for amount in root.xpath(
            "cac:TaxTotal/cbc:TaxAmount | cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", namespaces=NS
        ):
            amount.text = str(Decimal(amount.text) + Decimal("0.90"))

    verdict = validator.check(build(factura(lines=MENU), plus_ninety_cents))
    assert verdict.accepted


# -- factura al crédito: 3249 --------------------------------------------------------------------

CREDIT = {
    "forma": "Credito",
    "monto": "1770.00",
    "cuotas": [
        {"monto": "885.00", "fecha_pago": "2099-01-20"},
        {"monto": "885.00", "fecha_pago": "2099-02-20"},
    ],
}


def _without_cuotas(root: etree._Element) -> None:
    for terms in root.findall("cac:PaymentTerms", NS):
        if (terms.findtext("cbc:PaymentMeansID", namespaces=NS) or "").startswith("Cuota"):
            root.remove(terms)


def test_credit_factura_with_cuotas_is_observed_by_the_stylesheet_only(
    validator: SfsValidator, build: Build
) -> None:
    xml = build(factura(payment=CREDIT))
    root = etree.fromstring(xml)
    assert len(root.xpath("cac:PaymentTerms[starts-with(cbc:PaymentMeansID, 'Cuota')]", namespaces=NS)) == 2
    assert codes(validator.check(xml, divergences=False)) == (None, ["3249"])
    verdict = validator.check(xml)
    assert codes(verdict) == (None, [])
    assert verdict.divergences == ("factura-credito-cuotas",)


def test_credit_factura_without_cuotas_is_still_observed(validator: SfsValidator, build: Build) -> None:
    verdict = validator.check(build(factura(payment=CREDIT), _without_cuotas))
    assert codes(verdict) == (None, ["3249"])
    assert verdict.divergences == ()


# -- detracción: 3129 on the forma de pago -------------------------------------------------------

TRANSPORTE = {
    "origen": {"direccion": "AV. ARGENTINA 1200", "ubigeo": "150101"},
    "destino": {"direccion": "CALLE MERCADERES 300", "ubigeo": "040101"},
    "detalle_viaje": "Lima - Arequipa",
    "valor_referencial_servicio": "1800",
    "valor_referencial_carga_efectiva": "1700",
    "valor_referencial_carga_util": "1600",
}


def transporte_de_carga(**changes: Any) -> dict[str, Any]:
    return factura(
        tipo_operacion="1004",
        lines=[
            {"descripcion": "Flete Lima - Arequipa", "cantidad": 1, "unidad": "ZZ", "valor_unitario": "2000"}
        ],
        detraccion={
            "codigo_bien": "027",
            "porcentaje": 4,
            "cuenta_banco": "00-051-123456",
            "transporte": TRANSPORTE,
        },
        legends=[{"codigo": "2006", "valor": "Operación sujeta a detracción"}],
        **changes,
    )


def test_detraccion_factura_al_contado(validator: SfsValidator, build: Build) -> None:
    xml = build(transporte_de_carga())
    raw = validator.check(xml, divergences=False)
    assert codes(raw) == (None, ["3129"])
    assert 'valor: "Contado"' in raw.problems.warnings[0].message
    verdict = validator.check(xml)
    assert codes(verdict) == (None, [])
    assert verdict.divergences == ("factura-detraccion-forma-pago",)


def test_detraccion_factura_al_credito(validator: SfsValidator, build: Build) -> None:
    # 3129 on Credito and on each cuota, and the bogus 3249: both divergences apply
    xml = build(
        transporte_de_carga(
            payment={
                **CREDIT,
                "monto": "2280.00",
                "cuotas": [
                    {"monto": "1140.00", "fecha_pago": "2099-01-20"},
                    {"monto": "1140.00", "fecha_pago": "2099-02-20"},
                ],
            }
        )
    )
    assert codes(validator.check(xml, divergences=False)) == (None, ["3249", "3129", "3129", "3129"])
    verdict = validator.check(xml)
    assert codes(verdict) == (None, [])
    assert set(verdict.divergences) == {"factura-detraccion-forma-pago", "factura-credito-cuotas"}


def _detraccion_code(code: str) -> Edit:
    def edit(root: etree._Element) -> None:
        (means,) = root.xpath("cac:PaymentTerms[cbc:ID = 'Detraccion']/cbc:PaymentMeansID", namespaces=NS)
        means.text = code

    return edit


def test_wrong_detraccion_code_is_still_observed(validator: SfsValidator, build: Build) -> None:
    # 028 (transporte de pasajeros) on a transporte de carga: the Detraccion block's report
    # stays, the one on FormaPago goes
    xml = build(transporte_de_carga(), _detraccion_code("028"))
    raw = validator.check(xml, divergences=False)
    assert codes(raw) == (None, ["3129", "3129"])
    verdict = validator.check(xml)
    assert codes(verdict) == (None, ["3129"])
    assert 'valor: "028"' in verdict.problems.warnings[0].message


# -- comunicación de baja (RA) and resumen de reversiones (RR) -----------------------------------

SAC_LINE = "sac:VoidedDocumentsLine"


@pytest.fixture(scope="module")
def build_voided_xml(test_signer: Signer) -> Build:
    """Signed XML of a native RA/RR body, optionally edited before signing."""

    def make(tipo: str, *lines: dict[str, Any], edit: Edit | None = None) -> bytes:
        body = {
            "tipo_documento": tipo,
            "correlativo": 1,
            "fecha_generacion": TODAY,
            "fecha_referencia": (LIMA_TODAY - timedelta(days=1)).isoformat(),
            "lines": list(lines),
        }
        root = build_voided(parse_voided(body, ISSUER))
        if edit is not None:
            edit(root)
        test_signer.sign(root)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    return make


def voided_line(
    tipo: str, serie: str, correlativo: int, motivo: str = "ERROR EN EL RUC DEL CLIENTE"
) -> dict[str, Any]:
    return {"tipo_documento": tipo, "serie": serie, "correlativo": correlativo, "motivo": motivo}


def _set_line(index: int, tag: str, value: str) -> Edit:
    def edit(root: etree._Element) -> None:
        node = root.findall(SAC_LINE, NS)[index].find(tag, NS)
        assert node is not None
        node.text = value

    return edit


@pytest.mark.parametrize("tipo", ["30", "34", "42"])
def test_baja_of_types_30_34_42(validator: SfsValidator, build_voided_xml: Build, tipo: str) -> None:
    xml = build_voided_xml("RA", voided_line(tipo, "F001", 1))
    raw = validator.check(xml, divergences=False)
    assert raw.code == "2308"
    assert f'valor: "{tipo}"' in raw.problems.errors[0].message
    verdict = validator.check(xml)
    assert verdict.sfs_code == "2308"
    assert verdict.accepted and verdict.problems.items == []
    assert verdict.divergences == ("baja-tipos-30-34-42",)


def test_baja_of_several_types(validator: SfsValidator, build_voided_xml: Build) -> None:
    xml = build_voided_xml(
        "RA", voided_line("01", "F001", 1), voided_line("34", "F001", 2), voided_line("42", "F002", 3)
    )
    assert validator.check(xml, divergences=False).code == "2308"
    verdict = validator.check(xml)
    assert verdict.accepted and verdict.problems.items == []


def test_baja_of_a_type_sunat_does_not_take_is_still_rejected(
    validator: SfsValidator, build_voided_xml: Build
) -> None:
    # the 30 passes, the guía (09) on the next line is SUNAT's 2308
    xml = build_voided_xml(
        "RA",
        voided_line("30", "F001", 1),
        voided_line("01", "F001", 2),
        edit=_set_line(1, "cbc:DocumentTypeCode", "09"),
    )
    verdict = validator.check(xml)
    assert verdict.code == "2308"
    assert 'valor: "09"' in verdict.problems.errors[0].message


def test_baja_rules_after_the_deferred_type_still_run(
    validator: SfsValidator, build_voided_xml: Build
) -> None:
    # a 30 with a boleta serie: the stylesheet stops at 2308 on its own, the validator reaches 2310
    xml = build_voided_xml(
        "RA", voided_line("30", "F001", 1), edit=_set_line(0, "sac:DocumentSerialID", "B001")
    )
    assert validator.check(xml, divergences=False).code == "2308"
    verdict = validator.check(xml)
    assert verdict.sfs_code == "2308"
    assert verdict.code == "2310"


@pytest.mark.parametrize("serie", ["L001", "0001"])
def test_reversion_of_a_liquidacion_de_compra(
    validator: SfsValidator, build_voided_xml: Build, serie: str
) -> None:
    xml = build_voided_xml("RR", voided_line("20", "R001", 1), voided_line("04", serie, 2))
    raw = validator.check(xml, divergences=False)
    assert raw.code == "2308"
    verdict = validator.check(xml)
    assert verdict.accepted and verdict.problems.items == []
    assert verdict.divergences == ("reversion-liquidacion-compra-04",)


def test_liquidacion_de_compra_with_a_wrong_serie_is_rejected_with_2345(
    validator: SfsValidator, build_voided_xml: Build
) -> None:
    xml = build_voided_xml(
        "RR", voided_line("04", "L001", 1), edit=_set_line(0, "sac:DocumentSerialID", "F001")
    )
    assert validator.check(xml, divergences=False).code == "2308"
    verdict = validator.check(xml)
    assert verdict.code == "2345"
    (error,) = verdict.problems.errors
    assert 'valor: "F001"' in error.message
    assert error.path == "sac:VoidedDocumentsLine/sac:DocumentSerialID"


def test_reversion_of_a_type_sunat_does_not_take_is_still_rejected(
    validator: SfsValidator, build_voided_xml: Build
) -> None:
    xml = build_voided_xml(
        "RR",
        voided_line("04", "L001", 1),
        voided_line("20", "R001", 2),
        edit=_set_line(1, "cbc:DocumentTypeCode", "01"),
    )
    verdict = validator.check(xml)
    assert verdict.code == "2308"


MOTIVOS_OUT_OF_SHAPE = {
    "short": "NO",
    "long": "ERROR EN EL RUC DEL CLIENTE " * 4,
    "two lines": "ERROR EN EL RUC\nDEL CLIENTE",
}


@pytest.mark.parametrize("motivo", MOTIVOS_OUT_OF_SHAPE.values(), ids=MOTIVOS_OUT_OF_SHAPE.keys())
def test_reversion_motivo_out_of_shape_is_an_observation(
    validator: SfsValidator, build_voided_xml: Build, motivo: str
) -> None:
    xml = build_voided_xml(
        "RR",
        voided_line("20", "R001", 1),
        voided_line("40", "P001", 2),
        edit=_set_line(1, "sac:VoidReasonDescription", motivo),
    )
    assert validator.check(xml, divergences=False).code == "2314"
    verdict = validator.check(xml)
    assert codes(verdict) == (None, ["4203"])
    assert verdict.problems.warnings[0].path == "sac:VoidedDocumentsLine/sac:VoidReasonDescription"
    assert verdict.divergences == ("reversion-motivo-longitud",)


def test_reversion_without_motivo_is_still_rejected(validator: SfsValidator, build_voided_xml: Build) -> None:
    xml = build_voided_xml(
        "RR", voided_line("20", "R001", 1), edit=_set_line(0, "sac:VoidReasonDescription", "")
    )
    assert validator.check(xml, divergences=False).code == "2315"
    assert validator.check(xml).code == "2315"


def test_reversion_with_every_divergence(validator: SfsValidator, build_voided_xml: Build) -> None:
    # a short motivo on a liquidación de compra, then a factura that has no place in an RR
    xml = build_voided_xml(
        "RR",
        voided_line("04", "L001", 1, "NO"),
        voided_line("20", "R001", 2),
        edit=_set_line(1, "cbc:DocumentTypeCode", "01"),
    )
    assert validator.check(xml, divergences=False).code == "2308"
    verdict = validator.check(xml)
    assert codes(verdict) == ("2308", ["4203"])
    assert set(verdict.divergences) == {"reversion-liquidacion-compra-04", "reversion-motivo-longitud"}


# -- rejections whose SUNAT text names no code ---------------------------------------------------

RR = SUNAT / "examples" / "openubl-xsender" / "12345678912-RR-20200328-1.xml"
PERCEPCION = SUNAT / "examples" / "openubl-xsender-rust" / "P001-1.xml"
SAC = "urn:sunat:names:specification:ubl:peru:schema:xsd:SunatAggregateComponents-1"


def test_file_name_mismatch_of_a_reversion(validator: SfsValidator) -> None:
    # 'Validation Filename error, name: …; cbc:ID: …'
    verdict = validator.check(RR.read_bytes(), "12345678912-RR-20200328-9.xml")
    assert verdict.code == "2220"
    assert "Validation Filename error" in verdict.problems.errors[0].message


def test_duplicated_item_of_a_reversion(validator: SfsValidator) -> None:
    # 'El numero de item esta duplicado: 1'
    root = etree.fromstring(RR.read_bytes())
    line = root.find(f"{{{SAC}}}VoidedDocumentsLine")
    assert line is not None
    root.append(copy.deepcopy(line))
    assert validator.check(etree.tostring(root)).code == "2752"


def test_line_error_of_a_percepcion(validator: SfsValidator) -> None:
    # 'Error en la linea1': the amount collected in another currency than the related document
    root = etree.fromstring(PERCEPCION.read_bytes())
    assert validator.check(etree.tostring(root)).accepted
    paid = root.find(".//cac:Payment/cbc:PaidAmount", NS)
    assert paid is not None and paid.get("currencyID") == "PEN"
    paid.set("currencyID", "USD")
    assert validator.check(etree.tostring(root)).code == "2607"
