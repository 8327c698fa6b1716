"""The kit's request budget and pacer: what a run may send, and when."""

from __future__ import annotations

import pytest

from contract_tests.transport.client import Budget, BudgetExhausted
from tests.helpers import FakeTime
from tests.kit.clock import pacer

# --- Budget --------------------------------------------------------------------------------------


def test_budget_without_a_limit() -> None:
    budget = Budget(None)
    for _ in range(10_000):
        budget.spend()
    assert budget.spent == 10_000


def test_budget_with_a_limit() -> None:
    budget = Budget(2)
    budget.spend()
    budget.spend()
    with pytest.raises(BudgetExhausted, match="budget of 2"):
        budget.spend()
    assert budget.spent == 2
    with pytest.raises(BudgetExhausted):
        budget.spend()


def test_budget_of_zero() -> None:
    with pytest.raises(BudgetExhausted):
        Budget(0).spend()


# --- Pacer ---------------------------------------------------------------------------------------


def test_pacer_spaces_requests() -> None:
    time = FakeTime()
    paced = pacer(60, time)
    paced.wait()
    assert time.sleeps == []
    paced.wait()
    assert time.sleeps == [1.0]
    paced.wait()
    assert time.sleeps == [1.0, 1.0]
    assert time.now == 1002.0


def test_pacer_waits_only_for_what_is_left() -> None:
    time = FakeTime()
    paced = pacer(120, time)  # one every 0.5 s
    paced.wait()
    time.now += 0.2
    paced.wait()
    assert time.sleeps == [pytest.approx(0.3)]
    time.now += 5
    paced.wait()
    assert time.sleeps == [pytest.approx(0.3)]


def test_pacer_without_a_rate_never_sleeps() -> None:
    time = FakeTime()
    paced = pacer(None, time)
    for _ in range(1000):
        paced.wait()
    assert time.sleeps == []


def test_hold_pushes_the_next_start() -> None:
    time = FakeTime()
    paced = pacer(60, time)
    paced.wait()  # the next may start at +1 s
    paced.hold(5)
    paced.wait()
    assert time.sleeps == [5.0]
    paced.wait()  # the rate applies again after the hold
    assert time.sleeps == [5.0, 1.0]


def test_hold_never_shortens_the_spacing() -> None:
    time = FakeTime()
    paced = pacer(60, time)
    paced.wait()
    paced.hold(0.25)
    paced.wait()
    assert time.sleeps == [1.0]


def test_hold_is_honoured_without_a_rate() -> None:
    """`hold` means "send nothing for `seconds`", whether or not a rate was given."""
    time = FakeTime()
    paced = pacer(None, time)
    paced.wait()
    paced.hold(3)
    paced.wait()
    assert time.sleeps == [3.0]
