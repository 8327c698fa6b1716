"""List Customers through HTTP: every sort, direction and filter, traversed to the end."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver import Settings
from mockserver.dataset import dataset_records
from tests.helpers import HEADERS, client_for, traverse
from tests.listmodel import as_list_item, expected_ids

SORTS = ["createdAt", "firstName", "lastName", "email", "totalMonthlyRevenue", "totalDevicesRented"]
FILTERS: list[dict[str, str]] = [
    {},
    {"status": "active"},
    {"status": "inactive"},
    {"customerType": "business"},
    {"hasActiveRentals": "false"},
    {"status": "active", "hasActiveRentals": "true"},
    {"status": "inactive", "customerType": "business", "hasActiveRentals": "true"},
]


@pytest.fixture(scope="module")
def records(small_settings: Settings) -> list[dict[str, Any]]:
    return dataset_records(small_settings)["acme"]


def traversal_ids(client: TestClient, params: dict[str, Any]) -> list[str]:
    return [customer["customerId"] for page in traverse(client, params) for customer in page["customers"]]


@pytest.mark.parametrize("sort_order", ["asc", "desc"])
@pytest.mark.parametrize("sort_by", SORTS)
def test_full_traversal_matches_independent_expectation(
    client: TestClient, records: list[dict[str, Any]], sort_by: str, sort_order: str
) -> None:
    for filters in FILTERS:
        params = {"sortBy": sort_by, "sortOrder": sort_order, **filters}
        expected = expected_ids(records, params)
        got = traversal_ids(client, {**params, "limit": 17})
        assert got == expected, params
        assert len(set(got)) == len(got)


def test_rare_filter_combination_is_not_empty_in_the_test_data(records: list[dict[str, Any]]) -> None:
    """Otherwise the traversal test above would prove nothing for that combination."""
    for filters in FILTERS:
        assert expected_ids(records, filters), filters


def test_default_order_is_created_at_descending(client: TestClient, records: list[dict[str, Any]]) -> None:
    assert traversal_ids(client, {}) == expected_ids(records, {"sortBy": "createdAt", "sortOrder": "desc"})


def test_every_page_has_the_documented_shape(client: TestClient) -> None:
    for limit in (1, 7, 50, 100):
        pages = list(traverse(client, {"limit": limit, "status": "active"}))
        for page in pages:
            assert page["count"] == len(page["customers"]) <= limit
            assert page["limit"] == limit
            assert page["hasMore"] == (page["nextCursor"] is not None)
        assert all(page["count"] == limit for page in pages[:-1])


def test_default_limit_is_fifty(client: TestClient) -> None:
    page = client.get("/v1/customers", headers=HEADERS).json()
    assert page["limit"] == 50 and page["count"] == 50


@pytest.mark.parametrize("params", [{}, {"sortBy": "lastName", "sortOrder": "asc", "customerType": "individual"}])
def test_traversal_does_not_depend_on_the_limit(client: TestClient, params: dict[str, str]) -> None:
    reference = traversal_ids(client, {**params, "limit": 100})
    for limit in (1, 3, 49):
        assert traversal_ids(client, {**params, "limit": limit}) == reference


def test_page_size_may_change_between_pages(client: TestClient) -> None:
    reference = traversal_ids(client, {"sortBy": "email", "limit": 100})
    ids, query = [], {"sortBy": "email"}
    for limit in itertools.cycle((5, 1, 23)):
        page = client.get("/v1/customers", params={**query, "limit": limit}, headers=HEADERS).json()
        ids += [customer["customerId"] for customer in page["customers"]]
        if not page["hasMore"]:
            break
        query["startAfter"] = page["nextCursor"]
    assert ids == reference


def test_partitions_add_up(client: TestClient) -> None:
    everyone = set(traversal_ids(client, {"limit": 100}))
    for name, values in (
        ("status", ("active", "inactive")),
        ("customerType", ("individual", "business")),
        ("hasActiveRentals", ("true", "false")),
    ):
        parts = [set(traversal_ids(client, {name: value, "limit": 100})) for value in values]
        assert parts[0].isdisjoint(parts[1]) and parts[0] | parts[1] == everyone


def test_descending_is_the_reverse_of_ascending(client: TestClient) -> None:
    for sort_by in SORTS:
        ascending = traversal_ids(client, {"sortBy": sort_by, "sortOrder": "asc", "limit": 100})
        descending = traversal_ids(client, {"sortBy": sort_by, "sortOrder": "desc", "limit": 100})
        assert descending == ascending[::-1]


def test_items_are_the_records_without_profitability(client: TestClient, records: list[dict[str, Any]]) -> None:
    by_id = {record["customerId"]: record for record in records}
    for page in traverse(client, {"limit": 100}):
        for customer in page["customers"]:
            assert customer == as_list_item(by_id[customer["customerId"]])
            assert customer["tenantId"] == "acme"


def test_email_filter_matches_whole_address_ascii_case_insensitively(
    client: TestClient, records: list[dict[str, Any]]
) -> None:
    record = next(r for r in records if any(c.isupper() for c in r["email"]))
    for email in (record["email"], record["email"].lower(), record["email"].upper()):
        page = client.get("/v1/customers", params={"email": email}, headers=HEADERS).json()
        assert [c["customerId"] for c in page["customers"]] == [record["customerId"]]
        assert page["hasMore"] is False and page["nextCursor"] is None
    for near_miss in (record["email"][:-1], record["email"] + "x", " " + record["email"]):
        page = client.get("/v1/customers", params={"email": near_miss}, headers=HEADERS).json()
        assert page["customers"] == [] and page["count"] == 0


def test_email_filter_combines_with_the_other_filters(client: TestClient, records: list[dict[str, Any]]) -> None:
    record = records[0]
    other_status = "inactive" if record["status"] == "active" else "active"
    same = client.get("/v1/customers", params={"email": record["email"], "status": record["status"]}, headers=HEADERS)
    other = client.get("/v1/customers", params={"email": record["email"], "status": other_status}, headers=HEADERS)
    assert same.json()["count"] == 1 and other.json()["count"] == 0


def test_unknown_email_is_an_empty_page_not_an_error(client: TestClient) -> None:
    response = client.get("/v1/customers", params={"email": "nobody@nowhere.invalid"}, headers=HEADERS)
    assert response.status_code == 200
    assert response.json() == {"customers": [], "count": 0, "limit": 50, "hasMore": False, "nextCursor": None}


def test_tenants_never_see_each_other(client: TestClient) -> None:
    acme = set(traversal_ids(client, {"limit": 100}))
    globex_pages = list(traverse(client, {"limit": 100}, headers={**HEADERS, "Tenant-ID": "globex"}))
    globex = {c["customerId"] for page in globex_pages for c in page["customers"]}
    assert all(c["tenantId"] == "globex" for page in globex_pages for c in page["customers"])
    assert acme and globex and acme.isdisjoint(globex)


def test_the_readme_query_on_the_default_dataset() -> None:
    """The query the README promises, on the dataset `flexportal-mock` serves with no flags."""
    settings = Settings()
    records = dataset_records(settings)["acme"]
    params = {"status": "active", "sortBy": "totalMonthlyRevenue", "sortOrder": "desc"}
    with client_for(settings) as client:
        first = client.get("/v1/customers", params={**params, "limit": 10}, headers=HEADERS).json()
        everything = traversal_ids(client, {**params, "limit": 10})
    expected = expected_ids(records, params)
    assert [c["customerId"] for c in first["customers"]] == expected[:10]
    revenues = [c["totalMonthlyRevenue"] for c in first["customers"]]
    assert revenues == sorted(revenues, reverse=True) and revenues[0] > 0
    assert everything == expected and len(expected) > 500


def test_a_tenant_without_customers_gets_an_empty_last_page() -> None:
    with client_for(Settings(customers=0, tenants=("acme",))) as client:
        response = client.get("/v1/customers", params={"sortBy": "email", "limit": 5}, headers=HEADERS)
    assert response.json() == {"customers": [], "count": 0, "limit": 5, "hasMore": False, "nextCursor": None}
