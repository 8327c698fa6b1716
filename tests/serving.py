"""Running `python -m mockserver` as a real process, the way a user starts it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

BANNER = re.compile(r"listening on (http://\S+)")


@dataclass
class RunningMock:
    base_url: str
    banner: str
    exit_code: int | None = None
    log: str = ""


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
    mock = None
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
        mock = RunningMock(base_url=match[1], banner=banner)
        yield mock
    finally:
        process.terminate()
        try:
            exit_code = process.wait(timeout=timeout)
            if mock is not None and process.stderr is not None:
                mock.exit_code, mock.log = exit_code, process.stderr.read()
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        finally:
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()
