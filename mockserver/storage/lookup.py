"""Finding a customer's position by a unique key (its id, its folded email) in O(log n).

A dict of a million strings costs more than a hundred megabytes. This keeps only each key's
64-bit hash, sorted, beside the position it belongs to: twelve bytes a customer. A hit is
confirmed by the caller against the real value, so two keys that share a hash never mix.
A key's hash is Python's `hash()` of its UTF-8 bytes (`key_hash`), which a generator holding
bytes computes without making strings; it is valid for the life of the process, which is the
life of the table.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["HashLookup", "key_hash"]


def key_hash(key: str) -> int:
    """The hash a `HashLookup` files `key` under."""
    return hash(key.encode("utf-8", "surrogatepass"))


class HashLookup:
    """Positions by key, through a sorted array of the keys' hashes."""

    __slots__ = ("_hashes", "_positions")

    def __init__(self, keys: Sequence[str]) -> None:
        self._index(np.fromiter(map(key_hash, keys), dtype=np.int64, count=len(keys)))

    @classmethod
    def from_hashes(cls, hashes: npt.NDArray[np.int64]) -> HashLookup:
        """The lookup of keys whose `key_hash` values are `hashes`, position by position."""
        lookup = cls.__new__(cls)
        lookup._index(hashes)
        return lookup

    def _index(self, hashes: npt.NDArray[np.int64]) -> None:
        order = np.argsort(hashes, kind="stable")
        self._hashes = array("q", hashes[order].astype(np.int64).tobytes())
        self._positions = array("i", order.astype(np.intc).tobytes())

    def find(self, key: str, is_match: Callable[[int], bool]) -> int | None:
        """The position whose key is `key`, as `is_match(position)` confirms; None when there is none."""
        hashes = self._hashes
        wanted = key_hash(key)
        index = bisect_left(hashes, wanted)
        while index < len(hashes) and hashes[index] == wanted:
            position = self._positions[index]
            if is_match(position):
                return position
            index += 1
        return None
