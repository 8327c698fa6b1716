"""The hand-written edge-case file: it loads exactly as written and holds every trap it is meant to."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

import pytest

from mockserver.storage.fixturefile import load_fixtures
from tests.listmodel import PROFITABILITY, SORT_FIELDS, SPEC, X_ORDERING, order_value
from tests.mock.edge_cases import (
    BY_ID,
    CREATED_AT_ASC,
    EDGE_FILE,
    LONGEST_ID,
    RAW,
    RECORDS,
    TENANT,
    expected_ids,
    typed,
)

# --- the file itself -------------------------------------------------------------------------


def test_the_tests_read_the_contract_they_assume() -> None:
    """The comparator above is only right if the spec still orders as it did when it was written."""
    assert X_ORDERING["tieBreaker"] == "customerId"
    assert X_ORDERING["tieBreakerDirection"] == "same-as-sortOrder"
    assert X_ORDERING["stringCollation"] == "codepoint"
    sort_param = next(p for p in SPEC["paths"]["/v1/customers"]["get"]["parameters"] if p.get("name") == "sortBy")
    assert list(SORT_FIELDS) == sort_param["schema"]["enum"]
    detail_only = SPEC["components"]["schemas"]["CustomerDetail"]["allOf"][1]["properties"]
    assert set(detail_only) == PROFITABILITY


def test_edge_file_loads_exactly_as_written() -> None:
    """The loader accepts the file and returns its records unchanged, ints and floats included."""
    assert RAW["format"] == "flexportal-mock-fixtures/1"
    assert list(RAW["tenants"]) == [TENANT]
    assert 25 <= len(RECORDS) <= 35
    loaded = load_fixtures(EDGE_FILE)
    assert typed(loaded) == typed({TENANT: RECORDS})


def test_every_edge_case_is_labelled() -> None:
    """Each record says what it is there for in customFields.case, except the two whose id says it."""
    unlabelled: dict[str, Any] = {"cus_bare-minimum": None, "cus_import-no-orders": {}}  # absent / empty
    for record in RECORDS:
        if record["customerId"] in unlabelled:
            assert record.get("customFields") == unlabelled[record["customerId"]]
        else:
            assert record["customFields"]["case"], record["customerId"]


def test_edge_file_has_ties_in_every_sort_field_decided_by_customer_id() -> None:
    """Each sort field except email has a value shared by 3+ customers; their id order is not the file's."""
    file_position = {record["customerId"]: index for index, record in enumerate(RECORDS)}
    for field in SORT_FIELDS:
        if field == "email":
            continue  # unique by definition
        groups: dict[Any, list[str]] = {}
        for record in RECORDS:
            groups.setdefault(order_value(record, field), []).append(record["customerId"])
        ties = [ids for ids in groups.values() if len(ids) >= 3]
        assert ties, field
        assert any(sorted(ids) != sorted(ids, key=file_position.__getitem__) for ids in ties), field
    assert sum(record["totalMonthlyRevenue"] == 0 for record in RECORDS) >= 3
    # The id order is neither the file order nor the creation order.
    ids = [record["customerId"] for record in RECORDS]
    assert sorted(ids) != ids
    assert sorted(ids) != expected_ids("createdAt", "asc")
    assert len(LONGEST_ID) == 128 and LONGEST_ID in BY_ID


def test_edge_file_has_the_code_point_traps() -> None:
    """Names that case-insensitive, locale-aware, normalising or UTF-16 comparison would misplace."""
    names = [record[field] for record in RECORDS for field in ("firstName", "lastName")]
    expected = {"Zoë", "zoë", "Zoe\u0308", "Van Der Berg", "van der Berg", "Émile", "Ångström", "Łukasz", "Müller"}
    assert expected <= set(names)
    assert any(max(map(ord, name)) > 0xFFFF for name in names)  # outside the BMP
    assert any(0xE000 <= ord(char) <= 0xFFFF for name in names for char in name)  # where UTF-16 order differs
    assert any(len(name) == 1 for name in names)
    scripts = {"\u3040": "\u309f", "\u4e00": "\u9fff", "\u0400": "\u04ff", "\u0370": "\u03ff", "\u0600": "\u06ff"}
    for low, high in scripts.items():
        assert any(low <= char <= high for name in names for char in name), (low, high)


def test_edge_file_has_the_email_traps() -> None:
    """ASCII emails, unique ignoring ASCII case, with plus tags, mixed case, prefixes and a maximal length."""
    emails = [record["email"] for record in RECORDS]
    assert all(email.isascii() for email in emails)
    assert len({email.lower() for email in emails}) == len(emails)  # .lower() is ASCII-only on ASCII text
    assert "Anna.Schmidt+Invoices@Example.COM" in emails
    assert {"ann@example.com", "anna@example.com", "anna@example.com.au"} <= set(emails)
    assert max(map(len, emails)) == 254


def test_edge_file_has_absent_and_null_optional_fields() -> None:
    """Every optional field is absent on some record and (where nullable) explicitly null on another."""
    nullable = ["phone", "createdBy", "lastBillingAddress", "lastShippingAddress", "customerMarginPercent"]
    for field in [*nullable, "costRecoveryPercent"]:
        assert any(record.get(field, 0) is None for record in RECORDS), f"{field} null"
    for field in [
        "phone",
        "createdBy",
        "customFields",
        "lastBillingAddress",
        "lastShippingAddress",
        "costRecoveryPercent",
        "averageMonthlyRevenue",
        "devicesEver",
        "activeDevices",
    ]:
        assert any(field not in record for record in RECORDS), f"{field} absent"
    individuals = [record for record in RECORDS if record["customerType"] == "individual"]
    assert any("company" not in record for record in individuals)
    assert any("company" in record and record["company"] is None for record in individuals)
    addresses = [
        record[field]
        for record in RECORDS
        for field in ("lastBillingAddress", "lastShippingAddress")
        if record.get(field)
    ]
    for field in ["company", "buildingInfo", "locality", "adminArea", "postalCode"]:
        assert any(field not in address for address in addresses), f"address {field} absent"
        assert any(field in address and address[field] is None for address in addresses), f"address {field} null"
        assert any(address.get(field) for address in addresses), f"address {field} set"
    assert any(record.get("customFields") == {} for record in RECORDS)


def test_edge_file_numbers_and_timestamps_are_consistent_and_tricky() -> None:
    """The invariants hold by hand-checked figures; all 8 filter groups, and the timestamp traps, exist."""
    groups = {(r["status"], r["customerType"], r["totalDevicesRented"] > 0) for r in RECORDS}
    assert groups == set(itertools.product(("active", "inactive"), ("individual", "business"), (False, True)))
    assert any(r["rentalIds"] and r["totalDevicesRented"] == 0 for r in RECORDS)
    assert any(r["totalDevicesRented"] > 0 and r["totalMonthlyRevenue"] == 0 for r in RECORDS)  # free trial
    assert {0.1, 0.2, 0.3, 19.99, 29.9, 1234567.89} <= {r["totalMonthlyRevenue"] for r in RECORDS}
    assert any(r["createdAt"] == r["updatedAt"] for r in RECORDS)
    # createdAt <= updatedAt as instants, although some updatedAt strings are lexically smaller
    assert all(datetime.fromisoformat(r["createdAt"]) <= datetime.fromisoformat(r["updatedAt"]) for r in RECORDS)
    assert any(r["updatedAt"] < r["createdAt"] for r in RECORDS)
    assert [r["customerId"] for r in sorted(RECORDS, key=lambda r: (r["createdAt"], r["customerId"]))] != CREATED_AT_ASC
    for r in RECORDS:
        lc, tac = r["lifetimeCollected"], r["totalAcquisitionCost"]
        assert r["customerMargin"] == pytest.approx(lc - tac, abs=0.005), r["customerId"]
        if lc == 0:
            assert r["customerMarginPercent"] is None, r["customerId"]
        else:
            assert r["customerMarginPercent"] == pytest.approx((lc - tac) / lc * 100, abs=0.01), r["customerId"]
        if "costRecoveryPercent" in r:
            expected = None if tac == 0 else pytest.approx(lc / tac * 100, abs=0.01)
            assert r["costRecoveryPercent"] == expected, r["customerId"]
        assert r["subscriptionsTracked"] == r.get("devicesEver", len(r["rentalIds"])) == len(r["rentalIds"])
        assert r.get("activeDevices", r["totalDevicesRented"]) == r["totalDevicesRented"]
