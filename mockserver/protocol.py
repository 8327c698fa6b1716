"""HTTP/1.1 parsing that answers unreadable requests in the documented envelope, within size limits.

Requests h11 cannot parse (a NUL byte or raw non-ASCII in the request line or a header, a
malformed header, a request line and headers over `MAX_HEAD_BYTES`) never reach the
application, so uvicorn answers them itself, in plain text. This protocol answers them as the
application would: `400 BAD_REQUEST` in the error envelope.
"""

from __future__ import annotations

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from mockserver.errors import BadRequest
from mockserver.limits import MAX_HEAD_BYTES
from mockserver.responses import JSON, error_body


class EnvelopeH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, with its own 400 answers in the error envelope."""

    def send_400_response(self, msg: str) -> None:
        error = BadRequest(
            f"The request is not valid HTTP/1.1 (a malformed or oversized request line or header; the request line"
            f" and headers may take at most {MAX_HEAD_BYTES // 1024} KB)"
        )
        body = error_body(error)
        headers = [
            (b"content-type", JSON.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        for event in (
            h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
            h11.Data(data=body),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event) or b"")
        self.transport.close()
