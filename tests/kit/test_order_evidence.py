"""The collation `any`: one consistent order across traversals, on hand-made data, and the hint of a failed order."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import pytest

from contract_tests.checks import invariants
from contract_tests.checks.order_evidence import OrderEvidence, Step, equal_classes, fitting, runs, statements
from contract_tests.run.target import spec_document
from contract_tests.spec.collations import CollationError, collation
from contract_tests.spec.contract import Contract, contract_from_spec
from contract_tests.spec.ordering import Item, ListOrder
from contract_tests.transport.traversal import Traversal
from contract_tests.violations import ContractViolation
from tests.kit.runs import kit

CONTRACT: Contract = contract_from_spec(spec_document())
OUT_OF_ORDER = "customers are out of order"
NO_SINGLE_ORDER = "customers are in no single order"


def customer(customer_id: str, first_name: str = "Ann", revenue: float = 0) -> dict[str, Any]:
    return {"customerId": customer_id, "firstName": first_name, "totalMonthlyRevenue": revenue}


def order(sort_by: str = "firstName", *, descending: bool = False, **rules: Any) -> ListOrder:
    changes = {"collation": "any", "id_collation": None, **rules}
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
    assert said.sort_by == "firstName"
    assert [(step.low, step.high, step.low_id, step.high_id) for step in said.steps] == [
        ("Obama", "O'Brien", "c1", "c2"),
        ("O'Brien", "O'Brien", "c2", "c3"),
        ("O'Brien", "zara", "c3", "c4"),
    ]
    descending = statements(names("c4:zara", "c3:O'Brien", "c2:O'Brien"), order(descending=True), "here")
    assert [(step.low, step.high, step.low_id, step.high_id) for step in descending.steps] == [
        ("O'Brien", "zara", "c3", "c4"),
        ("O'Brien", "O'Brien", "c2", "c3"),  # ties descending too
    ]
    fixed = statements(
        names("c4:zara", "c2:O'Brien", "c3:O'Brien"), order(descending=True, tie_direction="ascending"), ""
    )
    assert (fixed.steps[1].low_id, fixed.steps[1].high_id) == ("c2", "c3")


def test_values_listed_both_before_and_after_one_another_are_one_class() -> None:
    classes = equal_classes([("Abel", "Ábel"), ("Ábel", "Abel"), ("Abel", "Anna"), ("Anna", "Bo"), ("Bo", "Cy")])
    assert classes["Abel"] == classes["Ábel"]
    assert len({classes["Abel"], classes["Anna"], classes["Bo"], classes["Cy"]}) == 4
    looped = equal_classes([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    assert classes and looped["a"] == looped["b"] == looped["c"] != looped["d"]


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
    assert set(evidence.steps) == {"firstName"}
    assert len(evidence.steps["firstName"]) == 3 * (9 + 9 + 4)


def test_any_catches_two_traversals_that_disagree() -> None:
    evidence = OrderEvidence()
    invariants.check_order(traversal(names("c1:Obama", "c2:O'Brien", "c3:Zara")), evidence)
    caught = violation(
        lambda: invariants.check_order(traversal(names("c2:O'Brien", "c1:Obama")), evidence), NO_SINGLE_ORDER
    )
    assert "'c1' before 'c2' (values 'Obama' and \"O'Brien\"" in caught.details
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


def test_any_accepts_equal_strings_interleaved_by_the_tie_breaker() -> None:
    """In a `_ci` collation Abel, Ábel and abel are equal: the ids order them, and that is a correct order."""
    evidence = OrderEvidence()
    listing = names("c1:Abel", "c2:Ábel", "c3:Abel", "c4:abel", "c5:Anna", "c6:anna ", "c7:Bo")
    for limit in (1, 2, 50):
        invariants.check_order(traversal(listing, limit=limit), evidence)
        invariants.check_order(traversal(listing[::-1], order(descending=True), limit=limit), evidence)
        invariants.check_order(traversal(listing[1:5], limit=limit), evidence)


def test_any_catches_equal_strings_whose_ids_disagree() -> None:
    evidence = OrderEvidence()
    invariants.check_order(traversal(names("c1:Abel", "c2:Ábel", "c3:Abel", "c5:Anna")), evidence)
    caught = violation(
        lambda: invariants.check_order(traversal(names("c3:Abel", "c2:Ábel", "c5:Anna")), evidence), NO_SINGLE_ORDER
    )
    assert "'c2' before 'c3'" in caught.details and "'c3' before 'c2'" in caught.details


def test_any_catches_a_value_moved_out_of_place() -> None:
    """One listing puts Carl before Bea, another after: they would be equal, but their ids then disagree."""
    evidence = OrderEvidence()
    invariants.check_order(traversal(names("c1:Ann", "c3:Carl", "c2:Bea", "c4:Dan")), evidence)
    violation(lambda: invariants.check_order(traversal(names("c2:Bea", "c3:Carl")), evidence), NO_SINGLE_ORDER)


def test_a_known_id_collation_judges_the_ties_of_names_in_any_order() -> None:
    by_codepoint_ids = order(id_collation="codepoint")
    invariants.check_order(traversal(names("c1:Abel", "c2:Ábel", "c3:Abel"), by_codepoint_ids))
    caught = violation(
        lambda: invariants.check_order(traversal(names("c3:Abel", "c2:Ábel", "c1:Abel"), by_codepoint_ids)),
        OUT_OF_ORDER,
    )
    assert "against customerId's collation codepoint" in caught.details
    assert caught.finding_class == "order"


def test_known_names_with_ids_in_any_order() -> None:
    general = order(collation="utf8mb4_general_ci", id_collation="any")
    evidence = OrderEvidence()
    invariants.check_order(traversal(names("c2:Abel", "c1:ábel", "c3:Anna", "c0:anna "), general), evidence)
    violation(
        lambda: invariants.check_order(traversal(names("c1:ábel", "c2:Abel"), general), evidence), NO_SINGLE_ORDER
    )
    caught = violation(lambda: invariants.check_order(traversal(names("c3:Anna", "c2:Abel"), general)), OUT_OF_ORDER)
    assert "listed the other way round" in caught.details


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
    assert "no known collation explains firstName's order" in caught.details
    assert "--string-collation any accepts any consistent one" in caught.details
    caught = violation(
        lambda: invariants.check_order(traversal(names("c1:a", "c2:B"), assumed("codepoint"))), OUT_OF_ORDER
    )
    assert "firstName's order is what --string-collation ascii-case-insensitive or casefold" in caught.details
    assert "customerId: nothing seen yet tells which collation it follows" in caught.details
    caught = violation(
        lambda: invariants.check_order(traversal(names("c1:a", "c2:b", "c3:a"), assumed("codepoint"))), OUT_OF_ORDER
    )
    assert "firstName's order is what --string-collation" not in caught.details
    caught = violation(
        lambda: invariants.check_order(traversal(names("c2:a", "c1:a"), assumed("codepoint"))), OUT_OF_ORDER
    )
    assert "no known collation explains customerId's order; --id-collation any" in caught.details


def hint_line(details: str, field: str) -> str:
    """The line of a failed order's hint about `field`."""
    return next(
        line
        for line in details.split("\n")
        if line.startswith((f"{field}:", f"{field}'s", f"no known collation explains {field}'s"))
    )


def test_a_glibc_order_is_named_as_glibc() -> None:
    try:
        collation("libc:en_US.UTF-8")
    except CollationError as error:
        pytest.skip(str(error))
    caught = violation(lambda: invariants.check_order(traversal(glibc_listing(), assumed("codepoint"))), OUT_OF_ORDER)
    names_hint = hint_line(caught.details, "firstName")
    assert "--string-collation libc:en_US.UTF-8" in names_hint
    assert "icu:und" not in names_hint  # ICU puts O'Brien first
    invariants.check_order(traversal(glibc_listing(), assumed("libc:en_US.UTF-8")))


def test_an_icu_order_is_named_as_icu() -> None:
    try:
        collation("icu:und")
    except CollationError as error:
        pytest.skip(str(error))
    listing = names("c1:O'Brien", "c2:Obama", "c3:zara", "c4:Zara")
    caught = violation(lambda: invariants.check_order(traversal(listing, assumed("codepoint"))), OUT_OF_ORDER)
    names_hint = hint_line(caught.details, "firstName")
    assert "icu:und" in names_hint and "icu:en-US" in names_hint
    assert "libc:en_US.UTF-8" not in names_hint  # glibc ignores the apostrophe: Obama first
    invariants.check_order(traversal(listing, assumed("icu:en-US")))


def test_the_hint_names_per_field_the_collations_all_evidence_allows() -> None:
    """Names in glibc's en_US, ids binary: the names' hint is en_US, the ids' binary."""
    try:
        collation("libc:en_US.UTF-8")
    except CollationError as error:
        pytest.skip(str(error))
    # Two customers named zoe: cus_B before cus_a, binary ids (a case-insensitive id order has a first).
    listing = names("cus_1:Obama", "cus_2:O'Brien", "cus_3:zara", "cus_4:Zara", "cus_B:zoe", "cus_a:zoe")
    caught = violation(lambda: invariants.check_order(traversal(listing, assumed("codepoint"))), OUT_OF_ORDER)
    names_hint, ids_hint = hint_line(caught.details, "firstName"), hint_line(caught.details, "customerId")
    assert "--string-collation libc:en_US.UTF-8" in names_hint and "codepoint" not in names_hint
    assert "--id-collation codepoint" in ids_hint
    assert "casefold" not in ids_hint and "libc:en_US.UTF-8" not in ids_hint
    assert caught.finding_class == "order"
    split = assumed("libc:en_US.UTF-8")
    invariants.check_order(
        traversal(listing, dataclasses.replace(split, rules=dataclasses.replace(split.rules, id_collation="codepoint")))
    )


def test_fitting_leaves_out_collations_that_contradict_the_tie_breakers_evidence() -> None:
    """Names equal under a `_ci` collation need ids in one order the tie-breaker's collation gives."""
    steps = {
        "firstName": [Step("Abel", "Ábel", "cus_B", "cus_a", "one"), Step("Ábel", "Abel", "cus_a", "cus_c", "one")],
        "createdAt": [Step(1, 1, "cus_B", "cus_a", "two")],
    }
    found = fitting(steps, order(collation="codepoint"))
    assert "codepoint" in found["customerId"] and "casefold" not in found["customerId"]
    assert "utf8mb4_general_ci" in found["firstName"] and "codepoint" not in found["firstName"]


def test_the_hint_weighs_every_traversal_of_the_run() -> None:
    """Ties of createdAt seen earlier (cus_B before cus_a) rule out case-insensitive ids in a later hint."""
    evidence = OrderEvidence()
    by_time = dataclasses.replace(assumed("codepoint"), sort_by="createdAt")
    tied = [{"customerId": customer_id, "createdAt": "2024-01-01T00:00:00Z"} for customer_id in ("cus_B", "cus_a")]
    invariants.check_order(traversal(tied, by_time), evidence)
    assert "createdAt: 1 steps" in repr(evidence)
    caught = violation(
        lambda: invariants.check_order(traversal(names("c1:a", "c2:B"), assumed("codepoint")), evidence), OUT_OF_ORDER
    )
    ids_hint = hint_line(caught.details, "customerId")
    assert "--id-collation codepoint" in ids_hint and "casefold" not in ids_hint
    assert "ascii-case-insensitive or casefold" in hint_line(caught.details, "firstName")


@pytest.mark.parametrize("variant", ["ties_without_tie_breaker", "descending_ignored_for_strings"])
def test_any_reports_a_broken_order_as_the_finding(variant: str) -> None:
    """A run under `any` ends in the finding, never in Hypothesis' "Inconsistent data generation"."""
    result = kit("--app", f"tests.kit.variants:{variant}", "--string-collation", "any", "-k", "test_order")
    assert result.returncode == 1, result.stdout[-3000:]
    assert "FAILED test_order: customers are in no single order" in result.stdout, result.stdout[-3000:]
    assert "Inconsistent data generation" not in result.stdout
