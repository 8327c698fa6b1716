"""The store's compact layout on its own: columns, hash lookups, sort indexes and detail bodies."""

from __future__ import annotations

import functools
import itertools
from array import array
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.domain.customer import list_item
from mockserver.domain.ordering import SORT_FIELDS, sort_key
from mockserver.domain.query import ListQuery
from mockserver.generation.generator import JOINED_UP_TO, generate_customers, generate_table
from mockserver.storage.columns import CodedColumn, PackedBytes, PackedText, compact_column
from mockserver.storage.details import DetailBodiesBuilder
from mockserver.storage.lookup import HashLookup
from mockserver.storage.overlay import OverlaidStore
from mockserver.storage.seededindex import GROUPS, TenantStore, bucket_layout, matching_groups
from mockserver.storage.sortindex import SortIndex, items_at

# --- columns ---------------------------------------------------------------------------------


@given(st.lists(st.binary(max_size=20), max_size=30))
def test_packed_bytes_give_back_each_string(chunks: list[bytes]) -> None:
    packed = PackedBytes.of(chunks)
    assert len(packed) == len(chunks)
    assert list(packed) == chunks
    assert packed[1:3] == chunks[1:3]
    if chunks:
        assert packed[-1] == chunks[-1]


def test_packed_bytes_refuse_an_index_out_of_range() -> None:
    with pytest.raises(IndexError):
        PackedBytes.of([b"a"])[1]


@given(st.lists(st.text(max_size=10), max_size=30))
def test_packed_text_gives_back_each_string(values: list[str]) -> None:
    assert list(PackedText(values)) == values


@given(st.lists(st.sampled_from([1, 1.0, True, "1", None, "é"]), max_size=30))
def test_coded_column_keeps_values_and_their_types(values: list[Any]) -> None:
    column = CodedColumn(values)
    assert [(type(value), value) for value in column] == [(type(value), value) for value in values]
    assert column[2:5] == values[2:5]


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        ([3, 1, 2**62], array),
        ([1.5, 0.0], array),
        (["a", "b", "a", "a", "a", "a", "a", "a"], CodedColumn),
        (["a", "b", "c"], PackedText),
        ([1, 2.0], tuple),
        ([2**64], tuple),
    ],
)
def test_compact_column_picks_a_layout_that_keeps_types(values: list[Any], kind: type) -> None:
    column = compact_column(values)
    assert isinstance(column, kind)
    assert [(type(value), value) for value in column] == [(type(value), value) for value in values]


# --- lookups ---------------------------------------------------------------------------------


def is_at(keys: list[str], key: str, found: int) -> bool:
    """Whether the lookup's candidate position `found` holds `key`."""
    return keys[found] == key


def test_hash_lookup_finds_each_key_and_nothing_else() -> None:
    keys = [f"key-{number}" for number in range(500)]
    lookup = HashLookup(keys)
    for position, key in enumerate(keys):
        assert lookup.find(key, functools.partial(is_at, keys, key)) == position
    assert lookup.find("absent", lambda found: keys[found] == "absent") is None


def test_hash_lookup_asks_the_caller_to_confirm_a_hit() -> None:
    lookup = HashLookup(["same", "same"])
    assert lookup.find("same", lambda position: position == 1) == 1
    assert lookup.find("same", lambda position: False) is None


# --- sort indexes ----------------------------------------------------------------------------


@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, GROUPS - 1)), max_size=60),
    st.integers(1, 7),
    st.sets(st.integers(0, GROUPS - 1), min_size=1),
    st.booleans(),
)
def test_sort_index_pages_match_a_sorted_filtered_list(
    rows: list[tuple[int, int]], count: int, wanted: set[int], descending: bool
) -> None:
    """Every cursor position gives the next `count` customers of the wanted groups, as sorting would."""
    values = [value for value, _ in rows]
    ids = [f"c{position:03d}" for position in range(len(rows))][::-1]  # id order differs from position order
    groups = bytes(group for _, group in rows)
    singles = [frozenset({group}) for group in range(GROUPS)]
    index = SortIndex(values, sorted(range(len(rows)), key=ids.__getitem__), groups, [*singles, frozenset(wanted)])

    def key_at(position: int) -> tuple[int, str]:
        return (values[position], ids[position])

    expected = sorted((position for position in range(len(rows)) if groups[position] in wanted), key=key_at)
    if descending:
        expected.reverse()
    start = len(rows) if descending else 0
    # The same customers read as a union of one-group buckets, or from the bucket kept for them.
    for buckets in (tuple(sorted(wanted)), (GROUPS,)):
        assert index.positions(buckets, start, count, descending) == expected[:count]
        for at, position in enumerate(expected):
            for hint in (position, None):
                boundary = index.boundary(key_at(position), descending, key_at, hint)
                assert index.positions(buckets, boundary, count, descending) == expected[at + 1 : at + 1 + count]


@given(st.lists(st.integers(0, 9), max_size=12))
def test_items_at_picks_each_index_in_order_as_a_list(indexes: list[int]) -> None:
    """None, one or many indexes, repeated or not: a list of the values at them, whatever `values` is."""
    for values in (array("i", range(100, 110)), [f"item {number}" for number in range(10)]):
        picked = items_at(values, indexes)
        assert type(picked) is list
        assert picked == [values[index] for index in indexes]


def test_a_cursor_between_customers_still_finds_its_place() -> None:
    """A cursor whose customer changed or left: bisected by key, not found by id."""
    values, ids = [10, 20, 30], ["a", "b", "c"]
    index = SortIndex(values, [0, 1, 2], bytes(3), [frozenset({0})])

    def key_at(position: int) -> tuple[int, str]:
        return (values[position], ids[position])

    assert index.boundary((20, "b"), False, key_at, hint=2) == 2  # the hint's key differs: bisect
    assert index.boundary((25, "z"), False, key_at) == 2
    assert index.boundary((25, "z"), True, key_at) == 2
    assert index.positions((0,), 2, 5, True) == index.positions((), 2, 5, True) == [1, 0]


def test_each_filter_combination_reads_at_most_two_buckets_that_hold_exactly_its_groups() -> None:
    buckets, reads = bucket_layout()
    assert len(reads) == 27
    for (status, customer_type, rentals), read in reads.items():
        query = ListQuery(status=status, customer_type=customer_type, has_active_rentals=rentals)
        held = frozenset().union(*(buckets[number] for number in read)) if read else frozenset(range(GROUPS))
        assert held == frozenset(matching_groups(query))
        assert len(read) <= 2
        assert sum(len(buckets[number]) for number in read) == len(held) or not read  # no group read twice


def test_matching_groups_cover_each_filter_combination() -> None:
    assert len(matching_groups(ListQuery())) == GROUPS
    assert len(matching_groups(ListQuery(status="active"))) == 4
    assert len(matching_groups(ListQuery(status="active", customer_type="business", has_active_rentals=True))) == 1
    singles = [
        matching_groups(ListQuery(status=s, customer_type=t, has_active_rentals=r))
        for s, t, r in itertools.product(("active", "inactive"), ("individual", "business"), (False, True))
    ]
    assert sorted(group for (group,) in singles) == list(range(GROUPS))


# --- detail bodies and the store -------------------------------------------------------------


def test_detail_bodies_are_the_bytes_of_the_whole_record() -> None:
    record = generate_customers(3, "acme", 1)[0]
    interleaved = {"lifetimeCollected": 1.0, **list_item(record), "customerMargin": 2}
    only_figures = {"activeDevices": 0}
    plain = list_item(record)
    builder = DetailBodiesBuilder()
    records = [record, interleaved, only_figures, plain]
    for each in records:
        builder.add(each)
    bodies = builder.build()
    for position, each in enumerate(records):
        item = orjson.dumps(list_item(each))
        assert bodies.body(position, item) == orjson.dumps({"customer": each})


@pytest.fixture(scope="module")
def generated() -> list[dict[str, Any]]:
    return generate_customers(9, "acme", 400)


def test_the_store_gives_back_every_record_and_body(generated: list[dict[str, Any]]) -> None:
    store = TenantStore("acme", iter(generated))
    assert len(store) == len(generated)
    assert store.records() == generated
    for position, record in enumerate(generated):
        assert store.position_of(record["customerId"]) == position
        assert store.item_json(position) == orjson.dumps(list_item(record))
        assert store.detail_json(record["customerId"]) == orjson.dumps({"customer": record})
        for field in SORT_FIELDS:
            assert store.key_of(position, field) == sort_key(record, field)
    assert store.detail_json("cus_absent") is None


@pytest.mark.parametrize("joined_up_to", [JOINED_UP_TO, 0], ids=["items joined", "items assembled per page"])
def test_a_generated_table_serves_what_its_records_would(joined_up_to: int) -> None:
    """The fast path from columns and the path from records give the same store, to the byte."""
    table = generate_table(4, "acme", 1500, joined_up_to=joined_up_to)
    records = table.records()
    fast, slow = TenantStore.from_table("acme", table), TenantStore("acme", records)
    assert len(fast) == len(slow) == len(records)
    for position, record in enumerate(records):
        assert fast.item_json(position) == slow.item_json(position) == orjson.dumps(list_item(record))
        assert fast.detail_json(record["customerId"]) == orjson.dumps({"customer": record})
        assert fast.position_of(record["customerId"]) == position
        for field in SORT_FIELDS:
            assert fast.key_of(position, field) == slow.key_of(position, field) == sort_key(record, field)
    for field, descending, filters in itertools.product(SORT_FIELDS, (False, True), FILTERS):
        query = ListQuery(limit=40, sort_by=field, sort_order="desc" if descending else "asc", **filters)
        after = None
        for _ in range(3):
            page = fast.page(query, after)
            assert page == slow.page(query, after)
            assert fast.items_json(page.positions) == slow.items_json(page.positions)
            if not page.has_more:
                break
            after = fast.key_of(page.positions[-1], field)
    email = records[7]["email"].swapcase()
    assert fast.page(ListQuery(email=email), None) == slow.page(ListQuery(email=email), None)


FILTERS: list[dict[str, Any]] = [
    {},
    {"status": "inactive"},
    {"customer_type": "business", "has_active_rentals": True},
    {"status": "active", "customer_type": "individual", "has_active_rentals": False},
]


def test_an_empty_store_serves_empty_pages() -> None:
    store = TenantStore("acme", [])
    page = store.page(ListQuery(status="active"), None)
    assert page.positions == [] and not page.has_more
    assert store.detail_json("cus_x") is None


def test_writes_lay_over_items_assembled_per_page() -> None:
    """An updated and a new customer show in the pages of an assembled store as in a joined one's."""
    stores = [
        OverlaidStore(TenantStore.from_table("acme", generate_table(8, "acme", 600, joined_up_to=limit)))
        for limit in (JOINED_UP_TO, 0)
    ]
    changed = {**stores[0].base.record(5), "lastName": "Aardvark"}
    created = {**stores[0].base.record(9), "customerId": "cus_new", "email": "new@example.com"}
    for store in stores:
        store.apply(1, changed)
        store.apply(2, created)
    query = ListQuery(limit=50, sort_by="lastName", sort_order="asc")
    pages = [store.page(query, None) for store in stores]
    assert pages[0] == pages[1]
    items = [store.items_json(page.positions) for store, page in zip(stores, pages, strict=True)]
    assert items[0] == items[1]
    assert any(b'"lastName":"Aardvark"' in item for item in items[1])
    assert stores[1].detail_json("cus_new") == stores[0].detail_json("cus_new")
