"""The HTTP operations: handlers that validate, ask the server's state, and encode, over plain request values.

List Customers and Get Customer take what they read of a request (ASGI's raw headers, the query
string, the path parameter) and return the encoded JSON body of their `200`, or raise an
`ApiError`. The request edge's dispatch (`edge.py`) calls the reads directly; Starlette's routes
are thin edges around the same handlers. Update Customer reads a body, so it is a Starlette endpoint only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import orjson
from starlette.requests import Request
from starlette.responses import Response

from mockserver.domain.auth import authenticate, resolve_tenant
from mockserver.domain.cursor import CursorCodec
from mockserver.domain.customer import Customer
from mockserver.domain.edits import CustomerEdits
from mockserver.domain.errors import CustomerNotFound, EmailInUse, InvalidCursor, quote
from mockserver.domain.query import parse_list_query, reject_any_parameter
from mockserver.domain.querystring import query_pairs
from mockserver.http.body import read_json_object
from mockserver.http.request import RawHeaders, header_values
from mockserver.http.responses import json_response, page_body
from mockserver.simulation.simulator import Simulator
from mockserver.storage.overlay import OverlaidStore
from mockserver.storage.state import ServerState

__all__ = ["CustomerEndpoints"]


class CustomerEndpoints:
    """List Customers, Get Customer and Update Customer over the data being served."""

    def __init__(
        self,
        state: ServerState,
        codec: CursorCodec,
        api_keys: frozenset[str],
        simulator: Simulator,
        edits: CustomerEdits,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._state = state
        self._codec = codec
        self._api_keys = api_keys
        self._simulator = simulator
        self._edits = edits
        self._clock = clock

    async def _admit(self, headers: RawHeaders, operation: str) -> tuple[OverlaidStore, bool]:
        """The caller's tenant store, once authenticated and simulated; and whether to answer empty."""
        key = authenticate(header_values(headers, b"authorization"), self._api_keys)
        store = resolve_tenant(header_values(headers, b"tenant-id"), self._state)
        prefer = header_values(headers, b"prefer")
        if prefer or self._simulator.active:
            return store, await self._simulator.simulate(operation, key, prefer)
        return store, False

    async def list_customers(self, headers: RawHeaders, query_string: bytes) -> bytes:
        """List Customers: one page of the tenant's customers, filtered, ordered, after the cursor."""
        store, empty = await self._admit(headers, "listCustomers")
        query = parse_list_query(query_pairs(query_string))
        fingerprint = query.fingerprint()
        after = snapshot = None
        if query.start_after is not None:
            after, snapshot = self._codec.decode(query.start_after, store.tenant, fingerprint)
            if snapshot < self._state.reset_at:
                raise InvalidCursor("startAfter was issued before the data was reset; start again from the first page")
        if empty:
            return page_body([], query.limit, False, None)
        page = store.page(query, after, snapshot)
        next_cursor = None
        if page.has_more:
            last = store.key_of(page.positions[-1], query.sort_by)
            begun = self._state.version if snapshot is None else snapshot
            next_cursor = self._codec.encode(store.tenant, fingerprint, last, begun)
        return page_body(store.items_json(page.positions), query.limit, page.has_more, next_cursor)

    async def get_customer(self, headers: RawHeaders, query_string: bytes, customer_id: str) -> bytes:
        """Get Customer: one customer of the tenant, with its profitability figures."""
        store, empty = await self._admit(headers, "getCustomer")
        reject_any_parameter(query_pairs(query_string))
        body = None if empty else store.detail_json(customer_id)
        if body is None:
            raise _not_found(customer_id, store)
        return body

    async def update_customer(self, request: Request) -> Response:
        """Update Customer: merge a patch into the customer, as one write to the change log."""
        store, empty = await self._admit(request.scope["headers"], "updateCustomer")
        reject_any_parameter(query_pairs(request.scope["query_string"]))
        patch = await read_json_object(request)
        self._edits.check_patch(patch)
        customer_id = request.path_params["customerId"]
        if empty:
            raise _not_found(customer_id, store)

        def update(current: OverlaidStore) -> Customer:
            record = current.record(customer_id)
            if record is None:
                raise _not_found(customer_id, current)
            changed = self._edits.updated(record, patch, self._clock())
            holder = current.customer_with_email(changed["email"])
            if holder is not None and holder != customer_id:
                raise EmailInUse(f"Another customer of tenant {quote(current.tenant)} has that email")
            return changed

        changed = self._state.change(store.tenant, update)
        return json_response(orjson.dumps({"customer": changed}))

    async def list_customers_route(self, request: Request) -> Response:
        """`list_customers` as a Starlette endpoint."""
        return json_response(await self.list_customers(request.scope["headers"], request.scope["query_string"]))

    async def customer_route(self, request: Request) -> Response:
        """Get Customer or Update Customer, by method: the two operations of one path, as a Starlette endpoint."""
        if request.method == "PATCH":
            return await self.update_customer(request)
        scope = request.scope
        customer_id = request.path_params["customerId"]
        return json_response(await self.get_customer(scope["headers"], scope["query_string"], customer_id))


def _not_found(customer_id: str, store: OverlaidStore) -> CustomerNotFound:
    return CustomerNotFound(f"No customer {quote(customer_id)} in tenant {quote(store.tenant)}")
