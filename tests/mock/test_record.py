"""`flexportal-mock record` end to end: record a running mock, serve the file, and the kit passes against it."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import mockserver.recording
from mockserver.dataset import dataset_records
from mockserver.domain.customer import list_item
from mockserver.domain.query import fold_email
from mockserver.recording import command, recorder
from mockserver.settings import Settings
from mockserver.storage.fixturefile import load_fixtures
from tests.helpers import RunningMock, mock_command, running_mock
from tests.kit.runs import SECRET, WALKED_BUDGET, kit
from tests.mock.recorded_names import full_names

pytestmark = pytest.mark.slow(seconds=25)

SEED, CUSTOMERS, TENANTS = 5, 150, ("acme", "globex")
ANONYMISE_KEY = "a recording key, the same each time"


def record(
    *args: str, key: str | None = SECRET, anonymise_key: str | None = ANONYMISE_KEY
) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("FLEXPORTAL_")}
    if key is not None:
        env["FLEXPORTAL_API_KEY"] = key
    if anonymise_key is not None:
        env["FLEXPORTAL_ANONYMISE_KEY"] = anonymise_key
    command_line = mock_command("record", "--rate", "0", *args)
    return subprocess.run(command_line, capture_output=True, text=True, timeout=300, env=env)


def tenant_args(mock: RunningMock, out: Path) -> list[str]:
    return ["--base-url", mock.base_url, "--tenant", "acme", "--tenant", "globex", "--out", str(out)]


@pytest.fixture(scope="module")
def source() -> Iterator[RunningMock]:
    with running_mock(
        "--seed", str(SEED), "--customers", str(CUSTOMERS), "--tenant", "acme", "--tenant", "globex",
        "--api-key", SECRET, "--log-level", "warning",
    ) as mock:  # fmt: skip
        yield mock


@pytest.fixture(scope="module")
def originals() -> dict[str, list[dict[str, Any]]]:
    return dataset_records(Settings(seed=SEED, customers=CUSTOMERS, tenants=TENANTS))


@pytest.fixture(scope="module")
def recorded(source: RunningMock, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("recorded") / "tenants.json"
    result = record(*tenant_args(source, out))
    assert result.returncode == 0, result.stderr
    return out, result.stdout + result.stderr


def test_the_recording_serves_and_the_kit_passes_against_it(recorded: tuple[Path, str], tmp_path: Path) -> None:
    out, printed = recorded
    assert f"recorded {2 * CUSTOMERS} customers of acme, globex into {out} (anonymised)" in printed
    with running_mock("--fixtures", str(out), "--api-key", SECRET, "--log-level", "warning") as mock:
        assert f"acme ({CUSTOMERS} customers), globex ({CUSTOMERS} customers)" in mock.banner
        result = kit("--base-url", mock.base_url, "--tenant", "acme", "--other-tenant", "globex",
                     "--max-requests", str(WALKED_BUDGET), cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    assert "every property checked holds" in result.stdout
    assert "left out" not in result.stdout, result.stdout[-3000:]  # every enumeration walked


def test_the_recording_holds_no_name_email_phone_or_key_of_the_source(
    recorded: tuple[Path, str], originals: dict[str, list[dict[str, Any]]]
) -> None:
    out, printed = recorded
    text = out.read_text(encoding="utf-8")
    folded = text.casefold()
    names = {name.casefold() for records in load_fixtures(out).values() for name in full_names(records)}
    for records in originals.values():
        for original in records:
            assert fold_email(original["email"]) not in folded
            assert f"{original['firstName']} {original['lastName']}".casefold() not in names
            if original.get("phone"):
                assert original["phone"] not in text
    assert SECRET not in text and SECRET not in printed
    assert ANONYMISE_KEY not in text and ANONYMISE_KEY.encode().hex() not in text
    assert not out.with_name(out.name + ".partial").exists()


def test_what_the_contract_depends_on_is_recorded_as_served(
    recorded: tuple[Path, str], originals: dict[str, list[dict[str, Any]]]
) -> None:
    served = load_fixtures(recorded[0])
    for tenant, records in originals.items():
        by_id = {record["customerId"]: record for record in served[tenant]}
        assert by_id.keys() == {record["customerId"] for record in records}
        for original in records:
            copy = by_id[original["customerId"]]
            for field in ("customerType", "status", "totalDevicesRented", "totalMonthlyRevenue", "createdAt",
                          "updatedAt", "orderIds", "lifetimeCollected", "customerMargin"):  # fmt: skip
                assert copy[field] == original[field], field
            assert copy["firstName"][:1].isalpha() == original["firstName"][:1].isalpha()


@pytest.fixture
def record_here(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str]]:
    """`flexportal-mock record` in this process (no start-up to pay): its status and all it printed."""

    def run(*args: str, key: str | None = SECRET, anonymise_key: str | None = ANONYMISE_KEY) -> tuple[int, str]:
        for name, value in (("FLEXPORTAL_API_KEY", key), ("FLEXPORTAL_ANONYMISE_KEY", anonymise_key)):
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        try:
            status = command.main(["--rate", "0", *args])
        except SystemExit as usage:
            status = int(usage.code or 0)
        printed = capsys.readouterr()
        return status, printed.out + printed.err

    return run


def test_an_interrupted_recording_resumes_to_the_same_file(
    source: RunningMock, recorded: tuple[Path, str], tmp_path: Path, record_here: Callable[..., tuple[int, str]]
) -> None:
    out = tmp_path / "resumed.json"
    partial = out.with_name(out.name + ".partial")
    status, printed = record_here(*tenant_args(source, out), "--max-requests", "40")
    assert status == command.EXIT_STOPPED, printed
    assert "the request budget of 40 is spent" in printed and str(partial) in printed
    assert not out.exists() and stat.S_IMODE(partial.stat().st_mode) == 0o600
    state = partial.read_text(encoding="utf-8")
    assert SECRET not in state and ANONYMISE_KEY not in state and ANONYMISE_KEY.encode().hex() not in state
    assert record_here(*tenant_args(source, out), "--max-requests", "200")[0] == command.EXIT_STOPPED
    status, printed = record_here(*tenant_args(source, out))
    assert status == 0, printed
    assert out.read_bytes() == recorded[0].read_bytes()  # the same stand-ins as in one go
    assert not partial.exists() and SECRET not in printed


def test_without_a_key_a_recording_draws_one_and_keeps_it_across_a_resume(
    source: RunningMock, tmp_path: Path, record_here: Callable[..., tuple[int, str]]
) -> None:
    out = tmp_path / "random-key.json"
    assert record_here(*tenant_args(source, out), "--max-requests", "120", anonymise_key=None)[0] == 3
    assert record_here(*tenant_args(source, out), anonymise_key=None)[0] == 0
    records = [record for records in load_fixtures(out).values() for record in records]
    assert len(records) == 2 * CUSTOMERS


def test_keeping_personal_data_records_what_was_served(
    source: RunningMock,
    originals: dict[str, list[dict[str, Any]]],
    tmp_path: Path,
    record_here: Callable[..., tuple[int, str]],
) -> None:
    out = tmp_path / "kept.json"
    status, printed = record_here("--base-url", source.base_url, "--tenant", "acme", "--out", str(out),
                                  "--keep-personal-data")  # fmt: skip
    assert status == 0, printed
    assert "personal data included" in printed
    kept = json.loads(out.read_text(encoding="utf-8"))["tenants"]
    assert sorted(kept["acme"], key=lambda r: r["customerId"]) == sorted(
        originals["acme"], key=lambda r: r["customerId"]
    )


def test_a_wrong_key_is_refused_without_being_shown(
    source: RunningMock, tmp_path: Path, record_here: Callable[..., tuple[int, str]]
) -> None:
    wrong = "wrong-key-never-shown-2718"
    status, printed = record_here(*tenant_args(source, tmp_path / "x.json"), key=wrong)
    assert status == 1
    assert "answered 401" in printed and "FLEXPORTAL_API_KEY" in printed
    assert wrong not in printed


def test_usage_errors_are_clear(
    source: RunningMock, tmp_path: Path, record_here: Callable[..., tuple[int, str]]
) -> None:
    out = tmp_path / "x.json"
    status, printed = record_here(*tenant_args(source, out), key=None)
    assert status == 2 and "set $FLEXPORTAL_API_KEY" in printed
    status, printed = record_here(*tenant_args(source, out), anonymise_key="short")
    assert status == 2 and "at least 16 bytes" in printed
    status, printed = record_here(*tenant_args(source, out), "--tenant", "no tenant")
    assert status == 2 and "not a tenant identifier" in printed
    assert record_here(*tenant_args(source, out), "--max-requests", "5")[0] == 3
    status, printed = record_here("--base-url", source.base_url, "--tenant", "acme", "--out", str(out))
    assert status == 2 and "other arguments" in printed
    status, printed = record_here(*tenant_args(source, out), anonymise_key="another key of sixteen bytes or more")
    assert status == 2 and "another anonymisation key" in printed


def test_the_command_line_names_record(tmp_path: Path) -> None:
    result = record("--help")
    assert result.returncode == 0 and "--keep-personal-data" in result.stdout and "FLEXPORTAL_API_KEY" in result.stdout


def test_without_the_kit_installed_it_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for name in list(sys.modules):
        if name.startswith(("contract_tests", "mockserver.recording.recorder")) or name == "httpx":
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.delattr(mockserver.recording, "recorder", raising=False)
    monkeypatch.setitem(sys.modules, "httpx", None)
    monkeypatch.setenv("FLEXPORTAL_API_KEY", SECRET)
    status = command.main(["--base-url", "http://127.0.0.1:9", "--tenant", "acme", "--out", str(tmp_path / "x.json")])
    assert status == 2
    assert "pip install 'flexportal-mock[kit]'" in capsys.readouterr().err


def test_a_429_is_waited_out_and_only_gets_are_sent(originals: dict[str, list[dict[str, Any]]], tmp_path: Path) -> None:
    customers = originals["acme"][:3]
    sent: list[httpx.Request] = []

    def deployment(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if len(sent) == 1:
            return httpx.Response(429, headers={"Retry-After": "0"}, json={"error": {"code": "RATE_LIMITED"}})
        if request.url.path == "/v1/customers":
            page = {"customers": [list_item(c) for c in customers], "count": 3, "limit": 100}
            return httpx.Response(200, json={**page, "hasMore": False, "nextCursor": None})
        (customer,) = [c for c in customers if request.url.path.endswith(c["customerId"])]
        return httpx.Response(200, json={"customer": customer})

    recording = recorder.Recording(
        base_url="https://deployment.example", tenants=("acme",), out=tmp_path / "out.json",
        api_key=SECRET, anonymise_key=ANONYMISE_KEY.encode(),
    )  # fmt: skip
    assert recorder.record(recording, transport=httpx.MockTransport(deployment)) == 3
    assert [request.method for request in sent] == ["GET"] * 5  # the 429, its retry, three customers
    assert sent[0].url == sent[1].url and sent[1].headers["Authorization"] == f"Bearer {SECRET}"
    assert sorted(r["customerId"] for r in load_fixtures(recording.out)["acme"]) == sorted(
        c["customerId"] for c in customers
    )
