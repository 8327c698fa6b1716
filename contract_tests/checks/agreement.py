"""Traversals of the same customers must agree with each other, whatever order the server's strings follow.

Limit invariance, direction and partition compare the server's own sequences and never re-sort
what it returned: a traversal stopped by the page cap is a prefix of the complete one; a
descending one is the ascending one reversed (when ties follow the sort direction; otherwise
groups of equal sort values keep their inner order); a filtered one is the unfiltered one with
the others left out. So they hold for any collation a database may use; only `check_order`
judges the collation itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from contract_tests.checks.invariants import matches
from contract_tests.spec.contract import Filter
from contract_tests.spec.ordering import Item, ListOrder
from contract_tests.transport.traversal import Traversal
from contract_tests.violations import ContractViolation

# Failures point at the property that found them, not at these helpers.
__tracebackhide__ = True


@dataclass(frozen=True, slots=True)
class View:
    """What one traversal shows of a list S: its ids in S's order, from S's start (or its end), all of S if complete."""

    ids: list[str]
    complete: bool
    from_end: bool = False


def windows(first: View, second: View) -> tuple[list[str], list[str]]:
    """The parts of two views of the same list that must be equal, each in S's order.

    Two prefixes share the shorter one's length (all of a complete one, which may not be longer
    than the other); a prefix and a suffix share where they overlap, the shorter one when the
    other is complete, nothing when neither is complete and they never meet.
    """
    if first.from_end and not second.from_end:
        second_part, first_part = windows(second, first)
        return first_part, second_part
    a, b = first.ids, second.ids
    if first.from_end:  # both from the end: the same as both from the start, reversed
        start_a, start_b = windows(View(a[::-1], first.complete), View(b[::-1], second.complete))
        return start_a[::-1], start_b[::-1]
    if first.complete and second.complete:
        return a, b
    if not second.from_end:
        if first.complete:
            return (a[: len(b)], b) if len(b) <= len(a) else (a, b)
        if second.complete:
            return (a, b[: len(a)]) if len(a) <= len(b) else (a, b)
        shared = min(len(a), len(b))
        return a[:shared], b[:shared]
    if first.complete:
        return (a[len(a) - len(b) :], b) if len(b) <= len(a) else (a, b)
    if second.complete:
        return (a, b[: len(a)]) if len(a) <= len(b) else (a, b)
    overlap = len(set(a) & set(b))
    return a[len(a) - overlap :], b[:overlap]


def view(traversal: Traversal, oriented_as: ListOrder) -> View:
    """`traversal` as a view of the list in `oriented_as`'s direction (reversed when it runs the other way)."""
    if traversal.order.descending == oriented_as.descending:
        return View(traversal.ids, traversal.complete)
    if traversal.order.tie_descending != oriented_as.tie_descending:
        return View(traversal.ids[::-1], traversal.complete, from_end=True)
    # Ties keep their direction both ways: reverse the groups of equal sort values, not the ties.
    groups = _groups(traversal.items, traversal.order)
    if not traversal.complete and groups:
        groups = groups[:-1]  # the last group may have been cut short by the page cap
    id_property = traversal.contract.id_property
    return View([item[id_property] for group in groups[::-1] for item in group], traversal.complete, from_end=True)


def _groups(items: Sequence[Item], order: ListOrder) -> list[list[Item]]:
    """`items` cut into runs of consecutive customers with the same sort value."""
    runs: list[list[Item]] = []
    for item in items:
        if runs and order.group_key(runs[-1][-1]) == order.group_key(item):
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def check_agreement(first: Traversal, second: Traversal, what: str) -> None:
    """Two traversals of the same query (other limits, or the other direction) show the same customers.

    Where both must have shown a customer they do, with the same fields, in the same order.
    """
    contract = first.contract
    a, b = view(first, first.order), view(second, first.order)
    window_a, window_b = windows(a, b)
    if window_a != window_b:
        only_a = [key for key in window_a if key not in set(b.ids)]
        only_b = [key for key in window_b if key not in set(a.ids)]
        if only_a or only_b:
            raise ContractViolation(
                f"{what}: the traversals do not hold the same customers",
                f"A: {first.describe()}\nB: {second.describe()}\nonly in A: {only_a[:5]}, only in B: {only_b[:5]}",
                finding_class="traversals-differ-in-customers",
            )
        raise ContractViolation(
            f"{what}: the traversals order the same customers differently",
            f"A: {first.describe()}\nB: {second.describe()}\n"
            f"in A's direction, A lists {_excerpt(window_a, window_b)}, B lists {_excerpt(window_b, window_a)}",
            finding_class="traversals-differ-in-order",
        )
    first_items = {item[contract.id_property]: item for item in first.items}
    for item in second.items:
        key = item[contract.id_property]
        if key in first_items and first_items[key] != item:
            raise ContractViolation(
                f"{what}: the same customer differs between the traversals",
                f"{key}: {first_items[key]!r} vs {item!r}",
                finding_class="traversals-differ-in-fields",
            )


def _excerpt(ids: list[str], other: list[str]) -> list[str]:
    """Up to ten ids from where `ids` and `other` first differ."""
    start = next((index for index, (x, y) in enumerate(zip(ids, other, strict=False)) if x != y), 0)
    start = max(0, start - 2)
    return ids[start : start + 10]


def check_partition(whole: Traversal, rule: Filter, parts: Mapping[str, Traversal]) -> None:
    """The traversals for each value of `rule` split the unfiltered traversal into disjoint parts.

    Each part is the unfiltered traversal with the other customers left out: the same
    customers, in the same order, as far as both reached.
    """
    contract = whole.contract
    owner: dict[str, str] = {}
    for value, part in parts.items():
        for item_id in part.ids:
            if item_id in owner:
                raise ContractViolation(
                    f"{rule.parameter} parts overlap",
                    f"{item_id} is listed for both {rule.parameter}={owner[item_id]} and {rule.parameter}={value}",
                    finding_class="partition-overlap",
                )
            owner[item_id] = value
    for item in whole.items:
        homes = [value for value in parts if matches(item, rule, value)]
        if len(homes) != 1:
            raise ContractViolation(
                f"a customer belongs to {len(homes)} values of {rule.parameter}",
                f"{item[contract.id_property]} has {rule.field}={item.get(rule.field)!r}; values {list(parts)}",
                finding_class="partition-overlap",
            )
    for value, part in parts.items():
        expected = View(
            [item[contract.id_property] for item in whole.items if matches(item, rule, value)], whole.complete
        )
        shown = view(part, whole.order)
        window_whole, window_part = windows(expected, shown)
        if window_whole == window_part:
            continue
        where = f"whole: {whole.describe()}\npart: {part.describe()}"
        stray = [key for key in window_part if key not in set(expected.ids)]
        if stray:
            raise ContractViolation(
                f"{rule.parameter}={value} lists customers the unfiltered list lacks",
                f"{where}\nmissing from the whole: {stray[:5]}",
                finding_class="partition-stray",
            )
        missing = [key for key in window_whole if key not in set(shown.ids)]
        if missing:
            item = next(item for item in whole.items if item[contract.id_property] == missing[0])
            raise ContractViolation(
                f"{rule.parameter}={value} misses a customer of the unfiltered list",
                f"{where}\nmissing: {missing[0]} ({rule.field}={item.get(rule.field)!r})",
                finding_class="partition-missing",
            )
        raise ContractViolation(
            f"{rule.parameter}={value} orders its customers unlike the unfiltered list",
            f"{where}\nthe whole lists them as {_excerpt(window_whole, window_part)},"
            f" the part as {_excerpt(window_part, window_whole)}",
            finding_class="partition-order",
        )
