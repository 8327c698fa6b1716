"""The ceiling the mock is measured against: Starlette answering with bytes encoded beforehand.

Same framework, same server, same page bytes as the mock's page; no parsing, lookup, cursor or
encoding. `BENCHMARK_BODY` names the file whose bytes every request gets.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def create_baseline_app() -> Starlette:
    """An app answering `GET /v1/customers` with the bytes of the file `$BENCHMARK_BODY`."""
    body = Path(os.environ["BENCHMARK_BODY"]).read_bytes()

    async def page(request: Request) -> Response:
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route("/v1/customers", page)])
