"""The wire formats Yupana reads documents in, by name.

A dialect reads a body of any document family it speaks (it tells the family from the body) into a
domain document, and translates the domain paths of problems found later (``lines[0].igv``) back into
the body's own terms (``items[0].total_igv``). Translation may need the body (which list a discount
came from, which alias a key was sent with) or the parsed document, so a translator is made per
request, for the family the body turned out to be.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from yupana.domain.party import Company
from yupana.domain.problems import InvalidDocument, Problem

PathTranslator = Callable[[str], str]
Parser = Callable[[object, Company | None], object]
Translator = Callable[[object, object], PathTranslator]


@dataclass(frozen=True, slots=True)
class Reader:
    """How one family reads in one dialect."""

    parse: Parser
    translator: Translator


def _nothing_pending(doc: object) -> list[Problem]:
    return []


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str
    # The reader of the family a body belongs to.
    reader_for: Callable[[object], Reader]
    # What a parsed document still needs from the server (stored documents it refers to), as
    # problems in the dialect's own terms; building offline cannot go on while there are any.
    server_references: Callable[[object], list[Problem]] = _nothing_pending

    def parse(self, body: object, issuer: Company | None) -> object:
        return self.reader_for(body).parse(body, issuer)

    def translator(self, body: object, doc: object) -> PathTranslator:
        return self.reader_for(body).translator(body, doc)


def _field(body: object, key: str) -> object:
    return body.get(key) if isinstance(body, Mapping) else None


def _code(value: object) -> str | None:
    """A document type code as SUNAT writes it: ``9`` and ``"9"`` are ``"09"``."""
    if isinstance(value, bool) or value is None:
        return None
    text = str(value).strip()
    return text.zfill(2) if text.isdigit() and len(text) < 2 else text


def _by_path(translate: Callable[[str], str]) -> Translator:
    return lambda body, doc: translate


def _with_body(translate: Callable[..., str]) -> Translator:
    return lambda body, doc: partial(translate, body=body)


def _native() -> Dialect:
    from yupana.dialects.native import despatch, perception, retention, sales, summary, voided

    sale = Reader(sales.parse_sale, lambda body, doc: partial(sales.translate_path, doc=doc))
    readers = {
        "RC": Reader(summary.parse_summary, _by_path(summary.translate_path)),
        "RA": Reader(voided.parse_voided, _by_path(voided.translate_path)),
        "RR": Reader(voided.parse_voided, _by_path(voided.translate_path)),
        "20": Reader(retention.parse_retention, _by_path(retention.translate_path)),
        "40": Reader(perception.parse_perception, _by_path(perception.translate_path)),
        "09": Reader(despatch.parse_despatch, _by_path(despatch.translate_path)),
        "31": Reader(despatch.parse_despatch, _by_path(despatch.translate_path)),
    }

    def reader_for(body: object) -> Reader:
        tipo = _code(_field(body, "tipo_documento"))
        if tipo is None:  # families whose type may be left out
            if _field(body, "fecha_generacion") is not None:
                tipo = "RC"
            elif _field(body, "proveedor") is not None:
                tipo = "20"
            elif _field(body, "cliente") is not None:
                tipo = "40"
        return readers.get(str(tipo), sale)

    return Dialect("native", reader_for)


def _greenter() -> Dialect:
    from yupana.dialects.greenter import despatch, paths, perception, retention, sales, summary, voided

    sale = Reader(sales.parse_sale, _with_body(paths.translate_path))
    summary_reader = Reader(summary.parse_summary, _with_body(summary.translate_path))
    voided_reader = Reader(voided.parse_voided, _with_body(voided.translate_path))
    reversion_reader = Reader(voided.parse_reversion, _with_body(voided.translate_path))
    retention_reader = Reader(retention.parse_retention, _with_body(retention.translate_path))
    perception_reader = Reader(perception.parse_perception, _with_body(perception.translate_path))
    despatch_reader = Reader(despatch.parse_despatch, _with_body(despatch.translate_path))

    def reader_for(body: object) -> Reader:
        document = _field(body, "document")  # Lycet's {"document", "parameters"} envelope
        doc = document if isinstance(document, Mapping) else body
        if not isinstance(doc, Mapping):
            return sale
        if _code(doc.get("tipoDoc")) in ("09", "31") or "envio" in doc:
            return despatch_reader
        if "fecResumen" in doc:
            return summary_reader
        if "fecComunicacion" in doc:
            details = doc.get("details")
            types = (
                {d.get("tipoDoc") for d in details if isinstance(d, Mapping)}
                if isinstance(details, list)
                else set()
            )
            return reversion_reader if types & {"20", "40", "04"} else voided_reader
        if "impRetenido" in doc or "impPagado" in doc:
            return retention_reader
        if "impPercibido" in doc or "impCobrado" in doc:
            return perception_reader
        return sale

    return Dialect("greenter", reader_for)


def _facturadorpro() -> Dialect:
    from yupana.dialects.facturadorpro import despatch, documents, perception, retention

    sale = Reader(documents.parse_document, lambda body, doc: documents.path_translator(body))
    readers = {
        "20": Reader(retention.parse_retention, _by_path(retention.translate_path)),
        "40": Reader(perception.parse_perception, _by_path(perception.translate_path)),
        "09": Reader(despatch.parse_dispatch, lambda body, doc: despatch.path_translator(body)),
        "31": Reader(despatch.parse_dispatch, lambda body, doc: despatch.path_translator(body)),
    }

    def needs_store(body: object, issuer: Company | None) -> object:
        raise InvalidDocument.single(
            "this is a body of /api/summaries or /api/voided: it names documents stored on the server "
            "(by date or external_id), so only the server can build it",
            "",
        )

    stored = Reader(needs_store, _by_path(lambda path: path))

    def reader_for(body: object) -> Reader:
        if _field(body, "fecha_de_emision_de_documentos") is not None or _field(body, "codigo_tipo_proceso"):
            return stored
        return readers.get(str(_code(_field(body, "codigo_tipo_documento"))), sale)

    def server_references(doc: object) -> list[Problem]:
        note = getattr(doc, "note", None)
        external_id = documents.affected_external_id(note)
        if external_id is None:
            return []
        return [
            Problem(
                f"the affected document is named by external_id {external_id!r}, which only the "
                "server can resolve; give serie_documento, numero_documento and codigo_tipo_documento",
                "documento_afectado.external_id",
            )
        ]

    return Dialect("facturadorpro", reader_for, server_references)


_FACTORIES: dict[str, Callable[[], Dialect]] = {
    "native": _native,
    "facturadorpro": _facturadorpro,
    "greenter": _greenter,
}
DIALECTS = tuple(_FACTORIES)


def dialect(name: str) -> Dialect:
    """The dialect called ``name`` (native, facturadorpro, greenter); ``KeyError`` if unknown."""
    return _FACTORIES[name]()
