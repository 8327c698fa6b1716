"""The suite's one model of List Customers: which records a query matches, in which order, shown how.

Written from `openapi.yaml`'s words, never from the mock's code, so that it can disagree with the
mock: the filters combine with AND (`email` compared with ASCII letters folded); the order is the
sort value, then `customerId`, both in the requested direction; strings compare by code point,
`createdAt` as instants, numbers as numbers; a list item leaves out the profitability fields.
The reference deployments under `tests/reference/` are not a model but deployments in their own
right: they answer the same questions in SQL, as a real one does, and the kit judges them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import yaml

SPEC: Final[dict[str, Any]] = yaml.safe_load((Path(__file__).resolve().parents[1] / "openapi.yaml").read_text("utf-8"))
X_ORDERING: Final[dict[str, Any]] = SPEC["paths"]["/v1/customers"]["get"]["x-ordering"]
ORDERING: Final[dict[str, str]] = X_ORDERING["fields"]  # sort field -> "timestamp" | "string" | "number"
SORT_FIELDS: Final = tuple(ORDERING)

PROFITABILITY: Final = frozenset(
    {
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
)


def ascii_lower(text: str) -> str:
    """`text` with the ASCII letters lowered and every other character kept, as the email filter compares."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def matches(record: Mapping[str, Any], params: Mapping[str, str]) -> bool:
    """Whether `record` passes every filter in `params` (the filters combine with AND)."""
    checks: dict[str, Callable[[str], bool]] = {
        "status": lambda value: record["status"] == value,
        "customerType": lambda value: record["customerType"] == value,
        "hasActiveRentals": lambda value: (record["totalDevicesRented"] > 0) == (value == "true"),
        "email": lambda value: ascii_lower(record["email"]) == ascii_lower(value),
    }
    return all(check(params[name]) for name, check in checks.items() if name in params)


def order_value(record: Mapping[str, Any], field: str) -> Any:
    """The value the contract compares: an instant for a timestamp, the string or number itself otherwise."""
    kind = ORDERING[field]
    if kind == "timestamp":
        return datetime.fromisoformat(record[field])
    assert kind in {"string", "number"}, kind
    return record[field]


def expected_ids(records: Iterable[Mapping[str, Any]], params: Mapping[str, str]) -> list[str]:
    """The ids of the records `params` match, in the order the contract gives them (defaults included)."""
    field = params.get("sortBy", "createdAt")
    descending = params.get("sortOrder", "desc") == "desc"
    chosen = [record for record in records if matches(record, params)]
    chosen.sort(key=lambda record: (order_value(record, field), record["customerId"]), reverse=descending)
    return [record["customerId"] for record in chosen]


def as_list_item(record: Mapping[str, Any]) -> dict[str, Any]:
    """`record` as List Customers shows it: without the profitability fields Get Customer adds."""
    return {name: value for name, value in record.items() if name not in PROFITABILITY}
