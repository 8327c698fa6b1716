"""Opening a connection off the event loop, so that a database out of reach holds no request for long.

A connection attempt to a host that does not answer (a database whose host is gone, a port
behind a firewall that drops packets, a server process frozen mid-start) lasts until its connect
timeout. Made on the event loop, every such attempt held every request of the replica for
seconds, again and again while the outage lasted. `Opener` makes each attempt in a thread of
its own. The request that starts one waits for it up to a short bound, so that a quick reconnect
(a restarted database, a dropped idle connection) serves that very request; a request that finds
an attempt under way does not wait at all. The attempt's result is kept for the next request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Opener", "StillConnecting"]

T = TypeVar("T")


class StillConnecting(ConnectionError):
    """An attempt to connect is under way and has not ended yet."""


class Opener(Generic[T]):
    """Runs `connect` in a thread, one attempt at a time, and hands over its connection (or its error) once."""

    def __init__(self, connect: Callable[[], T], close: Callable[[T], None]) -> None:
        self._connect = connect
        self._close = close
        self._lock = threading.Lock()
        self._attempt: threading.Thread | None = None
        self._outcome: T | BaseException | None = None
        self._closed = False

    def open(self, wait: float) -> T:
        """A new connection; raises the attempt's error, or `StillConnecting` when it has not ended.

        Starts an attempt when none is under way or waiting to be taken, and then waits up to `wait`
        seconds for it; an attempt already under way is not waited for.
        """
        with self._lock:
            attempt = self._attempt
            started = attempt is None and self._outcome is None
            if started:
                attempt = self._attempt = threading.Thread(target=self._run, name="state connection", daemon=True)
                attempt.start()
        if started and attempt is not None:
            attempt.join(wait)
        with self._lock:
            outcome, self._outcome = self._outcome, None
            if outcome is None:
                raise StillConnecting("still connecting to the database: an attempt is under way")
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def settle(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the attempt under way, if any, to end; whether none is under way now.

        An attempt that ended has left its connection (or its error) for the next `open`.
        """
        with self._lock:
            attempt = self._attempt
        if attempt is not None:
            attempt.join(timeout)
        return attempt is None or not attempt.is_alive()

    def close(self) -> None:
        """Close a connection made and never taken; one still being made is closed when it is."""
        with self._lock:
            self._closed = True
            outcome, self._outcome = self._outcome, None
        if outcome is not None and not isinstance(outcome, BaseException):
            self._close(outcome)

    def _run(self) -> None:
        outcome: T | BaseException
        try:
            outcome = self._connect()
        except Exception as error:
            outcome = error
        with self._lock:
            self._attempt = None
            closed = self._closed
            if not closed:
                self._outcome = outcome
        if closed and not isinstance(outcome, BaseException):
            self._close(outcome)
