"""Data consistency the platform promises, kept apart from the contract.

A real deployment's data may have quirks (an old import without a company, say) that are not
the API's fault. These rules are reported on their own, and fail a run only when asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from contract_tests.spec.collations import COLLATIONS
from contract_tests.spec.ordering import Item, parse_timestamp


@dataclass(frozen=True, slots=True)
class Finding:
    """One customer breaking one data rule."""

    rule: str
    customer_id: str
    detail: str


def _company_for_business(item: Item) -> str | None:
    company = item.get("company")
    if item.get("customerType") == "business" and not (isinstance(company, str) and company.strip()):
        return f"a business customer without a company (company={company!r})"
    if item.get("customerType") == "individual" and company is not None:
        return f"an individual with company={company!r}"
    return None


def _orders_counted(item: Item) -> str | None:
    orders = item.get("orderIds") or []
    if item.get("totalOrders") != len(orders):
        return f"totalOrders={item.get('totalOrders')!r} but {len(orders)} orderIds"
    return None


def _rentals_counted(item: Item) -> str | None:
    rentals = item.get("rentalIds") or []
    devices = item.get("totalDevicesRented")
    if not isinstance(devices, int) or devices > len(rentals):
        return f"totalDevicesRented={devices!r} but only {len(rentals)} rentalIds"
    return None


def _no_revenue_without_devices(item: Item) -> str | None:
    if item.get("totalDevicesRented") == 0 and item.get("totalMonthlyRevenue") != 0:
        return f"totalMonthlyRevenue={item.get('totalMonthlyRevenue')!r} with no device rented"
    return None


def _created_before_updated(item: Item) -> str | None:
    try:
        created, updated = parse_timestamp(item["createdAt"]), parse_timestamp(item["updatedAt"])
    except (KeyError, TypeError, ValueError) as error:
        return f"unreadable timestamps: {error}"
    if created > updated:
        return f"createdAt {item['createdAt']} is after updatedAt {item['updatedAt']}"
    return None


RULES: Final[dict[str, Callable[[Item], str | None]]] = {
    "company for business customers only": _company_for_business,
    "totalOrders counts orderIds": _orders_counted,
    "totalDevicesRented within rentalIds": _rentals_counted,
    "no revenue without a device": _no_revenue_without_devices,
    "createdAt not after updatedAt": _created_before_updated,
}
UNIQUE_EMAIL: Final = "email unique within the tenant"


def data_findings(items: Iterable[Item]) -> list[Finding]:
    """Every breach of the platform's data rules among `items` (one tenant's customers)."""
    findings = []
    owners: dict[str, str] = {}
    fold = COLLATIONS["ascii-case-insensitive"]
    for item in items:
        customer_id = str(item.get("customerId"))
        for rule, check in RULES.items():
            detail = check(item)
            if detail is not None:
                findings.append(Finding(rule, customer_id, detail))
        email = item.get("email")
        if isinstance(email, str):
            other = owners.setdefault(fold(email), customer_id)
            if other != customer_id:
                findings.append(Finding(UNIQUE_EMAIL, customer_id, f"{email!r} is also the email of {other}"))
    return findings
