"""Get Customer bodies, kept as what the list item does not already hold.

A record is its list item plus the profitability figures, which in generated data (and in
most fixture files) come last. So a body is the stored list item with the figures appended;
only their values are stored, as a small JSON array, and the key names once per distinct
sequence of them. That is about a quarter of the encoded figures' size, and the body is
re-encoded byte for byte as `orjson.dumps({"customer": record})` would write it. A record
whose figures are interleaved with the list fields keeps its whole body instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from mockserver.columns import CodedColumn, PackedBytes, PackedBytesBuilder, exact_size
from mockserver.customer import PROFITABILITY_FIELDS

_PREFIX = b'{"customer":'


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
        figures = orjson.dumps(dict(zip(names, orjson.loads(self._values[position]), strict=True)))
        return _PREFIX + item[:-1] + b"," + figures[1:] + b"}"


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
