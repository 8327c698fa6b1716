"""List items kept as their parts and joined when a page asks for them: a large dataset's items.

A generated item is about a kilobyte of JSON, most of it repeated from item to item (keys, names,
streets, companies). Held joined, a million of them take 951 MiB; held as parts, a few hundred
bytes each: per customer the codes of its shared fragments, and the bytes only it has (its ids
and email, its order and rental ids, its timestamps) as three *spans*, laid end to end in one
buffer. An item is its codes' fragments joined, with its spans in three places kept for them.

A page's fifty-odd items are joined in C (`_assemble.c`, built at install when a C compiler is
at hand): about 25 µs a page at a million customers, where the same join in Python (two numpy
gathers, three slices and one `bytes.join` an item) takes about 90, and most of that is the
rows' cache misses. Without the extension the Python join serves the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any, Final, overload

import numpy as np
import numpy.typing as npt

__all__ = ["NATIVE_JOIN", "SPANS", "AssembledItems", "native_join"]

SPANS = 3
_BOUNDS = np.arange(SPANS + 1)


try:
    from mockserver.storage import _assemble

    native_join: Callable[..., list[bytes]] | None = _assemble.join
except ImportError:  # installed without a C compiler
    native_join = None

# `native_join` is the C join itself (None where it was not built), for tests that hold it to its checks.
NATIVE_JOIN: Final = native_join is not None


class AssembledItems(Sequence[bytes]):
    """Items joined on demand from shared fragments and per-item spans (see the module's docstring)."""

    __slots__ = ("_bounds", "_codes", "_fragments", "_native", "_places", "_spans")

    def __init__(
        self,
        fragments: npt.NDArray[np.object_],
        codes: npt.NDArray[np.integer[Any]],
        places: tuple[int, int, int],
        spans: bytes,
        bounds: npt.NDArray[np.int64],
        *,
        native: bool = NATIVE_JOIN,
    ) -> None:
        """Item i: `fragments[codes[i]]` joined, the three parts at `places` (ascending columns) replaced by its spans.

        Span j of item i is `spans[bounds[3i + j] : bounds[3i + j + 1]]`. `native`: join in C
        (the default where the extension was built) or in Python.
        """
        if native and native_join is None:
            raise RuntimeError("the C join (mockserver.storage._assemble) was not built at install")
        self._fragments = fragments
        self._codes = np.ascontiguousarray(codes, dtype=np.int32)
        self._places = places
        self._spans = spans
        self._bounds = np.ascontiguousarray(bounds, dtype=np.int64)
        self._native: Callable[[Sequence[int]], list[bytes]] | None = None
        if native and native_join is not None and len(self._codes):
            # The C join reads the fragments laid end to end: one buffer, and where each starts.
            listed = fragments.tolist()
            offsets = np.cumsum([0, *map(len, listed)], dtype=np.int64)
            width = self._codes.shape[1]
            arguments = (b"".join(listed), offsets, self._codes, width, places, spans, self._bounds)
            self._native = partial(native_join, *arguments)

    def in_python(self) -> AssembledItems:
        """The same items, joined in Python (to compare the two joins)."""
        return AssembledItems(self._fragments, self._codes, self._places, self._spans, self._bounds, native=False)

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
        """The items at `positions` (each in `range(len(self))`), joined, in that order."""
        if self._native is not None:
            return self._native(positions if isinstance(positions, Sequence) else list(positions))
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
