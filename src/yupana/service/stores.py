"""The server's storage opened from settings: database (migrated), blobs and the secrets key."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from yupana.settings import Settings
from yupana.store.blobs import LocalBlobStore
from yupana.store.database import create_database_engine, database_url_for, session_factory
from yupana.store.migrate import upgrade
from yupana.store.secrets import SecretBox, resolve_key


@dataclass(frozen=True, slots=True)
class Stores:
    engine: Engine
    sessions: sessionmaker[Session]
    blobs: LocalBlobStore
    secrets: SecretBox

    def close(self) -> None:
        self.engine.dispose()


def open_stores(settings: Settings, *, migrate: bool = True) -> Stores:
    """Database, blob folder and secret box of ``settings``; the schema upgraded when ``migrate``."""
    url = database_url_for(settings.database_url, settings.data_dir)
    if migrate:
        upgrade(url)
    engine = create_database_engine(url)
    secret = settings.secret_key.get_secret_value() if settings.secret_key else None
    return Stores(
        engine,
        session_factory(engine),
        LocalBlobStore.in_data_dir(settings.data_dir),
        SecretBox(resolve_key(secret, settings.data_dir)),
    )
