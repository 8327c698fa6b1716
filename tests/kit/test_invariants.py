"""Page shape, traversal, order and filters hold on well-formed hand-made data and name the broken promise otherwise."""

from __future__ import annotations

import dataclasses

import pytest

from contract_tests.checks import agreement, invariants
from contract_tests.transport.traversal import Page
from tests.kit.samples import (
    ALL,
    CONTRACT,
    DESC,
    EMAIL,
    RENTALS,
    STATUS,
    A,
    B,
    C,
    D,
    E,
    customer,
    order,
    page,
    raises,
    traversal,
)

# --- Traversal -----------------------------------------------------------------------------------


def test_traversal_items_ids_and_description() -> None:
    shown = traversal([A, B], [C], params=(("status", "active"), ("limit", "2")))
    assert shown.items == [A, B, C]
    assert shown.ids == ["cus_1", "cus_2", "cus_3"]
    assert shown.describe() == "status=active&limit=2: 3 customers in 2 pages, complete"
    assert (
        traversal([A], complete=False).describe() == "(no parameters): 1 customers in 1 pages, stopped at the page cap"
    )


# --- windows: what two views of one list must share ---------------------------------------------


def ids(text: str) -> list[str]:
    return list(text)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # Two prefixes: the shorter's length; a complete one is all of the list.
        (agreement.View(ids("abcde"), True), agreement.View(ids("abcde"), True), ("abcde", "abcde")),
        (agreement.View(ids("abcde"), True), agreement.View(ids("ab"), False), ("ab", "ab")),
        (agreement.View(ids("ab"), False), agreement.View(ids("abcde"), True), ("ab", "ab")),
        (agreement.View(ids("abc"), False), agreement.View(ids("ab"), False), ("ab", "ab")),
        # A capped traversal longer than the complete one: all of both, so that they differ.
        (agreement.View(ids("ab"), True), agreement.View(ids("abc"), False), ("ab", "abc")),
        # A prefix and a suffix: where they overlap.
        (agreement.View(ids("abcde"), True), agreement.View(ids("de"), False, True), ("de", "de")),
        (agreement.View(ids("ab"), False), agreement.View(ids("abcde"), True, True), ("ab", "ab")),
        (agreement.View(ids("abc"), False), agreement.View(ids("cde"), False, True), ("c", "c")),
        (agreement.View(ids("ab"), False), agreement.View(ids("de"), False, True), ("", "")),
        (agreement.View(ids("abc"), False), agreement.View(ids("bde"), False, True), ("c", "b")),
        (agreement.View(ids("de"), False, True), agreement.View(ids("abcde"), True), ("de", "de")),
        # Two suffixes.
        (agreement.View(ids("cde"), False, True), agreement.View(ids("de"), False, True), ("de", "de")),
    ],
)
def test_windows_of_two_views(first: agreement.View, second: agreement.View, expected: tuple[str, str]) -> None:
    window_first, window_second = agreement.windows(first, second)
    assert ("".join(window_first), "".join(window_second)) == expected


# --- check_page_shape ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shown", "requested"),
    [
        (page([A, B], limit=2, has_more=True, cursor="next"), 2),
        (page([A, B], limit=5), 5),
        (page([A], limit=50), None),
        (page([], limit=50), None),
        (page([], limit=1), 1),
    ],
)
def test_page_shape_holds(shown: Page, requested: int | None) -> None:
    invariants.check_page_shape(shown, requested, CONTRACT)


@pytest.mark.parametrize(
    ("shown", "requested", "title"),
    [
        (page([A, B], count=3), None, "count is not the number of items in the page"),
        ({**page([A, B]), "count": None}, None, "count is not the number of items in the page"),
        (page([A, B], count=1), None, "count is not the number of items in the page"),
        (page([A], limit=50), 10, "limit does not echo the effective page size"),
        (page([A], limit=10), None, "limit does not echo the effective page size"),
        (page([A, B, C], limit=2), 2, "a page holds more items than its limit"),
        (page([A], limit=1, has_more=True, cursor=None), 1, "hasMore and nextCursor disagree"),
        (page([A], limit=1, has_more=True, cursor=""), 1, "hasMore and nextCursor disagree"),
        (page([A], limit=1, has_more=False, cursor="next"), 1, "hasMore and nextCursor disagree"),
        (page([], limit=5, has_more=True, cursor="next"), 5, "an empty page says more follow"),
    ],
)
def test_page_shape_broken(shown: Page, requested: int | None, title: str) -> None:
    raises(lambda: invariants.check_page_shape(shown, requested, CONTRACT), title)


def test_page_shape_reports_the_default_limit() -> None:
    violation = raises(
        lambda: invariants.check_page_shape(page([A], limit=10), None, CONTRACT),
        "limit does not echo the effective page size",
    )
    assert "the default (effective 50)" in violation.details
    assert "10" in violation.details


# --- check_traversal -----------------------------------------------------------------------------


def test_traversal_holds() -> None:
    invariants.check_traversal(traversal([A, B], [C, D], [E]))
    invariants.check_traversal(traversal([]))
    invariants.check_traversal(traversal([A, B], complete=False))


def test_traversal_with_a_customer_twice() -> None:
    violation = raises(
        lambda: invariants.check_traversal(traversal([A, B], [B, C], [D])),
        "a traversal returned a customer more than once",
    )
    assert "cus_2 on pages [1, 2]" in violation.details


def test_traversal_with_a_customer_twice_on_one_page() -> None:
    raises(lambda: invariants.check_traversal(traversal([A, A])), "a traversal returned a customer more than once")


def test_traversal_with_an_empty_page_after_has_more() -> None:
    violation = raises(
        lambda: invariants.check_traversal(traversal([A, B], [], [C])),
        "hasMore promised another page but it was empty",
    )
    assert "page 2 is empty" in violation.details


def test_traversal_ending_with_an_empty_page() -> None:
    raises(lambda: invariants.check_traversal(traversal([A, B], [])), "hasMore promised another page but it was empty")


# --- check_last_page_exactly_full ----------------------------------------------------------------


def test_last_page_exactly_full_holds() -> None:
    invariants.check_last_page_exactly_full(page([D, E], limit=2), CONTRACT)


@pytest.mark.parametrize(
    ("has_more", "cursor"),
    [(True, "next"), (False, "next"), (True, None)],
)
def test_last_page_exactly_full_says_more_follow(has_more: bool, cursor: str | None) -> None:
    raises(
        lambda: invariants.check_last_page_exactly_full(
            page([D, E], limit=2, has_more=has_more, cursor=cursor), CONTRACT
        ),
        "hasMore is true on a last page that is exactly full",
    )


# --- check_order ---------------------------------------------------------------------------------


def test_order_holds() -> None:
    invariants.check_order(traversal([A, B], [C, D], [E]))
    invariants.check_order(traversal([E, D], [C, B, A], ordered=DESC))
    invariants.check_order(traversal([]))


def test_order_broken_across_a_page_boundary() -> None:
    violation = raises(lambda: invariants.check_order(traversal([A, C], [B, D])), "customers are out of order")
    assert "item 2" in violation.details and "item 3" in violation.details


def test_order_with_a_repeated_customer() -> None:
    raises(lambda: invariants.check_order(traversal([A, B], [B, C])), "customers are out of order")


def test_order_of_strings_is_by_code_point() -> None:
    z, a, e_acute = (customer(f"cus_{n}", firstName=name) for n, name in enumerate(["Z", "a", "É"]))
    invariants.check_order(traversal([z, a, e_acute]))
    invariants.check_order(traversal([e_acute, a, z], ordered=DESC))
    raises(lambda: invariants.check_order(traversal([a, z, e_acute])), "customers are out of order")
    raises(lambda: invariants.check_order(traversal([z, e_acute, a])), "customers are out of order")


def test_order_of_timestamps_honours_offsets() -> None:
    # 10:00+02:00 is 08:00Z: earlier than 09:00Z although its text sorts later.
    early = customer("cus_9", createdAt="2024-01-01T10:00:00+02:00")
    late = customer("cus_1", createdAt="2024-01-01T09:00:00Z")
    by_time = order("createdAt")
    invariants.check_order(traversal([early, late], ordered=by_time))
    invariants.check_order(traversal([late, early], ordered=order("createdAt", descending=True)))
    raises(lambda: invariants.check_order(traversal([late, early], ordered=by_time)), "customers are out of order")


def test_order_of_ties_follows_the_tie_breaker_direction() -> None:
    same = {"createdAt": "2024-05-05T05:05:05.500Z"}
    first, second = customer("cus_a", **same), customer("cus_b", **same)
    descending = order("createdAt", descending=True)  # same-as-sortOrder: ids descend too
    invariants.check_order(traversal([second, first], ordered=descending))
    raises(lambda: invariants.check_order(traversal([first, second], ordered=descending)), "customers are out of order")
    ascending = order("createdAt")
    invariants.check_order(traversal([first, second], ordered=ascending))
    raises(lambda: invariants.check_order(traversal([second, first], ordered=ascending)), "customers are out of order")
    # A fixed ascending tie-breaker in a descending sort.
    fixed = order("createdAt", descending=True, tie_direction="ascending")
    invariants.check_order(traversal([first, second], ordered=fixed))
    raises(lambda: invariants.check_order(traversal([second, first], ordered=fixed)), "customers are out of order")


# --- matches and check_filters -------------------------------------------------------------------


def test_matches_equals() -> None:
    assert invariants.matches(A, STATUS, "active")
    assert not invariants.matches(A, STATUS, "inactive")
    assert not invariants.matches(A, STATUS, "Active")
    assert not invariants.matches(customer("cus_x", status=None), STATUS, "active")
    flag = dataclasses.replace(STATUS, field="vip")
    assert invariants.matches(customer("cus_x", vip=True), flag, "true")
    assert not invariants.matches(customer("cus_x", vip=True), flag, "false")
    assert invariants.matches(customer("cus_x", vip=False), flag, "false")


def test_matches_positive() -> None:
    assert invariants.matches(customer("cus_x", totalDevicesRented=3), RENTALS, "true")
    assert not invariants.matches(customer("cus_x", totalDevicesRented=3), RENTALS, "false")
    assert invariants.matches(customer("cus_x", totalDevicesRented=0), RENTALS, "false")
    assert not invariants.matches(customer("cus_x", totalDevicesRented=0), RENTALS, "true")


def test_matches_ascii_case_insensitive() -> None:
    assert invariants.matches(customer("cus_x", email="A@x.io"), EMAIL, "a@X.IO")
    assert invariants.matches(customer("cus_x", email="a@x.io"), EMAIL, "a@x.io")
    assert not invariants.matches(customer("cus_x", email="É@x.io"), EMAIL, "é@x.io")  # only A-Z fold
    assert not invariants.matches(customer("cus_x", email="STRASSE@x.io"), EMAIL, "straße@x.io")
    assert not invariants.matches(customer("cus_x", email="a@x.io"), EMAIL, "a@x")  # no prefix match
    assert not invariants.matches(customer("cus_x", email="a@x.io"), EMAIL, "a@x.io ")
    assert not invariants.matches(customer("cus_x", email=None), EMAIL, "None")


def test_matches_exact() -> None:
    exact = dataclasses.replace(EMAIL, match="exact")
    assert invariants.matches(customer("cus_x", email="A@x.io"), exact, "A@x.io")
    assert not invariants.matches(customer("cus_x", email="A@x.io"), exact, "a@x.io")


def test_matches_refuses_an_unknown_rule() -> None:
    with pytest.raises(ValueError, match="unknown match"):
        invariants.matches(A, dataclasses.replace(STATUS, match="fuzzy"), "active")


def test_filters_hold() -> None:
    params = (("status", "active"), ("sortBy", "firstName"), ("limit", "2"))
    invariants.check_filters(traversal([A, C], [E], params=params))
    invariants.check_filters(traversal([A], [D], params=(("hasActiveRentals", "true"),)))
    invariants.check_filters(traversal([B, C], params=(("hasActiveRentals", "false"),)))
    invariants.check_filters(
        traversal([customer("cus_x", email="Lena@Example.de")], params=(("email", "lena@example.DE"),))
    )
    invariants.check_filters(traversal(ALL))  # no filter: anything goes


def test_filters_broken_by_status() -> None:
    violation = raises(
        lambda: invariants.check_filters(traversal([A, C], [D], params=(("status", "active"),))),
        "a customer that fails the status filter was listed",
    )
    assert "page 2 lists cus_4" in violation.details


def test_filters_broken_by_has_active_rentals() -> None:
    raises(
        lambda: invariants.check_filters(traversal([A, B], params=(("hasActiveRentals", "true"),))),
        "a customer that fails the hasActiveRentals filter was listed",
    )


def test_filters_broken_by_one_of_two() -> None:
    params = (("status", "active"), ("hasActiveRentals", "true"))
    raises(
        lambda: invariants.check_filters(traversal([A, C], params=params)),
        "a customer that fails the hasActiveRentals filter was listed",
    )


def test_filters_broken_by_email_folding_beyond_ascii() -> None:
    raises(
        lambda: invariants.check_filters(traversal([customer("cus_x", email="É@x.io")], params=(("email", "é@x.io"),))),
        "a customer that fails the email filter was listed",
    )
