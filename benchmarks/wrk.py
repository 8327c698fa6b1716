"""Driving wrk, the load generator, and reading its report."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
_PERCENTILE = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)")


@dataclass(frozen=True, slots=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float


def ensure_wrk() -> None:
    """Install Debian's wrk when it is missing (the benchmark runs as root on a Debian machine)."""
    if shutil.which("wrk"):
        return
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, stdout=subprocess.DEVNULL)


def run_wrk(url: str, headers: dict[str, str], connections: int, seconds: int, core: int | None) -> WrkResult:
    """Load `url` for `seconds` over `connections` keep-alive connections from one thread."""
    command = wrk_command(url, headers, connections, seconds, core)
    return wrk_result(url, subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def wrk_command(url: str, headers: dict[str, str], connections: int, seconds: int, core: int | None) -> list[str]:
    """The wrk command line `run_wrk` runs, pinned to `core` when there is one."""
    pinned = ["taskset", "-c", str(core)] if core is not None and shutil.which("taskset") else []
    command = [*pinned, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    return [*command, url]


def wrk_result(url: str, output: str) -> WrkResult:
    """The figures of wrk's report on loading `url`; RuntimeError when any answer failed."""
    failures = _ERRORS.search(output)
    if failures:
        raise RuntimeError(f"{failures[1]} failed responses from {url}:\n{output}")
    percentiles = {int(p): float(value) * _UNITS[unit] for p, value, unit in _PERCENTILE.findall(output)}
    rate = _RATE.search(output)
    if rate is None or set(percentiles) != {50, 99}:
        raise RuntimeError(f"cannot read wrk's report:\n{output}")
    return WrkResult(float(rate[1]), percentiles[50], percentiles[99])
