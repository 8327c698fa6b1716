"""What traversals say about string orders, and whether one order per field explains all of it.

A traversal sorted by a field says, for each two neighbours, that the first value comes no
later than the second; when the two values are equal, that the first id comes before the
next (in the tie-breaker's direction). Under `any` the kit does not know a field's string
order, and different strings may be equal in it (`Abel`, `Ábel` and `abel` are, in MySQL's
`_ci` collations): values its evidence shows both before and after one another are taken as
equal, and the customers holding them must then be in one order of ids, across every
traversal of the run. A field whose collation is known is held to it. The same evidence tells
a user, per field, which known collations explain everything seen (`fitting`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from graphlib import CycleError, TopologicalSorter
from typing import Any

from contract_tests.spec.collations import Collation, candidates
from contract_tests.spec.ordering import Item, ListOrder
from contract_tests.violations import ContractViolation

# Failures point at the property that found them, not at these helpers.
__tracebackhide__ = True

FINDING_CLASS = "order"


@dataclass(frozen=True, slots=True)
class Step:
    """Two neighbours in ascending terms: `low` listed no later than `high`; if equal, `low_id` before `high_id`."""

    low: Any
    high: Any
    low_id: str
    high_id: str
    where: str


@dataclass(frozen=True, slots=True)
class Statements:
    """What one traversal sorted by `sort_by` says: its steps between neighbours."""

    sort_by: str
    steps: tuple[Step, ...]
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
    """What a traversal in `order` says, checking numbers and timestamps (compared exactly) on the way.

    Raises `ContractViolation` when a number or timestamp comes before a smaller one (a larger
    one, descending).
    """
    tie = order.rules.tie_breaker
    steps = []
    for before, after in zip(items, items[1:], strict=False):
        first, second = order.raw_value(before), order.raw_value(after)
        if not order.string_sort and first != second and (first > second) != order.descending:
            raise ContractViolation(
                "customers are out of order",
                f"{where}; {order.describe()}, but {order.sort_by}={first!r} comes before {second!r}",
                finding_class=FINDING_CLASS,
            )
        low, high = (second, first) if order.descending else (first, second)
        ids = (str(before[tie]), str(after[tie]))
        low_id, high_id = ids[::-1] if order.tie_descending else ids
        steps.append(Step(low, high, low_id, high_id, where))
    return Statements(order.sort_by, tuple(steps), where)


class OrderEvidence:
    """Every traversal's statements in a run, by sort field.

    Not a dataclass: Hypothesis prints a failing example's arguments field by field, and the
    kit holding thousands of steps would be walked, each time, step by step.
    """

    __slots__ = ("steps",)

    def __init__(self) -> None:
        self.steps: dict[str, list[Step]] = {}

    def __repr__(self) -> str:
        return f"OrderEvidence({', '.join(f'{name}: {len(steps)} steps' for name, steps in self.steps.items())})"

    def record(self, said: Statements) -> None:
        """Keep what a traversal said, unchecked (its order was judged by known collations)."""
        self.steps.setdefault(said.sort_by, []).extend(said.steps)

    def add(self, said: Statements, order: ListOrder) -> None:
        """Keep what a traversal said, or raise `ContractViolation` (keeping nothing) if no order explains it all."""
        steps = {**self.steps, said.sort_by: [*self.steps.get(said.sort_by, []), *said.steps]}
        explain(steps, order)
        self.record(said)


def explain(steps: dict[str, list[Step]], order: ListOrder) -> None:
    """Raise `ContractViolation` unless one order per field (the known one, where known) explains `steps`."""
    ties: list[Step] = []
    for sort_by, field_steps in steps.items():
        known = order.collation if order.rules.field_types[sort_by] == "string" else None
        ties += _ties(field_steps, known, replace(order, sort_by=sort_by))
    _check_ids(ties, order)


def _ties(field_steps: Sequence[Step], known: Collation | None, order: ListOrder) -> list[Step]:
    """The steps between equal values: equal by the known collation, or shown equal by the evidence under `any`."""
    if order.string_sort and known is not None and known.key is not None:
        key = known.key
        for step in field_steps:
            if key(step.low) > key(step.high):
                raise ContractViolation(
                    "customers are out of order",
                    f"{step.where}; expected {order.describe()}, but {order.sort_by}={step.low!r} and {step.high!r}"
                    " are listed the other way round",
                    finding_class=FINDING_CLASS,
                )
        return [step for step in field_steps if key(step.low) == key(step.high)]
    if not order.string_sort:
        return [step for step in field_steps if step.low == step.high]
    classes = equal_classes((step.low, step.high) for step in field_steps)
    return [step for step in field_steps if classes[step.low] == classes[step.high]]


def _check_ids(ties: Sequence[Step], order: ListOrder) -> None:
    tie = order.rules.tie_breaker
    key = order.id_collation.key
    if key is not None:
        for step in ties:
            if (key(step.low_id), step.low_id) >= (key(step.high_id), step.high_id):
                raise ContractViolation(
                    "customers are out of order",
                    f"{step.where}; {tie} {step.low_id!r} and {step.high_id!r} break a tie"
                    f" ({_values(step)}) against {tie}'s collation {order.id_collation.name}",
                    finding_class=FINDING_CLASS,
                )
        return
    graph: dict[str, set[str]] = {}
    sources: dict[tuple[str, str], Step] = {}
    for step in ties:
        graph.setdefault(step.high_id, set()).add(step.low_id)
        sources.setdefault((step.low_id, step.high_id), step)
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        cycle = [str(node) for node in error.args[1]]
        raise ContractViolation(
            "customers are in no single order",
            f"no order of {tie} values explains every traversal (values listed both before and after one"
            " another taken as equal, as a case- or accent-insensitive collation makes them): "
            + _explain(cycle, sources),
            finding_class=FINDING_CLASS,
        ) from None


def _values(step: Step) -> str:
    return f"equal values {step.low!r}" if step.low == step.high else f"values {step.low!r} and {step.high!r}"


def equal_classes(pairs: Iterable[tuple[Any, Any]]) -> dict[Any, int]:
    """Each value's class: values joined by `low <= high` pairs into a cycle are in one (strongly connected)."""
    after: dict[Any, list[Any]] = {}
    before: dict[Any, list[Any]] = {}
    for low, high in pairs:
        after.setdefault(low, []).append(high)
        before.setdefault(high, []).append(low)
        after.setdefault(high, [])
        before.setdefault(low, [])
    finished = _finishing_order(after)
    classes: dict[Any, int] = {}
    for root in reversed(finished):
        if root in classes:
            continue
        classes[root] = root_class = len(classes)
        stack = [root]
        while stack:
            for node in before[stack.pop()]:
                if node not in classes:
                    classes[node] = root_class
                    stack.append(node)
    return classes


def _finishing_order(graph: dict[Any, list[Any]]) -> list[Any]:
    """The nodes of `graph` in the order a depth-first search finishes them (Kosaraju's first pass)."""
    seen: set[Any] = set()
    finished: list[Any] = []
    for start in graph:
        if start in seen:
            continue
        seen.add(start)
        stack: list[tuple[Any, Iterable[Any]]] = [(start, iter(graph[start]))]
        while stack:
            node, successors = stack[-1]
            for successor in successors:
                if successor not in seen:
                    seen.add(successor)
                    stack.append((successor, iter(graph[successor])))
                    break
            else:
                stack.pop()
                finished.append(node)
    return finished


def fitting(steps: dict[str, list[Step]], order: ListOrder) -> dict[str, list[str]]:
    """Per field (each string sort field, then the tie-breaker), the known collations that explain `steps`.

    A sort field's collation fits when it never puts a later value first, and some fitting
    tie-breaker collation orders the ids of every pair it makes equal; the tie-breaker's
    fits the pairs of identical values of every field.
    """
    known = candidates_known(order)
    exact = [step for sort_by, field_steps in steps.items() for step in field_steps if step.low == step.high]
    ids = [candidate for candidate in known if _orders_ids(exact, candidate.key)]
    found: dict[str, list[str]] = {}
    for sort_by, field_steps in steps.items():
        if order.rules.field_types[sort_by] != "string":
            continue
        found[sort_by] = [
            candidate.name
            for candidate in known
            if any(_explains(field_steps, candidate.key, id_candidate.key) for id_candidate in ids)
        ]
    found[order.rules.tie_breaker] = [candidate.name for candidate in ids]
    return found


def candidates_known(order: ListOrder) -> list[Collation]:
    """The collations a hint chooses from: every known one available here, and those of `order`."""
    return [found for found in candidates(order.rules.collation, order.id_collation.name) if found.assumed]


def _orders_ids(ties: Iterable[Step], key: Callable[[str], Any] | None) -> bool:
    assert key is not None
    return all((key(step.low_id), step.low_id) < (key(step.high_id), step.high_id) for step in ties)


def _explains(
    field_steps: Iterable[Step], key: Callable[[str], Any] | None, id_key: Callable[[str], Any] | None
) -> bool:
    assert key is not None and id_key is not None
    for step in field_steps:
        low, high = key(step.low), key(step.high)
        if low > high or (low == high and not _orders_ids([step], id_key)):
            return False
    return True


def _explain(cycle: Sequence[str], sources: dict[tuple[str, str], Step]) -> str:
    """`a` before `b` (values, where) ... before `a` again."""
    steps = []
    for earlier, later in zip(cycle, cycle[1:], strict=False):
        source = sources.get((earlier, later))
        steps.append(f"{earlier!r} before {later!r}" + (f" ({_values(source)}, in {source.where})" if source else ""))
    return "; ".join(_first(steps, 6))


def _first(steps: Iterable[str], count: int) -> list[str]:
    listed = list(steps)
    return listed if len(listed) <= count else [*listed[:count], f"... {len(listed) - count} more"]
