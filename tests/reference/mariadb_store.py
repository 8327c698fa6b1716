"""The deployment's customers in MariaDB (or MySQL), through PyMySQL: tables, loading and the `Store`.

The names and the email are created in the collation the team chose (`utf8mb4_general_ci`,
`utf8mb4_unicode_ci`, `utf8mb4_uca1400_ai_ci`...), the customer id in its own (binary by
default, as ids usually are); the email lookup key holds the email with ASCII letters lowered,
computed here as PostgreSQL's `lower(email COLLATE "C")` would. Instants are stored as UTC
`DATETIME(6)`, the JSON fields as JSON text.
"""

from __future__ import annotations

import queue
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

import orjson
import pymysql

from tests.reference.customers import BY_FIELD, COLUMNS
from tests.reference.deployment import Deployment
from tests.reference.errors import CustomerNotFound, EmailInUse
from tests.reference.listing import Dialect, ListQuery, Position, page_statement
from tests.reference.store import Row
from tests.reference.updates import check_company_rule

Connection = Any  # a pymysql connection: PyMySQL ships no type hints
ASCII_LOWER: Final = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
SORTED_TEXT: Final = frozenset({"email", "first_name", "last_name"})
SQL_TYPES: Final = {
    "text": "VARCHAR(1000)",
    "integer": "INT",
    "number": "DECIMAL(24,6)",
    "timestamp": "DATETIME(6)",
    "json": "JSON",
    "ids": "JSON",
}
KEYS: Final = {"customer_id": "VARCHAR(128)", "tenant_id": "VARCHAR(64)"}
DUPLICATE_KEY: Final = 1062


def quote(name: str) -> str:
    """`name` as a MariaDB identifier."""
    return "`" + name.replace("`", "``") + "`"


MARIADB: Final = Dialect(
    quote=quote,
    email_equals="email_key = %s",
    email_prefix="email LIKE %s",
    email_parameter=lambda email: email.translate(ASCII_LOWER),
)


def create_tables(connection: Connection, database: str, collation: str, id_collation: str = "utf8mb4_bin") -> None:
    """Create `database` with the tenants, customers and revision sequence, sortable text in `collation`."""
    columns = []
    for column in COLUMNS:
        declared = SQL_TYPES[column.kind]
        declared = KEYS.get(column.name, declared)
        if column.kind == "text":
            chosen = collation if column.name in SORTED_TEXT else "utf8mb4_bin"
            chosen = id_collation if column.name == "customer_id" else chosen
            declared += f" CHARACTER SET utf8mb4 COLLATE {chosen}"
        if column.required and column.name != "customer_margin_percent":
            declared += " NOT NULL"
        columns.append(f"{quote(column.name)} {declared}")
    name = quote(database)
    statements = [
        f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
        f"CREATE TABLE {name}.tenants (tenant_id VARCHAR(64) PRIMARY KEY)",
        # Every write takes the next revision; a cursor remembers the last one before its traversal.
        f"CREATE SEQUENCE {name}.revisions NOCACHE",
        f"CREATE TABLE {name}.customers ({', '.join(columns)},"
        " email_key VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
        " revision BIGINT NOT NULL DEFAULT 0,"
        " PRIMARY KEY (tenant_id, customer_id),"
        " UNIQUE (tenant_id, email_key),"
        f" FOREIGN KEY (tenant_id) REFERENCES {name}.tenants (tenant_id))",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def load(connection: Connection, database: str, tenants: Mapping[str, Iterable[Mapping[str, Any]]]) -> int:
    """Insert every tenant and its customers (records as a fixture file holds them); the number inserted."""
    names = ", ".join(quote(column.name) for column in COLUMNS)
    marks = ", ".join(["%s"] * (len(COLUMNS) + 1))
    rows = [
        [*(_stored(column.field, record.get(column.field)) for column in COLUMNS), _email_key(record["email"])]
        for records in tenants.values()
        for record in records
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(database)}.tenants VALUES (%s)", [[tenant] for tenant in tenants])
        cursor.executemany(f"INSERT INTO {quote(database)}.customers ({names}, email_key) VALUES ({marks})", rows)
    connection.commit()
    return len(rows)


@dataclass
class MariaDBStore:
    """`Store` over the tables `create_tables` made in `deployment.schema`, `connect` opening connections."""

    deployment: Deployment
    connect: Callable[[], Connection]
    _idle: queue.SimpleQueue[Connection] = field(default_factory=queue.SimpleQueue)

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """An idle connection, or a new one; given back afterwards (closed, if the work failed)."""
        try:
            connection = self._idle.get_nowait()
        except queue.Empty:
            connection = self.connect()
        try:
            yield connection
        except BaseException:
            connection.close()
            raise
        self._idle.put(connection)

    def close(self) -> None:
        """Close the idle connections."""
        while not self._idle.empty():
            self._idle.get_nowait().close()

    @property
    def _database(self) -> str:
        return quote(self.deployment.schema)

    def known_tenant(self, tenant: str) -> bool:
        with self._connection() as connection, connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {self._database}.tenants WHERE tenant_id = %s", [tenant])
            return cursor.fetchone() is not None

    def page(self, tenant: str, query: ListQuery, position: Position | None) -> tuple[int, list[Row]]:
        statement, params = page_statement(self.deployment, tenant, query, position, MARIADB)
        with self._connection() as connection, connection.cursor() as cursor:
            # Read before the page, so that no write the first page missed is counted as seen by it.
            cursor.execute(f"SELECT next_not_cached_value - 1 FROM {self._database}.revisions")
            latest = int(cursor.fetchone()[0])
            cursor.execute(statement, [_parameter(value) for value in params])
            return latest, [_row(row) for row in cursor.fetchall()]

    def customer(self, tenant: str, customer_id: str) -> Row | None:
        with self._connection() as connection, connection.cursor() as cursor:
            cursor.execute(self._select_one(), [tenant, customer_id])
            row = cursor.fetchone()
        return None if row is None else _row(row)

    def update(self, tenant: str, customer_id: str, patch: Mapping[str, Any]) -> Row:
        table = f"{self._database}.customers"
        with self._connection() as connection, connection.cursor() as cursor:
            connection.begin()
            try:
                cursor.execute(
                    f"SELECT customer_type, company FROM {table} WHERE tenant_id = %s AND customer_id = %s FOR UPDATE",
                    [tenant, customer_id],
                )
                current = cursor.fetchone()
                if current is None:
                    raise CustomerNotFound(f"no customer {customer_id!r} in tenant {tenant!r}")
                check_company_rule(patch, current[0], current[1])
                changes = {BY_FIELD[name].name: _stored(name, value) for name, value in patch.items()}
                if "email" in patch:
                    changes["email_key"] = _email_key(patch["email"])
                assignments = ", ".join(f"{quote(column)} = %s" for column in changes)
                try:
                    cursor.execute(
                        f"UPDATE {table} SET {assignments},"
                        " updated_at = GREATEST(UTC_TIMESTAMP(3), updated_at + INTERVAL 1000 MICROSECOND),"
                        f" revision = NEXTVAL({self._database}.revisions) WHERE tenant_id = %s AND customer_id = %s",
                        [*changes.values(), tenant, customer_id],
                    )
                except pymysql.err.IntegrityError as error:
                    if error.args[0] != DUPLICATE_KEY:
                        raise
                    raise EmailInUse(
                        f"another customer of tenant {tenant!r} has the email {patch.get('email')!r}"
                    ) from None
                cursor.execute(self._select_one(), [tenant, customer_id])
                row = cursor.fetchone()
            except BaseException:
                connection.rollback()
                raise
            connection.commit()
        return _row(row)

    def _select_one(self) -> str:
        columns = ", ".join(quote(column.name) for column in COLUMNS)
        return f"SELECT {columns} FROM {self._database}.customers WHERE tenant_id = %s AND customer_id = %s"


def _email_key(email: str) -> str:
    return email.translate(ASCII_LOWER)


def _stored(field_name: str, value: Any) -> Any:
    """A field's JSON value as the parameter for its MariaDB column."""
    kind = BY_FIELD[field_name].kind
    if value is None:
        return None
    if kind in ("json", "ids"):
        return orjson.dumps(value).decode()
    if kind == "number":
        return Decimal(str(value))
    if kind == "timestamp":
        return _parameter(datetime.fromisoformat(value))
    return value


def _parameter(value: Any) -> Any:
    """An instant as MariaDB's DATETIME holds it (UTC, no zone); anything else as it is."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _row(row: Iterable[Any]) -> list[Any]:
    """A MariaDB row as PostgreSQL's psycopg gives it: instants in UTC, JSON parsed."""
    values = []
    for column, value in zip(COLUMNS, row, strict=True):
        if value is not None and column.kind == "timestamp":
            value = value.replace(tzinfo=UTC)
        elif value is not None and column.kind in ("json", "ids"):
            value = orjson.loads(value)
        values.append(value)
    return values
