"""Alembic migrations of Yupana's database (run them with ``yupana.store.migrate.upgrade``)."""
