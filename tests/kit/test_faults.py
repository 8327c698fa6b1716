"""The kit against targets with infrastructure trouble: it retries, never hangs, and keeps its verdicts apart.

Exit status 0: every property held; 1: a contract violation; 75: no violation found, but the
target could not be checked completely (unavailable, budget or deadline spent); 69: the target
could not be reached at all (connection refused, DNS, TLS); 77: it refused the key or tenant.
"""

from __future__ import annotations

import re
import socket
import struct
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from contract_tests.run.plan import PREFLIGHT
from tests.helpers import free_port, running_mock
from tests.kit.runs import SECRET, kit

pytestmark = pytest.mark.slow(seconds=110)


def test_transient_gateway_errors_are_retried_and_the_run_passes() -> None:
    result = kit("--app", "tests.kit.faults:flaky_gateway", "--backoff", "0.01")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "every property checked holds" in result.stdout
    assert " retried" in result.stdout


def test_429_is_waited_out_and_the_run_passes() -> None:
    result = kit("--app", "tests.kit.faults:rate_limited", "-k", "test_authentication or test_page_shape")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "-> 429" not in result.stdout  # nothing failed, so no request sequence is shown


def requests_sent(output: str) -> int:
    """The number of requests the summary says the run sent, retries included."""
    (sent,) = re.findall(r"; (\d+) requests sent", output)
    return int(sent)


def test_an_unavailable_target_is_an_infrastructure_verdict_not_a_violation(tmp_path: Path) -> None:
    report = tmp_path / "kit.xml"
    result = kit(
        "--app", "tests.kit.faults:always_unavailable", "--retries", "1", "--backoff", "0.01",
        "--junitxml", str(report),
    )  # fmt: skip
    assert result.returncode == 75, result.stdout[-3000:]
    assert "FAILED" not in result.stdout
    assert "NOT CHECKED test_page_shape: GET /v1/customers: 503 Service Unavailable (2 attempts)" in result.stdout
    # Each property gives up at its first unusable answer, tried twice (Schemathesis once per operation,
    # and it has two): no budget is spent on a dead target.
    properties = len(list(ET.parse(report).iter("testcase")))
    assert requests_sent(result.stdout) <= 2 * (properties + 1), result.stdout[-3000:]
    # Schemathesis lets a test whose every case was skipped pass; the kit reports it as not checked, everywhere.
    unchecked = "not checked: GET /v1/customers: 503 Service Unavailable (2 attempts)"
    assert f"NOT CHECKED test_schema_conformance: {unchecked.removeprefix('not checked: ')}" in result.stdout
    closing = result.stdout.strip().splitlines()[-1]
    assert " passed" not in closing and " skipped" in closing, closing
    cases = {case.get("name"): case for case in ET.parse(report).iter("testcase")}
    skipped = cases["test_schema_conformance"].find("skipped")
    assert skipped is not None and skipped.get("message") == unchecked
    assert all(case.find("skipped") is not None for case in cases.values())


def early_verdict(*args: str, key: str = SECRET) -> tuple[str, int]:
    """The output and exit status of a run against a target it cannot use, which must end at its preflight.

    "At once" is held by what the run did, not by seconds a busy machine stretches: it sent no
    more than the preflight's requests (no retries, no backoff) and ran no property.
    """
    result = kit(*args, key=key)
    output = result.stdout + result.stderr
    assert requests_sent(output) <= PREFLIGHT, output[-3000:]
    assert "passed" not in output and "NOT CHECKED" not in output
    return output, result.returncode


def test_a_refused_connection_ends_the_run_at_once_naming_the_cause() -> None:
    port = free_port()
    output, status = early_verdict("--base-url", f"http://127.0.0.1:{port}", "--tenant", "acme")
    assert status == 69, output[-3000:]
    assert f"target unreachable: 127.0.0.1:{port} refused the connection" in output


def test_a_name_that_does_not_resolve_ends_the_run_at_once() -> None:
    output, status = early_verdict("--base-url", "http://kit-no-such-host.invalid", "--tenant", "acme")
    assert status == 69, output[-3000:]
    assert "target unreachable: the name kit-no-such-host.invalid could not be resolved" in output


def test_a_failed_tls_handshake_ends_the_run_at_once() -> None:
    with running_mock("--api-key", SECRET, "--log-level", "warning") as mock:
        https = mock.base_url.replace("http://", "https://")
        output, status = early_verdict("--base-url", https, "--tenant", "acme")
    assert status == 69, output[-3000:]
    assert "target unreachable: the TLS handshake with 127.0.0.1:" in output


def test_a_refused_key_ends_the_run_at_once() -> None:
    with running_mock("--api-key", SECRET, "--log-level", "warning") as mock:
        output, status = early_verdict("--base-url", mock.base_url, "--tenant", "acme", key="not-the-key-8086")
    assert status == 77, output[-3000:]
    assert "the API key was refused: GET /v1/customers as tenant acme answered 401" in output
    assert "not-the-key-8086" not in output


def test_html_pages_are_not_taken_for_answers() -> None:
    result = kit("--app", "tests.kit.faults:html_instead_of_json", "--retries", "0", "-k", "test_order")
    assert result.returncode == 75, result.stdout[-3000:]
    assert "a 200 answer that is not JSON (text/html)" in result.stdout


def test_a_hanging_target_ends_at_the_deadline() -> None:
    result = kit("--app", "tests.kit.faults:hanging", "--timeout", "0.5", "--retries", "1", "--deadline", "6")
    assert result.returncode == 75, result.stdout[-3000:]
    assert "no response (ReadTimeout" in result.stdout
    assert "the run's deadline has passed" in result.stdout
    # Every attempt waits out its 0.5 s timeout, one at a time: within a 6 s deadline at most 12 fit,
    # however busy the machine (a slow one fits fewer); without the deadline the run would go on.
    assert requests_sent(result.stdout) <= 6 / 0.5, result.stdout[-3000:]


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
