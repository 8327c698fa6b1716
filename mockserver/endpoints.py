"""The HTTP operations: thin handlers that validate, ask the server's state, and encode."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import parse_qsl

import orjson
from starlette.requests import Request
from starlette.responses import Response

from mockserver.auth import authenticate, resolve_tenant
from mockserver.body import read_json_object
from mockserver.cursor import CursorCodec
from mockserver.customer import Customer
from mockserver.edits import CustomerEdits
from mockserver.errors import CustomerNotFound, EmailInUse, InvalidCursor, quote
from mockserver.overlay import OverlaidStore
from mockserver.query import parse_list_query, reject_any_parameter
from mockserver.responses import json_response, page_body
from mockserver.simulation import Simulator
from mockserver.state import ServerState


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

    async def _admit(self, request: Request, operation: str) -> tuple[OverlaidStore, bool]:
        """The caller's tenant store, once authenticated and simulated; and whether to answer empty."""
        key = authenticate(request.headers.getlist("authorization"), self._api_keys)
        store = resolve_tenant(request.headers.getlist("tenant-id"), self._state)
        prefer = request.headers.getlist("prefer")
        if prefer or self._simulator.active:
            return store, await self._simulator.simulate(operation, key, prefer)
        return store, False

    async def list_customers(self, request: Request) -> Response:
        store, empty = await self._admit(request, "listCustomers")
        query = parse_list_query(_query_pairs(request))
        fingerprint = query.fingerprint()
        after = snapshot = None
        if query.start_after is not None:
            after, snapshot = self._codec.decode(query.start_after, store.tenant, fingerprint)
            if snapshot < self._state.reset_at:
                raise InvalidCursor("startAfter was issued before the data was reset; start again from the first page")
        if empty:
            return json_response(page_body([], query.limit, False, None))
        page = store.page(query, after, snapshot)
        next_cursor = None
        if page.has_more:
            last = store.key_of(page.positions[-1], query.sort_by)
            begun = self._state.version if snapshot is None else snapshot
            next_cursor = self._codec.encode(store.tenant, fingerprint, last, begun)
        items = store.items_json(page.positions)
        return json_response(page_body(items, query.limit, page.has_more, next_cursor))

    async def customer(self, request: Request) -> Response:
        """Get Customer or Update Customer, by method: the two operations of one path."""
        if request.method == "PATCH":
            return await self.update_customer(request)
        return await self.get_customer(request)

    async def get_customer(self, request: Request) -> Response:
        store, empty = await self._admit(request, "getCustomer")
        reject_any_parameter(request.query_params.multi_items())
        customer_id = request.path_params["customerId"]
        body = None if empty else store.detail_json(customer_id)
        if body is None:
            raise _not_found(customer_id, store)
        return json_response(body)

    async def update_customer(self, request: Request) -> Response:
        store, empty = await self._admit(request, "updateCustomer")
        reject_any_parameter(request.query_params.multi_items())
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


def _not_found(customer_id: str, store: OverlaidStore) -> CustomerNotFound:
    return CustomerNotFound(f"No customer {quote(customer_id)} in tenant {quote(store.tenant)}")


def _query_pairs(request: Request) -> list[tuple[str, str]]:
    """The query string's pairs, parsed as `request.query_params` would, without building its multidict."""
    return parse_qsl(request.scope["query_string"].decode("latin-1"), keep_blank_values=True)
