"""The total order of a customer list, as `openapi.yaml` documents it.

A list is ordered by one sort field and then by `customerId`, both in the requested direction.
Strings compare by code point (Python's own `str` order), timestamps as instants, numbers as
numbers. Every sort key here is a `(value, customerId)` tuple, so plain tuple comparison is the
documented order and a descending list is the exact reverse of an ascending one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final

__all__ = [
    "NUMBER_FIELDS",
    "SORT_FIELDS",
    "STRING_FIELDS",
    "SortKey",
    "SortValue",
    "TIMESTAMP_FIELDS",
    "is_valid_sort_value",
    "parse_timestamp",
    "sort_key",
    "sort_value",
    "timestamp_micros",
]

SORT_FIELDS: Final = (
    "createdAt",
    "firstName",
    "lastName",
    "email",
    "totalMonthlyRevenue",
    "totalDevicesRented",
)
STRING_FIELDS: Final = frozenset({"firstName", "lastName", "email"})
NUMBER_FIELDS: Final = frozenset({"totalMonthlyRevenue", "totalDevicesRented"})
TIMESTAMP_FIELDS: Final = frozenset({"createdAt"})

SortValue = str | int | float
SortKey = tuple[SortValue, str]

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


def sort_value(customer: Mapping[str, Any], field: str) -> SortValue:
    """The value of `field` that the order compares."""
    value = customer[field]
    if field in TIMESTAMP_FIELDS:
        return timestamp_micros(value)
    return value  # type: ignore[no-any-return]


def sort_key(customer: Mapping[str, Any], field: str) -> SortKey:
    """The key that places `customer` in an ascending list sorted by `field`."""
    return (sort_value(customer, field), customer["customerId"])


def is_valid_sort_value(field: str, value: object) -> bool:
    """Whether `value` has the type that `field`'s sort values have (used on decoded cursors)."""
    if field in STRING_FIELDS:
        return isinstance(value, str)
    if field in TIMESTAMP_FIELDS:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value
