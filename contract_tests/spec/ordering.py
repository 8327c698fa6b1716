"""The order a traversal must follow, as a comparison of two list items.

Built from the spec's `x-ordering` (or a user's override of its collation or tie-breaker
direction), independently of any server code: sort value first, compared by the field's type
(strings by the sort fields' collation), then the tie-breaker (by its own collation: an id
column is often binary while the names are linguistic).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cmp_to_key
from typing import Any, Final

from contract_tests.spec.collations import Collation, collation
from contract_tests.spec.contract import Ordering

Item = Mapping[str, Any]

TIE_DIRECTIONS: Final = ("same-as-sortOrder", "ascending", "descending")

_TIMESTAMP = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?([Zz]|[+-]\d\d:\d\d)",
    re.ASCII,
)


def parse_timestamp(text: str) -> datetime:
    """An RFC 3339 timestamp as an aware instant, to the microsecond (finer digits are dropped)."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 timestamp: {text!r}")
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    micros = int((match[7] or "0")[:6].ljust(6, "0"))
    offset = match[8]
    if offset in ("Z", "z"):
        zone = UTC
    else:
        sign = -1 if offset[0] == "-" else 1
        zone = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
    return datetime(year, month, day, hour, minute, second, micros, tzinfo=zone)


def _compare(a: Any, b: Any) -> int:
    return int(a > b) - int(a < b)


@dataclass(frozen=True, slots=True)
class ListOrder:
    """The order of one list query: by `sort_by` (ascending unless `descending`), then tie-breaker."""

    sort_by: str
    descending: bool
    rules: Ordering

    @property
    def collation(self) -> Collation:
        """The sort fields' string order."""
        return collation(self.rules.collation)

    @property
    def id_collation(self) -> Collation:
        """The tie-breaker's string order: its own, else the sort fields'."""
        return collation(self.rules.id_collation or self.rules.collation)

    @property
    def string_sort(self) -> bool:
        """Whether the sort value is a string (compared by the collation)."""
        return self.rules.field_types[self.sort_by] == "string"

    def raw_value(self, item: Item) -> Any:
        """The item's sort value as a value (instant or number), a string as it is."""
        raw = item[self.sort_by]
        return parse_timestamp(raw) if self.rules.field_types[self.sort_by] == "timestamp" else raw

    def value(self, item: Item) -> Any:
        """The item's sort value as it compares (collated string, instant or number)."""
        raw = self.raw_value(item)
        return self._collated(raw) if self.string_sort else raw

    def group_key(self, item: Item) -> Any:
        """Equal for customers that tie on the sort value (under `any`, strings tie only when equal)."""
        return self.raw_value(item) if self.string_sort and not self.collation.assumed else self.value(item)

    def tie_value(self, item: Item) -> Any:
        """The item's tie-breaker (a string, such as customerId) as it compares: collated, then by code point.

        Ids equal under a folding collation are still told apart, so that the order stays total.
        """
        tie = item[self.rules.tie_breaker]
        return self._collated(tie, self.id_collation), tie

    def _collated(self, text: str, by: Collation | None = None) -> Any:
        used = by or self.collation
        if used.key is None:
            raise ValueError(f"collation {used.name!r} assumes no string order to compare by")
        return used.key(text)

    @property
    def tie_descending(self) -> bool:
        if self.rules.tie_direction == "same-as-sortOrder":
            return self.descending
        return self.rules.tie_direction == "descending"

    def compare(self, a: Item, b: Item) -> int:
        """Negative when `a` comes first, positive when `b` does, 0 when the order cannot tell."""
        by_value = _compare(self.value(a), self.value(b))
        if by_value:
            return -by_value if self.descending else by_value
        by_tie = _compare(self.tie_value(a), self.tie_value(b))
        return -by_tie if self.tie_descending else by_tie

    def sorted(self, items: list[Item]) -> list[Item]:
        """`items` in this order."""
        return sorted(items, key=cmp_to_key(self.compare))

    def describe(self) -> str:
        direction = "desc" if self.descending else "asc"
        tie = "desc" if self.tie_descending else "asc"
        return (
            f"{self.sort_by} {direction} ({self.rules.field_types[self.sort_by]}, collation {self.rules.collation}),"
            f" then {self.rules.tie_breaker} {tie}"
            + (f" (collation {self.rules.id_collation})" if self.rules.id_collation else "")
        )
