"""Per-API-key request counting in one-minute windows, the way FlexPortal's plans limit clients.

A key's window opens with its first request and lasts a minute; its budget is then full again.
Windows that have ended are swept out once a minute, so memory holds at most the keys seen in
the last two minutes, however many come and go. Keys are held as short digests, never as given.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from typing import Final

__all__ = ["RateLimiter", "WINDOW_SECONDS"]

WINDOW_SECONDS: Final = 60.0


class RateLimiter:
    """Counts each key's requests in its current window and says whether one more is allowed."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._swept = clock()
        self._windows: dict[bytes, tuple[float, int]] = {}

    def __len__(self) -> int:
        """The number of keys whose window is held."""
        return len(self._windows)

    def hit(self, key: str, limit: int) -> int | None:
        """Count a request by `key`; None if it is within `limit`, else the whole seconds until its window ends."""
        now = self._clock()
        if now - self._swept >= WINDOW_SECONDS:
            self._windows = {
                digest: window for digest, window in self._windows.items() if now - window[0] < WINDOW_SECONDS
            }
            self._swept = now
        digest = hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=16).digest()
        start, count = self._windows.get(digest, (now, 0))
        if now - start >= WINDOW_SECONDS:
            start, count = now, 0
        self._windows[digest] = (start, count + 1)
        if count + 1 <= limit:
            return None
        return max(1, math.ceil(start + WINDOW_SECONDS - now))
