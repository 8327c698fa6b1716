"""The request journal (`mockserver/journal/`) over HTTP, among the control endpoints.

    GET    /_mock/requests   the API requests answered, oldest first; filters: method, path
                             (a trailing * for a prefix), param=name or param=name=value
                             (repeatable), tenant, since, until (ISO 8601 with an offset)
    DELETE /_mock/requests   forget them (and the count of those dropped)

Both take the API's `Authorization` header; a bad filter is a `400` in the API's envelope.
"""

from __future__ import annotations

from typing import Final

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.domain.auth import authenticate
from mockserver.domain.query import reject_any_parameter
from mockserver.domain.querystring import query_pairs
from mockserver.http.responses import json_response
from mockserver.journal.patterns import parse_filters, select
from mockserver.journal.records import Journal, record_json

__all__ = ["REQUESTS_PATH", "journal_routes"]

REQUESTS_PATH: Final = "/_mock/requests"


def journal_routes(journal: Journal, api_keys: frozenset[str]) -> list[Route]:
    """The routes that list and clear `journal`."""

    async def listed(request: Request) -> Response:
        authenticate(request.headers.getlist("authorization"), api_keys)
        pattern = parse_filters(query_pairs(request.scope["query_string"]))
        records, dropped = journal.records(), journal.dropped
        chosen = select(records, pattern)
        body = {
            "requests": [record_json(record) for record in chosen],
            "count": len(chosen),
            "kept": len(records),
            "dropped": dropped,
            "size": journal.size,
        }
        return json_response(orjson.dumps(body))

    async def cleared(request: Request) -> Response:
        authenticate(request.headers.getlist("authorization"), api_keys)
        reject_any_parameter(query_pairs(request.scope["query_string"]))
        journal.clear()
        return Response(status_code=204)

    return [Route(REQUESTS_PATH, listed, methods=["GET"]), Route(REQUESTS_PATH, cleared, methods=["DELETE"])]
