"""Network faults as a client sees them, over a real connection to the served mock.

Each kind is read twice: through a raw socket (the bytes that arrive, and how the connection
ends) and through httpx (the exception a client gets), as the README's table says.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from mockserver import Settings, SimulationConfig, create_app
from mockserver.server.background import BackgroundServer
from tests.helpers import HEADERS, running_mock
from tests.kit.runs import SECRET, kit

INTERVAL_MS = 200
LIST = "/v1/customers?limit=5"


@dataclass
class Received:
    """What a raw connection brought: the bytes, each read's time and size, and the error that ended it."""

    data: bytes = b""
    arrivals: list[tuple[float, int]] = field(default_factory=list)
    error: OSError | None = None

    @property
    def head(self) -> bytes:
        return self.data.partition(b"\r\n\r\n")[0]

    @property
    def body(self) -> bytes:
        return self.data.partition(b"\r\n\r\n")[2]

    @property
    def content_length(self) -> int:
        for line in self.head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                return int(value)
        raise AssertionError(f"no Content-Length in {self.head!r}")


@pytest.fixture(scope="module")
def server() -> Iterator[BackgroundServer]:
    simulation = SimulationConfig(slow_body_ms=INTERVAL_MS)
    served = BackgroundServer(create_app(Settings(seed=3, customers=30, tenants=("acme",), simulation=simulation)))
    served.start()
    yield served
    served.stop()


@pytest.fixture(scope="module")
def client(server: BackgroundServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, headers=HEADERS, timeout=10) as http:
        yield http


@pytest.fixture(scope="module")
def unspoiled(client: httpx.Client) -> bytes:
    """The body the list request gets without a fault."""
    response = client.get(LIST)
    assert response.status_code == 200
    return response.content


@pytest.fixture(autouse=True)
def no_server_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """uvicorn reports no unfinished answer or exception: a spoiled answer ends as the fault says."""
    with caplog.at_level(logging.INFO):
        yield
    errors = [record.getMessage() for record in caplog.get_records("call") if record.levelno >= logging.ERROR]
    assert not errors, errors


def raw(server: BackgroundServer, prefer: str, target: str = LIST, method: str = "GET", **headers: str) -> Received:
    """Send one request with `Prefer: prefer` and read until the connection ends."""
    host, port = server.base_url.removeprefix("http://").split(":")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", f"Prefer: {prefer}"]
    lines += [f"{name}: {value}" for name, value in {**HEADERS, **headers}.items()]
    received = Received()
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        started = time.monotonic()
        try:
            while chunk := connection.recv(65536):
                received.data += chunk
                received.arrivals.append((time.monotonic() - started, len(chunk)))
        except OSError as error:
            received.error = error
    return received


# --- reset


def test_reset_sends_part_of_the_body_then_resets(server: BackgroundServer, unspoiled: bytes) -> None:
    received = raw(server, "network-fault=reset")
    assert received.head.startswith(b"HTTP/1.1 200 OK")
    assert received.content_length == len(unspoiled)
    assert received.body == unspoiled[: len(unspoiled) // 2]
    assert isinstance(received.error, ConnectionResetError)


def test_reset_is_a_read_error_to_httpx(client: httpx.Client) -> None:
    with pytest.raises(httpx.ReadError, match="reset"):
        client.get(LIST, headers={"Prefer": "network-fault=reset"})


# --- close


def test_close_sends_nothing(server: BackgroundServer) -> None:
    received = raw(server, "network-fault=close")
    assert received.data == b"" and received.error is None


def test_close_is_a_protocol_error_to_httpx(client: httpx.Client) -> None:
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        client.get(LIST, headers={"Prefer": "network-fault=close"})


# --- truncate


def test_truncate_sends_fewer_bytes_than_content_length_then_closes(server: BackgroundServer, unspoiled: bytes) -> None:
    received = raw(server, "network-fault=truncate")
    assert received.head.startswith(b"HTTP/1.1 200 OK")
    assert received.content_length == len(unspoiled)
    assert received.body == unspoiled[: len(unspoiled) // 2]
    assert received.error is None, "a clean close, not a reset"


def test_truncate_is_an_incomplete_body_to_httpx(client: httpx.Client, unspoiled: bytes) -> None:
    with pytest.raises(
        httpx.RemoteProtocolError, match=f"received {len(unspoiled) // 2} bytes, expected {len(unspoiled)}"
    ):
        client.get(LIST, headers={"Prefer": "network-fault=truncate"})


def test_get_customer_is_truncated_too(server: BackgroundServer, client: httpx.Client) -> None:
    customer_id = client.get(LIST).json()["customers"][0]["customerId"]
    whole = client.get(f"/v1/customers/{customer_id}").content
    received = raw(server, "network-fault=truncate", target=f"/v1/customers/{customer_id}")
    assert received.content_length == len(whole) and received.body == whole[: len(whole) // 2]


# --- garbage


def test_garbage_sends_bytes_that_are_not_http(server: BackgroundServer) -> None:
    received = raw(server, "network-fault=garbage")
    assert len(received.data) >= 16
    assert not received.data.startswith(b"HTTP/")
    assert received.data[0] >= 0x80
    assert received.error is None


def test_garbage_is_an_illegal_status_line_to_httpx(client: httpx.Client) -> None:
    with pytest.raises(httpx.RemoteProtocolError, match="illegal status line"):
        client.get(LIST, headers={"Prefer": "network-fault=garbage"})


# --- slow body


def test_slow_body_arrives_whole_in_parts_spaced_out(server: BackgroundServer, unspoiled: bytes) -> None:
    received = raw(server, "network-fault=slow-body", Connection="close")
    assert received.error is None
    assert received.body == unspoiled and received.content_length == len(unspoiled)
    times = [at for at, _ in received.arrivals]
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert len(received.arrivals) >= 2
    assert max(gaps) >= INTERVAL_MS / 2000, received.arrivals


def test_slow_body_interval_per_request(server: BackgroundServer, unspoiled: bytes) -> None:
    def spread(interval_ms: int) -> float:
        prefer = f"network-fault=slow-body, slow-body-interval={interval_ms}"
        received = raw(server, prefer, Connection="close")
        assert received.body == unspoiled
        return received.arrivals[-1][0] - received.arrivals[0][0]

    assert spread(0) < spread(500)
    assert spread(500) >= 3 * 500 / 2000, "three gaps of 500 ms, loosely"


def test_slow_body_is_a_late_answer_or_a_read_timeout_to_httpx(client: httpx.Client, unspoiled: bytes) -> None:
    started = time.monotonic()
    response = client.get(LIST, headers={"Prefer": "network-fault=slow-body"})
    assert response.status_code == 200 and response.content == unspoiled
    assert time.monotonic() - started >= INTERVAL_MS / 1000
    with pytest.raises(httpx.ReadTimeout):
        client.get(LIST, headers={"Prefer": "network-fault=slow-body"}, timeout=httpx.Timeout(10, read=0.05))


# --- what a fault spoils, and what it does not


def test_a_write_is_applied_and_kept_although_its_answer_is_reset(client: httpx.Client) -> None:
    customer_id = client.get(LIST).json()["customers"][0]["customerId"]
    path = f"/v1/customers/{customer_id}"
    with pytest.raises(httpx.ReadError):
        client.patch(path, json={"firstName": "Resetta"}, headers={"Prefer": "network-fault=reset"})
    assert client.get(path).json()["customer"]["firstName"] == "Resetta"


def test_an_error_answer_is_spoiled_too(server: BackgroundServer) -> None:
    received = raw(server, "network-fault=close", Authorization="")
    assert received.data == b""


def test_a_bad_preference_is_answered_with_its_400_unspoiled(client: httpx.Client) -> None:
    response = client.get(LIST, headers={"Prefer": "network-fault=resett"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "BAD_REQUEST" and "network fault is one of reset, close" in error["message"]


def test_other_endpoints_and_the_connection_after_a_fault_are_untouched(
    server: BackgroundServer, client: httpx.Client
) -> None:
    assert raw(server, "network-fault=close", target="/healthz", Connection="close").head.startswith(b"HTTP/1.1 200")
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(LIST, headers={"Prefer": "network-fault=close"})
    assert client.get(LIST).status_code == 200, "the client's next connection is served as usual"


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.parametrize(
    ("kind", "exit_code", "message"),
    [
        ("reset", 56, "Connection reset by peer"),
        ("close", 52, "Empty reply from server"),
        ("truncate", 18, "bytes remaining to read"),
        ("garbage", 1, "HTTP/0.9"),
    ],
)
def test_curl_says_what_the_readme_says(server: BackgroundServer, kind: str, exit_code: int, message: str) -> None:
    headers = [arg for name, value in HEADERS.items() for arg in ("-H", f"{name}: {value}")]
    command = ["curl", "-sS", "-o", os.devnull, *headers, "-H", f"Prefer: network-fault={kind}", server.base_url + LIST]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    assert finished.returncode == exit_code and message in finished.stderr, finished.stderr


def test_the_contract_kit_retries_network_faults_and_its_verdict_holds() -> None:
    faults = ["--network-fault-rate", "0.1", "--network-faults", "reset,close,truncate,garbage"]
    with running_mock("--customers", "200", "--api-key", SECRET, *faults, "--log-level", "warning") as mock:
        result = kit(
            "--base-url", mock.base_url, "--tenant", "acme", "--backoff", "0.01", "-k", "page_shape or traversal"
        )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "every property checked holds" in result.stdout
    retried = re.search(r"(\d+) retried", result.stdout)
    assert retried is not None and int(retried[1]) >= 2, result.stdout[-3000:]
