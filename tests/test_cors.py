"""CORS: a browser app on another origin can call the API, preflight included, and read the headers it needs."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mockserver import Settings
from tests.conftest import HEADERS, client_for

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
