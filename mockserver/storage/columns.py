"""Compact columns: one value per customer without one Python object per value.

A million customers held as dicts, tuples and strings cost gigabytes; the same values packed
into `array`s and byte buffers cost a few bytes each beyond the data itself. Every column here
is an immutable sequence indexed by a customer's position in its store.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from typing import Any, overload

__all__ = [
    "CodedColumn",
    "FixedWidthText",
    "PackedBytes",
    "PackedBytesBuilder",
    "PackedText",
    "compact_column",
    "exact_size",
]

# Strings with at most one distinct value per this many customers are stored as codes.
_CODED_SHARE = 4
_INT64 = (-(2**63), 2**63 - 1)


class PackedBytes(Sequence[bytes]):
    """Byte strings laid end to end in one buffer, found through an array of offsets."""

    __slots__ = ("_buffer", "_offsets")

    def __init__(self, buffer: bytes = b"", offsets: array[int] | None = None) -> None:
        """`buffer` holds string i from `offsets[i]` to `offsets[i + 1]`; see `PackedBytesBuilder`."""
        self._buffer = buffer
        self._offsets = array("q", [0]) if offsets is None else offsets

    @classmethod
    def of(cls, chunks: Iterable[bytes]) -> PackedBytes:
        builder = PackedBytesBuilder()
        for chunk in chunks:
            builder.append(chunk)
        return builder.build()

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, index: int) -> bytes: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[bytes]: ...
    def __getitem__(self, index: int | slice) -> bytes | Sequence[bytes]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        offsets = self._offsets  # read on every page, a few times: no call to __len__
        count = len(offsets) - 1
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError("PackedBytes index out of range")
        return self._buffer[offsets[index] : offsets[index + 1]]


class PackedBytesBuilder:
    """Collects byte strings one at a time, for a `PackedBytes` (no per-string object is kept)."""

    __slots__ = ("_buffer", "_offsets")

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._offsets = array("q", [0])

    def append(self, chunk: bytes) -> None:
        self._buffer += chunk
        self._offsets.append(len(self._buffer))

    def build(self) -> PackedBytes:
        return PackedBytes(bytes(self._buffer), self._offsets)


class PackedText(Sequence[str]):
    """Strings stored as UTF-8 in a `PackedBytes`, decoded when read."""

    __slots__ = ("_packed",)

    def __init__(self, values: Iterable[str]) -> None:
        self._packed = PackedBytes.of(value.encode("utf-8", "surrogatepass") for value in values)

    @classmethod
    def from_buffer(cls, buffer: bytes, offsets: array[int]) -> PackedText:
        """The strings encoded in `buffer`, string i from `offsets[i]` to `offsets[i + 1]`."""
        text = cls(())
        text._packed = PackedBytes(buffer, offsets)
        return text

    def __len__(self) -> int:
        return len(self._packed)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self._packed[index].decode("utf-8", "surrogatepass")


class FixedWidthText(Sequence[str]):
    """ASCII strings of one length laid end to end: no offsets needed."""

    __slots__ = ("_buffer", "_width")

    def __init__(self, buffer: bytes, width: int) -> None:
        """`buffer` holds string i from `i * width` on."""
        self._buffer = buffer
        self._width = width

    def __len__(self) -> int:
        return len(self._buffer) // self._width if self._width else 0

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("FixedWidthText index out of range")
        start = index * self._width
        return self._buffer[start : start + self._width].decode("ascii")


class CodedColumn(Sequence[Any]):
    """Few distinct values, each stored once; every customer holds the code of its value."""

    __slots__ = ("_codes", "_values")

    def __init__(self, values: Sequence[Any]) -> None:
        codes: dict[Any, int] = {}
        for value in values:
            codes.setdefault(_exact(value), len(codes))
        self._values = tuple(value for _, value in codes)
        self._codes = array(_code_type(len(codes)), (codes[_exact(value)] for value in values))

    @classmethod
    def from_codes(cls, values: Sequence[Any], codes: Iterable[int]) -> CodedColumn:
        """The column whose entry i is `values[codes[i]]` (`values` may repeat a value)."""
        column = cls(())
        column._values = tuple(values)
        column._codes = array(_code_type(len(values)), codes)
        return column

    def __len__(self) -> int:
        return len(self._codes)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self._values[code] for code in self._codes[index]]
        return self._values[self._codes[index]]


def compact_column(values: Sequence[Any]) -> Sequence[Any]:
    """`values` in the most compact column that gives every value back unchanged, type included.

    Integers become an int64 array, floats a double array (so `3` and `3.0` keep their JSON
    spelling), strings codes when they repeat a lot and a packed buffer when they do not;
    anything else a tuple.
    """
    kinds = {type(value) for value in values}
    if kinds == {int} and _INT64[0] <= min(values) and max(values) <= _INT64[1]:
        return array("q", values)
    if kinds == {float}:
        return array("d", values)
    if kinds == {str}:
        if len(set(values)) * _CODED_SHARE <= len(values):
            return CodedColumn(values)
        return PackedText(values)
    return tuple(values)


def _exact(value: Any) -> tuple[type, Any]:
    """A dictionary key that tells `1`, `1.0` and `True` apart."""
    return (type(value), value)


def _code_type(distinct: int) -> str:
    return "B" if distinct <= 1 << 8 else "H" if distinct <= 1 << 16 else "I"


def exact_size(encoded: bytes) -> bytes:
    """A copy of `encoded` that holds only its bytes, to keep.

    orjson hands back its output buffer as it is, spare capacity included: about 8 KiB behind a
    1 KiB item, which multiplied a store's memory by eight.
    """
    return memoryview(encoded).tobytes()
