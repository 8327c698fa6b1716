"""The README's tour and the getting-started, writes and data pages' commands, run as written against the default mock.

The mock is started with no dataset option, as the README's first command starts it, so an id a
page names must exist in the default dataset. Each `curl` line runs in bash, its address
replaced by the test mock's; every answer must be a success, and the write must show.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from collections.abc import Iterator

import httpx
import pytest

from tests.docs.pages import EXAMPLE_BASE, ROOT, blocks, lines, read, section
from tests.helpers import RunningMock, headers, missing_here, running_mock

HEADERS = headers("demo-key")


@pytest.fixture(scope="module")
def default_mock() -> Iterator[RunningMock]:
    with running_mock("--log-level", "warning") as mock:
        yield mock


def curl_commands(text: str) -> list[str]:
    """The curl commands of the `sh` blocks of `text`, a continued line joined to its start."""
    commands = []
    for block in blocks(text, "sh"):
        commands += [line for line in block.replace("\\\n", " ").splitlines() if line.startswith("curl ")]
    return commands


def run_curl(command: str, mock: RunningMock) -> str:
    """What `command` writes, run by bash against `mock`; it must succeed and get a 2xx."""
    if shutil.which("curl") is None:
        missing_here("curl is not installed (apt-get install curl)")
    done = subprocess.run(
        ["bash", "-c", command.replace(EXAMPLE_BASE, mock.base_url) + " --fail-with-body --silent --show-error"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
    )
    assert done.returncode == 0, (command, done.stdout, done.stderr)
    return done.stdout


def reset(mock: RunningMock) -> None:
    httpx.post(f"{mock.base_url}/_mock/reset", headers=HEADERS).raise_for_status()


def test_the_readme_tour_runs_as_written(default_mock: RunningMock) -> None:
    reset(default_mock)
    listed, got, patched, reset_answer = (
        run_curl(command, default_mock) for command in curl_commands(section("README.md", "A one-minute tour"))
    )
    page = json.loads(listed)
    assert page["count"] == 3 and all(customer["status"] == "active" for customer in page["customers"])
    revenues = [customer["totalMonthlyRevenue"] for customer in page["customers"]]
    assert revenues == sorted(revenues, reverse=True)
    customer = json.loads(got)["customer"]
    assert "customerMargin" in customer, "Get Customer's profitability figures"
    edited = json.loads(patched)["customer"]
    assert edited["customerId"] == customer["customerId"] and edited["lastName"] == "Łukasiewicz"
    assert reset_answer == ""
    url = f"{default_mock.base_url}/v1/customers/{customer['customerId']}"
    assert httpx.get(url, headers=HEADERS).json()["customer"] == customer, "the reset undid the edit"


def test_getting_started_try_it_runs_as_written(default_mock: RunningMock) -> None:
    listed, got = (run_curl(command, default_mock) for command in curl_commands(section("docs/index.md", "Try it")))
    assert json.loads(listed)["count"] == 10
    assert json.loads(got)["customer"]["customerId"] in section("docs/index.md", "Try it")


def test_the_update_customer_example_changes_the_customer(default_mock: RunningMock) -> None:
    reset(default_mock)
    (command,) = curl_commands(section("docs/writes.md", "Writes and state"))
    customer = json.loads(run_curl(command, default_mock))["customer"]
    assert (customer["lastName"], customer["status"]) == ("Łukasiewicz", "active")
    listed = httpx.get(
        f"{default_mock.base_url}/v1/customers", params={"email": customer["email"]}, headers=HEADERS
    ).json()
    assert listed["customers"][0]["lastName"] == "Łukasiewicz", "List Customers shows the change at once"
    reset(default_mock)


def test_the_readme_and_getting_started_give_the_same_two_commands() -> None:
    pattern = r"python3 -m venv \.venv && "
    assert lines(read("README.md"), pattern) == lines(read("docs/index.md"), pattern)


def test_the_edge_case_fixture_command_serves_the_edge_tenant() -> None:
    (command,) = lines(section("docs/recording.md", "Data"), r"\.venv/bin/flexportal-mock --fixtures fixtures/")
    args = [str(ROOT / word) if word.startswith("fixtures/") else word for word in shlex.split(command)[1:]]
    with running_mock(*args, "--log-level", "warning") as mock:
        health = httpx.get(f"{mock.base_url}/healthz").json()
    assert list(health["tenants"]) == ["edge"] and health["tenants"]["edge"] > 0
