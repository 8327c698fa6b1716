"""The change log: every write to the seeded data, kept in SQLite so that every worker sees it.

Customers are never changed in place. A write appends the customer's whole new record to the
log under the next sequence number; a reset appends a marker that makes every earlier change
void and deletes them. A server's view of the data is its seed dataset plus the log, so
workers that share one log file (in WAL mode: readers never wait for the writer) serve the same
customers, and a sequence number names a moment of the data that cursors can refer to.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import orjson

from mockserver.domain.customer import Customer

__all__ = ["Change", "ChangeLog", "MEMORY"]

MEMORY: Final = ":memory:"
_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    record BLOB
)
"""
_BUSY_TIMEOUT_SECONDS: Final = 10.0


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the log: a customer's new record, or (with `record` None) a reset of all data."""

    seq: int
    tenant: str
    customer_id: str
    record: Customer | None

    @property
    def is_reset(self) -> bool:
        return self.record is None


class ChangeLog:
    """An append-only log of changes in one SQLite database, read in sequence order.

    `path` is a file that several processes may share, or `MEMORY` for a log private to this
    process. Each process opens its own `ChangeLog`; `changes_after` is how it catches up with
    what the others wrote.
    """

    def __init__(self, path: Path | str = MEMORY) -> None:
        self.path = str(path)
        self.shared = self.path != MEMORY
        self._db = sqlite3.connect(
            self.path, timeout=_BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        if self.shared:
            self._db.execute("PRAGMA journal_mode=WAL")
            # In WAL mode a commit that skips fsync still survives a crash of the process.
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)
        self._data_version = -1

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the log's write lock: what is read inside is not changed by another writer until the end."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def append(self, tenant: str, record: Customer) -> int:
        """Record `record` as the customer's new state; its sequence number. Call inside `transaction`."""
        return self._insert(tenant, record["customerId"], orjson.dumps(record))

    def reset(self) -> int:
        """Void every change so far (the data is the seed's again); the reset's sequence number."""
        with self.transaction():
            seq = self._insert("", "", None)
            self._db.execute("DELETE FROM changes WHERE seq < ?", (seq,))
        return seq

    def changes_after(self, seq: int) -> list[Change]:
        """The changes after `seq`, oldest first; when a reset is among them, it and what follows."""
        rows = self._db.execute(
            "SELECT seq, tenant, customer_id, record FROM changes WHERE seq > ? ORDER BY seq", (seq,)
        ).fetchall()
        return [Change(row[0], row[1], row[2], None if row[3] is None else orjson.loads(row[3])) for row in rows]

    def may_have_changed(self) -> bool:
        """Whether another connection may have written since the last call (cheap: no table is read)."""
        if not self.shared:
            return False
        version = self._db.execute("PRAGMA data_version").fetchone()[0]
        changed = version != self._data_version
        self._data_version = version
        return bool(changed)

    def _insert(self, tenant: str, customer_id: str, record: bytes | None) -> int:
        cursor = self._db.execute(
            "INSERT INTO changes (tenant, customer_id, record) VALUES (?, ?, ?)", (tenant, customer_id, record)
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid
