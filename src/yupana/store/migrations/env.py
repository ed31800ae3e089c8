"""Alembic environment of Yupana's migrations.

The database comes from the caller, never from a file: ``store.migrate`` passes an open connection
in ``config.attributes["connection"]``, or a URL in the ``sqlalchemy.url`` option. SQLite tables
are altered in batch mode (copy and move), the only way SQLite can change most constraints.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from yupana.store.database import create_database_engine, normalized_url
from yupana.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL given to the migrations")
    context.configure(
        url=normalized_url(url),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=normalized_url(url).get_backend_name() == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL given to the migrations")
    engine = create_database_engine(url)
    try:
        with engine.connect() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
