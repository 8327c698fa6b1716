"""Driving wrk, the load generator, and reading its report."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
_PERCENTILE = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_REQUESTS = re.compile(r"^\s*(\d+) requests in", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int = 0
    failed: int = 0


def ensure_wrk() -> None:
    """Install Debian's wrk when it is missing (the benchmark runs as root on a Debian machine)."""
    if shutil.which("wrk"):
        return
    subprocess.run(["apt-get", "update", "-q"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)


def run_wrk(
    url: str,
    headers: dict[str, str],
    connections: int,
    seconds: int,
    core: int | None,
    *,
    threads: int = 1,
    script: Path | None = None,
    env: dict[str, str] | None = None,
    tolerate_failures: bool = False,
) -> WrkResult:
    """Load `url` for `seconds` over `connections` keep-alive connections from `threads` threads.

    A `script` (wrk's Lua) may choose the requests. Failed answers (non-2xx, socket errors)
    raise, unless `tolerate_failures`, when they are counted in the result.
    """
    command = wrk_command(url, headers, connections, seconds, core, threads=threads, script=script)
    run_env = {**os.environ, **env} if env else None
    output = subprocess.run(command, check=True, capture_output=True, text=True, env=run_env).stdout
    return wrk_result(url, output, tolerate_failures=tolerate_failures)


def wrk_command(
    url: str,
    headers: dict[str, str],
    connections: int,
    seconds: int,
    core: int | None,
    *,
    threads: int = 1,
    script: Path | None = None,
) -> list[str]:
    """The wrk command line `run_wrk` runs, pinned to `core` when there is one."""
    pinned = ["taskset", "-c", str(core)] if core is not None and shutil.which("taskset") else []
    command = [*pinned, "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    return [*command, url]


def wrk_result(url: str, output: str, *, tolerate_failures: bool = False) -> WrkResult:
    """The figures of wrk's report on loading `url`; RuntimeError when any answer failed, unless tolerated."""
    non_2xx = _ERRORS.search(output)
    sockets = _SOCKET_ERRORS.search(output)
    failed = (int(non_2xx[1]) if non_2xx else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    if failed and not tolerate_failures:
        raise RuntimeError(f"{failed} failed responses from {url}:\n{output}")
    percentiles = {int(p): float(value) * _UNITS[unit] for p, value, unit in _PERCENTILE.findall(output)}
    rate = _RATE.search(output)
    if rate is None or set(percentiles) != {50, 99}:
        raise RuntimeError(f"cannot read wrk's report:\n{output}")
    requests = _REQUESTS.search(output)
    return WrkResult(float(rate[1]), percentiles[50], percentiles[99], int(requests[1]) if requests else 0, failed)
