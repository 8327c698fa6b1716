"""The edge-case file served through HTTP exactly as the contract says: order, filters and representations."""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver import Settings
from tests.helpers import client_for, traverse
from tests.listmodel import SORT_FIELDS, as_list_item
from tests.mock.edge_cases import (
    BY_ID,
    CREATED_AT_ASC,
    EDGE_FILE,
    EDGE_HEADERS,
    FILTERS,
    FIRST_NAME_ASC,
    LAST_NAME_ASC,
    LONGEST_ID,
    RECORDS,
    expected_ids,
    traversal_ids,
    typed,
)

# --- the served data -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def edge_client() -> Iterator[TestClient]:
    with client_for(Settings(fixtures=EDGE_FILE)) as test_client:
        yield test_client


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


def test_list_items_are_the_records_as_list_item(edge_client: TestClient) -> None:
    """A list item is the record minus the nine profitability fields, nothing added or changed."""
    items = [c for page in traverse(edge_client, {"limit": 100}, headers=EDGE_HEADERS) for c in page["customers"]]
    assert len(items) == len(RECORDS)
    for item in items:
        assert typed(item) == typed(as_list_item(BY_ID[item["customerId"]])), item["customerId"]


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
