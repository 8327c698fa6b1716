"""Each sort field's column, made from a tenant's draws: one recipe per field of `ordering.FIELDS`.

A store orders customers by numpy keys and reads a cursor's value from a compact column
(`storage.table.SortColumn`). For data read from records, both come from `SortField.value`;
for generated data they are made here from the draws directly, a whole tenant at once, which
is what makes a million customers fast to index. A recipe names the draws it reads and the
kind of field it makes, and `tests/mock/test_generator.py` holds the recipes to the table and their
columns to the values the records show.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import ClassVar, Final

import numpy as np
import numpy.typing as npt

from mockserver.domain.ordering import FIELDS, SortKind
from mockserver.generation.draws import Ints
from mockserver.generation.identifiers import ByteRows
from mockserver.generation.pools import LocalePool, Pools
from mockserver.storage.columns import CodedColumn, PackedText
from mockserver.storage.table import SortColumn

__all__ = [
    "COLUMNS",
    "Cents",
    "Count",
    "Drawn",
    "Emails",
    "Pooled",
    "Recipe",
    "Timestamp",
    "byte_order",
    "sort_columns",
]


class Drawn:
    """A tenant's kept draws, whole, and the arrays made of them, each made once (columns may share one)."""

    def __init__(
        self,
        numbers: Mapping[str, Ints],
        pools: Pools,
        emails: PackedText,
        email_keys: Sequence[npt.NDArray[np.bytes_]],
    ) -> None:
        """`numbers` by `CustomerDraws` name; `emails` as listed, and `email_keys` as fixed-width bytes, by chunk."""
        self.numbers = numbers
        self.pools = pools
        self.emails = emails
        self.email_keys = email_keys
        self._arrays: dict[tuple[str, str, int], array[int]] = {}

    def packed(self, draw: str, typecode: str, scale: int = 1) -> array[int]:
        """The draw `draw` times `scale` as an `array` of `typecode`, made on the first call."""
        key = (draw, typecode, scale)
        made = self._arrays.get(key)
        if made is None:
            numbers = self.numbers[draw]
            made = self._arrays[key] = array(typecode, (numbers * scale if scale != 1 else numbers).tolist())
        return made


class Recipe(ABC):
    """How one sort field's column is made from the draws; `kind` is the kind of field it makes."""

    kind: ClassVar[SortKind]

    @property
    def draws(self) -> tuple[str, ...]:
        """The `CustomerDraws` it reads, which the table builder keeps."""
        return ()

    @abstractmethod
    def column(self, drawn: Drawn) -> SortColumn:
        """The field's values and keys over the whole tenant."""


@dataclass(frozen=True, slots=True)
class OneDraw(Recipe):
    """A recipe that reads one draw, `draw`."""

    draw: str

    @property
    def draws(self) -> tuple[str, ...]:
        return (self.draw,)


@dataclass(frozen=True, slots=True)
class Timestamp(OneDraw):
    """An instant drawn in milliseconds; its value in microseconds since the epoch, as `SortField.value` reads one."""

    kind: ClassVar[SortKind] = "timestamp"

    def column(self, drawn: Drawn) -> SortColumn:
        return SortColumn(drawn.packed(self.draw, "q", 1000), drawn.numbers[self.draw])  # ms order as µs do


@dataclass(frozen=True, slots=True)
class Cents(OneDraw):
    """An amount drawn in cents, listed in the currency's units."""

    kind: ClassVar[SortKind] = "number"

    def column(self, drawn: Drawn) -> SortColumn:
        cents = drawn.numbers[self.draw]
        return SortColumn(array("d", (cents / 100).tolist()), cents)


@dataclass(frozen=True, slots=True)
class Count(OneDraw):
    """A small count (0–255), listed as drawn."""

    kind: ClassVar[SortKind] = "number"

    def column(self, drawn: Drawn) -> SortColumn:
        return SortColumn(drawn.packed(self.draw, "B"), drawn.numbers[self.draw])


@dataclass(frozen=True, slots=True)
class Pooled(OneDraw):
    """A string drawn as a code into every locale's pool laid end to end, as `pool` reads a locale's."""

    kind: ClassVar[SortKind] = "string"
    pool: Callable[[LocalePool], Sequence[str]]

    def column(self, drawn: Drawn) -> SortColumn:
        values = [value for locale in drawn.pools.locales for value in self.pool(locale)]
        codes = drawn.numbers[self.draw]
        return SortColumn(CodedColumn.from_codes(values, codes.tolist()), _string_ranks(values)[codes])


@dataclass(frozen=True, slots=True)
class Emails(Recipe):
    """The emails, ordered by their bytes (code points, since they are UTF-8)."""

    kind: ClassVar[SortKind] = "string"

    def column(self, drawn: Drawn) -> SortColumn:
        keys = np.concatenate([np.zeros(0, np.bytes_), *drawn.email_keys])
        return SortColumn(drawn.emails, _ranks(byte_order(_as_rows(keys))))


COLUMNS: Final[Mapping[str, Recipe]] = {
    "createdAt": Timestamp("created_ms"),
    "firstName": Pooled("first", attrgetter("first_names")),
    "lastName": Pooled("last", attrgetter("last_names")),
    "email": Emails(),
    "totalMonthlyRevenue": Cents("revenue_cents"),
    "totalDevicesRented": Count("devices"),
}
"""The recipe of every field of `ordering.FIELDS`, by name."""


def sort_columns(drawn: Drawn) -> dict[str, SortColumn]:
    """The column of every sort field, by name, as `storage.table.CustomerTable` holds them."""
    return {field.name: COLUMNS[field.name].column(drawn) for field in FIELDS}


def byte_order(rows: ByteRows) -> npt.NDArray[np.intp]:
    """The positions of byte-string rows in byte order (code point order for UTF-8), shorter first on a tie.

    Eight bytes at a time as big-endian integers, sorted least significant first: numpy sorts
    integers several times faster than byte strings.
    """
    width = -(-rows.shape[1] // 8) * 8
    padded = np.zeros((len(rows), width), dtype=np.uint8)
    padded[:, : rows.shape[1]] = rows
    words = padded.view(">u8")
    return np.lexsort(words.T[::-1]) if width else np.arange(len(rows))


def _ranks(order: npt.NDArray[np.intp]) -> Ints:
    """Each position's place in `order`, which lists positions."""
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(len(order))
    return ranks


def _as_rows(strings: npt.NDArray[np.bytes_]) -> ByteRows:
    """Fixed-width byte strings as rows of bytes, padded with zeros."""
    return np.ascontiguousarray(strings).view(np.uint8).reshape(len(strings), strings.dtype.itemsize)


def _string_ranks(values: Sequence[str]) -> Ints:
    """Each value's rank among `values` in code point order; equal values share a rank."""
    ranks = {value: rank for rank, value in enumerate(sorted(set(values)))}
    return np.array([ranks[value] for value in values], dtype=np.int64)
