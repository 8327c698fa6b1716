"""Cursors and limits: replay gives the same page; anything a server did not issue is refused cleanly."""

from __future__ import annotations

import json
import math
import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from contract_tests.checks import invariants
from contract_tests.checks.cursor_probes import (
    TAMPER_ACCEPTED,
    UNSIGNED,
    Probe,
    binding_probes,
    tamper_positions,
    verdict,
)
from contract_tests.checks.forgery import Scalar, forgeries, read_cursor
from contract_tests.checks.symptoms import Tally, first_tries
from contract_tests.run.kit import Kit
from contract_tests.spec.contract import Contract
from contract_tests.spec.queries import Query, queries
from contract_tests.transport.traversal import Page

# Tampered copies of a cursor per example: a server may crash on some single-character edits and not others.
TAMPERED = 8
URL_SAFE = string.ascii_letters + string.digits + "-_.~"


def _cursor(kit: Kit, data: st.DataObject) -> tuple[Query, str, Page]:
    query = data.draw(queries(kit.contract), label="query")
    page = kit.page(query)
    cursor = page.get(kit.contract.next_cursor_property)
    assume(isinstance(cursor, str) and cursor)
    return query, str(cursor), page


@given(data=st.data())
def test_cursor_replay(kit: Kit, data: st.DataObject) -> None:
    """Sending the same cursor twice gives the same page."""
    kit.begin()
    query, cursor, _ = _cursor(kit, data)
    invariants.check_same_page(kit.page(query, cursor=cursor), kit.page(query, cursor=cursor), cursor)


@given(data=st.data())
def test_cursor_robustness(kit: Kit, data: st.DataObject) -> None:
    """A cursor damaged, or replayed with another sortBy, sortOrder, filter or tenant, gets a documented 4xx;
    with another limit, a page. Never a 5xx: every failure class met is reported with its count."""
    kit.begin()
    contract = kit.contract
    query, cursor, page = _cursor(kit, data)
    damaged = [
        ("a garbage cursor", data.draw(st.text(URL_SAFE, min_size=1, max_size=200), label="garbage")),
        (
            "an oversized cursor",
            cursor + "A" * (contract.cursor_max_length + 1 - len(cursor) + data.draw(st.integers(0, 5000))),
        ),
    ]
    if len(cursor) > 1:
        damaged.append(("a truncated cursor", cursor[: data.draw(st.integers(1, len(cursor) - 1), label="kept")]))
    positions = tamper_positions(cursor)
    for _ in range(TAMPERED):
        index = data.draw(st.sampled_from(positions), label="index")
        replacement = data.draw(st.sampled_from([c for c in URL_SAFE if c != cursor[index]]), label="replacement")
        damaged.append(("a tampered cursor", cursor[:index] + replacement + cursor[index + 1 :]))
    probes = [Probe(kind, query, bad, TAMPER_ACCEPTED) for kind, bad in damaged if bad and bad != cursor]
    probes += binding_probes(
        contract, query, cursor, page[contract.items_property], other_tenant=kit.target.other is not None
    )
    _send(kit, probes).check()


@given(data=st.data())
def test_cursor_forgery(kit: Kit, data: st.DataObject) -> None:
    """A readable cursor edited where it names the position, a filter, the query or the tenant gets a documented 4xx.

    Readable: base64 or base64url (padded or not) of JSON, of a URL query string or of delimited
    text, or such text itself, with or without a signature part; every edit is sent. An opaque
    cursor is left to the tampering checks of `test_cursor_robustness`.
    """
    kit.begin()
    contract = kit.contract
    query, cursor, page = _cursor(kit, data)
    readable = read_cursor(cursor)
    if readable is None:
        pytest.skip("the cursors are opaque (no readable encoding): test_cursor_robustness tampers with them")
    other_tenant = kit.target.other.tenant if kit.target.other is not None else "kit-no-such-tenant"
    known = [("the tenant", kit.target.main.tenant, other_tenant), *_recognisable(contract, query, page)]
    edits = data.draw(st.permutations(forgeries(readable, known)), label="forgeries")
    probes = [Probe(f"a forged cursor ({forgery.kind} edited)", query, forgery.token, UNSIGNED) for forgery in edits]
    _send(kit, probes).check()


def _send(kit: Kit, probes: list[Probe]) -> Tally:
    """Send `probes`, every kind once before any twice, as many as the property's share affords; tally the answers."""
    tally = Tally()
    share = kit.client.budget.share
    other = kit.target.other
    for probe in first_tries(probes, share.left if share is not None else math.inf):
        tally.tried(probe.kind)
        response = kit.list(probe.query, cursor=probe.cursor, credentials=other if probe.other_tenant else None)
        problem = verdict(probe, response.status_code, invariants.body_of(response), kit.contract)
        if problem is not None:
            tally.met(*problem, probe.kind, [kit.client.log[-1].curl()])
    return tally


def _recognisable(contract: Contract, query: Query, page: Page) -> list[tuple[str, Scalar, Scalar]]:
    """Values a cursor of `query` after `page` may hold, as (kind, value, another value to put instead)."""
    known: list[tuple[str, Scalar, Scalar]] = []
    for rule in contract.partitioning_filters:
        chosen = dict(query.filters).get(rule.parameter)
        others = [value for value in rule.values if value != chosen]
        if chosen is not None and others:
            # A boolean filter's value may be stored as the JSON boolean rather than the query string's text.
            spellings: list[Scalar] = [chosen, json.loads(chosen)] if chosen in ("true", "false") else [chosen]
            for spelling in spellings:
                known.append(("a filter", spelling, json.loads(others[0]) if spelling != chosen else others[0]))
    sort_by = query.sort_by or contract.sort_default
    other_sort = next((field for field in contract.sort_fields if field != sort_by), sort_by)
    order = query.sort_order or contract.order_default
    known += [("the sort", sort_by, other_sort), ("the order", order, "asc" if order == "desc" else "desc")]
    items = page[contract.items_property]
    if len(items) > 1:
        first, last = items[0], items[-1]
        for field in (contract.id_property, sort_by):
            known.append(("the position", last.get(field), first.get(field)))
    return known


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
