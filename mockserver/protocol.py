"""HTTP/1.1 parsing that answers unreadable requests in the documented envelope, within size limits.

Requests the parser cannot read (a NUL byte or raw non-ASCII in the request line or a header,
a malformed header, HTTP/1.1 without `Host`, a request line and headers still incomplete after
`MAX_HEAD_BYTES`) never reach the application, so uvicorn would answer them itself, in plain
text. This protocol answers them as the application would: `400 BAD_REQUEST` in the error
envelope. It is uvicorn's httptools protocol (llhttp, in C): the pure-Python h11 parser cost
the server more than the mock's own work.
"""

from __future__ import annotations

from typing import Any, Final

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from mockserver.errors import BadRequest
from mockserver.limits import MAX_HEAD_BYTES
from mockserver.responses import JSON, error_body

NOT_HTTP: Final = "Invalid HTTP request received."


class MissingHost(ValueError):
    """An HTTP/1.1 request without the `Host` header RFC 9112 requires."""


class EnvelopeHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with its own 400 answers in the error envelope and a limit on heads.

    A head still incomplete after `MAX_HEAD_BYTES` is refused, so a client cannot make the server
    buffer an endless header; a head that arrives whole is left to `limits.py` to judge exactly.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reading_head = False
        self._head_bytes = 0
        self._messages_completed = 0

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
        self._reading_head = True
        self._head_bytes = 0

    def on_headers_complete(self) -> None:
        self._reading_head = False
        if self.parser.get_http_version() == "1.1" and not any(name == b"host" for name, _ in self.headers):
            raise MissingHost("HTTP/1.1 requires a Host header")
        super().on_headers_complete()

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
