"""Correlativos under concurrency: no gaps, no duplicates, on SQLite and PostgreSQL.

Threads and processes issue documents of one series at the same time, each in its own
transaction; the numbers stored must be exactly 1..N. A transaction that rolls back after taking a
number must leave no hole.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import select

from store_workers import allocate_documents_into
from yupana.domain.party import Address, Company
from yupana.domain.problems import InvalidDocument
from yupana.store.database import session_scope
from yupana.store.models import Document, Series
from yupana.store.numbering import NumberingNeedsWriteTransaction, next_correlativo
from yupana.store.repositories import (
    CompanyRepository,
    DocumentRepository,
    NewDocument,
    SeriesRepository,
)
from yupana.store.secrets import SecretBox, generate_key

pytest_plugins = ["store_databases"]

ISSUE_DATE = date(2026, 11, 2)


def _company_with_series(factory, ruc: str = "20123456786", serie: str = "F001") -> int:
    with session_scope(factory) as session:
        company = CompanyRepository(session, SecretBox(generate_key())).create(
            Company(ruc, "EMPRESA DE PRUEBAS S.A.C.", address=Address("AV. LOS OLIVOS 123", "150101"))
        )
        SeriesRepository(session, company.id).add("01", serie)
        return company.id


def _stored_numbers(factory, company_id: int, serie: str = "F001") -> list[int]:
    with session_scope(factory, write=False) as session:
        return list(
            session.execute(
                select(Document.correlativo)
                .where(Document.company_id == company_id, Document.serie == serie)
                .order_by(Document.correlativo)
            ).scalars()
        )


def _last(factory, company_id: int, serie: str = "F001") -> int:
    with session_scope(factory, write=False) as session:
        return session.execute(
            select(Series.last_correlativo).where(Series.company_id == company_id, Series.serie == serie)
        ).scalar_one()


class _Abort(Exception):
    pass


def test_threads_get_every_number_once(factory, migrated_url):
    company_id = _company_with_series(factory)
    attempts = 200 + 25  # every ninth attempt rolls back after taking its number
    counter = iter(range(attempts))
    lock = threading.Lock()
    start = threading.Barrier(8)

    def work() -> tuple[list[int], int]:
        committed: list[int] = []
        aborted = 0
        start.wait()
        while True:
            with lock:
                attempt = next(counter, None)
            if attempt is None:
                return committed, aborted
            try:
                with session_scope(factory) as session:
                    result = DocumentRepository(session, company_id).insert(
                        NewDocument(tipo_documento="01", serie="F001", issue_date=ISSUE_DATE)
                    )
                    number = result.document.correlativo
                    if attempt % 9 == 8:
                        raise _Abort
                committed.append(number)
            except _Abort:
                aborted += 1

    began = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda _: work(), range(8)))
    elapsed = time.perf_counter() - began
    committed = [number for numbers, _ in outcomes for number in numbers]
    aborted = sum(count for _, count in outcomes)

    assert aborted == 25
    assert len(committed) == 200
    assert sorted(committed) == list(range(1, 201))
    assert _stored_numbers(factory, company_id) == list(range(1, 201))
    assert _last(factory, company_id) == 200
    print(
        f"\n{migrated_url.split(':')[0]}: 225 transactions (200 committed) from 8 threads in {elapsed:.2f} s"
    )


def test_processes_get_every_number_once(factory, migrated_url):
    company_id = _company_with_series(factory)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(4)
    results = context.Queue()
    workers = [
        context.Process(
            target=allocate_documents_into,
            args=(migrated_url, company_id, "01", "F001", 50, barrier, results),
        )
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    numbers: list[int] = []
    elapsed = 0.0
    for _ in workers:
        got, seconds = results.get(timeout=120)
        numbers.extend(got)
        elapsed = max(elapsed, seconds)
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0

    assert len(numbers) == 200
    assert sorted(numbers) == list(range(1, 201))
    assert _stored_numbers(factory, company_id) == list(range(1, 201))
    assert _last(factory, company_id) == 200
    print(
        f"\n{migrated_url.split(':')[0]}: 200 documents from 4 processes in {elapsed:.2f} s (after start-up)"
    )


def test_a_rolled_back_issue_leaves_no_gap(factory):
    company_id = _company_with_series(factory)
    with session_scope(factory) as session:
        assert (
            DocumentRepository(session, company_id)
            .insert(NewDocument(tipo_documento="01", serie="F001", issue_date=ISSUE_DATE))
            .document.correlativo
            == 1
        )

    with pytest.raises(_Abort), session_scope(factory) as session:
        documents = DocumentRepository(session, company_id)
        assert documents.next_number("01", "F001") == 2
        documents.insert(NewDocument(tipo_documento="01", serie="F001", issue_date=ISSUE_DATE, correlativo=2))
        raise _Abort

    assert _last(factory, company_id) == 1
    with session_scope(factory) as session:
        document = (
            DocumentRepository(session, company_id)
            .insert(NewDocument(tipo_documento="01", serie="F001", issue_date=ISSUE_DATE))
            .document
        )
        assert document.correlativo == 2
    assert _stored_numbers(factory, company_id) == [1, 2]


def test_the_number_is_known_before_the_row_is_inserted(factory):
    """The signed XML carries its number: take it, build, then insert with it in one transaction."""
    company_id = _company_with_series(factory)
    with session_scope(factory) as session:
        documents = DocumentRepository(session, company_id)
        number = documents.next_number("01", "F001")
        stored = documents.insert(
            NewDocument(tipo_documento="01", serie="F001", issue_date=ISSUE_DATE, correlativo=number)
        )
    assert (number, stored.created, stored.document.correlativo) == (1, True, 1)
    assert _last(factory, company_id) == 1


def test_explicit_numbers_push_the_counter_and_never_collide(factory):
    company_id = _company_with_series(factory)
    with session_scope(factory) as session:
        documents = DocumentRepository(session, company_id)
        documents.insert(
            NewDocument(tipo_documento="01", serie="F001", issue_date=ISSUE_DATE, correlativo=10)
        )
        assert (
            documents.insert(
                NewDocument(tipo_documento="01", serie="F001", issue_date=ISSUE_DATE)
            ).document.correlativo
            == 11
        )
        # An explicit number below the counter is allowed when free and does not move it back.
        documents.insert(NewDocument(tipo_documento="01", serie="F001", issue_date=ISSUE_DATE, correlativo=3))
    assert _last(factory, company_id) == 11
    assert _stored_numbers(factory, company_id) == [3, 10, 11]


def test_series_are_counted_apart(factory):
    company_id = _company_with_series(factory)
    with session_scope(factory) as session:
        SeriesRepository(session, company_id).add("01", "F002")
        SeriesRepository(session, company_id).add("03", "F001")
        documents = DocumentRepository(session, company_id)
        got = [
            documents.insert(
                NewDocument(tipo_documento=tipo, serie=serie, issue_date=ISSUE_DATE)
            ).document.correlativo
            for tipo, serie in [
                ("01", "F001"),
                ("01", "F002"),
                ("01", "F001"),
                ("03", "F001"),
                ("03", "F001"),
            ]
        ]
    assert got == [1, 1, 2, 1, 2]


def test_an_unknown_series_is_refused(factory):
    company_id = _company_with_series(factory)
    with pytest.raises(InvalidDocument) as raised, session_scope(factory) as session:
        DocumentRepository(session, company_id).insert(
            NewDocument(tipo_documento="01", serie="F999", issue_date=ISSUE_DATE)
        )
    assert raised.value.errors[0].path == "serie"
    assert "F999" in raised.value.errors[0].message


def test_numbering_refuses_a_reading_transaction_on_sqlite(factory, engine):
    company_id = _company_with_series(factory)
    with session_scope(factory, write=False) as session:
        if engine.dialect.name == "sqlite":
            with pytest.raises(NumberingNeedsWriteTransaction):
                next_correlativo(session, company_id, "01", "F001")
        else:
            # PostgreSQL's row lock makes any transaction safe.
            assert next_correlativo(session, company_id, "01", "F001") == 1
