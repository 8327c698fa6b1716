"""The mock's control endpoints, outside the API's `/v1`: place an order, reset to the seed.

    GET  /_mock          what the control endpoints are (how a client tells a mock from the real API)
    POST /_mock/orders   {"email": ..., "firstName"?, "lastName"?, "company"?, "phone"?, "monthlyPrice"?}
    POST /_mock/reset
    GET|DELETE /_mock/requests   the request journal (`journalroutes.py`), when it is on

An order for an email no customer of the tenant has creates a customer (`201`); an order for a
known email, compared as the API compares emails, is linked to that customer (`200`). With a
`monthlyPrice` the order also rents a device, so the customer's subscriptions and revenue grow.
A reset voids every write, in every worker, and cursors minted before it. Both take the API's
`Authorization` header, and orders its `Tenant-ID`; errors are the API's envelope. A server
started with `--no-control` has none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

import orjson
from jsonschema import Draft202012Validator
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.domain.auth import authenticate, resolve_tenant
from mockserver.domain.customer import Customer
from mockserver.domain.edits import CustomerEdits, Order, check_schema
from mockserver.domain.query import reject_any_parameter
from mockserver.domain.querystring import query_pairs
from mockserver.http.body import read_json_object
from mockserver.http.journalroutes import REQUESTS_PATH, journal_routes
from mockserver.http.responses import json_response
from mockserver.journal.records import Journal
from mockserver.storage.overlay import OverlaidStore
from mockserver.storage.state import ServerState

__all__ = ["PREFIX", "control_routes", "order_schema"]

PREFIX: Final = "/_mock"


def order_schema(spec: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of an order's body; its fields take the values `CustomerUpdate` allows."""
    editable = spec["components"]["schemas"]["CustomerUpdate"]["properties"]
    return {
        "type": "object",
        "required": ["email"],
        "additionalProperties": False,
        "properties": {
            "email": editable["email"],
            "firstName": editable["firstName"],
            "lastName": editable["lastName"],
            "company": {**editable["company"], "type": "string"},
            "phone": {**editable["phone"], "type": "string"},
            "monthlyPrice": {"type": "number", "minimum": 0, "maximum": 100000},
        },
    }


def control_routes(
    spec: dict[str, Any],
    state: ServerState,
    edits: CustomerEdits,
    api_keys: frozenset[str],
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    journal: Journal | None = None,
) -> list[Route]:
    """The routes of the control endpoints over `state`, and over `journal` when there is one."""
    validator = Draft202012Validator(order_schema(spec))

    async def place_order(request: Request) -> Response:
        authenticate(request.headers.getlist("authorization"), api_keys)
        tenant = resolve_tenant(request.headers.getlist("tenant-id"), state).tenant
        reject_any_parameter(query_pairs(request.scope["query_string"]))
        order = _order(await read_json_object(request), validator)
        created = False

        def place(current: OverlaidStore) -> Customer:
            nonlocal created
            known = current.customer_with_email(order.email)
            record = None if known is None else current.record(known)
            created = record is None
            if record is None:
                return edits.created(tenant, order, clock())
            return edits.ordered(record, order, clock())

        customer = state.change(tenant, place)
        body = {"orderId": order.order_id, "customerCreated": created, "customer": customer}
        return json_response(orjson.dumps(body), status_code=201 if created else 200)

    async def describe(request: Request) -> Response:
        authenticate(request.headers.getlist("authorization"), api_keys)
        reject_any_parameter(query_pairs(request.scope["query_string"]))
        return json_response(description)

    async def reset(request: Request) -> Response:
        authenticate(request.headers.getlist("authorization"), api_keys)
        reject_any_parameter(query_pairs(request.scope["query_string"]))
        state.reset()
        return Response(status_code=204)

    described = {"mock": "flexportal-mock", "orders": f"{PREFIX}/orders", "reset": f"{PREFIX}/reset"}
    if journal is not None:
        described["requests"] = REQUESTS_PATH
    description = orjson.dumps(described)
    return [
        Route(PREFIX, describe, methods=["GET"]),
        Route(f"{PREFIX}/orders", place_order, methods=["POST"]),
        Route(f"{PREFIX}/reset", reset, methods=["POST"]),
        *([] if journal is None else journal_routes(journal, api_keys)),
    ]


def _order(body: dict[str, Any], validator: Draft202012Validator) -> Order:
    check_schema(validator, body)
    price = body.get("monthlyPrice")
    return Order(
        email=body["email"],
        first_name=body.get("firstName"),
        last_name=body.get("lastName"),
        company=body.get("company"),
        phone=body.get("phone"),
        monthly_price=None if price is None else round(float(price), 2),
    )
