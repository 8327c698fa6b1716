"""The finite query space the properties walk, the coverage they report, and the checks every list page gets."""

from __future__ import annotations

import copy
import dataclasses
from collections import Counter
from typing import Any

import pytest
from hypothesis import strategies as st

from contract_tests.checks.records import RecordChecks
from contract_tests.run.coverage import Coverage, coverage_table, left_out_lines
from contract_tests.run.phases import Scripted
from contract_tests.spec.coverage import (
    ENUMERATIONS,
    cells,
    enumeration,
    every_cell,
    filter_pairs,
    least_covered,
    refilled,
    sort_pairs,
)
from contract_tests.spec.queries import Query
from tests.kit.samples import CONTRACT, page

ALL_SORTS = {("sort", field, direction) for field, direction in sort_pairs(CONTRACT)}
ALL_FILTER_CELLS = {cell for cell in every_cell(CONTRACT) if cell[0] in ("filter", "pair")}


def touched(queries: list[Query]) -> set[tuple[str, ...]]:
    return {cell for query in queries for cell in cells(query, CONTRACT)}


def test_the_space_is_every_sort_order_filter_value_and_pair_of_them() -> None:
    assert len(sort_pairs(CONTRACT)) == 12
    assert len(filter_pairs(CONTRACT)) == 12  # three filters of two values: three pairs of filters, four combinations
    assert len(every_cell(CONTRACT)) == 12 + 6 + 12


@pytest.mark.parametrize("name", ["test_order", "test_limit_invariance"])
def test_the_order_properties_walk_every_sort_order(name: str) -> None:
    scripts = enumeration(name, CONTRACT)
    assert touched([script["query"] for script in scripts]) == ALL_SORTS
    if name == "test_limit_invariance":
        assert all(script["other limit"] != script["query"].limit for script in scripts)


def test_the_direction_property_walks_every_sort_order_both_ways() -> None:
    queries = [script["query"] for script in enumeration("test_direction", CONTRACT)]
    assert touched(queries + [query.reversed(CONTRACT) for query in queries]) == ALL_SORTS


def test_the_filter_property_walks_every_pair_of_filter_values() -> None:
    queries = [script["query"] for script in enumeration("test_filters", CONTRACT)]
    assert touched(queries) >= ALL_FILTER_CELLS
    assert touched(queries) >= ALL_SORTS  # each under the next sort order in turn


def test_the_partition_property_splits_by_every_pair_of_filter_values() -> None:
    parts = [
        script["query"].with_filter(script["filter"].parameter, value)
        for script in enumeration("test_partition", CONTRACT)
        for value in script["filter"].values
    ]
    assert touched(parts) >= ALL_FILTER_CELLS


def test_only_the_properties_that_judge_the_space_walk_it() -> None:
    assert set(ENUMERATIONS) == {
        "test_order",
        "test_filters",
        "test_limit_invariance",
        "test_partition",
        "test_direction",
    }
    assert enumeration("test_page_shape", CONTRACT) == []


def test_the_examples_after_the_enumeration_go_to_the_least_traversed_cells() -> None:
    scripts = enumeration("test_order", CONTRACT)
    counts: Counter[tuple[str, ...]] = Counter({cell: 3 for cell in ALL_SORTS})
    counts[("sort", "email", "desc")] = 1
    chosen = least_covered(scripts, counts, CONTRACT)
    assert (chosen["query"].sort_by, chosen["query"].sort_order) == ("email", "desc")
    again = [refilled(chosen, round_, CONTRACT)["query"].limit for round_ in range(30)]
    assert all(CONTRACT.limit_min <= limit <= CONTRACT.limit_max for limit in again if limit is not None)
    assert len(set(again)) > 10  # other page sizes, so that a repeat crosses other boundaries


def test_a_scripted_example_draws_what_its_script_names_and_the_simplest_value_otherwise() -> None:
    data = Scripted({"query": Query(sort_by="email")})
    assert data.draw(st.just(Query()), label="query") == Query(sort_by="email")
    assert data.draw(st.integers(3, 9), label="other limit") == 3


def test_the_coverage_table_and_what_a_small_budget_left_out() -> None:
    coverage = Coverage(running="test_order")
    coverage.traversed(Query(sort_by="email", sort_order="desc"), CONTRACT)
    coverage.traversed(Query(sort_by="email", sort_order="desc", filters=(("status", "active"),)), CONTRACT)
    coverage.running = "test_filters"
    coverage.traversed(Query(filters=(("status", "active"), ("customerType", "business"))), CONTRACT)
    coverage.running = None
    coverage.traversed(Query(), CONTRACT)  # outside a property: not counted
    lines = coverage_table(coverage, CONTRACT)
    assert lines[1].split() == ["order", "filters"]
    rows = {line[:28].strip(): line[28:].split() for line in lines[2:]}
    assert rows["email desc"] == ["2", "."]
    assert rows["createdAt desc"] == [".", "1"]
    assert rows["status=active"] == ["1", "1"]
    assert rows["pairs of filter values"] == ["0/12", "1/12"]
    coverage.enumerated["test_order"] = 12
    coverage.left_out["test_order"] = ["sortBy=email&sortOrder=desc"]
    assert left_out_lines(coverage) == [
        "the budget left out 1 of 12 enumerated examples of test_order: sortBy=email&sortOrder=desc"
    ]


# --- the checks every list page gets ---------------------------------------------------------------


def record(customer_id: str = "cus_1", **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "customerId": customer_id,
        "tenantId": "acme",
        "email": f"{customer_id}@example.com",
        "firstName": "Ann",
        "lastName": "Lee",
        "customerType": "individual",
        "status": "active",
        "totalOrders": 1,
        "orderIds": ["ord_1"],
        "totalDevicesRented": 0,
        "rentalIds": [],
        "totalMonthlyRevenue": 0,
        "createdAt": "2024-01-01T00:00:00Z",
        "updatedAt": "2024-02-01T00:00:00Z",
    }
    return {**base, **fields}


def judge(checks: RecordChecks, *items: dict[str, Any], tenant: str = "acme", **shape: Any) -> str | None:
    """The finding class of the first violation on a page of `items`, or None."""
    try:
        checks.check(page(list(items), **shape), [], tenant, "page 1 of (no parameters)")
    except AssertionError as error:
        return str(getattr(error, "finding_class", None))
    return None


def test_the_contract_names_the_listed_schemas_and_the_tenant_property() -> None:
    assert CONTRACT.tenant_property == "tenantId"
    assert CONTRACT.item_schema is not None and CONTRACT.page_schema is not None


@pytest.mark.parametrize(
    ("items", "shape", "tenant", "finding"),
    [
        ([record()], {}, "acme", None),
        ([record(totalOrders="1")], {}, "acme", "record-schema"),
        ([record("cus 1")], {}, "acme", "record-schema"),  # the id format
        ([record(), "cus_2"], {}, "acme", "record-schema"),
        ([record()], {}, "globex", "record-other-tenant"),
        ([record()], {"count": 2}, "acme", "page-count"),
        ([record()], {"has_more": True}, "acme", "has-more-cursor-disagree"),
        ([record()], {"limit": 0}, "acme", "page-limit-echo"),
    ],
)
def test_every_page_is_held_to_its_schema_tenant_and_shape(
    items: list[Any], shape: dict[str, Any], tenant: str, finding: str | None
) -> None:
    assert judge(RecordChecks(CONTRACT), *items, tenant=tenant, **shape) == finding


def test_a_page_envelope_off_its_schema_is_a_finding() -> None:
    checks = RecordChecks(CONTRACT)
    with pytest.raises(AssertionError, match="does not match its schema") as caught:
        checks.check({**page([record()]), "nextCursor": 7}, [], "acme", "page 1")
    assert getattr(caught.value, "finding_class", None) == "page-schema"


def test_a_pattern_only_python_compiles_is_still_held_to() -> None:
    """`\\Z` is Python's end of string and not the Rust engine's, which judges valid customers fast:
    a spec written with it is checked by jsonschema alone, not let through."""
    schema = copy.deepcopy(CONTRACT.item_schema)
    assert schema is not None
    schema["components"]["schemas"]["Customer"]["properties"]["customerId"]["pattern"] = r"\Acus_[0-9]+\Z"
    contract = dataclasses.replace(CONTRACT, item_schema=schema)
    assert judge(RecordChecks(contract), record()) is None
    assert judge(RecordChecks(contract), record("cus_x")) == "record-schema"


def test_the_records_own_figures_are_data_findings_once_each_and_fail_only_when_strict() -> None:
    broken = record(totalOrders=2)  # one orderId
    relaxed = RecordChecks(CONTRACT)
    assert judge(relaxed, broken) is None and judge(relaxed, broken) is None
    assert [(finding.rule, finding.customer_id) for finding in relaxed.findings] == [
        ("totalOrders counts orderIds", "cus_1")
    ]
    strict = RecordChecks(CONTRACT, strict=True)
    # The same page fails each time it is judged, as Hypothesis' replays of an example need.
    assert judge(strict, broken) == "data-consistency" and judge(strict, broken) == "data-consistency"
    assert len(strict.findings) == 1
