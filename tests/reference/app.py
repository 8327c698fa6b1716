"""The HTTP edge: routes, the bearer key and Tenant-ID checks, and the one mapping of errors to the envelope.

Checks run in the documented order: path and method, authentication, tenant, query
parameters, cursor (for Update Customer, after the tenant: the body, then the customer).
Database work runs on Starlette's thread pool through a `Store` the caller owns (PostgreSQL's
or MariaDB's), so the app itself holds no connection and starts nothing.
"""

from __future__ import annotations

import hmac
import re
from typing import Any, Final

import orjson
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.reference import cursors
from tests.reference.customers import COLUMNS, render
from tests.reference.deployment import Deployment
from tests.reference.errors import (
    ApiError,
    BadRequest,
    CustomerNotFound,
    InvalidTenant,
    MethodNotAllowed,
    MissingTenant,
    NotFound,
    Unauthorized,
    UnknownTenant,
    envelope,
)
from tests.reference.listing import ListQuery, Position, cursor_value, parse_query, position_of, single_values
from tests.reference.store import Row, Store
from tests.reference.updates import parse_patch, patch_validator


class _JSON(JSONResponse):
    """JSON through orjson: pages of customers with nested addresses are most of what the API writes."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


TENANT: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", re.ASCII)
MAX_QUERY: Final = 12 * 1024


def create_app(deployment: Deployment, store: Store) -> Starlette:
    """The API of `deployment`, reading and writing through `store`."""
    validator = patch_validator()

    def known_tenant(tenant: str) -> None:
        if not store.known_tenant(tenant):
            raise UnknownTenant(f"unknown tenant {tenant!r}")

    def list_page(tenant: str, pairs: list[tuple[str, str]]) -> dict[str, Any]:
        known_tenant(tenant)
        query = parse_query(pairs)
        position = None
        if query.cursor is not None:
            payload = cursors.read(query.cursor, deployment.cursor_secret, verify=deployment.cursors != "unverified")
            position = position_of(payload, query, tenant, offsets=deployment.cursors == "offset")
        latest, rows = store.page(tenant, query, position)
        snapshot = position.snapshot if position is not None else latest
        return page_body(tenant, query, position, snapshot, rows)

    def page_body(
        tenant: str, query: ListQuery, position: Position | None, snapshot: int, rows: list[Row]
    ) -> dict[str, Any]:
        shown, has_more = rows[: query.limit], len(rows) > query.limit
        next_cursor = None
        if has_more:
            payload: dict[str, Any] = {"tenant": tenant, "query": query.binding(), "snapshot": snapshot}
            if deployment.cursors == "offset":
                payload["offset"] = (position.offset if position is not None else 0) + len(shown)
            else:
                last = dict(zip((column.field for column in COLUMNS), shown[-1], strict=True))
                payload["after"] = [cursor_value(last[query.sort_by]), last["customerId"]]
            next_cursor = cursors.issue(payload, deployment.cursor_secret)
        return {
            "customers": [render(row, detail=False) for row in shown],
            "count": len(shown),
            "limit": query.limit,
            "hasMore": has_more,
            "nextCursor": next_cursor,
        }

    def customer(tenant: str, customer_id: str, pairs: list[tuple[str, str]]) -> dict[str, Any]:
        known_tenant(tenant)
        single_values(pairs, ())
        row = store.customer(tenant, customer_id)
        if row is None:
            raise CustomerNotFound(f"no customer {customer_id!r} in tenant {tenant!r}")
        return {"customer": render(row, detail=True)}

    def update(tenant: str, customer_id: str, request: Request, body: bytes) -> dict[str, Any]:
        known_tenant(tenant)
        single_values(request.query_params.multi_items(), ())
        patch = parse_patch(body, request.headers.get("content-type"), validator)
        return {"customer": render(store.update(tenant, customer_id, patch), detail=True)}

    async def list_customers(request: Request) -> Response:
        tenant = _caller(request, deployment)
        await _no_body(request)
        return _JSON(await run_in_threadpool(list_page, tenant, request.query_params.multi_items()))

    async def get_customer(request: Request) -> Response:
        tenant = _caller(request, deployment)
        await _no_body(request)
        pairs = request.query_params.multi_items()
        return _JSON(await run_in_threadpool(customer, tenant, request.path_params["customerId"], pairs))

    async def update_customer(request: Request) -> Response:
        tenant = _caller(request, deployment)
        body = await request.body()
        return _JSON(await run_in_threadpool(update, tenant, request.path_params["customerId"], request, body))

    async def one_customer(request: Request) -> Response:
        # One route for both methods, so that a 405 there lists them both in `Allow`.
        return await (update_customer if request.method == "PATCH" else get_customer)(request)

    return Starlette(
        routes=[
            Route("/v1/customers", list_customers, methods=["GET"]),
            Route("/v1/customers/{customerId}", one_customer, methods=["GET", "PATCH"]),
        ],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _server_error},
    )


def _caller(request: Request, deployment: Deployment) -> str:
    """The tenant of an authenticated request; Unauthorized, MissingTenant or InvalidTenant otherwise."""
    if len(request.url.query) > MAX_QUERY:
        raise BadRequest(f"the query string is over {MAX_QUERY} bytes")
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key or not any(_same(key, known) for known in deployment.api_keys):
        raise Unauthorized("send a valid API key as 'Authorization: Bearer <key>'")
    tenant = request.headers.get("tenant-id", "")
    if not tenant:
        raise MissingTenant("the Tenant-ID header is required")
    if not TENANT.fullmatch(tenant):
        raise InvalidTenant("Tenant-ID must be letters, digits, '.', '_' or '-', at most 64 characters")
    return tenant


def _same(given: str, known: str) -> bool:
    return hmac.compare_digest(given.encode(), known.encode())


async def _no_body(request: Request) -> None:
    if await request.body():
        raise BadRequest("this operation takes no request body")


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return envelope(error)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 405:
        return envelope(MethodNotAllowed("this path does not take that method", headers=error.headers))
    return envelope(NotFound(f"no such path {request.url.path!r}"))


async def _server_error(request: Request, error: Exception) -> Response:
    return envelope(ApiError("the server failed to answer"))
