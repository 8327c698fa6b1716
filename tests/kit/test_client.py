"""The kit's client: GET only, within a budget and a rate, waiting out 429s, never recording a key."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from contract_tests.transport.client import (
    API_KEY_ENV,
    MAX_RATE_LIMITED_RETRIES,
    MAX_RETRY_AFTER,
    OTHER_API_KEY_ENV,
    Budget,
    BudgetExhausted,
    Credentials,
    Exchange,
    KitClient,
    Pacer,
    RateLimitedTooLong,
)
from tests.helpers import FakeTime
from tests.kit.clock import pacer

BASE_URL = "http://target.test/"
KEY = "kit-secret-Zq7xW2pL"
MAIN = Credentials(tenant="acme", api_key=KEY)


@dataclass
class Target:
    """A MockTransport handler answering from a script of responses (the last one repeats)."""

    answers: list[httpx.Response] = field(default_factory=lambda: [httpx.Response(200, json={"ok": True})])
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)


MakeClient = Callable[..., KitClient]


@pytest.fixture
def make_client() -> Iterator[MakeClient]:
    made: list[KitClient] = []

    def make(target: Target, *, budget: Budget | None = None, pacer: Pacer | None = None) -> KitClient:
        client = KitClient(
            BASE_URL,
            tenant_header="Tenant-ID",
            budget=budget or Budget(None),
            pacer=pacer or Pacer(None, sleep=_never_sleep),
            transport=httpx.MockTransport(target),
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def _never_sleep(seconds: float) -> None:
    raise AssertionError(f"slept {seconds}s")


def rate_limited(retry_after: str | None) -> httpx.Response:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    return httpx.Response(429, headers=headers, json={"error": {"code": "RATE_LIMITED", "message": "slow down"}})


# --- KitClient: what it sends --------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "post"])
def test_only_get_leaves_the_client(make_client: MakeClient, method: str) -> None:
    target = Target()
    budget = Budget(None)
    client = make_client(target, budget=budget)
    with pytest.raises(ValueError, match="GET requests only"):
        client.send(method, BASE_URL + "v1/customers", (), {})
    assert target.requests == []
    assert budget.spent == 0
    assert client.log == []


def test_get_sends_credentials_params_and_headers(make_client: MakeClient) -> None:
    target = Target()
    client = make_client(target)
    response = client.get("/v1/customers", [("limit", "5"), ("sortBy", "email")], credentials=MAIN)
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    (request,) = target.requests
    assert request.method == "GET"
    assert str(request.url) == "http://target.test/v1/customers?limit=5&sortBy=email"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.headers["Tenant-ID"] == "acme"
    assert [(exchange.status, exchange.url) for exchange in client.log] == [(200, str(request.url))]


def test_get_without_credentials(make_client: MakeClient) -> None:
    target = Target()
    client = make_client(target)
    client.get("/v1/customers", credentials=None, headers={"Tenant-ID": "globex"})
    (request,) = target.requests
    assert "Authorization" not in request.headers
    assert request.headers["Tenant-ID"] == "globex"


def test_each_request_spends_the_budget(make_client: MakeClient) -> None:
    target = Target()
    budget = Budget(2)
    client = make_client(target, budget=budget)
    client.get("/v1/customers", credentials=MAIN)
    client.get("/v1/customers", credentials=MAIN)
    with pytest.raises(BudgetExhausted):
        client.get("/v1/customers", credentials=MAIN)
    assert len(target.requests) == 2


def test_redirects_are_not_followed(make_client: MakeClient) -> None:
    target = Target([httpx.Response(302, headers={"Location": "http://elsewhere.test/"})])
    client = make_client(target)
    assert client.get("/v1/customers", credentials=MAIN).status_code == 302
    assert len(target.requests) == 1


# --- KitClient: 429 ------------------------------------------------------------------------------


def test_a_429_is_waited_out_and_retried(make_client: MakeClient) -> None:
    time = FakeTime()
    target = Target([rate_limited("2"), httpx.Response(200, json={"ok": True})])
    budget = Budget(None)
    client = make_client(target, budget=budget, pacer=pacer(60, time))
    response = client.get("/v1/customers", [("limit", "5")], credentials=MAIN)
    assert response.status_code == 200
    assert len(target.requests) == 2
    assert budget.spent == 2
    assert time.sleeps == [2.0]
    assert [exchange.status for exchange in client.log] == [429, 200]


def test_a_429_is_waited_out_without_a_rate(make_client: MakeClient) -> None:
    """A run without --rate (the default) must still honour Retry-After."""
    time = FakeTime()
    target = Target([rate_limited("2"), httpx.Response(200, json={"ok": True})])
    client = make_client(target, pacer=pacer(None, time))
    assert client.get("/v1/customers", credentials=MAIN).status_code == 200
    assert len(target.requests) == 2
    assert time.sleeps == [2.0]


def test_a_retry_spends_the_budget(make_client: MakeClient) -> None:
    time = FakeTime()
    target = Target([rate_limited("1"), httpx.Response(200, json={})])
    client = make_client(target, budget=Budget(1), pacer=pacer(60, time))
    with pytest.raises(BudgetExhausted):
        client.get("/v1/customers", credentials=MAIN)
    assert len(target.requests) == 1


@pytest.mark.parametrize("retry_after", [str(MAX_RETRY_AFTER + 1), "3600", "inf"])
def test_a_retry_after_beyond_the_maximum(make_client: MakeClient, retry_after: str) -> None:
    time = FakeTime()
    target = Target([rate_limited(retry_after), httpx.Response(200, json={})])
    client = make_client(target, pacer=pacer(60, time))
    with pytest.raises(RateLimitedTooLong, match="Retry-After"):
        client.get("/v1/customers", credentials=MAIN)
    assert len(target.requests) == 1
    assert time.sleeps == []


def test_the_maximum_retry_after_is_waited(make_client: MakeClient) -> None:
    time = FakeTime()
    target = Target([rate_limited(f"{MAX_RETRY_AFTER:.0f}"), httpx.Response(200, json={})])
    client = make_client(target, pacer=pacer(60, time))
    assert client.get("/v1/customers", credentials=MAIN).status_code == 200
    assert time.sleeps == [MAX_RETRY_AFTER]


@pytest.mark.parametrize(
    ("retry_after", "waited"), [("1.5", 1.5), (None, 1.0), ("soon", 1.0), ("0", 0.01), ("-5", 0.01)]
)
def test_retry_after_values(make_client: MakeClient, retry_after: str | None, waited: float) -> None:
    """Seconds as given; 1 s when missing or unreadable; nothing beyond the rate's spacing when zero or less."""
    time = FakeTime()
    target = Target([rate_limited(retry_after), httpx.Response(200, json={})])
    client = make_client(target, pacer=pacer(6000, time))  # requests 0.01 s apart
    assert client.get("/v1/customers", credentials=MAIN).status_code == 200
    assert time.sleeps == [pytest.approx(waited)]


def test_endless_429s_give_up(make_client: MakeClient) -> None:
    time = FakeTime()
    target = Target([rate_limited("1")])
    budget = Budget(None)
    client = make_client(target, budget=budget, pacer=pacer(60, time))
    with pytest.raises(RateLimitedTooLong, match=f"after {MAX_RATE_LIMITED_RETRIES} waits"):
        client.get("/v1/customers", credentials=MAIN)
    assert len(target.requests) == MAX_RATE_LIMITED_RETRIES + 1
    assert budget.spent == MAX_RATE_LIMITED_RETRIES + 1
    assert [exchange.status for exchange in client.log] == [429] * (MAX_RATE_LIMITED_RETRIES + 1)


# --- KitClient: what it records ------------------------------------------------------------------


def test_the_key_is_recorded_only_by_name(make_client: MakeClient) -> None:
    client = make_client(Target())
    client.keep_secret(MAIN)
    client.get("/v1/customers", [("limit", "5")], credentials=MAIN)
    (exchange,) = client.log
    line = exchange.curl()
    assert KEY not in line
    assert f"${API_KEY_ENV}" in line
    assert ("Authorization", f"Bearer ${API_KEY_ENV}") in exchange.headers
    assert ("Tenant-ID", "acme") in exchange.headers


def test_without_keep_secret_the_key_is_recorded(make_client: MakeClient) -> None:
    """The control for the tests around it: the key would be there if it were not kept secret."""
    client = make_client(Target())
    client.get("/v1/customers", credentials=MAIN)
    assert KEY in client.log[0].curl()


SHORT = Credentials(tenant="kappa", api_key="k")


def test_a_one_letter_key_is_hidden_only_in_the_authorization_header(make_client: MakeClient) -> None:
    """The key's text elsewhere (a cursor, a tenant, a path) is what was sent, and is recorded so."""
    target = Target()
    client = make_client(target)
    client.keep_secret(SHORT)
    cursor = "eyJrIjogImtleSJ9.kkk"
    client.get("/v1/customers", [("startAfter", cursor), ("sortBy", "lastName")], credentials=SHORT)
    (request,) = target.requests
    (exchange,) = client.log
    assert exchange.url == str(request.url)  # the URL, cursor and all, as sent
    assert ("Authorization", f"Bearer ${API_KEY_ENV}") in exchange.headers
    assert ("Tenant-ID", "kappa") in exchange.headers
    assert _as_shell_runs_it(exchange.curl(), "k") == [
        "-H", "Authorization: Bearer k", "-H", "Tenant-ID: kappa", str(request.url),
    ]  # fmt: skip


def test_a_key_that_only_starts_the_credentials_is_not_replaced(make_client: MakeClient) -> None:
    """`Bearer kit-wrong-key` is not the key `k`: only credentials that are the key entire are hidden."""
    client = make_client(Target())
    client.keep_secret(SHORT)
    client.get("/v1/customers", credentials=None, headers={"Authorization": "Bearer kit-wrong-key"})
    assert ("Authorization", "Bearer kit-wrong-key") in client.log[0].headers


def test_each_key_is_recorded_by_its_own_name(make_client: MakeClient) -> None:
    other = Credentials(tenant="globex", api_key="kit-other-secret-77", key_env=OTHER_API_KEY_ENV)
    client = make_client(Target())
    client.keep_secret(MAIN)
    client.keep_secret(other)
    client.get("/v1/customers", credentials=MAIN)
    client.get("/v1/customers", credentials=other)
    first, second = client.log
    assert ("Authorization", f"Bearer ${API_KEY_ENV}") in first.headers
    assert ("Authorization", f"Bearer ${OTHER_API_KEY_ENV}") in second.headers
    assert f"${API_KEY_ENV}" in first.curl() and KEY not in first.curl()
    assert f"${OTHER_API_KEY_ENV}" in second.curl() and other.api_key not in second.curl()


def _as_shell_runs_it(line: str, key: str) -> list[str]:
    """The arguments a shell passes to curl for `line`, with the key in its environment."""
    bash = shutil.which("bash")
    assert bash is not None
    command = "printf '%s\\n'" + line.removeprefix("curl")
    result = subprocess.run(
        [bash, "--norc", "--noprofile", "-c", command],
        env={"PATH": os.environ.get("PATH", ""), API_KEY_ENV: key},
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    )
    return result.stdout.splitlines()


def test_the_curl_line_reproduces_the_request(make_client: MakeClient) -> None:
    target = Target()
    client = make_client(target)
    client.keep_secret(MAIN)
    client.get("/v1/customers", [("email", "a&b@x.io"), ("sortBy", "email")], credentials=MAIN)
    (request,) = target.requests
    assert _as_shell_runs_it(client.log[0].curl(), KEY) == [
        "-H",
        f"Authorization: Bearer {KEY}",
        "-H",
        "Tenant-ID: acme",
        str(request.url),
    ]


def test_the_curl_line_keeps_dollar_signs_in_the_url(make_client: MakeClient) -> None:
    """A URL is quoted whole: text that looks like a placeholder there is not expanded by the shell."""
    target = Target()
    client = make_client(target)
    client.keep_secret(MAIN)
    client.get("/v1/customers", [("email", f"${API_KEY_ENV}@x.io")], credentials=MAIN)
    (request,) = target.requests
    assert _as_shell_runs_it(client.log[0].curl(), KEY)[-1] == str(request.url)


# --- Exchange.curl -------------------------------------------------------------------------------


def test_curl_quotes_a_url_with_ampersands() -> None:
    url = "http://x.test/v1/customers?limit=5&sortBy=email&email=o'neil%40x.io"
    exchange = Exchange(url=url, headers=(("Tenant-ID", "acme"), ("X-Note", "a b;c")), status=200)
    line = exchange.curl()
    assert line.endswith("   # -> 200")
    assert shlex.split(line, comments=True) == ["curl", "-H", "Tenant-ID: acme", "-H", "X-Note: a b;c", url]


def test_curl_leaves_a_placeholder_for_the_shell() -> None:
    exchange = Exchange(url="http://x.test/", headers=(("Authorization", f"Bearer ${API_KEY_ENV}"),), status=401)
    line = exchange.curl()
    assert line.endswith("   # -> 401")
    assert _as_shell_runs_it(line, "the-key") == ["-H", "Authorization: Bearer the-key", "http://x.test/"]
