"""Identifiers such as `cus_7Qm2X-T9aB4dLp_Z`: random-looking, and unique by construction.

An identifier's digits are base 64 in the URL-safe alphabet (letters, digits, `-` and `_`),
six bits each, so no division is needed to spell them. Its last eleven digits spell a keyed
bijection of its number (SplitMix64's finaliser, which maps the 64-bit integers one to one
onto themselves), so two numbers never give the same identifier and none needs checking
against the others; the digits before them are random. The first of the eleven holds only
the four bits left over, so it is one of sixteen characters.
"""

from __future__ import annotations

import string
from typing import Final

import numpy as np
import numpy.typing as npt

from mockserver.generation.draws import Draws

__all__ = ["ALPHABET", "ByteRows", "UInt64s", "UNIQUE_DIGITS", "identifiers"]

# In ASCII order, so that identifiers of one width sort as the numbers they spell.
ALPHABET: Final = "-" + string.digits + string.ascii_uppercase + "_" + string.ascii_lowercase
UNIQUE_DIGITS: Final = 11

UInt64s = npt.NDArray[np.uint64]
ByteRows = npt.NDArray[np.uint8]


def identifiers(prefix: str, numbers: UInt64s, key: int, width: int, draws: Draws) -> ByteRows:
    """Identifiers of `numbers`: `prefix`, then `width` base-64 digits; as rows of ASCII bytes.

    Distinct numbers give distinct identifiers; `key` (below 2**64) decides which, and `draws`
    gives the `width - 11` leading digits.
    """
    alphabet = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)
    free = width - UNIQUE_DIGITS
    digits = np.empty((len(numbers), width), dtype=np.uint8)
    if free:
        digits[:, :free] = _digits(draws.words(len(numbers)), free)
    digits[:, free:] = _digits(_mix(numbers ^ np.uint64(key)), UNIQUE_DIGITS)
    rows = np.empty((len(numbers), len(prefix) + width), dtype=np.uint8)
    rows[:, : len(prefix)] = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    rows[:, len(prefix) :] = alphabet[digits]
    return rows


def _mix(values: UInt64s) -> UInt64s:
    """SplitMix64's finaliser: a bijection of the 64-bit integers that flips about half the bits for any one."""
    values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def _digits(values: UInt64s, count: int) -> ByteRows:
    """The last `count` (at most 11) base-64 digits of each value, most significant first."""
    digits = np.empty((len(values), count), dtype=np.uint8)
    for place in range(count):
        digits[:, count - 1 - place] = (values >> np.uint64(6 * place)) & np.uint64(63)
    return digits
