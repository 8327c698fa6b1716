"""An independent statement of the contract's order and filters, for computing expected pages.

Written from `openapi.yaml`'s words, not from the mock's code: sort value, then `customerId`,
both in the requested direction; strings by code point; `createdAt` as instants.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

PROFITABILITY = {
    "lifetimeCollected",
    "totalAcquisitionCost",
    "customerMargin",
    "customerMarginPercent",
    "subscriptionsTracked",
    "costRecoveryPercent",
    "averageMonthlyRevenue",
    "devicesEver",
    "activeDevices",
}


def ascii_lower(text: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def matches(record: Mapping[str, Any], params: Mapping[str, str]) -> bool:
    """Whether `record` passes every filter in `params` (the filters combine with AND)."""
    checks = {
        "status": lambda value: record["status"] == value,
        "customerType": lambda value: record["customerType"] == value,
        "hasActiveRentals": lambda value: (record["totalDevicesRented"] > 0) == (value == "true"),
        "email": lambda value: ascii_lower(record["email"]) == ascii_lower(value),
    }
    return all(check(params[name]) for name, check in checks.items() if name in params)


def order_value(record: Mapping[str, Any], field: str) -> Any:
    if field == "createdAt":
        return datetime.fromisoformat(record[field])
    return record[field]


def expected_ids(records: Iterable[Mapping[str, Any]], params: Mapping[str, str]) -> list[str]:
    field = params.get("sortBy", "createdAt")
    descending = params.get("sortOrder", "desc") == "desc"
    chosen = [record for record in records if matches(record, params)]
    chosen.sort(key=lambda record: (order_value(record, field), record["customerId"]), reverse=descending)
    return [record["customerId"] for record in chosen]


def as_list_item(record: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in record.items() if name not in PROFITABILITY}
