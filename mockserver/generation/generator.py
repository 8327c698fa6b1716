"""Faker-seeded, deterministic customer data, drawn a column at a time.

Faker fills small pools of names, companies and addresses once per seed (`pools.py`); every
customer is then drawn from them with numpy, a whole column of customers per draw, from PCG64
streams seeded with SHA-256 of `(seed, tenant)` (`draws.py`). Customers are drawn in chunks of
`CHUNK`, each from a stream of its own, so the same seed gives the same bytes on any machine
and a larger dataset starts with the customers of a smaller one.

The data deliberately holds what real data has and naive code breaks on: many ties in every
sort field, accented and non-Latin names, plus-addressed and mixed-case emails, optional fields
that are absent or `null`, customers created in bulk at the same instant.

A tenant's customers come out as a `CustomerTable` (`table.py`): the columns a store is built
from, each list item encoded by `itemjson.py`. As records, they are those items decoded.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Final

import numpy as np
import numpy.typing as npt

from mockserver.domain.customer import Customer
from mockserver.domain.profitability import AS_OF_MS, DAY_MS, DAYS_A_MONTH
from mockserver.generation.customerdraws import (
    ABSENT,
    ADDRESS_PARTS,
    BUILDINGS,
    CREATED_BY,
    NOTES,
    NULL,
    PRESENT,
    SEGMENTS,
    AddressDraws,
    CustomerDraws,
)
from mockserver.generation.draws import Draws, Ints, seed_entropy
from mockserver.generation.emails import COMPANY_TLDS, FREE_MAIL, PATTERN_SEPARATORS, PLUS_TAGS, EmailMaker
from mockserver.generation.identifiers import ByteRows, identifiers
from mockserver.generation.itemjson import SPAN_PLACES, ItemEncoder, ItemParts, span_bounds
from mockserver.generation.pools import ADMIN_AREAS, NAMES, PLACES, USER_NAMES, Pools, build_pools
from mockserver.generation.sortcolumns import COLUMNS, Drawn, byte_order, sort_columns
from mockserver.storage.assembled import SPANS, AssembledItems
from mockserver.storage.columns import FixedWidthText, PackedText
from mockserver.storage.details import FigureBodies
from mockserver.storage.table import CustomerTable

__all__ = [
    "BUSINESS_DEVICES",
    "CHUNK",
    "DEVICE_COSTS_CENTS",
    "DEVICE_PRICES_CENTS",
    "ENDED_RENTALS",
    "FIRST_DAY_MS",
    "IMPORT_BATCHES_MS",
    "INDIVIDUAL_DEVICES",
    "JOINED_UP_TO",
    "draw_chunk",
    "generate_customers",
    "generate_table",
    "generate_tables",
]

CHUNK: Final = 1 << 13
# Joined, a list item costs about a kilobyte; as parts, about a third of that, and a page's
# items are joined per request (about 0.1 ms a page): below this size, memory is cheap enough.
JOINED_UP_TO: Final = 200_000
FIRST_DAY_MS: Final = int(datetime(2021, 1, 1, tzinfo=UTC).timestamp()) * 1000
# Bulk imports: every customer of one import shares its createdAt to the millisecond.
IMPORT_BATCHES_MS: Final = tuple(
    int(datetime(year, month, 1, 9, 0, tzinfo=UTC).timestamp()) * 1000
    for year, month in ((2021, 3), (2022, 6), (2023, 9), (2025, 2))
)
DEVICE_PRICES_CENTS: Final = (1900, 2490, 2900, 2990, 3900, 4900, 5990, 7900, 9900, 14900)
DEVICE_COSTS_CENTS: Final = (18900, 24900, 32900, 44900, 59900, 89900)
BUSINESS_DEVICES: Final = (1, 2, 2, 3, 5, 8, 12, 25)
INDIVIDUAL_DEVICES: Final = (1, 1, 1, 2, 2, 3)
ENDED_RENTALS: Final = (0, 0, 0, 1, 1, 2, 3)  # rentals beyond the devices rented now


def generate_table(
    seed: int, tenant: str, count: int, pools: Pools | None = None, joined_up_to: int = JOINED_UP_TO
) -> CustomerTable:
    """`count` customers of `tenant` as the columns of a store, the same for the same arguments on any machine.

    Up to `joined_up_to` customers, each list item is joined once, here; beyond, items are kept
    as their parts and joined when a page is asked for (`storage.assembled`): the same bytes.
    """
    pools = pools or build_pools(seed)
    entropy = seed_entropy("flexportal-mock", seed, tenant)
    keys = [int(key) for key in Draws(entropy).words(3)]
    encoder = ItemEncoder(pools, tenant, FIRST_DAY_MS // DAY_MS, AS_OF_MS // DAY_MS)
    builder = _TableBuilder(pools, encoder, assembled=count > joined_up_to)
    for chunk in range(-(-count // CHUNK)):
        builder.add(draw_chunk(pools, entropy, keys, chunk).head(min(CHUNK, count - chunk * CHUNK)))
    table = builder.build()
    del builder
    if isinstance(table.items, list):
        _repack_small(table.items)
    return table


def generate_tables(seed: int, tenants: Iterable[str], count: int) -> Iterator[tuple[str, CustomerTable]]:
    """`count` customers of each of `tenants`, a table at a time, made as they are iterated (one pool for all)."""
    pools = build_pools(seed)
    for tenant in tenants:
        yield tenant, generate_table(seed, tenant, count, pools)


def generate_customers(seed: int, tenant: str, count: int, pools: Pools | None = None) -> list[Customer]:
    """`count` customers of `tenant` as records, the same for the same arguments on any machine."""
    return generate_table(seed, tenant, count, pools).records()


def draw_chunk(pools: Pools, entropy: int, keys: Sequence[int], chunk: int) -> CustomerDraws:
    """The `CHUNK` customers from position `chunk` × `CHUNK` on, drawn from the chunk's own stream.

    Every chunk is drawn whole, whatever part of it is kept, so that its first customers are
    the same for any dataset size. `keys` are the tenant's keys for customer, order and rental ids.
    """
    draws = Draws(entropy, 1 + chunk)
    size = CHUNK
    locale = draws.weighted(pools.weights, size)
    business = draws.chance(0.3, size)
    active = draws.chance(0.78, size)
    company = np.where(
        business,
        PRESENT + locale * PLACES + draws.below(PLACES, size),
        np.where(draws.chance(0.5, size), NULL, ABSENT),  # individuals: absent or null
    )
    batch = draws.chance(0.08, size)
    created = np.where(
        batch,
        np.asarray(IMPORT_BATCHES_MS)[draws.below(len(IMPORT_BATCHES_MS), size)],
        FIRST_DAY_MS
        + draws.below((AS_OF_MS - FIRST_DAY_MS) // 1000, size) * 1000
        + np.where(draws.chance(0.7, size), draws.below(1000, size), 0),  # the rest on whole seconds: more ties
    )
    updated = np.where(
        draws.chance(0.2, size), created, created + ((AS_OF_MS - created) * draws.uniform(size)).astype(np.int64)
    )
    idle = draws.uniform(size) < np.where(active, 0.35, 0.8)
    rented = np.where(business, draws.pick(BUSINESS_DEVICES, size), draws.pick(INDIVIDUAL_DEVICES, size))
    devices = np.where(idle, 0, rented)
    rentals = devices + draws.pick(ENDED_RENTALS, size)
    orders = np.maximum(1, rentals - draws.below(2, size)) + draws.below(3, size)
    revenue = _sums(draws.pick(DEVICE_PRICES_CENTS, int(devices.sum())), devices)
    cost = _sums(draws.pick(DEVICE_COSTS_CENTS, int(rentals.sum())), rentals)
    months = np.maximum(1.0, (AS_OF_MS - created) // DAY_MS / DAYS_A_MONTH)
    collected = (revenue * months * (0.3 + 0.7 * draws.uniform(size))).astype(np.int64)
    collected += (rentals - devices) * draws.below(60000, size)
    billing = _address(draws, pools, locale)
    fresh = _address(draws, pools, locale)
    same = draws.chance(0.7, size)  # shipped where billed
    shipping = AddressDraws(
        fresh.state, *(np.where(same, getattr(billing, part), getattr(fresh, part)) for part in ADDRESS_PARTS)
    )
    first_number = np.uint64(chunk * CHUNK)
    return CustomerDraws(
        customer_ids=identifiers("cus_", first_number + np.arange(size, dtype=np.uint64), keys[0], 16, draws),
        locale=locale,
        first=locale * NAMES + draws.below(NAMES, size),
        last=locale * NAMES + draws.below(NAMES, size),
        business=business,
        active=active,
        company=company,
        phone=_optional(draws, PRESENT + locale * PLACES + draws.below(PLACES, size)),
        created_ms=created,
        updated_ms=updated,
        devices=devices,
        rentals=rentals,
        orders=orders,
        revenue_cents=revenue,
        collected_cents=collected,
        cost_cents=cost,
        created_by=np.where(batch, PRESENT, _created_by(draws, len(pools.staff), size)),
        custom_fields=_custom_fields(draws, size),
        crm_ids=np.where(draws.chance(0.5, size), 10000 + draws.below(90000, size), 0),
        billing=billing,
        shipping=shipping,
        email_pattern=draws.below(len(PATTERN_SEPARATORS), size),
        email_number=1 + draws.below(99, size),
        handle=draws.below(USER_NAMES, size),
        free_mail=draws.below(len(FREE_MAIL), size),
        company_mail=draws.chance(0.7, size),
        company_tld=draws.below(len(COMPANY_TLDS), size),
        plus_tag=np.where(draws.chance(0.1, size), 1 + draws.below(len(PLUS_TAGS), size), 0),
        title_case=draws.chance(0.12, size),
        upper_domain=draws.chance(0.5, size),
        email_suffix=2 + draws.below(9998, size),
        order_ids=_numbered_ids("ord_", chunk, int(orders.sum()), keys[1], draws),
        rental_ids=_numbered_ids("sub_", chunk, int(rentals.sum()), keys[2], draws),
    )


def _created_by(draws: Draws, staff: int, size: int) -> Ints:
    """Who created customers not imported in bulk; absent for the oldest records, which predate the field."""
    roll = draws.uniform(size)
    dashboard = PRESENT + len(CREATED_BY) + draws.below(staff, size)
    created_by = np.where(roll < 0.05, NULL, np.where(roll < 0.2, dashboard, PRESENT + CREATED_BY.index("checkout")))
    return np.where(draws.chance(0.95, size), created_by, ABSENT)


def _custom_fields(draws: Draws, size: int) -> Ints:
    """Absent, empty, or a segment, a newsletter flag and perhaps a note (see `CustomerDraws`)."""
    filled = (draws.below(len(SEGMENTS), size) * 2 + draws.chance(0.5, size)) * (len(NOTES) + 1)
    filled += np.where(draws.chance(0.3, size), 1 + draws.below(len(NOTES), size), 0)
    custom_fields = np.where(draws.chance(0.3, size), NULL, PRESENT + filled)
    return np.where(draws.chance(0.12, size), ABSENT, custom_fields)


def _address(draws: Draws, pools: Pools, locale: Ints) -> AddressDraws:
    size = len(locale)
    has_admin = np.asarray([bool(pool.admin_areas) for pool in pools.locales])[locale] & draws.chance(0.6, size)
    return AddressDraws(
        state=_optional(draws, np.full(size, PRESENT)),
        street=locale * PLACES + draws.below(PLACES, size),
        city=locale * PLACES + draws.below(PLACES, size),
        postcode=locale * PLACES + draws.below(PLACES, size),
        building=draws.below(len(BUILDINGS), size),
        admin=np.where(has_admin, 1 + locale * ADMIN_AREAS + draws.below(ADMIN_AREAS, size), 0),
    )


def _optional(draws: Draws, codes: Ints, null_share: float = 0.12, absent_share: float = 0.12) -> Ints:
    """`codes`, but ABSENT for `absent_share` of the customers and NULL for `null_share`."""
    roll = draws.uniform(len(codes))
    return np.where(roll < absent_share, ABSENT, np.where(roll < absent_share + null_share, NULL, codes))


def _sums(values: Ints, counts: Ints) -> Ints:
    """The sums of consecutive runs of `values`, `counts[i]` values long each."""
    totals = np.concatenate(([0], np.cumsum(values)))
    ends = np.cumsum(counts)
    return totals[ends] - totals[ends - counts]  # type: ignore[no-any-return]


def _numbered_ids(prefix: str, chunk: int, count: int, key: int, draws: Draws) -> ByteRows:
    """`count` identifiers of a chunk, numbered after the chunk so that no two chunks share one."""
    numbers = np.uint64(chunk << 32) + np.arange(count, dtype=np.uint64)
    return identifiers(prefix, numbers, key, 12, draws)


# What a table needs of the draws besides the encoded items and the sort columns' own draws.
_KEPT: Final = tuple(
    dict.fromkeys(
        (
            "created_ms",
            "active",
            "business",
            "devices",
            "rentals",
            "collected_cents",
            "cost_cents",
            *(draw for recipe in COLUMNS.values() for draw in recipe.draws),
        )
    )
)


class _TableBuilder:
    """Collects a tenant's chunks of draws into the columns of a `CustomerTable`."""

    def __init__(self, pools: Pools, encoder: ItemEncoder, assembled: bool) -> None:
        """Items joined as they come, or (`assembled`) kept as their parts."""
        self._pools = pools
        self._encoder = encoder
        self._emails = EmailMaker(pools)
        self._items: list[bytes] = []
        self._parts: list[ItemParts] | None = [] if assembled else None
        self._ids: list[ByteRows] = []
        # Hashes go into arrays chunk by chunk: a million Python ints held to the end would be
        # spread over the arenas of every chunk's temporaries and keep them resident.
        self._id_hashes: list[npt.NDArray[np.int64]] = []
        self._email_text = bytearray()
        self._email_ends = array("I", [0])
        self._email_keys: list[npt.NDArray[np.bytes_]] = []
        self._email_hashes: list[npt.NDArray[np.int64]] = []
        self._numbers: dict[str, list[npt.NDArray[np.generic]]] = {name: [] for name in _KEPT}

    def add(self, draws: CustomerDraws) -> None:
        """Encode `draws`' customers and keep what the table needs of them."""
        emails = self._emails.emails(draws)
        if self._parts is None:
            self._items += self._encoder.items(draws, emails)
        else:
            self._parts.append(self._encoder.parts(draws, emails))
        self._ids.append(draws.customer_ids)
        ids = _as_strings(draws.customer_ids).tolist()
        self._id_hashes.append(np.fromiter(map(hash, ids), dtype=np.int64, count=len(ids)))  # `lookup.key_hash`
        keys = np.array(emails, dtype=np.bytes_)
        self._email_ends.extend((len(self._email_text) + np.cumsum(np.strings.str_len(keys))).tolist())
        self._email_text += b"".join(emails)
        self._email_keys.append(keys)
        self._email_hashes.append(np.fromiter(map(hash, map(bytes.lower, emails)), dtype=np.int64, count=len(emails)))
        for name, chunks in self._numbers.items():
            chunks.append(getattr(draws, name))

    def build(self) -> CustomerTable:
        items = self._items if self._parts is None else self._assembled(self._parts)
        numbers = {name: np.concatenate([np.zeros(0, np.int64), *chunks]) for name, chunks in self._numbers.items()}
        ids = np.concatenate([np.zeros((0, 20), np.uint8), *self._ids])
        emails = PackedText.from_buffer(bytes(self._email_text), self._email_ends)
        drawn = Drawn(numbers, self._pools, emails, self._email_keys)
        return CustomerTable(
            items=items,
            details=FigureBodies(
                created_us=drawn.packed("created_ms", "q", 1000),  # as `SortField.value` reads a timestamp: µs
                collected_cents=array("i", numbers["collected_cents"].tolist()),
                cost_cents=array("i", numbers["cost_cents"].tolist()),
                devices=drawn.packed("devices", "B"),
                rentals=array("B", numbers["rentals"].tolist()),
            ),
            ids=FixedWidthText(ids.tobytes(), ids.shape[1]),
            emails=emails,
            active=numbers["active"].astype(np.bool_),
            business=numbers["business"].astype(np.bool_),
            renting=numbers["devices"] > 0,
            sort_columns=sort_columns(drawn),
            id_order=byte_order(ids),
            id_hashes=np.concatenate([np.zeros(0, np.int64), *self._id_hashes]),
            email_hashes=np.concatenate([np.zeros(0, np.int64), *self._email_hashes]),
        )

    def _assembled(self, chunks: list[ItemParts]) -> AssembledItems:
        """The chunks' parts as one sequence of items."""
        codes = np.concatenate([chunk.codes for chunk in chunks]) if chunks else np.zeros((0, 0), np.int32)
        lengths = np.concatenate([np.zeros((0, SPANS), np.int64), *(chunk.lengths for chunk in chunks)])
        spans = b"".join(chunk.spans for chunk in chunks)
        chunks.clear()
        return AssembledItems(self._encoder.fragments(), codes, SPAN_PLACES, spans, span_bounds(lengths))


def _repack_small(items: list[bytes]) -> None:
    """Make again the items small enough for Python's small-object allocator.

    Each was made among a chunk's temporaries and would keep their whole 1 MiB arena resident
    once they are freed; made again after the temporaries are gone, they fill a few arenas.
    """
    for position, item in enumerate(items):
        if len(item) <= _SMALL_OBJECT:
            items[position] = memoryview(item).tobytes()


_SMALL_OBJECT: Final = 512


def _as_strings(rows: ByteRows) -> npt.NDArray[np.bytes_]:
    """Rows of bytes as one fixed-width byte string each."""
    return np.ascontiguousarray(rows).view(f"S{rows.shape[1]}").ravel()
