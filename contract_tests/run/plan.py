"""How a run spends its request budget: each property's share, decided before the first property runs.

A property's cost is what one of its examples asks for: a few single requests, plus some
traversals, each of which follows at most `max_pages` pages. Given the budget, the plan picks
the longest traversals that still leave every property room for all its examples (fewer
examples, then shorter traversals, when the budget is small), and gives each property a share
in proportion to what it needs. A property stops at its share: it cannot starve the others,
however long a failure takes to shrink.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Need:
    """One example of a property: `single` requests and `traversals` traversals; `repeats` whether it has several."""

    single: float
    traversals: float = 0.0
    repeats: bool = True

    def worst(self, pages: int) -> int:
        """Requests of an example whose every traversal runs to the page cap."""
        return math.ceil(self.single + self.traversals * pages)

    def expected(self, pages: int) -> float:
        """Requests of a typical example: against the mock, about 60% of traversals reach a cap of 25 pages."""
        return self.single + self.traversals * min(pages, 3 + 0.5 * pages)


# What each property asks for per example (measured against the mock: `benchmarks/kit_power.py`).
# Three properties send more when their share allows, and cut their tries to it, every kind once before
# any twice (`checks/symptoms.first_tries`): a whole example of test_cursor_robustness sends about 25
# requests, of test_cursor_forgery 12, of test_email_lookup 11. Their figures stay at a fifth of that,
# in the same proportion: higher ones shorten the traversals of a 600-request run below four pages,
# too short for test_traversal to reach an exactly full last page.
NEEDS: Final[Mapping[str, Need]] = {
    # Schemathesis: one unit is about one generated case per operation and phase.
    "test_schema_conformance": Need(14),
    "test_page_shape": Need(2),
    "test_traversal": Need(1.5, 1),
    "test_order": Need(0, 1),
    "test_filters": Need(0, 1),
    "test_limit_invariance": Need(0, 2),
    "test_partition": Need(0, 3),
    "test_direction": Need(0, 2),
    "test_email_lookup": Need(2.5),
    "test_get_list_agreement": Need(2),
    "test_cursor_replay": Need(3),
    "test_cursor_robustness": Need(5),
    "test_cursor_forgery": Need(2.5),
    "test_limit_bounds": Need(1),
    "test_authentication": Need(4, repeats=False),
    "test_tenant_isolation": Need(3, 2),
    # Two resets, a traversal, then the same pages again with up to three writes (or undos) between them.
    "test_pagination_under_change": Need(3, 3.5),
    "test_data_consistency": Need(0, 1, repeats=False),
}
DEFAULT_NEED: Final = Need(2, 1)
# The requests made before any property: the first authenticated request, and the control endpoints' GET.
PREFLIGHT: Final = 2
# The smallest page cap the plan goes down to: a traversal of two pages still crosses a page boundary.
MIN_PAGES: Final = 2
# The share of the budget planned for examples; the rest is headroom for examples that cost more than
# expected and for shrinking failures.
FILL: Final = 0.8
# Examples per property the plan keeps before it shortens traversals below the page cap asked for.
FEW_EXAMPLES: Final = 4
# The smallest budget with which the plan checks every property at least once; README documents it.
MINIMUM_BUDGET: Final = 300


@dataclass(frozen=True, slots=True)
class Plan:
    """The page cap for every traversal, and per property its share of requests and its examples.

    `walk_pages` caps the traversals of the enumerated examples, which a small budget makes shorter
    than the drawn ones' so that the whole finite space is walked and the drawn examples still go deep.
    """

    max_pages: int
    shares: Mapping[str, int]
    examples: Mapping[str, int]
    reserve: int
    walk_pages: int

    def share(self, name: str) -> int | None:
        return self.shares.get(name)


def need_of(name: str) -> Need:
    return NEEDS.get(name, DEFAULT_NEED)


def restore_reserve(pages: int) -> int:
    """Requests kept for undoing the writes of one example: up to three per page boundary."""
    return 3 * max(pages - 1, 1)


def plan(
    properties: Iterable[str],
    budget: int | None,
    *,
    max_pages: int,
    examples: int,
    writes: bool,
    enumerated: Mapping[str, int] | None = None,
) -> Plan:
    """Shares of `budget` for `properties`, with `examples` examples each wanted and traversals of up to `max_pages`.

    `writes` says whether a property will write to a deployment (and so needs a reserve for its undos);
    `enumerated` how many examples a property walks before the drawn ones (wanted on top of them).
    Without a budget every property gets all it wants.
    """
    names = list(dict.fromkeys(properties))
    walked = enumerated or {}
    wanted = {name: (examples if need_of(name).repeats else 1) + walked.get(name, 0) for name in names}
    if budget is None:
        return Plan(max_pages, {}, wanted, 0, max_pages)
    # The longest traversals with which every property still gets a few examples (all of them, if it wants fewer)...
    few = min(examples, FEW_EXAMPLES)
    for pages in range(max(max_pages, MIN_PAGES), MIN_PAGES - 1, -1):
        reserve = restore_reserve(pages) if writes else 0
        usable = (budget - PREFLIGHT - reserve) * FILL
        floors = {name: need_of(name).worst(pages) for name in names}
        full = {name: max(need_of(name).expected(pages) * wanted[name], floors[name]) for name in names}
        # (A property that walks an enumeration has its examples there: one drawn example goes deep.)
        drawn = {
            name: max(need_of(name).expected(pages) * min(wanted[name], 1 if walked.get(name) else few), floors[name])
            for name in names
        }
        # ... and room for every enumeration at the shortest traversals, at least.
        shortest = sum(need_of(name).expected(MIN_PAGES) * walked.get(name, 0) for name in names)
        if sum(drawn.values()) + shortest <= usable or pages == MIN_PAGES:
            break
    # The enumerations come first: the longest traversals (up to those of the drawn examples) with which
    # each walks all its examples besides those few drawn ones, when the budget holds that at two pages.
    walk_pages = MIN_PAGES
    for walk_pages in range(pages, MIN_PAGES - 1, -1):
        walks = {name: drawn[name] + need_of(name).expected(walk_pages) * walked.get(name, 0) for name in names}
        if sum(walks.values()) <= usable:
            floors = {name: max(floors[name], math.ceil(walks[name])) for name in names}
            full = {name: max(full[name], walks[name]) for name in names}
            break
    # Then as many examples as fit, filling up from the cheapest: a property gets all it wants or `level`
    # requests, whichever is less, and never less than one worst-case example.
    low, high = 0.0, max(full.values(), default=0.0)
    for _ in range(40):
        level = (low + high) / 2
        if sum(max(floors[name], min(full[name], level)) for name in names) <= usable:
            low = level
        else:
            high = level
    sized = {name: max(floors[name], min(full[name], low)) for name in names}
    spread = (budget - PREFLIGHT - reserve) / max(sum(sized.values()), 1)
    shares = {name: max(floors[name], math.floor(sized[name] * spread)) for name in names}
    counts = {
        name: max(1, min(wanted[name], round(sized[name] / max(need_of(name).expected(pages), 1)))) for name in names
    }
    return Plan(pages, shares, counts, reserve, walk_pages)


def minimum_budget(properties: Iterable[str], *, writes: bool) -> int:
    """The smallest budget at which every one of `properties` gets one worst-case example at the smallest page cap."""
    names = list(dict.fromkeys(properties))
    floors = sum(need_of(name).worst(MIN_PAGES) for name in names)
    return math.ceil(floors / FILL) + PREFLIGHT + (restore_reserve(MIN_PAGES) if writes else 0)


@dataclass(frozen=True, slots=True)
class RatePlan:
    """A FlexPortal plan's limit, and the budget and rate a run against it uses."""

    max_requests: int
    rate: float | None
    description: str


# The plans FlexPortal names. Starter allows 100 requests a minute: 400 requests at that rate take
# four minutes, which leaves one for start-up, slow answers and waits for 429s within five.
PLANS: Final[Mapping[str, RatePlan]] = {
    "starter": RatePlan(400, 100, "100 requests a minute: 400 requests, ending within five minutes"),
    "growth": RatePlan(4000, None, "no published limit (fair use): the default budget, unpaced"),
    "enterprise": RatePlan(4000, None, "no published limit (fair use): the default budget, unpaced"),
}
DEFAULT_BUDGET: Final = 4000


def run_budget(
    max_requests: int | None, plan_name: str | None, rate: float | None, deadline: float | None, *, in_process: bool
) -> tuple[int | None, float | None]:
    """The run's request budget and rate: the options, else the plan's, else the default (in-process too).

    With a rate and a deadline, no more than the rate allows in that time, so the plan fits the deadline.
    """
    chosen = PLANS.get(plan_name or "")
    limit = max_requests or (chosen.max_requests if chosen else DEFAULT_BUDGET)
    rate = rate or (chosen.rate if chosen else None)
    if rate and deadline:
        # A tenth of the time is left for start-up, retries and waits for 429s.
        affordable = int(rate * deadline / 60 * 0.9)
        limit = affordable if limit is None else min(limit, affordable)
    return limit, rate
