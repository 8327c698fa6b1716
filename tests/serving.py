"""Running `python -m mockserver` as a real process, the way a user starts it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

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
def running_mock(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Iterator[RunningMock]:
    """Start the mock on a free port, wait for its banner, and stop it (SIGTERM) afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", "0", *args],
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
