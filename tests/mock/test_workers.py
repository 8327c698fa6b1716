"""`--workers N`: every worker serves the same pages, accepts the others' cursors and sees every write."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import headers, mock_command, running_mock

pytestmark = pytest.mark.slow(seconds=30)

KEY = "workers-key"
HEADERS = headers(KEY)
ARGS = ("--workers", "2", "--customers", "150", "--api-key", KEY, "--log-level", "warning")


def fresh(base_url: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """One request on a new connection, so that any worker may accept it."""
    with httpx.Client(base_url=base_url, headers=HEADERS, timeout=20) as client:
        return client.request(method, path, **kwargs)


def workers_seen(base_url: str, requests: int = 40) -> set[int]:
    return {fresh(base_url, "GET", "/healthz").json()["worker"] for _ in range(requests)}


def test_workers_serve_the_same_pages_and_each_others_cursors() -> None:
    with running_mock(*ARGS) as mock:
        assert "with 2 workers" in mock.banner
        assert len(workers_seen(mock.base_url)) == 2
        params: dict[str, Any] = {"limit": 7, "sortBy": "lastName"}
        pages = []
        while True:
            bodies = {fresh(mock.base_url, "GET", "/v1/customers", params=params).content for _ in range(6)}
            assert len(bodies) == 1, "workers served different bytes for one page"
            page = httpx.Response(200, content=bodies.pop()).json()
            pages.append(page)
            if not page["hasMore"]:
                break
            params["startAfter"] = page["nextCursor"]
        ids = [item["customerId"] for page in pages for item in page["customers"]]
        assert len(ids) == len(set(ids)) == 150


def test_a_write_through_one_worker_is_served_by_every_worker(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    with running_mock(*ARGS, "--state", str(state)) as mock:
        assert str(state) in mock.banner
        first = fresh(mock.base_url, "GET", "/v1/customers", params={"limit": 1}).json()["customers"][0]
        updated = fresh(mock.base_url, "PATCH", f"/v1/customers/{first['customerId']}", json={"lastName": "Shared"})
        assert updated.status_code == 200, updated.text
        order = fresh(mock.base_url, "POST", "/_mock/orders", json={"email": "both@workers.example"})
        assert order.status_code == 201, order.text
        created = order.json()["customer"]["customerId"]
        for _ in range(30):
            assert (
                fresh(mock.base_url, "GET", f"/v1/customers/{first['customerId']}").json()["customer"]["lastName"]
                == "Shared"
            )
            found = fresh(mock.base_url, "GET", "/v1/customers", params={"email": "BOTH@workers.example"}).json()
            assert [item["customerId"] for item in found["customers"]] == [created]
    # The file keeps the writes: a new server on it serves them again.
    with running_mock("--customers", "150", "--api-key", KEY, "--state", str(state)) as again:
        assert (
            fresh(again.base_url, "GET", f"/v1/customers/{first['customerId']}").json()["customer"]["lastName"]
            == "Shared"
        )


def test_an_email_can_be_taken_only_once_across_workers() -> None:
    with running_mock(*ARGS) as mock:
        customers = fresh(mock.base_url, "GET", "/v1/customers", params={"limit": 20}).json()["customers"]
        answers = [
            fresh(mock.base_url, "PATCH", f"/v1/customers/{item['customerId']}", json={"email": "one@owner.example"})
            for item in customers
        ]
        assert sorted(answer.status_code for answer in answers) == [200] + [409] * 19


def test_a_rate_limit_refuses_several_workers() -> None:
    result = subprocess.run(
        mock_command("--workers", "2", "--rate-limit", "100"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--workers 1" in result.stderr


@pytest.mark.parametrize("workers", ["0", "65"])
def test_the_number_of_workers_is_bounded(workers: str) -> None:
    result = subprocess.run(mock_command("--workers", workers), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--workers must be from 1 to 64" in result.stderr
