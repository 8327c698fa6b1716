"""List items kept as their parts and joined when a page asks for them: a large dataset's items.

A generated item is about a kilobyte of JSON, most of it repeated from item to item (keys, names,
streets, companies). Held joined, a million of them take 951 MiB; held as parts, a few hundred
bytes each: per customer the codes of its shared fragments, and the bytes only it has (its ids
and email, its order and rental ids, its timestamps) as three *spans*, laid end to end in one
buffer. An item is its codes' fragments joined, with its spans in three places kept for them. A
page joins its fifty-odd items with two numpy gathers, three slices and one `bytes.join` each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, overload

import numpy as np
import numpy.typing as npt

__all__ = ["AssembledItems", "SPANS"]

SPANS = 3
_BOUNDS = np.arange(SPANS + 1)


class AssembledItems(Sequence[bytes]):
    """Items joined on demand from shared fragments and per-item spans (see the module's docstring)."""

    __slots__ = ("_bounds", "_codes", "_fragments", "_places", "_spans")

    def __init__(
        self,
        fragments: npt.NDArray[np.object_],
        codes: npt.NDArray[np.integer[Any]],
        places: tuple[int, int, int],
        spans: bytes,
        bounds: npt.NDArray[np.int64],
    ) -> None:
        """Item i: `fragments[codes[i]]` joined, the three parts at `places` (columns) replaced by its spans.

        Span j of item i is `spans[bounds[3i + j] : bounds[3i + j + 1]]`.
        """
        self._fragments = fragments
        self._codes = codes
        self._places = places
        self._spans = spans
        self._bounds = bounds

    def __len__(self) -> int:
        return len(self._codes)

    @overload
    def __getitem__(self, index: int) -> bytes: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[bytes]: ...
    def __getitem__(self, index: int | slice) -> bytes | Sequence[bytes]:
        if isinstance(index, slice):
            return self.take(range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("AssembledItems index out of range")
        return self.take((index,))[0]

    def take(self, positions: Iterable[int]) -> list[bytes]:
        """The items at `positions`, joined, in that order."""
        rows = np.fromiter(positions, dtype=np.intp)
        items = self._fragments[self._codes[rows]].tolist()
        bounds = self._bounds[rows[:, None] * SPANS + _BOUNDS].tolist()
        spans = self._spans
        first, second, third = self._places
        for parts, (start, middle, last, end) in zip(items, bounds, strict=True):
            parts[first] = spans[start:middle]
            parts[second] = spans[middle:last]
            parts[third] = spans[last:end]
        return list(map(b"".join, items))
