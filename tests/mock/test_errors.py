"""Bad requests get the documented status and envelope, never a 500."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver import Settings
from tests.helpers import HEADERS, client_for


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def keyed() -> Any:
    with client_for(Settings(seed=3, customers=20, api_keys=frozenset({"key-one", "key-two"}))) as client:
        yield client


@pytest.mark.parametrize("path", ["/v1/customers", "/v1/customers/anything"])
@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "key-one", "Bearer key one", "Token key-one"],
)
def test_missing_or_malformed_bearer_is_401(client: TestClient, path: str, authorization: str | None) -> None:
    headers = {"Tenant-ID": "acme"}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = client.get(path, headers=headers)
    assert_error(response, 401, "UNAUTHORIZED")
    assert response.headers["www-authenticate"] == "Bearer"


def test_any_non_empty_key_is_accepted_when_none_are_configured(client: TestClient) -> None:
    for key in ("x", "anything-at-all", "ünïcode"):
        headers = {b"Authorization": f"Bearer {key}".encode(), b"Tenant-ID": b"acme"}
        assert client.get("/v1/customers", headers=headers).status_code == 200


def test_configured_keys_are_enforced(keyed: TestClient) -> None:
    for key in ("key-one", "key-two"):
        assert (
            keyed.get("/v1/customers", headers={"Authorization": f"bearer {key}", "Tenant-ID": "acme"}).status_code
            == 200
        )
    for key in ("key-three", "key-on", "KEY-ONE"):
        response = keyed.get("/v1/customers", headers={"Authorization": f"Bearer {key}", "Tenant-ID": "acme"})
        assert_error(response, 401, "UNAUTHORIZED")


def test_authorization_sent_twice_is_401(client: TestClient) -> None:
    headers = [("Authorization", "Bearer a"), ("Authorization", "Bearer b"), ("Tenant-ID", "acme")]
    assert_error(client.get("/v1/customers", headers=headers), 401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    ("tenant", "status", "code"),
    [
        (None, 400, "MISSING_TENANT_ID"),
        ("", 400, "MISSING_TENANT_ID"),
        ("acme corp", 400, "INVALID_TENANT_ID"),
        ("-acme", 400, "INVALID_TENANT_ID"),
        ("a" * 65, 400, "INVALID_TENANT_ID"),
        ("a" * 8192, 400, "INVALID_TENANT_ID"),
        ("initech", 403, "UNKNOWN_TENANT"),
        ("ACME", 403, "UNKNOWN_TENANT"),
    ],
)
def test_tenant_header_problems(client: TestClient, tenant: str | None, status: int, code: str) -> None:
    headers = {"Authorization": "Bearer k"}
    if tenant is not None:
        headers["Tenant-ID"] = tenant
    for path in ("/v1/customers", "/v1/customers/x"):
        error = assert_error(client.get(path, headers=headers), status, code)
        assert len(error["message"]) < 300


def test_tenant_sent_twice_is_rejected(client: TestClient) -> None:
    headers = [("Authorization", "Bearer a"), ("Tenant-ID", "acme"), ("Tenant-ID", "globex")]
    assert_error(client.get("/v1/customers", headers=headers), 400, "INVALID_TENANT_ID")


def test_auth_is_checked_before_the_tenant_and_the_tenant_before_parameters(client: TestClient) -> None:
    assert_error(client.get("/v1/customers?limit=0", headers={"Tenant-ID": "nope"}), 401, "UNAUTHORIZED")
    assert_error(client.get("/v1/customers?limit=0", headers={"Authorization": "Bearer k"}), 400, "MISSING_TENANT_ID")


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=-1",
        "limit=101",
        "limit=abc",
        "limit=1.5",
        "limit=",
        "limit=%201",
        "limit=1e1",
        "limit=+5",
        "limit=5_0",
        "limit=" + "9" * 5000,
        "limit=%00",
        "limit=%FF",
        "status=",
        "status=ACTIVE",
        "status=deleted",
        "customerType=company",
        "sortBy=revenue",
        "sortBy=createdat",
        "sortOrder=DESC",
        "sortOrder=descending",
        "hasActiveRentals=1",
        "hasActiveRentals=True",
        "hasActiveRentals=",
        "email=",
        "email=" + "a" * 255,
        "limit=5&limit=5",
        "status=active&status=inactive",
        "sortBy=email&sortBy=email",
    ],
)
def test_invalid_parameters_are_400(client: TestClient, query: str) -> None:
    error = assert_error(client.get(f"/v1/customers?{query}", headers=HEADERS), 400, "INVALID_PARAMETER")
    assert len(error["message"]) < 400


@pytest.mark.parametrize("query", ["offset=10", "page=2", "sortby=email", "Limit=5", "%00=1", "startafter=x"])
def test_unknown_parameters_are_400(client: TestClient, query: str) -> None:
    assert_error(client.get(f"/v1/customers?{query}", headers=HEADERS), 400, "UNKNOWN_PARAMETER")


def test_get_customer_takes_no_query_parameters(client: TestClient) -> None:
    assert_error(client.get("/v1/customers/x?expand=orders", headers=HEADERS), 400, "UNKNOWN_PARAMETER")


def first_cursor(client: TestClient, params: dict[str, str] | None = None, headers: dict[str, str] = HEADERS) -> str:
    page = client.get("/v1/customers", params={"limit": 2, **(params or {})}, headers=headers).json()
    assert page["nextCursor"]
    return str(page["nextCursor"])


def tampered(cursor: str) -> list[str]:
    payload, signature = cursor.split(".")
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    forged = base64.urlsafe_b64encode(raw.replace(b'"acme"', b'"acmf"')).rstrip(b"=").decode()
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    return [
        f"{forged}.{signature}",
        f"{payload}.{flipped}",
        f"{payload}.",
        f"{payload}{payload}.{signature}",
        cursor[:-1],
        cursor[: len(cursor) // 2],
        cursor + "A",
        cursor.replace(".", ""),
        cursor.upper(),
    ]


def test_garbage_truncated_and_tampered_cursors_are_400(client: TestClient) -> None:
    cursor = first_cursor(client)
    garbage = ["x", "null", "0", "%00", "....", "é" * 10, "eyJ9.e30", "A" * 2048, "a.b.c", "=" * 30]
    for value in garbage + tampered(cursor):
        response = client.get("/v1/customers", params={"startAfter": value, "limit": 2}, headers=HEADERS)
        assert_error(response, 400, "INVALID_CURSOR")


def test_oversized_and_empty_cursors_are_400(client: TestClient) -> None:
    for value in ("", "A" * 2049, "A" * 8192):
        response = client.get("/v1/customers", params={"startAfter": value}, headers=HEADERS)
        error = assert_error(response, 400, "INVALID_CURSOR")
        assert len(error["message"]) < 200


def test_cursor_of_another_tenant_is_rejected(client: TestClient) -> None:
    globex_cursor = first_cursor(client, headers={**HEADERS, "Tenant-ID": "globex"})
    response = client.get("/v1/customers", params={"startAfter": globex_cursor}, headers=HEADERS)
    assert "another tenant" in assert_error(response, 400, "INVALID_CURSOR")["message"]


@pytest.mark.parametrize(
    "changed",
    [
        {"sortBy": "email"},
        {"sortOrder": "asc"},
        {"status": "active"},
        {"customerType": "business"},
        {"hasActiveRentals": "true"},
        {"email": "someone@example.com"},
    ],
)
def test_cursor_of_another_query_is_rejected_with_the_query_it_belongs_to(
    client: TestClient, changed: dict[str, str]
) -> None:
    original = {"sortBy": "lastName", "sortOrder": "desc", "status": "inactive"}
    cursor = first_cursor(client, original)
    response = client.get("/v1/customers", params={**original, **changed, "startAfter": cursor}, headers=HEADERS)
    error = assert_error(response, 400, "INVALID_CURSOR")
    assert "sortBy=lastName&sortOrder=desc&status=inactive" in error["message"]


def test_cursor_from_a_server_with_another_secret_is_rejected(client: TestClient) -> None:
    with client_for(Settings(seed=11, customers=300, cursor_secret=b"a different secret!")) as other:
        foreign = first_cursor(other)
    response = client.get("/v1/customers", params={"startAfter": foreign}, headers=HEADERS)
    assert_error(response, 400, "INVALID_CURSOR")


@pytest.mark.parametrize("customer_id", ["cus_doesnotexist000", "x", "%00", "a" * 500, "...", "cus_%E2%82%AC"])
def test_unknown_customer_is_404(client: TestClient, customer_id: str) -> None:
    error = assert_error(client.get(f"/v1/customers/{customer_id}", headers=HEADERS), 404, "CUSTOMER_NOT_FOUND")
    assert len(error["message"]) < 200


def test_unknown_paths_are_404_in_the_envelope(client: TestClient) -> None:
    for path in ("/", "/v1", "/v2/customers", "/v1/customers/a/b", "/v1/orders"):
        assert_error(client.get(path, headers=HEADERS), 404, "NOT_FOUND")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_other_methods_are_405_with_allow(client: TestClient, method: str) -> None:
    paths = (
        ("/v1/customers", "/openapi.yaml")
        if method == "PATCH"
        else ("/v1/customers", "/v1/customers/x", "/openapi.yaml")
    )
    for path in paths:
        response = client.request(method, path, headers=HEADERS, content=b'{"a": 1}')
        assert_error(response, 405, "METHOD_NOT_ALLOWED")
        assert "GET" in response.headers["allow"]


def test_a_405_on_a_customer_lists_both_its_methods(client: TestClient) -> None:
    response = client.request("DELETE", "/v1/customers/x", headers=HEADERS)
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert {method.strip() for method in response.headers["allow"].split(",")} >= {"GET", "PATCH"}


def test_a_body_on_a_get_is_refused_not_ignored(client: TestClient) -> None:
    # Filters sent in a body would otherwise be silently ignored, like a misspelt parameter.
    response = client.request("GET", "/v1/customers", headers=HEADERS, content=b'{"status": "active"}')
    assert "takes no request body" in assert_error(response, 400, "BAD_REQUEST")["message"]
