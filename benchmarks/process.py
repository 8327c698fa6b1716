"""Starting a server for a benchmark and reading what it costs: a free port, readiness, resident memory."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_served(url: str, headers: dict[str, str], process: subprocess.Popen[bytes], timeout: float) -> None:
    """Poll `url` until it answers 200; fail if the process ends or `timeout` seconds pass."""
    parts = urlsplit(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before serving")
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=5)
        try:
            connection.request("GET", parts.path + "?" + parts.query, headers=headers)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.01)
        finally:
            connection.close()
    raise RuntimeError(f"{url} was not served within {timeout} s")


@contextmanager
def served(
    command: list[str], headers: dict[str, str], core: int | None = None, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], str, float]]:
    """Start a server on a free port, pinned to `core`; yield it, its URL and seconds until it served a page."""
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
