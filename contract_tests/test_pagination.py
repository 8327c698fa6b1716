"""Pagination properties over valid queries drawn from the spec: shape, completeness, order, filters."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from contract_tests.checks import agreement, invariants
from contract_tests.run.kit import Kit
from contract_tests.spec.queries import limits, queries


@given(data=st.data())
def test_page_shape(kit: Kit, data: st.DataObject) -> None:
    """`count == len(customers) <= limit`, the limit echoed, `hasMore` exactly when there is a cursor."""
    kit.begin()
    query = data.draw(queries(kit.contract), label="query")
    page = kit.page(query)
    invariants.check_page_shape(page, query.limit, kit.contract)
    cursor = page.get(kit.contract.next_cursor_property)
    if cursor:
        invariants.check_page_shape(kit.page(query, cursor=cursor), query.limit, kit.contract)


@given(data=st.data())
def test_traversal(kit: Kit, data: st.DataObject) -> None:
    """A traversal ends, shows no customer twice, and `hasMore` never promises an empty page.

    When it ends, the remainder after the last cursor, asked for with exactly that many as the
    limit, fills one page that must say nothing follows.
    """
    kit.begin()
    query = data.draw(queries(kit.contract), label="query")
    traversal = kit.traverse(query)
    invariants.check_traversal(traversal)
    if not traversal.complete or not traversal.items:
        return
    contract = kit.contract
    last = traversal.pages[-1][contract.items_property]
    cursor = traversal.pages[-2][contract.next_cursor_property] if len(traversal.pages) > 1 else None
    if contract.limit_min <= len(last) <= contract.limit_max:
        exact = kit.page(replace(query, limit=len(last)), cursor=cursor)
        invariants.check_last_page_exactly_full(exact, contract)


@given(data=st.data())
def test_order(kit: Kit, data: st.DataObject) -> None:
    """Every traversal is sorted by `sortBy`/`sortOrder`, ties broken as the spec says.

    Under the collation `any`, string values need only follow one order consistent across the run.
    """
    kit.begin()
    invariants.check_order(kit.traverse(data.draw(queries(kit.contract), label="query")), kit.evidence)


@given(data=st.data())
def test_filters(kit: Kit, data: st.DataObject) -> None:
    """Every customer on every page passes every filter of the query."""
    kit.begin()
    invariants.check_filters(kit.traverse(data.draw(queries(kit.contract), label="query")))


@given(data=st.data())
def test_limit_invariance(kit: Kit, data: st.DataObject) -> None:
    """The same query with another page size shows the same customers in the same order."""
    kit.begin()
    query = data.draw(queries(kit.contract), label="query")
    other = data.draw(limits(kit.contract), label="other limit")
    first = kit.traverse(query)
    second = kit.traverse(replace(query, limit=other))
    agreement.check_agreement(first, second, "limit invariance")


@given(data=st.data())
def test_partition(kit: Kit, data: st.DataObject) -> None:
    """Traversals for each value of a filter split the traversal without it into disjoint parts."""
    kit.begin()
    contract = kit.contract
    query = data.draw(queries(contract), label="query")
    rule = data.draw(st.sampled_from(contract.partitioning_filters), label="filter")
    whole = kit.traverse(query.without_filter(rule.parameter))
    parts = {value: kit.traverse(query.with_filter(rule.parameter, value)) for value in rule.values}
    agreement.check_partition(whole, rule, parts)


@given(data=st.data())
def test_direction(kit: Kit, data: st.DataObject) -> None:
    """The descending traversal is the ascending one reversed (groups of ties kept when their direction is fixed)."""
    kit.begin()
    query = data.draw(queries(kit.contract), label="query")
    agreement.check_agreement(kit.traverse(query), kit.traverse(query.reversed(kit.contract)), "direction")
