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
from yupana.domain.sale import SaleDocument

PathTranslator = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class SaleDialect:
    name: str
    parse: Callable[[object, Company | None], SaleDocument]
    translator: Callable[[object, SaleDocument | None], PathTranslator]


def _native() -> SaleDialect:
    from yupana.dialects.native import sales

    return SaleDialect("native", sales.parse_sale, lambda body, doc: partial(sales.translate_path, doc=doc))


def _facturadorpro() -> SaleDialect:
    from yupana.dialects.facturadorpro import documents

    return SaleDialect(
        "facturadorpro", documents.parse_document, lambda body, doc: documents.path_translator(body)
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
