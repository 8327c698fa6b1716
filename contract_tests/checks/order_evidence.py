"""Checking an order nobody stated: under `any`, strings need only follow one consistent total order.

A traversal sorted by a string field says, for each two neighbours with different values, that
the first value comes before the second; and among customers with the same value, that the
first id comes before the next (in the tie-breaker's direction). Under `any` the kit does not
know which order the server's strings follow, so it gathers these statements from every
traversal of the run and requires that one total order satisfies all of them: equal values
together, and no value (or id) ever both before and after another. Numbers and timestamps
are still compared exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter

from contract_tests.spec.ordering import Item, ListOrder
from contract_tests.violations import ContractViolation

# Failures point at the property that found them, not at these helpers.
__tracebackhide__ = True

Edge = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Statements:
    """What one traversal says about string orders: `before[domain]` holds (earlier, later) pairs."""

    before: dict[str, list[Edge]]
    where: str


def runs(values: Sequence[object]) -> list[tuple[object, int, int]]:
    """`values` as runs of equal neighbours: (value, start, end) with `end` exclusive."""
    found: list[tuple[object, int, int]] = []
    for index, value in enumerate(values):
        if found and found[-1][0] == value:
            found[-1] = (value, found[-1][1], index + 1)
        else:
            found.append((value, index, index + 1))
    return found


def statements(items: Sequence[Item], order: ListOrder, where: str) -> Statements:
    """What a traversal in `order` says about the unknown string orders, checking what it can on its own.

    Raises `ContractViolation` when a sort value comes back after a different one (the values
    are then in no total order) or numbers and timestamps are out of order.
    """
    tie = order.rules.tie_breaker
    values = [order.raw_value(item) for item in items]
    found = runs(values)
    before: dict[str, list[Edge]] = {order.sort_by: [], tie: []}
    seen: dict[object, int] = {}
    for value, start, _ in found:
        if value in seen:
            raise ContractViolation(
                "customers are out of order",
                f"{where}; {order.sort_by}={value!r} comes again at item {start + 1} after other values"
                f" (first seen at item {seen[value] + 1}): in any order, equal values are listed together",
            )
        seen[value] = start
    for (earlier, _, _), (later, _, _) in zip(found, found[1:], strict=False):
        if not order.string_sort:
            if (earlier > later) != order.descending:  # type: ignore[operator]
                raise ContractViolation(
                    "customers are out of order",
                    f"{where}; {order.describe()}, but {order.sort_by}={earlier!r} comes before {later!r}",
                )
            continue
        pair = (str(later), str(earlier)) if order.descending else (str(earlier), str(later))
        before[order.sort_by].append(pair)
    for _, start, end in found:
        ids = [str(item[tie]) for item in items[start:end]]
        for earlier_id, later_id in zip(ids, ids[1:], strict=False):
            before[tie].append((later_id, earlier_id) if order.tie_descending else (earlier_id, later_id))
    return Statements(before, where)


@dataclass
class OrderEvidence:
    """Every statement about string orders gathered in a run, for each field (the tie-breaker included)."""

    edges: dict[str, dict[Edge, str]] = field(default_factory=dict)

    def add(self, said: Statements) -> None:
        """Keep what a traversal said, or raise `ContractViolation` (keeping nothing) if it contradicts the rest."""
        for domain, pairs in said.before.items():
            known = self.edges.get(domain, {})
            graph: dict[str, set[str]] = {}
            for earlier, later in [*known, *pairs]:
                graph.setdefault(later, set()).add(earlier)
            try:
                TopologicalSorter(graph).prepare()
            except CycleError as error:
                cycle = [str(node) for node in error.args[1]]
                raise ContractViolation(
                    "customers are in no single order",
                    f"{said.where}; no order of {domain} values explains every traversal: "
                    + _explain(cycle, {**dict.fromkeys(pairs, said.where), **known}),
                ) from None
        for domain, pairs in said.before.items():
            known = self.edges.setdefault(domain, {})
            for pair in pairs:
                known.setdefault(pair, said.where)


def _explain(cycle: Sequence[str], sources: dict[Edge, str]) -> str:
    """`a` before `b` (where) ... before `a` again."""
    steps = []
    for earlier, later in zip(cycle, cycle[1:], strict=False):
        source = sources.get((earlier, later))
        steps.append(f"{earlier!r} before {later!r}" + (f" (in {source})" if source else ""))
    return "; ".join(_first(steps, 6))


def _first(steps: Iterable[str], count: int) -> list[str]:
    listed = list(steps)
    return listed if len(listed) <= count else [*listed[:count], f"... {len(listed) - count} more"]
