"""The platform's data rules, reported apart from the contract, on hand-made records."""

from __future__ import annotations

from typing import Any

import pytest

from contract_tests.checks.consistency import RULES, UNIQUE_EMAIL, Finding, data_findings
from contract_tests.spec.ordering import Item

# --- data_findings -------------------------------------------------------------------------------


def record(customer_id: str = "cus_1", **fields: Any) -> dict[str, Any]:
    """A customer that keeps every data rule, with `fields` changed."""
    base: dict[str, Any] = {
        "customerId": customer_id,
        "email": f"{customer_id}@example.com",
        "customerType": "individual",
        "company": None,
        "totalOrders": 2,
        "orderIds": ["ord_1", "ord_2"],
        "rentalIds": ["sub_1", "sub_2"],
        "totalDevicesRented": 1,
        "totalMonthlyRevenue": 19.9,
        "createdAt": "2024-01-01T10:00:00Z",
        "updatedAt": "2024-02-01T10:00:00Z",
    }
    return {**base, **fields}


def rules_broken(*items: Item) -> list[tuple[str, str]]:
    return [(finding.rule, finding.customer_id) for finding in data_findings(items)]


@pytest.mark.parametrize(
    "item",
    [
        record(),
        record(customerType="business", company="Kobelt KG"),
        {key: value for key, value in record().items() if key != "company"},
        record(totalOrders=0, orderIds=[]),
        record(totalOrders=0, orderIds=None),
        record(totalDevicesRented=0, totalMonthlyRevenue=0),
        record(totalDevicesRented=0, totalMonthlyRevenue=0.0),
        record(totalDevicesRented=2),  # equal to the rentalIds is within them
        record(createdAt="2024-01-01T10:00:00Z", updatedAt="2024-01-01T10:00:00Z"),
        # 10:00+02:00 is 08:00Z, before 09:00Z, although its text sorts later.
        record(createdAt="2024-01-01T10:00:00+02:00", updatedAt="2024-01-01T09:00:00Z"),
    ],
)
def test_data_rules_kept(item: Item) -> None:
    assert data_findings([item]) == []


@pytest.mark.parametrize(
    ("item", "rule", "detail"),
    [
        (record(customerType="business", company=None), "company for business customers only", "without a company"),
        (record(customerType="business", company="  "), "company for business customers only", "without a company"),
        (record(customerType="business", company=""), "company for business customers only", "without a company"),
        (record(customerType="individual", company="Acme"), "company for business customers only", "individual"),
        (record(totalOrders=3), "totalOrders counts orderIds", "totalOrders=3 but 2 orderIds"),
        (record(totalOrders=1, orderIds=None), "totalOrders counts orderIds", "but 0 orderIds"),
        (record(totalDevicesRented=3), "totalDevicesRented within rentalIds", "only 2 rentalIds"),
        (record(totalDevicesRented=None), "totalDevicesRented within rentalIds", "None"),
        (
            record(totalDevicesRented=0, totalMonthlyRevenue=4.5),
            "no revenue without a device",
            "totalMonthlyRevenue=4.5",
        ),
        (
            record(createdAt="2024-03-01T00:00:00Z", updatedAt="2024-02-01T00:00:00Z"),
            "createdAt not after updatedAt",
            "is after updatedAt",
        ),
        (
            record(createdAt="2024-01-01T09:00:00Z", updatedAt="2024-01-01T10:00:00+02:00"),
            "createdAt not after updatedAt",
            "is after updatedAt",
        ),
        (record(updatedAt="last Tuesday"), "createdAt not after updatedAt", "unreadable timestamps"),
        (record(createdAt=None), "createdAt not after updatedAt", "unreadable timestamps"),
    ],
)
def test_data_rule_broken(item: Item, rule: str, detail: str) -> None:
    assert rule in RULES
    findings = data_findings([item])
    assert [(finding.rule, finding.customer_id) for finding in findings] == [(rule, "cus_1")]
    assert detail in findings[0].detail


def test_data_rules_report_every_breach_of_one_customer() -> None:
    item = record(customerType="business", totalOrders=5, totalDevicesRented=0)
    assert rules_broken(item) == [
        ("company for business customers only", "cus_1"),
        ("totalOrders counts orderIds", "cus_1"),
        ("no revenue without a device", "cus_1"),
    ]


def test_duplicate_email_case_insensitively() -> None:
    first = record("cus_1", email="Lena.Fischer@Example.de")
    second = record("cus_2", email="lena.fischer@example.DE")
    third = record("cus_3", email="someone@example.de")
    assert data_findings([first, third, second]) == [
        Finding(UNIQUE_EMAIL, "cus_2", "'lena.fischer@example.DE' is also the email of cus_1")
    ]


def test_emails_differing_beyond_ascii_case_are_distinct() -> None:
    assert data_findings([record("cus_1", email="É@x.io"), record("cus_2", email="é@x.io")]) == []
    assert data_findings([record("cus_1", email="straße@x.io"), record("cus_2", email="STRASSE@x.io")]) == []


def test_the_same_customer_twice_is_not_a_duplicate_email() -> None:
    assert data_findings([record("cus_1"), record("cus_1")]) == []


def test_data_findings_of_nobody() -> None:
    assert data_findings([]) == []
