"""CORS: a browser app on another origin can call every operation, preflight included, and read the headers it needs."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mockserver import Settings
from tests.helpers import HEADERS, client_for

APP = "http://localhost:5173"
PREFLIGHT = {
    "Origin": APP,
    "Access-Control-Request-Method": "GET",
    "Access-Control-Request-Headers": "authorization, tenant-id, prefer, x-request-id",
}


@pytest.fixture(scope="module")
def open_client() -> TestClient:
    return client_for(Settings(customers=5, tenants=("acme",)))


@pytest.fixture(scope="module")
def restricted_client() -> TestClient:
    return client_for(Settings(customers=5, tenants=("acme",), cors_origins=(APP, "https://admin.example.com")))


def test_preflight_allows_any_origin_and_the_api_headers(open_client: TestClient) -> None:
    response = open_client.options("/v1/customers", headers=PREFLIGHT)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    allowed = {header.strip() for header in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "tenant-id", "prefer", "x-request-id"} <= allowed
    assert int(response.headers["Access-Control-Max-Age"]) > 0


def test_answers_expose_the_headers_a_client_reads(open_client: TestClient) -> None:
    for prefer, status in [("code=200", 200), ("code=429", 429), ("code=401", 401)]:
        response = open_client.get("/v1/customers", headers={**HEADERS, "Origin": APP, "Prefer": prefer})
        assert response.status_code == status
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        exposed = {header.strip().lower() for header in response.headers["Access-Control-Expose-Headers"].split(",")}
        assert {"retry-after", "www-authenticate"} <= exposed


def test_a_request_without_origin_is_answered_as_before(open_client: TestClient) -> None:
    response = open_client.get("/v1/customers", headers=HEADERS)
    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response.headers
    assert open_client.options("/v1/customers").status_code == 405, "a plain OPTIONS is still not an operation"


def test_origins_can_be_restricted(restricted_client: TestClient) -> None:
    allowed = restricted_client.options("/v1/customers", headers=PREFLIGHT)
    assert allowed.status_code == 200 and allowed.headers["Access-Control-Allow-Origin"] == APP
    refused = restricted_client.options("/v1/customers", headers={**PREFLIGHT, "Origin": "http://evil.test"})
    assert refused.status_code == 400 and "Access-Control-Allow-Origin" not in refused.headers
    assert refused.json()["error"]["code"] == "BAD_REQUEST"
    assert "'http://evil.test'" in refused.json()["error"]["message"]
    simple = restricted_client.get("/v1/customers", headers={**HEADERS, "Origin": "http://evil.test"})
    assert "Access-Control-Allow-Origin" not in simple.headers
    ok = restricted_client.get("/v1/customers", headers={**HEADERS, "Origin": "https://admin.example.com"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://admin.example.com"


def test_cors_can_be_switched_off() -> None:
    client = client_for(Settings(customers=1, tenants=("acme",), cors_origins=()))
    response = client.get("/v1/customers", headers={**HEADERS, "Origin": APP})
    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize("origin", ["localhost:5173", "http://app.test/path", "ftp://app.test", ""])
def test_an_origin_must_be_scheme_host_and_port(origin: str) -> None:
    with pytest.raises(ValueError, match="is not an origin"):
        Settings(cors_origins=(origin,))


WRITES = [
    ("PATCH", "/v1/customers/C1", "content-type, authorization, tenant-id, prefer"),
    ("POST", "/_mock/orders", "content-type, authorization, tenant-id"),
    ("POST", "/_mock/reset", "authorization, tenant-id"),
    ("DELETE", "/_mock/requests", "authorization"),
    ("HEAD", "/v1/customers", "authorization, tenant-id"),
]


@pytest.mark.parametrize(("method", "path", "headers"), WRITES)
def test_preflight_allows_every_method_the_mock_serves(
    open_client: TestClient, restricted_client: TestClient, method: str, path: str, headers: str
) -> None:
    asked = {"Origin": APP, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers}
    for client, allowed_origin in [(open_client, "*"), (restricted_client, APP)]:
        response = client.options(path, headers=asked)
        assert response.status_code == 200, response.text
        assert response.headers["Access-Control-Allow-Origin"] == allowed_origin
        assert method in {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
        assert response.headers["Access-Control-Allow-Headers"] == headers


def test_a_write_from_another_origin_carries_the_cors_headers(open_client: TestClient) -> None:
    customer = open_client.get("/v1/customers", params={"limit": 1}, headers=HEADERS).json()["customers"][0]
    response = open_client.patch(
        f"/v1/customers/{customer['customerId']}",
        json={"lastName": "Cross-Origin"},
        headers={**HEADERS, "Origin": APP},
    )
    assert response.status_code == 200 and response.json()["customer"]["lastName"] == "Cross-Origin"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    reset = open_client.post("/_mock/reset", headers={**HEADERS, "Origin": APP})
    assert reset.status_code == 204 and reset.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method", ["PUT", "CONNECT", "TRACE"])
def test_a_method_the_mock_does_not_serve_is_refused_in_the_envelope(open_client: TestClient, method: str) -> None:
    response = open_client.options("/v1/customers/C1", headers={"Origin": APP, "Access-Control-Request-Method": method})
    assert response.status_code == 400 and response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "BAD_REQUEST"
    assert f"method {method!r}" in error["message"] and "PATCH" in error["message"]


def test_a_preflight_from_a_public_page_may_reach_the_private_network(open_client: TestClient) -> None:
    asked = {**PREFLIGHT, "Access-Control-Request-Private-Network": "true"}
    response = open_client.options("/v1/customers", headers=asked)
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Private-Network"] == "true"
