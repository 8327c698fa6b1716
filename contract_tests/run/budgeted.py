"""How a property runs within the budget: the plan applied, the client that stops a property, its examples counted.

The pytest glue in conftest.py calls these; they hold what decides when a property stops and why.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from contract_tests.run.kit import Kit
from contract_tests.run.plan import minimum_budget, plan
from contract_tests.run.summary import NOT_CHECKED
from contract_tests.spec.coverage import enumeration
from contract_tests.transport.client import BudgetExhausted, KitClient, TargetUnavailable
from contract_tests.transport.shares import ShareSpent


def plan_run(kit: Kit, properties: list[str], limit: int | None, *, examples: int) -> str | None:
    """Divide the budget among the properties this run will check, before the first runs; a warning if it is short."""
    writes = kit.target.in_process or kit.allow_writes or kit.controls() is not None
    skipped = {"test_tenant_isolation"} if kit.target.other is None else set()
    if not writes:
        skipped.add("test_pagination_under_change")
    checked = [name for name in properties if name not in skipped]
    enumerated = {name: len(enumeration(name, kit.contract)) for name in checked}
    kit.plan = plan(checked, limit, max_pages=kit.max_pages, examples=examples, writes=writes, enumerated=enumerated)
    kit.max_pages = kit.plan.max_pages
    kit.client.budget.planned = kit.plan.shares
    kit.client.budget.reserve = kit.plan.reserve
    needed = minimum_budget(checked, writes=writes)
    if limit is not None and limit < needed:
        return f"the budget of {limit} requests is below the {needed} this selection needs to check every property once"
    return None


class RunClient(KitClient):
    """Ends the property at hand at once when the run cannot go on checking it.

    A spent budget, a passed deadline or an unavailable target says nothing about the contract. A
    spent budget stops the property like a spent share (its examples so far give the verdict); the
    others make it a "not checked" skip, which Hypothesis neither retries nor shrinks.
    """

    def _exchange(self, request: httpx.Request, *, essential: bool = False) -> httpx.Response:
        if essential:
            return super()._exchange(request, essential=True)
        try:
            return super()._exchange(request)
        except BudgetExhausted as error:
            # Like a spent share: the property stops, and its verdict is what its examples showed.
            if self.budget.share is None:
                raise pytest.skip.Exception(f"{NOT_CHECKED}: {error}", _use_item_location=True) from None
            raise self.budget.share.stop(str(error), "stopped: the run's budget is spent") from None
        except TargetUnavailable as error:
            if self.budget.share is not None:
                self.budget.share.unavailable = str(error)
            raise pytest.skip.Exception(f"{NOT_CHECKED}: {error}", _use_item_location=True) from None


def share_spent(error: BaseException) -> ShareSpent | None:
    """The ShareSpent that ended a property, even when Hypothesis reports it as what it caused.

    Stopped between two draws, an example looks to Hypothesis as if it drew less than an
    earlier one did: it raises FlakyStrategyDefinition while handling the ShareSpent.
    """
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ShareSpent):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def one_example(kit: Kit, inner: Callable[..., None]) -> Callable[..., None]:
    """Hypothesis' `inner_test`, run as one example of the property under way (`Kit.example`)."""

    @functools.wraps(inner)
    def example(*args: Any, **kwargs: Any) -> None:
        with kit.example():
            inner(*args, **kwargs)

    return example
