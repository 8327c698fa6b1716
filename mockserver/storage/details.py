"""Get Customer bodies, kept as what the list item does not already hold.

A record is its list item plus the profitability figures, which in generated data (and in
most fixture files) come last. So a body is the stored list item with the figures appended,
re-encoded byte for byte as `orjson.dumps({"customer": record})` would write it. Generated
figures follow from five numbers (`profitability.py`), which is all `FigureBodies` keeps. Of
other records only the figures' values are stored, as a small JSON array, and the key names
once per distinct sequence of them: about a quarter of the encoded figures' size. A record
whose figures are interleaved with the list fields keeps its whole body instead.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import orjson

from mockserver.domain import profitability
from mockserver.domain.customer import PROFITABILITY_FIELDS
from mockserver.storage.columns import CodedColumn, PackedBytes, PackedBytesBuilder, exact_size

__all__ = ["DetailBodies", "DetailBodiesBuilder", "DetailSource", "FigureBodies"]

_PREFIX = b'{"customer":'


class DetailSource(Protocol):
    """Where a store finds Get Customer bodies."""

    def body(self, position: int, item: bytes) -> bytes:
        """The Get Customer body of the customer at `position`, whose list item is `item`."""
        ...


def _with_figures(item: bytes, encoded_figures: bytes) -> bytes:
    """The body of a record whose list item is `item` and whose figures, after it, encode as `encoded_figures`."""
    return _PREFIX + item[:-1] + b"," + encoded_figures[1:] + b"}"


class FigureBodies:
    """Get Customer bodies of generated customers, their figures computed when asked for."""

    __slots__ = ("_collected", "_cost", "_created", "_devices", "_rentals")

    def __init__(
        self,
        created_us: Sequence[int],
        collected_cents: array[int],
        cost_cents: array[int],
        devices: array[int],
        rentals: array[int],
    ) -> None:
        """Each customer's `profitability.figures` arguments, one column each; creation in µs, as sorted."""
        self._created = created_us
        self._collected = collected_cents
        self._cost = cost_cents
        self._devices = devices
        self._rentals = rentals

    def body(self, position: int, item: bytes) -> bytes:
        """The Get Customer body of the customer at `position`, whose list item is `item`."""
        computed = profitability.figures(
            self._created[position] // 1000,
            self._collected[position],
            self._cost[position],
            self._devices[position],
            self._rentals[position],
        )
        return _with_figures(item, orjson.dumps(computed))


class DetailBodies:
    """The Get Customer body of each position, given its list item; see `DetailBodiesBuilder`."""

    __slots__ = ("_layouts", "_values", "_whole")

    def __init__(self, layouts: Sequence[tuple[str, ...]], values: PackedBytes, whole: dict[int, bytes]) -> None:
        self._layouts = layouts
        self._values = values
        self._whole = whole

    def body(self, position: int, item: bytes) -> bytes:
        """The Get Customer body of the customer at `position`, whose list item is `item`."""
        whole = self._whole.get(position)
        if whole is not None:
            return whole
        names = self._layouts[position]
        if not names:
            return _PREFIX + item + b"}"
        stored = dict(zip(names, orjson.loads(self._values[position]), strict=True))
        return _with_figures(item, orjson.dumps(stored))


class DetailBodiesBuilder:
    """Splits each record's figures off, one record at a time, for `DetailBodies`."""

    __slots__ = ("_layouts", "_values", "_whole")

    def __init__(self) -> None:
        self._layouts: list[tuple[str, ...]] = []
        self._values = PackedBytesBuilder()
        self._whole: dict[int, bytes] = {}

    def add(self, record: Mapping[str, Any]) -> None:
        names = tuple(record)
        figures = tuple(name for name in names if name in PROFITABILITY_FIELDS)
        trailing = names[len(names) - len(figures) :] == figures
        if figures and (len(figures) == len(names) or not trailing):
            self._whole[len(self._layouts)] = exact_size(orjson.dumps({"customer": record}))
            figures = ()
        self._layouts.append(figures)
        self._values.append(orjson.dumps([record[name] for name in figures]) if figures else b"")

    def build(self) -> DetailBodies:
        return DetailBodies(CodedColumn(self._layouts), self._values.build(), self._whole)
