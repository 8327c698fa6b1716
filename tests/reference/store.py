"""Where the deployment keeps its customers: the four things the HTTP edge asks of a database.

`PostgresStore` and `MariaDBStore` answer them with their own SQL; the app above them is one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from tests.reference.listing import ListQuery, Position

Row = Sequence[Any]


class Store(Protocol):
    """A database of tenants and customers, rows in the order of `customers.COLUMNS`."""

    def known_tenant(self, tenant: str) -> bool:
        """Whether `tenant` exists."""
        ...

    def page(self, tenant: str, query: ListQuery, position: Position | None) -> tuple[int, list[Row]]:
        """The latest revision (the new traversal's snapshot) and the rows of one page, `query.limit + 1` at most."""
        ...

    def customer(self, tenant: str, customer_id: str) -> Row | None:
        """One customer's row, or None."""
        ...

    def update(self, tenant: str, customer_id: str, patch: Mapping[str, Any]) -> Row:
        """Apply a valid patch in one transaction; the row as it is now (CustomerNotFound, Conflict, EmailInUse)."""
        ...
