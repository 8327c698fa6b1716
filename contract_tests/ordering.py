"""The order a traversal must follow, as a comparison of two list items.

Built from the spec's `x-ordering` (or a user's override of its collation or tie-breaker
direction), independently of any server code: sort value first, compared by the field's type,
then the tie-breaker.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cmp_to_key
from typing import Any, Final

from contract_tests.contract import Ordering

Item = Mapping[str, Any]

COLLATIONS: Final[dict[str, Callable[[str], Any]]] = {
    # Unicode code points: what Python, Go, Rust and a binary database collation compare.
    "codepoint": lambda text: text,
    # UTF-16 code units: JavaScript's default comparison (differs only outside the BMP).
    "utf16": lambda text: text.encode("utf-16-be"),
    # Only A-Z folded to a-z; everything else by code point.
    "ascii-case-insensitive": lambda text: text.translate(
        str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
    ),
    # Full Unicode case folding ("Straße" == "STRASSE"), as many case-insensitive collations do.
    "casefold": lambda text: text.casefold(),
}
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

    def value(self, item: Item) -> Any:
        """The item's sort value as it compares (collated string, instant or number)."""
        raw = item[self.sort_by]
        kind = self.rules.field_types[self.sort_by]
        if kind == "timestamp":
            return parse_timestamp(raw)
        if kind == "string":
            return COLLATIONS[self.rules.collation](raw)
        return raw

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
        tie = self.rules.tie_breaker
        by_tie = _compare(a[tie], b[tie])
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
        )
