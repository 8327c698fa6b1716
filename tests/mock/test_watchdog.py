"""The watchdog that bounds one exchange with the database, on a real socket pair."""

from __future__ import annotations

import socket
import time

from mockserver.storage.watchdog import Watchdog


def test_an_exchange_past_its_limit_has_its_socket_cut_and_the_wait_ends() -> None:
    ours, theirs = socket.socketpair()
    watchdog = Watchdog(limit=0.2, tick=0.02)
    try:
        began = time.monotonic()
        with watchdog.watching(ours.fileno()):
            assert ours.recv(1) == b""  # no answer comes: only the cut ends the wait
        assert 0.2 <= time.monotonic() - began < 2
        assert watchdog.cut_last()
    finally:
        watchdog.stop()
        ours.close()
        theirs.close()


def test_an_exchange_within_its_limit_is_left_alone_and_so_is_the_socket_between_exchanges() -> None:
    ours, theirs = socket.socketpair()
    watchdog = Watchdog(limit=0.2, tick=0.02)
    try:
        for _ in range(3):
            with watchdog.watching(ours.fileno()), watchdog.watching(ours.fileno()):
                theirs.sendall(b"x")
                assert ours.recv(1) == b"x"
            time.sleep(0.3)  # idle, past the limit: nothing is being watched
        assert not watchdog.cut_last()
        theirs.sendall(b"still open")
        assert ours.recv(32) == b"still open"
    finally:
        watchdog.stop()
        ours.close()
        theirs.close()


def test_only_the_cut_exchange_counts_as_cut() -> None:
    ours, theirs = socket.socketpair()
    other, _ = socket.socketpair()
    watchdog = Watchdog(limit=0.1, tick=0.02)
    try:
        with watchdog.watching(ours.fileno()):
            assert ours.recv(1) == b""
        assert watchdog.cut_last()
        with watchdog.watching(other.fileno()):
            pass
        assert not watchdog.cut_last()
    finally:
        watchdog.stop()
        for sock in (ours, theirs, other, _):
            sock.close()
