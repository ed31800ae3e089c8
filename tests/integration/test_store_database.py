"""Engines and transactions on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from sqlalchemy import select, text

from yupana.domain.party import Company
from yupana.store.database import (
    begin_writing,
    is_sqlite,
    session_factory,
    session_scope,
)
from yupana.store.models import Company as CompanyRow
from yupana.store.repositories import CompanyRepository, DocumentRepository, NewDocument, SeriesRepository
from yupana.store.secrets import SecretBox, generate_key

pytest_plugins = ["store_databases"]


def test_connection_settings(engine):
    with engine.connect() as connection:
        if is_sqlite(engine):
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        else:
            assert engine.dialect.driver == "psycopg"
            assert connection.exec_driver_sql("SHOW transaction_isolation").scalar() == "read committed"


def test_session_scope_commits_or_rolls_back(factory):
    box = SecretBox(generate_key())
    with session_scope(factory) as session:
        CompanyRepository(session, box).create(Company("20100000001", "UNO"))
    with pytest.raises(RuntimeError), session_scope(factory) as session:
        CompanyRepository(session, box).create(Company("20100000002", "DOS"))
        raise RuntimeError("issue failed")
    with session_scope(factory, write=False) as session:
        assert list(session.execute(select(CompanyRow.ruc)).scalars()) == ["20100000001"]


def test_a_second_writer_waits_for_the_first(factory):
    """Two writing transactions on one series: the second waits (no error) and sees the first's number."""
    box = SecretBox(generate_key())
    with session_scope(factory) as session:
        company = CompanyRepository(session, box).create(Company("20100000001", "UNO"))
        SeriesRepository(session, company.id).add("01", "F001")
        company_id = company.id

    first_has_number = threading.Event()
    got: dict[str, object] = {}

    def first() -> None:
        with session_scope(factory) as session:
            got["first"] = (
                DocumentRepository(session, company_id)
                .insert(NewDocument("01", "F001", date(2026, 11, 2)))
                .document.correlativo
            )
            first_has_number.set()
            time.sleep(0.5)

    def second() -> None:
        first_has_number.wait(10)
        began = time.perf_counter()
        with session_scope(factory) as session:
            got["second"] = (
                DocumentRepository(session, company_id)
                .insert(NewDocument("01", "F001", date(2026, 11, 2)))
                .document.correlativo
            )
        got["waited"] = time.perf_counter() - began

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert (got["first"], got["second"]) == (1, 2)
    assert got["waited"] > 0.2


def test_reading_does_not_wait_for_a_writer(factory, engine):
    """A reading transaction runs while a writer holds its lock (WAL on SQLite, MVCC on PostgreSQL)."""
    box = SecretBox(generate_key())
    with session_scope(factory) as session:
        CompanyRepository(session, box).create(Company("20100000001", "UNO"))
    writer = session_factory(engine)()
    try:
        begin_writing(writer)
        writer.execute(text("UPDATE companies SET razon_social = 'CAMBIANDO'"))
        began = time.perf_counter()
        with session_scope(factory, write=False) as reader:
            assert reader.execute(select(CompanyRow.razon_social)).scalar_one() == "UNO"
        assert time.perf_counter() - began < 1.0
    finally:
        writer.rollback()
        writer.close()
