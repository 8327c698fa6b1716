"""Per-API-key request counting in fixed one-minute windows, the way FlexPortal's plans limit clients.

Only the current window's counters are kept: when a window ends they are dropped together, so
memory holds at most one small counter per key seen in the last minute, however many keys
come and go. Keys are held as short digests, never as given.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from typing import Final

WINDOW_SECONDS: Final = 60.0


class RateLimiter:
    """Counts each key's requests in the current window and says whether one more is allowed."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._window = math.floor(clock() / WINDOW_SECONDS)
        self._counts: dict[bytes, int] = {}

    def __len__(self) -> int:
        """The number of keys counted in the current window."""
        return len(self._counts)

    def hit(self, key: str, limit: int) -> int | None:
        """Count a request by `key`; None if it is within `limit`, else the whole seconds until the window ends."""
        now = self._clock()
        window = math.floor(now / WINDOW_SECONDS)
        if window != self._window:
            self._window = window
            self._counts = {}
        digest = hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=16).digest()
        count = self._counts.get(digest, 0) + 1
        self._counts[digest] = count
        if count <= limit:
            return None
        return max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
