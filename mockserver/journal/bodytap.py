"""A write's body as the journal keeps it: read through, its first bytes kept and its size counted."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["BodyTap"]

Message = MutableMapping[str, Any]
"""An ASGI message."""


class BodyTap:
    """An ASGI `receive` that passes every message on and keeps the body's first `limit` bytes and its size."""

    __slots__ = ("_receive", "kept", "limit", "size")

    def __init__(self, receive: Callable[[], Awaitable[Message]], limit: int) -> None:
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
