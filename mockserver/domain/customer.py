"""What a valid customer record is: the spec's `CustomerDetail` schema plus the invariants it states.

A record is the full Get Customer representation; a list item is the same record without the
profitability figures, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from jsonschema import Draft202012Validator, validators

from mockserver.domain.ordering import parse_timestamp
from mockserver.domain.spec import component_schema, load_spec

__all__ = ["Customer", "CustomerChecker", "PROFITABILITY_FIELDS", "has_active_rentals", "list_item"]

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


# JSON Schema counts 2.0 as an integer; strictly typed clients do not, so a fixture may not either.
_StrictValidator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _, value: isinstance(value, int) and not isinstance(value, bool)
    ),
)


class CustomerChecker:
    """Finds what is wrong with a record, against the schema in `openapi.yaml` and its invariants.

    Stricter than the schema in two ways: fields the contract does not define are refused, since
    a fixture's `compnay` is a typo, not data to serve; and `2.0` is not an integer.
    """

    def __init__(self, spec: dict[str, Any] | None = None) -> None:
        spec = spec or load_spec()
        schemas = spec["components"]["schemas"]
        self._validator = _StrictValidator(
            component_schema(spec, "CustomerDetail"), format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        self._fields = frozenset(schemas["Customer"]["properties"]) | PROFITABILITY_FIELDS
        self._address_fields = frozenset(schemas["Address"]["properties"])

    def problems(self, record: object, tenant: str) -> Iterator[str]:
        """Each violation, as a sentence; none for a valid record of `tenant`."""
        schema_errors = sorted(
            self._validator.iter_errors(record), key=lambda error: [str(part) for part in error.path]
        )
        if schema_errors:
            for error in schema_errors[:3]:
                where = "/".join(str(part) for part in error.path) or "the record"
                yield f"{where}: {error.message}"
            return
        assert isinstance(record, dict)
        yield from self._unknown_fields(record)
        yield from _invariant_problems(record, tenant)

    def _unknown_fields(self, record: Customer) -> Iterator[str]:
        for name in record.keys() - self._fields:
            yield f"{name!r} is not a field of a customer in openapi.yaml"
        for address in ("lastBillingAddress", "lastShippingAddress"):
            if isinstance(record.get(address), dict):
                for name in record[address].keys() - self._address_fields:
                    yield f"{address}: {name!r} is not a field of an address in openapi.yaml"


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
    ratios = (
        ("customerMarginPercent", "lifetimeCollected"),
        ("costRecoveryPercent", "totalAcquisitionCost"),
    )
    for percent, denominator in ratios:
        if percent in record and (record[percent] is None) != (record[denominator] == 0):
            yield f"{percent} must be null exactly when {denominator} is 0"
