"""Where a server keeps its change log: what `ServerState` needs of one, and how `--state` picks it.

Two logs keep the same rows the same way: `changelog.ChangeLog` in SQLite (in memory, or a file
that the workers of one host share) and `pgchangelog.PostgresChangeLog` in a PostgreSQL
database that replicas on several hosts share. A `postgresql://` URL picks the second.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from mockserver.domain.customer import Customer
from mockserver.storage.changelog import MEMORY, Change, ChangeLog
from mockserver.storage.pgchangelog import SCHEMES, PostgresChangeLog

__all__ = ["ChangeLogBackend", "StateLocation", "is_database_url", "open_change_log", "shown"]

# A file (or None: in memory) for SQLite, or a postgresql:// URL as a string.
StateLocation = Path | str | None


class ChangeLogBackend(Protocol):
    """The operations of a change log that the served state uses; both logs' docstrings say what each does."""

    @property
    def shared(self) -> bool: ...

    def transaction(self) -> AbstractContextManager[None]: ...

    def append(self, tenant: str, record: Customer) -> int: ...

    def reset(self) -> int: ...

    def changes_after(self, seq: int) -> list[Change]: ...

    def may_have_changed(self) -> bool: ...

    def close(self) -> None: ...


def is_database_url(location: str) -> bool:
    """Whether `--state` names a PostgreSQL database rather than a SQLite file."""
    return location.startswith(SCHEMES)


def open_change_log(location: StateLocation, wait: float = 0.0) -> ChangeLogBackend:
    """The log at `location`: a PostgreSQL database for a URL, else a SQLite file, or memory for None.

    A database out of reach is waited for, for up to `wait` seconds.
    """
    if isinstance(location, str) and is_database_url(location):
        return PostgresChangeLog(location, wait=wait)
    return ChangeLog(MEMORY if location is None else location)


def shown(location: StateLocation) -> str:
    """`location` as a banner may print it: a URL without its password."""
    if location is None:
        return "in memory"
    if not isinstance(location, str) or not is_database_url(location):
        return str(location)
    parts = urlsplit(location)
    if parts.password is None:
        return location
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
