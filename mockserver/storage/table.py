"""A tenant's customers as columns: what a `TenantStore` is built from.

Generated data arrives this way directly (`generator.py`); records, as fixture files hold them,
are turned into one here. Either way the store indexes the same columns, so it serves both
alike, and the sort keys let it order a million customers with numpy instead of Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from mockserver.domain.customer import Customer, has_active_rentals, list_item
from mockserver.domain.ordering import SORT_FIELDS, sort_value
from mockserver.domain.query import fold_email
from mockserver.storage.columns import PackedBytesBuilder, PackedText, compact_column
from mockserver.storage.details import DetailBodiesBuilder, DetailSource
from mockserver.storage.lookup import key_hash

__all__ = ["CustomerTable", "table_from_records"]


@dataclass(frozen=True, slots=True)
class CustomerTable:
    """One tenant's customers, one entry per customer in every column, in the tenant's order.

    `sort_values` hold what a sort field's key is made of (as `ordering.sort_value` gives it);
    `sort_keys` are numpy arrays in the same order, ties included (numbers, ranks or byte
    strings), and `id_order` lists the positions in customerId order. The hashes are each
    customerId's and folded email's `lookup.key_hash`: valid in this process only.
    """

    items: Sequence[bytes]  # a list, or `AssembledItems` for a large generated dataset
    details: DetailSource
    ids: Sequence[str]
    emails: Sequence[str]
    active: npt.NDArray[np.bool_]
    business: npt.NDArray[np.bool_]
    renting: npt.NDArray[np.bool_]
    sort_values: Mapping[str, Sequence[Any]]
    sort_keys: Mapping[str, npt.NDArray[Any]]
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
    values: dict[str, list[Any]] = {field: [] for field in SORT_FIELDS}
    for record in records:
        items.append(orjson.dumps(list_item(record)))
        details.add(record)
        ids.append(record["customerId"])
        emails.append(record["email"])
        active.append(record["status"] == "active")
        business.append(record["customerType"] == "business")
        renting.append(has_active_rentals(record))
        for field, column in values.items():
            column.append(sort_value(record, field))
    return CustomerTable(
        items=list(items.build()),
        details=details.build(),
        ids=PackedText(ids),
        emails=PackedText(emails),
        active=np.array(active, dtype=np.bool_),
        business=np.array(business, dtype=np.bool_),
        renting=np.array(renting, dtype=np.bool_),
        sort_values={field: compact_column(column) for field, column in values.items()},
        sort_keys={field: _ranks(column) for field, column in values.items()},
        id_order=np.array(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.intp),
        id_hashes=np.fromiter(map(key_hash, ids), dtype=np.int64, count=len(ids)),
        email_hashes=np.fromiter((key_hash(fold_email(email)) for email in emails), dtype=np.int64, count=len(emails)),
    )


def _ranks(values: Sequence[Any]) -> npt.NDArray[np.int64]:
    """Each value's rank in the order Python compares them (code points for strings); ties share one."""
    ranks = {value: rank for rank, value in enumerate(sorted(set(values)))}
    return np.fromiter(map(ranks.__getitem__, values), dtype=np.int64, count=len(values))
