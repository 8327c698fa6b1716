"""`--allow-writes`: pagination under change on a deployment without control endpoints, through Update Customer.

Read-only, an offset cursor gives the same pages as a keyset one; only writes between pages
tell them apart. With writes allowed the kit changes customers through PATCH and puts every
field back afterwards, and says which ones it could not.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from contract_tests.run.plan import DEFAULT_BUDGET, PLANS
from tests.helpers import running_mock
from tests.kit.runs import SECRET, kit
from tests.kit.shares import share_arguments

pytestmark = pytest.mark.slow(seconds=40)
PROPERTY = "test_pagination_under_change"


def default_share() -> list[str]:
    """What a whole run at the default budget gives the property (run alone, it would get the whole budget)."""
    return share_arguments(PROPERTY, DEFAULT_BUDGET)


def everything(base_url: str) -> list[dict[str, Any]]:
    """Every customer of tenant acme, as List Customers shows it, without `updatedAt` (a PATCH advances it)."""
    headers = {"Authorization": f"Bearer {SECRET}", "Tenant-ID": "acme"}
    customers: list[dict[str, Any]] = []
    params: dict[str, str] = {"limit": "100"}
    while True:
        page = httpx.get(f"{base_url}/v1/customers", params=params, headers=headers).json()
        customers += [{k: v for k, v in item.items() if k != "updatedAt"} for item in page["customers"]]
        if not page["hasMore"]:
            return customers
        params["startAfter"] = page["nextCursor"]


def test_writes_go_through_update_customer_and_are_put_back() -> None:
    with running_mock("--api-key", SECRET, "--no-control") as mock:
        before = everything(mock.base_url)
        result = kit("--base-url", mock.base_url, "--tenant", "acme", "--allow-writes", "-k", PROPERTY, "-rA",
                     *default_share())  # fmt: skip
        after = everything(mock.base_url)
        log = mock.log_so_far()
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"PASSED contract_tests/test_change.py::{PROPERTY}" in result.stdout
    assert '"PATCH /v1/customers/' in log and '"POST ' not in log
    assert "NOT RESTORED" not in result.stdout
    assert after == before


def test_without_allow_writes_a_deployment_gets_only_reads() -> None:
    with running_mock("--api-key", SECRET, "--no-control") as mock:
        result = kit("--base-url", mock.base_url, "--tenant", "acme", "-k", PROPERTY, "-rs")
        log = mock.log_so_far()
    assert result.returncode == 0, result.stdout[-3000:]
    assert "read-only: the target offers no control endpoints" in result.stdout
    assert '"PATCH ' not in log and '"POST ' not in log


def test_offset_cursors_are_caught_only_with_writes() -> None:
    variant = "tests.kit.variants:offset_cursors_without_controls"
    read_only = kit("--app", variant, "-k", PROPERTY)
    assert read_only.returncode == 0, read_only.stdout[-3000:]
    assert "1 skipped" in read_only.stdout
    writing = kit("--app", variant, "--allow-writes", "-k", PROPERTY, *default_share())
    assert writing.returncode == 1, writing.stdout[-3000:]
    assert f"FAILED {PROPERTY}: " in writing.stdout
    assert "curl -X PATCH" in writing.stdout


def test_a_change_that_cannot_be_put_back_is_listed() -> None:
    result = kit(
        "--app", "tests.kit.faults:changes_each_customer_once", "--allow-writes", "-k", PROPERTY, *default_share()
    )
    assert "NOT RESTORED cus_" in result.stdout, result.stdout[-3000:]
    assert "answered 403" in result.stdout


def starter_share() -> list[str]:
    """What a whole `--plan starter` run gives the property, for a run of it alone."""
    return share_arguments(PROPERTY, PLANS["starter"].max_requests)


@pytest.mark.parametrize(
    "variant", ["offset_cursors_under_writes", "offset_inside_tie_groups", "bookmark_cursors_under_writes"]
)
def test_write_bugs_are_caught_within_a_starter_plans_share(variant: str) -> None:
    result = kit("--app", f"tests.kit.variants:{variant}", "-k", PROPERTY, *starter_share())
    assert result.returncode == 1, result.stdout[-3000:]
    assert f"FAILED {PROPERTY}: a traversal under writes" in result.stdout
    expected = {"bookmark_cursors_under_writes": ["duplicate-under-writes"]}.get(
        variant, ["skipped-under-writes", "duplicate-under-writes"]
    )
    for finding_class in expected:
        assert f"[{finding_class}]" in result.stdout, result.stdout[-3000:]


def test_the_correct_mock_passes_within_a_starter_plans_share() -> None:
    result = kit("-k", PROPERTY, *starter_share())
    assert result.returncode == 0, result.stdout[-3000:]
    assert "examples checked" in result.stdout


def test_refused_writes_leave_the_property_not_checked() -> None:
    result = kit("--app", "tests.kit.variants:every_patch_refused", "-k", PROPERTY, "-rs")
    assert result.returncode == 75, result.stdout[-3000:]
    assert "not checked: the target refused the kit's writes (write-refused)" in result.stdout
    assert "answered 422 VALIDATION_ERROR" in result.stdout
    assert f"NOT CHECKED {PROPERTY}: the target refused" in result.stdout
    assert "0 examples checked" in result.stdout
