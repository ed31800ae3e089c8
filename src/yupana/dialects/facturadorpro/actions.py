"""Facturador PRO's ``acciones`` block: what the server does with a document after issuing it.

These are instructions to the server, not part of the document, so they are read apart from
the domain ``SaleDocument``::

    "acciones": {"enviar_email": false, "enviar_xml_firmado": true, "formato_pdf": "a4"}

Defaults are Facturador PRO's: no e-mail, send the signed XML to SUNAT (facturas and their
notes), A4 PDF. Booleans are accepted as ``true``/``false``, ``1``/``0`` or their strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from yupana.dialects.facturadorpro import LENIENCY
from yupana.dialects.json_fields import Fields
from yupana.domain.problems import InvalidDocument, Problems

ACCIONES = "acciones"


@dataclass(frozen=True, slots=True)
class DocumentActions:
    enviar_email: bool = False
    enviar_xml_firmado: bool = True
    formato_pdf: str = "a4"


def read_actions(body: Fields) -> DocumentActions:
    """The ``acciones`` of ``body``; problems go to its ``problems``."""
    block = body.object(ACCIONES)
    if block is None:
        return DocumentActions()
    default = DocumentActions()
    email = block.boolean("enviar_email")
    send = block.boolean("enviar_xml_firmado")
    pdf = block.text("formato_pdf")
    return DocumentActions(
        enviar_email=default.enviar_email if email is None else email,
        enviar_xml_firmado=default.enviar_xml_firmado if send is None else send,
        formato_pdf=pdf.lower() if pdf else default.formato_pdf,
    )


def parse_actions(body: object) -> DocumentActions:
    """The ``acciones`` of a Facturador PRO request body; ``InvalidDocument`` when unreadable."""
    if not isinstance(body, Mapping):
        raise InvalidDocument.single("the request body must be a JSON object", "")
    problems = Problems()
    fields = Fields.open(body, "", problems, LENIENCY)
    assert fields is not None  # an object, checked above
    actions = read_actions(fields)
    problems.raise_if_errors()
    return actions
