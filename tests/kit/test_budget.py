"""The request budget a run plans: shares per property that fit the budget, and a share stopping its property."""

from __future__ import annotations

import pytest

from contract_tests.run.plan import (
    DEFAULT_BUDGET,
    MIN_PAGES,
    MINIMUM_BUDGET,
    NEEDS,
    PLANS,
    PREFLIGHT,
    minimum_budget,
    need_of,
    plan,
    run_budget,
)
from contract_tests.spec.coverage import enumeration
from contract_tests.transport.client import Budget, BudgetExhausted
from contract_tests.transport.shares import ShareSpent
from tests.kit.samples import CONTRACT

EVERY_PROPERTY = list(NEEDS)


def test_the_documented_minimum_checks_every_property_once() -> None:
    assert minimum_budget(EVERY_PROPERTY, writes=True) <= MINIMUM_BUDGET
    chosen = plan(EVERY_PROPERTY, MINIMUM_BUDGET, max_pages=25, examples=12, writes=True)
    for name in EVERY_PROPERTY:
        assert chosen.shares[name] >= need_of(name).worst(chosen.max_pages), name


@pytest.mark.parametrize("budget", [MINIMUM_BUDGET, 600, 2000, 4000, 20000])
def test_the_shares_fit_the_budget(budget: int) -> None:
    chosen = plan(EVERY_PROPERTY, budget, max_pages=25, examples=12, writes=True)
    assert sum(chosen.shares.values()) + PREFLIGHT + chosen.reserve <= budget
    assert MIN_PAGES <= chosen.max_pages <= 25
    assert all(1 <= chosen.examples[name] <= 12 for name in EVERY_PROPERTY)


def test_a_larger_budget_never_buys_less() -> None:
    plans = [plan(EVERY_PROPERTY, budget, max_pages=25, examples=12, writes=True) for budget in (300, 600, 2000, 4000)]
    assert [chosen.max_pages for chosen in plans] == sorted(chosen.max_pages for chosen in plans)
    for smaller, larger in zip(plans, plans[1:], strict=False):
        assert all(
            larger.examples[name] >= smaller.examples[name]
            for name in EVERY_PROPERTY
            if larger.max_pages == smaller.max_pages
        )


def test_a_large_budget_gives_every_property_all_its_examples_and_pages() -> None:
    chosen = plan(EVERY_PROPERTY, 20000, max_pages=25, examples=12, writes=True)
    assert chosen.max_pages == 25
    assert all(chosen.examples[name] == (12 if need_of(name).repeats else 1) for name in EVERY_PROPERTY)


def test_the_enumerated_examples_are_wanted_on_top_of_the_drawn_ones() -> None:
    walked = plan(["test_order"], 20000, max_pages=25, examples=12, writes=False, enumerated={"test_order": 12})
    drawn = plan(["test_order"], 20000, max_pages=25, examples=12, writes=False)
    assert walked.examples["test_order"] == 24 and drawn.examples["test_order"] == 12


def test_the_enumerations_come_before_the_drawn_examples_when_the_budget_holds_them() -> None:
    walked = {name: len(enumeration(name, CONTRACT)) for name in EVERY_PROPERTY}
    chosen = plan(EVERY_PROPERTY, 600, max_pages=25, examples=12, writes=True, enumerated=walked)
    # The enumerations walk at two pages; the drawn examples still go deeper.
    assert chosen.walk_pages == MIN_PAGES < chosen.max_pages
    for name, count in walked.items():
        assert chosen.shares[name] >= need_of(name).expected(MIN_PAGES) * count, name
    everything = plan(EVERY_PROPERTY, DEFAULT_BUDGET, max_pages=25, examples=12, writes=True, enumerated=walked)
    assert everything.walk_pages == everything.max_pages == 25


def test_without_a_budget_nothing_is_capped() -> None:
    chosen = plan(EVERY_PROPERTY, None, max_pages=25, examples=100, writes=True)
    assert chosen.shares == {} and chosen.max_pages == 25 and chosen.examples["test_order"] == 100


def test_only_the_selected_properties_share_the_budget() -> None:
    alone = plan(["test_order"], 300, max_pages=25, examples=12, writes=False)
    assert list(alone.shares) == ["test_order"] and alone.reserve == 0
    assert alone.shares["test_order"] == 300 - PREFLIGHT


def test_the_starter_plan_ends_within_five_minutes() -> None:
    starter = PLANS["starter"]
    assert starter.rate == 100
    assert starter.max_requests * 60 / starter.rate <= 4 * 60  # a minute left for start-up and slow answers
    assert starter.max_requests >= MINIMUM_BUDGET


def test_a_spent_share_stops_its_property_and_passes_the_rest_on() -> None:
    budget = Budget(100, planned={"first": 3, "second": 5})
    first = budget.open("first")
    budget.spend()
    with pytest.raises(ShareSpent):
        for _ in range(3):
            budget.spend()
    assert first.spent == 3 and first.stopped == "stopped at its share"
    budget.close()
    second = budget.open("second")
    assert second.limit == 5
    budget.spend()
    budget.close()
    assert budget.open("third").limit is None  # a property the plan did not name is not capped
    assert budget.spent == 4


def test_what_a_property_leaves_goes_to_the_next() -> None:
    budget = Budget(100, planned={"first": 10, "second": 5})
    budget.open("first")
    budget.spend()
    budget.close()
    assert budget.open("second").limit == 5 + 9


def test_essential_requests_use_the_reserve_and_ignore_the_share() -> None:
    budget = Budget(4, reserve=2, planned={"writes": 1})
    budget.open("writes")
    budget.spend()
    with pytest.raises(ShareSpent):
        budget.spend()
    budget.spend(essential=True)
    budget.spend(essential=True)
    budget.spend(essential=True)
    with pytest.raises(BudgetExhausted):
        budget.spend(essential=True)
    assert budget.spent == 4


def test_an_example_that_would_not_fit_is_not_started() -> None:
    budget = Budget(None, planned={"p": 10})
    share = budget.open("p")
    share.begin()
    for _ in range(6):
        budget.spend()
    share.passed()
    with pytest.raises(ShareSpent):
        share.begin()  # 4 left, an example costs 6
    assert share.completed == 1 and share.stopped


def test_the_budget_comes_from_the_options_then_the_plan_then_the_default() -> None:
    assert run_budget(None, None, None, None, in_process=True) == (DEFAULT_BUDGET, None)
    assert run_budget(None, None, None, None, in_process=False) == (DEFAULT_BUDGET, None)
    assert run_budget(None, "starter", None, None, in_process=False) == (400, 100)
    assert run_budget(900, "starter", 50, None, in_process=False) == (900, 50)


def test_with_a_rate_and_a_deadline_the_budget_fits_the_deadline() -> None:
    # 100 a minute for two minutes: 200 requests, less a tenth for start-up and waits.
    assert run_budget(2000, None, 100, 120, in_process=False) == (180, 100)
    assert run_budget(100, None, 100, 120, in_process=False) == (100, 100)
