"""Writes through HTTP: Update Customer, orders that create or link customers, reset, and traversals under writes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mockserver import Settings
from mockserver.domain.ordering import parse_timestamp
from mockserver.http.body import MAX_BODY_BYTES
from tests.helpers import HEADERS, client_for, traverse

SETTINGS = Settings(seed=5, customers=120, tenants=("acme", "globex"))


@pytest.fixture(scope="module")
def served() -> Iterator[TestClient]:
    with client_for(SETTINGS) as test_client:
        yield test_client


@pytest.fixture
def client(served: TestClient) -> Iterator[TestClient]:
    """The module's mock, back at its seed after each test."""
    yield served
    assert served.post("/_mock/reset", headers=HEADERS).status_code == 204


def ids(client: TestClient, **params: Any) -> list[str]:
    return [item["customerId"] for page in traverse(client, {"limit": 7, **params}) for item in page["customers"]]


def detail(client: TestClient, customer_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/customers/{customer_id}", headers=HEADERS)
    assert response.status_code == 200, response.text
    return dict(response.json()["customer"])


def patch(client: TestClient, customer_id: str, body: Any, **headers: str) -> Any:
    return client.patch(f"/v1/customers/{customer_id}", json=body, headers={**HEADERS, **headers})


def error_code(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error"}
    return str(response.json()["error"]["code"])


def test_an_update_shows_in_get_and_list_and_moves_the_customer(client: TestClient) -> None:
    by_name = ids(client, sortBy="lastName", sortOrder="asc")
    moved = by_name[0]
    before = detail(client, moved)
    response = patch(client, moved, {"lastName": "\uffff Last", "phone": None})
    assert response.status_code == 200, response.text
    after = response.json()["customer"]
    assert after["lastName"] == "\uffff Last" and after["phone"] is None
    assert parse_timestamp(after["updatedAt"]) > parse_timestamp(before["updatedAt"])
    assert {**before, "lastName": after["lastName"], "phone": None, "updatedAt": after["updatedAt"]} == after
    assert detail(client, moved) == after
    assert ids(client, sortBy="lastName", sortOrder="asc") == [*by_name[1:], moved]
    assert ids(client, sortBy="lastName", sortOrder="desc")[0] == moved
    listed = next(
        item for page in traverse(client, {"limit": 100}) for item in page["customers"] if item["customerId"] == moved
    )
    assert listed["lastName"] == "\uffff Last"


def test_an_update_moves_the_customer_between_filters(client: TestClient) -> None:
    active = ids(client, status="active")
    inactive = ids(client, status="inactive")
    assert patch(client, active[3], {"status": "inactive"}).status_code == 200
    assert ids(client, status="active") == active[:3] + active[4:]
    assert sorted(ids(client, status="inactive")) == sorted([*inactive, active[3]])


def test_an_email_update_is_found_by_the_new_email_only(client: TestClient) -> None:
    customer = ids(client)[5]
    old = detail(client, customer)["email"]
    assert patch(client, customer, {"email": "Brand.New@Example.org"}).status_code == 200
    assert ids(client, email="brand.new@example.org") == [customer]
    assert ids(client, email=old) == []


def test_an_unknown_customer_is_not_found(client: TestClient) -> None:
    assert error_code(patch(client, "cus_missing", {"firstName": "X"}), 404) == "CUSTOMER_NOT_FOUND"


def test_a_customer_keeps_its_own_email_in_another_case_but_not_anothers(client: TestClient) -> None:
    customer = ids(client)[0]
    response = patch(client, customer, {"email": "Plain.Case@example.com"})
    assert response.status_code == 200
    assert patch(client, customer, {"email": "plain.case@EXAMPLE.com"}).status_code == 200
    other = ids(client)[1]
    assert error_code(patch(client, other, {"email": "PLAIN.case@example.com"}), 409) == "EMAIL_IN_USE"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 422, "VALIDATION_ERROR"),
        ({"totalOrders": 3}, 422, "VALIDATION_ERROR"),
        ({"customerId": "cus_other"}, 422, "VALIDATION_ERROR"),
        ({"firstName": 7}, 422, "VALIDATION_ERROR"),
        ({"status": "deleted"}, 422, "VALIDATION_ERROR"),
        ({"email": "not an email"}, 422, "VALIDATION_ERROR"),
        ({"company": "   "}, 422, "VALIDATION_ERROR"),
        ({"lastShippingAddress": {"city": "Berlin"}}, 422, "VALIDATION_ERROR"),
        ([{"firstName": "A"}], 400, "INVALID_BODY"),
        ("firstName", 400, "INVALID_BODY"),
    ],
)
def test_bad_bodies_are_refused_and_change_nothing(client: TestClient, body: Any, status: int, code: str) -> None:
    customer = ids(client)[0]
    before = detail(client, customer)
    assert error_code(patch(client, customer, body), status) == code
    assert detail(client, customer) == before


def test_bodies_that_are_not_json_too_large_or_of_another_type(client: TestClient) -> None:
    customer = ids(client)[0]
    path = f"/v1/customers/{customer}"
    json_type = {**HEADERS, "Content-Type": "application/json"}
    assert error_code(client.patch(path, content=b"{not json", headers=json_type), 400) == "INVALID_BODY"
    assert error_code(client.patch(path, content=b"\xff\xfe", headers=json_type), 400) == "INVALID_BODY"
    assert error_code(client.patch(path, content=b"", headers=json_type), 400) == "INVALID_BODY"
    form = {**HEADERS, "Content-Type": "application/x-www-form-urlencoded"}
    assert error_code(client.patch(path, content=b"firstName=A", headers=form), 415) == "UNSUPPORTED_MEDIA_TYPE"
    huge = b'{"firstName": "' + b"a" * MAX_BODY_BYTES + b'"}'
    assert error_code(client.patch(path, content=huge, headers=json_type), 413) == "PAYLOAD_TOO_LARGE"
    merge = {**HEADERS, "Content-Type": "application/merge-patch+json; charset=utf-8"}
    assert client.patch(path, content=b'{"firstName": "Merged"}', headers=merge).status_code == 200


def test_business_customers_need_a_company(client: TestClient) -> None:
    individual = ids(client, customerType="individual")[0]
    response = patch(client, individual, {"customerType": "business"})
    assert error_code(response, 409) == "CONFLICT"
    assert "company" in response.json()["error"]["message"]
    response = patch(client, individual, {"customerType": "business", "company": "Kobelt KG"})
    assert response.status_code == 200
    assert individual in ids(client, customerType="business")
    business = ids(client, customerType="business")[0]
    assert error_code(patch(client, business, {"customerType": "individual"}), 409) == "CONFLICT"
    assert patch(client, business, {"customerType": "individual", "company": None}).status_code == 200


def test_updates_need_the_same_credentials_as_reads(client: TestClient) -> None:
    customer = ids(client)[0]
    assert client.patch(f"/v1/customers/{customer}", json={"firstName": "A"}).status_code == 401
    other_tenant = {**HEADERS, "Tenant-ID": "globex"}
    assert error_code(patch(client, customer, {"firstName": "A"}, **other_tenant), 404) == "CUSTOMER_NOT_FOUND"


def test_an_order_for_a_new_email_creates_a_customer(client: TestClient) -> None:
    before = ids(client)
    response = client.post(
        "/_mock/orders", json={"email": "First.Order@Example.com", "firstName": "Ada"}, headers=HEADERS
    )
    assert response.status_code == 201, response.text
    body = response.json()
    created = body["customer"]
    assert body["customerCreated"] is True and created["orderIds"] == [body["orderId"]]
    assert created["totalOrders"] == 1 and created["totalDevicesRented"] == 0 and created["status"] == "active"
    assert detail(client, created["customerId"]) == created
    assert ids(client) == [created["customerId"], *before]  # newest first by default
    assert client.get("/healthz").json()["tenants"]["acme"] == len(before) + 1


def test_an_order_for_a_known_email_links_to_that_customer(client: TestClient) -> None:
    customer = detail(client, ids(client, hasActiveRentals="false")[0])
    email = customer["email"].upper() if customer["email"].isascii() else customer["email"]
    response = client.post("/_mock/orders", json={"email": email, "monthlyPrice": 24.5}, headers=HEADERS)
    assert response.status_code == 200, response.text
    body = response.json()
    linked = body["customer"]
    assert body["customerCreated"] is False and linked["customerId"] == customer["customerId"]
    assert linked["orderIds"] == [*customer["orderIds"], body["orderId"]]
    assert linked["totalOrders"] == customer["totalOrders"] + 1
    assert linked["totalDevicesRented"] == customer["totalDevicesRented"] + 1
    assert linked["totalMonthlyRevenue"] == pytest.approx(customer["totalMonthlyRevenue"] + 24.5)
    assert customer["customerId"] in ids(client, hasActiveRentals="true")


@pytest.mark.parametrize(
    "body",
    [{}, {"email": "x"}, {"email": "a@b.c", "monthlyPrice": -1}, {"email": "a@b.c", "extra": 1}, {"email": 5}],
)
def test_bad_orders_are_refused(client: TestClient, body: Any) -> None:
    assert error_code(client.post("/_mock/orders", json=body, headers=HEADERS), 422) == "VALIDATION_ERROR"


def test_reset_returns_to_the_seed_and_voids_older_cursors(client: TestClient) -> None:
    seeded = ids(client)
    first = client.get("/v1/customers", params={"limit": 5}, headers=HEADERS).json()
    client.post("/_mock/orders", json={"email": "gone@example.com"}, headers=HEADERS)
    assert patch(client, seeded[-1], {"firstName": "Changed"}).status_code == 200
    assert client.post("/_mock/reset", headers=HEADERS).status_code == 204
    assert ids(client) == seeded
    assert detail(client, seeded[-1])["firstName"] != "Changed"
    stale = client.get("/v1/customers", params={"limit": 5, "startAfter": first["nextCursor"]}, headers=HEADERS)
    assert error_code(stale, 400) == "INVALID_CURSOR"
    assert "reset" in stale.json()["error"]["message"]


def test_control_endpoints_need_a_key_and_can_be_turned_off(served: TestClient) -> None:
    assert served.post("/_mock/reset").status_code == 401
    assert served.get("/_mock", headers=HEADERS).json()["orders"] == "/_mock/orders"
    with client_for(Settings(customers=5, control=False)) as plain:
        for method, path in (("GET", "/_mock"), ("POST", "/_mock/orders"), ("POST", "/_mock/reset")):
            body = {"email": "a@b.c"} if method == "POST" else None
            assert error_code(plain.request(method, path, headers=HEADERS, json=body), 404) == "NOT_FOUND"
        assert (
            plain.patch(f"/v1/customers/{ids(plain)[0]}", json={"firstName": "A"}, headers=HEADERS).status_code == 200
        )


WRITES = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.integers(0, 10**6)),
        st.tuples(st.just("rename"), st.integers(0, 119), st.text("AZaz09É", min_size=1, max_size=4)),
        st.tuples(st.just("flip"), st.integers(0, 119)),
    ),
    max_size=3,
)


@settings(max_examples=25)
@given(
    sort=st.sampled_from([("firstName", "asc"), ("firstName", "desc"), ("createdAt", "desc"), ("email", "asc")]),
    limit=st.integers(5, 40),
    status=st.sampled_from([None, "active"]),
    between=st.lists(WRITES, min_size=1, max_size=6),
)
def test_traversals_under_writes_repeat_nobody_and_skip_nobody_unchanged(
    served: TestClient, sort: tuple[str, str], limit: int, status: str | None, between: list[list[Any]]
) -> None:
    served.post("/_mock/reset", headers=HEADERS)
    params: dict[str, Any] = {"sortBy": sort[0], "sortOrder": sort[1], "limit": limit}
    if status:
        params["status"] = status
    everyone = ids(served)
    present = ids(served, **params)
    changed: set[str] = set()
    seen: list[str] = []
    query = dict(params)
    for step in range(10_000):
        page = served.get("/v1/customers", params=query, headers=HEADERS).json()
        seen.extend(item["customerId"] for item in page["customers"])
        if not page["hasMore"]:
            break
        for write in between[step % len(between)]:
            changed |= _write(served, everyone, write)
        query["startAfter"] = page["nextCursor"]
    assert len(seen) == len(set(seen)), "a customer was returned twice"
    assert not [customer for customer in present if customer not in changed and customer not in seen]


def _write(client: TestClient, everyone: list[str], write: tuple[Any, ...]) -> set[str]:
    if write[0] == "create":
        body = {"email": f"new{write[1]}@example.com"}
        response = client.post("/_mock/orders", json=body, headers=HEADERS)
    elif write[0] == "rename":
        response = patch(client, everyone[write[1] % len(everyone)], {"firstName": write[2]})
    else:
        customer = everyone[write[1] % len(everyone)]
        status = "inactive" if detail(client, customer)["status"] == "active" else "active"
        response = patch(client, customer, {"status": status})
    assert response.status_code in {200, 201}, response.text
    return {response.json()["customer"]["customerId"]}
