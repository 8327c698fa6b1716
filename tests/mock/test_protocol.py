"""The HTTP protocol: one write per response where uvicorn makes two, and nothing held that must go out.

Served in-process by uvicorn with `EnvelopeHttpToolsProtocol`, in front of small applications
that show each case: a body read after `Expect: 100-continue`, a streamed body, HEAD.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.types import Receive, Scope, Send

from mockserver.server.background import BackgroundServer
from mockserver.server.protocol import HeadWithBody


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers with the request body, in two chunks when the path is /stream."""
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["path"] == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"transfer-encoding", b"chunked")]})
        await send({"type": "http.response.body", "body": b"first,", "more_body": True})
        await asyncio.sleep(0.05)
        await send({"type": "http.response.body", "body": b"second"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(body))]})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def address() -> Iterator[tuple[str, int]]:
    server = BackgroundServer(echo, name="echo", lifespan="off")
    server.start()
    host, port = server.base_url.removeprefix("http://").split(":")
    yield host, int(port)
    server.stop()


def exchange(address: tuple[str, int], *steps: bytes | str) -> list[bytes]:
    """Send each bytes step; at each str step, read until that text has arrived. What each read brought."""
    received: list[bytes] = []
    with socket.create_connection(address, timeout=5) as connection:
        for step in steps:
            if isinstance(step, bytes):
                connection.sendall(step)
                continue
            data = b""
            while step.encode() not in data:
                chunk = connection.recv(65536)
                assert chunk, f"connection closed before {step!r}; got {data!r}"
                data += chunk
            received.append(data)
    return received


def test_a_body_can_be_sent_after_100_continue(address: tuple[str, int]) -> None:
    head = b"POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
    interim, answer = exchange(address, head, "100 Continue", b"hello", "hello")
    assert interim.startswith(b"HTTP/1.1 100 Continue") and answer.endswith(b"\r\n\r\nhello")


def test_a_response_comes_whole_and_a_stream_in_order(address: tuple[str, int]) -> None:
    (answer,) = exchange(address, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", "\r\n\r\nabc")
    assert answer.startswith(b"HTTP/1.1 200 OK") and b"content-length: 3" in answer
    (streamed,) = exchange(address, b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n", "0\r\n\r\n")
    assert b"first," in streamed and streamed.index(b"first,") < streamed.index(b"second")


def test_a_head_request_gets_its_head(address: tuple[str, int]) -> None:
    (answer,) = exchange(address, b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", "\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200 OK") and answer.endswith(b"\r\n\r\n")


class Recording(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, Any]] = []

    def write(self, data: Any) -> None:
        self.calls.append(("write", bytes(data)))

    def writelines(self, data: Any) -> None:
        self.calls.append(("writelines", [bytes(chunk) for chunk in data]))

    def close(self) -> None:
        self.calls.append(("close", None))

    def is_closing(self) -> bool:
        return False


def test_the_head_goes_out_with_the_first_chunk() -> None:
    transport = Recording()
    held = HeadWithBody(transport)
    held.write(b"head")
    assert transport.calls == []
    held.write(b"body")
    held.write(b"more")
    assert transport.calls == [("writelines", [b"head", b"body"]), ("write", b"more")]


def test_closing_sends_a_head_still_waiting() -> None:
    transport = Recording()
    held = HeadWithBody(transport)
    held.write(b"head")
    held.close()
    assert transport.calls == [("write", b"head"), ("close", None)]
