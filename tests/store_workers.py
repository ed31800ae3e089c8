"""Work that the multi-process store tests run in spawned processes (importable by them)."""

from __future__ import annotations

import time
from datetime import date

from yupana.store.database import create_database_engine, session_factory, session_scope
from yupana.store.migrate import upgrade
from yupana.store.repositories import DocumentRepository, NewDocument


def allocate_documents(
    url: str, company_id: int, tipo: str, serie: str, count: int, barrier: object
) -> tuple[list[int], float]:
    """Issue ``count`` documents, one transaction each, after every process reached ``barrier``.

    Returns the numbers and the seconds spent from the barrier to the last commit.
    """
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
