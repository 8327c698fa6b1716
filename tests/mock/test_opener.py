"""`Opener`: connection attempts in a thread of their own, waited for briefly, handed over once."""

from __future__ import annotations

import threading
import time

import pytest

from mockserver.storage.opener import Opener, StillConnecting


class Connector:
    """A connect function whose attempts end when the test lets them; it counts them and what was closed."""

    def __init__(self, fail: bool = False) -> None:
        self.release = threading.Event()
        self.attempts = 0
        self.closed: list[str] = []
        self.fail = fail

    def connect(self) -> str:
        self.attempts += 1
        self.release.wait(10)
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
    connector = Connector()
    opener = Opener(connector.connect, connector.close)
    began = time.monotonic()
    with pytest.raises(StillConnecting, match="still connecting to the database"):
        opener.open(wait=0.2)
    assert 0.2 <= time.monotonic() - began < 2
    began = time.monotonic()
    with pytest.raises(StillConnecting):
        opener.open(wait=5)  # an attempt is under way: no wait
    assert time.monotonic() - began < 0.5
    connector.release.set()
    deadline = time.monotonic() + 5
    while True:
        try:
            assert opener.open(wait=0) == "connection 1"
            break
        except StillConnecting:
            assert time.monotonic() < deadline
            time.sleep(0.01)
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
    deadline = time.monotonic() + 5
    while not late.closed:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert late.closed == ["connection 1"]

    untaken = Connector()
    opener = Opener(untaken.connect, untaken.close)
    with pytest.raises(StillConnecting):
        opener.open(wait=0)
    untaken.release.set()
    while opener._attempt is not None:
        time.sleep(0.01)
    opener.close()
    assert untaken.closed == ["connection 1"]
