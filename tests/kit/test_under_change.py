"""Writes designed to make pagination bugs show, and the verdict on a traversal made under them."""

from __future__ import annotations

import pytest

from contract_tests.checks.under_change import DUPLICATE, SKIPPED, check_under_change, page_sizes, writes_at
from contract_tests.violations import ContractViolation

NAMES = ["Ann", "Ben", "Cat", "Cat", "Cat", "Dan", "Eve", "Fay", "Gus", "Hal", "Ida", "Jon", "Kim"]
ITEMS = [{"customerId": f"c{index:02}", "firstName": name} for index, name in enumerate(NAMES)]
IDS = [item["customerId"] for item in ITEMS]


def test_the_first_boundary_falls_inside_a_tie_group() -> None:
    # Page size 4: the boundary after c03 has Cat before it (c02) and after it (c04).
    assert page_sizes(NAMES, smallest=1, largest=100) == [4]
    assert page_sizes(["a", "b", "c", "d", "e", "f", "g"], smallest=1, largest=100) == [3, 4]
    assert page_sizes(["a"] * 20, smallest=1, largest=100) == []  # nowhere to move a customer to
    assert page_sizes(NAMES[:4], smallest=1, largest=100) == []


def test_after_the_first_page_a_customer_shown_moves_to_the_next_one() -> None:
    (moved,) = writes_at(1, 4, ITEMS, "firstName", "customerId", None)
    assert (moved.customer, dict(moved.patch)) == ("c02", {"firstName": "Dan"})  # the tie member before the boundary


def test_under_a_status_filter_a_tie_member_leaves_it_too() -> None:
    leaves, moved = writes_at(1, 4, ITEMS, "firstName", "customerId", "active")
    assert (leaves.customer, dict(leaves.patch)) == ("c02", {"status": "inactive"})
    assert (moved.customer, dict(moved.patch)) == ("c01", {"firstName": "Dan"})


def test_later_boundaries_move_a_customer_back_and_change_membership() -> None:
    (back,) = writes_at(2, 3, ITEMS, "firstName", "customerId", None)
    assert (back.customer, dict(back.patch)) == ("c07", {"firstName": "Ann"})
    (leaves,) = writes_at(3, 3, ITEMS, "firstName", "customerId", "inactive")
    assert (leaves.customer, dict(leaves.patch)) == ("c09", {"status": "active"})
    assert writes_at(3, 3, ITEMS, "firstName", "customerId", None) == []
    assert writes_at(5, 3, ITEMS, "firstName", "customerId", None) == []  # past the end


def test_a_traversal_that_neither_repeats_nor_skips_holds() -> None:
    # c02 changed and was left out; a traversal stopped by the page cap is judged as far as it got.
    check_under_change([["c00", "c01", "c03"], ["c04", "c05"]], ["p1", "p2"], IDS, {"c02"})


def test_a_duplicate_and_a_skip_are_both_reported() -> None:
    pages = [["c00", "c01", "c02", "c03"], ["c02", "c05", "c06"]]
    with pytest.raises(ContractViolation) as caught:
        check_under_change(pages, ["p1", "p2"], IDS, {"c02"})
    duplicate, skipped = caught.value.symptoms
    assert (duplicate.finding_class, duplicate.count, duplicate.tries, duplicate.curl) == (
        DUPLICATE,
        1,
        7,
        ("p1", "p2"),
    )
    assert (skipped.finding_class, skipped.count, skipped.tries, skipped.curl) == (SKIPPED, 1, 6, ("p2",))
    assert "c02 on pages 1 and 2" in caught.value.details and "c04, due by page 2" in caught.value.details
