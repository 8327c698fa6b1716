"""Writes that make pagination bugs show, and the verdict on a traversal made while they happened.

Random writes between pages rarely land where a bug shows. These are designed from the order
the query had before any write, for the classic failure classes of paginators:

- after the first page, a customer already shown moves to the next page (a new sort value):
  a cursor that holds a bookmark but not the moment its traversal began shows it twice, and
  an offset cursor, the window shifted back by one, skips the unchanged customer after the
  boundary. The page size is picked so that the boundary falls inside a group of customers
  with equal sort values, and (under a `status` filter) another member of that group leaves
  the filter: a cursor that counts an offset inside the tie group skips an unchanged member.
- after the second page, a customer not yet reached moves to the pages already shown: an
  offset cursor, the window shifted on by one, shows the customer at the boundary again.
- after the third page, under a `status` filter, the next customer to be shown leaves it.

The verdict: no customer twice, and every customer that the query listed before the first
write and that no write touched is shown, up to the last such customer the traversal reached
(so a traversal stopped by the page cap is judged as far as it got).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from contract_tests.checks.symptoms import Tally

__all__ = ["DUPLICATE", "SKIPPED", "Write", "check_under_change", "page_sizes", "writes_at"]

DUPLICATE: Final = "duplicate-under-writes"
SKIPPED: Final = "skipped-under-writes"
# The smallest page size designed for: a boundary with a tie member and another customer before it.
SMALLEST_PAGE: Final = 3


@dataclass(frozen=True, slots=True)
class Write:
    """Update Customer `customer` with `patch`; `why` names the failure class it is meant to show."""

    customer: str
    patch: Mapping[str, Any]
    why: str


def _target(values: Sequence[Any], boundary: int, page_size: int, moved: Any) -> int | None:
    """A place on the page after `boundary` whose sort value differs from those around the boundary and `moved`'s."""
    near = {values[boundary], values[boundary + 1], moved}
    for index in range(boundary + 2, min(len(values), boundary + page_size)):
        if values[index] not in near:
            return index
    return None


def page_sizes(values: Sequence[Any], *, smallest: int, largest: int) -> list[int]:
    """Page sizes whose first boundary falls best inside a tie group (`values`: the sort values, in order).

    Best: the customers either side of the boundary and the one before it share a value; then
    only the two before it; then any boundary. Each has a different value on the next page to
    move a customer to.
    """
    ranked: dict[int, list[int]] = {}
    for size in range(max(smallest, SMALLEST_PAGE), min(largest, len(values) - 3) + 1):
        boundary = size - 1
        if _target(values, boundary, size, values[boundary - 1]) is None:
            continue
        tie = values[boundary - 1] == values[boundary]
        score = 2 if tie and values[boundary] == values[boundary + 1] else int(tie)
        ranked.setdefault(score, []).append(size)
    return ranked[max(ranked)] if ranked else []


def writes_at(
    number: int, page_size: int, items: Sequence[Mapping[str, Any]], field: str, id_field: str, status: str | None
) -> list[Write]:
    """The writes to make after page `number` (from 1) of pages of `page_size` over `items`, the order before any write.

    `field` is the sort field (one Update Customer sets); `status` the query's status filter, if any.
    """
    boundary = number * page_size - 1
    if boundary + 2 >= len(items) or boundary < 2:
        return []
    values = [item.get(field) for item in items]
    other_status = {"active": "inactive", "inactive": "active"}.get(status or "")
    writes: list[Write] = []
    if number == 1:
        moved = boundary - 1
        if other_status is not None:
            writes.append(
                Write(
                    items[moved][id_field],
                    {"status": other_status},
                    "a customer before the boundary, tied with the last one shown, leaves the filter",
                )
            )
            moved = boundary - 2
        target = _target(values, boundary, page_size, values[moved])
        if target is not None:
            writes.append(
                Write(items[moved][id_field], {field: values[target]}, "a customer shown moves to the next page")
            )
    elif number == 2:
        back = next((index for index in range(boundary + 2, len(items)) if values[index] != values[0]), None)
        if back is not None:
            writes.append(
                Write(items[back][id_field], {field: values[0]}, "a customer not yet reached moves to the first page")
            )
    elif number == 3 and other_status is not None:
        writes.append(
            Write(items[boundary + 1][id_field], {"status": other_status}, "the next customer leaves the filter")
        )
    return writes


def check_under_change(
    pages: Sequence[Sequence[str]], curls: Sequence[str], present: Sequence[str], changed: Collection[str]
) -> None:
    """No id twice in `pages`, and every id of `present` not `changed` shown, up to the last such id shown.

    `pages` are the ids of each page of the traversal under writes, `curls` the request of each;
    `present` the ids the query listed, in order, before the first write.
    """
    tally = Tally()
    page_of: dict[str, int] = {}
    for number, ids in enumerate(pages):
        for customer in ids:
            tally.tried("a customer shown")
            if customer in page_of:
                tally.met(
                    DUPLICATE,
                    "a traversal under writes returned a customer twice",
                    "a customer shown",
                    [curls[page_of[customer]], curls[number]],
                    f"{customer} on pages {page_of[customer] + 1} and {number + 1}",
                )
            else:
                page_of[customer] = number
    unchanged = [customer for customer in present if customer not in changed]
    reached = max((index for index, customer in enumerate(unchanged) if customer in page_of), default=-1)
    for index, customer in enumerate(unchanged[: reached + 1]):
        tally.tried("an unchanged customer reached")
        if customer not in page_of:
            after = next(page_of[later] for later in unchanged[index + 1 :] if later in page_of)
            tally.met(
                SKIPPED,
                "a traversal under writes skipped a customer that was present and unchanged throughout",
                "an unchanged customer reached",
                [curls[after]],
                f"{customer}, due by page {after + 1}",
            )
    tally.check()
