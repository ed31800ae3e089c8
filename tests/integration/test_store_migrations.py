"""Migrations: the migrated schema is the schema of the models, on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing

from sqlalchemy import inspect

from store_workers import upgrade_after
from yupana.store.database import create_database_engine
from yupana.store.migrate import (
    current_revision,
    downgrade,
    head_revision,
    schema_differences,
    upgrade,
)
from yupana.store.models import Base

pytest_plugins = ["store_databases"]

TABLES = {
    "companies",
    "establishments",
    "series",
    "api_users",
    "api_tokens",
    "documents",
    "document_events",
    "idempotency_keys",
    "batch_lines",
    "webhooks",
    "webhook_deliveries",
}


def _tables(url: str) -> set[str]:
    engine = create_database_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_models_and_migrated_schema_agree(database_url):
    assert current_revision(database_url) is None
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()
    assert _tables(database_url) == TABLES == set(Base.metadata.tables)
    assert schema_differences(database_url) == []


def test_an_empty_database_differs_from_the_models(database_url):
    """The comparison itself sees a difference when there is one."""
    differences = schema_differences(database_url)
    added = {diff[1].name for diff in differences if diff[0] == "add_table"}
    assert added == TABLES


def test_upgrade_twice_and_downgrade(database_url):
    upgrade(database_url)
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()
    downgrade(database_url, "base")
    assert current_revision(database_url) is None
    assert _tables(database_url) == set()
    upgrade(database_url)
    assert schema_differences(database_url) == []


def test_processes_starting_together_migrate_once(database_url):
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(3)
    results = context.Queue()
    workers = [context.Process(target=upgrade_after, args=(database_url, barrier, results)) for _ in range(3)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert outcomes == ["ok", "ok", "ok"]
    assert current_revision(database_url) == head_revision()
    assert schema_differences(database_url) == []
