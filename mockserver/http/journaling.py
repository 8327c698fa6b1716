"""What the request journal is given at the edge: which requests are API requests, and a write's body as read."""

from __future__ import annotations

from typing import Final

from starlette.types import Message, Receive

__all__ = ["API_PREFIX", "BodyTap", "is_api_path"]

API_PREFIX: Final = "/v1"


def is_api_path(path: str) -> bool:
    """Whether `path` is under the API's `/v1` (not the docs, health or control endpoints)."""
    return path.startswith(API_PREFIX) and (len(path) == len(API_PREFIX) or path[len(API_PREFIX)] == "/")


class BodyTap:
    """An ASGI `receive` that passes every message on and keeps the body's first `limit` bytes and its size."""

    __slots__ = ("_receive", "kept", "limit", "size")

    def __init__(self, receive: Receive, limit: int) -> None:
        self._receive = receive
        self.limit = limit
        self.kept = bytearray()
        self.size = 0

    async def __call__(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            chunk = message.get("body", b"")
            self.size += len(chunk)
            room = self.limit - len(self.kept)
            if room > 0:
                self.kept += chunk[:room]
        return message
