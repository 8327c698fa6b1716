"""`Opener`: connection attempts in a thread of their own, waited for briefly, handed over once."""

from __future__ import annotations

import threading
import time

import pytest

from mockserver.storage.opener import Opener, StillConnecting

BRIEF = 0.2  # how long the request that starts an attempt waits for it
LONG = 5.0  # a wait that, were it waited, the test would see: the attempt is held far longer
SLOW = 30.0  # how long an attempt of the `Connector` lasts unless released


class Connector:
    """A connect function whose attempts end when the test lets them; it counts them and what was closed."""

    def __init__(self, fail: bool = False) -> None:
        self.release = threading.Event()
        self.attempts = 0
        self.closed: list[str] = []
        self.fail = fail

    def connect(self) -> str:
        self.attempts += 1
        self.release.wait(SLOW)
        if self.fail:
            raise ConnectionRefusedError(f"refused, attempt {self.attempts}")
        return f"connection {self.attempts}"

    def close(self, connection: str) -> None:
        self.closed.append(connection)


def test_a_quick_attempt_serves_the_request_that_started_it() -> None:
    connector = Connector()
    connector.release.set()
    assert Opener(connector.connect, connector.close).open(wait=5) == "connection 1"


def test_a_slow_attempt_is_waited_for_briefly_once_then_not_at_all_and_its_connection_kept_for_later() -> None:
    connector = Connector()  # its attempt lasts until released (or SLOW seconds)
    opener = Opener(connector.connect, connector.close)
    began = time.monotonic()
    with pytest.raises(StillConnecting, match="still connecting to the database"):
        opener.open(wait=BRIEF)  # had it waited for the attempt, the attempt's connection would have come
    assert time.monotonic() - began >= BRIEF
    began = time.monotonic()
    with pytest.raises(StillConnecting):
        opener.open(wait=LONG)  # an attempt is under way: no wait
    assert time.monotonic() - began < LONG
    connector.release.set()
    assert opener.settle(timeout=SLOW)
    assert opener.open(wait=0) == "connection 1"
    assert connector.attempts == 1


def test_a_failed_attempt_is_raised_once_and_the_next_request_tries_again() -> None:
    connector = Connector(fail=True)
    connector.release.set()
    opener = Opener(connector.connect, connector.close)
    with pytest.raises(ConnectionRefusedError, match="attempt 1"):
        opener.open(wait=5)
    with pytest.raises(ConnectionRefusedError, match="attempt 2"):
        opener.open(wait=5)


def test_closing_closes_a_connection_made_after_it_and_one_never_taken() -> None:
    late = Connector()
    opener = Opener(late.connect, late.close)
    with pytest.raises(StillConnecting):
        opener.open(wait=0)
    opener.close()
    late.release.set()
    assert opener.settle(timeout=SLOW)
    assert late.closed == ["connection 1"]

    untaken = Connector()
    opener = Opener(untaken.connect, untaken.close)
    with pytest.raises(StillConnecting):
        opener.open(wait=0)
    untaken.release.set()
    assert opener.settle(timeout=SLOW)
    opener.close()
    assert untaken.closed == ["connection 1"]


def test_settling_waits_for_the_attempt_under_way_and_says_whether_it_ended() -> None:
    connector = Connector()
    opener = Opener(connector.connect, connector.close)
    assert opener.settle(timeout=0), "no attempt yet"
    with pytest.raises(StillConnecting):
        opener.open(wait=0)
    assert not opener.settle(timeout=0)
    connector.release.set()
    assert opener.settle(timeout=SLOW)
    assert opener.open(wait=0) == "connection 1"
