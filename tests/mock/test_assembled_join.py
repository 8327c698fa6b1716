"""The two joins of a large dataset's list items, in C and in Python: the same bytes, and bad input refused."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.generation.generator import CHUNK, generate_table
from mockserver.storage.assembled import NATIVE_JOIN, SPANS, AssembledItems, native_join

needs_native = pytest.mark.skipif(
    not NATIVE_JOIN and not os.environ.get("CI"),
    reason="the C join was not built (no C compiler when the mock was installed)",
)
JOINS = [pytest.param(True, id="C", marks=needs_native), pytest.param(False, id="Python")]


@pytest.mark.skipif(not os.environ.get("CI"), reason="only CI promises a C compiler at install")
def test_ci_installs_build_the_c_join() -> None:
    assert NATIVE_JOIN, "pip install -e . did not build mockserver.storage._assemble"


@pytest.mark.parametrize("native", JOINS)
def test_items_assembled_per_page_are_the_joined_items(native: bool) -> None:
    """A generated dataset's items, kept as parts over several chunks, join to the bytes of joined ones."""
    joined = generate_table(6, "acme", CHUNK * 2 + 100).items
    kept = generate_table(6, "acme", CHUNK * 2 + 100, joined_up_to=0).items
    assert isinstance(kept, AssembledItems) and isinstance(joined, list)
    assembled = kept if native else kept.in_python()
    assert len(assembled) == len(joined)
    assert assembled.take(range(len(joined))) == joined
    positions = [len(joined) - 1, 0, CHUNK, CHUNK - 1, 17, 17]
    assert assembled.take(positions) == [joined[position] for position in positions]
    assert assembled.take(iter(positions)) == [joined[position] for position in positions]
    assert assembled.take(np.array(positions)) == [joined[position] for position in positions]
    assert assembled[-1] == joined[-1] and list(assembled[3:6]) == joined[3:6]
    assert assembled.take([]) == []


@st.composite
def layouts(draw: st.DrawFn) -> tuple[list[bytes], list[list[int]], tuple[int, int, int], list[list[bytes]]]:
    """Fragments, each item's codes, the three places of its spans, and each item's spans."""
    fragments = draw(st.lists(st.binary(max_size=12), min_size=1, max_size=20))
    width = draw(st.integers(SPANS, 8))
    places = tuple(sorted(draw(st.lists(st.integers(0, width - 1), min_size=SPANS, max_size=SPANS, unique=True))))
    count = draw(st.integers(1, 12))
    codes = draw(
        st.lists(
            st.lists(st.integers(0, len(fragments) - 1), min_size=width, max_size=width), min_size=count, max_size=count
        )
    )
    spans = draw(
        st.lists(st.lists(st.binary(max_size=9), min_size=SPANS, max_size=SPANS), min_size=count, max_size=count)
    )
    return fragments, codes, places, spans  # type: ignore[return-value]


def _items(
    layout: tuple[list[bytes], list[list[int]], tuple[int, int, int], list[list[bytes]]], native: bool
) -> AssembledItems:
    fragments, codes, places, spans = layout
    lengths = np.array([[len(span) for span in item] for item in spans], dtype=np.int64)
    bounds = np.zeros(lengths.size + 1, dtype=np.int64)
    np.cumsum(lengths.ravel(), out=bounds[1:])
    listed = np.empty(len(fragments), dtype=object)
    listed[:] = fragments
    joined_spans = b"".join(span for item in spans for span in item)
    return AssembledItems(listed, np.array(codes, dtype=np.int32), places, joined_spans, bounds, native=native)


@given(layout=layouts(), data=st.data())
@pytest.mark.parametrize("native", JOINS)
def test_an_item_is_its_fragments_with_its_spans_in_their_places(
    native: bool, layout: Any, data: st.DataObject
) -> None:
    fragments, codes, places, spans = layout
    expected = []
    for item_codes, item_spans in zip(codes, spans, strict=True):
        parts = [fragments[code] for code in item_codes]
        for place, span in zip(places, item_spans, strict=True):
            parts[place] = span
        expected.append(b"".join(parts))
    rows = data.draw(st.lists(st.integers(0, len(codes) - 1), max_size=30), label="rows")
    assert _items(layout, native).take(rows) == [expected[row] for row in rows]


@needs_native
def test_the_c_join_refuses_what_it_cannot_read_instead_of_reading_past_it() -> None:
    join = native_join
    assert join is not None
    fragments, offsets = b"abcdef", np.array([0, 2, 6], dtype=np.int64)
    codes, bounds = np.array([[0, 9, 1, 9, 9]], dtype=np.int32), np.array([0, 1, 2, 3], dtype=np.int64)
    places = (1, 3, 4)
    assert join(fragments, offsets, codes, 5, places, b"xyz", bounds, [0, 0]) == [b"abxcdefyz"] * 2
    with pytest.raises(IndexError, match="row"):
        join(fragments, offsets, codes, 5, places, b"xyz", bounds, [1])
    with pytest.raises(IndexError, match="row"):
        join(fragments, offsets, codes, 5, places, b"xyz", bounds, [-1])
    with pytest.raises(IndexError, match="span"):
        join(fragments, offsets, codes, 5, places, b"xy", bounds, [0])
    with pytest.raises(IndexError, match="fragment code"):
        join(fragments, offsets, np.array([[2, 9, 1, 9, 9]], dtype=np.int32), 5, places, b"xyz", bounds, [0])
    with pytest.raises(IndexError, match="fragment"):
        join(b"abc", offsets, codes, 5, places, b"xyz", bounds, [0])
    with pytest.raises(ValueError, match="places"):
        join(fragments, offsets, codes, 5, (3, 1, 4), b"xyz", bounds, [0])
    with pytest.raises(ValueError, match="width"):
        join(fragments, offsets, codes, 4, places, b"xyz", bounds, [0])
    with pytest.raises(TypeError):
        join(fragments, offsets, codes, 5, places, b"xyz", bounds, ["0"])
