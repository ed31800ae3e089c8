"""What the simulator remembers across restarts: one SQLite file in its data folder.

* ``documents`` — every document SUNAT would have on record, keyed by RUC, type, series and
  number: accepted, rejected (a CDR de rechazo was issued) or voided (de baja by an RA, RC or
  RR), with the CDR it was answered with (boletas registered by a daily summary have none).
* ``tickets`` — summaries, batches and guías waiting for or holding their result.
* ``users``, ``gre_clients``, ``tokens`` — SOL users, GRE API clients and issued access tokens.

One connection is shared by the server's threads behind a lock (SQLite in WAL mode).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    ruc TEXT NOT NULL,
    tipo TEXT NOT NULL,
    serie TEXT NOT NULL,
    numero INTEGER NOT NULL,
    status TEXT NOT NULL,            -- accepted | rejected | voided
    response_code TEXT NOT NULL,     -- 0 or the rejection code of its CDR
    identifier TEXT NOT NULL,        -- cbc:ID as sent
    digest TEXT,                     -- SHA-256 of the XML received
    cdr BLOB,                        -- the CDR ZIP answered (NULL when registered by a summary)
    cdr_name TEXT,
    origin TEXT NOT NULL,            -- file name or summary that registered it
    voided_by TEXT,
    received_at REAL NOT NULL,
    PRIMARY KEY (ruc, tipo, serie, numero)
);
CREATE TABLE IF NOT EXISTS tickets (
    ticket TEXT PRIMARY KEY,
    kind TEXT NOT NULL,              -- summary | pack | gre
    username TEXT NOT NULL,
    ruc TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content BLOB NOT NULL,           -- the ZIP received
    received_at REAL NOT NULL,
    ready_at REAL NOT NULL,
    status TEXT NOT NULL,            -- 98 | 0 | 99
    cdr BLOB,
    error_code TEXT,
    error_message TEXT
);
CREATE INDEX IF NOT EXISTS tickets_pending ON tickets (status, ready_at);
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    password TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS gre_clients (
    client_id TEXT PRIMARY KEY,
    client_secret TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    username TEXT NOT NULL,
    expires_at REAL NOT NULL
);
"""

ACCEPTED = "accepted"
REJECTED = "rejected"
VOIDED = "voided"


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    ruc: str
    tipo: str
    serie: str
    numero: int
    status: str
    response_code: str
    identifier: str
    digest: str | None
    cdr: bytes | None
    cdr_name: str | None
    origin: str
    voided_by: str | None
    received_at: float


@dataclass(frozen=True, slots=True)
class TicketRecord:
    ticket: str
    kind: str
    username: str
    ruc: str
    file_name: str
    content: bytes
    received_at: float
    ready_at: float
    status: str
    cdr: bytes | None
    error_code: str | None
    error_message: str | None


class Store:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- documents ---------------------------------------------------------------------------

    def document(self, ruc: str, tipo: str, serie: str, numero: int) -> DocumentRecord | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM documents WHERE ruc=? AND tipo=? AND serie=? AND numero=?",
                (ruc, tipo, serie, numero),
            ).fetchone()
        return DocumentRecord(**dict(row)) if row else None

    def save_document(self, record: DocumentRecord) -> None:
        with self.transaction() as db:
            _upsert_document(db, record)

    def count_documents(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    # -- tickets -----------------------------------------------------------------------------

    def add_ticket(self, record: TicketRecord) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO tickets VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    record.ticket,
                    record.kind,
                    record.username,
                    record.ruc,
                    record.file_name,
                    record.content,
                    record.received_at,
                    record.ready_at,
                    record.status,
                    record.cdr,
                    record.error_code,
                    record.error_message,
                ),
            )

    def ticket(self, ticket: str) -> TicketRecord | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM tickets WHERE ticket=?", (ticket,)).fetchone()
        return TicketRecord(**dict(row)) if row else None

    def due_tickets(self, now: float) -> list[TicketRecord]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM tickets WHERE status='98' AND ready_at<=? ORDER BY received_at, ticket", (now,)
            ).fetchall()
        return [TicketRecord(**dict(row)) for row in rows]

    def summary_accepted(self, ruc: str, file_name: str) -> bool:
        """Whether a summary of that name was already processed without errors."""
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM tickets WHERE ruc=? AND file_name=? AND status='0' LIMIT 1", (ruc, file_name)
            ).fetchone()
        return row is not None

    def settle_ticket(
        self,
        ticket: str,
        status: str,
        cdr: bytes | None,
        error_code: str | None,
        error_message: str | None,
        documents: list[DocumentRecord],
    ) -> None:
        """Record a ticket's result and, in the same transaction, what it did to the registry."""
        with self.transaction() as db:
            db.execute(
                "UPDATE tickets SET status=?, cdr=?, error_code=?, error_message=? WHERE ticket=?",
                (status, cdr, error_code, error_message, ticket),
            )
            for record in documents:
                _upsert_document(db, record)

    # -- credentials -------------------------------------------------------------------------

    def add_user(self, username: str, password: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO users VALUES (?,?) ON CONFLICT(username) DO UPDATE SET password=excluded.password",
                (username, password),
            )

    def user_password(self, username: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT password FROM users WHERE username=?", (username,)).fetchone()
        return str(row[0]) if row else None

    def add_gre_client(self, client_id: str, client_secret: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO gre_clients VALUES (?,?) "
                "ON CONFLICT(client_id) DO UPDATE SET client_secret=excluded.client_secret",
                (client_id, client_secret),
            )

    def gre_client_secret(self, client_id: str) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT client_secret FROM gre_clients WHERE client_id=?", (client_id,)
            ).fetchone()
        return str(row[0]) if row else None

    def add_token(self, token: str, client_id: str, username: str, expires_at: float) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM tokens WHERE expires_at<?", (time.time(),))
            db.execute("INSERT INTO tokens VALUES (?,?,?,?)", (token, client_id, username, expires_at))

    def token_user(self, token: str, now: float) -> str | None:
        """The SOL user a live access token was issued to."""
        with self._lock:
            row = self._db.execute(
                "SELECT username FROM tokens WHERE token=? AND expires_at>?", (token, now)
            ).fetchone()
        return str(row[0]) if row else None


def _upsert_document(db: sqlite3.Connection, record: DocumentRecord) -> None:
    db.execute(
        "INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            record.ruc,
            record.tipo,
            record.serie,
            record.numero,
            record.status,
            record.response_code,
            record.identifier,
            record.digest,
            record.cdr,
            record.cdr_name,
            record.origin,
            record.voided_by,
            record.received_at,
        ),
    )
