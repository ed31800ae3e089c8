"""Bring a database to the schema this Yupana expects (Alembic migrations shipped in the package).

``upgrade(url)`` is safe when several processes start together: the whole upgrade runs in one
transaction that first takes a lock (SQLite ``BEGIN IMMEDIATE``, PostgreSQL an advisory
transaction lock), so the second process waits and then finds nothing left to do.

On SQLite, foreign key enforcement is switched off while migrating (SQLite rebuilds a table to
alter it, which must not cascade) and the whole database is checked with ``PRAGMA
foreign_key_check`` before the upgrade commits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, Connection

from yupana.store.database import SQLITE_BEGIN_OPTION, create_database_engine
from yupana.store.models import Base

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant shared by every Yupana process; names the PostgreSQL advisory lock of migrations.
_MIGRATION_LOCK_ID = 0x59555041  # "YUPA"


def alembic_config(url: str | URL | None = None) -> Config:
    """An Alembic configuration for Yupana's migrations (no ini file)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        value = url.render_as_string(hide_password=False) if isinstance(url, URL) else url
        config.set_main_option("sqlalchemy.url", value.replace("%", "%%"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("the package has no migrations")
    return head


def _run(target: str | URL | Engine, action: Any) -> Any:
    engine = target if isinstance(target, Engine) else create_database_engine(target)
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # Outside any transaction (the driver is in autocommit mode until BEGIN).
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
                connection.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
            try:
                with connection.begin():
                    if connection.dialect.name == "postgresql":
                        connection.execute(
                            text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID}
                        )
                    result = action(connection)
                    if sqlite:
                        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                        if broken:
                            raise RuntimeError(f"migration left rows with broken foreign keys: {broken[:5]}")
                return result
            finally:
                if sqlite:
                    connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
    finally:
        if engine is not target:
            engine.dispose()


def upgrade(url: str | URL | Engine, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` (default: the newest)."""

    def action(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    _run(url, action)


def downgrade(url: str | URL | Engine, revision: str) -> None:
    """Undo migrations down to ``revision`` (``"base"``: an empty database)."""

    def action(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    _run(url, action)


def current_revision(url: str | URL | Engine) -> str | None:
    """The revision the database is at (``None`` when never migrated)."""
    return _run(url, lambda connection: MigrationContext.configure(connection).get_current_revision())


def schema_differences(url: str | URL | Engine) -> list[Any]:
    """What Alembic's autogenerate sees between the models and the database (empty: they agree)."""

    def action(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    return _run(url, action)
