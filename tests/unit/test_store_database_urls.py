"""Database URLs and engines that need no server: defaults, drivers, the SQLite folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from yupana.store.database import (
    DEFAULT_DATABASE_URL,
    create_database_engine,
    database_url_for,
    normalized_url,
)


def test_default_url_and_drivers(tmp_path):
    assert DEFAULT_DATABASE_URL == "sqlite:///data/yupana.db"
    assert database_url_for(None, Path("data")) == DEFAULT_DATABASE_URL
    assert database_url_for(None, tmp_path) == f"sqlite:///{tmp_path}/yupana.db"
    assert database_url_for("postgresql://u@h/db", tmp_path) == "postgresql://u@h/db"
    assert normalized_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalized_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalized_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"
    assert normalized_url("sqlite:///x.db").drivername == "sqlite"
    with pytest.raises(ValueError):
        create_database_engine("mysql://u@h/db")


def test_sqlite_folder_is_created(tmp_path):
    engine = create_database_engine(f"sqlite:///{tmp_path / 'nested' / 'deeper' / 'yupana.db'}")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        assert (tmp_path / "nested" / "deeper" / "yupana.db").is_file()
    finally:
        engine.dispose()
