"""The request journal as served: what it records on both paths, and `GET`/`DELETE /_mock/requests`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver.app import create_app, request_journal
from mockserver.cli import build_parser, settings_from
from mockserver.http.accesslog import LOGGER
from mockserver.journal.records import DEFAULT_BODY_LIMIT
from mockserver.settings import Settings
from tests.helpers import headers, running_mock

KEY = "journal-key-that-must-never-be-kept"
HEADERS = headers(KEY)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(customers=30, api_keys=frozenset({KEY})))) as test_client:
        yield test_client


def listed(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/_mock/requests", params=params, headers=HEADERS)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def some_requests(client: TestClient) -> str:
    """Reads by both paths, a write, and requests that are no API requests; the id of the customer read."""
    page = client.get("/v1/customers", params={"limit": 3, "status": "active"}, headers=HEADERS).json()
    customer_id = page["customers"][0]["customerId"]
    client.get(f"/v1/customers/{customer_id}", headers={**HEADERS, "Tenant-ID": "globex"})
    client.patch(f"/v1/customers/{customer_id}", json={"firstName": "Ada"}, headers=HEADERS)
    client.get("/v1/customers", params={"limit": 0}, headers=HEADERS)
    client.get("/healthz")
    client.get("/docs")
    client.get("/openapi.yaml")
    client.post("/_mock/reset", headers=HEADERS)
    return str(customer_id)


def test_every_api_request_is_listed_and_nothing_else(client: TestClient) -> None:
    customer_id = some_requests(client)
    body = listed(client)
    summary = [(r["method"], r["path"], r["query"], r["tenant"], r["status"]) for r in body["requests"]]
    assert summary == [
        ("GET", "/v1/customers", "limit=3&status=active", "acme", 200),
        ("GET", f"/v1/customers/{customer_id}", "", "globex", 404),
        ("PATCH", f"/v1/customers/{customer_id}", "", "acme", 200),
        ("GET", "/v1/customers", "limit=0", "acme", 400),
    ]
    first, _, write, _ = body["requests"]
    assert first["params"] == {"limit": ["3"], "status": ["active"]} and first["body"] is None
    assert write["body"] == '{"firstName":"Ada"}' and write["bodySize"] == 19 and not write["bodyTruncated"]
    assert all(r["durationMs"] > 0 for r in body["requests"])
    assert body["count"] == body["kept"] == 4 and body["dropped"] == 0 and body["size"] == 1000
    times = [datetime.fromisoformat(r["time"]) for r in body["requests"]]
    assert times == sorted(times) and abs(times[0] - datetime.now(UTC)) < timedelta(minutes=1)


def test_the_key_is_never_listed(client: TestClient) -> None:
    some_requests(client)
    client.get("/v1/customers", headers={**HEADERS, "Authorization": "Bearer other-secret"})
    response = client.get("/_mock/requests", headers=HEADERS)
    assert KEY not in response.text and "other-secret" not in response.text and "authorization" not in response.text
    assert response.json()["requests"][-1]["status"] == 401


def test_filters(client: TestClient) -> None:
    customer_id = some_requests(client)
    assert listed(client, method="PATCH")["count"] == 1
    assert listed(client, method="patch")["count"] == 1
    assert listed(client, path="/v1/customers")["count"] == 2
    assert listed(client, path="/v1/customers/*")["count"] == 2
    assert listed(client, tenant="globex")["requests"][0]["path"] == f"/v1/customers/{customer_id}"
    assert listed(client, param="limit=3")["count"] == 1
    assert listed(client, param="limit")["count"] == 2
    both = client.get("/_mock/requests", params=[("param", "limit=3"), ("param", "status=active")], headers=HEADERS)
    assert both.json()["count"] == 1
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert listed(client, since=future)["count"] == 0 and listed(client, until=future)["count"] == 4
    assert listed(client, method="GET", tenant="acme")["kept"] == 4


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"methd": "GET"}, "UNKNOWN_PARAMETER"),
        ({"since": "last week"}, "INVALID_PARAMETER"),
        ({"until": "2026-01-31T12:00:00"}, "INVALID_PARAMETER"),
        ({"method": "G@T"}, "INVALID_PARAMETER"),
        ({"param": ""}, "INVALID_PARAMETER"),
    ],
)
def test_bad_filters_are_a_400_in_the_envelope(client: TestClient, params: dict[str, str], code: str) -> None:
    response = client.get("/_mock/requests", params=params, headers=HEADERS)
    assert response.status_code == 400 and response.json()["error"]["code"] == code


def test_the_api_the_journal_and_the_control_endpoints_read_a_query_alike(client: TestClient) -> None:
    query = "%C3%A9&limit=2&email=A+b%2Bc%40x.test"
    for refused in (
        client.get(f"/v1/customers?{query}", headers=HEADERS),
        client.post(f"/_mock/reset?{query}", headers=HEADERS),
    ):
        error = refused.json()["error"]
        assert error["code"] == "UNKNOWN_PARAMETER" and "'\u00e9'" in error["message"], error
    (record,) = listed(client, param="email=A b+c@x.test")["requests"]
    assert record["params"] == {"\u00e9": [""], "limit": ["2"], "email": ["A b+c@x.test"]}
    assert record["query"] == query


def test_the_journal_takes_the_api_key(client: TestClient) -> None:
    assert client.get("/_mock/requests").status_code == 401
    assert client.delete("/_mock/requests", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_delete_clears_it(client: TestClient) -> None:
    some_requests(client)
    assert client.delete("/_mock/requests", params={"x": "1"}, headers=HEADERS).status_code == 400
    assert client.delete("/_mock/requests", headers=HEADERS).status_code == 204
    assert listed(client) == {"requests": [], "count": 0, "kept": 0, "dropped": 0, "size": 1000}
    assert client.get("/_mock", headers=HEADERS).json()["requests"] == "/_mock/requests"


def test_write_bodies_are_kept_up_to_the_limit() -> None:
    app = create_app(Settings(customers=5))
    with TestClient(app) as client:
        customer_id = client.get("/v1/customers", headers=HEADERS).json()["customers"][0]["customerId"]
        client.patch(f"/v1/customers/{customer_id}", json={"firstName": "x" * 10_000}, headers=HEADERS)
        (write,) = listed(client, method="PATCH")["requests"]
    assert write["status"] == 422 and write["bodySize"] == 10_000 + len('{"firstName":""}')
    assert len(write["body"]) == DEFAULT_BODY_LIMIT and write["bodyTruncated"] is True


def test_the_oldest_are_dropped_and_counted() -> None:
    with TestClient(create_app(Settings(customers=5, journal_size=3))) as client:
        for limit in range(1, 6):
            client.get("/v1/customers", params={"limit": limit}, headers=HEADERS)
        body = listed(client)
    assert [r["query"] for r in body["requests"]] == ["limit=3", "limit=4", "limit=5"]
    assert body["dropped"] == 2 and body["size"] == 3


def test_without_control_endpoints_or_a_journal_size_it_is_absent() -> None:
    for settings in (Settings(customers=5, control=False), Settings(customers=5, journal_size=0)):
        with TestClient(create_app(settings)) as client:
            client.get("/v1/customers", headers=HEADERS)
            assert client.get("/_mock/requests", headers=HEADERS).status_code == 404
            assert client.delete("/_mock/requests", headers=HEADERS).status_code in (404, 405)
    assert request_journal(create_app(Settings(customers=5, journal_size=0))) is None
    assert "requests" not in TestClient(create_app(Settings(customers=5, journal_size=0))).get("/_mock").json()


def test_requests_are_timed_with_the_access_log_off(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, LOGGER)
    app = create_app(Settings(customers=5))
    with TestClient(app) as client:
        client.get("/v1/customers", headers=HEADERS)
        client.patch("/v1/customers/nope", json={"firstName": "A"}, headers=HEADERS)
    journal = request_journal(app)
    assert journal is not None
    assert [(r.method, r.status) for r in journal.records()] == [("GET", 200), ("PATCH", 404)]
    assert all(r.duration_ms > 0 for r in journal.records())


def test_the_journal_size_option() -> None:
    parser = build_parser()
    assert settings_from(parser.parse_args([]), parser).journal_size == 1000
    assert settings_from(parser.parse_args(["--journal-size", "0"]), parser).journal_size == 0
    with pytest.raises(ValueError, match="journal size"):
        Settings(journal_size=-1)


def test_a_running_server_lists_what_it_answered() -> None:
    with running_mock("--customers", "5", "--journal-size", "2", "--log-level", "warning") as mock:
        client = httpx.Client(base_url=mock.base_url, headers=HEADERS)
        for limit in (1, 2, 3):
            assert client.get("/v1/customers", params={"limit": limit}).status_code == 200
        body = client.get("/_mock/requests", params={"param": "limit=3"}).json()
        client.close()
    assert [r["query"] for r in body["requests"]] == ["limit=3"] and body["kept"] == 2 and body["dropped"] == 1
