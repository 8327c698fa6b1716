"""Carrying out the simulator's network faults on the wire: the API's answers, spoiled as they go out.

The request edge (`edge.py`) asks `WireFaults.plan` whether a request's answer meets a fault (the
simulator decides, `Simulator.network_fault`), lets the request be answered as usual (a `PATCH`
is applied and durable before its answer is lost), and spoils what goes out through
`WireFaults.spoiling`. `slow-body` is plain ASGI (the body in parts, with `more_body`, spaced by
sleeps); the other kinds need the connection itself, which the server's protocol
(`mockserver/server/protocol.py`) lends each request as the ASGI extension `CONNECTION_EXTENSION`,
a `Connection`.

In-process (httpx's `ASGITransport`, Starlette's `TestClient`) there is no connection: the
head and part of the body go out as ASGI messages where the kind sends them, and then
`SimulatedNetworkFault` is raised out of the app, which such clients raise in turn.

Without a `Prefer` header or a configured rate, a request costs one look for the header: about
0.4 µs, where a page through the edge costs 70-115 µs in process (load average 8 on two cores;
the difference between the two was below the noise).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final, Protocol

from starlette.types import Message, Scope, Send

from mockserver.domain.paths import is_customers_path
from mockserver.http.request import RawHeaders, header_values
from mockserver.simulation.netfaults import NetworkFault, NetworkFaultPlan, body_parts, cut
from mockserver.simulation.simulator import Simulator

__all__ = [
    "CONNECTION_EXTENSION",
    "Connection",
    "SimulatedNetworkFault",
    "WireFaults",
    "connection_extensions",
]

CONNECTION_EXTENSION: Final = "flexportal_mock.connection"
_LOGGER: Final = "flexportal_mock.simulation"


class Connection(Protocol):
    """What the server lets an answer do to its connection, behind the ASGI messages."""

    def close(self, scope: Scope) -> None:
        """Close the connection cleanly (FIN) once what was written has gone out; the answer ends here."""

    def reset(self, scope: Scope) -> None:
        """Reset the connection (RST); the answer ends here."""

    def write_and_close(self, scope: Scope, data: bytes) -> None:
        """Write `data` as it is, outside HTTP, then close; the answer ends here."""


def connection_extensions(connection: Connection) -> dict[str, dict[object, object]]:
    """The scope's `extensions` that lend `connection` to a request, as a server puts them there."""
    return {CONNECTION_EXTENSION: {"connection": connection}}


def _connection_of(scope: Scope) -> Connection | None:
    extension = scope.get("extensions", {}).get(CONNECTION_EXTENSION)
    return None if extension is None else extension["connection"]


class SimulatedNetworkFault(ConnectionError):
    """A network fault asked of an app served in-process, where there is no connection to spoil."""


class WireFaults:
    """The network faults the simulator picks, carried out on the answers of the API's operations."""

    def __init__(self, simulator: Simulator) -> None:
        self._simulator = simulator
        self._drawing = simulator.draws_network_faults
        self._logger = logging.getLogger(_LOGGER)

    def plan(self, scope: Scope) -> NetworkFaultPlan | None:
        """The fault the answer to the HTTP request `scope` meets, if any (drawn from the simulator's generator)."""
        headers = scope["headers"]
        if (self._drawing or _asks_preferences(headers)) and _is_api_answer(scope):
            return self._simulator.network_fault(header_values(headers, b"prefer"))
        return None

    def spoiling(self, plan: NetworkFaultPlan, scope: Scope, send: Send) -> Send:
        """The `send` through which the request's answer goes out spoiled, as `plan` says."""
        self._logger.info("network fault %s on %s %s", plan.kind, scope["method"], scope["path"])
        return _SpoiledAnswer(plan, scope, send, _connection_of(scope)).send

    def spoiled(self, plan: NetworkFaultPlan, scope: Scope) -> None:
        """After the answer went out through `spoiling`: `SimulatedNetworkFault` if no connection did the rest."""
        if plan.kind.needs_connection and _connection_of(scope) is None:
            raise SimulatedNetworkFault(
                f"simulated network fault {plan.kind}: served in-process, without a connection to spoil"
            )


def _asks_preferences(headers: RawHeaders) -> bool:
    """Whether the request has a `Prefer` header: the one look every request costs."""
    for name, _ in headers:  # noqa: SIM110 - a plain loop costs less than `any` over a generator
        if name == b"prefer":
            return True
    return False


def _is_api_answer(scope: Scope) -> bool:
    """Whether `scope` asks an API operation (CORS preflights aside), the requests simulation applies to."""
    return scope["method"] != "OPTIONS" and is_customers_path(scope["path"])


class _SpoiledAnswer:
    """The `send` of one answer that meets `plan`: what the app sends, spoiled, and then nothing more."""

    def __init__(self, plan: NetworkFaultPlan, scope: Scope, send: Send, connection: Connection | None) -> None:
        self._plan = plan
        self._scope = scope
        self._send = send
        self._connection = connection
        self._start: Message | None = None
        self._body = bytearray()
        self._ended = False

    async def send(self, message: Message) -> None:
        if self._ended:
            return
        kind = self._plan.kind
        if message["type"] == "http.response.start":
            self._start = message
            if kind is NetworkFault.CLOSE or kind is NetworkFault.GARBAGE:
                self._ended = True
                if self._connection is not None and kind is NetworkFault.CLOSE:
                    self._connection.close(self._scope)
                elif self._connection is not None:
                    self._connection.write_and_close(self._scope, self._plan.garbage)
            return
        self._body += message.get("body", b"")
        if message.get("more_body", False):
            return
        self._ended = True
        assert self._start is not None, "a body was sent before the response started"
        await self._send(self._start)
        body = bytes(self._body)
        if kind is NetworkFault.SLOW_BODY:
            await self._drip(body)
            return
        await self._send({"type": "http.response.body", "body": cut(body), "more_body": True})
        if self._connection is not None and kind is NetworkFault.RESET:
            self._connection.reset(self._scope)
        elif self._connection is not None:
            self._connection.close(self._scope)

    async def _drip(self, body: bytes) -> None:
        parts = body_parts(body)
        for index, part in enumerate(parts):
            if index:
                await asyncio.sleep(self._plan.slow_body_ms / 1000)
            await self._send({"type": "http.response.body", "body": part, "more_body": index < len(parts) - 1})
