"""The spellings the email-lookup property tries, one Unicode case fold at a time, and its judgement of each answer."""

from __future__ import annotations

import pytest

from contract_tests.checks.email_spellings import FOLDS, lookup_problem, lookups
from tests.kit.samples import CONTRACT, EMAIL, customer

KELVIN, LONG_S = FOLDS[0], FOLDS[1]


def test_each_fold_is_applied_alone_to_every_occurrence() -> None:
    assert KELVIN.applied("Kirk.sk@example.com") == "\u212air\u212a.s\u212a@example.com"
    assert LONG_S.applied("Kirk.sk@example.com") == "Kirk.\u017fk@example.com"
    assert KELVIN.applied("anna@example.org") is None
    assert [fold.applied("jesse.fish@example.de") is not None for fold in FOLDS[2:6]] == [True, True, True, True]


def test_the_lookups_of_a_page() -> None:
    owner = customer("cus_1", email="kim@example.com")
    accented = customer("cus_2", email="zoë@exämple.de")
    found = {lookup.kind: lookup for lookup in lookups([owner, accented], owner, "email")}
    assert found["an address as listed"].spelling == "kim@example.com"
    assert found["an address in the other ASCII case"].spelling == "KIM@EXAMPLE.COM"
    assert found["an address without its last character"].finding_class == "email-partial-match"
    assert found["the Kelvin sign \u212a for k"].spelling == "\u212aim@example.com"
    swapped = found["a non-ASCII letter in the other case"]
    assert (swapped.spelling, swapped.owner) == ("zoË@exÄmple.de", accented)
    assert found["a non-ASCII address as listed"].owner == accented
    assert all(lookup.kind != "the long s \u017f for s" for lookup in found.values())  # no s in either address


@pytest.mark.parametrize(
    ("kind", "spelling", "listed", "expected"),
    [
        ("an address as listed", "kim@example.com", ["cus_1"], None),
        ("an address as listed", "kim@example.com", [], "did not list exactly the customer it names"),
        ("fold", "\u212aim@example.com", [], None),
        ("fold", "\u212aim@example.com", ["cus_1"], "listed a customer whose email does not match it"),
    ],
)
def test_each_answer_is_judged_by_the_spec_rule(kind: str, spelling: str, listed: list[str], expected: object) -> None:
    owner = customer("cus_1", email="kim@example.com")
    (lookup,) = [found for found in lookups([owner], owner, "email") if found.spelling == spelling]
    answer = [owner] if listed else []
    assert lookup_problem(200, answer, lookup, EMAIL, CONTRACT) == expected
    assert lookup_problem(400, [], lookup, EMAIL, CONTRACT) == "was answered 400"
