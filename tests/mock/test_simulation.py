"""Simulated latency, faults, forced statuses, rate limits, empty and slow answers, through HTTP.

Every simulated answer is checked against `openapi.yaml` with Schemathesis' response checks.
"""

from __future__ import annotations

import asyncio
import datetime
import time
from collections import Counter
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver import Settings, create_app
from mockserver.domain.spec import documented_statuses, load_spec
from mockserver.simulation.prefer import parse_prefer
from mockserver.simulation.ratelimit import WINDOW_SECONDS, RateLimiter
from mockserver.simulation.simulator import Latency, SimulationConfig, Simulator
from tests.helpers import HEADERS, client_for, running_mock
from tests.mock.conformance import assert_conforms

CUSTOMER = "/v1/customers/{}"


def simulating(**config: Any) -> TestClient:
    return client_for(Settings(seed=3, customers=30, tenants=("acme",), simulation=SimulationConfig(**config)))


def get(client: TestClient, prefer: str | None = None, key: str = "test-key", path: str = "/v1/customers") -> Any:
    headers = {**HEADERS, "Authorization": f"Bearer {key}"}
    if prefer is not None:
        headers["Prefer"] = prefer
    response = client.get(path, headers=headers)
    assert_conforms(response)
    return response


def timed(client: TestClient, prefer: str | None = None) -> float:
    """How long a request took: at least what was simulated (no upper bound holds on a busy machine)."""
    started = time.perf_counter()
    assert get(client, prefer).status_code == 200
    return time.perf_counter() - started


def waited(prefer: str | None = None, times: int = 1, **config: Any) -> list[float]:
    """The delays, in seconds, a simulator of `config` waits out for `times` list requests: read off its own sleep."""
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    simulator = Simulator(SimulationConfig(**config), documented_statuses(load_spec()), seed=3, sleep=sleep)
    for _ in range(times):
        asyncio.run(simulator.simulate("listCustomers", "test-key", [prefer] if prefer else []))
    return slept


@pytest.fixture(scope="module")
def plain() -> TestClient:
    return simulating()


@pytest.fixture(scope="module")
def customer_id(plain: TestClient) -> str:
    return str(get(plain).json()["customers"][0]["customerId"])


# --- the Prefer header


def test_prefer_header_parsing() -> None:
    assert parse_prefer(['code=503, Latency="100-200"; foo=bar', "empty", "code=500"]) == {
        "code": "503",
        "latency": "100-200",
        "empty": None,
    }
    assert parse_prefer([" , respond-async ,"]) == {"respond-async": None}


def test_unknown_preferences_are_ignored_as_rfc_7240_asks(plain: TestClient) -> None:
    assert get(plain, "return=minimal, handling=lenient").status_code == 200


@pytest.mark.parametrize(
    ("prefer", "message"),
    [
        ("code=abc", "code must be a whole number"),
        ("code=302", "status 302 cannot be simulated"),
        ("code", "code needs a value"),
        ("latency=9-1", "latency must be MS or MIN-MAX"),
        ("latency=99999999", "latency must be MS or MIN-MAX"),
        ("fault-rate=2", "fault-rate must be a number from 0 to 1"),
        ("rate-limit=-1", "rate-limit must be a whole number"),
        ("empty=maybe", "empty is 'true' or 'false'"),
        ("slow=fast", "slow must be a whole number"),
    ],
)
def test_a_bad_preference_is_a_400_that_says_why(plain: TestClient, prefer: str, message: str) -> None:
    response = get(plain, prefer)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BAD_REQUEST" and message in response.json()["error"]["message"]


def test_nothing_is_simulated_by_default(plain: TestClient) -> None:
    statuses = {get(plain).status_code for _ in range(30)}
    assert statuses == {200}


# --- latency


def test_latency_from_settings_and_per_request(plain: TestClient) -> None:
    assert timed(plain, "latency=300") >= 0.3
    assert timed(simulating(latency=Latency(250, 250))) >= 0.25
    assert waited(latency=Latency(250, 250)) == [0.25]
    assert waited("latency=0", latency=Latency(250, 250)) == []
    assert waited("latency=300") == [0.3]


def test_latency_in_a_range_varies_within_it() -> None:
    assert timed(simulating(latency=Latency(50, 300))) >= 0.05
    delays = waited(times=8, latency=Latency(50, 300))
    assert len(delays) == 8 and all(0.05 <= delay <= 0.3 for delay in delays)
    assert max(delays) - min(delays) > 0.02


def test_latency_does_not_block_other_requests() -> None:
    """Ten requests delayed at once are all in their delay together: none waits for another to end.

    Each delay ends only once all ten have begun theirs; served one after the other, the first
    would wait for the others forever (the minute only stops that hang).
    """
    delays: list[float] = []
    everyone_waits = asyncio.Event()

    async def sleep(seconds: float) -> None:
        delays.append(seconds)
        if len(delays) == 10:
            everyone_waits.set()
        await asyncio.wait_for(everyone_waits.wait(), timeout=60)

    app = create_app(Settings(customers=10, tenants=("acme",)), sleep=sleep)
    headers = {**HEADERS, "Prefer": "latency=400"}

    async def send_all() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock") as client:
            return await asyncio.gather(*(client.get("/v1/customers", headers=headers) for _ in range(10)))

    responses = asyncio.run(send_all())
    assert {response.status_code for response in responses} == {200}
    assert delays == [0.4] * 10


# --- faults


def test_fault_rate_answers_500_and_503_at_about_that_rate() -> None:
    client = simulating(fault_rate=0.5)
    statuses = [get(client).status_code for _ in range(60)]
    counts = Counter(statuses)
    assert set(counts) == {200, 500, 503}
    assert 15 <= counts[500] + counts[503] <= 45
    codes = {get(client, "code=200").status_code for _ in range(5)}
    assert codes == {200}, "a forced 200 skips faults"


def test_faults_are_reproducible_with_the_same_seed() -> None:
    def sequence() -> list[int]:
        client = simulating(fault_rate=0.3)
        return [get(client).status_code for _ in range(25)]

    assert sequence() == sequence()


def test_fault_rate_per_request(plain: TestClient) -> None:
    assert {get(plain, "fault-rate=1").status_code for _ in range(10)} <= {500, 503}
    faulty = simulating(fault_rate=1.0)
    assert {get(faulty, "fault-rate=0").status_code for _ in range(10)} == {200}
    body = get(faulty).json()["error"]
    assert body["code"] in {"INTERNAL_ERROR", "SERVICE_UNAVAILABLE"} and "Simulated fault" in body["message"]


# --- forced statuses


@pytest.mark.parametrize("operation", ["listCustomers", "getCustomer"])
def test_every_documented_status_can_be_forced_and_conforms(
    plain: TestClient, customer_id: str, operation: str
) -> None:
    path = "/v1/customers" if operation == "listCustomers" else CUSTOMER.format(customer_id)
    documented = documented_statuses(load_spec())[operation]
    for status in sorted(documented):
        response = get(plain, f"code={status}", path=path)
        assert response.status_code == status, response.text
        if status == 429:
            assert int(response.headers["Retry-After"]) >= 0
        if status == 401:
            assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_status_the_operation_does_not_document_is_refused(plain: TestClient, customer_id: str) -> None:
    response = get(plain, "code=404")
    assert response.status_code == 400
    assert "code=404 is not a status listCustomers documents" in response.json()["error"]["message"]
    assert get(plain, "code=404", path=CUSTOMER.format(customer_id)).status_code == 404


def test_forced_status_from_settings_and_its_override() -> None:
    down = simulating(force_status=503)
    assert get(down).status_code == 503
    assert get(down, "code=200").status_code == 200
    assert get(down, "code=429").status_code == 429
    with pytest.raises(ValueError, match="not documented for listCustomers"):
        create_app(Settings(customers=1, simulation=SimulationConfig(force_status=404)))


def test_simulation_comes_after_authentication_and_the_tenant(plain: TestClient) -> None:
    no_key = plain.get("/v1/customers", headers={"Tenant-ID": "acme", "Prefer": "code=503"})
    assert no_key.status_code == 401
    unknown = plain.get("/v1/customers", headers={**HEADERS, "Tenant-ID": "nobody", "Prefer": "code=503"})
    assert unknown.status_code == 403


# --- rate limiting


def test_rate_limit_per_api_key() -> None:
    client = simulating(rate_limit=3)
    assert [get(client, key="alpha").status_code for _ in range(3)] == [200, 200, 200]
    limited = get(client, key="alpha")
    assert limited.status_code == 429
    assert limited.json()["error"] == {
        "code": "RATE_LIMITED",
        "message": "Rate limit of 3 requests per minute exceeded",
    }
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert get(client, key="beta").status_code == 200, "another key has its own budget"
    assert get(client, "rate-limit=0", key="alpha").status_code == 200, "a request can lift the limit"


def test_rate_limit_per_request(plain: TestClient) -> None:
    statuses = [get(plain, "rate-limit=2", key="gamma").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_rate_limiter_windows_reset_and_memory_stays_bounded() -> None:
    now = [1000.0]
    limiter = RateLimiter(clock=lambda: now[0])
    assert limiter.hit("k", 1) is None
    assert limiter.hit("k", 1) == 60, "whole seconds until the key's window ends"
    now[0] += 15.5
    assert limiter.hit("k", 1) == 45
    for index in range(5000):
        limiter.hit(f"key-{index}", 1)
    assert len(limiter) == 5001
    now[0] += WINDOW_SECONDS
    assert limiter.hit("k", 1) is None, "a new window starts a new budget"
    assert len(limiter) == 1, "ended windows are swept out"


# --- empty and slow answers


def test_empty_result_per_request_and_from_settings(plain: TestClient, customer_id: str) -> None:
    page = get(plain, "empty").json()
    assert page == {"customers": [], "count": 0, "limit": 50, "hasMore": False, "nextCursor": None}
    assert get(plain, "empty", path="/v1/customers?limit=7").json()["limit"] == 7
    missing = get(plain, "empty", path=CUSTOMER.format(customer_id))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "CUSTOMER_NOT_FOUND"
    empty = simulating(empty=True)
    assert get(empty).json()["count"] == 0
    assert get(empty, "empty=false").json()["count"] == 30
    assert get(empty, path="/v1/customers?limit=0").status_code == 400, "the query is still checked"


def test_slow_page_per_request_and_from_settings(plain: TestClient) -> None:
    assert timed(plain, "slow=400") >= 0.4
    slow = simulating(slow_ms=300)
    assert timed(slow) >= 0.3
    assert timed(slow, "slow") >= 0.3
    assert waited(slow_ms=300) == [0.3] and waited("slow", slow_ms=300) == [0.3]
    assert waited("slow=0", slow_ms=300) == []


# --- the command line


def test_simulation_flags_reach_the_server() -> None:
    args = ["--customers", "5", "--tenant", "acme", "--rate-limit", "2", "--latency", "150", "--log-level", "warning"]
    with running_mock(*args) as mock, httpx.Client(base_url=mock.base_url, headers=HEADERS) as client:
        started = time.perf_counter()
        statuses = [client.get("/v1/customers").status_code for _ in range(3)]
        assert time.perf_counter() - started >= 0.45
        assert statuses == [200, 200, 429]
        forced = client.get("/v1/customers", headers={"Prefer": "code=503, rate-limit=0"})
        assert_conforms(forced)
        assert forced.status_code == 503
        assert client.get("/healthz").status_code == 200, "health is never simulated"
    assert "simulating latency 150 ms, rate limit 2 requests per minute per API key" in mock.log


def test_forced_status_and_empty_flags_reach_the_server() -> None:
    with running_mock("--customers", "5", "--force-status", "500", "--empty", "--log-level", "warning") as mock:
        response = httpx.get(f"{mock.base_url}/v1/customers", headers=HEADERS)
        assert_conforms(response)
        assert response.status_code == 500
        response = httpx.get(f"{mock.base_url}/v1/customers", headers={**HEADERS, "Prefer": "code=200"})
        assert response.status_code == 200 and response.json()["customers"] == []


def test_the_conformance_check_catches_an_undocumented_answer() -> None:
    request = httpx.Request("GET", "http://mock/v1/customers")
    response = httpx.Response(404, request=request, json={"error": {"code": "NOT_FOUND", "message": "gone"}})
    response.elapsed = datetime.timedelta(milliseconds=1)
    with pytest.raises(AssertionError, match="status 404 undocumented for listCustomers"):
        assert_conforms(response)
    wrong = httpx.Response(200, request=request, json={"customers": "none"})
    wrong.elapsed = response.elapsed
    with pytest.raises(BaseExceptionGroup) as failures:
        assert_conforms(wrong)
    assert "violates schema" in str(failures.value.exceptions[0])
