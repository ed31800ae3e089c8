"""Tenant isolation: company A reaches nothing of company B through any repository, on both databases.

Both companies use the same series names and the same idempotency key; A's repositories are then
asked for B's documents by every means they offer. The list of ``DocumentRepository`` methods is
checked too, so a new method cannot be added without a case here.
"""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from yupana.domain.party import Address, Company
from yupana.domain.problems import InvalidDocument
from yupana.store.database import session_scope
from yupana.store.models import Document, DocumentState, Establishment, Series
from yupana.store.numbering import last_correlativo
from yupana.store.repositories import CompanyRepository as Companies
from yupana.store.repositories import (
    DocumentFilter,
    DocumentRepository,
    IdempotencyOutcome,
    IdempotencyRepository,
    NewDocument,
    Schedule,
    SeriesRepository,
    StateConflict,
    TokenRepository,
)
from yupana.store.secrets import SecretBox, generate_key

pytest_plugins = ["store_databases"]

DAY = date(2026, 11, 2)


@pytest.fixture
def tenants(factory):
    """Companies A and B with series F001 each; A has F001-1, B has F001-1..3 and B001-1."""
    box = SecretBox(generate_key())
    with session_scope(factory) as session:
        companies = Companies(session, box)
        a = companies.create(Company("20100000001", "EMPRESA A S.A.C.", address=Address("AV. A 1", "150101")))
        b = companies.create(Company("20100000002", "EMPRESA B S.A.C.", address=Address("AV. B 2", "150101")))
        for company in (a, b):
            SeriesRepository(session, company.id).add("01", "F001")
        SeriesRepository(session, b.id).add("03", "B001")
        a_docs = DocumentRepository(session, a.id)
        b_docs = DocumentRepository(session, b.id)
        a_doc = a_docs.insert(NewDocument("01", "F001", DAY, content_fingerprint="a" * 64)).document
        b_rows = [b_docs.insert(NewDocument("01", "F001", DAY)).document for _ in range(3)]
        b_rows.append(b_docs.insert(NewDocument("03", "B001", DAY)).document)
        b_rows[0].ticket = "TICKET-B"
        a_token = TokenRepository(session).create(a.id)
        b_token = TokenRepository(session).create(b.id)
        return {
            "a": a.id,
            "b": b.id,
            "a_doc": (a_doc.id, a_doc.external_id),
            "b_docs": [(row.id, row.external_id) for row in b_rows],
            "a_token": a_token,
            "b_token": b_token,
        }


def _b_document(factory, document_id: int) -> Document:
    with session_scope(factory, write=False) as session:
        return session.get(Document, document_id)


READERS = {
    "get",
    "get_by_external_id",
    "get_by_number",
    "list",
    "count",
    "events",
    "change_state",
    "set_files",
    "insert",
    "next_number",
    "get_by_ticket",
    "reschedule",
    "claim_due",
    "lines",
}


def test_every_document_repository_method_is_covered_here():
    public = {
        name
        for name, _ in inspect.getmembers(DocumentRepository, inspect.isfunction)
        if not name.startswith("_")
    }
    assert public == READERS


def test_company_a_cannot_read_company_b_documents(factory, tenants):
    a, b = tenants["a"], tenants["b"]
    with session_scope(factory, write=False) as session:
        mine = DocumentRepository(session, a)
        for document_id, external_id in tenants["b_docs"]:
            assert mine.get(document_id) is None
            assert mine.get_by_external_id(external_id) is None
            assert mine.get_by_external_id(str(external_id)) is None
            assert mine.events(document_id) == []
        assert mine.get_by_number("01", "F001", 2) is None
        assert mine.get_by_number("03", "B001", 1) is None
        own_id, own_external = tenants["a_doc"]
        assert mine.get_by_number("01", "F001", 1).id == own_id
        assert mine.get_by_external_id(own_external).id == own_id
        assert [d.id for d in mine.list()] == [own_id]
        assert [d.id for d in mine.list(DocumentFilter(date_from=DAY, date_to=DAY))] == [own_id]
        assert mine.list(DocumentFilter(tipo_documento="03")) == []
        assert mine.list(DocumentFilter(serie="B001")) == []
        assert [d.id for d in mine.list(DocumentFilter(states=["01"]), limit=1000)] == [own_id]
        assert mine.count() == 1
        assert DocumentRepository(session, b).count() == 4
        assert mine.list(DocumentFilter(tipos=["01", "03"])) == mine.list()
        assert mine.get_by_ticket("01", "TICKET-B") is None
        assert DocumentRepository(session, b).get_by_ticket("01", "TICKET-B").company_id == b


def test_company_a_cannot_change_or_annotate_b_documents(factory, tenants):
    a = tenants["a"]
    b_id = tenants["b_docs"][0][0]
    foreign = _b_document(factory, b_id)
    with session_scope(factory) as session:
        mine = DocumentRepository(session, a)
        with pytest.raises(LookupError):
            mine.change_state(foreign, DocumentState.ANULADO)
        with pytest.raises(LookupError):
            mine.set_files(foreign, xml_blob_key="20100000001/stolen.xml")
        with pytest.raises(LookupError):
            mine.events(foreign)
        with pytest.raises(LookupError):
            mine.reschedule(foreign, Schedule(attempts=9))
        with pytest.raises(LookupError):
            mine.lines(foreign)
        now = datetime.now(UTC)
        with pytest.raises(LookupError):
            mine.claim_due(foreign, "01", now, now)
    after = _b_document(factory, b_id)
    assert (after.state, after.xml_blob_key, after.company_id) == ("01", None, tenants["b"])

    # Even an object whose company was forged in memory is refused by the row's own company_id.
    forged = _b_document(factory, b_id)
    forged.company_id = a
    with session_scope(factory) as session:
        with pytest.raises(StateConflict):
            DocumentRepository(session, a).change_state(forged, DocumentState.ANULADO)
    assert _b_document(factory, b_id).state == "01"


def test_numbering_and_inserts_stay_within_the_company(factory, tenants):
    a, b = tenants["a"], tenants["b"]
    with session_scope(factory) as session:
        mine = DocumentRepository(session, a)
        assert mine.next_number("01", "F001") == 2  # A's own counter, not B's (which is at 3)
        with pytest.raises(InvalidDocument):
            mine.next_number("03", "B001")  # B's series is not A's
        # A may use a number B already has: the documents are different companies' documents.
        assert mine.insert(NewDocument("01", "F001", DAY, correlativo=3)).created
        b_fiscal = (
            session.execute(select(Series.establishment_id).where(Series.company_id == b)).scalars().first()
        )
        with pytest.raises(InvalidDocument):
            mine.insert(NewDocument("01", "F001", DAY, establishment_id=b_fiscal))
        with pytest.raises(InvalidDocument):
            SeriesRepository(session, a).add("01", "F009", establishment_id=b_fiscal)
        assert last_correlativo(session, a, "01", "F001") == 3  # the refused insert took no number
    with session_scope(factory, write=False) as session:
        b_series = session.execute(
            select(Series).where(Series.company_id == b, Series.serie == "F001")
        ).scalar_one()
        assert b_series.last_correlativo == 3
        assert [s.serie for s in SeriesRepository(session, a).list()] == ["F001"]
        assert SeriesRepository(session, a).get("03", "B001") is None
        b_numbers = session.execute(
            select(Document.correlativo).where(Document.company_id == b, Document.serie == "F001")
        ).scalars()
        assert sorted(b_numbers) == [1, 2, 3]


def test_an_explicit_number_never_reveals_another_company_document(factory, tenants):
    """Re-submitting B's number with B's fingerprint through A creates A's own document."""
    with session_scope(factory) as session:
        result = DocumentRepository(session, tenants["a"]).insert(
            NewDocument("01", "F001", DAY, correlativo=2, content_fingerprint="b" * 64)
        )
        assert result.created and result.document.company_id == tenants["a"]


def test_idempotency_keys_and_tokens_are_per_company(factory, tenants):
    a, b = tenants["a"], tenants["b"]
    with session_scope(factory) as session:
        IdempotencyRepository(session, b).claim("shared-key", "fp-b")
        IdempotencyRepository(session, b).complete("shared-key", 201, '{"of": "B"}')
    with session_scope(factory) as session:
        claim = IdempotencyRepository(session, a).claim("shared-key", "fp-b")
        assert claim.outcome is IdempotencyOutcome.NEW
        assert claim.record.response_body is None
        with pytest.raises(LookupError):
            IdempotencyRepository(session, a).complete("other-key", 200, "{}")
        assert IdempotencyRepository(session, a).purge(datetime(2999, 1, 1, tzinfo=UTC)) == 1
    with session_scope(factory) as session:
        assert (
            IdempotencyRepository(session, b).claim("shared-key", "fp-b").outcome is IdempotencyOutcome.REPLAY
        )
        tokens = TokenRepository(session)
        assert tokens.resolve(tenants["a_token"].token).company_id == a
        assert tokens.resolve(tenants["b_token"].token).company_id == b
        assert not tokens.revoke(a, tenants["b_token"].record.id)
        assert [t.company_id for t in tokens.list(a)] == [a]
        with pytest.raises(InvalidDocument):
            tokens.create(a, establishment_id=_fiscal_establishment(session, b))
    with session_scope(factory, write=False) as session:
        assert TokenRepository(session).resolve(tenants["b_token"].token) is not None


def _fiscal_establishment(session, company_id: int) -> int:
    return session.execute(
        select(Establishment.id).where(Establishment.company_id == company_id, Establishment.codigo == "0000")
    ).scalar_one()
