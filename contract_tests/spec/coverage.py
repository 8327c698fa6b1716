"""The finite part of the query space, computed from the contract: what every run walks before it draws.

Sort fields, directions and the values of few-valued filters are finite, so a run need not
hope to draw each: every property that judges them walks them all first, in a fixed order.
An example is a `Script`, the values its draws take by label (`query`, `other limit`,
`filter`); limits and everything else are drawn by Hypothesis afterwards. A traversal
touches coverage *cells* (a sort order, a filter value, a pair of filter values); the
examples after the enumeration go to the cells traversed least.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any, Final

from contract_tests.spec.contract import Contract
from contract_tests.spec.queries import Query

# What an example's draws return, by label.
Script = Mapping[str, Any]
# A sort order ("sort", field, direction), a filter value ("filter", parameter, value), or a pair of them ("pair", ...).
Cell = tuple[str, ...]
DIRECTIONS: Final = ("asc", "desc")


def sort_pairs(contract: Contract) -> list[tuple[str, str]]:
    """Every `sortBy` with every `sortOrder`."""
    return [(field, direction) for field in contract.sort_fields for direction in DIRECTIONS]


def filter_values(contract: Contract) -> list[tuple[str, str]]:
    """Every value of every few-valued filter."""
    return [(rule.parameter, value) for rule in contract.partitioning_filters for value in rule.values]


def filter_pairs(contract: Contract) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """Every value of a few-valued filter with every value of each other one: all pairs of filters, combined."""
    rules = contract.partitioning_filters
    return [
        ((first.parameter, a), (second.parameter, b))
        for first, second in itertools.combinations(rules, 2)
        for a in first.values
        for b in second.values
    ]


def cells(query: Query, contract: Contract) -> list[Cell]:
    """The coverage cells a traversal of `query` touches."""
    sort_by = query.sort_by or contract.sort_default
    direction = query.sort_order or contract.order_default
    few = {rule.parameter for rule in contract.partitioning_filters}
    given = [(name, value) for name, value in query.filters if name in few]
    touched: list[Cell] = [("sort", sort_by, direction)]
    touched += [("filter", name, value) for name, value in given]
    touched += [("pair", *first, *second) for first, second in itertools.combinations(sorted(given), 2)]
    return touched


def every_cell(contract: Contract) -> list[Cell]:
    """All the cells there are, in the coverage table's order."""
    return [
        *(("sort", field, direction) for field, direction in sort_pairs(contract)),
        *(("filter", name, value) for name, value in filter_values(contract)),
        *(("pair", *first, *second) for first, second in (_sorted_pair(pair) for pair in filter_pairs(contract))),
    ]


def _sorted_pair(pair: tuple[tuple[str, str], tuple[str, str]]) -> tuple[tuple[str, str], tuple[str, str]]:
    first, second = sorted(pair)
    return first, second


def _sorted_query(contract: Contract, field: str, direction: str, filters: Sequence[tuple[str, str]] = ()) -> Query:
    return Query(filters=tuple(filters), sort_by=field, sort_order=direction)


def _limits(contract: Contract) -> Iterator[int | None]:
    """Page sizes for enumerated queries, in turn: small ones cross many page boundaries, the default one too."""
    small = [contract.limit_min + step for step in (2, 6, 12) if contract.limit_min + step <= contract.limit_max]
    return itertools.cycle([*small, None])


def _order_scripts(contract: Contract) -> list[Script]:
    limits = _limits(contract)
    return [
        {"query": Query(sort_by=field, sort_order=direction, limit=next(limits))}
        for field, direction in sort_pairs(contract)
    ]


def _limit_invariance_scripts(contract: Contract) -> list[Script]:
    limits = _limits(contract)
    scripts: list[Script] = []
    for field, direction in sort_pairs(contract):
        first = next(limits)
        other = contract.limit_max if first is None or first < contract.limit_max else contract.limit_min
        scripts.append({"query": Query(sort_by=field, sort_order=direction, limit=first), "other limit": other})
    return scripts


def _direction_scripts(contract: Contract) -> list[Script]:
    """One example per sort field: it traverses both directions."""
    limits = _limits(contract)
    return [
        {"query": Query(sort_by=field, sort_order=DIRECTIONS[index % 2], limit=next(limits))}
        for index, field in enumerate(contract.sort_fields)
    ]


def _filter_scripts(contract: Contract) -> list[Script]:
    """Every pair of filter values once (so every value too), each under the next sort order in turn."""
    orders = itertools.cycle(sort_pairs(contract))
    combinations: list[tuple[tuple[str, str], ...]] = list(filter_pairs(contract))
    if not combinations:
        combinations = [(value,) for value in filter_values(contract)]
    return [{"query": _sorted_query(contract, *next(orders), filters)} for filters in combinations]


def _partition_scripts(contract: Contract) -> list[Script]:
    """Each filter split by its values, with each value of each other filter held: every pair of filter values."""
    orders = itertools.cycle(sort_pairs(contract))
    rules = contract.partitioning_filters
    scripts: list[Script] = []
    for rule in rules:
        held = [
            (other.parameter, value) for other in rules if other.parameter > rule.parameter for value in other.values
        ]
        choices: list[tuple[tuple[str, str], ...]] = [(value,) for value in held] or [()]
        for filters in choices:
            scripts.append({"query": _sorted_query(contract, *next(orders), filters), "filter": rule})
    return scripts


# The properties that walk the finite space first, and what they walk.
ENUMERATIONS: Final[Mapping[str, Callable[[Contract], list[Script]]]] = {
    "test_order": _order_scripts,
    "test_filters": _filter_scripts,
    "test_limit_invariance": _limit_invariance_scripts,
    "test_partition": _partition_scripts,
    "test_direction": _direction_scripts,
}


def enumeration(name: str, contract: Contract) -> list[Script]:
    """The examples property `name` runs before any drawn one (none for a property that walks nothing)."""
    build = ENUMERATIONS.get(name)
    return build(contract) if build is not None else []


def describe(script: Script, contract: Contract) -> str:
    """An enumerated example in a line: its query's parameters and its other scripted draws."""
    parts = []
    for label, value in script.items():
        if isinstance(value, Query):
            parts.append("&".join(f"{name}={shown}" for name, shown in value.params(contract)) or "(no parameters)")
        else:
            parts.append(f"{label}={getattr(value, 'parameter', value)}")
    return ", ".join(parts)


def refilled(script: Script, round_: int, contract: Contract) -> Script:
    """`script` again, at another page size: the `round_`-th example after the enumeration."""
    span = min(contract.limit_max - contract.limit_min + 1, 25)
    limit = contract.limit_min + (round_ * 7 + 3) % span
    return {
        label: replace(value, limit=limit) if isinstance(value, Query) else value for label, value in script.items()
    }


def least_covered(scripts: Sequence[Script], counts: Mapping[Cell, int], contract: Contract) -> Script:
    """The script whose least-traversed cell has been traversed least (the first such, for a fixed order)."""

    def score(script: Script) -> tuple[int, int]:
        touched = [cell for value in script.values() if isinstance(value, Query) for cell in cells(value, contract)]
        return min((counts.get(cell, 0) for cell in touched), default=0), sum(counts.get(cell, 0) for cell in touched)

    return min(scripts, key=score)
