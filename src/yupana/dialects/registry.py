"""The wire formats Yupana reads sales documents in, by name.

Each dialect parses a body into a domain document and translates the domain paths of problems found
later (``lines[0].igv``) back into the body's own terms (``items[0].total_igv``). Translation may
need the body itself (which list a discount came from, which alias a key was sent with) or the
parsed document, so a dialect makes a translator per request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from yupana.domain.party import Company
from yupana.domain.problems import Problem
from yupana.domain.sale import SaleDocument

PathTranslator = Callable[[str], str]


def _nothing_pending(doc: SaleDocument) -> list[Problem]:
    return []


@dataclass(frozen=True, slots=True)
class SaleDialect:
    name: str
    parse: Callable[[object, Company | None], SaleDocument]
    translator: Callable[[object, SaleDocument | None], PathTranslator]
    # What a parsed document still needs from the server (stored documents it refers to), as
    # problems in the dialect's own terms; building offline cannot go on while there are any.
    server_references: Callable[[SaleDocument], list[Problem]] = _nothing_pending


def _native() -> SaleDialect:
    from yupana.dialects.native import sales

    return SaleDialect("native", sales.parse_sale, lambda body, doc: partial(sales.translate_path, doc=doc))


def _facturadorpro() -> SaleDialect:
    from yupana.dialects.facturadorpro import documents

    def server_references(doc: SaleDocument) -> list[Problem]:
        external_id = documents.affected_external_id(doc.note)
        if external_id is None:
            return []
        return [
            Problem(
                f"the affected document is named by external_id {external_id!r}, which only the "
                "server can resolve; give serie_documento, numero_documento and codigo_tipo_documento",
                "documento_afectado.external_id",
            )
        ]

    return SaleDialect(
        "facturadorpro",
        documents.parse_document,
        lambda body, doc: documents.path_translator(body),
        server_references,
    )


def _greenter() -> SaleDialect:
    from yupana.dialects.greenter import sales

    return SaleDialect(
        "greenter", sales.parse_sale, lambda body, doc: partial(sales.translate_path, body=body)
    )


_FACTORIES: dict[str, Callable[[], SaleDialect]] = {
    "native": _native,
    "facturadorpro": _facturadorpro,
    "greenter": _greenter,
}
SALE_DIALECTS = tuple(_FACTORIES)


def sale_dialect(name: str) -> SaleDialect:
    """The dialect called ``name`` (native, facturadorpro, greenter); ``KeyError`` if unknown."""
    return _FACTORIES[name]()
