"""What many tests need: headers, free ports, the mock's command line and process, traversals, a hand-moved clock.

Every test takes these from here rather than writing its own; the ways of serving the mock are
fixtures of `tests/conftest.py`, built from the functions below.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any, NoReturn

import pytest
from starlette.testclient import TestClient

from mockserver import Settings, create_app

KEY = "test-key"
TENANT = "acme"


def headers(key: str = KEY, tenant: str = TENANT) -> dict[str, str]:
    """The two headers every API request carries: the bearer key and the tenant."""
    return {"Authorization": f"Bearer {key}", "Tenant-ID": tenant}


HEADERS = headers()


def missing_here(reason: str) -> NoReturn:
    """Skip a test whose Debian package or service is missing here; in CI, where `.ci/run` installs it, fail."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; .ci/run should have installed it")
    pytest.skip(reason)


def free_port() -> int:
    """A loopback port that nobody listens on now (bound and released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def mock_command(*args: str) -> list[str]:
    """The command line that starts the mock as a user does: `python -m mockserver ARGS`."""
    return [sys.executable, "-m", "mockserver", *args]


def run_mock(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -m mockserver ARGS` run to its end, its output captured as text."""
    return subprocess.run(mock_command(*args), capture_output=True, text=True, timeout=timeout)


def client_for(settings: Settings) -> TestClient:
    """An in-process client of a mock made by `create_app(settings)`; server exceptions are raised."""
    return TestClient(create_app(settings), raise_server_exceptions=True)


def traverse(
    client: TestClient, params: Mapping[str, Any], headers: Mapping[str, str] = HEADERS, max_pages: int = 10_000
) -> Iterator[dict[str, Any]]:
    """Every page of a list query, following nextCursor until hasMore is false."""
    query = dict(params)
    for _ in range(max_pages):
        response = client.get("/v1/customers", params=query, headers=dict(headers))
        assert response.status_code == 200, response.text
        page = response.json()
        yield page
        if not page["hasMore"]:
            return
        query["startAfter"] = page["nextCursor"]
    raise AssertionError(f"traversal of {params} did not end within {max_pages} pages")


@dataclass
class FakeTime:
    """A clock that moves only when slept on."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


# The banner's first line, as text or in its JSON record (`--log-format json`).
BANNER = re.compile(r"listening on (http://[^\s\"]+)")


@dataclass
class RunningMock:
    """A started mock: where it listens, what it printed, and (once stopped) how it ended and what it logged."""

    base_url: str
    banner: str
    exit_code: int | None = None
    log: str = ""
    process: subprocess.Popen[str] | None = field(default=None, repr=False)
    lines: list[str] = field(default_factory=list, repr=False)

    def log_so_far(self) -> str:
        """Everything written to stderr until now (stderr is read as it comes, so the process never blocks)."""
        return "".join(list(self.lines))

    def wait_for_log(self, pattern: str, timeout: float = 15, after: int = 0) -> str:
        """The first stderr line from index `after` on that matches `pattern`, waiting for it up to `timeout`."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while True:
            for line in list(self.lines)[after:]:
                if regex.search(line):
                    return line
            if time.monotonic() > deadline:
                raise AssertionError(f"no log line matching {pattern!r} in {timeout} s; log:\n{self.log_so_far()}")
            time.sleep(0.05)

    def send_signal(self, sig: signal.Signals) -> None:
        assert self.process is not None
        self.process.send_signal(sig)

    def wait_for_exit(self, timeout: float = 30) -> int:
        """The exit code, once the process has ended by itself."""
        assert self.process is not None
        return self.process.wait(timeout)


def _collect(stream: IO[str], lines: list[str]) -> None:
    for line in stream:
        lines.append(line)


@contextmanager
def running_mock(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60, launcher: Sequence[str] = ()
) -> Iterator[RunningMock]:
    """Start the mock on a free port, wait for its banner, and stop it (SIGTERM) afterwards.

    `launcher` goes before the command line: a shell that sets up the process first, say.
    """
    process = subprocess.Popen(
        [*launcher, *mock_command("--port", "0", *args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    lines: list[str] = []
    assert process.stderr is not None
    reader = threading.Thread(target=_collect, args=(process.stderr, lines), daemon=True)
    reader.start()
    mock = None
    try:
        assert process.stdout is not None
        banner_lines = [process.stdout.readline() for _ in range(8)]
        banner = "".join(banner_lines)
        match = BANNER.search(banner_lines[0])
        if match is None:
            process.kill()
            reader.join(timeout)
            raise AssertionError(f"no banner; stdout={banner!r} stderr={''.join(lines)!r}")
        mock = RunningMock(base_url=match[1], banner=banner, process=process, lines=lines)
        yield mock
    finally:
        process.terminate()
        try:
            exit_code = process.wait(timeout=timeout)
            reader.join(timeout)
            if mock is not None:
                mock.exit_code, mock.log = exit_code, "".join(lines)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        finally:
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()
