"""One tenant's customers, laid out so that any page costs O(log n + limit) in little memory.

A store is built from a `CustomerTable` (`table.py`): records are read into one once, as a
stream, and not kept, and generated data arrives as one. Each customer's list item is encoded
to JSON up front, one bytes object each: a page is a join of fifty of them (slicing them out of
one shared buffer per request cost a fifth of a request's time). A large generated dataset's
items are kept as their parts instead and joined per page (`assembled.py`), in a third of the
memory. Get Customer bodies are kept as the figures the item lacks (`details.py`); the fields
that order, filter and find customers go into compact columns (`columns.py`).

For every sort field a `SortIndex` ranks the customers and keeps *buckets* of ranks: one per
*group* — a combination of the three two-valued filters (`status`, `customerType`,
`hasActiveRentals`), so eight — and one per single filter value. A query with one filter, the
commonest, reads its own bucket; with none, the order itself; with three, one group; with two,
two groups. `customerId` and `email` are found through hash lookups. Nothing is scanned or
sorted per request, and nothing per request depends on how many customers there are or how
rare the filtered ones are, beyond a bisection.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import orjson

from mockserver.domain.customer import Customer
from mockserver.domain.ordering import FIELDS, SortKey
from mockserver.domain.query import CUSTOMER_TYPES, STATUSES, ListQuery, fold_email
from mockserver.storage.assembled import AssembledItems
from mockserver.storage.details import DetailSource
from mockserver.storage.lookup import HashLookup
from mockserver.storage.sortindex import SortIndex, items_at
from mockserver.storage.table import CustomerTable, table_from_records

__all__ = ["FilterValues", "GROUPS", "Page", "TenantStore", "bucket_layout", "group_of", "matching_groups"]

GROUPS = len(STATUSES) * len(CUSTOMER_TYPES) * 2


class Page(NamedTuple):
    """The customers of one page, as positions in the store, and whether more follow."""

    positions: list[int]
    has_more: bool


def group_of(status: str, customer_type: str, rentals: bool) -> int:
    """The group of a customer with these filter values."""
    return STATUSES.index(status) * 4 + CUSTOMER_TYPES.index(customer_type) * 2 + int(rentals)


def _groups(
    active: npt.NDArray[np.bool_], business: npt.NDArray[np.bool_], renting: npt.NDArray[np.bool_]
) -> npt.NDArray[np.uint8]:
    """Each customer's group, as `group_of` numbers them."""
    status = np.where(active, STATUSES.index("active"), STATUSES.index("inactive"))
    customer_type = np.where(business, CUSTOMER_TYPES.index("business"), CUSTOMER_TYPES.index("individual"))
    return np.asarray(status * 4 + customer_type * 2 + renting, dtype=np.uint8)


def matching_groups(query: ListQuery) -> tuple[int, ...]:
    """The groups whose customers pass the query's `status`, `customerType` and `hasActiveRentals` filters."""
    return _groups_of(query.status, query.customer_type, query.has_active_rentals)


def _groups_of(status: str | None, customer_type: str | None, rentals: bool | None) -> tuple[int, ...]:
    statuses = (status,) if status else STATUSES
    types = (customer_type,) if customer_type else CUSTOMER_TYPES
    rental_values = (rentals,) if rentals is not None else (False, True)
    return tuple(group_of(*combination) for combination in itertools.product(statuses, types, rental_values))


FilterValues = tuple[str | None, str | None, bool | None]


def _filter_combinations() -> list[FilterValues]:
    """Every combination of `status`, `customerType` and `hasActiveRentals`, absent included."""
    return list(itertools.product((None, *STATUSES), (None, *CUSTOMER_TYPES), (None, False, True)))


def bucket_layout() -> tuple[list[frozenset[int]], dict[FilterValues, tuple[int, ...]]]:
    """The buckets each sort index keeps, and for each filter combination the buckets it reads.

    One bucket per group, and one per single filter value (`status=active`, …): a combination
    reads no bucket when it filters nothing, its own bucket when there is one, and otherwise
    its groups' buckets.
    """
    buckets = [frozenset({group}) for group in range(GROUPS)]
    for combination in _filter_combinations():
        if sum(value is not None for value in combination) == 1:
            buckets.append(frozenset(_groups_of(*combination)))
    number = {bucket: index for index, bucket in enumerate(buckets)}
    reads: dict[FilterValues, tuple[int, ...]] = {}
    for combination in _filter_combinations():
        groups = frozenset(_groups_of(*combination))
        if len(groups) == GROUPS:
            reads[combination] = ()
        elif groups in number:
            reads[combination] = (number[groups],)
        else:
            reads[combination] = tuple(sorted(number[frozenset({group})] for group in groups))
    return buckets, reads


class TenantStore:
    """An immutable, indexed snapshot of one tenant's customers."""

    def __init__(self, tenant: str, records: Iterable[Customer]) -> None:
        """Index `records`, read once as a stream; none of them is kept."""
        self._index(tenant, table_from_records(records))

    @classmethod
    def from_table(cls, tenant: str, table: CustomerTable) -> TenantStore:
        """Index the customers of `table` (how generated data, which comes as columns, is served)."""
        store = cls.__new__(cls)
        store._index(tenant, table)
        return store

    def _index(self, tenant: str, table: CustomerTable) -> None:
        self.tenant = tenant
        buckets, self._buckets_read = bucket_layout()
        groups = _groups(table.active, table.business, table.renting)
        self._details: DetailSource = table.details
        self._groups = groups.tobytes()
        self._by_id = HashLookup.from_hashes(table.id_hashes)
        self._by_email = HashLookup.from_hashes(table.email_hashes)
        self._ids: Sequence[str] = table.ids
        self._emails: Sequence[str] = table.emails
        columns = {field.name: table.sort_columns[field.name] for field in FIELDS}
        self._columns: dict[str, Sequence[Any]] = {name: column.values for name, column in columns.items()}
        self._indexes: dict[str, SortIndex] = {
            name: SortIndex.from_keys(column.keys, table.id_order, groups, buckets) for name, column in columns.items()
        }
        self._items = table.items
        self._assembled = table.items if isinstance(table.items, AssembledItems) else None

    def __len__(self) -> int:
        return len(self._items)

    def item_json(self, position: int) -> bytes:
        """The list item at `position`, encoded."""
        return self._items[position]

    def items_json(self, positions: Iterable[int]) -> list[bytes]:
        """The list items at `positions`, encoded, in that order."""
        if self._assembled is not None:
            return self._assembled.take(positions)
        return items_at(self._items, positions if isinstance(positions, Sequence) else list(positions))

    def position_of(self, customer_id: str) -> int | None:
        """Where the customer `customer_id` is, or None when the tenant has no such customer."""
        return self._by_id.find(customer_id, lambda position: self._ids[position] == customer_id)

    def position_of_email(self, folded_email: str) -> int | None:
        """Where the customer whose folded email is `folded_email` is, or None."""
        return self._by_email.find(folded_email, lambda position: fold_email(self._emails[position]) == folded_email)

    def customer_id(self, position: int) -> str:
        """The id of the customer at `position`."""
        return self._ids[position]

    def detail_json(self, customer_id: str) -> bytes | None:
        """The Get Customer body for `customer_id`, or None when the tenant has no such customer."""
        position = self.position_of(customer_id)
        return None if position is None else self._details.body(position, self._items[position])

    def record(self, position: int) -> Customer:
        """The whole record at `position`, decoded again (for tools and tests; pages never need it)."""
        body: dict[str, Customer] = orjson.loads(self._details.body(position, self._items[position]))
        return body["customer"]

    def records(self) -> list[Customer]:
        """Every record, in the order the store was given them."""
        return [self.record(position) for position in range(len(self))]

    def key_of(self, position: int, field: str) -> SortKey:
        """Where the customer at `position` stands in an order by `field` (what a cursor records)."""
        return (self._columns[field][position], self._ids[position])

    def page(self, query: ListQuery, after: SortKey | None) -> Page:
        """The customers matching `query` that come after `after` in its order, at most `limit`."""
        positions = self._email_match(query, after) if query.email is not None else self._ordered(query, after)
        return Page(positions=positions[: query.limit], has_more=len(positions) > query.limit)

    def _email_match(self, query: ListQuery, after: SortKey | None) -> list[int]:
        assert query.email is not None
        position = self.position_of_email(fold_email(query.email))
        if position is None or self._groups[position] not in matching_groups(query):
            return []
        if after is not None:
            key = self.key_of(position, query.sort_by)
            if (key <= after) if not query.descending else (key >= after):
                return []
        return [position]

    def _ordered(self, query: ListQuery, after: SortKey | None) -> list[int]:
        index = self._indexes[query.sort_by]
        if after is None:
            boundary = len(self) if query.descending else 0
        else:
            hint = self.position_of(after[1])

            def key_at(position: int) -> SortKey:
                return self.key_of(position, query.sort_by)

            boundary = index.boundary(after, query.descending, key_at, hint)
        buckets = self._buckets_read[query.status, query.customer_type, query.has_active_rentals]
        return index.positions(buckets, boundary, query.limit + 1, query.descending)
