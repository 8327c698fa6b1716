"""The API's two read operations answered straight from ASGI, in front of Starlette's routing.

`GET` and `HEAD` of `/v1/customers` and `/v1/customers/{customerId}` are nearly every request a
mock serves, and Starlette's routing, `Request`, `Response` and exception middleware around them
cost more than the operations themselves (benchmarks/RESULTS.md). This middleware answers them
through the same handlers as the routes (`endpoints.py`) and with the same bytes the rest of the
stack would send: an `ApiError` in the envelope of `error_response`, as the app's handler answers
it, and the CORS headers (`cors.py`).

Everything else goes on to the app: other methods (`405` and its `Allow`, preflights, routes
added for them), other paths, requests under a root path. The access log and the request limits
come before this middleware, and Starlette's server-error handling around it, so they apply to
both; a middleware added after it does not see the requests it answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Final

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.cors import simple_response_headers
from mockserver.endpoints import CustomerEndpoints
from mockserver.errors import ApiError
from mockserver.request import RawHeaders, header_values
from mockserver.responses import error_response, json_headers

LIST_PATH: Final = "/v1/customers"
ITEM_PREFIX: Final = LIST_PATH + "/"
READ_METHODS: Final = frozenset({"GET", "HEAD"})


def customer_id_in(path: str) -> str | None:
    """The `{customerId}` of a Get Customer path, as Starlette's route matches it; None for other paths."""
    if not path.startswith(ITEM_PREFIX):
        return None
    customer_id = path[len(ITEM_PREFIX) :]
    return customer_id if customer_id and "/" not in customer_id else None


class FastPath:
    """ASGI middleware answering `GET` and `HEAD` of the two API paths itself, passing the rest to `app`."""

    def __init__(self, app: ASGIApp, endpoints: CustomerEndpoints, cors_origins: Sequence[str] = ()) -> None:
        self.app = app
        self._endpoints = endpoints
        self._cors_origins = tuple(cors_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in READ_METHODS and not scope.get("root_path"):
            path = scope["path"]
            if path == LIST_PATH:
                await self._answer(self._endpoints.list_customers(scope["headers"], scope["query_string"]), scope, send)
                return
            customer_id = customer_id_in(path)
            if customer_id is not None:
                body = self._endpoints.get_customer(scope["headers"], scope["query_string"], customer_id)
                await self._answer(body, scope, send)
                return
        await self.app(scope, receive, send)

    async def _answer(self, body: Awaitable[bytes], scope: Scope, send: Send) -> None:
        """Send the JSON body an operation gives, or the `ApiError` it raises as the app's handler would."""
        try:
            encoded = await body
            status, headers = 200, json_headers(encoded)
        except ApiError as error:
            response = error_response(error)
            status, headers, encoded = response.status_code, response.raw_headers, bytes(response.body)
        if self._cors_origins:
            headers += simple_response_headers(self._cors_origins, _origin(scope["headers"]))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": encoded})


def _origin(headers: RawHeaders) -> str | None:
    origins = header_values(headers, b"origin")
    return origins[0] if origins else None
