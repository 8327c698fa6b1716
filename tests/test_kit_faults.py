"""The kit against targets with infrastructure trouble: it retries, never hangs, and keeps its verdicts apart.

Exit status 0: every property held; 1: a contract violation; 75: no violation found, but the
target could not be checked completely (unavailable, budget or deadline spent).
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.test_kit_cli import kit

pytestmark = pytest.mark.slow


def test_transient_gateway_errors_are_retried_and_the_run_passes() -> None:
    result = kit("--app", "tests.kit_faults:flaky_gateway", "--backoff", "0.01")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "every property checked holds" in result.stdout
    assert " retried" in result.stdout


def test_429_is_waited_out_and_the_run_passes() -> None:
    result = kit("--app", "tests.kit_faults:rate_limited", "-k", "test_authentication or test_page_shape")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "-> 429" not in result.stdout  # nothing failed, so no request sequence is shown


def test_an_unavailable_target_is_an_infrastructure_verdict_not_a_violation() -> None:
    started = time.monotonic()
    result = kit("--app", "tests.kit_faults:always_unavailable", "--retries", "1", "--backoff", "0.01")
    assert result.returncode == 75, result.stdout[-3000:]
    assert "FAILED" not in result.stdout
    assert "NOT CHECKED test_page_shape: GET /v1/customers: 503 Service Unavailable (2 attempts)" in result.stdout
    assert time.monotonic() - started < 120


def test_html_pages_are_not_taken_for_answers() -> None:
    result = kit("--app", "tests.kit_faults:html_instead_of_json", "--retries", "0", "-k", "test_order")
    assert result.returncode == 75, result.stdout[-3000:]
    assert "a 200 answer that is not JSON (text/html)" in result.stdout


def test_a_hanging_target_ends_at_the_deadline() -> None:
    started = time.monotonic()
    result = kit("--app", "tests.kit_faults:hanging", "--timeout", "0.5", "--retries", "1", "--deadline", "6")
    assert result.returncode == 75, result.stdout[-3000:]
    assert "no response (ReadTimeout" in result.stdout
    assert "the run's deadline has passed" in result.stdout
    assert time.monotonic() - started < 60


@contextmanager
def resetting_server() -> Iterator[str]:
    """A server that accepts each connection and resets it at once."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)


def test_reset_connections_are_an_infrastructure_verdict() -> None:
    with resetting_server() as base_url:
        result = kit("--base-url", base_url, "--tenant", "acme", "--retries", "1", "-k", "test_authentication")
    assert result.returncode == 75, result.stdout[-3000:]
    # Which error a reset surfaces as depends on when it lands: reading the answer, or (on a busy host) connecting.
    errors = ("RemoteProtocolError", "ReadError", "ConnectError")
    assert any(f"no response ({error}" in result.stdout for error in errors), result.stdout[-3000:]
