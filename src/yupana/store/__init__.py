"""Persistence: the database (SQLAlchemy models, repositories, Alembic migrations), blobs and secrets.

This room knows the domain and nothing of HTTP or of talking to SUNAT.
"""
