"""The watchdog that bounds one exchange with the database, on a real socket pair and a clock the test moves."""

from __future__ import annotations

import socket
import time

from mockserver.storage.watchdog import Watchdog
from tests.helpers import FakeTime

LIMIT = 0.25  # seconds of the test's clock an exchange may take (exact in binary, so "at the limit" is exact)
TICK = 0.01  # how often, in real seconds, the watchdog looks
LOOKS = 5 * TICK  # long enough for the watchdog to look a few times, when the machine lets it run
HANG = 60.0  # a guard: a cut that never comes fails the test instead of holding it for ever


def test_an_exchange_past_its_limit_has_its_socket_cut_and_the_wait_ends() -> None:
    ours, theirs = socket.socketpair()
    ours.settimeout(HANG)
    clock = FakeTime()
    watchdog = Watchdog(limit=LIMIT, tick=TICK, clock=clock.clock)
    try:
        with watchdog.watching(ours.fileno()):
            clock.now += LIMIT  # at the limit, not past it: left alone
            time.sleep(LOOKS)
            theirs.sendall(b"x")
            assert ours.recv(1) == b"x"
            clock.now += TICK
            assert ours.recv(1) == b""  # no answer comes: only the cut ends the wait
        assert watchdog.cut_last()
    finally:
        watchdog.stop()
        ours.close()
        theirs.close()


def test_an_exchange_within_its_limit_is_left_alone_and_so_is_the_socket_between_exchanges() -> None:
    ours, theirs = socket.socketpair()
    clock = FakeTime()
    watchdog = Watchdog(limit=LIMIT, tick=TICK, clock=clock.clock)
    try:
        for _ in range(3):
            with watchdog.watching(ours.fileno()), watchdog.watching(ours.fileno()):
                theirs.sendall(b"x")
                assert ours.recv(1) == b"x"
            clock.now += 10 * LIMIT  # idle, past the limit: nothing is being watched
            time.sleep(LOOKS)
        assert not watchdog.cut_last()
        theirs.sendall(b"still open")
        assert ours.recv(32) == b"still open"
    finally:
        watchdog.stop()
        ours.close()
        theirs.close()


def test_only_the_cut_exchange_counts_as_cut() -> None:
    ours, theirs = socket.socketpair()
    ours.settimeout(HANG)
    other, _ = socket.socketpair()
    clock = FakeTime()
    watchdog = Watchdog(limit=LIMIT, tick=TICK, clock=clock.clock)
    try:
        with watchdog.watching(ours.fileno()):
            clock.now += 2 * LIMIT
            assert ours.recv(1) == b""
        assert watchdog.cut_last()
        with watchdog.watching(other.fileno()):
            pass
        assert not watchdog.cut_last()
    finally:
        watchdog.stop()
        for sock in (ours, theirs, other, _):
            sock.close()
