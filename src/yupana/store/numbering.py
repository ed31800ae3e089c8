"""Correlativos of a series: no gaps, no duplicates, whatever runs at the same time.

The number is taken with one atomic statement on the series row,
``UPDATE series SET last_correlativo = last_correlativo + 1 … RETURNING last_correlativo``, inside
the transaction that inserts the document:

* PostgreSQL locks the row until that transaction ends; a concurrent transaction waits and then
  reads the committed value (READ COMMITTED re-checks the updated row), so no two transactions get
  the same number;
* SQLite has one writer at a time; the transaction must have been started with ``BEGIN IMMEDIATE``
  (``database.session_scope`` does it), so it holds the write lock before it reads anything.

If the transaction rolls back, the increment rolls back with it: a failed issue consumes no number.
The lock is held until commit, so the work done between taking a number and committing should be
short (insert the row, not talk to SUNAT).
"""

from __future__ import annotations

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from yupana.domain.problems import InvalidDocument
from yupana.store.database import is_writing
from yupana.store.models import Series


class NumberingNeedsWriteTransaction(RuntimeError):
    """Numbering was asked inside a SQLite transaction that does not hold the write lock."""


def _require_writing(session: Session) -> None:
    if not is_writing(session):
        raise NumberingNeedsWriteTransaction(
            "numbering needs a writing transaction (database.session_scope(factory, write=True))"
        )


def _unknown_series(tipo_documento: str, serie: str) -> InvalidDocument:
    return InvalidDocument.single(
        f"series {serie} is not registered for document type {tipo_documento}", "serie"
    )


def next_correlativo(session: Session, company_id: int, tipo_documento: str, serie: str) -> int:
    """Take the next correlativo of the series; it is consumed only if the transaction commits.

    Raises ``InvalidDocument`` when the company has no such series.
    """
    _require_writing(session)
    statement = (
        update(Series)
        .where(
            Series.company_id == company_id,
            Series.tipo_documento == tipo_documento,
            Series.serie == serie,
        )
        .values(last_correlativo=Series.last_correlativo + 1)
        .returning(Series.last_correlativo)
        .execution_options(synchronize_session=False)
    )
    number = session.execute(statement).scalar_one_or_none()
    if number is None:
        raise _unknown_series(tipo_documento, serie)
    return number


def claim_correlativo(
    session: Session, company_id: int, tipo_documento: str, serie: str, correlativo: int
) -> int:
    """Lock the series for an explicitly numbered document and keep the counter at or above it.

    Afterwards the next ``next_correlativo`` is above ``correlativo``, so an explicit number and an
    automatic one never collide; numbers skipped by the caller stay skipped. Returns the series'
    last correlativo. Until the transaction ends the series is locked, so checking whether the
    number is already used is reliable.
    """
    _require_writing(session)
    if correlativo < 1:
        raise InvalidDocument.single("the correlativo must be a positive number", "correlativo")
    statement = (
        update(Series)
        .where(
            Series.company_id == company_id,
            Series.tipo_documento == tipo_documento,
            Series.serie == serie,
        )
        .values(
            last_correlativo=case(
                (Series.last_correlativo < correlativo, correlativo),
                else_=Series.last_correlativo,
            )
        )
        .returning(Series.last_correlativo)
        .execution_options(synchronize_session=False)
    )
    last = session.execute(statement).scalar_one_or_none()
    if last is None:
        raise _unknown_series(tipo_documento, serie)
    return last


def last_correlativo(session: Session, company_id: int, tipo_documento: str, serie: str) -> int | None:
    """The last correlativo handed out (``None`` when the series does not exist); reads only."""
    return session.execute(
        select(Series.last_correlativo).where(
            Series.company_id == company_id,
            Series.tipo_documento == tipo_documento,
            Series.serie == serie,
        )
    ).scalar_one_or_none()
