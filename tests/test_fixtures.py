"""Fixture files: the hand-written edge-case file loads, is served exactly as the contract says,
broken files fail at load naming what is wrong, and an exported dataset serves identical bytes.

Expectations are computed here from the raw JSON (read with the standard library) and the
contract's words in `openapi.yaml`, never with `mockserver.domain.ordering`.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import re
import subprocess
import sys
import threading
import unicodedata
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from mockserver import Settings
from mockserver.domain.customer import CustomerChecker
from mockserver.generation.dataset import dataset_records
from mockserver.storage.fixturefile import FixtureError, dump_fixtures, load_fixtures
from tests.conftest import client_for, traverse
from tests.expectations import PROFITABILITY

ROOT = Path(__file__).resolve().parent.parent
EDGE_FILE = ROOT / "fixtures" / "edge-cases.json"
TENANT = "edge"
EDGE_HEADERS = {"Authorization": "Bearer test-key", "Tenant-ID": TENANT}

SPEC: dict[str, Any] = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
X_ORDERING: dict[str, Any] = SPEC["paths"]["/v1/customers"]["get"]["x-ordering"]
ORDERING: dict[str, str] = X_ORDERING["fields"]  # sort field -> "timestamp" | "string" | "number"
SORT_FIELDS = tuple(ORDERING)
FILTERS: list[dict[str, str]] = [
    {"status": "active"},
    {"status": "inactive"},
    {"customerType": "individual"},
    {"customerType": "business"},
    {"hasActiveRentals": "true"},
    {"hasActiveRentals": "false"},
]

RAW: dict[str, Any] = json.loads(EDGE_FILE.read_text(encoding="utf-8"))
RECORDS: list[dict[str, Any]] = RAW["tenants"][TENANT]
BY_ID: dict[str, dict[str, Any]] = {record["customerId"]: record for record in RECORDS}
LONGEST_ID = "cus_longest-id-allowed:128-chars." + "0123456789" * 9 + "01234"

# The expected orders below are written out by hand from the contract's rules.
CREATED_AT_ASC = [
    "cus_bare-minimum",
    LONGEST_ID,
    "cus_import-no-orders",
    "A",
    "cus_all-null",
    "cus_RU-petrov",
    "cus_JP-sato",
    "cus_CN-wang",
    "cus_GR-papadopoulos",
    "cus_inst:minus5",
    "cus_inst:plus2",
    "cus_inst:utc",  # one instant, spelt -05:00 / +02:00 / Z
    "cus_AR-alali",
    "cus_kiribati",
    "cus_marquesas",  # +14:00 before -09:30 although lexically after it
    "cus_Tie-D",
    "cus_tie-B10",
    "cus_tie-B9",
    "cus_tie-c",  # identical createdAt: by customerId
    "cus_no-millis",
    "cus_millis-999",
    "cus_micros",  # ...00Z < ...00.999Z < ...00.999500Z
    "cus_offset-early",
    "cus_offset-late",
    "cus_offset-utc",
    "cus_offset-west",
    "cus_astral-alex",
    "cus_fullwidth",
    "cus_emoji",
    "cus_au",
    "cus_kelvin",
    "cus_sam",
]
FIRST_NAME_ASC = [
    "A",
    "cus_offset-late",
    "cus_Tie-D",
    "cus_inst:utc",
    "cus_tie-c",
    "cus_au",
    "cus_marquesas",
    LONGEST_ID,
    "cus_import-no-orders",
    "cus_tie-B10",
    "cus_kelvin",
    "cus_tie-B9",
    "cus_bare-minimum",
    "cus_all-null",
    "cus_inst:plus2",
    "cus_sam",
    "cus_emoji",
    "cus_kiribati",
    "cus_offset-utc",
    "cus_millis-999",
    "cus_micros",  # "Zoe" < "Zoe\u0308" (decomposed) < "Zoë" (U+00EB)
    "cus_inst:minus5",
    "cus_no-millis",  # "ann", "zoë": lower case after every upper case
    "cus_offset-early",
    "cus_offset-west",  # "Émile", "Łukasz"
    "cus_GR-papadopoulos",
    "cus_RU-petrov",
    "cus_AR-alali",
    "cus_JP-sato",
    "cus_CN-wang",
    "cus_fullwidth",
    "cus_astral-alex",  # U+FF2B before U+1D4D0 (UTF-16 would say the opposite)
]
LAST_NAME_ASC = [
    "cus_micros",
    "cus_offset-early",
    "cus_import-no-orders",
    "cus_no-millis",
    "cus_bare-minimum",
    "cus_Tie-D",
    "cus_tie-B10",
    "cus_tie-B9",  # "Müller" x 3
    "cus_all-null",
    "A",
    "cus_sam",
    "cus_kelvin",
    "cus_millis-999",  # "Null", "O", "O'Brien", "Okafor", "Okonkwo"
    "cus_tie-c",
    "cus_au",
    "cus_astral-alex",
    "cus_kiribati",
    "cus_marquesas",
    "cus_inst:plus2",
    LONGEST_ID,
    "cus_offset-utc",  # "Van Der Berg", "Wolfe...", "Zimmermann"
    "cus_inst:minus5",
    "cus_inst:utc",  # "lee", "van der Berg"
    "cus_offset-late",
    "cus_offset-west",
    "cus_GR-papadopoulos",
    "cus_RU-petrov",
    "cus_AR-alali",
    "cus_JP-sato",
    "cus_CN-wang",
    "cus_fullwidth",
    "cus_emoji",  # "Ｔａｎａｋａ" (U+FF34) before "😀" (U+1F600)
]


# --- an independent statement of the contract --------------------------------------------------


def order_value(record: Mapping[str, Any], field: str) -> Any:
    """The value the contract compares: instants for timestamps, code points for strings, numbers."""
    kind = ORDERING[field]
    if kind == "timestamp":
        return datetime.fromisoformat(record[field])
    assert kind in {"string", "number"}, kind
    return record[field]


def matches(record: Mapping[str, Any], filters: Mapping[str, str]) -> bool:
    """Whether `record` passes every filter (they combine with AND)."""
    if "status" in filters and record["status"] != filters["status"]:
        return False
    if "customerType" in filters and record["customerType"] != filters["customerType"]:
        return False
    if "hasActiveRentals" in filters:
        return bool(record["totalDevicesRented"] > 0) == (filters["hasActiveRentals"] == "true")
    return True


def expected_ids(sort_by: str, sort_order: str, filters: Mapping[str, str] | None = None) -> list[str]:
    """The matching customers' ids in the contract's order: sort value, then customerId, same direction."""
    chosen = [record for record in RECORDS if matches(record, filters or {})]
    chosen.sort(key=lambda record: (order_value(record, sort_by), record["customerId"]), reverse=sort_order == "desc")
    return [record["customerId"] for record in chosen]


def without_profitability(record: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in record.items() if name not in PROFITABILITY}


def typed(value: Any) -> Any:
    """`value` with every scalar tagged by its JSON type, so 50 and 50.0 (or 0 and false) differ."""
    if isinstance(value, dict):
        return {name: typed(item) for name, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


# --- the served data -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def edge_client() -> Iterator[TestClient]:
    with client_for(Settings(fixtures=EDGE_FILE)) as test_client:
        yield test_client


def traversal_ids(client: TestClient, params: Mapping[str, Any]) -> list[str]:
    ids: list[str] = []
    for page in traverse(client, params, headers=EDGE_HEADERS):
        assert page["count"] == len(page["customers"]) <= page["limit"]
        assert page["hasMore"] == (page["nextCursor"] is not None)
        ids.extend(customer["customerId"] for customer in page["customers"])
    return ids


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


# --- order and filters through HTTP --------------------------------------------------------------


@pytest.mark.parametrize("sort_order", ["asc", "desc"])
@pytest.mark.parametrize("sort_by", SORT_FIELDS)
def test_full_traversal_returns_every_customer_once_in_contract_order(
    edge_client: TestClient, sort_by: str, sort_order: str
) -> None:
    """With any page size, a traversal is the whole tenant, each customer once, in the documented order."""
    expected = expected_ids(sort_by, sort_order)
    assert sorted(expected) == sorted(BY_ID)
    for limit in (1, 3, 100):
        assert traversal_ids(edge_client, {"sortBy": sort_by, "sortOrder": sort_order, "limit": limit}) == expected


@pytest.mark.parametrize("sort_by", SORT_FIELDS)
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: "&".join(f"{k}={v}" for k, v in f.items()))
def test_filtered_traversal_matches_independent_expectation(
    edge_client: TestClient, filters: dict[str, str], sort_by: str
) -> None:
    """Each filter value, in both directions, returns exactly its customers in the documented order."""
    for sort_order in ("asc", "desc"):
        expected = expected_ids(sort_by, sort_order, filters)
        assert 0 < len(expected) < len(RECORDS)
        for limit in (1, 3):
            params = {**filters, "sortBy": sort_by, "sortOrder": sort_order, "limit": limit}
            assert traversal_ids(edge_client, params) == expected, params


@pytest.mark.parametrize(
    "group", list(itertools.product(("active", "inactive"), ("individual", "business"), ("true", "false")))
)
def test_every_filter_combination_matches(edge_client: TestClient, group: tuple[str, str, str]) -> None:
    """All three filters at once select exactly one of the eight groups, including the rare ones."""
    filters = {"status": group[0], "customerType": group[1], "hasActiveRentals": group[2]}
    for sort_by, sort_order in (("createdAt", "desc"), ("lastName", "asc"), ("totalMonthlyRevenue", "desc")):
        expected = expected_ids(sort_by, sort_order, filters)
        assert expected
        params = {**filters, "sortBy": sort_by, "sortOrder": sort_order, "limit": 1}
        assert traversal_ids(edge_client, params) == expected


def test_created_at_orders_instants_not_strings(edge_client: TestClient) -> None:
    """Offsets are honoured, missing milliseconds are .000, and exact ties fall back to customerId."""
    ascending = traversal_ids(edge_client, {"sortBy": "createdAt", "sortOrder": "asc", "limit": 100})
    assert ascending == CREATED_AT_ASC
    assert traversal_ids(edge_client, {"limit": 100}) == CREATED_AT_ASC[::-1]  # the default is createdAt desc
    # "2024-05-01T01:30:00+02:00" comes before "2024-04-30T23:45:00.000Z", although it is lexically greater.
    assert BY_ID["cus_offset-early"]["createdAt"] > BY_ID["cus_offset-late"]["createdAt"]
    assert ascending.index("cus_offset-early") < ascending.index("cus_offset-late")
    assert ascending.index("cus_no-millis") < ascending.index("cus_millis-999") < ascending.index("cus_micros")
    tie = ascending[ascending.index("cus_Tie-D") :][:4]
    assert tie == ["cus_Tie-D", "cus_tie-B10", "cus_tie-B9", "cus_tie-c"]
    assert {BY_ID[customer_id]["createdAt"] for customer_id in tie} == {"2024-01-15T09:30:00.000Z"}
    by_string = sorted(RECORDS, key=lambda r: (r["createdAt"], r["customerId"]))
    assert [r["customerId"] for r in by_string] != CREATED_AT_ASC  # a string comparison would fail this test


def test_names_order_by_code_point(edge_client: TestClient) -> None:
    """Case-sensitive, unnormalised, by code point (not UTF-16 units): 'Zoë' < 'zoë', 'Van' < 'van'."""
    first = traversal_ids(edge_client, {"sortBy": "firstName", "sortOrder": "asc", "limit": 7})
    last = traversal_ids(edge_client, {"sortBy": "lastName", "sortOrder": "asc", "limit": 7})
    assert first == FIRST_NAME_ASC
    assert last == LAST_NAME_ASC
    assert first.index("cus_micros") < first.index("cus_no-millis")  # "Zoë" before "zoë"
    assert last.index("cus_inst:plus2") < last.index("cus_inst:utc")  # "Van Der Berg" before "van der Berg"
    assert first[2:5] == ["cus_Tie-D", "cus_inst:utc", "cus_tie-c"]  # the three "Anna"s by customerId

    def naive_order(field: str, key: Callable[[str], Any]) -> list[str]:
        return [r["customerId"] for r in sorted(RECORDS, key=lambda r: (key(r[field]), r["customerId"]))]

    # Each naive comparison gives another order, so the literal lists above would catch it.
    utf16: Callable[[str], Any] = lambda s: s.encode("utf-16-be")  # noqa: E731 - JavaScript's default comparison
    for key in (str.casefold, utf16):
        assert naive_order("firstName", key) != first and naive_order("lastName", key) != last
    assert naive_order("firstName", lambda s: unicodedata.normalize("NFC", s)) != first


def test_emails_and_numbers_order_as_documented(edge_client: TestClient) -> None:
    """Upper-case emails first, '+' and '.' before '@'; revenue as numbers with 50 == 50.0 and 0 == 0.0."""
    emails = traversal_ids(edge_client, {"sortBy": "email", "sortOrder": "asc", "limit": 5})
    assert emails[:3] == ["cus_tie-c", "cus_inst:plus2", "cus_offset-utc"]  # "Anna.Schmidt+...", "Pieter@", "ZOE@"
    start = emails.index("cus_inst:minus5")
    assert emails[start : start + 4] == ["cus_inst:minus5", "cus_Tie-D", "cus_inst:utc", "cus_au"]
    revenue = traversal_ids(edge_client, {"sortBy": "totalMonthlyRevenue", "sortOrder": "asc", "limit": 4})
    assert revenue[:16] == [
        "A",
        "cus_AR-alali",
        "cus_CN-wang",
        "cus_all-null",
        "cus_bare-minimum",
        "cus_emoji",
        "cus_import-no-orders",
        "cus_inst:utc",
        "cus_no-millis",
        "cus_offset-early",
        "cus_offset-late",
        "cus_sam",
        "cus_tie-B10",  # 0 / 0.0
        "cus_inst:plus2",
        "cus_inst:minus5",
        "cus_offset-utc",  # 0.1, 0.2, 0.3
    ]
    assert revenue.index("cus_kiribati") + 1 == revenue.index("cus_marquesas")  # 50.0 ties 50
    assert revenue[-1] == LONGEST_ID
    devices = traversal_ids(edge_client, {"sortBy": "totalDevicesRented", "sortOrder": "desc", "limit": 2})
    assert devices[:7] == [
        LONGEST_ID,
        "cus_tie-B9",
        "cus_tie-c",
        "cus_offset-utc",
        "cus_kelvin",
        "cus_RU-petrov",
        "cus_JP-sato",
    ]


# --- the representations -------------------------------------------------------------------------


@pytest.mark.parametrize("customer_id", list(BY_ID), ids=lambda customer_id: customer_id[:40])
def test_get_customer_returns_the_record_exactly(edge_client: TestClient, customer_id: str) -> None:
    """Get Customer is {"customer": record}: same keys, explicit nulls kept, absent keys absent, same types."""
    response = edge_client.get(f"/v1/customers/{customer_id}", headers=EDGE_HEADERS)
    assert response.status_code == 200, response.text
    assert typed(response.json()) == typed({"customer": BY_ID[customer_id]})


def test_list_items_are_the_records_without_profitability(edge_client: TestClient) -> None:
    """A list item is the record minus the nine profitability fields, nothing added or changed."""
    items = [c for page in traverse(edge_client, {"limit": 100}, headers=EDGE_HEADERS) for c in page["customers"]]
    assert len(items) == len(RECORDS)
    for item in items:
        assert typed(item) == typed(without_profitability(BY_ID[item["customerId"]])), item["customerId"]


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("Anna.Schmidt+Invoices@Example.COM", ["cus_tie-c"]),  # exact
        ("anna.schmidt+invoices@example.com", ["cus_tie-c"]),  # ASCII case folds
        ("ANNA.SCHMIDT+INVOICES@EXAMPLE.COM", ["cus_tie-c"]),
        ("anna.schmidt@example.com", ["cus_Tie-D"]),  # no plus-tag stripping
        ("zoe@example.org", ["cus_offset-utc"]),
        ("KELVIN@example.COM", ["cus_kelvin"]),
        ("ann@example.com", ["cus_inst:minus5"]),  # not anna@
        ("anna@example.com", ["cus_inst:utc"]),  # not anna@example.com.au
        ("ann@example.co", []),  # a prefix of two emails
        ("anna@example", []),
        ("nn@example.com", []),  # a substring
        ("anna", []),
        (" anna@example.com", []),  # nothing is trimmed
        ("\u212aelvin@example.com", []),  # KELVIN SIGN: lower-cases to "k" in Unicode, but only A-Z fold
        ("\u017fam.o'brien@example.ie", []),  # LONG S: upper-cases to "S" in Unicode
        (BY_ID[LONGEST_ID]["email"].upper(), [LONGEST_ID]),
    ],
)
def test_email_filter_matches_whole_address_ascii_case_insensitively(
    edge_client: TestClient, email: str, expected: list[str]
) -> None:
    """The email filter is a whole-address, ASCII-case-insensitive match and nothing more."""
    for sort_by in ("createdAt", "email"):
        response = edge_client.get("/v1/customers", params={"email": email, "sortBy": sort_by}, headers=EDGE_HEADERS)
        assert response.status_code == 200, response.text
        page = response.json()
        assert [c["customerId"] for c in page["customers"]] == expected
        assert (page["count"], page["hasMore"], page["nextCursor"]) == (len(expected), False, None)


def test_email_filter_combines_with_other_filters(edge_client: TestClient) -> None:
    """An email match outside the other filters is an empty page, inside them the customer."""
    base = {"email": "anna.schmidt+INVOICES@example.com"}
    for filters, expected in [
        ({"status": "inactive"}, []),
        ({"customerType": "business"}, ["cus_tie-c"]),
        ({"hasActiveRentals": "false"}, []),
        ({"hasActiveRentals": "true"}, ["cus_tie-c"]),
    ]:
        page = edge_client.get("/v1/customers", params={**base, **filters}, headers=EDGE_HEADERS).json()
        assert [c["customerId"] for c in page["customers"]] == expected, filters


# --- broken fixture files ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def checker() -> CustomerChecker:
    return CustomerChecker()


Breaker = Callable[[dict[str, Any]], None]
VALID = ["cus_Tie-D", "cus_inst:utc"]  # records 0 and 1 of every broken file; record 2 is the broken one
BROKEN_ID = "cus_tie-c"


def _delete(name: str) -> Breaker:
    return lambda record: record.pop(name)


def _set(**values: Any) -> Breaker:
    return lambda record: record.update(values)


RECORD_PROBLEMS: list[tuple[str, Breaker, str]] = [
    ("missing email", _delete("email"), "'email' is a required property"),
    ("missing createdAt", _delete("createdAt"), "'createdAt' is a required property"),
    ("wrong type", _set(totalOrders="2"), "totalOrders: '2' is not of type 'integer'"),
    ("bad timestamp", _set(updatedAt="yesterday"), "updatedAt: 'yesterday' is not a 'date-time'"),
    ("business without company", _delete("company"), "a business customer needs a company"),
    ("business with null company", _set(company=None), "a business customer needs a company"),
    ("individual with company", _set(customerType="individual"), "an individual customer has no company"),
    ("totalOrders != len(orderIds)", _set(totalOrders=3), "totalOrders is 3 but orderIds has 2 ids"),
    ("revenue without devices", _set(totalDevicesRented=0, activeDevices=0), "totalMonthlyRevenue must be 0"),
    ("more devices than rentals", _set(totalDevicesRented=3, activeDevices=3), "larger than the number of rentalIds"),
    # createdAt is lexically smaller than updatedAt but a later instant
    (
        "createdAt after updatedAt",
        _set(createdAt="2024-06-01T10:30:00.000Z", updatedAt="2024-06-01T12:00:00+02:00"),
        "createdAt is later than updatedAt",
    ),
    ("duplicate customerId", _set(customerId=VALID[0]), "customerId is used by an earlier record"),
    ("duplicate email by case", _set(email="ANNA.Schmidt@Example.com"), "is used by an earlier record"),
    ("tenantId mismatch", _set(tenantId="acme"), "tenantId is 'acme' but the record is listed under tenant 'edge'"),
    ("wrong margin", _set(customerMargin=0), "customerMargin is not lifetimeCollected - totalAcquisitionCost"),
    ("unknown field", _set(compnay="Typo GmbH"), "'compnay' is not a field of a customer"),
    (
        "unknown address field",
        lambda record: record["lastBillingAddress"].update(zip="12345"),
        "lastBillingAddress: 'zip' is not a field of an address",
    ),
    ("integer written as float", _set(totalOrders=2.0), "totalOrders: 2.0 is not of type 'integer'"),
    ("blank company", _set(company="   "), "company: '   ' does not match"),
    ("id of dots", _set(customerId=".."), "customerId: '..' does not match"),
]


def broken_file(directory: Path, breaker: Breaker, tenant: str = TENANT) -> tuple[Path, str]:
    """A fixture file of two valid records and a copy of cus_tie-c with one thing broken; its path and id."""
    broken = copy.deepcopy(BY_ID[BROKEN_ID])
    breaker(broken)
    records = [copy.deepcopy(BY_ID[customer_id]) for customer_id in VALID] + [broken]
    path = directory / "broken.json"
    path.write_text(json.dumps({"format": RAW["format"], "tenants": {tenant: records}}, ensure_ascii=False, indent=2))
    return path, broken["customerId"]


@pytest.mark.parametrize(
    ("breaker", "problem"), [case[1:] for case in RECORD_PROBLEMS], ids=[case[0] for case in RECORD_PROBLEMS]
)
def test_a_broken_record_fails_at_load_naming_file_tenant_record_and_problem(
    tmp_path: Path, checker: CustomerChecker, breaker: Breaker, problem: str
) -> None:
    """The FixtureError names the file, the tenant, the record index and customerId, and what is wrong."""
    path, customer_id = broken_file(tmp_path, breaker)
    with pytest.raises(FixtureError) as raised:
        load_fixtures(path, checker)
    message = str(raised.value)
    assert str(path) in message
    assert "'edge'" in message
    assert re.search(r"\brecord 2\b", message), message
    assert repr(customer_id) in message
    assert problem in message


def test_timestamps_may_use_lower_case_and_more_than_six_fraction_digits(
    tmp_path: Path, checker: CustomerChecker
) -> None:
    """RFC 3339 allows both; instants compare to the microsecond."""
    path, customer_id = broken_file(
        tmp_path, _set(createdAt="2020-01-01t00:00:00.1234567z", updatedAt="2020-01-01T00:00:00.1234569Z")
    )
    assert load_fixtures(path, checker)[TENANT][2]["customerId"] == customer_id


def test_the_copied_records_are_valid_on_their_own(tmp_path: Path, checker: CustomerChecker) -> None:
    """So each broken file above fails for the one thing broken in it."""
    path, _ = broken_file(tmp_path, lambda record: None)
    assert [r["customerId"] for r in load_fixtures(path, checker)[TENANT]] == [*VALID, BROKEN_ID]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b'{"format": "flexportal-mock-fixtures/1", "tenants": {"edge": [', "not valid JSON"),
        (b'{"format": "flexportal-mock-fixtures/2", "tenants": {}}', '"format": "flexportal-mock-fixtures/1"'),
        (b"[]", '"format": "flexportal-mock-fixtures/1"'),
        (b'{"format": "flexportal-mock-fixtures/1", "tenants": {}}', '"tenants" must map at least one tenant'),
        (b'{"format": "flexportal-mock-fixtures/1", "tenants": {"edge": {}}}', "tenant 'edge' must hold a list"),
    ],
    ids=["invalid JSON", "wrong format", "not an object", "no tenants", "tenant not a list"],
)
def test_a_broken_document_fails_at_load_naming_file_and_problem(
    tmp_path: Path, checker: CustomerChecker, content: bytes, problem: str
) -> None:
    """Problems of the document as a whole name the file and the problem."""
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(FixtureError) as raised:
        load_fixtures(path, checker)
    assert str(path) in str(raised.value)
    assert problem in str(raised.value)


def test_a_bad_tenant_id_fails_at_load(tmp_path: Path, checker: CustomerChecker) -> None:
    """A tenant key that is not a tenant identifier is refused, naming the file and the key."""
    path, _ = broken_file(tmp_path, lambda record: None, tenant="edge tenant!")
    with pytest.raises(FixtureError) as raised:
        load_fixtures(path, checker)
    assert str(path) in str(raised.value)
    assert "'edge tenant!' is not a tenant identifier" in str(raised.value)


def test_a_missing_file_fails_at_load(tmp_path: Path) -> None:
    """An unreadable path is a FixtureError naming it, not an OSError."""
    path = tmp_path / "absent.json"
    with pytest.raises(FixtureError, match="cannot read the fixture file") as raised:
        load_fixtures(path)
    assert str(path) in str(raised.value)


def test_a_repeated_tenant_key_fails_at_load(tmp_path: Path, checker: CustomerChecker) -> None:
    """A tenant listed twice would silently lose the first list's customers; it should be refused."""
    first, second = json.dumps(RECORDS[:2], ensure_ascii=False), json.dumps(RECORDS[2:3], ensure_ascii=False)
    path = tmp_path / "twice.json"
    path.write_text(f'{{"format": "{RAW["format"]}", "tenants": {{"edge": {first}, "edge": {second}}}}}')
    with pytest.raises(FixtureError, match="the key 'edge' appears twice in one object"):
        load_fixtures(path, checker)


@pytest.mark.parametrize(
    ("customer_id", "changes"),
    [
        ("cus_bare-minimum", {"customerMarginPercent": 12.5}),  # lifetimeCollected is 0
        ("cus_inst:plus2", {"costRecoveryPercent": 42.0}),  # totalAcquisitionCost is 0
        ("cus_tie-c", {"customerMarginPercent": None}),  # lifetimeCollected is 987.3
    ],
    ids=["margin% without collections", "recovery% without costs", "null margin% with collections"],
)
def test_a_percentage_contradicting_its_denominator_fails_at_load(
    tmp_path: Path, checker: CustomerChecker, customer_id: str, changes: dict[str, Any]
) -> None:
    """CustomerDetail: "the percentages are null when their denominator is zero" (and only then)."""
    record = {**copy.deepcopy(BY_ID[customer_id]), **changes}
    path = tmp_path / "percent.json"
    path.write_text(json.dumps({"format": RAW["format"], "tenants": {TENANT: [record]}}, ensure_ascii=False))
    with pytest.raises(FixtureError, match="must be null exactly when"):
        load_fixtures(path, checker)


def test_the_edge_file_survives_a_dump_and_reload(tmp_path: Path, checker: CustomerChecker) -> None:
    """What --export writes for the edge file loads back to the same records, ints and floats included."""
    path = tmp_path / "again.json"
    path.write_bytes(dump_fixtures(load_fixtures(EDGE_FILE, checker)))
    assert typed(load_fixtures(path, checker)) == typed({TENANT: RECORDS})


# --- the command line ----------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name != "FLEXPORTAL_MOCK_CURSOR_SECRET"}
    return subprocess.run(
        [sys.executable, "-m", "mockserver", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def test_cli_refuses_a_broken_fixture_file_with_status_2_and_no_traceback(tmp_path: Path) -> None:
    """Starting on a broken file prints the file, record and problem on stderr and exits 2."""
    path, customer_id = broken_file(tmp_path, _set(totalDevicesRented=0, activeDevices=0))
    result = run_cli("--fixtures", str(path), "--port", "0")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert str(path) in result.stderr and "record 2" in result.stderr and repr(customer_id) in result.stderr
    assert "totalMonthlyRevenue must be 0 without rented devices" in result.stderr
    assert "listening" not in result.stdout


@pytest.mark.parametrize("extra", [["--tenant", "acme"], ["--customers", "5"]], ids=["tenant", "customers"])
def test_cli_refuses_fixtures_with_tenant_or_customers(extra: list[str]) -> None:
    """--fixtures decides tenants and customers, so combining it with --tenant or --customers is a usage error."""
    result = run_cli("--fixtures", str(EDGE_FILE), *extra, "--port", "0")
    assert result.returncode == 2
    assert "usage:" in result.stderr and "--fixtures" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_serves_the_edge_file() -> None:
    """The server starts on the edge file, announces the tenant and its size, and answers over HTTP."""
    command = [sys.executable, "-m", "mockserver", "--fixtures", str(EDGE_FILE), "--port", "0", "--log-level", "error"]
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8"
    ) as process:
        watchdog = threading.Timer(60, process.kill)
        watchdog.start()
        try:
            assert process.stdout is not None
            banner = "".join(
                itertools.takewhile(
                    lambda line: line and not line.startswith("Try:"), iter(process.stdout.readline, "")
                )
            )
            assert f"tenants:  edge ({len(RECORDS)} customers)" in banner, banner
            port = re.search(r"listening on http://127\.0\.0\.1:(\d+)", banner)
            assert port, banner
            request = urllib.request.Request(f"http://127.0.0.1:{port[1]}/v1/customers/cus_emoji", headers=EDGE_HEADERS)
            with urllib.request.urlopen(request, timeout=30) as response:
                assert json.loads(response.read()) == {"customer": BY_ID["cus_emoji"]}
        finally:
            watchdog.cancel()
            process.terminate()
            process.wait(timeout=30)


# --- export round trip ---------------------------------------------------------------------------

EXPORT_SETTINGS = Settings(seed=3, customers=40, tenants=("t1",), cursor_secret=b"one key for both servers")
EXPORT_HEADERS = {"Authorization": "Bearer test-key", "Tenant-ID": "t1"}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("export")
    paths = [directory / "first.json", directory / "second.json"]
    for path in paths:
        result = run_cli("--seed", "3", "--customers", "40", "--tenant", "t1", "--export", str(path))
        assert result.returncode == 0, result.stderr
    assert paths[0].read_bytes() == paths[1].read_bytes()
    return paths[0]


def test_export_is_stable_and_loads(exported: Path) -> None:
    """Exporting twice gives identical bytes (checked in the fixture), equal to the library's dump, and loads."""
    assert exported.read_bytes() == dump_fixtures(dataset_records(EXPORT_SETTINGS))
    loaded = load_fixtures(exported)
    assert list(loaded) == ["t1"] and len(loaded["t1"]) == 40
    assert loaded == dataset_records(EXPORT_SETTINGS)


def test_serving_an_export_gives_byte_identical_pages(exported: Path) -> None:
    """Same cursor key, same data: every page and cursor is the same bytes."""
    queries: list[dict[str, Any]] = [
        {},
        {"limit": 7, "sortBy": "lastName", "sortOrder": "asc"},
        {"limit": 5, "status": "inactive", "sortBy": "totalMonthlyRevenue"},
        {"limit": 3, "customerType": "business", "hasActiveRentals": "true", "sortBy": "email", "sortOrder": "desc"},
        {"limit": 9, "sortBy": "firstName", "sortOrder": "desc"},
    ]
    with (
        client_for(EXPORT_SETTINGS) as generated,
        client_for(Settings(seed=3, fixtures=exported, cursor_secret=EXPORT_SETTINGS.cursor_secret)) as served,
    ):
        first_ids: list[str] = []
        for params in queries:
            query = dict(params)
            for _ in range(100):
                expected = generated.get("/v1/customers", params=query, headers=EXPORT_HEADERS)
                got = served.get("/v1/customers", params=query, headers=EXPORT_HEADERS)
                assert expected.status_code == got.status_code == 200
                assert got.content == expected.content, query
                page = expected.json()
                first_ids.extend(c["customerId"] for c in page["customers"][:1])
                if not page["hasMore"]:
                    break
                query["startAfter"] = page["nextCursor"]
            else:
                pytest.fail(f"traversal of {params} did not end")
        for customer_id in first_ids[:10]:
            expected = generated.get(f"/v1/customers/{customer_id}", headers=EXPORT_HEADERS)
            got = served.get(f"/v1/customers/{customer_id}", headers=EXPORT_HEADERS)
            assert expected.status_code == got.status_code == 200
            assert got.content == expected.content
