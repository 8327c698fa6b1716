"""What a write does to a customer: Update Customer's merge patch, and an order placed for an email.

Pure functions from a record (and the request) to the new record; the caller checks the
result against the tenant's other customers and stores it. The fields a tenant may change are
the spec's `CustomerUpdate` schema, so the contract says what is editable, not this code.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from jsonschema import Draft202012Validator

from mockserver.domain.customer import Customer, CustomerChecker
from mockserver.domain.errors import Conflict, ValidationFailed
from mockserver.domain.ordering import parse_timestamp
from mockserver.domain.spec import component_schema

__all__ = ["CustomerEdits", "Order", "advanced", "check_schema", "new_id", "timestamp"]

_ID_ALPHABET: Final = string.ascii_letters + string.digits
_MILLISECOND: Final = timedelta(milliseconds=1)


class CustomerEdits:
    """Validates writes against `openapi.yaml` and applies them to records."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self._update = Draft202012Validator(
            component_schema(spec, "CustomerUpdate"), format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        self._checker = CustomerChecker(spec)

    def check_patch(self, patch: Mapping[str, Any]) -> None:
        """Raise ValidationFailed unless `patch` is a `CustomerUpdate`."""
        check_schema(self._update, patch)

    def updated(self, record: Customer, patch: Mapping[str, Any], now: datetime) -> Customer:
        """`record` with `patch` merged in and `updatedAt` advanced; raises ValidationFailed or Conflict."""
        self.check_patch(patch)
        changed = {**record, **patch, "updatedAt": advanced(record["updatedAt"], now)}
        self._check(changed)
        return changed

    def ordered(self, record: Customer, order: Order, now: datetime) -> Customer:
        """`record` after `order` was placed for its email: the order, and any rental, linked to it."""
        changed = dict(record)
        changed["orderIds"] = [*record["orderIds"], order.order_id]
        changed["totalOrders"] = record["totalOrders"] + 1
        if order.monthly_price is not None:
            changed["rentalIds"] = [*record["rentalIds"], order.rental_id]
            changed["totalDevicesRented"] = record["totalDevicesRented"] + 1
            changed["totalMonthlyRevenue"] = round(record["totalMonthlyRevenue"] + order.monthly_price, 2)
            changed["subscriptionsTracked"] = record["subscriptionsTracked"] + 1
            for figure in ("devicesEver", "activeDevices"):
                if figure in record:
                    changed[figure] = record[figure] + 1
        changed["updatedAt"] = advanced(record["updatedAt"], now)
        self._check(changed)
        return changed

    def created(self, tenant: str, order: Order, now: datetime) -> Customer:
        """The customer the platform creates when `order` is the first for its email."""
        stamp = timestamp(now)
        first, last = order.first_name or "", order.last_name or ""
        record: Customer = {
            "customerId": new_id("cus_", 16),
            "tenantId": tenant,
            "email": order.email,
            "firstName": first,
            "lastName": last,
            "customerType": "business" if order.company else "individual",
            "status": "active",
            "company": order.company,
            "phone": order.phone,
            "totalOrders": 0,
            "totalDevicesRented": 0,
            "totalMonthlyRevenue": 0.0,
            "orderIds": [],
            "rentalIds": [],
            "createdBy": "checkout",
            "customFields": {},
            "lastBillingAddress": None,
            "lastShippingAddress": None,
            "createdAt": stamp,
            "updatedAt": stamp,
            "lifetimeCollected": 0.0,
            "totalAcquisitionCost": 0.0,
            "customerMargin": 0.0,
            "customerMarginPercent": None,
            "subscriptionsTracked": 0,
            "costRecoveryPercent": None,
            "averageMonthlyRevenue": 0.0,
            "devicesEver": 0,
            "activeDevices": 0,
        }
        return self.ordered(record, order, now)

    def _check(self, record: Customer) -> None:
        problems = list(self._checker.problems(record, record["tenantId"]))
        if problems:
            raise Conflict(f"The customer would be inconsistent: {'; '.join(problems[:3])}")


@dataclass(frozen=True, kw_only=True, slots=True)
class Order:
    """An order placed for `email`; with a `monthly_price`, it rents a device (a new subscription)."""

    email: str
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    phone: str | None = None
    monthly_price: float | None = None
    order_id: str = field(default_factory=lambda: new_id("ord_", 12))
    rental_id: str = field(default_factory=lambda: new_id("sub_", 12))


def advanced(updated_at: str, now: datetime) -> str:
    """An `updatedAt` later than `updated_at`: now, or a millisecond later when the clock is behind it."""
    previous = parse_timestamp(updated_at)
    return timestamp(max(now, previous + _MILLISECOND))


def timestamp(moment: datetime) -> str:
    """`moment` as the API writes timestamps: UTC, to the millisecond (`2024-03-05T14:22:10.120Z`)."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def new_id(prefix: str, length: int) -> str:
    """A fresh id in the platform's style (`cus_…`); random, so no two servers' writes collide."""
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def check_schema(validator: Draft202012Validator, body: Mapping[str, Any]) -> None:
    """Raise ValidationFailed naming the first three places where `body` breaks `validator`'s schema."""
    errors = sorted(validator.iter_errors(body), key=lambda error: [str(part) for part in error.path])
    if errors:
        raise ValidationFailed("; ".join(_describe(error) for error in errors[:3]))


def _describe(error: Any) -> str:
    where = "/".join(str(part) for part in error.path) or "the body"
    return f"{where}: {error.message}"[:300]
