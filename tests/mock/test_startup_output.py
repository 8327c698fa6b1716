"""Everything the command line writes: never a configured key, and with `--log-format json` only JSON objects."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import BANNER, headers, mock_command

KEY = "banner-secret-3f9c1e7a"
HEADERS = headers(KEY)


@dataclass
class Output:
    """A process's two streams, whole."""

    stdout: str
    stderr: str
    exit_code: int

    @property
    def everything(self) -> str:
        return self.stdout + self.stderr


def command(*args: str) -> list[str]:
    return mock_command("--port", "0", *args)


@contextmanager
def served(tmp_path: Path, *args: str) -> Iterator[tuple[str, list[Output]]]:
    """Start the mock with its streams in files; yield its URL and, once it has stopped (SIGTERM), its output."""
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(command("--customers", "20", *args), stdout=stdout, stderr=stderr)
    ended: list[Output] = []
    try:
        deadline = time.monotonic() + 60
        while (match := BANNER.search(out.read_text())) is None:
            assert process.poll() is None and time.monotonic() < deadline, err.read_text()
            time.sleep(0.05)
        yield match[1], ended
    finally:
        process.terminate()
        code = process.wait(30)
        ended.append(Output(out.read_text(), err.read_text(), code))


def exercise(base_url: str) -> None:
    """Requests that make the server write: answers, refusals, a write, a simulated failure, an unreadable request."""
    # With workers, the banner comes before they have started: the first answer may take a while on a busy machine.
    with httpx.Client(base_url=base_url, headers=HEADERS, timeout=60) as client:
        customer = client.get("/v1/customers", params={"limit": 2}).json()["customers"][0]["customerId"]
        assert client.get(f"/v1/customers/{customer}").status_code == 200
        assert client.patch(f"/v1/customers/{customer}", json={"lastName": "Okafor"}).status_code == 200
        assert client.patch(f"/v1/customers/{customer}", json={"totalOrders": 1}).status_code == 422
        assert client.get("/v1/customers", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/v1/customers", headers={"Prefer": "code=500"}).status_code == 500
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=60) as raw:
        raw.sendall(b"GARBAGE / HTTP/9\r\n\r\n")
        assert raw.recv(65536).startswith(b"HTTP/1.1 400")


def json_records(text: str) -> list[dict[str, Any]]:
    """Every non-empty line of `text` as a JSON object with a message; fails on any other line."""
    records = []
    for line in text.splitlines():
        if line.strip():
            record = json.loads(line)
            assert isinstance(record, dict) and isinstance(record.get("message"), str), line
            records.append(record)
    return records


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("log_format", ["text", "json"])
def test_no_configured_key_is_ever_written(tmp_path: Path, log_format: str, workers: int) -> None:
    args = ("--api-key", KEY, "--api-key", f"{KEY}-2", "--slow", "1", "--workers", str(workers))
    with served(tmp_path, *args, "--log-format", log_format) as (base_url, ended):
        exercise(base_url)
    [output] = ended
    assert KEY not in output.everything
    assert "export FLEXPORTAL_API_KEY=" in output.stdout and "Bearer $FLEXPORTAL_API_KEY" in output.stdout
    assert "Finished server process" in output.stderr
    if log_format == "json":
        stdout, stderr = json_records(output.stdout), json_records(output.stderr)
        assert stdout[0]["message"].startswith("FlexPortal mock") and {r["logger"] for r in stdout} == {
            "flexportal_mock.banner"
        }
        loggers = {record["logger"] for record in stderr}
        assert {"uvicorn.error", "flexportal_mock.access", "flexportal_mock.simulation"} <= loggers
        assert {"info", "warning"} <= {record["level"] for record in stderr}


@pytest.mark.skipif(shutil.which("curl") is None, reason="no curl on this machine")
@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_banners_curl_line_works_with_the_key_in_the_environment(tmp_path: Path, log_format: str) -> None:
    with served(tmp_path, "--api-key", KEY, "--log-format", log_format) as (base_url, _):
        lines = (tmp_path / "stdout").read_text().splitlines()
        if log_format == "json":
            lines = [record["message"] for record in json_records("\n".join(lines))]
        curl = next(line.strip() for line in lines if line.strip().startswith("curl "))
        answer = subprocess.run(
            ["sh", "-c", f"{curl} --silent --show-error"],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "FLEXPORTAL_API_KEY": KEY},
        )
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["count"] == 5


def test_an_error_that_stops_the_start_is_json_too(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        in_use = ("--port", str(taken.getsockname()[1]))
        cases = (
            (in_use, "cannot listen on"),
            (("--fixtures", str(broken)), str(broken)),
            (("--workers", "0"), "--workers must be from 1 to"),
            (("--seed", "many"), "argument --seed: invalid int value"),
        )
        for args, message in cases:
            result = subprocess.run(
                [*command("--log-format", "json", "--api-key", KEY), *args], capture_output=True, text=True, timeout=60
            )
            records = json_records(result.stderr) + json_records(result.stdout)
            assert result.returncode == 2 and [r["level"] for r in records] == ["error"], result.stderr
            assert message in records[0]["message"] and KEY not in result.stderr + result.stdout


def test_warnings_and_uncaught_exceptions_are_json_records_with_their_traceback() -> None:
    script = """if True:
        import threading, warnings
        from mockserver.server.announce import Announcer
        from mockserver.server.logconfig import logging_config
        Announcer(logging_config("json", "info"), as_json=True)
        warnings.warn("a deprecated thing")
        worker = threading.Thread(target=lambda: 1 / 0, name="worker")
        worker.start()
        worker.join()
        raise RuntimeError("boom")
    """
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    records = json_records(result.stderr)
    assert [(r["level"], r["logger"]) for r in records] == [
        ("warning", "py.warnings"),
        ("critical", "flexportal_mock"),
        ("critical", "flexportal_mock"),
    ]
    assert "a deprecated thing" in records[0]["message"]
    assert "ZeroDivisionError" in records[1]["exception"] and "worker" in records[1]["message"]
    assert records[2]["message"] == "uncaught RuntimeError: boom" and "Traceback" in records[2]["exception"]


def test_the_banner_names_the_variable_the_kit_reads_its_key_from() -> None:
    from contract_tests.transport.client import API_KEY_ENV as KIT_KEY_ENV
    from mockserver.domain.defaults import API_KEY_ENV

    assert API_KEY_ENV == KIT_KEY_ENV == "FLEXPORTAL_API_KEY"
