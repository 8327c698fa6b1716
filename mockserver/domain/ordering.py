"""The total order of a customer list, as `openapi.yaml` documents it.

A list is ordered by one sort field and then by `customerId`, both in the requested direction.
Strings compare by code point (Python's own `str` order), timestamps as instants, numbers as
numbers. Every sort key here is a `(value, customerId)` tuple, so plain tuple comparison is the
documented order and a descending list is the exact reverse of an ascending one.

The sort fields are declared once, as the rows of `FIELDS`; everything that knows a sort field
(the query, the stores and their indexes, the overlay, cursors, the generator) iterates them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

__all__ = [
    "FIELDS",
    "SORT_FIELDS",
    "SortField",
    "SortKey",
    "SortKind",
    "SortValue",
    "is_valid_sort_value",
    "parse_timestamp",
    "sort_key",
    "timestamp_micros",
]

SortValue = str | int | float
SortKey = tuple[SortValue, str]
SortKind = Literal["string", "number", "timestamp"]
"""As `x-ordering.fields` of `openapi.yaml` names a field's kind: what its values are and how they compare."""


@dataclass(frozen=True, slots=True)
class SortField:
    """A field a list can be sorted by: its `sortBy` value, which is also the record's property, and its kind.

    The kind alone says how the field's sort value is read from a record and which values a
    cursor may hold for it; the query, the stores, the overlay and the generator read it here.
    """

    name: str
    kind: SortKind

    def value(self, customer: Mapping[str, Any]) -> SortValue:
        """The value of this field that the order compares: a timestamp as its microseconds since the epoch."""
        value = customer[self.name]
        if self.kind == "timestamp":
            return timestamp_micros(value)
        return value  # type: ignore[no-any-return]

    def key(self, customer: Mapping[str, Any]) -> SortKey:
        """The key that places `customer` in an ascending list sorted by this field."""
        return (self.value(customer), customer["customerId"])

    def accepts(self, value: object) -> bool:
        """Whether `value` has the type of this field's sort values (used on decoded cursors)."""
        if self.kind == "string":
            return isinstance(value, str)
        if self.kind == "timestamp":
            return isinstance(value, int) and not isinstance(value, bool)
        return isinstance(value, int | float) and not isinstance(value, bool) and value == value


FIELDS: Final = (
    SortField("createdAt", "timestamp"),
    SortField("firstName", "string"),
    SortField("lastName", "string"),
    SortField("email", "string"),
    SortField("totalMonthlyRevenue", "number"),
    SortField("totalDevicesRented", "number"),
)
"""Every sort field, in the order of `sortBy`'s enum in `openapi.yaml` (`tests/mock/test_spec.py` holds them equal)."""
SORT_FIELDS: Final = tuple(field.name for field in FIELDS)
_BY_NAME: Final = {field.name: field for field in FIELDS}


_RFC3339: Final = re.compile(r"(\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2})(\.\d{1,6})?\d*([Zz]|[+-]\d{2}:\d{2})")
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)


def parse_timestamp(text: str) -> datetime:
    """An RFC 3339 timestamp (`2024-03-05T14:22:10.000Z`), to the microsecond; ValueError otherwise."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not an RFC 3339 timestamp such as 2024-03-05T14:22:10.000Z")
    whole, fraction, offset = match.groups()
    return datetime.fromisoformat(whole.upper() + (fraction or "") + offset.upper())


def timestamp_micros(text: str) -> int:
    """The instant `text` names, as microseconds since the Unix epoch (comparable across offsets)."""
    return (parse_timestamp(text) - _EPOCH) // _MICROSECOND


def sort_key(customer: Mapping[str, Any], field: str) -> SortKey:
    """The key that places `customer` in an ascending list sorted by `field`."""
    return _BY_NAME[field].key(customer)


def is_valid_sort_value(field: str, value: object) -> bool:
    """Whether `value` has the type that `field`'s sort values have (used on decoded cursors); False for no field."""
    known = _BY_NAME.get(field)
    return known is not None and known.accepts(value)
