"""How a customer is stored: the API's fields as table columns, and a row rendered back as the API's JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final, Literal

from psycopg.types.json import Jsonb

Kind = Literal["text", "integer", "number", "timestamp", "json", "ids"]


@dataclass(frozen=True, slots=True)
class Column:
    """One API field and the column holding it; `required` fields are rendered (as null) even when NULL."""

    field: str
    name: str
    kind: Kind
    required: bool = True
    detail_only: bool = False


COLUMNS: Final = (
    Column("customerId", "customer_id", "text"),
    Column("tenantId", "tenant_id", "text"),
    Column("email", "email", "text"),
    Column("firstName", "first_name", "text"),
    Column("lastName", "last_name", "text"),
    Column("customerType", "customer_type", "text"),
    Column("status", "status", "text"),
    Column("company", "company", "text", required=False),
    Column("phone", "phone", "text", required=False),
    Column("totalOrders", "total_orders", "integer"),
    Column("totalDevicesRented", "total_devices_rented", "integer"),
    Column("totalMonthlyRevenue", "total_monthly_revenue", "number"),
    Column("orderIds", "order_ids", "ids"),
    Column("rentalIds", "rental_ids", "ids"),
    Column("createdBy", "created_by", "text", required=False),
    Column("customFields", "custom_fields", "json", required=False),
    Column("lastBillingAddress", "last_billing_address", "json", required=False),
    Column("lastShippingAddress", "last_shipping_address", "json", required=False),
    Column("createdAt", "created_at", "timestamp"),
    Column("updatedAt", "updated_at", "timestamp"),
    Column("lifetimeCollected", "lifetime_collected", "number", detail_only=True),
    Column("totalAcquisitionCost", "total_acquisition_cost", "number", detail_only=True),
    Column("customerMargin", "customer_margin", "number", detail_only=True),
    Column("customerMarginPercent", "customer_margin_percent", "number", detail_only=True),
    Column("subscriptionsTracked", "subscriptions_tracked", "integer", detail_only=True),
    Column("costRecoveryPercent", "cost_recovery_percent", "number", required=False, detail_only=True),
    Column("averageMonthlyRevenue", "average_monthly_revenue", "number", required=False, detail_only=True),
    Column("devicesEver", "devices_ever", "integer", required=False, detail_only=True),
    Column("activeDevices", "active_devices", "integer", required=False, detail_only=True),
)
BY_FIELD: Final = {column.field: column for column in COLUMNS}
SQL_TYPES: Final = {
    "text": "text",
    "integer": "integer",
    "number": "numeric",
    "timestamp": "timestamptz",
    "json": "jsonb",
    "ids": "text[]",
}


def timestamp(moment: datetime) -> str:
    """An instant as the API writes it: UTC, to the millisecond, or the microsecond when it has one."""
    moment = moment.astimezone(UTC)
    spec = "microseconds" if moment.microsecond % 1000 else "milliseconds"
    return moment.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def render(row: Sequence[Any], *, detail: bool) -> dict[str, Any]:
    """A row of `COLUMNS` (in that order) as the API's customer: the list item, or Get Customer's detail."""
    customer: dict[str, Any] = {}
    for column, value in zip(COLUMNS, row, strict=True):
        if column.detail_only and not detail:
            continue
        if value is None:
            if column.required:
                customer[column.field] = None
            continue
        if isinstance(value, Decimal):
            value = float(value)
        elif isinstance(value, datetime):
            value = timestamp(value)
        customer[column.field] = value
    return customer


def stored(field: str, value: Any) -> Any:
    """A field's JSON value as the parameter for its column."""
    column = BY_FIELD[field]
    if value is None:
        return None
    if column.kind == "json":
        return Jsonb(value)
    if column.kind == "number":
        return Decimal(str(value))
    if column.kind == "timestamp":
        return datetime.fromisoformat(value)
    return value


def row_of(record: Mapping[str, Any]) -> list[Any]:
    """A customer record (as a fixture file holds it) as the parameters of an INSERT of `COLUMNS`."""
    return [stored(column.field, record.get(column.field)) for column in COLUMNS]
