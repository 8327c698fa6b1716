"""The command line: help, version, the start banner, real HTTP, and byte-identical replicas."""

from __future__ import annotations

import shlex
import signal
import socket
import subprocess

import httpx
import pytest

from mockserver import __version__
from mockserver.server.sockets import listen
from tests.helpers import HEADERS, mock_command, running_mock

pytestmark = pytest.mark.slow(seconds=35)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(mock_command(*args), capture_output=True, text=True, timeout=120)


def test_help_lists_the_options() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for option in ("--host", "--port", "--seed", "--customers", "--tenant", "--api-key", "--fixtures", "--export"):
        assert option in result.stdout
    for option in ("--cors-origin", "--latency", "--fault-rate", "--force-status", "--rate-limit", "--empty", "--slow"):
        assert option in result.stdout
    assert "--log-format" in result.stdout and "Prefer: code=503" in result.stdout
    for preference in ("code=", "latency=", "fault-rate=", "rate-limit=", "empty", "slow"):
        assert f"  {preference}" in result.stdout, preference


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"flexportal-mock {__version__}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--customers", "-1"], "customers must be from 0"),
        (["--tenant", "bad tenant"], "not a tenant identifier"),
        (["--tenant", "a", "--tenant", "a"], "more than once"),
        (["--api-key", ""], "API key must be non-empty"),
        (["--cursor-secret", "short"], "at least 16 bytes"),
        (["--port", "http"], "invalid int value"),
        (["--fault-rate", "1.5"], "fault rate must be from 0 to 1"),
        (["--latency", "500-100"], "latency must be MS or MIN-MAX"),
        (["--force-status", "404"], "status 404 is not documented for listCustomers"),
        (["--force-status", "418"], "status 418 cannot be simulated"),
        (["--rate-limit", "-3"], "rate limit must be 0 (off)"),
        (["--cors-origin", "localhost:3000"], "is not an origin"),
        (["--log-format", "xml"], "invalid choice"),
    ],
)
def test_bad_flags_are_refused_clearly(args: list[str], message: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_a_port_in_use_is_reported_without_a_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run_cli("--port", str(taken.getsockname()[1]))
    assert result.returncode == 2 and "cannot listen on" in result.stderr and "Traceback" not in result.stderr


def test_banner_names_address_tenants_and_a_working_curl_line() -> None:
    with running_mock("--customers", "30", "--tenant", "north", "--tenant", "south", "--api-key", "k1") as mock:
        assert "north (30 customers), south (30 customers)" in mock.banner
        assert f"{mock.base_url}/openapi.yaml" in mock.banner
        curl = next(line for line in mock.banner.splitlines() if line.strip().startswith("curl"))
        assert "k1" not in mock.banner and '"Authorization: Bearer $FLEXPORTAL_API_KEY"' in curl
        words = shlex.split(curl.replace("$FLEXPORTAL_API_KEY", "k1"))
        headers = dict(words[i + 1].split(": ", 1) for i, word in enumerate(words) if word == "-H")
        response = httpx.get(words[-1], headers=headers)
        assert response.status_code == 200
        assert [c["tenantId"] for c in response.json()["customers"]] == ["north"] * 5


def test_default_dataset_serves_over_real_http() -> None:
    with running_mock() as mock:
        response = httpx.get(f"{mock.base_url}/v1/customers", params={"limit": 100}, headers=HEADERS)
        assert response.status_code == 200 and response.json()["count"] == 100
        assert "acme (1000 customers), globex (1000 customers)" in mock.banner


def test_two_processes_with_the_same_flags_and_secret_serve_identical_bytes() -> None:
    def pages(base_url: str) -> list[bytes]:
        bodies: list[bytes] = []
        params: dict[str, str | int] = {"limit": 40, "sortBy": "firstName", "sortOrder": "asc", "status": "active"}
        with httpx.Client(base_url=base_url, headers=HEADERS) as client:
            while True:
                response = client.get("/v1/customers", params=params)
                bodies.append(response.content)
                cursor = response.json()["nextCursor"]
                if cursor is None:
                    return bodies
                params["startAfter"] = cursor

    flags = ("--seed", "42", "--customers", "200", "--cursor-secret", "shared by both replicas")
    with running_mock(*flags) as one, running_mock(*flags) as two:
        first, second = pages(one.base_url), pages(two.base_url)
        cursor = httpx.get(f"{one.base_url}/v1/customers", headers=HEADERS).json()["nextCursor"]
        assert (
            httpx.get(f"{two.base_url}/v1/customers", params={"startAfter": cursor}, headers=HEADERS).status_code == 200
        )
    assert len(first) > 2 and first == second


def test_without_a_shared_secret_each_start_signs_with_its_own_key() -> None:
    """The same data, but a cursor of one start means nothing to the next: nobody can forge one."""
    with running_mock("--customers", "30") as one, running_mock("--customers", "30") as two:
        first = httpx.get(f"{one.base_url}/v1/customers", params={"limit": 3}, headers=HEADERS).json()
        second = httpx.get(f"{two.base_url}/v1/customers", params={"limit": 3}, headers=HEADERS).json()
        assert first["customers"] == second["customers"] and first["nextCursor"] != second["nextCursor"]
        refused = httpx.get(
            f"{two.base_url}/v1/customers", params={"limit": 3, "startAfter": first["nextCursor"]}, headers=HEADERS
        )
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "INVALID_CURSOR"


def test_stops_cleanly_on_sigterm() -> None:
    with running_mock("--customers", "5") as mock:
        assert httpx.get(f"{mock.base_url}/openapi.yaml").status_code == 200
    # uvicorn shuts down gracefully, then ends by the signal it caught, as Unix programs do.
    assert mock.exit_code in (0, -signal.SIGTERM)
    assert "Finished server process" in mock.log and "Traceback" not in mock.log


# Started from a terminal, or as a script's background job, which inherits SIGINT ignored.
LAUNCHERS = {"as is": (), "with SIGINT ignored": ("sh", "-c", 'trap "" INT; exec "$@"', "sh")}


@pytest.mark.parametrize("launcher", sorted(LAUNCHERS))
def test_stops_cleanly_on_ctrl_c(launcher: str) -> None:
    with running_mock("--customers", "5", launcher=LAUNCHERS[launcher]) as mock:
        assert httpx.get(f"{mock.base_url}/healthz").status_code == 200
        mock.send_signal(signal.SIGINT)
        exit_code = mock.wait_for_exit()
    assert exit_code == mock.exit_code == 130, "uvicorn stops gracefully, then the CLI ends as Ctrl-C does"
    assert "Finished server process" in mock.log
    assert "Traceback" not in mock.log and "KeyboardInterrupt" not in mock.log


def test_cursor_secret_from_the_environment_is_shared_by_replicas() -> None:
    """Replicas with other data but one secret accept each other's cursors; others refuse them."""
    shared = {"FLEXPORTAL_MOCK_CURSOR_SECRET": "one secret for every replica"}
    with (
        running_mock("--seed", "1", "--customers", "30", env=shared) as one,
        running_mock("--seed", "2", "--customers", "30", env=shared) as two,
        running_mock("--seed", "1", "--customers", "30") as unshared,
    ):
        cursor = httpx.get(f"{one.base_url}/v1/customers", params={"limit": 3}, headers=HEADERS).json()["nextCursor"]
        params = {"startAfter": cursor}
        assert httpx.get(f"{two.base_url}/v1/customers", params=params, headers=HEADERS).status_code == 200
        refused = httpx.get(f"{unshared.base_url}/v1/customers", params=params, headers=HEADERS)
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "INVALID_CURSOR"


def test_accepted_connections_have_nagle_off() -> None:
    # With Nagle on, each keep-alive request after the first waits ~40 ms for a delayed ACK.
    server = listen("127.0.0.1", 0)
    with server, socket.create_connection(server.getsockname()):
        accepted, _ = server.accept()
        with accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    assert server.proto == socket.IPPROTO_TCP  # so asyncio sets TCP_NODELAY on every accepted socket too
