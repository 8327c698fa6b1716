"""Pagination while the data changes: for mocks that offer control endpoints, never for a real deployment.

Between the pages of a traversal the property creates customers (orders for new emails),
updates customers so that they move in the order or between filters (Update Customer, and
orders that rent a device), and then checks that the traversal returned no customer twice and
every customer that the query listed before it began and that no write touched.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from contract_tests import invariants
from contract_tests.kit import Kit
from contract_tests.queries import queries
from contract_tests.traversal import Traversal
from contract_tests.violations import ContractViolation

NAMES = st.text(alphabet="AZaz09ÉéŁß-", min_size=1, max_size=6)


@st.composite
def writes(draw: st.DrawFn, present: list[str]) -> list[tuple[str, Any]]:
    """Up to three writes: ("create", an order body), ("update", (id, patch)), ("rent", id): a rental order."""
    chosen: list[tuple[str, Any]] = []
    for _ in range(draw(st.integers(0, 3), label="writes")):
        kind = draw(st.sampled_from(["create", "update", "rent"] if present else ["create"]), label="kind")
        if kind == "create":
            local = draw(st.from_regex(r"[a-z]{1,8}", fullmatch=True), label="email")
            body = {"email": f"{local}.{len(chosen)}@kit.example", "firstName": draw(NAMES), "lastName": draw(NAMES)}
            chosen.append((kind, body))
            continue
        customer = draw(st.sampled_from(present), label="customer")
        if kind == "rent":
            chosen.append((kind, customer))
            continue
        field = draw(st.sampled_from(["firstName", "lastName", "status", "email"]), label="field")
        value: str = draw(NAMES)
        if field == "status":
            value = draw(st.sampled_from(["active", "inactive"]))
        elif field == "email":
            value = f"moved.{draw(st.from_regex(r'[a-z]{1,8}', fullmatch=True))}@kit.example"
        chosen.append((kind, (customer, {field: value})))
    return chosen


# Each example writes and traverses twice, so shrinking a failure would replay thousands of requests:
# the first failing example is reported as it was found, its requests as the reproduction.
@settings(report_multiple_bugs=False, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(data=st.data())
def test_pagination_under_change(kit: Kit, data: st.DataObject) -> None:
    """Writes between pages make a traversal neither repeat a customer nor skip one that stayed unchanged."""
    if kit.controls() is None:
        pytest.skip("the target offers no control endpoints (GET /_mock): it may be a real deployment")
    contract = kit.contract
    with _from_the_seed(kit):
        kit.begin()
        query = data.draw(queries(contract), label="query")
        # Pages of at least 25 keep each example to a few dozen requests within a run's budget.
        query = replace(query, limit=max(query.limit or contract.limit_default, min(25, contract.limit_max)))
        present = kit.traverse(query)
        email_rule = next(candidate for candidate in contract.filters if not candidate.values)
        emails = {item[contract.id_property]: item[email_rule.field] for item in present.items}
        pages = [kit.page(query)]
        changed: set[str] = set()
        while pages[-1][contract.has_more_property] and len(pages) < kit.max_pages:
            for kind, argument in data.draw(writes(present.ids), label="between pages"):
                if kind == "rent":
                    kind, argument = "order", {"email": emails[argument], "monthlyPrice": 19.9}
                changed |= _write(kit, kind, argument)
            pages.append(kit.page(query, cursor=pages[-1][contract.next_cursor_property]))
        complete = present.complete and not pages[-1][contract.has_more_property]
        traversal = Traversal(tuple(query.params(contract)), present.order, tuple(pages), complete, contract)
        invariants.check_traversal_under_change(traversal, present.ids, changed)


def _write(kit: Kit, kind: str, argument: Any) -> set[str]:
    """Make one write; the ids of the customers it changed (none when the target refused it with a 4xx)."""
    if kind == "update":
        customer, patch = argument
        response = kit.update_customer(customer, patch)
    else:
        response = kit.control("orders", argument)
    if response.status_code >= 500:
        raise ContractViolation(
            f"a write answered {response.status_code}", f"{kind} {argument!r}: {response.text[:300]}"
        )
    if not response.is_success:
        return set()
    return {response.json()[kit.contract.item_property][kit.contract.id_property]}


@contextmanager
def _from_the_seed(kit: Kit) -> Iterator[None]:
    """Start from the seeded data and leave it seeded, so that the other properties see no writes."""
    kit.control("reset")
    try:
        yield
    finally:
        kit.control("reset")
