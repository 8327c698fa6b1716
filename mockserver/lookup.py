"""Finding a customer's position by a unique key (its id, its folded email) in O(log n).

A dict of a million strings costs more than a hundred megabytes. This keeps only each key's
64-bit hash, sorted, beside the position it belongs to: twelve bytes a customer. A hit is
confirmed by the caller against the real value, so two keys that share a hash never mix.
Hashes are Python's own, valid for the life of the process, which is the life of the table.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Sequence


class HashLookup:
    """Positions by key, through a sorted array of the keys' hashes."""

    __slots__ = ("_hashes", "_positions")

    def __init__(self, keys: Sequence[str]) -> None:
        hashes = [hash(key) for key in keys]
        order = sorted(range(len(hashes)), key=hashes.__getitem__)
        self._hashes = array("q", [hashes[position] for position in order])
        self._positions = array("i", order)

    def find(self, key: str, is_match: Callable[[int], bool]) -> int | None:
        """The position whose key is `key`, as `is_match(position)` confirms; None when there is none."""
        hashes = self._hashes
        wanted = hash(key)
        index = bisect_left(hashes, wanted)
        while index < len(hashes) and hashes[index] == wanted:
            position = self._positions[index]
            if is_match(position):
                return position
            index += 1
        return None
