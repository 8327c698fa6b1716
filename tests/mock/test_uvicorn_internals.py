"""What the mock's HTTP protocol and servers use of uvicorn beyond its documented API is still there.

`mockserver/server/protocol.py` subclasses uvicorn's httptools protocol, which is not a public
API, and pyproject pins uvicorn to the minor releases tested. When a new release is tried, this
says which attribute is gone instead of a request failing somewhere in the suite.
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
import uvicorn.server
import uvicorn.supervisors
from uvicorn.protocols.http import httptools_impl

from mockserver.server.protocol import EnvelopeHttpToolsProtocol

MODULE_ATTRIBUTES = {
    httptools_impl: ["HttpToolsProtocol", "STATUS_LINE", "RequestResponseCycle"],
    uvicorn.supervisors: ["Multiprocess"],
}
CLASS_ATTRIBUTES: dict[type[Any], list[str]] = {
    httptools_impl.HttpToolsProtocol: [
        "data_received",
        "on_message_begin",
        "on_headers_complete",
        "on_message_complete",
        "send_400_response",
    ],
    uvicorn.Config: ["get_loop_factory"],
    uvicorn.Server: ["serve", "run"],
}
# Read or replaced by the protocol on a connection that has received a request's head.
PROTOCOL_STATE = ["transport", "logger", "parser", "headers", "scope", "cycle", "expect_100_continue", "server_state"]
# `disconnected` is set by the connection that simulated network faults end (protocol.py's `_Connection`).
CYCLE_STATE = ["transport", "scope", "disconnected"]


def gone(owner: Any, names: list[str]) -> list[str]:
    label = getattr(owner, "__name__", type(owner).__name__)
    return [f"{label}.{name}" for name in names if not hasattr(owner, name)]


def report(missing: list[str]) -> str:
    return (
        f"uvicorn {uvicorn.__version__} lacks {', '.join(missing)}, which mockserver/server/protocol.py or "
        "server/background.py relies on; adapt them, then widen the uvicorn pin in pyproject.toml"
    )


def test_the_modules_and_classes_keep_what_the_protocol_uses() -> None:
    missing = [name for module, names in MODULE_ATTRIBUTES.items() for name in gone(module, names)]
    missing += [name for owner, names in CLASS_ATTRIBUTES.items() for name in gone(owner, names)]
    assert not missing, report(missing)
    assert 400 in httptools_impl.STATUS_LINE, report(["STATUS_LINE[400]"])


class Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written: list[bytes] = []

    def write(self, data: Any) -> None:
        self.written.append(bytes(data))

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(name, default)

    def is_closing(self) -> bool:
        return False

    def close(self) -> None:
        pass


def test_a_connection_keeps_the_state_the_protocol_reads() -> None:
    async def hold(scope: Any, receive: Any, send: Any) -> None:
        await asyncio.Event().wait()

    async def connect() -> list[str]:
        config = uvicorn.Config(hold, http=EnvelopeHttpToolsProtocol, lifespan="off", log_level="warning")
        server_state = uvicorn.server.ServerState()
        protocol = EnvelopeHttpToolsProtocol(config=config, server_state=server_state, app_state={})
        protocol.connection_made(Transport())
        protocol.data_received(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n")
        missing = gone(protocol, PROTOCOL_STATE) + gone(server_state, ["default_headers"])
        cycle = getattr(protocol, "cycle", None)
        if cycle is not None:
            missing += gone(cycle, CYCLE_STATE)
            if type(cycle.transport).__name__ != "HeadWithBody":
                missing.append("RequestResponseCycle.transport (replaceable)")
        for task in list(server_state.tasks):
            task.cancel()
        protocol.connection_lost(None)
        return missing

    missing = asyncio.run(connect())
    assert not missing, report(missing)
