"""Facturas, boletas and notas written by ``yupana.ubl.sale`` pass SUNAT's XSD and SUNAT's own SFS
validation stylesheets (run unmodified with Saxon-HE) without an error code.

Each case (``tests/ubl_sale_cases.py``) is a complete domain document whose amounts follow
SUNAT's arithmetic, independent of ``yupana.calc``. Documents are signed with the shared test certificate before validation (the
XSD requires ``ext:ExtensionContent`` to hold the signature).

Observations (non-terminating SUNAT codes 4xxx) are collected too: every case but those listed
in ``EXPECTED_OBSERVATIONS`` must come out clean.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
import saxonche
from lxml import etree

from paths import SFS_RULES, SUNAT, TEST_PFX, TEST_PFX_PASSWORD
from ubl_sale_cases import CASES, everything
from yupana.domain.sale import SaleDocument
from yupana.ubl import serialize
from yupana.ubl.namespaces import EXT, SIGNATURE_ID
from yupana.ubl.sale import build_sale

XSD_DIR = SUNAT / "xsd" / "2.1" / "maindoc"
VALIDATION = "sunat_archivos/sfs/VALI/commons/xsl/validation/2.X/"
STYLESHEETS = {
    "01": VALIDATION + "ValidaExprRegFactura-2.0.1.xsl",
    "03": VALIDATION + "ValidaExprRegBoleta-2.0.1.xsl",
    "07": VALIDATION + "ValidaExprRegNC-2.0.1.xsl",
    "08": VALIDATION + "ValidaExprRegND-2.0.1.xsl",
}
SCHEMAS = {
    "Invoice": "UBL-Invoice-2.1.xsd",
    "CreditNote": "UBL-CreditNote-2.1.xsd",
    "DebitNote": "UBL-DebitNote-2.1.xsd",
}


# Observations SUNAT's stylesheets raise on a case, with the reason; anything else fails the test.
EXPECTED_OBSERVATIONS: dict[str, set[str]] = {
    # The Factura stylesheet looks for the cuotas below the Credito cac:PaymentTerms itself (a
    # relative path inside its PaymentTerms template), so every factura al crédito gets 3249.
    "factura-credito-cuotas": {"3249"},
    # Under 1002-1004 the stylesheet compares every cac:PaymentTerms/cbc:PaymentMeansID with the
    # detracción code, the FormaPago one ("Contado") included, which SUNAT requires (3244).
    "factura-detraccion-1004": {"3129"},
}


# --------------------------------------------------------------------------------------------
# SUNAT's validators
# --------------------------------------------------------------------------------------------


@cache
def _schema(root_name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_DIR / SCHEMAS[root_name])))


@dataclass
class SfsResult:
    error: str | None
    observations: list[str] = field(default_factory=list)
    messages: str = ""


class SfsRunner:
    """SUNAT's SFS stylesheets, compiled once per document type (from text, with the SFS
    directory as working directory, as the SFS runs them)."""

    def __init__(self, rules: Path) -> None:
        self.rules = str(rules) + "/"
        self.processor = saxonche.PySaxonProcessor(license=False)
        self.compiled: dict[str, object] = {}

    def _executable(self, tipo: str) -> object:
        if tipo not in self.compiled:
            xslt = self.processor.new_xslt30_processor()
            xslt.set_cwd(self.rules)
            source = Path(self.rules, STYLESHEETS[tipo]).read_text(encoding="utf-8")
            self.compiled[tipo] = xslt.compile_stylesheet(stylesheet_text=source)
        return self.compiled[tipo]

    def run(self, tipo: str, xml: bytes, file_name: str) -> SfsResult:
        executable = self._executable(tipo)
        executable.set_parameter("nombreArchivoEnviado", self.processor.make_string_value(file_name))  # type: ignore[attr-defined]
        executable.set_save_xsl_message(True, None)  # type: ignore[attr-defined]
        node = self.processor.parse_xml(xml_text=xml.decode("utf-8"))
        error = None
        try:
            executable.transform_to_string(xdm_node=node)  # type: ignore[attr-defined]
        except Exception as exc:  # Saxon reports xsl:message terminate="yes" as an exception
            error = str(exc).strip()
        messages = str(executable.get_xsl_messages() or "")
        if error is None:
            return SfsResult(None, re.findall(r"errorCode (\d{4})", messages), messages)
        # The terminating message is " error: <description>: [errorCode ]NNNN (nodo: ...)".
        observed, _, rejection = messages.rpartition(" error: ")
        code = re.search(r"(?:errorCode |: )(\d{4})\b", rejection)
        found = f"errorCode {code.group(1)}" if code else f"{error} {rejection}".strip()
        return SfsResult(found, re.findall(r"errorCode (\d{4})", observed), messages)


@pytest.fixture(scope="module")
def sfs() -> SfsRunner:
    if not SFS_RULES.is_dir():
        pytest.fail(f"SUNAT's SFS rules not found at {SFS_RULES}")
    return SfsRunner(SFS_RULES)


@dataclass
class Signing:
    """Sign with the shared test certificate and check the signature with python-xmlsec, or
    (without Yupana's signer) put a placeholder where the signature goes, so the XSD's
    ExtensionContent has its child."""

    sign: Callable[[etree._Element], None]
    verify: Callable[[bytes], None]


@pytest.fixture(scope="module")
def signing() -> Signing:
    try:
        from yupana.signing.certificate import load_signing_key
        from yupana.signing.xmldsig import Signer
    except ImportError:

        def placeholder(root: etree._Element) -> None:
            content = root[0][0][0]
            assert content.tag == EXT.ExtensionContent
            etree.SubElement(content, "{urn:test:placeholder}Signature", Id=SIGNATURE_ID)

        return Signing(placeholder, lambda xml: None)
    from signature_check import assert_xmlsec_verifies

    signer = Signer(load_signing_key(TEST_PFX, TEST_PFX_PASSWORD))

    def sign(root: etree._Element) -> None:
        signer.sign(root, SIGNATURE_ID)

    return Signing(sign, assert_xmlsec_verifies)


def file_name(doc: SaleDocument) -> str:
    return f"{doc.issuer.ruc}-{doc.tipo_documento}-{doc.serie}-{doc.correlativo}.xml"


@pytest.mark.parametrize("case", list(CASES))
def test_sale_passes_sunat_xsd_and_sfs(case: str, sfs: SfsRunner, signing: Signing) -> None:
    doc = CASES[case]()
    root = build_sale(doc)
    signing.sign(root)
    xml = serialize(root)
    signing.verify(xml)
    reparsed = etree.fromstring(xml)
    schema = _schema(etree.QName(reparsed).localname)
    assert schema.validate(reparsed), f"{case}: XSD {schema.error_log}"
    result = sfs.run(doc.tipo_documento, xml, file_name(doc))
    assert result.error is None, (
        f"{case}: SUNAT SFS rejects it with {result.error}\n{result.messages[-2000:]}"
    )
    assert set(result.observations) <= EXPECTED_OBSERVATIONS.get(case, set()), (
        f"{case}: unexpected observations {result.observations}\n{result.messages[-2000:]}"
    )


@pytest.mark.parametrize("tipo", ["01", "03", "07", "08"])
def test_every_block_in_its_xsd_place(tipo: str, signing: Signing) -> None:
    root = build_sale(everything(tipo), forma_pago_en_boleta=True)
    signing.sign(root)
    schema = _schema(etree.QName(root).localname)
    assert schema.validate(root), f"{tipo}: XSD {schema.error_log}"


def test_boleta_forma_de_pago_is_the_known_sfs_divergence(sfs: SfsRunner, signing: Signing) -> None:
    """Why boletas carry no forma de pago by default: SUNAT's SFS stylesheet rejects it (3128)
    although SUNAT's server variant of the same rules accepts it. If this starts passing, the
    default can change."""
    doc = CASES["boleta-dni"]()
    root = build_sale(doc, forma_pago_en_boleta=True)
    signing.sign(root)
    result = sfs.run(doc.tipo_documento, serialize(root), file_name(doc))
    assert result.error == "errorCode 3128"
