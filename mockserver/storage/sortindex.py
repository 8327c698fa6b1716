"""One sort field's order over a store, so that a page costs O(log n + limit) whatever the filters.

Customers are numbered by *rank*, their place in ascending `(value, customerId)` order. The
index keeps rank → position, position → rank and, for each *bucket* — a set of groups, a group
being one combination of the two-valued filters — the ascending ranks of its customers. A
filter combination is one bucket or a union of buckets, so a page bisects to the cursor's rank
in each and takes at most `limit + 1` ranks from each: merging them is a sort of at most a few
hundred small integers in C, whatever the data's size or the rarity of the filter. Without
filters the ranks themselves are the page, and no bucket is read.
"""

from __future__ import annotations

import itertools
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from mockserver.domain.ordering import SortKey

__all__ = ["SortIndex", "items_at"]

T = TypeVar("T")


class SortIndex:
    """Ranks of one sort field: the whole order, and each bucket's part of it."""

    __slots__ = ("_buckets", "_order", "_ranks")

    def __init__(
        self, values: Sequence[Any], by_id: Sequence[int], groups: bytes, buckets: Sequence[frozenset[int]]
    ) -> None:
        """Order positions by `values`, ties by customerId (`by_id`: positions in customerId order).

        `groups` holds each position's group; `buckets` the groups of each bucket to keep.
        """
        ordered = list(by_id)
        ordered.sort(key=values.__getitem__)  # stable, so equal values stay in customerId order
        self._take(np.array(ordered, dtype=np.intp), np.frombuffer(groups, dtype=np.uint8), buckets)

    @classmethod
    def from_keys(
        cls,
        keys: npt.NDArray[Any],
        by_id: npt.NDArray[np.intp],
        groups: npt.NDArray[np.uint8],
        buckets: Sequence[frozenset[int]],
    ) -> SortIndex:
        """As the constructor, with the values given as numpy `keys` that order as they do, ties alike."""
        index = cls.__new__(cls)
        index._take(by_id[np.argsort(keys[by_id], kind="stable")], groups, buckets)
        return index

    def _take(
        self, ordered: npt.NDArray[np.intp], groups: npt.NDArray[np.uint8], buckets: Sequence[frozenset[int]]
    ) -> None:
        """Keep `ordered` (positions by rank), its inverse, and each bucket's ranks, as compact arrays."""
        ranks = np.empty(len(ordered), dtype=np.int32)
        ranks[ordered] = np.arange(len(ordered), dtype=np.int32)
        self._order = _int_array(ordered)
        self._ranks = _int_array(ranks)
        group_of_rank = groups[ordered]
        # One group's ranks are a run of all ranks sorted by group, stably: ascending within it.
        by_group = np.argsort(group_of_rank, kind="stable")
        ends = np.cumsum(np.bincount(group_of_rank, minlength=256))
        starts = ends - np.bincount(group_of_rank, minlength=256)

        def ranks_of(bucket: frozenset[int]) -> npt.NDArray[np.intp]:
            if len(bucket) == 1:
                (group,) = bucket
                return by_group[starts[group] : ends[group]]
            return np.flatnonzero(_members(bucket)[group_of_rank])

        self._buckets = tuple(_int_array(ranks_of(bucket)) for bucket in buckets)

    def position(self, rank: int) -> int:
        return self._order[rank]

    def rank(self, position: int) -> int:
        return self._ranks[position]

    def boundary(
        self, after: SortKey, descending: bool, key_at: Callable[[int], SortKey], hint: int | None = None
    ) -> int:
        """The first rank after `after` (ascending), or the rank just past the last one before it (descending).

        `hint` is the position of the cursor's customer when the store still has it: when its
        key is unchanged, its rank is the answer at once; otherwise (the data changed under the
        cursor) the whole order is bisected by key, which is still O(log n).
        """
        if hint is not None and key_at(hint) == after:
            rank = self._ranks[hint]
            return rank if descending else rank + 1
        if descending:
            return bisect_left(self._order, after, key=key_at)
        return bisect_right(self._order, after, key=key_at)

    def positions(self, buckets: Sequence[int], boundary: int, count: int, descending: bool) -> list[int]:
        """The positions of at most `count` customers of `buckets` from `boundary` on, in the query's direction.

        No buckets means every customer.
        """
        return items_at(self._order, self.ranks(buckets, boundary, count, descending))

    def ranks(self, buckets: Sequence[int], boundary: int, count: int, descending: bool) -> list[int]:
        """At most `count` ranks of `buckets`' customers (all when none) from `boundary` on, in that direction."""
        if not buckets:
            if descending:
                return list(range(boundary - 1, max(boundary - 1 - count, -1), -1))
            return list(range(boundary, min(boundary + count, len(self._order))))
        picked = []
        for number in buckets:
            bucket = self._buckets[number]
            start = bisect_left(bucket, boundary)
            picked.append(bucket[max(start - count, 0) : start] if descending else bucket[start : start + count])
        if len(picked) == 1:
            return picked[0][::-1].tolist() if descending else picked[0].tolist()
        return sorted(itertools.chain.from_iterable(picked), reverse=descending)[:count]


def items_at(values: Sequence[T], indexes: Sequence[int]) -> list[T]:
    """`[values[i] for i in indexes]`, in one call: mapping `values.__getitem__` over a page cost twice as much."""
    if len(indexes) < 2:  # an itemgetter of one index gives the item itself, not a tuple of it
        return [values[index] for index in indexes]
    return list(itemgetter(*indexes)(values))


def _members(groups: frozenset[int]) -> npt.NDArray[np.bool_]:
    """For each possible group (a byte), whether it is in `groups`."""
    return np.isin(np.arange(256), list(groups))


def _int_array(values: npt.NDArray[np.integer[Any]]) -> array[int]:
    """`values` as a C int array, which `bisect` and indexing read far faster than a numpy array."""
    return array("i", values.astype(np.intc).tobytes())
