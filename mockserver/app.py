"""The application factory: routes, and the one place where errors become responses."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.cursor import CursorCodec
from mockserver.dataset import build_stores
from mockserver.endpoints import CustomerEndpoints
from mockserver.errors import ApiError, BadRequest, InternalError, MethodNotAllowed, NotFound
from mockserver.responses import error_response
from mockserver.settings import Settings
from mockserver.spec import spec_bytes


def create_app(settings: Settings | None = None) -> Starlette:
    """A mock server holding the dataset `settings` describe (the defaults when None)."""
    settings = settings or Settings()
    stores = build_stores(settings)
    endpoints = CustomerEndpoints(stores, CursorCodec(settings.signing_key), settings.api_keys)
    spec = spec_bytes()

    async def openapi(request: Request) -> Response:
        return Response(spec, media_type="application/yaml")

    routes = [
        Route("/v1/customers", endpoints.list_customers, methods=["GET"]),
        Route("/v1/customers/{customerId}", endpoints.get_customer, methods=["GET"]),
        Route("/openapi.yaml", openapi, methods=["GET"]),
    ]
    handlers = {ApiError: _api_error, HTTPException: _http_error, Exception: _server_error}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.tenant_sizes = {tenant: len(store) for tenant, store in stores.items()}
    return app


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return error_response(error)


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


async def _server_error(request: Request, error: Exception) -> Response:
    return error_response(InternalError("The mock server failed; this is a bug in the mock"))
