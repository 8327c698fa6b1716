"""The deployment's tables in one PostgreSQL schema, and loading them from a fixture file.

The text columns a list orders by (the names, the email and the customer id that breaks
ties) are created in the collation the team chose, as a database's default collation would
give them, or the id in one of its own (often "C", binary, while the names are linguistic);
the tenant id and the email lookup key stay in "C", since emails match
ASCII-case-insensitively whatever the sort collation is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

import psycopg
from psycopg import sql

from tests.reference.customers import COLUMNS, SQL_TYPES, row_of

SORTED_TEXT: Final = frozenset({"email", "first_name", "last_name"})
NOT_NULL: Final = frozenset(column.name for column in COLUMNS if column.required) - {"customer_margin_percent"}
SORT_INDEXES: Final = (
    "created_at",
    "first_name",
    "last_name",
    "email",
    "total_monthly_revenue",
    "total_devices_rented",
)


def create_tables(
    connection: psycopg.Connection[Any], schema: str, collation: str, id_collation: str | None = None
) -> None:
    """Create `schema` with the tenants, customers and revision counter.

    The sortable text is in `collation`, the customer id in `id_collation` (default: the same).
    """
    columns = []
    for column in COLUMNS:
        declared: sql.Composable = sql.SQL(SQL_TYPES[column.kind])
        if column.kind == "text":
            chosen = "C"
            if column.name in SORTED_TEXT:
                chosen = collation
            elif column.name == "customer_id":
                chosen = id_collation or collation
            declared = sql.SQL("{} COLLATE {}").format(declared, sql.Identifier(chosen))
        if column.name in NOT_NULL:
            declared = sql.SQL("{} NOT NULL").format(declared)
        columns.append(sql.SQL("{} {}").format(sql.Identifier(column.name), declared))
    names = {"schema": sql.Identifier(schema)}
    statements = [
        sql.SQL("CREATE SCHEMA {schema}").format(**names),
        sql.SQL('CREATE TABLE {schema}.tenants (tenant_id text COLLATE "C" PRIMARY KEY)').format(**names),
        # Every write takes the next revision; a cursor remembers the last one before its traversal.
        sql.SQL("CREATE SEQUENCE {schema}.revisions").format(**names),
        sql.SQL(
            "CREATE TABLE {schema}.customers ({columns},"
            ' email_key text COLLATE "C" GENERATED ALWAYS AS (lower(email COLLATE "C")) STORED,'
            " revision bigint NOT NULL DEFAULT 0,"
            " PRIMARY KEY (tenant_id, customer_id),"
            " UNIQUE (tenant_id, email_key),"
            " FOREIGN KEY (tenant_id) REFERENCES {schema}.tenants)"
        ).format(columns=sql.SQL(", ").join(columns), **names),
        *(
            sql.SQL("CREATE INDEX ON {schema}.customers (tenant_id, {column}, customer_id)").format(
                column=sql.Identifier(column), **names
            )
            for column in SORT_INDEXES
        ),
    ]
    with connection.transaction():
        for statement in statements:
            connection.execute(statement)


def load(connection: psycopg.Connection[Any], schema: str, tenants: Mapping[str, Iterable[Mapping[str, Any]]]) -> int:
    """Insert every tenant and its customers (records as a fixture file holds them); the number inserted."""
    insert = sql.SQL("COPY {schema}.customers ({columns}) FROM STDIN").format(
        schema=sql.Identifier(schema), columns=sql.SQL(", ").join(sql.Identifier(column.name) for column in COLUMNS)
    )
    count = 0
    with connection.transaction(), connection.cursor() as cursor:
        for tenant in tenants:
            cursor.execute(sql.SQL("INSERT INTO {}.tenants VALUES (%s)").format(sql.Identifier(schema)), [tenant])
        with cursor.copy(insert) as copy:
            for records in tenants.values():
                for record in records:
                    copy.write_row(row_of(record))
                    count += 1
    return count
