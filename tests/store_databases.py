"""Databases for the store tests: every test runs on SQLite (a WAL file) and on PostgreSQL.

PostgreSQL is the server at 127.0.0.1:5432 (user postgres, trust), or ``$YUPANA_TEST_POSTGRES_URL``
(a URL of its maintenance database). Each test gets its own database with a unique name, dropped
afterwards. When the server cannot be reached the PostgreSQL variant of a test fails; it is never
skipped.

Import the fixtures into a test module: ``from store_databases import database_url, ...``.
Also holds the worker functions the multi-process tests run (importable by spawned processes).
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from yupana.store.database import create_database_engine, session_factory, session_scope
from yupana.store.migrate import upgrade

POSTGRES_ADMIN_URL = os.environ.get(
    "YUPANA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", "postgresql")


def _admin_connection() -> psycopg.Connection:
    url = make_url(POSTGRES_ADMIN_URL)
    try:
        return psycopg.connect(
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            user=url.username or "postgres",
            password=url.password,
            dbname=url.database or "postgres",
            autocommit=True,
            connect_timeout=5,
        )
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {exc}", pytrace=False)


def _database_url(name: str) -> str:
    url = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)


@contextmanager
def postgres_database(template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database (a copy of ``template`` when given); its URL; dropped afterwards."""
    name = f"yupana_test_{uuid.uuid4().hex[:16]}"
    with _admin_connection() as admin:
        suffix = f" TEMPLATE {template}" if template else ""
        admin.execute(f'CREATE DATABASE "{name}"{suffix}')
    try:
        yield _database_url(name)
    finally:
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One migrated database per backend, copied for each test (faster than migrating each time)."""
    folder = tmp_path_factory.mktemp("store-template")
    sqlite_file = folder / "template.db"
    upgrade(f"sqlite:///{sqlite_file}")
    with postgres_database() as url:
        upgrade(url)
        yield {"sqlite": str(sqlite_file), "postgresql": make_url(url).database or ""}


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'yupana.db'}"
        return
    with postgres_database() as url:
        yield url


@pytest.fixture(params=BACKENDS)
def migrated_url(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_templates: dict[str, str]
) -> Iterator[str]:
    """A database at the newest schema, on each backend."""
    if request.param == "sqlite":
        target = tmp_path / "yupana.db"
        shutil.copyfile(migrated_templates["sqlite"], target)
        yield f"sqlite:///{target}"
        return
    with postgres_database(template=migrated_templates["postgresql"]) as url:
        yield url


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    engine = create_database_engine(migrated_url)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


# --- work done by other processes --------------------------------------------------------------


def allocate_documents(
    url: str, company_id: int, tipo: str, serie: str, count: int, barrier: object
) -> tuple[list[int], float]:
    """Issue ``count`` documents, one transaction each, after every process reached ``barrier``.

    Returns the numbers and the seconds spent from the barrier to the last commit.
    """
    from yupana.store.repositories import DocumentRepository, NewDocument

    engine = create_database_engine(url)
    factory = session_factory(engine)
    numbers: list[int] = []
    try:
        barrier.wait()  # type: ignore[attr-defined]
        began = time.perf_counter()
        for _ in range(count):
            with session_scope(factory) as session:
                result = DocumentRepository(session, company_id).insert(
                    NewDocument(tipo_documento=tipo, serie=serie, issue_date=date(2026, 11, 2))
                )
                numbers.append(result.document.correlativo)
        elapsed = time.perf_counter() - began
    finally:
        engine.dispose()
    return numbers, elapsed


def allocate_documents_into(
    url: str, company_id: int, tipo: str, serie: str, count: int, barrier: object, results: object
) -> None:
    results.put(allocate_documents(url, company_id, tipo, serie, count, barrier))  # type: ignore[attr-defined]


def upgrade_after(url: str, barrier: object, results: object) -> None:
    barrier.wait()  # type: ignore[attr-defined]
    try:
        upgrade(url)
        results.put("ok")  # type: ignore[attr-defined]
    except Exception as exc:  # reported to the test, which fails on anything but "ok"
        results.put(f"{type(exc).__name__}: {exc}")  # type: ignore[attr-defined]
