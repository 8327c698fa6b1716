"""How the server speaks HTTP/1.1: unreadable requests answered in the envelope, heads limited, one write a response.

Requests the parser cannot read (a NUL byte or raw non-ASCII in the request line or a header,
a malformed header, HTTP/1.1 without `Host`, a request line and headers still incomplete after
`MAX_HEAD_BYTES`) never reach the application, so uvicorn would answer them itself, in plain
text. This protocol answers them as the application would: `400 BAD_REQUEST` in the error
envelope. It is uvicorn's httptools protocol (llhttp, in C): the pure-Python h11 parser cost
the server more than the mock's own work.

It also writes each response's head together with its first body chunk, in one system call
where uvicorn makes two: on a loopback connection the head's own write cost as much as a page's
forty-odd kilobytes.

Each request is lent the connection (`mockserver/http/wirefaults.py`'s `Connection`, as the ASGI
extension `CONNECTION_EXTENSION`) so that simulated network faults can close it, reset it, or
write bytes that are not HTTP.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from typing import Any, Final

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from mockserver.domain.errors import BadRequest
from mockserver.http.limits import MAX_HEAD_BYTES
from mockserver.http.responses import JSON, error_body
from mockserver.http.wirefaults import connection_extensions

__all__ = ["EnvelopeHttpToolsProtocol", "HeadWithBody", "MissingHost", "NOT_HTTP"]

NOT_HTTP: Final = "Invalid HTTP request received."


class MissingHost(ValueError):
    """An HTTP/1.1 request without the `Host` header RFC 9112 requires."""


class EnvelopeHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with its own 400 answers in the error envelope and a limit on heads.

    A head still incomplete after `MAX_HEAD_BYTES` is refused, so a client cannot make the server
    buffer an endless header; a head that arrives whole is left to `limits.py` to judge exactly.
    Each response writes through a `HeadWithBody`, when it has a body to wait for.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reading_head = False
        self._head_bytes = 0
        self._messages_completed = 0
        self._extensions = connection_extensions(_Connection(self))

    def data_received(self, data: bytes) -> None:
        completed = self._messages_completed
        super().data_received(data)
        if not self._reading_head or self.transport.is_closing():
            return
        if self._messages_completed != completed:
            # The head began after another message within `data`, at an offset the parser does not
            # tell: count none of it rather than refuse a small pipelined head.
            return
        self._head_bytes += len(data)
        if self._head_bytes > MAX_HEAD_BYTES:
            self.logger.warning(NOT_HTTP)
            self.send_400_response(NOT_HTTP)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope["extensions"] = self._extensions
        self._reading_head = True
        self._head_bytes = 0

    def on_headers_complete(self) -> None:
        self._reading_head = False
        if self.parser.get_http_version() == "1.1" and not any(name == b"host" for name, _ in self.headers):
            raise MissingHost("HTTP/1.1 requires a Host header")
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not None and cycle.scope is self.scope and self._head_can_wait_for_body():
            cycle.transport = HeadWithBody(self.transport)

    def _head_can_wait_for_body(self) -> bool:
        """Not for HEAD (no body follows), nor after `Expect: 100-continue` (the interim answer goes out first)."""
        return self.scope["method"] != "HEAD" and not self.expect_100_continue

    def on_message_complete(self) -> None:
        self._messages_completed += 1
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        error = BadRequest(
            f"The request is not valid HTTP/1.1 (a malformed or oversized request line or header; the request line"
            f" and headers may take at most {MAX_HEAD_BYTES // 1024} KB)"
        )
        body = error_body(error)
        head = [STATUS_LINE[400]]
        for name, value in [
            *self.server_state.default_headers,
            (b"content-type", JSON.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]:
            head += [name, b": ", value, b"\r\n"]
        self.transport.write(b"".join([*head, b"\r\n", body]))
        self.transport.close()


class HeadWithBody(asyncio.Transport):
    """A connection's transport as one response writes to it: the head waits, and goes out with the first chunk.

    uvicorn writes a response's head when the application starts the response and the body when
    it sends it, a moment later; both reach the socket together here. Closing sends a head still
    waiting. Only for responses that write a body after their head (not to HEAD requests).
    """

    def __init__(self, transport: asyncio.Transport) -> None:
        super().__init__()
        self._transport = transport
        self._head: bytes | None = None
        self._head_written = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._head_written:
            self._head_written = True
            self._head = bytes(data)
        elif self._head is not None:
            head, self._head = self._head, None
            self._transport.writelines([head, data])
        else:
            self._transport.write(data)

    def close(self) -> None:
        if self._head is not None:
            head, self._head = self._head, None
            self._transport.write(head)
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)


_RESET_ON_CLOSE: Final = struct.pack("ii", 1, 0)
"""SO_LINGER on with a zero timeout: closing the socket sends RST instead of FIN."""


class _Connection:
    """A request's connection as simulated network faults use it (`mockserver/http/wirefaults.py`'s `Connection`).

    Each way of ending marks the request's cycle disconnected first, as uvicorn does when the
    client goes: the app's answer goes no further and is not reported unfinished.
    """

    def __init__(self, protocol: EnvelopeHttpToolsProtocol) -> None:
        self._protocol = protocol

    def close(self, scope: Any) -> None:
        self._end(scope)
        self._protocol.transport.close()

    def reset(self, scope: Any) -> None:
        self._end(scope)
        transport = self._protocol.transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET_ON_CLOSE)
        transport.abort()

    def write_and_close(self, scope: Any, data: bytes) -> None:
        self._end(scope)
        self._protocol.transport.write(data)
        self._protocol.transport.close()

    def _end(self, scope: Any) -> None:
        cycle = self._protocol.cycle
        if cycle is not None and cycle.scope is scope:
            cycle.disconnected = True
