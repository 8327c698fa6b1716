"""A tenant's customers as columns: what a `TenantStore` is built from.

Generated data arrives this way directly (`generator.py`); records, as fixture files hold them,
are turned into one here. Either way the store indexes the same columns, so it serves both
alike, and the sort keys let it order a million customers with numpy instead of Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import orjson

from mockserver.domain.customer import Customer, has_active_rentals, list_item
from mockserver.domain.ordering import FIELDS
from mockserver.domain.query import fold_email
from mockserver.storage.columns import PackedBytesBuilder, PackedText, compact_column
from mockserver.storage.details import DetailBodiesBuilder, DetailSource
from mockserver.storage.lookup import key_hash

__all__ = ["CustomerTable", "SortColumn", "table_from_records"]


class SortColumn(NamedTuple):
    """One sort field over a table: each customer's value, and numpy keys in the same order.

    `values` are what the field's key is made of, as `SortField.value` reads them from a record
    (what a cursor holds); `keys` order and tie exactly as the values do (numbers, ranks or
    byte strings), so that numpy sorts them instead of Python.
    """

    values: Sequence[Any]
    keys: npt.NDArray[Any]


@dataclass(frozen=True, slots=True)
class CustomerTable:
    """One tenant's customers, one entry per customer in every column, in the tenant's order.

    `sort_columns` hold a `SortColumn` for each field of `ordering.FIELDS`, by name, and
    `id_order` lists the positions in customerId order. The hashes are each
    customerId's and folded email's `lookup.key_hash`: valid in this process only.
    """

    items: Sequence[bytes]  # a list, or `AssembledItems` for a large generated dataset
    details: DetailSource
    ids: Sequence[str]
    emails: Sequence[str]
    active: npt.NDArray[np.bool_]
    business: npt.NDArray[np.bool_]
    renting: npt.NDArray[np.bool_]
    sort_columns: Mapping[str, SortColumn]
    id_order: npt.NDArray[np.intp]
    id_hashes: npt.NDArray[np.int64]
    email_hashes: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.items)

    def records(self) -> list[Customer]:
        """Every customer's whole record, as Get Customer shows it."""
        bodies = map(self.details.body, range(len(self)), self.items)
        return [orjson.loads(body)["customer"] for body in bodies]


def table_from_records(records: Iterable[Customer]) -> CustomerTable:
    """The table of `records`, read once as a stream; none of them is kept."""
    items = PackedBytesBuilder()
    details = DetailBodiesBuilder()
    ids: list[str] = []
    emails: list[str] = []
    active: list[bool] = []
    business: list[bool] = []
    renting: list[bool] = []
    values: dict[str, list[Any]] = {field.name: [] for field in FIELDS}
    filled = [(field.value, values[field.name].append) for field in FIELDS]
    for record in records:
        items.append(orjson.dumps(list_item(record)))
        details.add(record)
        ids.append(record["customerId"])
        emails.append(record["email"])
        active.append(record["status"] == "active")
        business.append(record["customerType"] == "business")
        renting.append(has_active_rentals(record))
        for value_of, append in filled:
            append(value_of(record))
    return CustomerTable(
        items=list(items.build()),
        details=details.build(),
        ids=PackedText(ids),
        emails=PackedText(emails),
        active=np.array(active, dtype=np.bool_),
        business=np.array(business, dtype=np.bool_),
        renting=np.array(renting, dtype=np.bool_),
        sort_columns={name: SortColumn(compact_column(column), _ranks(column)) for name, column in values.items()},
        id_order=np.array(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.intp),
        id_hashes=np.fromiter(map(key_hash, ids), dtype=np.int64, count=len(ids)),
        email_hashes=np.fromiter((key_hash(fold_email(email)) for email in emails), dtype=np.int64, count=len(emails)),
    )


def _ranks(values: Sequence[Any]) -> npt.NDArray[np.int64]:
    """Each value's rank in the order Python compares them (code points for strings); ties share one."""
    ranks = {value: rank for rank, value in enumerate(sorted(set(values)))}
    return np.fromiter(map(ranks.__getitem__, values), dtype=np.int64, count=len(values))
