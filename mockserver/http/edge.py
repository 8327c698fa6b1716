"""The request edge: what every request gets, once, in front of everything, then a dispatch.

`RequestEdge` is the outermost ASGI app of the mock. For every HTTP request, in this order:

1. the network fault the simulator picks, if any, spoiling what goes out (`wirefaults.py`);
2. the access-log line (`accesslog.py`) and the request journal's entry (`mockserver/journal/`),
   whatever the answer, a write's body read through a `BodyTap`;
3. the size limits (`limits.py`), refused before anything else, without CORS headers;
4. CORS (`cors.py`): a preflight answered here, any other answer given the CORS headers;
5. the dispatch: `GET` and `HEAD` of `/v1/customers` and `/v1/customers/{customerId}`, outside
   any root path, call the read handlers of `endpoints.py` directly, without Starlette's routing,
   `Request` or `Response`; everything else (`PATCH`, the docs, health, `/_mock/*`, `404` and
   `405` in the envelope) goes to the Starlette app behind;
6. an `ApiError` from either as its envelope (`error_response`), with the CORS headers; any
   other exception as the envelope's `500`, without them, then raised for the server to log.

The Starlette app behind has no middleware of its own and no server-error handling: `app.py`
builds its stack as the edge in front of its routing. A middleware added to it with
`add_middleware` sees only what the dispatch sends on; an effect every request needs belongs
here. The tests hold both ways of the dispatch to the same bytes (`reads=None` sends every
request to Starlette).

Why a dispatch in front rather than the reads as Starlette routes: Starlette's routing, `Request`,
`Response` and middleware wrappers cost more than the operations themselves (benchmarks/RESULTS.md).
Measured with `python -m benchmarks.paired` (10,000 customers, the five sample queries, 3 rounds of
3 s), answering the reads inside Starlette's middleware served 0.50-0.71 of the baseline's req/s
where in front of it they served 0.55-0.85 (load average 5.9-7.4 on two cores). The edge costs a
read what that fast path did (benchmarks/RESULTS.md, section 1e): it answers one in its own
frame, with the log and journal around it, not in a coroutine for each.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Coroutine, Sequence
from typing import Any, Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.domain.errors import ApiError, internal_failure
from mockserver.domain.paths import LIST_PATH, customer_id_in, is_api_path
from mockserver.http.accesslog import LOGGER, log_request
from mockserver.http.cors import preflight_answer, response_headers
from mockserver.http.endpoints import CustomerEndpoints
from mockserver.http.limits import BODYLESS_METHODS, size_error
from mockserver.http.request import header_value
from mockserver.http.responses import Head, error_answer, json_headers
from mockserver.http.wirefaults import WireFaults
from mockserver.journal.bodytap import BodyTap
from mockserver.journal.records import Journal

__all__ = ["READ_METHODS", "RequestEdge"]

READ_METHODS: Final = frozenset({"GET", "HEAD"})


class RequestEdge:
    """The ASGI app in front of the mock: faults, log, journal, limits, CORS and errors, then the dispatch.

    `reads` are the endpoints whose reads the dispatch answers itself; None sends every request to `app`.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        reads: CustomerEndpoints | None,
        faults: WireFaults,
        cors_origins: Sequence[str] = (),
        journal: Journal | None = None,
    ) -> None:
        self.app = app
        self.reads = reads
        self._faults = faults
        self._cors_origins = tuple(cors_origins)
        self._journal = journal
        self._access_log = logging.getLogger(LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # the lifespan
            await self.app(scope, receive, send)
            return
        plan = self._faults.plan(scope)
        if plan is not None:
            send = self._faults.spoiling(plan, scope, send)
        # One coroutine for the log and journal around the answer, not one for each: this runs on every request.
        journal = self._journal if self._journal is not None and is_api_path(scope["path"]) else None
        logged = self._access_log.isEnabledFor(logging.INFO)
        if not logged and journal is None:
            await self._answer(scope, receive, send)
        else:
            started = time.perf_counter()
            status = 500
            tap = None
            if journal is not None and scope["method"] not in BODYLESS_METHODS:
                tap = BodyTap(receive, journal.body_limit)
            try:
                status = await self._answer(scope, tap or receive, send)
            finally:
                duration_ms = (time.perf_counter() - started) * 1000
                if logged:
                    log_request(self._access_log, scope, status, duration_ms)
                if journal is not None:
                    if tap is None:
                        journal.record(scope, status, duration_ms)
                    else:
                        journal.record(scope, status, duration_ms, bytes(tap.kept), tap.size)
        if plan is not None:
            self._faults.spoiled(plan, scope)

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> int:
        """Answer the request within the limits and CORS, through the dispatch; the status sent."""
        refusal = size_error(scope)
        if refusal is not None:
            return await _send(send, *error_answer(refusal))
        cors: Head | None = None
        if self._cors_origins:
            origin = header_value(scope["headers"], b"origin")
            if origin is not None and scope["method"] == "OPTIONS":
                answer = preflight_answer(self._cors_origins, origin, scope["headers"])
                if answer is not None:
                    return await _send(send, *answer)
            cors = response_headers(self._cors_origins, origin)
        read = self._read_of(scope)
        if read is None:
            return await self._pass_on(scope, receive, send, cors)
        try:
            body = await read
            status, headers = 200, json_headers(body)
        except ApiError as error:
            status, headers, body = error_answer(error)
        except Exception:
            await _send(send, *error_answer(internal_failure()))
            raise
        if cors is not None:
            headers += cors
        return await _send(send, status, headers, body)

    def _read_of(self, scope: Scope) -> Coroutine[Any, Any, bytes] | None:
        """The read the dispatch answers `scope` with (its body, or the `ApiError` it raises); None for any other."""
        reads = self.reads
        if reads is None or scope["method"] not in READ_METHODS or scope.get("root_path"):
            return None
        path: str = scope["path"]
        if path == LIST_PATH:
            return reads.list_customers(scope["headers"], scope["query_string"])
        customer_id = customer_id_in(path)
        if customer_id is None:
            return None
        return reads.get_customer(scope["headers"], scope["query_string"], customer_id)

    async def _pass_on(self, scope: Scope, receive: Receive, send: Send, cors: Head | None) -> int:
        """Let the Starlette app answer, its head given the CORS headers; the status it sent."""
        status = 500
        started = False

        async def sending(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                if cors is not None:
                    message = {**message, "headers": [*message.get("headers", []), *cors]}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except ApiError as error:
            if started:
                raise
            return await _send(sending, *error_answer(error))
        except Exception:
            if not started:
                await _send(send, *error_answer(internal_failure()))
            raise
        return status


async def _send(send: Send, status: int, headers: Head, body: bytes) -> int:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
    return status
