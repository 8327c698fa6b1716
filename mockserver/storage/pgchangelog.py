"""The change log in a PostgreSQL database, shared by replicas of the mock on any number of hosts.

The same log as `changelog.ChangeLog`, row for row: each replica keeps one connection, catches
up before it answers (one `SELECT max(seq)` over that connection when nothing changed) and
derives a write from data that includes every other replica's writes, because a write holds
a transaction-level advisory lock from before its sequence number is drawn until it commits.
Writes are thus serialised across replicas, sequence numbers are committed in order (a reader
never skips a number committed late), and an email is taken once however many replicas race.

A lost connection is answered with `ServiceUnavailable` (a 503 envelope) and reopened by the
next request; a write is acknowledged only once it has committed. A database that stops
answering cannot hold a replica either: every exchange is bounded by a `Watchdog`, and after a
failure that made the replica wait, the next second's requests are answered 503 at once rather
than each waiting again on the event loop. New connections are made off the loop by an `Opener`,
so that a database whose host is gone costs each attempt's first request a quarter of a second
at most, not the connect timeout.
"""

from __future__ import annotations

import importlib.util
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

import orjson

from mockserver.domain.customer import Customer
from mockserver.domain.errors import ServiceUnavailable
from mockserver.storage.changelog import Change
from mockserver.storage.opener import Opener, StillConnecting
from mockserver.storage.watchdog import Watchdog

if TYPE_CHECKING:
    import psycopg

__all__ = [
    "ANSWER_SECONDS",
    "CONNECT_TIMEOUT_SECONDS",
    "LOCK",
    "OPEN_WAIT_SECONDS",
    "QUIET_SECONDS",
    "SCHEMES",
    "PostgresChangeLog",
    "driver_missing",
]

SCHEMES: Final = ("postgresql://", "postgres://")
_TABLE: Final = "flexportal_mock_changes"
# One number for the lock every writer of the log takes: any constant that other users of the database leave alone.
LOCK: Final = 0x466C6578_4D6F636B  # "FlexMock"
# How long making a new connection may take before the attempt fails.
CONNECT_TIMEOUT_SECONDS: Final = 3
# A query sent to a host that stopped answering fails after this long instead of TCP's minutes.
_UNACKNOWLEDGED_MS: Final = 5000
_SCHEMA: Final = f"""
CREATE TABLE IF NOT EXISTS {_TABLE} (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    record BYTEA
)
"""
# How long one exchange (a read, or a whole write with its lock wait) may take before it is cut.
ANSWER_SECONDS: Final = 3.0
# A failure that took this long made the replica wait: for `QUIET_SECONDS` after it, none waits again.
_SLOW_FAILURE_SECONDS: Final = 0.5
QUIET_SECONDS: Final = 1.0
_START_RETRY_SECONDS: Final = 0.5
# How long the request that starts a connection attempt waits for it; at start, the whole attempt.
OPEN_WAIT_SECONDS: Final = 0.25
_OPEN_WAIT_AT_START_SECONDS: Final = CONNECT_TIMEOUT_SECONDS + 1.0
_LOGGER: Final = logging.getLogger("flexportal_mock.state")
_UNAVAILABLE: Final = "The mock's shared state (its PostgreSQL database) cannot be reached; try again shortly"
_UNANSWERED: Final = (
    f"The mock's shared state (its PostgreSQL database) did not answer within {ANSWER_SECONDS:g} s; try again shortly"
)


def driver_missing() -> str | None:
    """Why `--state postgresql://…` cannot be served here (the driver is not installed), or None."""
    if importlib.util.find_spec("psycopg") is None:
        return "--state postgresql://… needs the PostgreSQL driver: pip install 'flexportal-mock[postgres]'"
    return None


class PostgresChangeLog:
    """The change log in the database at `url`, created there when absent; see the module's docstring."""

    shared = True

    def __init__(self, url: str, *, wait: float = 0.0) -> None:
        """Open the log, creating its table; a database out of reach is tried again for up to `wait` seconds.

        Each new reason for waiting is logged once, as a warning, so that a wrong URL shows at
        once; when the time is up, the last reason is raised as a `ValueError`.
        """
        self.url = url
        self._db: psycopg.Connection[tuple[Any, ...]] | None = None
        self._pinned = False  # inside a transaction: never swap the connection under it
        self._last_seq = -1
        self._watchdog = Watchdog(ANSWER_SECONDS)
        self._quiet_until = 0.0
        self._quiet_reason = _UNAVAILABLE
        self._opener: Opener[psycopg.Connection[tuple[Any, ...]]] = Opener(self._open, lambda db: db.close())
        self._open_wait = _OPEN_WAIT_AT_START_SECONDS
        deadline, reason = time.monotonic() + wait, None
        while True:
            try:
                with self.transaction():  # its lock: two replicas may start at once
                    self._connection().execute(_SCHEMA)
                self._open_wait = OPEN_WAIT_SECONDS
                return
            except ServiceUnavailable as error:
                cause = str(error.__cause__)
                left = deadline - time.monotonic()
                if left <= 0:
                    self.close()
                    raise ValueError(f"cannot open the change log in PostgreSQL: {cause}") from error
                if cause != reason:
                    _LOGGER.warning("waiting up to %g s for the database of --state: %s", round(left, 1), cause)
                    reason = cause
                time.sleep(min(_START_RETRY_SECONDS, left))
                self._quiet_until = 0.0  # at start, every try is made: nothing else waits

    def close(self) -> None:
        self._watchdog.stop()
        self._opener.close()
        if self._db is not None:
            self._db.close()
            self._db = None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the log's write lock, across replicas, until the writes made inside have committed."""
        with self._guard() as db, db.transaction():
            self._pinned = True
            try:
                db.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
                yield
            finally:
                self._pinned = False

    def append(self, tenant: str, record: Customer) -> int:
        """Record `record` as the customer's new state; its sequence number. Call inside `transaction`."""
        return self._insert(tenant, record["customerId"], orjson.dumps(record))

    def reset(self) -> int:
        """Void every change so far (the data is the seed's again); the reset's sequence number."""
        with self.transaction():
            seq = self._insert("", "", None)
            self._connection().execute(f"DELETE FROM {_TABLE} WHERE seq < %s", (seq,))
        return seq

    def changes_after(self, seq: int) -> list[Change]:
        """The changes after `seq`, oldest first; when a reset is among them, it and what follows."""
        rows = self._read(f"SELECT seq, tenant, customer_id, record FROM {_TABLE} WHERE seq > %s ORDER BY seq", (seq,))
        return [
            Change(int(row[0]), str(row[1]), str(row[2]), None if row[3] is None else orjson.loads(row[3]))
            for row in rows
        ]

    def may_have_changed(self) -> bool:
        """Whether any replica may have written since the last call: one read of the newest sequence number."""
        ((newest,),) = self._read(f"SELECT coalesce(max(seq), 0) FROM {_TABLE}")
        last = int(newest)
        changed = last != self._last_seq
        self._last_seq = last
        return changed

    def _insert(self, tenant: str, customer_id: str, record: bytes | None) -> int:
        with self._guard() as db:
            row = db.execute(
                f"INSERT INTO {_TABLE} (tenant, customer_id, record) VALUES (%s, %s, %s) RETURNING seq",
                (tenant, customer_id, record),
            ).fetchone()
        assert row is not None
        return int(row[0])

    def _read(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """The rows of a read, tried once more on a new connection when the kept one turns out to be lost.

        The database may have restarted, or dropped an idle connection, since the last request:
        that is not an outage, so the request goes on over a new connection. A read changes
        nothing, so trying it again is safe; a write is never tried twice.
        """
        kept = self._db is not None and not self._pinned
        try:
            with self._guard() as db:
                return db.execute(query, params).fetchall()
        except ServiceUnavailable:
            if not kept or self._db is not None:
                raise
        with self._guard() as db:
            return db.execute(query, params).fetchall()

    def _connection(self) -> psycopg.Connection[tuple[Any, ...]]:
        """The kept connection, opened anew (off the event loop) when there is none or the last one was lost."""
        if self._pinned and self._db is not None:
            return self._db
        if self._db is None or self._db.closed or self._db.broken:
            self._db = None
            self._last_seq = -1
            self._db = self._opener.open(self._open_wait)
        return self._db

    def _open(self) -> psycopg.Connection[tuple[Any, ...]]:
        """A new connection to the database (run by the `Opener`'s thread)."""
        import psycopg

        return psycopg.connect(
            self.url,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            tcp_user_timeout=_UNACKNOWLEDGED_MS,
            application_name="flexportal-mock",
        )

    @contextmanager
    def _guard(self) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
        """The connection for one exchange, bounded by the watchdog; a database out of reach: `ServiceUnavailable`.

        A lost connection is dropped, to be reopened. A failure that made the replica wait (a
        connection that timed out, an exchange the watchdog cut) quiets the log for a second.
        """
        import psycopg

        began = time.monotonic()
        if began < self._quiet_until:
            raise _unavailable(self._quiet_reason)
        try:
            db = self._connection()
            with self._watchdog.watching(db.fileno()):
                yield db
        except (psycopg.OperationalError, psycopg.InterfaceError, StillConnecting) as error:
            if self._db is not None and (self._db.closed or self._db.broken or self._watchdog.cut_last()):
                self._db.close()
                self._db = None
            ended = time.monotonic()
            reason = _UNANSWERED if self._watchdog.cut_last() else _UNAVAILABLE
            if ended - began >= _SLOW_FAILURE_SECONDS:
                self._quiet_until, self._quiet_reason = ended + QUIET_SECONDS, reason
            raise _unavailable(reason) from error


def _unavailable(reason: str) -> ServiceUnavailable:
    """The 503 for `reason`, with the second after which trying again makes sense."""
    return ServiceUnavailable(reason, headers={"Retry-After": str(round(QUIET_SECONDS))})
