"""Reading the messages of SUNAT's SFS stylesheets: every format their support library and
stylesheets write (commons/error/error_utils.xsl, validate_utils.xsl, validate_utils_dynamic.xsl,
the 1.X stylesheets' own rejectCall texts) yields its code, and the reporting layer is added to a
stylesheet's text without touching its rules. No Saxon needed."""

from __future__ import annotations

import pytest
from lxml import etree

from yupana.domain import return_codes
from yupana.validation.sfs import (
    DEFERRED_PARAM,
    XSL,
    MessageKind,
    SfsMessage,
    message_code,
    with_reporting_layer,
)

# SFS rejectCall writes concat(' error: ', $errorMessage); addWarning writes a json:object whose
# text is the code followed by the message. The texts below follow the stylesheets' concat().
SUNAT_FORMATS = [
    # validate_utils.xsl: concat($descripcion,': errorCode ', $code,' (nodo: "…" valor: "…")')
    (' error: INFO: errorCode 2074 (nodo: "Invoice/cbc:UBLVersionID" valor: "2.0")', "2074"),
    (' error: INFO : errorCode 1034 (nodo: "cac:PartyIdentification/cbc:ID" valor: "20123456786")', "1034"),
    # a description naming a line and a tributo before the code
    (
        ' error: Error en la linea: 2 Tributo: 1000: errorCode 3103 (nodo: "cac:TaxSubtotal/cbc:TaxAmount" '
        'valor: "18.00")',
        "3103",
    ),
    # catalogs: … ': errorCode ', $code, ' Valor no se encuentra en el catalogo: ' … propiedad
    (
        " error: INFO: errorCode 3206 Valor no se encuentra en el catalogo: 51, ID: 0101  "
        '(nodo: "cbc:InvoiceTypeCode/@listID" propiedad factura: "1")',
        "3206",
    ),
    (
        " error: INFO: errorCode 3088: Valor no se encuentra en el catalogo: 02 "
        '(nodo: "Invoice/cbc:DocumentCurrencyCode" valor: "XYZ")',
        "3088",
    ),
    # isTrueExpresionEmptyNode: concat($descripcion,': ', $code), descripcion 'INFO '
    (" error: INFO : 3462", "3462"),
    # concat($descripcion,': ', $code,' (nodo: …)') with digits in the description
    (
        ' error: Error en la linea: 2 Tributo: 1000: 3103 (nodo: "cac:TaxSubtotal/cbc:TaxAmount" valor: "5")',
        "3103",
    ),
    # validate_utils_dynamic.xsl: concat('errorCode; ', $code, ' error: ', $message)
    ('errorCode; 2800 error: INFO: 2800 (nodo: "cac:PartyIdentification/cbc:ID" valor: "1")', "2800"),
    # ValidaExprRegOtrosVoided (RR): 'NNNN Error resumen diario de reversiones'
    (" error: 2073 Error resumen diario de reversiones", "2073"),
    # validate_utils.xsl certificate check: concat('Validation Cert Serial error: ', $code, …)
    (
        " error: Validation Cert Serial error: 2325 rucBillcertserial: 1a rucPseBillcertserial: 2b "
        "issueDate: 2026-11-20",
        "2325",
    ),
    # observations: json:object text, the code then the message
    ('4252INFO: errorCode 4252 (nodo: "cbc:ID/@schemeName" valor: "x")', "4252"),
    ("20852085 Error resumen diario de reversiones", "2085"),
    ("4027Error en la linea: 1. Monto total a cobrar incluida la percepción no coincide: 10", "4027"),
]

# Texts in which SUNAT's stylesheets name no code: only the reporting layer can tell it.
CODELESS = [
    " error: Error en la linea3",  # Percepción 2607/2749, Retención 2622/2749
    " error: El numero de item esta duplicado: 1",  # RR 2752
    " error: El documento esta duplicado: 03-B001-123",  # RR 2348
    " error: Validation Filename error name: 20100070970-40-P001-1.xml; cbc:ID: P001-2",  # 1049
    " error: Validation Filename error, fecha archivo: 20261120; cbc:IssueDate: 2026-11-19",  # 2346
    " error: Error resumen diario de reversiones",  # RR 2217
    " error: Error en la linea: 3. Solo se acepta informacion de percepcion para nuevas boletas: "
    "el codigo de operacion es: 2 y debe de ser 1.",  # RC 2986
    " error: INFO: condicion:document('x')/l/c[@id='9'] Valor no se encuentra en el catalogo: 54, "
    'ID: 9  (nodo: "cac:PaymentTerms/cbc:PaymentMeansID" propiedad tasa: "10")',  # dynamic catalog
]


@pytest.mark.parametrize(("text", "code"), SUNAT_FORMATS)
def test_every_sunat_format_yields_its_code(text: str, code: str) -> None:
    assert message_code(text) == code


@pytest.mark.parametrize("text", CODELESS)
def test_texts_without_a_code_yield_none(text: str) -> None:
    assert message_code(text) is None


@pytest.mark.parametrize(
    ("text", "kind", "code"),
    [
        ("[sfs:reject] errorCode 3462 | INFO : 3462", MessageKind.REJECTION, "3462"),
        (
            '[sfs:defer] errorCode 3291 | INFO : errorCode 3291 (nodo: "a/b" valor: "1")',
            MessageKind.DEFERRED,
            "3291",
        ),
        ("[sfs:warn] errorCode 4290 | INFO : errorCode 4290", MessageKind.OBSERVATION, "4290"),
        # the layer names the code of the texts that have none
        ("[sfs:reject] errorCode 2752 | El numero de item esta duplicado: 1", MessageKind.REJECTION, "2752"),
        (
            "[sfs:reject] errorCode 1004 | 1004 Error resumen diario de reversiones",
            MessageKind.REJECTION,
            "1004",
        ),
    ],
)
def test_reporting_layer_messages(text: str, kind: MessageKind, code: str) -> None:
    message = SfsMessage.read(text, terminating=False)
    assert (message.kind, message.code) == (kind, code)
    assert message.stops is (kind is not MessageKind.OBSERVATION)


def test_without_the_layer_the_last_message_of_a_terminated_run_is_the_rejection() -> None:
    assert SfsMessage.read(" error: INFO : 3462", terminating=True).kind is MessageKind.REJECTION
    assert SfsMessage.read("4252INFO: errorCode 4252", terminating=False).kind is MessageKind.OBSERVATION


def test_description_keeps_node_and_value() -> None:
    message = SfsMessage.read(
        '[sfs:reject] errorCode 1034 | INFO : errorCode 1034 (nodo: "cac:PartyIdentification/cbc:ID" '
        'valor: "20123456786")',
        terminating=True,
    )
    text, node = message.describe()
    assert node == "cac:PartyIdentification/cbc:ID"
    assert text.endswith('(nodo: "cac:PartyIdentification/cbc:ID" valor: "20123456786")')
    assert text.startswith(return_codes.message("1034"))


def test_description_keeps_sunat_words_when_they_say_more_than_the_code() -> None:
    duplicated = SfsMessage.read("[sfs:reject] errorCode 2752 | El numero de item esta duplicado: 7", True)
    assert duplicated.describe()[0].endswith("(El numero de item esta duplicado: 7)")
    bare = SfsMessage.read("[sfs:reject] errorCode 3462 | INFO : 3462", True)
    assert "INFO" not in bare.describe()[0]


# -- the reporting layer ------------------------------------------------------------------------

STYLESHEET = f"""<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="{XSL}" xmlns:dp="http://www.datapower.com/extensions">
  <!-- <xsl:include href="local:///commons/error/validate_utils.xsl"/> -->
  <xsl:include href="sunat_archivos/sfs/VALI/commons/error/validate_utils.xsl" dp:ignore-multiple="yes"/>
  <xsl:param name="nombreArchivoEnviado"/>
  <xsl:template match="/*">
    <xsl:call-template name="rejectCall">
      <xsl:with-param name="errorCode" select="'1034'"/>
      <xsl:with-param name="errorMessage" select="'x'"/>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>"""


def test_layer_imports_the_library_and_overrides_only_the_reporting_templates() -> None:
    layered = with_reporting_layer(STYLESHEET)
    assert layered is not None
    root = etree.fromstring(layered.encode())
    declarations = [child for child in root if isinstance(child.tag, str)]
    first = declarations[0]
    assert first.tag == f"{{{XSL}}}import"
    assert first.get("href") == "sunat_archivos/sfs/VALI/commons/error/validate_utils.xsl"
    assert not root.findall(f"{{{XSL}}}include")
    templates = {t.get("name") for t in root.findall(f"{{{XSL}}}template") if t.get("name")}
    assert templates == {"rejectCall", "addWarning"}
    params = [p.get("name") for p in root.findall(f"{{{XSL}}}param")]
    assert params == ["nombreArchivoEnviado", DEFERRED_PARAM]
    # the rule itself is untouched
    rule = root.find(f"{{{XSL}}}template[@match='/*']")
    assert rule is not None and rule.find(f"{{{XSL}}}call-template").get("name") == "rejectCall"


def test_layer_is_not_added_to_a_stylesheet_laid_out_differently() -> None:
    other = STYLESHEET.replace("sunat_archivos/sfs/VALI/commons/error/validate_utils.xsl", "mine.xsl")
    assert with_reporting_layer(other) is None
    assert with_reporting_layer(f'<xsl:transform version="1.0" xmlns:xsl="{XSL}"/>') is None
