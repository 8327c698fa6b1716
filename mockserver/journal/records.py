"""The request journal: every API request a server answered, oldest dropped first, read as typed records.

Recording is on the path of every request, so `Journal.record` only appends the values the
request already holds (method, raw path and query, the `Tenant-ID` bytes, status, duration, the
time, and a write's body up to `body_limit`) to a bounded deque; the query is parsed and the
records are built only when the journal is read. No other header is kept: API keys never
reach it. Each process has its own journal.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final

from mockserver.domain.querystring import query_pairs

__all__ = ["DEFAULT_BODY_LIMIT", "Journal", "JournalRecord", "record_json"]

DEFAULT_BODY_LIMIT: Final = 4096
"""Bytes of a write's body the journal keeps; its full size is kept too."""

_TENANT: Final = b"tenant-id"

# method, path, query, tenant, status, duration in ms, wall time at the answer, body size, body kept
_Entry = tuple[str, str, bytes, bytes | None, int, float, float, int, bytes | None]


@dataclass(frozen=True, slots=True)
class JournalRecord:
    """One request as the server answered it.

    `params` are the query's parameters as parsed, each name with its values in the order sent;
    `time` is when the request arrived (UTC). `body` is a write's body, its first `body_limit`
    bytes (`body_size` is its full size), None for requests without a body.
    """

    method: str
    path: str
    query: str
    params: Mapping[str, tuple[str, ...]]
    tenant: str | None
    status: int
    duration_ms: float
    time: datetime
    body_size: int = 0
    body: bytes | None = None

    @property
    def body_truncated(self) -> bool:
        """Whether the journal kept only the beginning of the body."""
        return self.body is not None and len(self.body) < self.body_size

    def param(self, name: str) -> str | None:
        """The first value of the parameter `name`, None when it was not sent."""
        values = self.params.get(name)
        return values[0] if values else None

    def target(self) -> str:
        """The request line's method and target, as `GET /v1/customers?limit=5`."""
        return f"{self.method} {self.path}" + (f"?{self.query}" if self.query else "")


class Journal:
    """A bounded journal of the last `size` requests (size at least 1); `dropped` counts those that fell out."""

    __slots__ = ("_entries", "body_limit", "dropped", "size")

    def __init__(self, size: int, body_limit: int = DEFAULT_BODY_LIMIT) -> None:
        if size < 1:
            raise ValueError("a journal holds at least one request")
        self.size = size
        self.body_limit = body_limit
        self.dropped = 0
        self._entries: deque[_Entry] = deque(maxlen=size)

    def record(
        self, scope: Mapping[str, Any], status: int, duration_ms: float, body: bytes | None = None, body_size: int = 0
    ) -> None:
        """Keep the request of the ASGI `scope`, answered `status` in `duration_ms` (a write with its body)."""
        entries = self._entries
        if len(entries) == self.size:
            self.dropped += 1
        tenant = None
        for name, value in scope["headers"]:
            if name == _TENANT:
                tenant = value
                break
        if body is not None and len(body) > self.body_limit:
            body = body[: self.body_limit]
        entries.append(
            (
                scope["method"],
                scope["path"],
                scope["query_string"],
                tenant,
                status,
                duration_ms,
                time.time(),
                body_size,
                body,
            )
        )

    def clear(self) -> None:
        """Forget every request, and the count of those dropped."""
        self._entries.clear()
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._entries)

    def records(self) -> list[JournalRecord]:
        """The requests kept, oldest first."""
        return [_record(entry) for entry in list(self._entries)]


def _record(entry: _Entry) -> JournalRecord:
    method, path, query_bytes, tenant, status, duration_ms, answered, body_size, body = entry
    params: dict[str, tuple[str, ...]] = {}
    for name, value in query_pairs(query_bytes):
        params[name] = (*params.get(name, ()), value)
    return JournalRecord(
        method=method,
        path=path,
        query=query_bytes.decode("latin-1"),
        params=MappingProxyType(params),
        tenant=None if tenant is None else tenant.decode("latin-1"),
        status=status,
        duration_ms=round(duration_ms, 3),
        time=datetime.fromtimestamp(answered - duration_ms / 1000, UTC),
        body_size=body_size,
        body=body,
    )


def record_json(record: JournalRecord) -> dict[str, Any]:
    """`record` as `GET /_mock/requests` lists it."""
    return {
        "method": record.method,
        "path": record.path,
        "query": record.query,
        "params": {name: list(values) for name, values in record.params.items()},
        "tenant": record.tenant,
        "status": record.status,
        "durationMs": record.duration_ms,
        "time": record.time.isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "bodySize": record.body_size,
        "body": None if record.body is None else record.body.decode("utf-8", "replace"),
        "bodyTruncated": record.body_truncated,
    }
