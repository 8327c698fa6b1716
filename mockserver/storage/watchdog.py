"""A bound on how long one exchange with the database may take: past it, the connection is cut.

A database that stops answering while its host stays up (a stalled server process, a frozen
virtual machine, a proxy in between) leaves a blocking driver waiting for ever: the kernel
still acknowledges every packet, so neither TCP's timeouts nor keepalives end the wait, and a
replica waiting on its event loop answers nothing at all. `Watchdog` watches one exchange at a
time from a thread of its own and, once the exchange has run past `limit`, shuts the
connection's socket down: the driver's wait ends with an error at once, which the change log
answers as a 503. Arming costs two attribute writes, so that every request can afford it.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["Watchdog"]


class Watchdog:
    """Cuts the socket of an exchange still unanswered `limit` seconds after it began, checking every `tick`."""

    def __init__(self, limit: float, tick: float = 0.1, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._tick = tick
        self._clock = clock
        self._armed: tuple[int, float, int] | None = None  # the socket, when it began, the exchange's number
        self._exchanges = 0
        self._cut: int | None = None
        self._depth = 0
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    @contextmanager
    def watching(self, fileno: int) -> Iterator[None]:
        """Watch the exchange made inside over the socket `fileno`; an exchange inside another is part of it."""
        self._depth += 1
        if self._depth == 1:
            self._start()
            self._exchanges += 1
            self._armed = (fileno, self._clock(), self._exchanges)
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._armed = None

    def cut_last(self) -> bool:
        """Whether the watchdog cut the connection of the latest exchange (so its failure is a timeout)."""
        return self._cut is not None and self._cut == self._exchanges

    def stop(self) -> None:
        self._stopped.set()

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="flexportal-mock database watchdog", daemon=True
                )
                self._thread.start()

    def _watch(self) -> None:
        while not self._stopped.wait(self._tick):
            armed = self._armed
            if armed is None or self._clock() - armed[1] <= self.limit:
                continue
            fileno, _, exchange = armed
            if self._armed is armed and self._cut != exchange:
                self._cut = exchange
                _shut_down(fileno)


def _shut_down(fileno: int) -> None:
    """End every exchange over the socket `fileno` (its owner keeps the descriptor, and closes it)."""
    try:
        duplicate = socket.socket(fileno=os.dup(fileno))
    except OSError:
        return  # already closed by its owner
    try:
        duplicate.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        duplicate.close()
