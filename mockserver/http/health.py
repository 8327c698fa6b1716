"""`GET /healthz`: whether the mock is up and what it serves, for scripts and orchestrators; no auth."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Mapping, Sized

import orjson
from starlette.requests import Request
from starlette.responses import Response

from mockserver.http.responses import json_response

__all__ = ["health_endpoint"]


def health_endpoint(stores: Mapping[str, Sized]) -> Callable[[Request], Awaitable[Response]]:
    """A handler answering `{"status": "ok", "tenants": {tenant: customers}, "worker": pid}` for the data served now.

    `worker` tells apart the processes of a server started with several workers.
    """

    async def health(request: Request) -> Response:
        tenants = {tenant: len(store) for tenant, store in stores.items()}
        return json_response(orjson.dumps({"status": "ok", "tenants": tenants, "worker": os.getpid()}))

    return health
