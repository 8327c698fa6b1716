"""The request edge's dispatch answers the API's reads with the very bytes Starlette's routes send, and only those.

Each request goes to two apps built from the same settings, one whose edge dispatches nothing
(every request goes on to Starlette's routing, `Request` and `Response`), in lockstep (so
simulated randomness and rate limits advance alike); the status, the raw headers in order and
the body must be identical. The edge itself (faults, log, journal, limits, CORS, errors) is the
same code either way; what differs is how the operation is reached and its answer framed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from mockserver import Settings, create_app
from mockserver.domain.ordering import SortKey
from mockserver.domain.paths import customer_id_in, is_api_path, is_customers_path
from mockserver.domain.query import ListQuery
from mockserver.http.accesslog import LOGGER as ACCESS_LOGGER
from mockserver.http.edge import RequestEdge
from mockserver.simulation.simulator import SimulationConfig
from mockserver.storage.overlay import OverlaidStore
from mockserver.storage.seededindex import Page
from tests.helpers import HEADERS

APP = "http://localhost:5173"


def edge_of(app: Starlette) -> RequestEdge:
    """The request edge: `app`'s whole stack, in front of its routing (built, as a first request would)."""
    app.middleware_stack = app.build_middleware_stack()
    assert isinstance(app.middleware_stack, RequestEdge)
    return app.middleware_stack


def without_dispatch(app: Starlette) -> Starlette:
    """`app` with its edge dispatching nothing: every request goes on to Starlette's routing."""
    edge_of(app).reads = None
    return app


class Pair:
    """Two clients of one configuration, the reads dispatched by the edge and the reads routed by Starlette."""

    def __init__(self, settings: Settings, raise_server_exceptions: bool = True, **seams: Any) -> None:
        self.fast = TestClient(create_app(settings, **seams), raise_server_exceptions=raise_server_exceptions)
        self.full = TestClient(
            without_dispatch(create_app(settings, **seams)), raise_server_exceptions=raise_server_exceptions
        )

    def same(self, method: str, url: str, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        fast = self.fast.request(method, url, headers=headers, **kwargs)
        full = self.full.request(method, url, headers=headers, **kwargs)
        assert (fast.status_code, fast.headers.raw, fast.content) == (full.status_code, full.headers.raw, full.content)
        return fast


def settings(**changes: Any) -> Settings:
    return Settings(seed=5, customers=40, tenants=("acme", "globex"), **changes)


@pytest.fixture(scope="module", params=["any-origin", "some-origins", "no-cors"])
def pair(request: pytest.FixtureRequest) -> Iterator[Pair]:
    origins = {"any-origin": ("*",), "some-origins": (APP,), "no-cors": ()}[request.param]
    yield Pair(settings(cors_origins=origins))


def cursor_of(pair: Pair, query: str) -> str:
    return str(pair.same("GET", f"/v1/customers?{query}", HEADERS).json()["nextCursor"])


LIST_QUERIES = [
    "",
    "limit=5",
    "status=active&sortBy=totalMonthlyRevenue&sortOrder=desc&limit=7",
    "customerType=business&hasActiveRentals=true&sortBy=createdAt&limit=3",
    "sortBy=email&sortOrder=asc&limit=2&email=NOBODY%40example.com",
    "limit=0",
    "limit=5&limit=6",
    "sortby=email",
    "startAfter=garbage",
    "startAfter=",
    "email=a+b%20c",
    "%ff=1",
    "limit",
    "&&limit=2&",
]


@pytest.mark.parametrize("origin", [None, APP, "http://elsewhere.test"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_list_customers_is_answered_alike(pair: Pair, method: str, origin: str | None) -> None:
    headers = {**HEADERS, **({"Origin": origin} if origin else {})}
    for query in LIST_QUERIES:
        pair.same(method, f"/v1/customers?{query}", headers)
    query = "sortBy=lastName&sortOrder=asc&limit=4"
    pair.same(method, f"/v1/customers?{query}&startAfter={cursor_of(pair, query)}", headers)
    pair.same(method, f"/v1/customers?sortBy=firstName&startAfter={cursor_of(pair, query)}", headers)


@pytest.mark.parametrize("origin", [None, APP])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_get_customer_is_answered_alike(pair: Pair, method: str, origin: str | None) -> None:
    headers = {**HEADERS, **({"Origin": origin} if origin else {})}
    customer_id = pair.same("GET", "/v1/customers?limit=1", HEADERS).json()["customers"][0]["customerId"]
    for path in [customer_id, f"{customer_id}?expand=all", "nobody", "%ff%fe", "%0A", "a%2Fb"]:
        pair.same(method, f"/v1/customers/{path}", headers)
    pair.same(method, f"/v1/customers/{customer_id}", {**headers, "Tenant-ID": "globex"})


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Tenant-ID": "acme"},
        {"Authorization": "Bearer k"},
        {"Authorization": "Basic x", "Tenant-ID": "acme"},
        {"Authorization": "Bearer k", "Tenant-ID": "nobody"},
        {"Authorization": "Bearer k", "Tenant-ID": "bad tenant!"},
        {"Authorization": "Bearer k", "Tenant-ID": "acme", "Origin": APP},
        {"Authorization": "Bearer k", "Tenant-ID": "acme", "Prefer": "code=429"},
        {"Authorization": "Bearer k", "Tenant-ID": "acme", "Prefer": "code=503", "Origin": APP},
        {"Authorization": "Bearer k", "Tenant-ID": "acme", "Prefer": "code=418"},
        {"Authorization": "Bearer k", "Tenant-ID": "acme", "Prefer": "empty"},
        {"Authorization": "Bearer k", "Tenant-ID": "acme", "Prefer": "latency=oops"},
    ],
)
def test_refusals_and_simulations_are_answered_alike(pair: Pair, headers: dict[str, str]) -> None:
    for path in ["/v1/customers", "/v1/customers?limit=2", "/v1/customers/nobody"]:
        pair.same("GET", path, headers)


def test_what_the_dispatch_does_not_answer_is_answered_alike(pair: Pair) -> None:
    preflight = {"Origin": APP, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "prefer"}
    pair.same("OPTIONS", "/v1/customers", preflight)
    pair.same("OPTIONS", "/v1/customers", HEADERS)
    for method in ["POST", "PUT", "PATCH", "DELETE"]:
        pair.same(method, "/v1/customers", HEADERS, content=b"{}")
        pair.same(method, "/v1/customers/x", HEADERS)
    for path in ["/v1/customers/", "/v1/customers/a/b", "/v1/customers%0A", "/v1", "/healthz", "/openapi.yaml"]:
        pair.same("GET", path, HEADERS, follow_redirects=False)


def test_the_request_limits_still_come_first(pair: Pair) -> None:
    pair.same("GET", "/v1/customers?email=" + "e" * 13_000, HEADERS)
    pair.same("GET", "/v1/customers", HEADERS, content=b'{"status": "active"}')
    pair.same("GET", "/v1/customers", {**HEADERS, "X-Padding": "p" * 17_000})


def test_rate_limits_and_faults_advance_alike() -> None:
    pair = Pair(settings(simulation=SimulationConfig(rate_limit=3, fault_rate=0.4)))
    statuses = {pair.same("GET", "/v1/customers?limit=1", HEADERS).status_code for _ in range(12)}
    assert 429 in statuses


class FailingStore(OverlaidStore):
    def page(self, query: ListQuery, after: SortKey | None, snapshot: int | None = None) -> Page:
        raise RuntimeError("a bug")


def failing(raise_server_exceptions: bool = True) -> Pair:
    """A pair whose every tenant store fails to page, as a bug would (`create_app`'s `overlay` seam)."""
    return Pair(settings(), raise_server_exceptions, overlay=FailingStore)


@pytest.mark.parametrize("origin", [None, APP])
def test_a_bug_is_a_500_in_the_envelope_and_raised_alike(origin: str | None) -> None:
    raising = failing()
    for client in (raising.fast, raising.full):
        with pytest.raises(RuntimeError, match="a bug"):
            client.get("/v1/customers", headers=HEADERS)
    headers = {**HEADERS, **({"Origin": origin} if origin else {})}
    answer = failing(raise_server_exceptions=False).same("GET", "/v1/customers", headers)
    assert answer.status_code == 500 and answer.json()["error"]["code"] == "INTERNAL_ERROR"
    assert "access-control-allow-origin" not in answer.headers


def test_the_access_log_says_the_same(caplog: pytest.LogCaptureFixture) -> None:
    pair = Pair(settings())
    requests = [("/v1/customers?limit=2", HEADERS), ("/v1/customers/nobody", HEADERS), ("/v1/customers", {})]
    requests.append(("/v1/customers?email=" + "e" * 13_000, HEADERS))
    logged = []
    for client in (pair.fast, pair.full):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
            for path, headers in requests:
                client.get(path, headers=headers)
        records = [record for record in caplog.records if record.name == ACCESS_LOGGER]
        logged.append([{**record.http, "duration_ms": None} for record in records])  # type: ignore[attr-defined]
    assert logged[0] == logged[1] and [entry["status"] for entry in logged[0]] == [200, 404, 401, 400]


def test_the_dispatch_answers_the_reads_without_starlette() -> None:
    app = create_app(settings())
    edge = edge_of(app)

    async def unreachable(scope: Scope, receive: Receive, send: Send) -> None:
        await PlainTextResponse("reached the rest of the stack", status_code=599)(scope, receive, send)

    edge.app = unreachable
    client = TestClient(app)  # no lifespan: the replaced rest of the stack would not answer it
    assert client.get("/v1/customers", headers=HEADERS).status_code == 200
    assert client.head("/v1/customers/nobody", headers=HEADERS).status_code == 404
    assert client.post("/v1/customers", headers=HEADERS).status_code == 599
    assert client.get("/v1/customers/a/b", headers=HEADERS).status_code == 599


def test_routes_added_for_other_methods_still_work() -> None:
    app = create_app(settings())

    async def delete(request: Request) -> Response:
        return PlainTextResponse(f"deleted {request.path_params['customerId']}")

    app.router.routes.insert(0, Route("/v1/customers/{customerId}", delete, methods=["DELETE"]))
    with TestClient(app) as client:
        assert client.delete("/v1/customers/c-1", headers=HEADERS).text == "deleted c-1"
        assert client.get("/v1/customers/c-1", headers=HEADERS).json()["error"]["code"] == "CUSTOMER_NOT_FOUND"
        patched = client.patch("/v1/customers/c-1", headers=HEADERS, json={"firstName": "A"})
        assert patched.json()["error"]["code"] == "CUSTOMER_NOT_FOUND"


def test_a_middleware_added_sees_what_the_dispatch_sends_on_behind_the_edge() -> None:
    app = create_app(settings())
    seen: list[tuple[str, str, int]] = []

    class Seeing:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http":
                seen.append((scope["method"], scope["path"], len(scope["query_string"])))
            await self.app(scope, receive, send)

    app.add_middleware(Seeing)
    with TestClient(app) as client:
        assert client.get("/v1/customers", headers=HEADERS).status_code == 200
        assert client.get("/healthz").status_code == 200
        assert client.get("/v1/customers?email=" + "e" * 13_000, headers=HEADERS).status_code == 400
        assert client.get("/nowhere").json()["error"]["code"] == "NOT_FOUND"
    assert seen == [("GET", "/healthz", 0), ("GET", "/nowhere", 0)]


@pytest.mark.parametrize(
    ("path", "customer_id"),
    [
        ("/v1/customers/abc", "abc"),
        ("/v1/customers/a b\n", "a b\n"),
        ("/v1/customers/", None),
        ("/v1/customers/a/b", None),
        ("/v1/customers", None),
        ("/v1/customersabc", None),
        ("/v2/customers/abc", None),
    ],
)
def test_customer_id_in_a_path(path: str, customer_id: str | None) -> None:
    assert customer_id_in(path) == customer_id


@pytest.mark.parametrize(
    ("path", "api", "customers"),
    [
        ("/v1", True, False),
        ("/v1/", True, False),
        ("/v1/other", True, False),
        ("/v1/customers", True, True),
        ("/v1/customers/abc", True, True),
        ("/v1/customersabc", True, False),
        ("/v1x", False, False),
        ("/v", False, False),
        ("/_mock/requests", False, False),
        ("/healthz", False, False),
    ],
)
def test_which_paths_are_the_apis(path: str, api: bool, customers: bool) -> None:
    """The journal keeps what is under `/v1`; network faults spoil what is under `/v1/customers`."""
    assert (is_api_path(path), is_customers_path(path)) == (api, customers)
