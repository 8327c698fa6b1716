"""Starting a server for a benchmark and reading what it costs: a free port, readiness, resident memory."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.probe import wait_until_served


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(
    command: list[str], headers: dict[str, str], core: int | None = None, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], str, float]]:
    """Start a server on a free port, pinned to `core`; yield it, its URL and seconds until it served a page.

    The seconds count from the process's start, interpreter and imports included; readiness is
    the first page answered to `headers`.
    """
    port = free_port()
    pinned = ["taskset", "-c", str(core)] if core is not None and shutil.which("taskset") else []
    started = time.perf_counter()
    process = subprocess.Popen(
        [*pinned, *command, "--port", str(port)], stdout=subprocess.DEVNULL, env={**os.environ, **(env or {})}
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_served(base_url + "/v1/customers?limit=1", headers, process, timeout=600)
        yield process, base_url, time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)


def resident_mib(pid: int) -> float:
    """The process's resident memory, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
