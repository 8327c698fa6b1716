"""The deployment's customers in PostgreSQL, through a psycopg connection pool the caller owns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from psycopg_pool import ConnectionPool

from tests.reference.customers import COLUMNS
from tests.reference.deployment import Deployment
from tests.reference.listing import Dialect, ListQuery, Position, page_statement
from tests.reference.store import Row
from tests.reference.updates import apply_patch

POSTGRES: Final = Dialect(
    quote=lambda name: '"' + name.replace('"', '""') + '"',
    email_equals='email_key = lower(%s::text COLLATE "C")',
    email_prefix="email ILIKE %s",
)


@dataclass(frozen=True)
class PostgresStore:
    """`Store` over the tables `database.create_tables` made in `deployment.schema`."""

    deployment: Deployment
    pool: ConnectionPool[Any]

    @property
    def _schema(self) -> str:
        return POSTGRES.quote(self.deployment.schema)

    def known_tenant(self, tenant: str) -> bool:
        with self.pool.connection() as connection:
            found = connection.execute(f"SELECT 1 FROM {self._schema}.tenants WHERE tenant_id = %s", [tenant])
            return found.fetchone() is not None

    def page(self, tenant: str, query: ListQuery, position: Position | None) -> tuple[int, list[Row]]:
        with self.pool.connection() as connection:
            # Read before the page, so that no write the first page missed is counted as seen by it.
            latest = connection.execute(
                f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {self._schema}.revisions"
            ).fetchone()
            assert latest is not None
            statement, params = page_statement(self.deployment, tenant, query, position, POSTGRES)
            return int(latest[0]), connection.execute(statement, params).fetchall()

    def customer(self, tenant: str, customer_id: str) -> Row | None:
        columns = ", ".join(POSTGRES.quote(column.name) for column in COLUMNS)
        with self.pool.connection() as connection:
            row: Row | None = connection.execute(
                f"SELECT {columns} FROM {self._schema}.customers WHERE tenant_id = %s AND customer_id = %s",
                [tenant, customer_id],
            ).fetchone()
            return row

    def update(self, tenant: str, customer_id: str, patch: Mapping[str, Any]) -> Row:
        with self.pool.connection() as connection:
            return apply_patch(connection, self.deployment.schema, tenant, customer_id, patch)
