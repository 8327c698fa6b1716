"""List Customers: the query string parsed into a value, the cursor's position, and the page's SQL.

Pages are read by keyset pagination: `WHERE (sort_col, customer_id) > (%s, %s) ORDER BY
sort_col, customer_id LIMIT n + 1` ascending, the mirror with `<` and `DESC` descending; the
extra row says whether another page follows. Pages after the first leave out customers written
since the first page was served (their revision is newer than the cursor's), so a traversal
never shows a customer twice, even one that moved in the order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from tests.reference.customers import BY_FIELD, COLUMNS
from tests.reference.deployment import Deployment
from tests.reference.errors import InvalidCursor, InvalidParameter, UnknownParameter

# The deployment's own reading of openapi.yaml: independent of the mock's on purpose, as a real one is.
PARAMETERS: Final = (
    "limit",
    "startAfter",
    "status",
    "customerType",
    "email",
    "hasActiveRentals",
    "sortBy",
    "sortOrder",
)
SORT_FIELDS: Final = ("createdAt", "firstName", "lastName", "email", "totalMonthlyRevenue", "totalDevicesRented")
CHOICES: Final = {
    "status": ("active", "inactive"),
    "customerType": ("individual", "business"),
    "hasActiveRentals": ("true", "false"),
    "sortBy": SORT_FIELDS,
    "sortOrder": ("asc", "desc"),
}
DEFAULT_LIMIT, MAX_LIMIT, MAX_CURSOR, MAX_EMAIL = 50, 100, 2048, 254
_DIGITS: Final = re.compile(r"[0-9]{1,4}", re.ASCII)


@dataclass(frozen=True, slots=True)
class ListQuery:
    """A valid list query: the filters, the effective sort and page size, and the cursor sent."""

    filters: tuple[tuple[str, str], ...]
    sort_by: str
    descending: bool
    limit: int
    cursor: str | None

    def binding(self) -> dict[str, Any]:
        """What a cursor belongs to: everything that decides membership and order, not the page size."""
        return {
            "filters": dict(self.filters),
            "sortBy": self.sort_by,
            "sortOrder": "desc" if self.descending else "asc",
        }


def parse_query(pairs: Iterable[tuple[str, str]]) -> ListQuery:
    """The query string's pairs as a `ListQuery`; UnknownParameter or InvalidParameter for anything else."""
    values = single_values(pairs, PARAMETERS)
    for name, choices in CHOICES.items():
        if name in values and values[name] not in choices:
            raise InvalidParameter(f"{name} must be one of {', '.join(choices)}, got {values[name]!r}")
    raw_limit = values.get("limit", str(DEFAULT_LIMIT))
    if not _DIGITS.fullmatch(raw_limit) or not 1 <= int(raw_limit) <= MAX_LIMIT:
        raise InvalidParameter(f"limit must be an integer from 1 to {MAX_LIMIT}, got {raw_limit!r}")
    if "email" in values and not 1 <= len(values["email"]) <= MAX_EMAIL:
        raise InvalidParameter(f"email must be 1 to {MAX_EMAIL} characters")
    cursor = values.get("startAfter")
    if cursor is not None and not 1 <= len(cursor) <= MAX_CURSOR:
        raise InvalidCursor(f"startAfter must be 1 to {MAX_CURSOR} characters")
    filters = tuple(
        (name, values[name]) for name in ("status", "customerType", "email", "hasActiveRentals") if name in values
    )
    return ListQuery(
        filters=filters,
        sort_by=values.get("sortBy", "createdAt"),
        descending=values.get("sortOrder", "desc") == "desc",
        limit=int(raw_limit),
        cursor=cursor,
    )


def single_values(pairs: Iterable[tuple[str, str]], known: tuple[str, ...]) -> dict[str, str]:
    """Each parameter's one value; UnknownParameter for one not in `known`, InvalidParameter for a repeat."""
    values: dict[str, str] = {}
    for name, value in pairs:
        if name not in known:
            raise UnknownParameter(f"unknown query parameter {name!r}; accepted: {', '.join(known) or 'none'}")
        if name in values:
            raise InvalidParameter(f"{name} was given more than once")
        values[name] = value
    return values


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page starts: after a (sort value, id) key, or (offset cursors) after `offset` rows."""

    snapshot: int
    after: tuple[Any, str] | None = None
    offset: int = 0


def position_of(payload: dict[str, Any], query: ListQuery, tenant: str, *, offsets: bool = False) -> Position:
    """The position a cursor's payload names (an offset when `offsets`), once it belongs to this tenant and query."""
    if payload.get("tenant") != tenant or payload.get("query") != query.binding():
        raise InvalidCursor("startAfter belongs to another tenant or another query (filters, sortBy, sortOrder)")
    snapshot, after, offset = payload.get("snapshot"), payload.get("after"), payload.get("offset")
    if not isinstance(snapshot, int) or isinstance(snapshot, bool):
        raise InvalidCursor("startAfter is not a cursor this API issued")
    if offsets:
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise InvalidCursor("startAfter is not a cursor this API issued")
        return Position(snapshot=snapshot, offset=offset)
    if not (isinstance(after, list) and len(after) == 2 and isinstance(after[1], str)):
        raise InvalidCursor("startAfter is not a cursor this API issued")
    return Position(snapshot=snapshot, after=(_sort_value(query.sort_by, after[0]), after[1]))


def cursor_value(value: Any) -> Any:
    """A sort value as a cursor's JSON holds it, exactly (numbers as decimal strings, instants to the µs)."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, Decimal):
        return str(value)
    return value


def _sort_value(sort_by: str, raw: Any) -> Any:
    """A cursor's sort value as the parameter for the sort column; InvalidCursor when it cannot be one."""
    kind = BY_FIELD[sort_by].kind
    value: Any = None
    try:
        if kind == "timestamp" and isinstance(raw, str):
            value = datetime.fromisoformat(raw)
            value = value if value.tzinfo is not None else None
        elif kind == "number" and isinstance(raw, str):
            value = Decimal(raw)
            value = value if value.is_finite() else None
        elif (kind == "integer" and isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) < 2**31) or (
            kind == "text" and isinstance(raw, str) and "\x00" not in raw
        ):
            value = raw
    except (ValueError, InvalidOperation):
        value = None
    if value is None:
        raise InvalidCursor("startAfter is not a cursor this API issued")
    return value


@dataclass(frozen=True, slots=True)
class Dialect:
    """What the SQL of a page says differently in PostgreSQL and MariaDB."""

    quote: Callable[[str], str]
    # The email filter: `email_key` (the email, ASCII letters lowered) against the %s parameter.
    email_equals: str
    # The bug `email_match="ilike-prefix"`: a case-insensitive prefix match.
    email_prefix: str
    email_parameter: Callable[[str], str] = str


def page_statement(
    deployment: Deployment, tenant: str, query: ListQuery, position: Position | None, dialect: Dialect
) -> tuple[str, list[Any]]:
    """The SELECT of one page (`limit + 1` rows of `COLUMNS`) and its parameters."""
    column = dialect.quote(BY_FIELD[query.sort_by].name)
    conditions = ["tenant_id = %s"]
    params: list[Any] = [tenant]
    for name, value in query.filters:
        if name == "status":
            conditions.append("status = %s")
            params.append(value)
        elif name == "customerType":
            conditions.append("customer_type = %s")
            params.append(value)
        elif name == "hasActiveRentals":
            conditions.append("total_devices_rented > 0" if value == "true" else "total_devices_rented = 0")
        elif deployment.email_match == "ilike-prefix":
            conditions.append(dialect.email_prefix)
            params.append(value + "%")
        else:
            conditions.append(dialect.email_equals)
            params.append(dialect.email_parameter(value))
    if position is not None:
        conditions.append("revision <= %s")
        params.append(position.snapshot)
        if position.after is not None:
            beyond = "<" if query.descending else ">"
            if deployment.keyset_tie_breaker:
                conditions.append(f"({column}, customer_id) {beyond} (%s, %s)")
                params.extend(position.after)
            else:
                conditions.append(f"{column} {beyond} %s")
                params.append(position.after[0])
    direction = "DESC" if query.descending else "ASC"
    columns = ", ".join(dialect.quote(c.name) for c in COLUMNS)
    statement = (
        f"SELECT {columns} FROM {dialect.quote(deployment.schema)}.customers WHERE {' AND '.join(conditions)}"
        f" ORDER BY {column} {direction}, customer_id {direction} LIMIT %s OFFSET %s"
    )
    params.extend([query.limit + 1, position.offset if position is not None else 0])
    return statement, params
