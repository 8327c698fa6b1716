"""Cursors and limits: replay gives the same page; anything a server did not issue is refused cleanly."""

from __future__ import annotations

import string

from hypothesis import assume, given
from hypothesis import strategies as st

from contract_tests import invariants
from contract_tests.kit import Kit
from contract_tests.queries import Query, queries

CURSOR_DAMAGE = ("garbage", "truncated", "tampered", "oversized", "other query")
URL_SAFE = string.ascii_letters + string.digits + "-_.~"


def _cursor(kit: Kit, data: st.DataObject) -> tuple[Query, str]:
    query = data.draw(queries(kit.contract), label="query")
    cursor = kit.page(query).get(kit.contract.next_cursor_property)
    assume(isinstance(cursor, str) and cursor)
    return query, str(cursor)


@given(data=st.data())
def test_cursor_replay(kit: Kit, data: st.DataObject) -> None:
    """Sending the same cursor twice gives the same page."""
    kit.begin()
    query, cursor = _cursor(kit, data)
    invariants.check_same_page(kit.page(query, cursor=cursor), kit.page(query, cursor=cursor), cursor)


@given(data=st.data())
def test_cursor_robustness(kit: Kit, data: st.DataObject) -> None:
    """Garbage, truncated, tampered, oversized and other-query cursors get a documented 4xx, never a 5xx."""
    kit.begin()
    contract = kit.contract
    query, cursor = _cursor(kit, data)
    damage = data.draw(st.sampled_from(CURSOR_DAMAGE), label="damage")
    sent_query = query
    if damage == "garbage":
        bad = data.draw(st.text(URL_SAFE, min_size=1, max_size=200), label="garbage")
    elif damage == "truncated":
        bad = cursor[: data.draw(st.integers(1, len(cursor) - 1), label="kept")] if len(cursor) > 1 else ""
    elif damage == "tampered":
        index = data.draw(st.integers(0, len(cursor) - 1), label="index")
        replacement = data.draw(st.sampled_from([c for c in URL_SAFE if c != cursor[index]]), label="replacement")
        bad = cursor[:index] + replacement + cursor[index + 1 :]
    elif damage == "oversized":
        bad = cursor + "A" * (contract.cursor_max_length + 1 - len(cursor) + data.draw(st.integers(0, 5000)))
    else:
        sent_query = query.reversed(contract)
        bad = cursor
    assume(bad and bad != cursor or damage == "other query")
    response = kit.list(sent_query, cursor=bad)
    invariants.check_rejected(response, contract.list_statuses, contract.error_schema, f"a {damage} cursor")


@given(data=st.data())
def test_limit_bounds(kit: Kit, data: st.DataObject) -> None:
    """A limit outside the spec's range, or not an integer, is refused with a documented 4xx."""
    kit.begin()
    contract = kit.contract
    bad = data.draw(
        st.one_of(
            st.integers(max_value=contract.limit_min - 1).map(str),
            st.integers(min_value=contract.limit_max + 1).map(str),
            st.sampled_from(["abc", "1.5", "", "0x10", "ten"]),
        ),
        label="limit",
    )
    params = [(contract.limit_parameter, bad)]
    response = kit.client.get(contract.list_path, params, credentials=kit.target.main)
    invariants.check_rejected(response, contract.list_statuses, contract.error_schema, f"limit={bad!r}")
