"""The request journal's logic: a bounded record of requests, patterns, near misses and their wording."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mockserver.domain.errors import InvalidParameter, UnknownParameter
from mockserver.journal.patterns import (
    RequestPattern,
    differences,
    expectation_report,
    near_misses,
    param_values,
    parse_filters,
    select,
)
from mockserver.journal.records import Journal, JournalRecord, record_json


def scope(method: str = "GET", path: str = "/v1/customers", query: bytes = b"", tenant: bytes | None = b"acme") -> Any:
    headers = [(b"authorization", b"Bearer secret-key"), (b"host", b"mock")]
    if tenant is not None:
        headers.append((b"tenant-id", tenant))
    return {"method": method, "path": path, "query_string": query, "headers": headers}


def journal_of(*scopes: Any, size: int = 100) -> Journal:
    journal = Journal(size)
    for each in scopes:
        journal.record(each, 200, 1.5)
    return journal


def test_a_record_holds_the_request_as_parsed() -> None:
    journal = Journal(10)
    before = datetime.now(UTC)
    journal.record(scope(query=b"limit=5&status=active&status=inactive&email=a%40b.test"), 200, 2.25)
    (record,) = journal.records()
    assert record.method == "GET" and record.path == "/v1/customers" and record.tenant == "acme"
    assert dict(record.params) == {"limit": ("5",), "status": ("active", "inactive"), "email": ("a@b.test",)}
    assert record.param("status") == "active" and record.param("sortBy") is None
    assert record.status == 200 and record.duration_ms == 2.25 and record.body is None
    assert before - timedelta(seconds=1) <= record.time <= datetime.now(UTC) and record.time.tzinfo is UTC
    assert record.target() == "GET /v1/customers?limit=5&status=active&status=inactive&email=a%40b.test"


def test_the_key_is_never_kept() -> None:
    import gc
    import types

    journal = journal_of(scope())
    # Everything the journal holds, found as the garbage collector finds it: through its values, not its classes.
    held: list[object] = []
    waiting: list[object] = [journal]
    seen: set[int] = set()
    while waiting:
        value = waiting.pop()
        if id(value) in seen or isinstance(value, type | types.ModuleType | types.FunctionType):
            continue
        seen.add(id(value))
        held.append(value)
        waiting.extend(gc.get_referents(value))
    assert any(value == b"acme" for value in held), "the walk reaches what the journal keeps"
    assert not [value for value in held if isinstance(value, str | bytes) and "secret-key" in str(value)]
    assert "secret-key" not in repr(journal.records())
    assert "secret-key" not in str(record_json(journal.records()[0]))


def test_a_request_without_a_tenant_has_none() -> None:
    assert journal_of(scope(tenant=None)).records()[0].tenant is None


def test_the_oldest_are_dropped_and_counted() -> None:
    journal = journal_of(*(scope(query=f"limit={n}".encode()) for n in range(1, 8)), size=3)
    assert [record.param("limit") for record in journal.records()] == ["5", "6", "7"]
    assert journal.dropped == 4 and len(journal) == 3
    journal.clear()
    assert journal.records() == [] and journal.dropped == 0


def test_a_body_is_kept_up_to_the_limit_with_its_size() -> None:
    journal = Journal(10, body_limit=8)
    journal.record(scope("PATCH", "/v1/customers/c1"), 200, 1.0, b'{"a":"0123456789"}', 18)
    journal.record(scope("PATCH", "/v1/customers/c1"), 200, 1.0, b"{}", 2)
    long, short = journal.records()
    assert long.body == b'{"a":"01' and long.body_size == 18 and long.body_truncated
    assert short.body == b"{}" and not short.body_truncated
    assert record_json(long)["body"] == '{"a":"01' and record_json(long)["bodyTruncated"] is True


def test_a_journal_holds_one_request_at_least() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Journal(0)


def record(
    query: str = "", method: str = "GET", path: str = "/v1/customers", tenant: str | None = "acme"
) -> JournalRecord:
    journal = Journal(1)
    journal.record(scope(method, path, query.encode(), None if tenant is None else tenant.encode()), 200, 1.0)
    return journal.records()[0]


def test_params_match_as_a_subset_unless_exact() -> None:
    sent = record("limit=100&status=active")
    assert not differences(RequestPattern("GET", "/v1/customers", param_values({"limit": 100})), sent)
    assert not differences(RequestPattern(params=param_values({"status": None})), sent)
    exact = RequestPattern(params=param_values({"limit": 100}), exact_params=True)
    assert differences(exact, sent) == ["unexpected param status=active"]


def test_differences_say_what_differs() -> None:
    sent = record("limit=50&status=active&status=inactive", path="/v1/customers/c1", tenant="globex")
    pattern = RequestPattern(
        "patch",
        "/v1/customers",
        param_values({"limit": 100, "startAfter": None, "status": ["active"]}),
        tenant="acme",
    )
    assert differences(pattern, sent) == [
        "method: expected PATCH, got GET",
        "path: expected /v1/customers, got /v1/customers/c1",
        "limit: expected 100, got 50",
        "missing param startAfter",
        "status: expected active, got [active, inactive]",
        "tenant: expected acme, got globex",
    ]


def test_values_compare_as_sent() -> None:
    assert param_values({"hasActiveRentals": True, "limit": 5, "status": ("a", "b")}) == {
        "hasActiveRentals": ("true",),
        "limit": ("5",),
        "status": ("a", "b"),
    }


def test_a_path_ending_in_a_star_is_a_prefix() -> None:
    chosen = select([record(path="/v1/customers/c1"), record()], RequestPattern(path="/v1/customers/*"))
    assert [each.path for each in chosen] == ["/v1/customers/c1"]


def test_near_misses_rank_by_parts_differing_then_differences_then_recency() -> None:
    records = [
        record("limit=50", path="/v1/customers/c1"),  # path and params: three differences
        record("limit=50&status=active"),  # params: one difference
        record("limit=50"),  # params: two differences
        record("limit=50&status=active", tenant="globex"),  # params and tenant: two differences
        record("limit=60&status=active"),  # params: one difference, the newest
    ]
    pattern = RequestPattern(
        path="/v1/customers", params=param_values({"limit": 100, "status": "active"}), tenant="acme"
    )
    ranked = near_misses(records, pattern, limit=10)
    assert [(r.query, r.tenant, r.path) for r, _ in ranked] == [
        ("limit=60&status=active", "acme", "/v1/customers"),
        ("limit=50&status=active", "acme", "/v1/customers"),
        ("limit=50", "acme", "/v1/customers"),
        ("limit=50&status=active", "globex", "/v1/customers"),
        ("limit=50", "acme", "/v1/customers/c1"),
    ]
    assert ranked[2][1] == ["limit: expected 100, got 50", "missing param status"]
    assert len(near_misses(records, pattern, limit=2)) == 2


def test_report_lists_the_closest_requests_and_how_each_differs() -> None:
    records = [record("limit=50&status=active"), record(path="/v1/customers/c1")]
    pattern = RequestPattern("GET", "/v1/customers", param_values({"status": "active", "limit": 100}))
    assert expectation_report(pattern, records, times=1) == (
        "expected GET /v1/customers with status=active, limit=100 once, it arrived 0 times\n"
        "closest requests that arrived:\n"
        "  GET /v1/customers?limit=50&status=active (tenant acme, 200)\n"
        "    - limit: expected 100, got 50\n"
        "  GET /v1/customers/c1 (tenant acme, 200)\n"
        "    - path: expected /v1/customers, got /v1/customers/c1\n"
        "    - missing param status\n"
        "    - missing param limit"
    )


def test_times_is_an_exact_count() -> None:
    records = [record("limit=5"), record("limit=5")]
    pattern = RequestPattern(params=param_values({"limit": 5}))
    assert expectation_report(pattern, records, times=2) is None
    assert expectation_report(pattern, records, times=None) is None
    report = expectation_report(pattern, records, times=1)
    assert report is not None
    assert report.startswith("expected any method any path with limit=5 once, it arrived 2 times")
    assert "matching requests:\n  GET /v1/customers?limit=5 (tenant acme, 200)" in report
    assert expectation_report(RequestPattern(method="PATCH"), records, times=0) is None


def test_report_says_when_nothing_arrived_and_what_was_dropped() -> None:
    report = expectation_report(RequestPattern(path="/v1/customers"), [], times=None)
    assert report == "expected any method /v1/customers at least once, it arrived 0 times\nno API request arrived"
    dropped = expectation_report(RequestPattern(method="PATCH"), [record()], times=None, dropped=7)
    assert dropped is not None and "7 older requests were dropped" in dropped


def test_filters_parse_into_a_pattern() -> None:
    pattern = parse_filters(
        [
            ("method", "GET"),
            ("path", "/v1/customers"),
            ("param", "limit=5"),
            ("param", "status=a"),
            ("param", "status=b"),
            ("param", "startAfter"),
            ("tenant", "acme"),
            ("since", "2026-01-31T12:00:00Z"),
            ("until", "2026-01-31T14:00:00+01:00"),
        ]
    )
    assert pattern == RequestPattern(
        method="GET",
        path="/v1/customers",
        params={"limit": ("5",), "status": ("a", "b"), "startAfter": None},
        tenant="acme",
        since=datetime(2026, 1, 31, 12, tzinfo=UTC),
        until=datetime(2026, 1, 31, 13, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("pairs", "error", "message"),
    [
        ([("methd", "GET")], UnknownParameter, "methd"),
        ([("method", "GET"), ("method", "PATCH")], InvalidParameter, "more than once"),
        ([("method", "G E T")], InvalidParameter, "HTTP method"),
        ([("path", "")], InvalidParameter, "must not be empty"),
        ([("param", "=5")], InvalidParameter, "param takes"),
        ([("since", "yesterday")], InvalidParameter, "ISO 8601"),
        ([("until", "2026-01-31T12:00:00")], InvalidParameter, "offset"),
    ],
)
def test_bad_filters_are_refused(pairs: list[tuple[str, str]], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        parse_filters(pairs)


def test_a_time_window_bounds_the_records_and_their_near_misses() -> None:
    old = record("limit=1")
    later = old.time + timedelta(seconds=10)
    assert select([old], RequestPattern(since=later)) == []
    assert near_misses([old], RequestPattern(method="PATCH", since=later)) == []
    assert select([old], RequestPattern(until=later)) == [old]
