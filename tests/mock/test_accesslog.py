"""The access log: one line per request with method, path, status, duration and tenant, never the API key."""

from __future__ import annotations

import json
import re
import signal

import httpx
import pytest

from tests.helpers import running_mock

KEY = "s3cret-Key-that-must-never-be-logged"
LOST_CHECK_REQUESTS = 300


def requests(base_url: str) -> None:
    headers = {"Authorization": f"Bearer {KEY}", "Tenant-ID": "acme"}
    with httpx.Client(base_url=base_url) as client:
        assert client.get("/v1/customers", params={"limit": 2}, headers=headers).status_code == 200
        assert client.get("/v1/customers/nope", headers=headers).status_code == 404
        assert client.get("/v1/customers", headers={**headers, "Authorization": "Bearer wrong-key"}).status_code == 401
        assert client.get("/healthz").status_code == 200


def test_text_access_log() -> None:
    with running_mock("--customers", "5", "--api-key", KEY) as mock:
        requests(mock.base_url)
        mock.wait_for_log(r'"GET /healthz" 200')
    lines = [line for line in mock.log.splitlines() if '"GET ' in line]
    assert len(lines) == 4, mock.log
    assert re.search(r'"GET /v1/customers\?limit=2" 200 \d+\.\d ms tenant=acme$', lines[0])
    assert re.search(r'"GET /v1/customers/nope" 404 \d+\.\d ms tenant=acme$', lines[1])
    assert re.search(r'"GET /v1/customers" 401 \d+\.\d ms tenant=acme$', lines[2])
    assert re.search(r'"GET /healthz" 200 \d+\.\d ms tenant=-$', lines[3])
    assert KEY not in mock.log and "wrong-key" not in mock.log
    assert "uvicorn.access" not in mock.log and 'HTTP/1.1"' not in mock.log, "uvicorn's own access log is off"


def test_json_log_format() -> None:
    with running_mock("--customers", "5", "--api-key", KEY, "--log-format", "json") as mock:
        requests(mock.base_url)
        mock.wait_for_log(r'"path":"/healthz"')
    entries = [json.loads(line) for line in mock.log.splitlines()]
    assert any(entry["message"].startswith("Started server process") for entry in entries)
    access = [entry for entry in entries if entry["logger"] == "flexportal_mock.access"]
    assert [(entry["method"], entry["path"], entry["status"], entry["tenant"]) for entry in access] == [
        ("GET", "/v1/customers", 200, "acme"),
        ("GET", "/v1/customers/nope", 404, "acme"),
        ("GET", "/v1/customers", 401, "acme"),
        ("GET", "/healthz", 200, None),
    ]
    assert access[0]["query"] == "limit=2" and all(entry["duration_ms"] >= 0 for entry in access)
    assert {"time", "level"} <= set(access[0])
    assert KEY not in mock.log and "wrong-key" not in mock.log


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("log_format", ["text", "json"])
def test_no_line_is_lost_at_a_clean_shutdown(sig: signal.Signals, log_format: str) -> None:
    headers = {"Authorization": f"Bearer {KEY}", "Tenant-ID": "acme"}
    with running_mock("--customers", "5", "--api-key", KEY, "--log-format", log_format) as mock:
        with httpx.Client(base_url=mock.base_url, headers=headers) as client:
            for number in range(LOST_CHECK_REQUESTS):
                assert client.get("/v1/customers", params={"limit": 1, "n": number}).status_code in {200, 400}
        mock.send_signal(sig)
        assert mock.wait_for_exit() in {0, 130, -signal.SIGTERM}
    logged = [line for line in mock.log.splitlines() if "/v1/customers" in line]
    assert len(logged) == LOST_CHECK_REQUESTS, mock.log[-2000:]
    assert all(f"n={number}" in line for number, line in enumerate(logged)), "in the order they were answered"


def test_lines_are_written_while_the_server_runs() -> None:
    with running_mock("--customers", "5", "--api-key", KEY) as mock, httpx.Client(base_url=mock.base_url) as client:
        client.get("/healthz")
        mock.wait_for_log(r'"GET /healthz" 200', timeout=2)
