"""One tenant's customers, laid out so that any page costs O(log n + limit).

For every sort field the store keeps, per *group*, the positions of the group's customers in
ascending `(value, customerId)` order. A group is one combination of the three two-valued
filters (`status`, `customerType`, `hasActiveRentals`), so there are eight, and every filter
combination is a union of groups. A page bisects to the cursor in each matching group and
merges at most `limit + 1` customers from them; an `email` filter is a dictionary lookup.
Nothing is scanned or sorted per request, and customers are encoded to JSON once, up front.
"""

from __future__ import annotations

import heapq
import itertools
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import orjson

from mockserver.customer import Customer, has_active_rentals, list_item
from mockserver.ordering import SORT_FIELDS, SortKey, sort_key
from mockserver.query import CUSTOMER_TYPES, STATUSES, ListQuery, fold_email


@dataclass(frozen=True, slots=True)
class Page:
    """The customers of one page, as positions in the store, and whether more follow."""

    positions: list[int]
    has_more: bool


def _group(status: str, customer_type: str, rentals: bool) -> int:
    return STATUSES.index(status) * 4 + CUSTOMER_TYPES.index(customer_type) * 2 + int(rentals)


def _matching_groups(query: ListQuery) -> tuple[int, ...]:
    statuses = (query.status,) if query.status else STATUSES
    types = (query.customer_type,) if query.customer_type else CUSTOMER_TYPES
    rentals = (query.has_active_rentals,) if query.has_active_rentals is not None else (False, True)
    return tuple(_group(*combination) for combination in itertools.product(statuses, types, rentals))


class TenantStore:
    """An immutable, indexed snapshot of one tenant's customers."""

    def __init__(self, tenant: str, records: Sequence[Customer]) -> None:
        self.tenant = tenant
        self.records: tuple[Customer, ...] = tuple(records)
        self._items = [orjson.dumps(list_item(record)) for record in self.records]
        self._details = [orjson.dumps({"customer": record}) for record in self.records]
        self._by_id = {record["customerId"]: position for position, record in enumerate(self.records)}
        self._by_email = {fold_email(record["email"]): position for position, record in enumerate(self.records)}
        groups = [
            _group(record["status"], record["customerType"], has_active_rentals(record)) for record in self.records
        ]
        self._groups = groups
        self._keys: dict[str, list[SortKey]] = {}
        self._index: dict[str, list[array[int]]] = {}
        for field in SORT_FIELDS:
            keys = [sort_key(record, field) for record in self.records]
            buckets: list[array[int]] = [array("l") for _ in range(8)]
            for position in sorted(range(len(keys)), key=keys.__getitem__):
                buckets[groups[position]].append(position)
            self._keys[field] = keys
            self._index[field] = buckets

    def __len__(self) -> int:
        return len(self.records)

    def item_json(self, position: int) -> bytes:
        """The list item at `position`, encoded."""
        return self._items[position]

    def detail_json(self, customer_id: str) -> bytes | None:
        """The Get Customer body for `customer_id`, or None when the tenant has no such customer."""
        position = self._by_id.get(customer_id)
        return None if position is None else self._details[position]

    def key_of(self, position: int, field: str) -> SortKey:
        """Where the customer at `position` stands in an order by `field` (what a cursor records)."""
        return self._keys[field][position]

    def page(self, query: ListQuery, after: SortKey | None) -> Page:
        """The customers matching `query` that come after `after` in its order, at most `limit`."""
        if query.email is not None:
            candidates: Iterator[int] = iter(self._email_match(query, after))
        else:
            candidates = self._merged(query, after)
        positions = list(itertools.islice(candidates, query.limit + 1))
        return Page(positions=positions[: query.limit], has_more=len(positions) > query.limit)

    def _email_match(self, query: ListQuery, after: SortKey | None) -> list[int]:
        assert query.email is not None
        position = self._by_email.get(fold_email(query.email))
        if position is None or self._groups[position] not in _matching_groups(query):
            return []
        if after is not None:
            key = self._keys[query.sort_by][position]
            if (key <= after) if not query.descending else (key >= after):
                return []
        return [position]

    def _merged(self, query: ListQuery, after: SortKey | None) -> Iterator[int]:
        keys = self._keys[query.sort_by]
        streams = [
            self._stream(self._index[query.sort_by][group], keys, after, query.descending)
            for group in _matching_groups(query)
        ]
        if len(streams) == 1:
            return streams[0]
        return heapq.merge(*streams, key=keys.__getitem__, reverse=query.descending)

    @staticmethod
    def _stream(bucket: array[int], keys: list[SortKey], after: SortKey | None, descending: bool) -> Iterator[int]:
        """The bucket's positions after `after`, in the query's direction, without copying."""
        if descending:
            end = len(bucket) if after is None else bisect_left(bucket, after, key=keys.__getitem__)
            return map(bucket.__getitem__, range(end - 1, -1, -1))
        start = 0 if after is None else bisect_right(bucket, after, key=keys.__getitem__)
        return map(bucket.__getitem__, range(start, len(bucket)))
