"""`parse_list_query` on its own: defaults, accepted values and the first problem reported; and the one
query-string parser every reader of a request uses."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.domain.errors import InvalidCursor, InvalidParameter, UnknownParameter
from mockserver.domain.query import ListQuery, describe_fingerprint, fold_email, parse_list_query
from mockserver.domain.querystring import query_pairs


def test_defaults() -> None:
    assert parse_list_query([]) == ListQuery(limit=50, sort_by="createdAt", sort_order="desc")


def test_every_parameter() -> None:
    query = parse_list_query(
        [
            ("limit", "100"),
            ("startAfter", "c"),
            ("status", "inactive"),
            ("customerType", "business"),
            ("email", "A@b.c"),
            ("hasActiveRentals", "false"),
            ("sortBy", "email"),
            ("sortOrder", "asc"),
        ]
    )
    assert query == ListQuery(
        limit=100,
        start_after="c",
        status="inactive",
        customer_type="business",
        email="A@b.c",
        has_active_rentals=False,
        sort_by="email",
        sort_order="asc",
    )
    assert not query.descending


@pytest.mark.parametrize("raw", ["1", "007", "50", "100"])
def test_limits_accepted(raw: str) -> None:
    assert parse_list_query([("limit", raw)]).limit == int(raw)


@pytest.mark.parametrize("raw", ["0", "101", "1000", "-1", "+1", " 1", "1 ", "1.0", "1e2", "", "٣", "1_0", "0x10"])
def test_limits_refused(raw: str) -> None:
    with pytest.raises(InvalidParameter, match="limit must be an integer from 1 to 100"):
        parse_list_query([("limit", raw)])


def test_repeated_and_unknown_parameters() -> None:
    with pytest.raises(InvalidParameter, match="more than once"):
        parse_list_query([("status", "active"), ("status", "active")])
    with pytest.raises(UnknownParameter, match="'offset'"):
        parse_list_query([("offset", "1")])


def test_cursor_length_bounds() -> None:
    assert parse_list_query([("startAfter", "x" * 2048)]).start_after == "x" * 2048
    for raw in ("", "x" * 2049):
        with pytest.raises(InvalidCursor):
            parse_list_query([("startAfter", raw)])


def test_hostile_values_are_quoted_short() -> None:
    with pytest.raises(InvalidParameter) as raised:
        parse_list_query([("status", "x" * 10_000)])
    assert len(raised.value.message) < 200


def test_fingerprint_ignores_limit_and_cursor_and_email_case() -> None:
    one = parse_list_query([("limit", "5"), ("email", "Ann@Example.com")])
    other = parse_list_query([("limit", "9"), ("startAfter", "c"), ("email", "ann@example.COM")])
    assert one.fingerprint() == other.fingerprint()
    assert describe_fingerprint(one.fingerprint()) == "sortBy=createdAt&sortOrder=desc&email=ann@example.com"


def test_email_folding_is_ascii_only() -> None:
    assert fold_email("ÅSA.Berg@Example.SE") == "Åsa.berg@example.se"


@given(st.binary(max_size=60) | st.text(alphabet="ab=&%+2F0 ", max_size=30).map(str.encode))
def test_query_pairs_are_parse_qsl_s(query_string: bytes) -> None:
    """The pairs Starlette's `query_params` held before, which the API was documented and tested with."""
    assert query_pairs(query_string) == parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)


@pytest.mark.parametrize(
    ("query_string", "pairs"),
    [
        (b"", []),
        (b"&&limit=2&", [("limit", "2")]),
        (b"limit", [("limit", "")]),
        (b"a=1=2", [("a", "1=2")]),
        (b"email=a+b%20c%40d", [("email", "a b c@d")]),
        (b"%ff=1", [("\ufffd", "1")]),
        (b"%C3%A9=%E9", [("\u00e9", "\ufffd")]),
        (b"a=1;b=2", [("a", "1;b=2")]),
    ],
)
def test_query_pairs(query_string: bytes, pairs: list[tuple[str, str]]) -> None:
    assert query_pairs(query_string) == pairs
