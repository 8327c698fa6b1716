"""Each pagination invariant holds on well-formed hand-made data and names the broken promise otherwise."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import httpx
import pytest

from contract_tests.checks import agreement, invariants
from contract_tests.checks.consistency import RULES, UNIQUE_EMAIL, Finding, data_findings
from contract_tests.run.target import spec_document
from contract_tests.spec.contract import Contract, contract_from_spec
from contract_tests.spec.ordering import Item, ListOrder
from contract_tests.test_lookup import UNICODE_CASE_TWINS, non_ascii_case
from contract_tests.transport.traversal import Page, Traversal
from contract_tests.violations import ContractViolation

CONTRACT: Contract = contract_from_spec(spec_document())
STATUS = CONTRACT.filter("status")
EMAIL = CONTRACT.filter("email")
RENTALS = CONTRACT.filter("hasActiveRentals")


def customer(customer_id: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "customerId": customer_id,
        "email": f"{customer_id}@example.com",
        "firstName": "Ann",
        "lastName": "Lee",
        "customerType": "individual",
        "status": "active",
        "totalDevicesRented": 0,
        "totalMonthlyRevenue": 0,
        "createdAt": "2024-01-01T00:00:00Z",
    }
    return {**base, **fields}


def page(
    items: Sequence[Item],
    *,
    limit: int = 50,
    has_more: bool = False,
    cursor: str | None = None,
    count: int | None = None,
) -> Page:
    return {
        "customers": list(items),
        "count": len(items) if count is None else count,
        "limit": limit,
        "hasMore": has_more,
        "nextCursor": cursor,
    }


def order(sort_by: str = "firstName", *, descending: bool = False, **rules: Any) -> ListOrder:
    return ListOrder(sort_by=sort_by, descending=descending, rules=dataclasses.replace(CONTRACT.ordering, **rules))


def traversal(
    *pages: Sequence[Item],
    ordered: ListOrder | None = None,
    complete: bool = True,
    params: Sequence[tuple[str, str]] = (),
) -> Traversal:
    """A traversal of `pages`; every page but the last (and the last too when incomplete) says more follow."""
    built = tuple(
        page(items, has_more=number < len(pages) or not complete, cursor="c" if number < len(pages) else None)
        for number, items in enumerate(pages, 1)
    )
    return Traversal(tuple(params), ordered or order(), built, complete, CONTRACT)


def raises(check: Callable[[], None], title: str) -> ContractViolation:
    """Run `check`, which must fail with exactly `title`."""
    with pytest.raises(ContractViolation) as caught:
        check()
    assert caught.value.title == title, caught.value
    return caught.value


# Five customers in firstName order: A < B < C < D < E, alternating status, some renting.
A = customer("cus_1", firstName="Ann", status="active", totalDevicesRented=2)
B = customer("cus_2", firstName="Ben", status="inactive")
C = customer("cus_3", firstName="Cat", status="active")
D = customer("cus_4", firstName="Dan", status="inactive", totalDevicesRented=1)
E = customer("cus_5", firstName="Eve", status="active")
ALL = [A, B, C, D, E]
DESC = order(descending=True)


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


# --- check_agreement -----------------------------------------------------------------------------

DIFFERENT_SET = "limits: the traversals do not hold the same customers"
DIFFERENT_FIELDS = "limits: the same customer differs between the traversals"
DIFFERENT_ORDER = "limits: the traversals order the same customers differently"


def test_agreement_of_complete_traversals() -> None:
    agreement.check_agreement(traversal([A, B], [C, D], [E]), traversal([A, B, C], [D, E]), "limits")
    agreement.check_agreement(traversal([]), traversal([]), "limits")


def test_agreement_with_a_missing_customer() -> None:
    violation = raises(
        lambda: agreement.check_agreement(traversal([A, B], [C, D], [E]), traversal([A, B], [D, E]), "limits"),
        DIFFERENT_SET,
    )
    assert "only in A: ['cus_3'], only in B: []" in violation.details
    violation = raises(
        lambda: agreement.check_agreement(traversal([A, B], [D, E]), traversal([A, B], [C, D], [E]), "limits"),
        DIFFERENT_SET,
    )
    assert "only in A: [], only in B: ['cus_3']" in violation.details


def test_agreement_with_an_empty_traversal() -> None:
    raises(lambda: agreement.check_agreement(traversal([]), traversal([A]), "limits"), DIFFERENT_SET)


def test_agreement_with_different_fields() -> None:
    changed = {**C, "status": "inactive"}
    violation = raises(
        lambda: agreement.check_agreement(traversal([A, B, C], [D, E]), traversal([A, B], [changed, D, E]), "limits"),
        DIFFERENT_FIELDS,
    )
    assert violation.details.startswith("cus_3:")


def test_agreement_with_a_field_missing() -> None:
    shorter = {key: value for key, value in C.items() if key != "lastName"}
    raises(
        lambda: agreement.check_agreement(traversal(ALL), traversal([A, B, shorter, D, E]), "limits"), DIFFERENT_FIELDS
    )


def test_agreement_with_a_different_order() -> None:
    violation = raises(
        lambda: agreement.check_agreement(traversal(ALL), traversal([A, C], [B, D, E]), "limits"),
        DIFFERENT_ORDER,
    )
    assert "['cus_1', 'cus_2', 'cus_3', 'cus_4', 'cus_5']" in violation.details


def test_agreement_of_a_capped_traversal_compares_only_what_it_covers() -> None:
    capped = traversal([A, B], complete=False)  # stopped after B: C, D, E were never reached
    whole = traversal([A, B, C], [D, E])
    agreement.check_agreement(capped, whole, "limits")
    agreement.check_agreement(whole, capped, "limits")
    agreement.check_agreement(capped, traversal([A, B, C], complete=False), "limits")
    agreement.check_agreement(traversal([A], [B, C, D], complete=False), capped, "limits")


def test_agreement_of_a_capped_traversal_missing_a_covered_customer() -> None:
    capped = traversal([A], [C], complete=False)  # B comes before C, so it should have been shown
    violation = raises(lambda: agreement.check_agreement(capped, traversal(ALL), "limits"), DIFFERENT_SET)
    assert "only in A: [], only in B: ['cus_2']" in violation.details
    raises(lambda: agreement.check_agreement(traversal(ALL), capped, "limits"), DIFFERENT_SET)
    raises(lambda: agreement.check_agreement(traversal([A, B, C], complete=False), capped, "limits"), DIFFERENT_SET)


def test_agreement_of_a_capped_traversal_with_different_fields() -> None:
    changed = {**B, "email": "someone.else@example.com"}
    raises(
        lambda: agreement.check_agreement(traversal([A, changed], complete=False), traversal(ALL), "limits"),
        DIFFERENT_FIELDS,
    )


def test_agreement_of_directions() -> None:
    ascending = traversal([A, B], [C, D], [E])
    descending = traversal([E, D, C], [B, A], ordered=DESC)
    agreement.check_agreement(ascending, descending, "directions")
    agreement.check_agreement(descending, ascending, "directions")


def test_agreement_of_directions_with_a_missing_customer() -> None:
    ascending = traversal(ALL)
    descending = traversal([E, D], [B, A], ordered=DESC)
    violation = raises(
        lambda: agreement.check_agreement(ascending, descending, "directions"),
        "directions: the traversals do not hold the same customers",
    )
    assert "only in A: ['cus_3']" in violation.details


def test_agreement_of_directions_in_the_wrong_order() -> None:
    raises(
        lambda: agreement.check_agreement(traversal(ALL), traversal([E, D, C, A, B], ordered=DESC), "directions"),
        "directions: the traversals order the same customers differently",
    )


def test_agreement_of_capped_directions() -> None:
    # Each end of the list, capped: they meet nowhere, and neither could have reached the other's part.
    agreement.check_agreement(
        traversal([A, B], complete=False), traversal([E, D], ordered=DESC, complete=False), "directions"
    )
    agreement.check_agreement(traversal([E, D], ordered=DESC, complete=False), traversal(ALL), "directions")
    # D comes before C going down, so a descending traversal that reached C must show D.
    raises(
        lambda: agreement.check_agreement(
            traversal(ALL), traversal([E, C], ordered=DESC, complete=False), "directions"
        ),
        "directions: the traversals do not hold the same customers",
    )


# --- check_partition -----------------------------------------------------------------------------


def test_partition_holds() -> None:
    agreement.check_partition(
        traversal([A, B], [C, D], [E]), STATUS, {"active": traversal([A, C, E]), "inactive": traversal([B], [D])}
    )
    agreement.check_partition(traversal(ALL), RENTALS, {"true": traversal([A, D]), "false": traversal([B, C, E])})


def test_partition_with_an_empty_part() -> None:
    inactive = [B, D]
    agreement.check_partition(traversal(inactive), STATUS, {"active": traversal([]), "inactive": traversal(inactive)})


def test_partition_of_capped_traversals() -> None:
    # The whole stopped after B: the parts' later customers are beyond what it covers.
    agreement.check_partition(
        traversal([A, B], complete=False), STATUS, {"active": traversal([A, C, E]), "inactive": traversal([B, D])}
    )
    # A part stopped after A: C and E are beyond what it covers.
    agreement.check_partition(
        traversal(ALL), STATUS, {"active": traversal([A], complete=False), "inactive": traversal([B, D])}
    )


def test_partition_with_overlapping_parts() -> None:
    violation = raises(
        lambda: agreement.check_partition(
            traversal(ALL), STATUS, {"active": traversal([A, C, E]), "inactive": traversal([B, C, D])}
        ),
        "status parts overlap",
    )
    assert "cus_3" in violation.details


def test_partition_with_a_stray_customer() -> None:
    stray = customer("cus_6", firstName="Fay", status="active")
    violation = raises(
        lambda: agreement.check_partition(
            traversal(ALL), STATUS, {"active": traversal([A, C, E, stray]), "inactive": traversal([B, D])}
        ),
        "status=active lists customers the unfiltered list lacks",
    )
    assert "['cus_6']" in violation.details


def test_partition_with_a_stray_customer_inside_a_capped_whole() -> None:
    stray = customer("cus_0", firstName="Abe", status="inactive")  # before B, so the capped whole covers it
    raises(
        lambda: agreement.check_partition(
            traversal([A, B], complete=False), STATUS, {"active": traversal([A, C]), "inactive": traversal([stray, B])}
        ),
        "status=inactive lists customers the unfiltered list lacks",
    )


def test_partition_with_a_missing_customer() -> None:
    violation = raises(
        lambda: agreement.check_partition(
            traversal(ALL), STATUS, {"active": traversal([A, E]), "inactive": traversal([B, D])}
        ),
        "status=active misses a customer of the unfiltered list",
    )
    assert "missing: cus_3" in violation.details


def test_partition_with_a_customer_in_the_wrong_part() -> None:
    # C is active but only the inactive part lists it.
    raises(
        lambda: agreement.check_partition(
            traversal(ALL), STATUS, {"active": traversal([A, E]), "inactive": traversal([B, C, D])}
        ),
        "status=active misses a customer of the unfiltered list",
    )


def test_partition_with_a_customer_matching_no_part() -> None:
    suspended = customer("cus_6", firstName="Fay", status="suspended")
    violation = raises(
        lambda: agreement.check_partition(
            traversal([*ALL, suspended]), STATUS, {"active": traversal([A, C, E]), "inactive": traversal([B, D])}
        ),
        "a customer belongs to 0 values of status",
    )
    assert "cus_6" in violation.details


# --- check_email_lookup --------------------------------------------------------------------------

OWNER = customer("cus_7", email="Lena.Fischer+invoices@Example.de")


def test_email_lookup_finds_the_owner() -> None:
    invariants.check_email_lookup([OWNER], "Lena.Fischer+invoices@Example.de", OWNER, EMAIL, CONTRACT)


def test_email_lookup_case_swapped_finds_the_owner() -> None:
    invariants.check_email_lookup([OWNER], "lENA.fISCHER+INVOICES@eXAMPLE.DE", OWNER, EMAIL, CONTRACT)


def test_email_lookup_by_a_prefix_lists_nobody() -> None:
    invariants.check_email_lookup([], "Lena.Fischer", OWNER, EMAIL, CONTRACT)


def test_email_lookup_by_a_prefix_listing_the_owner() -> None:
    violation = raises(
        lambda: invariants.check_email_lookup([OWNER], "Lena.Fischer", OWNER, EMAIL, CONTRACT),
        "email='Lena.Fischer' listed a customer whose email does not match it (ascii-case-insensitive)",
    )
    assert "cus_7" in violation.details


def test_email_lookup_missing_the_owner() -> None:
    raises(
        lambda: invariants.check_email_lookup([], "lena.fischer+invoices@example.de", OWNER, EMAIL, CONTRACT),
        "email='lena.fischer+invoices@example.de' did not list exactly the customer it names (ascii-case-insensitive)",
    )


def test_email_lookup_listing_the_owner_twice() -> None:
    raises(
        lambda: invariants.check_email_lookup([OWNER, OWNER], OWNER["email"], OWNER, EMAIL, CONTRACT),
        f"email={OWNER['email']!r} did not list exactly the customer it names (ascii-case-insensitive)",
    )


def test_email_lookup_listing_another_customer() -> None:
    raises(
        lambda: invariants.check_email_lookup([OWNER, A], OWNER["email"], OWNER, EMAIL, CONTRACT),
        f"email={OWNER['email']!r} listed a customer whose email does not match it (ascii-case-insensitive)",
    )


def test_email_lookup_folding_beyond_ascii() -> None:
    owner = customer("cus_8", email="É@x.io")
    invariants.check_email_lookup([], "é@x.io", owner, EMAIL, CONTRACT)
    raises(
        lambda: invariants.check_email_lookup([owner], "é@x.io", owner, EMAIL, CONTRACT),
        "email='é@x.io' listed a customer whose email does not match it (ascii-case-insensitive)",
    )


def test_non_ascii_case_variants() -> None:
    assert non_ascii_case("Émile.Zoë@Exämple.de") == "émile.ZoË@ExÄmple.de".translate(UNICODE_CASE_TWINS)
    assert non_ascii_case("kiss@x.io") == "\u212a\u0131\u017f\u017f@x.\u0131o"
    assert non_ascii_case("bob@yahoo.com") == "bob@yahoo.com"  # nothing to vary: the property draws again


def test_email_lookup_with_a_unicode_case_twin_lists_nobody() -> None:
    owner = customer("cus_9", email="kim@example.com")
    kelvin = non_ascii_case(owner["email"])
    assert kelvin.lower() == "kim@example.com".replace("i", "\u0131")  # str.lower() maps the Kelvin sign to k
    invariants.check_email_lookup([], kelvin, owner, EMAIL, CONTRACT)
    raises(
        lambda: invariants.check_email_lookup([owner], kelvin, owner, EMAIL, CONTRACT),
        f"email={kelvin!r} listed a customer whose email does not match it (ascii-case-insensitive)",
    )
    accented = customer("cus_10", email="Émile@exämple.de")
    invariants.check_email_lookup([accented], "éMILE@EXäMPLE.DE".replace("é", "É"), accented, EMAIL, CONTRACT)
    raises(
        lambda: invariants.check_email_lookup([accented], "émile@exämple.de", accented, EMAIL, CONTRACT),
        "email='émile@exämple.de' listed a customer whose email does not match it (ascii-case-insensitive)",
    )


def test_email_lookup_under_exact_matching() -> None:
    exact = dataclasses.replace(EMAIL, match="exact")
    swapped = OWNER["email"].swapcase()
    invariants.check_email_lookup([], swapped, OWNER, exact, CONTRACT)
    raises(
        lambda: invariants.check_email_lookup([OWNER], swapped, OWNER, exact, CONTRACT),
        f"email={swapped!r} listed a customer whose email does not match it (exact)",
    )


# --- check_same_page -----------------------------------------------------------------------------


def test_same_page_holds() -> None:
    invariants.check_same_page(page([A, B], has_more=True, cursor="n"), page([A, B], has_more=True, cursor="n"), "c")


@pytest.mark.parametrize(
    "second",
    [
        page([A, C], has_more=True, cursor="n"),
        page([B, A], has_more=True, cursor="n"),
        page([A, B], has_more=True, cursor="other"),
        page([A, B]),
        page([{**A, "status": "inactive"}, B], has_more=True, cursor="n"),
    ],
)
def test_same_page_broken(second: Page) -> None:
    first = page([A, B], has_more=True, cursor="n")
    violation = raises(
        lambda: invariants.check_same_page(first, second, "cursor-123"), "replaying a cursor gave a different page"
    )
    assert "cursor-123" in violation.details


# --- check_rejected and body_of ------------------------------------------------------------------

ENVELOPE = {"error": {"code": "INVALID_PARAMETER", "message": "limit must be from 1 to 100"}}


def response(status: int, **content: Any) -> httpx.Response:
    return httpx.Response(status, **content, request=httpx.Request("GET", "http://x/"))


def test_rejected_with_a_documented_4xx_and_the_envelope() -> None:
    invariants.check_rejected(response(400, json=ENVELOPE), CONTRACT.list_statuses, CONTRACT.error_schema, "limit=0")
    invariants.check_rejected(
        response(401, json={"error": {"code": "UNAUTHORIZED", "message": "no key"}}),
        CONTRACT.list_statuses,
        CONTRACT.error_schema,
        "no key",
    )
    invariants.check_rejected(
        response(404, json={"error": {"code": "CUSTOMER_NOT_FOUND", "message": "none"}}),
        CONTRACT.get_statuses,
        CONTRACT.error_schema,
        "another tenant's customer",
    )


@pytest.mark.parametrize(
    "answer",
    [
        response(500, json={"error": {"code": "INTERNAL_ERROR", "message": "boom"}}),
        response(200, json={"customers": []}),
        response(204),
        response(404, json={"error": {"code": "NOT_FOUND", "message": "no such path"}}),  # not documented for the list
        response(422, json=ENVELOPE),
    ],
)
def test_rejected_with_an_undocumented_status(answer: httpx.Response) -> None:
    violation = raises(
        lambda: invariants.check_rejected(answer, CONTRACT.list_statuses, CONTRACT.error_schema, "limit=0"),
        "limit=0 was not refused with a documented 4xx",
    )
    assert f"got {answer.status_code}" in violation.details
    assert "[400, 401, 403, 429]" in violation.details


@pytest.mark.parametrize(
    "answer",
    [
        response(400, json={"message": "bad limit"}),
        response(400, json={"error": "bad limit"}),
        response(400, json={"error": {"code": "INVALID_PARAMETER"}}),
        response(400, json={"error": {"code": "invalid parameter", "message": "bad limit"}}),
        response(400, json={"error": {"code": "INVALID_PARAMETER", "message": ""}}),
        response(400, text="bad limit"),
        response(400),
    ],
)
def test_rejected_without_the_envelope(answer: httpx.Response) -> None:
    raises(
        lambda: invariants.check_rejected(answer, CONTRACT.list_statuses, CONTRACT.error_schema, "limit=0"),
        "limit=0 was refused without the documented error envelope",
    )


def test_body_of() -> None:
    assert invariants.body_of(response(400, json=ENVELOPE)) == ENVELOPE
    assert invariants.body_of(response(502, text="<html>Bad Gateway</html>")) == "<html>Bad Gateway</html>"
    assert invariants.body_of(response(204)) == ""


# --- check_detail_matches_item -------------------------------------------------------------------


def test_detail_matches_item() -> None:
    detail = {**A, "lifetimeCollected": 120.0, "customerMargin": 20.0}
    invariants.check_detail_matches_item(A, detail, CONTRACT)
    invariants.check_detail_matches_item({**A, "phone": None}, {**A, "phone": None}, CONTRACT)


@pytest.mark.parametrize(
    ("detail", "field"),
    [
        ({**A, "firstName": "Anne"}, "firstName"),
        ({**A, "totalDevicesRented": "2"}, "totalDevicesRented"),
        ({key: value for key, value in A.items() if key != "email"}, "email"),
    ],
)
def test_detail_differs_from_item(detail: dict[str, Any], field: str) -> None:
    violation = raises(
        lambda: invariants.check_detail_matches_item(A, detail, CONTRACT), "Get Customer disagrees with List Customers"
    )
    assert violation.details.startswith("cus_1: ")
    assert field in violation.details


def test_detail_absent_where_the_item_has_null() -> None:
    raises(
        lambda: invariants.check_detail_matches_item({**A, "phone": None}, A, CONTRACT),
        "Get Customer disagrees with List Customers",
    )


@pytest.mark.parametrize("detail", [None, "cus_1", [A], 42])
def test_detail_not_a_customer(detail: Any) -> None:
    raises(lambda: invariants.check_detail_matches_item(A, detail, CONTRACT), "Get Customer did not return a customer")


# --- check_disjoint ------------------------------------------------------------------------------


def test_disjoint_holds() -> None:
    invariants.check_disjoint(["cus_1", "cus_2"], ["cus_3"], "acme", "globex")
    invariants.check_disjoint([], [], "acme", "globex")


def test_disjoint_broken() -> None:
    violation = raises(
        lambda: invariants.check_disjoint(["cus_1", "cus_2", "cus_3"], ["cus_3", "cus_2", "cus_9"], "acme", "globex"),
        "two tenants list the same customers",
    )
    assert violation.details == "acme and globex both list ['cus_2', 'cus_3'] (2 in all)"


# --- data_findings -------------------------------------------------------------------------------


def record(customer_id: str = "cus_1", **fields: Any) -> dict[str, Any]:
    """A customer that keeps every data rule, with `fields` changed."""
    base: dict[str, Any] = {
        "customerId": customer_id,
        "email": f"{customer_id}@example.com",
        "customerType": "individual",
        "company": None,
        "totalOrders": 2,
        "orderIds": ["ord_1", "ord_2"],
        "rentalIds": ["sub_1", "sub_2"],
        "totalDevicesRented": 1,
        "totalMonthlyRevenue": 19.9,
        "createdAt": "2024-01-01T10:00:00Z",
        "updatedAt": "2024-02-01T10:00:00Z",
    }
    return {**base, **fields}


def rules_broken(*items: Item) -> list[tuple[str, str]]:
    return [(finding.rule, finding.customer_id) for finding in data_findings(items)]


@pytest.mark.parametrize(
    "item",
    [
        record(),
        record(customerType="business", company="Kobelt KG"),
        {key: value for key, value in record().items() if key != "company"},
        record(totalOrders=0, orderIds=[]),
        record(totalOrders=0, orderIds=None),
        record(totalDevicesRented=0, totalMonthlyRevenue=0),
        record(totalDevicesRented=0, totalMonthlyRevenue=0.0),
        record(totalDevicesRented=2),  # equal to the rentalIds is within them
        record(createdAt="2024-01-01T10:00:00Z", updatedAt="2024-01-01T10:00:00Z"),
        # 10:00+02:00 is 08:00Z, before 09:00Z, although its text sorts later.
        record(createdAt="2024-01-01T10:00:00+02:00", updatedAt="2024-01-01T09:00:00Z"),
    ],
)
def test_data_rules_kept(item: Item) -> None:
    assert data_findings([item]) == []


@pytest.mark.parametrize(
    ("item", "rule", "detail"),
    [
        (record(customerType="business", company=None), "company for business customers only", "without a company"),
        (record(customerType="business", company="  "), "company for business customers only", "without a company"),
        (record(customerType="business", company=""), "company for business customers only", "without a company"),
        (record(customerType="individual", company="Acme"), "company for business customers only", "individual"),
        (record(totalOrders=3), "totalOrders counts orderIds", "totalOrders=3 but 2 orderIds"),
        (record(totalOrders=1, orderIds=None), "totalOrders counts orderIds", "but 0 orderIds"),
        (record(totalDevicesRented=3), "totalDevicesRented within rentalIds", "only 2 rentalIds"),
        (record(totalDevicesRented=None), "totalDevicesRented within rentalIds", "None"),
        (
            record(totalDevicesRented=0, totalMonthlyRevenue=4.5),
            "no revenue without a device",
            "totalMonthlyRevenue=4.5",
        ),
        (
            record(createdAt="2024-03-01T00:00:00Z", updatedAt="2024-02-01T00:00:00Z"),
            "createdAt not after updatedAt",
            "is after updatedAt",
        ),
        (
            record(createdAt="2024-01-01T09:00:00Z", updatedAt="2024-01-01T10:00:00+02:00"),
            "createdAt not after updatedAt",
            "is after updatedAt",
        ),
        (record(updatedAt="last Tuesday"), "createdAt not after updatedAt", "unreadable timestamps"),
        (record(createdAt=None), "createdAt not after updatedAt", "unreadable timestamps"),
    ],
)
def test_data_rule_broken(item: Item, rule: str, detail: str) -> None:
    assert rule in RULES
    findings = data_findings([item])
    assert [(finding.rule, finding.customer_id) for finding in findings] == [(rule, "cus_1")]
    assert detail in findings[0].detail


def test_data_rules_report_every_breach_of_one_customer() -> None:
    item = record(customerType="business", totalOrders=5, totalDevicesRented=0)
    assert rules_broken(item) == [
        ("company for business customers only", "cus_1"),
        ("totalOrders counts orderIds", "cus_1"),
        ("no revenue without a device", "cus_1"),
    ]


def test_duplicate_email_case_insensitively() -> None:
    first = record("cus_1", email="Lena.Fischer@Example.de")
    second = record("cus_2", email="lena.fischer@example.DE")
    third = record("cus_3", email="someone@example.de")
    assert data_findings([first, third, second]) == [
        Finding(UNIQUE_EMAIL, "cus_2", "'lena.fischer@example.DE' is also the email of cus_1")
    ]


def test_emails_differing_beyond_ascii_case_are_distinct() -> None:
    assert data_findings([record("cus_1", email="É@x.io"), record("cus_2", email="é@x.io")]) == []
    assert data_findings([record("cus_1", email="straße@x.io"), record("cus_2", email="STRASSE@x.io")]) == []


def test_the_same_customer_twice_is_not_a_duplicate_email() -> None:
    assert data_findings([record("cus_1"), record("cus_1")]) == []


def test_data_findings_of_nobody() -> None:
    assert data_findings([]) == []


def test_traversal_under_change_holds_when_only_written_customers_are_missing() -> None:
    moved, created = customer("c2"), customer("c9")
    walked = traversal([customer("c1"), created], [customer("c3")])
    invariants.check_traversal_under_change(walked, ["c1", "c2", "c3"], changed=[moved["customerId"], "c9"])


def test_traversal_under_change_that_skips_an_unchanged_customer() -> None:
    walked = traversal([customer("c1")], [customer("c3")])
    violation = raises(
        lambda: invariants.check_traversal_under_change(walked, ["c1", "c2", "c3"], changed=[]),
        "a traversal under writes skipped a customer that was present and unchanged throughout",
    )
    assert "missing: c2" in violation.details


def test_traversal_under_change_that_repeats_a_changed_customer() -> None:
    walked = traversal([customer("c1"), customer("c2")], [customer("c2")])
    raises(
        lambda: invariants.check_traversal_under_change(walked, ["c1", "c2"], changed=["c2"]),
        "a traversal returned a customer more than once",
    )


def test_a_capped_traversal_under_change_is_checked_for_repeats_only() -> None:
    walked = traversal([customer("c1")], complete=False)
    invariants.check_traversal_under_change(walked, ["c1", "c2", "c3"], changed=[])
