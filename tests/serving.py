"""Running `python -m mockserver` as a real process, the way a user starts it."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

BANNER = re.compile(r"listening on (http://\S+)")


@dataclass(frozen=True)
class RunningMock:
    base_url: str
    banner: str


@contextmanager
def running_mock(*args: str, timeout: float = 60) -> Iterator[RunningMock]:
    """Start the mock on a free port, wait for its banner, and stop it (SIGTERM) afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(7)]
        banner = "".join(lines)
        match = BANNER.search(lines[0])
        if match is None:
            process.kill()
            raise AssertionError(
                f"no banner; stdout={banner!r} stderr={process.stderr.read() if process.stderr else ''}"
            )
        yield RunningMock(base_url=match[1], banner=banner)
    finally:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        finally:
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()
