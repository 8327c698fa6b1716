"""The HTTP operations: handlers that validate, ask the store, and encode, over plain request values.

Each operation takes what it reads of a request (ASGI's raw headers, the query string, the path
parameter) and returns the encoded JSON body of its `200`, or raises an `ApiError`. Starlette's
routes and the fast path (`fastpath.py`) are both thin edges around these same handlers.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from mockserver.auth import authenticate, resolve_tenant
from mockserver.cursor import CursorCodec
from mockserver.dataset import LiveStores
from mockserver.errors import CustomerNotFound, quote
from mockserver.query import parse_list_query, reject_any_parameter
from mockserver.request import RawHeaders, header_values, query_pairs
from mockserver.responses import json_response, page_body
from mockserver.simulation import Simulator
from mockserver.store import TenantStore


class CustomerEndpoints:
    """List Customers and Get Customer over the tenant stores being served."""

    def __init__(self, stores: LiveStores, codec: CursorCodec, api_keys: frozenset[str], simulator: Simulator) -> None:
        self._stores = stores
        self._codec = codec
        self._api_keys = api_keys
        self._simulator = simulator

    async def _admit(self, headers: RawHeaders, operation: str) -> tuple[TenantStore, bool]:
        """The caller's tenant store, once authenticated and simulated; and whether to answer empty."""
        key = authenticate(header_values(headers, b"authorization"), self._api_keys)
        store = resolve_tenant(header_values(headers, b"tenant-id"), self._stores)
        prefer = header_values(headers, b"prefer")
        if prefer or self._simulator.active:
            return store, await self._simulator.simulate(operation, key, prefer)
        return store, False

    async def list_customers(self, headers: RawHeaders, query_string: bytes) -> bytes:
        """List Customers: one page of the tenant's customers, filtered, ordered, after the cursor."""
        store, empty = await self._admit(headers, "listCustomers")
        query = parse_list_query(query_pairs(query_string))
        fingerprint = query.fingerprint()
        after = None
        if query.start_after is not None:
            after = self._codec.decode(query.start_after, store.tenant, fingerprint)
        if empty:
            return page_body([], query.limit, False, None)
        page = store.page(query, after)
        next_cursor = None
        if page.has_more:
            last = store.key_of(page.positions[-1], query.sort_by)
            next_cursor = self._codec.encode(store.tenant, fingerprint, last)
        return page_body(store.items_json(page.positions), query.limit, page.has_more, next_cursor)

    async def get_customer(self, headers: RawHeaders, query_string: bytes, customer_id: str) -> bytes:
        """Get Customer: one customer of the tenant, with its profitability figures."""
        store, empty = await self._admit(headers, "getCustomer")
        reject_any_parameter(query_pairs(query_string))
        body = None if empty else store.detail_json(customer_id)
        if body is None:
            raise CustomerNotFound(f"No customer {quote(customer_id)} in tenant {quote(store.tenant)}")
        return body

    async def list_customers_route(self, request: Request) -> Response:
        """`list_customers` as a Starlette endpoint."""
        return json_response(await self.list_customers(request.scope["headers"], request.scope["query_string"]))

    async def get_customer_route(self, request: Request) -> Response:
        """`get_customer` as a Starlette endpoint."""
        scope = request.scope
        customer_id = request.path_params["customerId"]
        return json_response(await self.get_customer(scope["headers"], scope["query_string"], customer_id))
