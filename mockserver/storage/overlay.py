"""A tenant's customers as they are now: the seeded store with the changes since laid over it.

The seeded `TenantStore` is immutable and indexed for pages in O(log n + limit). Customers
changed or created since are kept beside it as *entries*, each with the sequence number of its
last change; a changed seeded customer is hidden in the store and shown from its entry. A page
merges the store's page, skipping hidden customers, with the entries that match: its cost
grows with the number of customers written to, which a mock's tests keep small, not with the
size of the dataset.

Pages after the first of a traversal are read *as of the traversal's snapshot*: a customer
whose last change is newer than the snapshot is left out. Such a customer may already have
been shown, at its old place, so this is what keeps a traversal from ever returning a customer
twice; every customer that existed, unchanged, for the whole traversal keeps its place in the
order and is returned exactly once.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

import orjson

from mockserver.domain.customer import Customer, has_active_rentals, list_item
from mockserver.domain.ordering import FIELDS, SortKey
from mockserver.domain.query import ListQuery, fold_email
from mockserver.storage.seededindex import Page, TenantStore, group_of, matching_groups

__all__ = ["Entry", "OverlaidStore"]


@dataclass(frozen=True, slots=True)
class Entry:
    """A customer changed or created since the seed, encoded and keyed once."""

    record: Customer
    seq: int
    item: bytes
    detail: bytes
    group: int
    folded_email: str
    keys: dict[str, SortKey]

    @classmethod
    def of(cls, record: Customer, seq: int) -> Entry:
        return cls(
            record=record,
            seq=seq,
            item=orjson.dumps(list_item(record)),
            detail=orjson.dumps({"customer": record}),
            group=group_of(record["status"], record["customerType"], has_active_rentals(record)),
            folded_email=fold_email(record["email"]),
            keys={field.name: field.key(record) for field in FIELDS},
        )


class OverlaidStore:
    """One tenant's seeded store and the entries laid over it; positions past the store's are entries."""

    def __init__(self, base: TenantStore) -> None:
        self.base = base
        self.tenant = base.tenant
        self._entries: list[Entry] = []
        self._entry_of: dict[str, int] = {}
        self._entry_with_email: dict[str, int] = {}
        self._hidden: set[int] = set()
        self._orders: dict[str, list[tuple[SortKey, int]]] = {}

    def __len__(self) -> int:
        return len(self.base) + len(self._entries) - len(self._hidden)

    def apply(self, seq: int, record: Customer) -> None:
        """Lay `record`, changed at `seq`, over whatever the customer was."""
        customer_id = record["customerId"]
        entry = Entry.of(record, seq)
        self._orders.clear()
        index = self._entry_of.get(customer_id)
        if index is None:
            index = self._entry_of[customer_id] = len(self._entries)
            self._entries.append(entry)
            seeded = self.base.position_of(customer_id)
            if seeded is not None:
                self._hidden.add(seeded)
        else:
            del self._entry_with_email[self._entries[index].folded_email]
            self._entries[index] = entry
        self._entry_with_email[entry.folded_email] = index

    def record(self, customer_id: str) -> Customer | None:
        """The customer's record as it is now, or None."""
        index = self._entry_of.get(customer_id)
        if index is not None:
            return self._entries[index].record
        position = self.base.position_of(customer_id)
        return None if position is None else self.base.record(position)

    def customer_with_email(self, email: str) -> str | None:
        """The id of the customer whose email equals `email` as the API compares them, or None."""
        folded = fold_email(email)
        index = self._entry_with_email.get(folded)
        if index is not None:
            return str(self._entries[index].record["customerId"])
        position = self.base.position_of_email(folded)
        if position is None or position in self._hidden:
            return None
        return self.base.customer_id(position)

    def detail_json(self, customer_id: str) -> bytes | None:
        """The Get Customer body for `customer_id`, or None when the tenant has no such customer."""
        index = self._entry_of.get(customer_id)
        if index is not None:
            return self._entries[index].detail
        return self.base.detail_json(customer_id)

    def key_of(self, position: int, field: str) -> SortKey:
        """Where the customer at `position` stands in an order by `field`."""
        seeded = len(self.base)
        if position < seeded:
            return self.base.key_of(position, field)
        return self._entries[position - seeded].keys[field]

    def items_json(self, positions: Iterable[int]) -> list[bytes]:
        """The list items at `positions`, encoded, in that order."""
        if not self._entries:
            return self.base.items_json(positions)
        seeded = len(self.base)
        listed = list(positions)
        from_base = iter(self.base.items_json([position for position in listed if position < seeded]))
        return [next(from_base) if p < seeded else self._entries[p - seeded].item for p in listed]

    def page(self, query: ListQuery, after: SortKey | None, snapshot: int | None = None) -> Page:
        """The customers matching `query` after `after`, at most `limit`, as of `snapshot` (None: now)."""
        if not self._entries:
            return self.base.page(query, after)
        wanted = query.limit + 1
        positions = self._seeded(query, after, wanted)
        written = self._laid_over(query, after, snapshot, wanted)
        if written:
            keyed = [(self.base.key_of(position, query.sort_by), position) for position in positions]
            keyed.extend(written)
            keyed.sort(reverse=query.descending)  # keys are unique: positions are never compared
            positions = [position for _, position in keyed[:wanted]]
        return Page(positions=positions[: query.limit], has_more=len(positions) > query.limit)

    def _seeded(self, query: ListQuery, after: SortKey | None, wanted: int) -> list[int]:
        """The store's matching customers after `after`, hidden ones skipped, at most `wanted`."""
        found: list[int] = []
        narrowed = query._replace(limit=wanted)
        while True:
            page = self.base.page(narrowed, after)
            found.extend(position for position in page.positions if position not in self._hidden)
            if len(found) >= wanted or not page.has_more:
                return found[:wanted]
            after = self.base.key_of(page.positions[-1], query.sort_by)

    def _laid_over(
        self, query: ListQuery, after: SortKey | None, snapshot: int | None, wanted: int
    ) -> list[tuple[SortKey, int]]:
        """At most `wanted` matching entries after `after` (none newer than `snapshot`), keyed, in the query's order."""
        order = self._order_of_entries(query.sort_by)
        if query.descending:
            end = len(order) if after is None else bisect_left(order, after, key=itemgetter(0))
            candidates: Iterable[tuple[SortKey, int]] = reversed(order[:end])
        else:
            start = 0 if after is None else bisect_right(order, after, key=itemgetter(0))
            candidates = order[start:]
        groups = matching_groups(query)
        folded = None if query.email is None else fold_email(query.email)
        seeded = len(self.base)
        found = []
        for key, index in candidates:
            entry = self._entries[index]
            if snapshot is not None and entry.seq > snapshot:
                continue
            if entry.group not in groups or (folded is not None and entry.folded_email != folded):
                continue
            found.append((key, seeded + index))
            if len(found) == wanted:
                break
        return found

    def _order_of_entries(self, field: str) -> list[tuple[SortKey, int]]:
        """The entries in ascending order by `field`, sorted once after each write."""
        order = self._orders.get(field)
        if order is None:
            order = self._orders[field] = sorted(
                (entry.keys[field], index) for index, entry in enumerate(self._entries)
            )
        return order
