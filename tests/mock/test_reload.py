"""Live fixtures: a real server serves a fixture file's edits without a restart, and survives broken ones."""

from __future__ import annotations

import copy
import json
import os
import time
from pathlib import Path
from typing import Any

import httpx

from tests.helpers import RunningMock, headers, running_mock

ROOT = Path(__file__).resolve().parents[2]
HEADERS = headers(tenant="edge")


def write(path: Path, document: Any) -> None:
    """Save `document` at `path` whole, as editors save (a new file renamed over the old one).

    Written in place, the watcher may read the file half-written and rightly report it as not
    valid JSON, before the error the test waits for.
    """
    scratch = path.with_suffix(".saving")
    scratch.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    os.replace(scratch, path)


def wait_until_served(mock: RunningMock, tenants: dict[str, int], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while (served := httpx.get(f"{mock.base_url}/healthz").json()["tenants"]) != tenants:
        assert time.monotonic() < deadline, f"still serving {served}, not {tenants}"
        time.sleep(0.1)


def test_edits_are_served_and_broken_edits_keep_the_last_good_data(tmp_path: Path) -> None:
    original = json.loads((ROOT / "fixtures" / "edge-cases.json").read_text(encoding="utf-8"))
    size = len(original["tenants"]["edge"])
    fixture = tmp_path / "customers.json"
    write(fixture, original)
    with running_mock("--fixtures", str(fixture)) as mock, httpx.Client(base_url=mock.base_url) as client:
        mock.wait_for_log(f"watching {fixture} for changes")
        first = client.get("/v1/customers", params={"limit": 5}, headers=HEADERS).json()

        edited = copy.deepcopy(original)
        edited["tenants"]["edge"][0]["firstName"] = "Renamed"
        edited["tenants"]["edge"].pop()
        edited["tenants"]["second"] = []
        write(fixture, edited)
        wait_until_served(mock, {"edge": size - 1, "second": 0})
        assert mock.wait_for_log(r"reloaded .*customers\.json: edge \(\d+ customers\), second \(0 customers\)")
        renamed = edited["tenants"]["edge"][0]["customerId"]
        detail = client.get(f"/v1/customers/{renamed}", headers=HEADERS).json()["customer"]
        assert detail["firstName"] == "Renamed"

        # A cursor minted before the reload goes on from its position in the new data.
        after = client.get("/v1/customers", params={"limit": 5, "startAfter": first["nextCursor"]}, headers=HEADERS)
        assert after.status_code == 200 and after.json()["customers"]

        mark = len(mock.lines)
        fixture.write_text('{"format": "flexportal-mock-fixtures/1", "tenants": {', encoding="utf-8")
        line = mock.wait_for_log("not reloaded", after=mark)
        assert str(fixture) in line and "not valid JSON" in line and "last good data" in line

        mark = len(mock.lines)
        invalid = copy.deepcopy(edited)
        invalid["tenants"]["edge"][1]["status"] = "gone"
        write(fixture, invalid)
        line = mock.wait_for_log("not reloaded", after=mark)
        assert "tenant 'edge', record 1" in line and "status" in line
        assert client.get("/healthz").json()["tenants"] == {"edge": size - 1, "second": 0}
        assert client.get(f"/v1/customers/{renamed}", headers=HEADERS).json()["customer"]["firstName"] == "Renamed"

        write(fixture, original)
        wait_until_served(mock, {"edge": size})
    assert "Traceback" not in mock.log
