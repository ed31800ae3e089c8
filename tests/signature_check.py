"""Independent signature verification with python-xmlsec (libxmlsec1), not Yupana's own verifier."""

from __future__ import annotations

import xmlsec
from lxml import etree

DS = "http://www.w3.org/2000/09/xmldsig#"


def assert_xmlsec_verifies(xml: bytes) -> None:
    root = etree.fromstring(xml)
    node = xmlsec.tree.find_node(root, xmlsec.constants.NodeSignature)
    assert node is not None, "no ds:Signature"
    cert = node.find(f".//{{{DS}}}X509Certificate")
    assert cert is not None and cert.text, "no certificate in KeyInfo"
    pem = "-----BEGIN CERTIFICATE-----\n" + cert.text.strip() + "\n-----END CERTIFICATE-----\n"
    ctx = xmlsec.SignatureContext()
    ctx.key = xmlsec.Key.from_memory(pem.encode(), xmlsec.constants.KeyDataFormatCertPem)
    ctx.verify(node)  # raises xmlsec.Error when the digest or the signature does not match
