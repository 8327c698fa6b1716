"""The collation `any`: one consistent order across traversals, on hand-made data, and the hint of a failed order."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import pytest

from contract_tests.checks import invariants
from contract_tests.checks.order_evidence import OrderEvidence, runs, statements
from contract_tests.run.target import spec_document
from contract_tests.spec.collations import CollationError, collation
from contract_tests.spec.contract import Contract, contract_from_spec
from contract_tests.spec.ordering import Item, ListOrder
from contract_tests.transport.traversal import Traversal
from contract_tests.violations import ContractViolation

CONTRACT: Contract = contract_from_spec(spec_document())
OUT_OF_ORDER = "customers are out of order"
NO_SINGLE_ORDER = "customers are in no single order"


def customer(customer_id: str, first_name: str = "Ann", revenue: float = 0) -> dict[str, Any]:
    return {"customerId": customer_id, "firstName": first_name, "totalMonthlyRevenue": revenue}


def order(sort_by: str = "firstName", *, descending: bool = False, **rules: Any) -> ListOrder:
    changes = {"collation": "any", **rules}
    return ListOrder(sort_by, descending, dataclasses.replace(CONTRACT.ordering, **changes))


def traversal(items: Sequence[Item], ordered: ListOrder | None = None, limit: int = 2) -> Traversal:
    pages = tuple(
        {"customers": list(items[start : start + limit]), "hasMore": start + limit < len(items)}
        for start in range(0, max(len(items), 1), limit)
    )
    return Traversal((), ordered or order(), pages, True, CONTRACT)


def names(*pairs: str) -> list[Item]:
    """Customers from "id:name" strings."""
    return [customer(customer_id, name) for customer_id, name in (pair.split(":", 1) for pair in pairs)]


def violation(check: Any, title: str) -> ContractViolation:
    with pytest.raises(ContractViolation) as caught:
        check()
    assert caught.value.title == title, caught.value
    return caught.value


def test_runs_of_equal_neighbours() -> None:
    assert runs([]) == []
    assert runs(["a", "a", "b", "a"]) == [("a", 0, 2), ("b", 2, 3), ("a", 3, 4)]


def test_statements_of_a_traversal() -> None:
    said = statements(names("c1:Obama", "c2:O'Brien", "c3:O'Brien", "c4:zara"), order(), "here")
    assert said.before["firstName"] == [("Obama", "O'Brien"), ("O'Brien", "zara")]
    assert said.before["customerId"] == [("c2", "c3")]
    descending = statements(names("c4:zara", "c3:O'Brien", "c2:O'Brien"), order(descending=True), "here")
    assert descending.before["firstName"] == [("O'Brien", "zara")]
    assert descending.before["customerId"] == [("c2", "c3")]  # ties descending too
    fixed = statements(
        names("c4:zara", "c2:O'Brien", "c3:O'Brien"), order(descending=True, tie_direction="ascending"), ""
    )
    assert fixed.before["customerId"] == [("c2", "c3")]


@pytest.mark.parametrize(
    "listed",
    [
        # glibc en_US: punctuation ignored at first, lower case before upper.
        ["Obama", "O'Brien", "zara", "Zara", "Zoë"],
        # ICU root: punctuation before letters.
        ["O'Brien", "Obama", "zara", "Zara", "Zoë"],
        # code point.
        ["O'Brien", "Obama", "Zara", "Zoë", "zara"],
    ],
    ids=["glibc-like", "icu-like", "codepoint"],
)
def test_any_accepts_one_database_order_across_traversals_and_page_sizes(listed: list[str]) -> None:
    items = [customer(f"cus_{index}{copy}", name) for index, name in enumerate(listed) for copy in "ab"]
    evidence = OrderEvidence()
    for limit in (1, 3, 50):
        invariants.check_order(traversal(items, limit=limit), evidence)
        invariants.check_order(traversal(items[::-1], order(descending=True), limit=limit), evidence)
        invariants.check_order(traversal(items[2:7], limit=limit), evidence)  # a filtered subsequence
    assert set(evidence.edges) == {"firstName", "customerId"}


def test_any_catches_two_traversals_that_disagree() -> None:
    evidence = OrderEvidence()
    invariants.check_order(traversal(names("c1:Obama", "c2:O'Brien", "c3:Zara")), evidence)
    caught = violation(
        lambda: invariants.check_order(traversal(names("c2:O'Brien", "c1:Obama")), evidence), NO_SINGLE_ORDER
    )
    assert "'Obama' before \"O'Brien\"" in caught.details
    # Nothing of the contradicting traversal was kept: the same one fails again, the first still passes.
    violation(lambda: invariants.check_order(traversal(names("c2:O'Brien", "c1:Obama")), evidence), NO_SINGLE_ORDER)
    invariants.check_order(traversal(names("c1:Obama", "c3:Zara")), evidence)


def test_any_catches_a_cycle_through_three_traversals() -> None:
    evidence = OrderEvidence()
    invariants.check_order(traversal(names("c1:a", "c2:b")), evidence)
    invariants.check_order(traversal(names("c2:b", "c3:c")), evidence)
    violation(lambda: invariants.check_order(traversal(names("c3:c", "c1:a")), evidence), NO_SINGLE_ORDER)


def test_any_catches_descending_that_is_not_the_reverse() -> None:
    evidence = OrderEvidence()
    invariants.check_order(traversal(names("c1:a", "c2:b")), evidence)
    violation(
        lambda: invariants.check_order(traversal(names("c1:a", "c2:b"), order(descending=True)), evidence),
        NO_SINGLE_ORDER,
    )


def test_any_requires_equal_values_together() -> None:
    caught = violation(lambda: invariants.check_order(traversal(names("c1:zara", "c2:Zara", "c3:zara"))), OUT_OF_ORDER)
    assert "equal values are listed together" in caught.details


def test_any_requires_ties_in_one_order_of_ids() -> None:
    evidence = OrderEvidence()
    invariants.check_order(traversal(names("c1:Ann", "c2:Ann", "c3:Bo")), evidence)
    violation(lambda: invariants.check_order(traversal(names("c2:Ann", "c1:Ann")), evidence), NO_SINGLE_ORDER)
    # Ties descending with the sort order: the same statement, seen from the other end.
    invariants.check_order(traversal(names("c3:Bo", "c2:Ann", "c1:Ann"), order(descending=True)), evidence)
    violation(
        lambda: invariants.check_order(traversal(names("c1:Ann", "c2:Ann"), order(descending=True)), evidence),
        NO_SINGLE_ORDER,
    )


def test_any_still_checks_numbers_exactly() -> None:
    by_revenue = order("totalMonthlyRevenue")
    invariants.check_order(traversal([customer("c1", revenue=1), customer("c2", revenue=2.5)], by_revenue))
    violation(
        lambda: invariants.check_order(traversal([customer("c1", revenue=3), customer("c2", revenue=2.5)], by_revenue)),
        OUT_OF_ORDER,
    )
    descending = order("totalMonthlyRevenue", descending=True)
    invariants.check_order(traversal([customer("c1", revenue=3), customer("c2", revenue=2.5)], descending))
    evidence = OrderEvidence()
    invariants.check_order(traversal([customer("c1", revenue=1), customer("c2", revenue=1)], by_revenue), evidence)
    violation(
        lambda: invariants.check_order(
            traversal([customer("c2", revenue=5), customer("c1", revenue=5)], by_revenue), evidence
        ),
        NO_SINGLE_ORDER,
    )


def test_any_checks_timestamps_as_instants() -> None:
    by_time = order("createdAt")
    early = {"customerId": "c1", "createdAt": "2024-01-01T10:00:00+02:00"}
    late = {"customerId": "c2", "createdAt": "2024-01-01T09:00:00Z"}
    invariants.check_order(traversal([early, late], by_time))
    violation(lambda: invariants.check_order(traversal([late, early], by_time)), OUT_OF_ORDER)


# --- a failed order names the collations that explain it -------------------------------------------


def assumed(name: str, *, descending: bool = False) -> ListOrder:
    return order(collation=name, descending=descending)


def glibc_listing() -> list[Item]:
    return names("c1:Obama", "c2:O'Brien", "c3:zara", "c4:Zara")


def test_a_failed_order_names_the_collation_that_explains_it() -> None:
    caught = violation(
        lambda: invariants.check_order(traversal(names("c1:b", "c2:a"), assumed("codepoint"))), OUT_OF_ORDER
    )
    assert "none of the known collations" in caught.details
    assert "--string-collation any accepts any consistent one" in caught.details
    caught = violation(
        lambda: invariants.check_order(traversal(names("c1:a", "c2:B"), assumed("codepoint"))), OUT_OF_ORDER
    )
    assert "this order is what --string-collation ascii-case-insensitive or casefold" in caught.details
    caught = violation(
        lambda: invariants.check_order(traversal(names("c1:a", "c2:b", "c3:a"), assumed("codepoint"))), OUT_OF_ORDER
    )
    assert "no collation explains this order" in caught.details


def test_a_glibc_order_is_named_as_glibc() -> None:
    try:
        collation("libc:en_US.UTF-8")
    except CollationError as error:
        pytest.skip(str(error))
    caught = violation(lambda: invariants.check_order(traversal(glibc_listing(), assumed("codepoint"))), OUT_OF_ORDER)
    assert "--string-collation libc:en_US.UTF-8 expects" in caught.details
    assert "icu:und" not in caught.details.split("\n")[-1]  # ICU puts O'Brien first
    invariants.check_order(traversal(glibc_listing(), assumed("libc:en_US.UTF-8")))


def test_an_icu_order_is_named_as_icu() -> None:
    try:
        collation("icu:und")
    except CollationError as error:
        pytest.skip(str(error))
    listing = names("c1:O'Brien", "c2:Obama", "c3:zara", "c4:Zara")
    caught = violation(lambda: invariants.check_order(traversal(listing, assumed("codepoint"))), OUT_OF_ORDER)
    hint = caught.details.split("\n")[-1]
    assert "icu:und" in hint  # and casefold too: it ties zara with Zara, and c3 comes before c4
    assert "libc:en_US.UTF-8" not in hint  # glibc ignores the apostrophe: Obama first
    invariants.check_order(traversal(listing, assumed("icu:en-US")))
