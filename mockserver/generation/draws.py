"""Seeded random draws, whole columns at a time, the same on any machine and numpy release.

Numbers come from one PCG64 stream, whose output numpy documents as fixed for a seed, and are
turned into floats and bounded integers here rather than by numpy's distributions, which a
numpy release may change. Every draw takes as many raw numbers as values, so a draw's first
values do not depend on how many follow.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import numpy.typing as npt

__all__ = ["Bools", "Draws", "Floats", "Ints", "seed_entropy"]

_UNIT: Final = 1.0 / (1 << 53)

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


def seed_entropy(*parts: object) -> int:
    """A 256-bit seed from `parts` (a seed, a tenant, …): stable, unlike Python's own string hashes."""
    text = ":".join(str(part) for part in parts)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big")


class Draws:
    """Columns of random values from one PCG64 stream."""

    __slots__ = ("_bits",)

    def __init__(self, entropy: int, stream: int = 0) -> None:
        """The stream numbered `stream` of the seed `entropy` (streams of one seed are independent)."""
        self._bits = np.random.PCG64(np.random.SeedSequence(entropy, spawn_key=(stream,)))

    def words(self, size: int) -> npt.NDArray[np.uint64]:
        """`size` raw 64-bit numbers."""
        words: npt.NDArray[np.uint64] = self._bits.random_raw(size)
        return words

    def uniform(self, size: int) -> Floats:
        """`size` floats in [0, 1), each of 53 random bits."""
        return (self.words(size) >> np.uint64(11)).astype(np.float64) * _UNIT

    def below(self, bound: int, size: int | tuple[int, int]) -> Ints:
        """Integers in [0, `bound`) for `bound` up to 2**32 (multiply-shift; bias below bound / 2**32)."""
        count = size if isinstance(size, int) else size[0] * size[1]
        high = self.words(count) >> np.uint64(32)
        values = ((high * np.uint64(bound)) >> np.uint64(32)).astype(np.int64)
        return values if isinstance(size, int) else values.reshape(size)

    def chance(self, probability: float, size: int) -> Bools:
        """`size` booleans, each true with `probability` (to within 2**-64)."""
        return self.words(size) < np.uint64(min(int(probability * 2.0**64), 2**64 - 1))

    def pick(self, options: Sequence[Any], size: int) -> npt.NDArray[Any]:
        """`size` values drawn from `options`, each equally likely (repeat an option to weight it)."""
        return np.asarray(options)[self.below(len(options), size)]

    def weighted(self, weights: Sequence[int], size: int) -> Ints:
        """`size` indexes into `weights`, each drawn with probability proportional to its weight."""
        cumulative = np.cumsum(np.asarray(weights, dtype=np.int64))
        return np.searchsorted(cumulative, self.below(int(cumulative[-1]), size), side="right").astype(np.int64)
