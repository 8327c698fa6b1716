"""The HTTP operations: thin handlers that validate, ask the store, and encode."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

from mockserver.auth import authenticate, resolve_tenant
from mockserver.cursor import CursorCodec
from mockserver.dataset import LiveStores
from mockserver.errors import CustomerNotFound, quote
from mockserver.query import parse_list_query, reject_any_parameter
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

    async def _admit(self, request: Request, operation: str) -> tuple[TenantStore, bool]:
        """The caller's tenant store, once authenticated and simulated; and whether to answer empty."""
        key = authenticate(request.headers.getlist("authorization"), self._api_keys)
        store = resolve_tenant(request.headers.getlist("tenant-id"), self._stores)
        prefer = request.headers.getlist("prefer")
        if prefer or self._simulator.active:
            return store, await self._simulator.simulate(operation, key, prefer)
        return store, False

    async def list_customers(self, request: Request) -> Response:
        store, empty = await self._admit(request, "listCustomers")
        query = parse_list_query(_query_pairs(request))
        fingerprint = query.fingerprint()
        after = None
        if query.start_after is not None:
            after = self._codec.decode(query.start_after, store.tenant, fingerprint)
        if empty:
            return json_response(page_body([], query.limit, False, None))
        page = store.page(query, after)
        next_cursor = None
        if page.has_more:
            last = store.key_of(page.positions[-1], query.sort_by)
            next_cursor = self._codec.encode(store.tenant, fingerprint, last)
        items = store.items_json(page.positions)
        return json_response(page_body(items, query.limit, page.has_more, next_cursor))

    async def get_customer(self, request: Request) -> Response:
        store, empty = await self._admit(request, "getCustomer")
        reject_any_parameter(request.query_params.multi_items())
        customer_id = request.path_params["customerId"]
        body = None if empty else store.detail_json(customer_id)
        if body is None:
            raise CustomerNotFound(f"No customer {quote(customer_id)} in tenant {quote(store.tenant)}")
        return json_response(body)


def _query_pairs(request: Request) -> list[tuple[str, str]]:
    """The query string's pairs, parsed as `request.query_params` would, without building its multidict."""
    return parse_qsl(request.scope["query_string"].decode("latin-1"), keep_blank_values=True)
