"""The kit's client on a real socket: the environment's proxy, no cookies kept, one set of default headers."""

from __future__ import annotations

import httpx
import pytest

from contract_tests.transport.client import Budget, Credentials, KitClient, Pacer, TargetUnavailable
from mockserver import FlexportalMock

# A host no resolver knows: a request reaches it only through a proxy.
UNRESOLVABLE = "http://kit-through-proxy.invalid"


def _client(base_url: str, transport: httpx.BaseTransport | None = None) -> KitClient:
    return KitClient(
        base_url, tenant_header="Tenant-ID", budget=Budget(None), pacer=Pacer(None), retries=0, transport=transport
    )


def test_requests_go_through_the_proxy_the_environment_names(
    flexportal_mock: FlexportalMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The mock answers an absolute-form request line as a forward proxy would pass it on.
    # Named without its scheme, as proxies often are: an HTTP proxy.
    monkeypatch.setenv("HTTP_PROXY", flexportal_mock.base_url.removeprefix("http://"))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = _client(UNRESOLVABLE)
    try:
        credentials = Credentials(flexportal_mock.tenant, flexportal_mock.api_key)
        response = client.get("/v1/customers", [("limit", "2")], credentials=credentials)
    finally:
        client.close()
    assert response.status_code == 200
    assert len(response.json()["customers"]) == 2
    assert str(response.request.url) == f"{UNRESOLVABLE}/v1/customers?limit=2"
    assert response.elapsed.total_seconds() > 0


def test_no_proxy_exempts_the_target(flexportal_mock: FlexportalMock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", flexportal_mock.base_url)
    monkeypatch.setenv("NO_PROXY", "kit-through-proxy.invalid")
    client = _client(UNRESOLVABLE)
    try:
        with pytest.raises(TargetUnavailable, match="no response"):
            client.get("/v1/customers", credentials=None)
    finally:
        client.close()


def test_cookies_are_never_sent_back() -> None:
    seen: list[httpx.Request] = []

    def target(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"Set-Cookie": "sticky=replica-2; Path=/"}, json={})

    client = _client("http://target.test", httpx.MockTransport(target))
    try:
        client.get("/v1/customers", credentials=None)
        client.get("/v1/customers", credentials=None)
    finally:
        client.close()
    assert [request.headers.get("cookie") for request in seen] == [None, None]


def test_a_given_header_replaces_the_default_one() -> None:
    seen: list[httpx.Request] = []

    def target(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    client = _client("http://target.test", httpx.MockTransport(target))
    try:
        client.get("/v1/customers", credentials=None, headers={"accept": "application/problem+json"})
        client.get("/v1/customers", credentials=None)
    finally:
        client.close()
    given, default = seen
    assert given.headers.get_list("accept") == ["application/problem+json"]
    assert default.headers.get_list("accept") == ["*/*"]
    assert default.headers["accept-encoding"] == "gzip, deflate"
