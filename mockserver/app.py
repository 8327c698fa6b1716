"""The application factory: the request edge (`http/edge.py`) in front of Starlette's routes."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from mockserver.dataset import build_stores
from mockserver.domain.cursor import CursorCodec
from mockserver.domain.edits import CustomerEdits
from mockserver.domain.errors import BadRequest, MethodNotAllowed, NotFound
from mockserver.domain.paths import ITEM_PATH, LIST_PATH
from mockserver.domain.spec import documented_statuses, load_spec, spec_bytes
from mockserver.http.accesslog import flush_access_log
from mockserver.http.control import control_routes
from mockserver.http.docs import docs_routes
from mockserver.http.edge import RequestEdge
from mockserver.http.endpoints import CustomerEndpoints
from mockserver.http.health import health_endpoint
from mockserver.http.responses import error_response
from mockserver.http.wirefaults import WireFaults
from mockserver.journal.records import Journal
from mockserver.settings import Settings
from mockserver.simulation.simulator import Simulator
from mockserver.storage.livestores import LiveStores
from mockserver.storage.logs import open_change_log
from mockserver.storage.overlay import OverlaidStore
from mockserver.storage.reload import FixtureWatcher
from mockserver.storage.seededindex import TenantStore
from mockserver.storage.state import ServerState

__all__ = ["create_app", "request_journal", "served_state"]


def create_app(
    settings: Settings | None = None,
    *,
    codec: CursorCodec | None = None,
    overlay: Callable[[TenantStore], OverlaidStore] | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Starlette:
    """A mock server holding the dataset `settings` describe (the defaults when None).

    Three seams serve tests and variants of the mock: `codec` mints and reads the cursors (by
    default a `CursorCodec` of `settings.cursor_secret`), and `overlay` makes the store each
    tenant is served from out of its seeded one (by default `OverlaidStore`, which lays the
    writes over it); a subclass of either is how a deliberately broken mock is built. `sleep`
    waits out a simulated delay (seconds), so that a test can watch the waits instead of a clock.

    Raises ValueError when the simulation asks for what the contract does not document.
    """
    settings = settings or Settings()
    spec = spec_bytes()
    contract = load_spec(spec)
    simulator = Simulator(settings.simulation, documented_statuses(contract), settings.seed, sleep=sleep)
    stores = LiveStores(build_stores(settings))
    state = ServerState(stores, open_change_log(settings.state, settings.state_wait), overlay or OverlaidStore)
    edits = CustomerEdits(contract)
    codec = CursorCodec(settings.cursor_secret) if codec is None else codec
    endpoints = CustomerEndpoints(state, codec, settings.api_keys, simulator, edits)

    async def openapi(request: Request) -> Response:
        return Response(spec, media_type="application/yaml")

    routes = [
        Route(LIST_PATH, endpoints.list_customers_route, methods=["GET"]),
        Route(ITEM_PATH, endpoints.customer_route, methods=["GET", "PATCH"]),
        Route("/openapi.yaml", openapi, methods=["GET"]),
        Route("/healthz", health_endpoint(state), methods=["GET"]),
        *docs_routes(contract),
    ]
    journal = Journal(settings.journal_size) if settings.journal_size else None
    if settings.control:
        routes.extend(control_routes(contract, state, edits, settings.api_keys, journal=journal))
    watcher = None
    if settings.fixtures is not None:
        logger = logging.getLogger("flexportal_mock.reload")
        build = functools.partial(build_stores, settings)
        watcher = FixtureWatcher(settings.fixtures, stores, build, settings.reload_interval, logger)

    faults = WireFaults(simulator)

    def edge(app: ASGIApp) -> ASGIApp:
        return RequestEdge(app, reads=endpoints, faults=faults, cors_origins=settings.cors_origins, journal=journal)

    app = _EdgeInFront(
        edge, routes=routes, exception_handlers={HTTPException: _http_error}, lifespan=_watching(watcher)
    )
    app.state.tenant_sizes = {tenant: len(store) for tenant, store in stores.items()}
    app.state.data = state
    app.state.journal = journal
    return app


def served_state(app: Starlette) -> ServerState:
    """What the app made by `create_app` serves now, writes included: a mapping of tenant to store.

    `served_state(app)["acme"].record(customer_id)` is a record as Get Customer sees it, and
    `served_state(app).reset()` undoes every write. Call it from the thread that serves the app
    (or with no server running): the state is not made to be used from two threads at once.
    """
    state = getattr(app.state, "data", None)
    if not isinstance(state, ServerState):
        raise TypeError("the app was not made by mockserver.create_app")
    return state


def request_journal(app: Starlette) -> Journal | None:
    """The request journal of the app made by `create_app`; None when its `journal_size` is 0.

    Like `served_state`, read it from the thread that serves the app, or with no server running.
    """
    served_state(app)
    journal: Journal | None = app.state.journal
    return journal


class _EdgeInFront(Starlette):
    """Starlette with the request edge (`http/edge.py`) at the front of its stack, in place of its own.

    Starlette would put its server-error middleware and a middleware list in front of the
    routing; the edge does both jobs. The stack is the edge, any `add_middleware`, then the
    exception middleware (for routing's own `HTTPException`s; an `ApiError` goes on to the edge),
    then the router.
    """

    def __init__(self, edge: Callable[[ASGIApp], ASGIApp], **options: Any) -> None:
        self._edge = edge
        super().__init__(**options)

    def build_middleware_stack(self) -> ASGIApp:
        app: ASGIApp = ExceptionMiddleware(self.router, handlers=self.exception_handlers, debug=self.debug)
        for cls, args, kwargs in reversed(self.user_middleware):
            app = cls(app, *args, **kwargs)
        return self._edge(app)


def _watching(watcher: FixtureWatcher | None) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """A lifespan that watches the fixture file (if any) while the server runs; at its end, the last access lines."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = None if watcher is None else asyncio.create_task(watcher.run())
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            flush_access_log()

    return lifespan


async def _http_error(request: Request, error: Exception) -> Response:
    """Routing's own errors (no such path, method not allowed) in the documented envelope."""
    assert isinstance(error, HTTPException)
    headers = dict(error.headers or {})
    if error.status_code == 404:
        return error_response(NotFound(f"No such path: {request.url.path[:200]}"))
    if error.status_code == 405:
        allowed = headers.get("Allow", "GET")
        return error_response(MethodNotAllowed(f"{request.method} is not allowed here; use {allowed}", headers=headers))
    return error_response(BadRequest(str(error.detail), headers=headers))
