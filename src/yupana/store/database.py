"""Connections to the database: an engine and a session factory from one URL.

SQLite is the default (one file under the data folder); PostgreSQL is used when the URL says so
(``postgresql://…`` goes through psycopg 3). Each SQLite connection gets WAL journaling, foreign
keys on, a busy timeout and ``synchronous=FULL``: a commit is on disk before it returns, so a
document whose number was handed out (and maybe sent to SUNAT) survives a power cut. (``NORMAL``
is faster on WAL but may lose the last commits when the machine stops.)

Transactions on SQLite are started by Yupana itself rather than by Python's ``sqlite3`` module, so
that a writing transaction can start with ``BEGIN IMMEDIATE``: it takes SQLite's write lock at its
first statement and waits for it (up to the busy timeout) instead of failing later when a read
snapshot cannot be upgraded to a write. ``session_scope(factory)`` opens such a writing
transaction; ``session_scope(factory, write=False)`` opens a plain (deferred) one for reading. On
PostgreSQL both are ordinary READ COMMITTED transactions.
"""

from __future__ import annotations

import decimal
import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

DEFAULT_DATABASE_URL = "sqlite:///data/yupana.db"
DATABASE_FILE_NAME = "yupana.db"
SQLITE_BUSY_TIMEOUT_SECONDS = 30.0

# Execution option read when a SQLite transaction begins: "IMMEDIATE" or "DEFERRED".
SQLITE_BEGIN_OPTION = "yupana_sqlite_begin"
_BEGIN_MODES = {"DEFERRED", "IMMEDIATE", "EXCLUSIVE"}


def database_url_for(database_url: str | None, data_dir: Path) -> str:
    """The URL to use: the configured one, or the SQLite file ``yupana.db`` in ``data_dir``."""
    if database_url:
        return database_url
    return f"sqlite:///{data_dir / DATABASE_FILE_NAME}"


def normalized_url(url: str | URL) -> URL:
    """``url`` with the driver Yupana uses: ``postgresql://`` means psycopg 3, not psycopg2."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _json_default(value: object) -> str:
    # Money stays exact in JSON columns: a Decimal is written as its string, never as a float.
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def json_dumps(value: Any) -> str:
    """The serializer of JSON columns (Decimal as string, dates in ISO 8601)."""
    return json.dumps(value, default=_json_default, ensure_ascii=False, separators=(",", ":"))


def create_database_engine(url: str | URL = DEFAULT_DATABASE_URL, *, echo: bool = False) -> Engine:
    """An engine for ``url``; for a SQLite file its folder is created when missing."""
    parsed = normalized_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed, echo=echo)
    if backend == "postgresql":
        return create_engine(parsed, echo=echo, json_serializer=json_dumps, pool_pre_ping=True)
    raise ValueError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")


def _set_wal(cursor: Any, attempts: int = 100, pause: float = 0.1) -> None:
    """Switch the file to WAL journaling. Several processes opening a new database file at once
    race for the switch, and SQLite answers "database is locked" at once (the busy timeout does
    not cover a journal-mode change), so the loser tries again."""
    for attempt in range(attempts):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(pause)


def _sqlite_engine(url: URL, *, echo: bool) -> Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not in_memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {
        "echo": echo,
        "json_serializer": json_dumps,
        "connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
    }
    if in_memory:
        # One shared connection, or every new connection would see a new empty database.
        options["poolclass"] = StaticPool
    engine = create_engine(url, **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Python's sqlite3 must not open transactions on its own; the "begin" hook below does.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not in_memory:
                _set_wal(cursor)
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_SECONDS * 1000)}")
            cursor.execute("PRAGMA synchronous=FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = str(connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")).upper()
        if mode not in _BEGIN_MODES:
            raise ValueError(f"unknown SQLite transaction mode {mode!r}")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def is_sqlite(bind: Engine | Session) -> bool:
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    return engine.dialect.name == "sqlite"


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def begin_writing(session: Session) -> None:
    """Start ``session``'s transaction as a writing one (SQLite ``BEGIN IMMEDIATE``).

    Must be called before the session runs its first statement; on PostgreSQL it only opens the
    connection.
    """
    if session.in_transaction():
        raise RuntimeError("begin_writing() must come before the session's first statement")
    session.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})


def is_writing(session: Session) -> bool:
    """Whether ``session``'s transaction may write without risking a lost SQLite snapshot."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return True
    mode = str(connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")).upper()
    return mode in ("IMMEDIATE", "EXCLUSIVE")


@contextmanager
def session_scope(factory: sessionmaker[Session], *, write: bool = True) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back when it raises.

    ``write=True`` (the default) starts a writing transaction (SQLite ``BEGIN IMMEDIATE``), which
    numbering and any read-then-write work need; ``write=False`` is for reading only.
    """
    session = factory()
    try:
        if write:
            begin_writing(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def insert_ignoring_duplicates(session: Session, table: type[Any], values: dict[str, Any]) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` of one row, in the dialect of ``session``'s database.

    Unlike catching an integrity error, it leaves a PostgreSQL transaction usable; when another
    transaction is inserting the same key, PostgreSQL waits for it to end.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).values(**values).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(table).values(**values).on_conflict_do_nothing()
    raise RuntimeError(f"unsupported database {dialect!r}")
