"""Which journaled requests match a pattern, and how those that do not differ from it.

One `RequestPattern` serves `GET /_mock/requests`' filters (`parse_filters`), a test's
`requests(...)` and `assert_requested(...)`. When an expectation fails, `expectation_report`
lists the closest requests that did arrive, ranked by how many of method, path, parameters and
tenant differ, each with what differs ("limit: expected 100, got 50", "missing param startAfter").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

from mockserver.domain.errors import InvalidParameter, UnknownParameter, quote
from mockserver.journal.records import JournalRecord

__all__ = [
    "FILTERS",
    "ParamValue",
    "RequestPattern",
    "differences",
    "expectation_report",
    "near_misses",
    "param_values",
    "parse_filters",
    "select",
]

FILTERS: Final = ("method", "path", "param", "tenant", "since", "until")
"""The query parameters of `GET /_mock/requests`."""
CLOSEST: Final = 5
"""How many near misses a failed expectation lists."""
_METHOD: Final = re.compile(r"[A-Za-z]{1,16}")
ParamValue = str | int | float | bool | Sequence[str | int | float | bool]


@dataclass(frozen=True, slots=True)
class RequestPattern:
    """What a request should be; None (or no entry) leaves a part free.

    `params` names parameters with their values in the order sent (None: sent, with any value);
    parameters it does not name may be there too, unless `exact_params`. `path` matches exactly,
    or as a prefix when it ends with `*`. `since` and `until` bound when the request arrived.
    """

    method: str | None = None
    path: str | None = None
    params: Mapping[str, tuple[str, ...] | None] = field(default_factory=dict)
    tenant: str | None = None
    exact_params: bool = False
    since: datetime | None = None
    until: datetime | None = None

    def admits(self, record: JournalRecord) -> bool:
        """Whether `record` is what this pattern asks for."""
        return self.in_window(record) and not differences(self, record)

    def in_window(self, record: JournalRecord) -> bool:
        return (self.since is None or record.time >= self.since) and (self.until is None or record.time <= self.until)

    def describe(self) -> str:
        """The pattern in words, as `GET /v1/customers with limit=100, tenant acme`."""
        parts = [self.method or "any method", self.path or "any path"]
        wanted = [name if values is None else f"{name}={_shown(values)}" for name, values in self.params.items()]
        words = " ".join(parts)
        if wanted:
            words += " with " + ", ".join(wanted) + (" and no other parameter" if self.exact_params else "")
        elif self.exact_params:
            words += " with no parameter"
        if self.tenant is not None:
            words += f", tenant {self.tenant}"
        return words


def param_values(params: Mapping[str, ParamValue | None] | None) -> dict[str, tuple[str, ...] | None]:
    """A test's `params={"limit": 100, "status": ["a", "b"], "email": None}` as the pattern holds them.

    Values are compared as sent: numbers as their text, booleans as `true` and `false`.
    """
    return {name: None if value is None else _texts(value) for name, value in (params or {}).items()}


def _texts(value: ParamValue) -> tuple[str, ...]:
    if isinstance(value, str | int | float | bool):
        return (_text(value),)
    return tuple(_text(item) for item in value)


def _text(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def differences(pattern: RequestPattern, record: JournalRecord) -> list[str]:
    """How `record` differs from `pattern` (its time window aside), one phrase each; empty when it matches."""
    return [phrase for _, phrase in _differences(pattern, record)]


def _differences(pattern: RequestPattern, record: JournalRecord) -> list[tuple[str, str]]:
    """The differences, each with the part it is in: method, path, params or tenant."""
    found: list[tuple[str, str]] = []
    if pattern.method is not None and record.method != pattern.method.upper():
        found.append(("method", f"method: expected {pattern.method.upper()}, got {record.method}"))
    if pattern.path is not None and not _path_matches(pattern.path, record.path):
        found.append(("path", f"path: expected {pattern.path}, got {record.path}"))
    for name, expected in pattern.params.items():
        got = record.params.get(name)
        if got is None:
            found.append(("params", f"missing param {name}"))
        elif expected is not None and got != expected:
            found.append(("params", f"{name}: expected {_shown(expected)}, got {_shown(got)}"))
    if pattern.exact_params:
        found.extend(
            ("params", f"unexpected param {name}={_shown(values)}")
            for name, values in record.params.items()
            if name not in pattern.params
        )
    if pattern.tenant is not None and record.tenant != pattern.tenant:
        found.append(("tenant", f"tenant: expected {pattern.tenant}, got {record.tenant or 'none'}"))
    return found


def _path_matches(expected: str, path: str) -> bool:
    return path.startswith(expected[:-1]) if expected.endswith("*") else path == expected


def _shown(values: tuple[str, ...]) -> str:
    return values[0] if len(values) == 1 else "[" + ", ".join(values) + "]"


def select(records: Iterable[JournalRecord], pattern: RequestPattern) -> list[JournalRecord]:
    """The records `pattern` admits, in journal order."""
    return [record for record in records if pattern.admits(record)]


def near_misses(
    records: Sequence[JournalRecord], pattern: RequestPattern, limit: int = CLOSEST
) -> list[tuple[JournalRecord, list[str]]]:
    """Up to `limit` records of the time window that `pattern` refuses, closest first, with their differences.

    Closest: fewest of method, path, parameters and tenant differing, then fewest differences,
    then the most recent.
    """
    ranked = []
    for position, record in enumerate(records):
        if not pattern.in_window(record):
            continue
        found = _differences(pattern, record)
        if found:
            parts = len({part for part, _ in found})
            ranked.append((parts, len(found), -position, record, [phrase for _, phrase in found]))
    ranked.sort(key=lambda entry: entry[:3])
    return [(record, found) for *_, record, found in ranked[:limit]]


def expectation_report(
    pattern: RequestPattern,
    records: Sequence[JournalRecord],
    times: int | None,
    dropped: int = 0,
) -> str | None:
    """Why `records` fail the expectation that `pattern` arrived `times` times (at least once when None).

    None when they meet it. The report lists the matching requests when there were some but not
    as many as expected, and otherwise the closest ones that did arrive and how each differs.
    """
    matched = select(records, pattern)
    if (len(matched) >= 1) if times is None else (len(matched) == times):
        return None
    wanted = "at least once" if times is None else _count(times)
    lines = [f"expected {pattern.describe()} {wanted}, it arrived {_count(len(matched))}"]
    if dropped:
        lines.append(f"({dropped} older requests were dropped from the journal, which holds the last {len(records)})")
    if matched:
        lines.append("matching requests:")
        lines.extend(f"  {_line(record)}" for record in matched)
        return "\n".join(lines)
    closest = near_misses(records, pattern)
    if not closest:
        lines.append("no API request arrived" + (" in that time" if pattern.since or pattern.until else ""))
        return "\n".join(lines)
    lines.append("closest requests that arrived:")
    for record, found in closest:
        lines.append(f"  {_line(record)}")
        lines.extend(f"    - {phrase}" for phrase in found)
    return "\n".join(lines)


def _count(times: int) -> str:
    return "once" if times == 1 else f"{times} times"


def _line(record: JournalRecord) -> str:
    return f"{record.target()} (tenant {record.tenant or 'none'}, {record.status})"


def parse_filters(pairs: Iterable[tuple[str, str]]) -> RequestPattern:
    """The pattern the query of `GET /_mock/requests` asks for; raises the API's 400 errors for a bad one.

    `method`, `path` (a trailing `*` for a prefix), `tenant`, `since` and `until` (ISO 8601 with
    an offset) at most once each; `param=name` (sent) or `param=name=value`, repeatable, values of
    one name gathering in the order given.
    """
    single: dict[str, str] = {}
    params: dict[str, tuple[str, ...] | None] = {}
    for name, value in pairs:
        if name not in FILTERS:
            accepted = ", ".join(FILTERS)
            raise UnknownParameter(f"Unknown query parameter {quote(name)}; this operation accepts: {accepted}")
        if name == "param":
            param, has_value, wanted = value.partition("=")
            if not param:
                raise InvalidParameter("param takes a parameter name, or name=value, as param=limit=50")
            if has_value:
                params[param] = (*(params.get(param) or ()), wanted)
            else:
                params.setdefault(param, None)
            continue
        if name in single:
            raise InvalidParameter(f"{name} was given more than once; give it once")
        if not value:
            raise InvalidParameter(f"{name} must not be empty")
        single[name] = value
    method = single.get("method")
    if method is not None and _METHOD.fullmatch(method) is None:
        raise InvalidParameter(f"method must be an HTTP method such as GET or PATCH, got {quote(method)}")
    return RequestPattern(
        method=method,
        path=single.get("path"),
        params=params,
        tenant=single.get("tenant"),
        since=_instant(single, "since"),
        until=_instant(single, "until"),
    )


def _instant(values: Mapping[str, str], name: str) -> datetime | None:
    text = values.get(name)
    if text is None:
        return None
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise InvalidParameter(f"{name} must be an ISO 8601 date-time with an offset, as 2026-01-31T12:00:00Z")
    return instant.astimezone(UTC)
