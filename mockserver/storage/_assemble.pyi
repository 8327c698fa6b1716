"""The C join of `assembled.py`'s items (`_assemble.c`)."""

from collections.abc import Sequence
from typing import Any

import numpy.typing as npt
from _typeshed import ReadableBuffer

__all__ = ["join"]

def join(
    fragments: ReadableBuffer,
    offsets: npt.NDArray[Any] | ReadableBuffer,
    codes: npt.NDArray[Any] | ReadableBuffer,
    width: int,
    places: tuple[int, int, int],
    spans: ReadableBuffer,
    bounds: npt.NDArray[Any] | ReadableBuffer,
    rows: Sequence[int],
) -> list[bytes]: ...
