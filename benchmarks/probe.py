"""A minimal keep-alive HTTP client for finding cursors and timing single requests."""

from __future__ import annotations

import http.client
import json
import statistics
import subprocess
import time
from typing import Any
from urllib.parse import quote, urlsplit


class Client:
    """GETs on one keep-alive connection, with the benchmark's headers."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        self.base_url = base_url
        self._headers = headers
        parts = urlsplit(base_url)
        self._connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)

    def get(self, url: str) -> bytes:
        path = url.removeprefix(self.base_url)
        try:
            self._connection.request("GET", path, headers=self._headers)
            response = self._connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):  # the server's keep-alive timeout passed
            self._connection.close()
            self._connection.request("GET", path, headers=self._headers)
            response = self._connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}: {body[:300]!r}")
        return body

    def get_json(self, url: str) -> Any:
        return json.loads(self.get(url))

    def url_of(self, query: str) -> str:
        name_values = [part.split("=", 1) for part in query.split("&")]
        return self.base_url + "/v1/customers?" + "&".join(f"{name}={quote(value)}" for name, value in name_values)

    def url_of_page(self, query: str, page: int) -> str:
        """The URL of page `page` of `query` (fewer pages if the query has fewer)."""
        url = self.url_of(query)
        for _ in range(page - 1):
            cursor = self.get_json(url)["nextCursor"]
            if cursor is None:
                break
            url = self.url_of(query) + "&startAfter=" + cursor
        return url

    def p50(self, url: str, requests: int) -> float:
        """Median milliseconds of `requests` sequential GETs of `url`, after one to warm up."""
        self.get(url)
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            self.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings)


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
