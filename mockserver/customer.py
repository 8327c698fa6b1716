"""What a valid customer record is: the spec's `CustomerDetail` schema plus the invariants it states.

A record is the full Get Customer representation; a list item is the same record without the
profitability figures, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from jsonschema import Draft202012Validator

from mockserver.ordering import parse_timestamp
from mockserver.spec import component_schema, load_spec

Customer = dict[str, Any]

PROFITABILITY_FIELDS: Final = frozenset(
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
_CENT: Final = 0.005


def list_item(record: Mapping[str, Any]) -> Customer:
    """The record as List Customers shows it."""
    return {name: value for name, value in record.items() if name not in PROFITABILITY_FIELDS}


def has_active_rentals(record: Mapping[str, Any]) -> bool:
    """What the `hasActiveRentals` filter tests."""
    return bool(record["totalDevicesRented"] > 0)


class CustomerChecker:
    """Finds what is wrong with a record, against the schema in `openapi.yaml` and its invariants."""

    def __init__(self, spec: dict[str, Any] | None = None) -> None:
        schema = component_schema(spec or load_spec(), "CustomerDetail")
        self._validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)

    def problems(self, record: object, tenant: str) -> Iterator[str]:
        """Each violation, as a sentence; none for a valid record of `tenant`."""
        schema_errors = sorted(self._validator.iter_errors(record), key=lambda error: list(error.path))
        if schema_errors:
            for error in schema_errors[:3]:
                where = "/".join(str(part) for part in error.path) or "the record"
                yield f"{where}: {error.message}"
            return
        assert isinstance(record, dict)
        yield from _invariant_problems(record, tenant)


def _invariant_problems(record: Customer, tenant: str) -> Iterator[str]:
    if record["tenantId"] != tenant:
        yield f"tenantId is {record['tenantId']!r} but the record is listed under tenant {tenant!r}"
    company = record.get("company")
    if record["customerType"] == "business" and not company:
        yield "a business customer needs a company"
    if record["customerType"] == "individual" and company is not None:
        yield "an individual customer has no company (absent or null)"
    if record["totalOrders"] != len(record["orderIds"]):
        yield f"totalOrders is {record['totalOrders']} but orderIds has {len(record['orderIds'])} ids"
    if record["totalDevicesRented"] > len(record["rentalIds"]):
        yield "totalDevicesRented is larger than the number of rentalIds"
    if record["totalDevicesRented"] == 0 and record["totalMonthlyRevenue"] != 0:
        yield "totalMonthlyRevenue must be 0 without rented devices"
    try:
        if parse_timestamp(record["createdAt"]) > parse_timestamp(record["updatedAt"]):
            yield "createdAt is later than updatedAt"
    except ValueError as error:
        yield str(error)
    margin = record["lifetimeCollected"] - record["totalAcquisitionCost"]
    if abs(record["customerMargin"] - margin) > _CENT:
        yield "customerMargin is not lifetimeCollected - totalAcquisitionCost"
    if "activeDevices" in record and record["activeDevices"] != record["totalDevicesRented"]:
        yield "activeDevices differs from totalDevicesRented"
