"""Generated customers' list items, encoded as JSON straight from their draws.

Encoding a million records with orjson means building a million dicts first, which takes
longer than all the rest of a start. Here an item is made of parts: seventeen fragments encoded
once per seed and tenant (a last name with the customer type and status after it, a company with
a phone, an address's street with its city, …) or once per distinct value (counts and revenue,
a crmId), picked by code, and three *spans* of bytes only the customer has (its id and email,
its order and rental ids, its timestamps), made a column at a time. `ItemParts` holds a chunk's
parts; joined (`storage.assembled`), an item is byte for byte what
`orjson.dumps(list_item(record))` writes for the record it stands for.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import orjson

from mockserver.domain.profitability import DAY_MS
from mockserver.generation.customerdraws import (
    BUILDINGS,
    CREATED_BY,
    NOTES,
    PRESENT,
    SEGMENTS,
    AddressDraws,
    CustomerDraws,
)
from mockserver.generation.draws import Ints
from mockserver.generation.identifiers import ByteRows
from mockserver.generation.pools import ADMIN_AREAS, PLACES, Pools
from mockserver.storage.assembled import SPANS

__all__ = ["SPAN_PLACES", "ItemEncoder", "ItemParts", "span_bounds"]

_BETWEEN_ID_ARRAYS: Final = b'],"rentalIds":['  # between a customer's order ids and its rental ids
# Where an item's spans go among its parts: its id and email first, its order and rental ids after
# the first four fragments, its timestamps last (the code there is 0, an empty fragment).
SPAN_PLACES: Final = (0, 5, 19)

Codes = npt.NDArray[np.int32]


def _json(value: Any) -> bytes:
    return orjson.dumps(value)


def _inner(text: str) -> bytes:
    """`text` as a JSON string without its quotes, to join with others into one string."""
    return _json(text)[1:-1]


@dataclass(frozen=True, slots=True)
class ItemParts:
    """A chunk's items as parts: fragment codes (a row per customer), and three spans each, end to end."""

    codes: Codes
    spans: bytes
    lengths: npt.NDArray[np.int64]  # a row per customer: its spans' lengths


class _Fragments:
    """Every fragment an item may hold, numbered: tables laid end to end, and values added as they appear."""

    def __init__(self) -> None:
        self._listed: list[bytes] = [b""]  # code 0: nothing, for an address that is absent or null
        self._code: dict[str, dict[int, int]] = {}  # by kind, each value's code
        self._array: npt.NDArray[np.object_] | None = None

    def table(self, fragments: Iterable[bytes]) -> int:
        """Number `fragments` in turn; the code of the first (fragment i then has that code + i)."""
        first = len(self._listed)
        self._listed.extend(fragments)
        self._array = None
        return first

    def codes(self, kind: str, values: Sequence[int], encode: Callable[[int], bytes]) -> Codes:
        """The codes of the fragments `encode` makes of `values` of one `kind`, numbering those not seen before."""
        known = self._code.setdefault(kind, {})
        for value in values:
            if value not in known:
                known[value] = len(self._listed)
                self._listed.append(encode(value))
                self._array = None
        return np.fromiter(map(known.__getitem__, values), dtype=np.int32, count=len(values))

    def array(self) -> npt.NDArray[np.object_]:
        """Every fragment so far, by code, as a numpy array of the bytes objects (to gather from by codes)."""
        if self._array is None:
            self._array = np.empty(len(self._listed), dtype=object)
            self._array[:] = self._listed
        return self._array


class ItemEncoder:
    """The JSON fragments of one tenant's generated items, encoded once, and each chunk's parts."""

    def __init__(self, pools: Pools, tenant: str, first_day: int, last_day: int) -> None:
        """Fragments of `tenant`'s items drawn from `pools`, created and updated from `first_day` to `last_day`."""
        locales = pools.locales
        self._fragments = fragments = _Fragments()
        self._timestamps = _Timestamps(first_day, last_day)
        first = [name for pool in locales for name in pool.first_names]
        last = [name for pool in locales for name in pool.last_names]
        companies = [company for pool in locales for company in pool.companies]
        self._head = (b'{"customerId":"', b'","tenantId":' + _json(tenant) + b',"email":"')
        self._first = fragments.table(b'","firstName":' + _json(name) for name in first)
        self._last = fragments.table(
            b',"lastName":'
            + _json(name)
            + b',"customerType":'
            + _json("business" if business else "individual")
            + b',"status":'
            + _json("active" if active else "inactive")
            for name in last
            for business in (False, True)
            for active in (False, True)
        )
        # Company and phone, by locale: (locale × codes + company code) × codes + phone code.
        self._company_phone = fragments.table(
            company + phone
            for pool in locales
            for company in _optional_fragments("company", pool.companies)
            for phone in _optional_fragments("phone", pool.phones)
        )
        staff = [f"dashboard:{member}@{tenant}.example" for member in pools.staff]
        custom_fields = [b"", b',"customFields":{}']
        for segment in SEGMENTS:
            for newsletter in (False, True):
                for note in (None, *NOTES):
                    fields = b'"segment":' + _json(segment) + b',"newsletter":' + _json(newsletter)
                    if note is not None:
                        fields += b',"notes":' + _json(note)
                    custom_fields.append(b',"customFields":{' + fields)
        self._custom_fields = len(custom_fields)
        # The rentalIds' closing bracket, createdBy, and customFields up to its crmId.
        self._created_by_custom = fragments.table(
            b"]" + created_by + custom
            for created_by in _optional_fragments("createdBy", [*CREATED_BY, *staff])
            for custom in custom_fields
        )
        self._shipping_key = fragments.table(_address_keys(b"lastShippingAddress"))
        self._billing_key = _address_keys(b"lastBillingAddress")
        self._contact_first = fragments.table(b'{"contactName":"' + _inner(name) for name in first)
        self._contact_last = fragments.table(b" " + _inner(name) + b'","streetAddress":' for name in last)
        self._place = fragments.table(
            _json(street) + b',"city":' + _json(city) + b',"country":' + _json(pool.country) + b',"company":'
            for pool in locales
            for street in pool.streets
            for city in pool.cities
        )
        self._building = fragments.table(
            _json(company) + b',"buildingInfo":' + _json(building) + b',"locality":null,"adminArea":'
            for company in (None, *companies)
            for building in BUILDINGS
        )
        self._area = fragments.table(
            _json(area) + b',"postalCode":' + _json(postcode) + b"}"
            for pool in locales
            for area in (None, *pool.admin_areas, *([None] * (ADMIN_AREAS - len(pool.admin_areas))))
            for postcode in pool.postcodes
        )

    def fragments(self) -> npt.NDArray[np.object_]:
        """Every fragment the parts made so far refer to, by code."""
        return self._fragments.array()

    def items(self, draws: CustomerDraws, emails: Sequence[bytes]) -> list[bytes]:
        """The encoded list items of `draws`, whose emails are `emails`: their parts, joined column by column."""
        codes = self._codes(draws)
        coded = self.fragments()[codes].T.tolist()
        heads, emails, orders, between, rentals, stamps = self._spans(draws, emails)
        first, second, third = SPAN_PLACES
        columns = [heads, emails, *coded[first + 1 : second], orders, between, rentals, *coded[second + 1 : third]]
        return list(map(b"".join, zip(*columns, stamps, strict=True)))

    def parts(self, draws: CustomerDraws, emails: Sequence[bytes]) -> ItemParts:
        """The parts of `draws`' list items, whose emails are `emails`."""
        heads, emails, orders, between, rentals, stamps = columns = self._spans(draws, emails)
        lengths = np.empty((len(draws), SPANS), dtype=np.int64)
        lengths[:, 0] = draws.customer_ids.shape[1] + sum(map(len, self._head)) + _lengths(emails)
        lengths[:, 1] = _run_length(draws.order_ids, draws.orders) + _run_length(draws.rental_ids, draws.rentals)
        lengths[:, 1] += len(_BETWEEN_ID_ARRAYS)
        lengths[:, 2] = len(stamps[0]) if stamps else 0
        spans = b"".join(itertools.chain.from_iterable(zip(*columns, strict=True)))
        return ItemParts(self._codes(draws), spans, lengths)

    def _codes(self, draws: CustomerDraws) -> Codes:
        """Each customer's fragment codes, a row each, with code 0 at the `SPAN_PLACES`."""
        codes = PLACES + PRESENT  # an optional pool value's codes per locale
        nothing = np.zeros(len(draws), dtype=np.int64)
        columns = [
            nothing,
            self._first + draws.first,
            self._last + (draws.last * 2 + draws.business) * 2 + draws.active,
            self._company_phone
            + (draws.locale * codes + _local(draws.company, draws.locale)) * codes
            + _local(draws.phone, draws.locale),
            self._counts(draws),
            nothing,
            self._created_by_custom + draws.created_by * self._custom_fields + draws.custom_fields,
            self._crm_id(draws),
            *self._body(draws.billing, draws),
            self._shipping_key + draws.shipping.state,
            *self._body(draws.shipping, draws),
            nothing,
        ]
        return np.stack(columns, axis=1).astype(np.int32)

    def _spans(self, draws: CustomerDraws, emails: Sequence[bytes]) -> list[Sequence[bytes]]:
        """What only each customer has, by column: id, email, order ids, what comes between, rental ids, timestamps."""
        return [
            _framed(draws.customer_ids, *self._head),
            emails,
            _id_runs(draws.order_ids, draws.orders),
            [_BETWEEN_ID_ARRAYS] * len(draws),
            _id_runs(draws.rental_ids, draws.rentals),
            self._timestamps.fragments(draws.created_ms, draws.updated_ms),
        ]

    def _counts(self, draws: CustomerDraws) -> Codes:
        """`totalOrders`, `totalDevicesRented` and `totalMonthlyRevenue`, up to the `orderIds` bracket."""
        combined = (draws.revenue_cents * 64 + draws.devices) * 64 + draws.orders
        distinct, inverse = np.unique(combined, return_inverse=True)
        return self._fragments.codes("counts", distinct.tolist(), _encoded_counts)[inverse]

    def _crm_id(self, draws: CustomerDraws) -> Codes:
        """The end of `customFields` (its crmId, if any), then the billing address's key."""
        crm = np.where(draws.custom_fields >= PRESENT, draws.crm_ids, -1)  # -1: no customFields object to close
        distinct, inverse = np.unique(crm * 4 + draws.billing.state, return_inverse=True)
        return self._fragments.codes("crmId", distinct.tolist(), self._encoded_crm_id)[inverse]

    def _encoded_crm_id(self, value: int) -> bytes:
        crm_id, state = divmod(value, 4)
        closing = b"" if crm_id < 0 else b"}" if crm_id == 0 else b',"crmId":"HS-%d"}' % crm_id
        return closing + self._billing_key[state]

    def _body(self, address: AddressDraws, draws: CustomerDraws) -> list[Ints]:
        """The codes of the five fragments of each customer's `address` object (code 0, nothing, if it has none)."""
        company = np.where(draws.company >= PRESENT, draws.company - PRESENT + 1, 0)
        area = np.where(address.admin > 0, 1 + (address.admin - 1) % ADMIN_AREAS, 0)
        columns = [
            self._contact_first + draws.first,
            self._contact_last + draws.last,
            self._place + address.street * PLACES + address.city % PLACES,
            self._building + company * len(BUILDINGS) + address.building,
            self._area + (draws.locale * (ADMIN_AREAS + 1) + area) * PLACES + address.postcode % PLACES,
        ]
        present = address.state == PRESENT
        return [np.where(present, column, 0) for column in columns]


def span_bounds(lengths: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Where each span starts, and the last one ends, in spans laid end to end with these lengths."""
    bounds = np.zeros(lengths.size + 1, dtype=np.int64)
    np.cumsum(lengths.ravel(), out=bounds[1:])
    return bounds


def _encoded_counts(value: int) -> bytes:
    return b',"totalOrders":%d,"totalDevicesRented":%d,"totalMonthlyRevenue":%s,"orderIds":[' % (
        value % 64,
        value // 64 % 64,
        _json(value // 4096 / 100),
    )


def _lengths(values: Sequence[bytes]) -> npt.NDArray[np.int64]:
    return np.fromiter(map(len, values), dtype=np.int64, count=len(values))


def _optional_fragments(name: str, values: Sequence[str]) -> list[bytes]:
    """Fragments of an optional field, by code: absent, null, then each of `values`."""
    key = b',"' + name.encode() + b'":'
    return [b"", key + b"null", *(key + _json(value) for value in values)]


def _address_keys(name: bytes) -> list[bytes]:
    """An address field up to its object, by state: absent, null, present."""
    return [b"", b',"' + name + b'":null', b',"' + name + b'":']


def _local(codes: Ints, locale: Ints) -> Ints:
    """Codes of values from every locale's pool laid end to end, as codes into the customer's own locale's pool."""
    return np.where(codes >= PRESENT, codes - locale * PLACES, codes)


def _framed(rows: ByteRows, prefix: bytes, suffix: bytes) -> list[bytes]:
    """Each row of ASCII bytes between `prefix` and `suffix`, as a bytes object."""
    framed = _rows(rows, prefix, suffix)
    listed: list[bytes] = framed.view(f"S{framed.shape[1]}").ravel().tolist()
    return listed


def _rows(rows: ByteRows, prefix: bytes, suffix: bytes) -> ByteRows:
    """Each row of ASCII bytes between `prefix` and `suffix`, still as rows."""
    width = len(prefix) + rows.shape[1] + len(suffix)
    framed = np.empty((len(rows), width), dtype=np.uint8)
    framed[:, : len(prefix)] = np.frombuffer(prefix, dtype=np.uint8)
    framed[:, len(prefix) : len(prefix) + rows.shape[1]] = rows
    framed[:, len(prefix) + rows.shape[1] :] = np.frombuffer(suffix, dtype=np.uint8)
    return framed


def _run_length(ids: ByteRows, counts: Ints) -> Ints:
    """The length of each customer's `_id_runs`: its ids, quoted, and the commas between them."""
    lengths: Ints = np.maximum(counts * (ids.shape[1] + 3) - 1, 0)
    return lengths


def _id_runs(ids: ByteRows, counts: Ints) -> list[bytes]:
    """For each customer, its `counts[i]` ids quoted and separated by commas: the inside of a JSON array.

    All the ids are laid out once as rows of one buffer, each with a comma after it, and each
    customer's run is a slice of it that leaves out its last comma.
    """
    text = _rows(ids, b'"', b'",').tobytes()
    row = ids.shape[1] + 3
    ends = np.cumsum(counts) * row
    starts = ends - counts * row
    ends = np.maximum(ends - 1, starts)  # no comma after the last id; nothing for no ids
    return list(map(text.__getitem__, map(slice, starts.tolist(), ends.tolist())))


def _digits(width: int) -> ByteRows:
    """The decimal digits of 0 to 10**width - 1, `width` of them each, as rows."""
    return np.array([[ord(digit) for digit in f"{number:0{width}d}"] for number in range(10**width)], dtype=np.uint8)


class _Timestamps:
    """`createdAt` and `updatedAt` in RFC 3339, UTC, to the millisecond (`2024-03-05T14:22:10.000Z`).

    Dates come from a calendar of the days generated instants fall on, times from tables of
    two and three digits: a row of bytes per customer without formatting any one of them.
    """

    _FRAME: Final = (b',"createdAt":"', b'Z","updatedAt":"', b'Z"}')

    def __init__(self, first_day: int, last_day: int) -> None:
        """Instants from the day numbered `first_day` (since the Unix epoch) to `last_day`."""
        days = np.arange(first_day, last_day + 1).astype("datetime64[D]")
        self._first_day = first_day
        self._dates = np.frombuffer(np.datetime_as_string(days).astype("S10").tobytes(), np.uint8).reshape(-1, 10)
        self._pairs = _digits(2)
        self._triples = _digits(3)

    def fragments(self, created_ms: Ints, updated_ms: Ints) -> list[bytes]:
        """Both timestamps with their keys, and the item's closing brace."""
        created_at, updated_at, closing = self._FRAME
        rows = np.empty((len(created_ms), len(created_at) + len(updated_at) + len(closing) + 46), dtype=np.uint8)
        at = 0
        for piece, instants in ((created_at, created_ms), (updated_at, updated_ms), (closing, None)):
            rows[:, at : at + len(piece)] = np.frombuffer(piece, dtype=np.uint8)
            at += len(piece)
            if instants is not None:
                self._write(rows[:, at : at + 23], instants)
                at += 23
        listed: list[bytes] = rows.view(f"S{rows.shape[1]}").ravel().tolist()
        return listed

    def _write(self, rows: ByteRows, ms: Ints) -> None:
        days, in_day = np.divmod(ms, DAY_MS)
        seconds, millis = np.divmod(in_day, 1000)
        minutes, second = np.divmod(seconds, 60)
        hour, minute = np.divmod(minutes, 60)
        rows[:, :10] = self._dates[days - self._first_day]
        rows[:, 10], rows[:, 13], rows[:, 16], rows[:, 19] = (ord(char) for char in "T::.")
        rows[:, 11:13] = self._pairs[hour]
        rows[:, 14:16] = self._pairs[minute]
        rows[:, 17:19] = self._pairs[second]
        rows[:, 20:23] = self._triples[millis]
