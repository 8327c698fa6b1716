"""`python -m contract_tests` as CI runs it: against a deployment by URL, within a budget and a rate."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.helpers import running_mock
from tests.kit.runs import SECRET, WALKED_BUDGET, kit

pytestmark = pytest.mark.slow(seconds=60)


def assert_every_property_checked(output: str, budget: str) -> None:
    """The run held every property and checked each of them within `budget`, each listed with its examples."""
    assert "every property checked holds" in output and "NOT CHECKED" not in output
    assert "18 passed" in output, output[-1000:]
    sent = re.search(rf"(\d+) requests sent of a budget of {budget}", output)
    assert sent is not None and int(sent[1]) <= int(budget)
    for name in ("test_schema_conformance", "test_tenant_isolation", "test_pagination_under_change", "test_direction"):
        assert re.search(rf"{name} +\d+ / \d+ +[1-9]\d* examples? checked", output), name


def test_passes_against_a_mock_started_by_hand_without_showing_the_key(tmp_path: Path) -> None:
    workdir, caches = tmp_path / "work", tmp_path / "caches"
    workdir.mkdir()
    report = workdir / "kit.xml"
    with running_mock("--api-key", SECRET, "--log-level", "warning") as mock:
        result = kit(
            "--base-url", mock.base_url, "--tenant", "acme", "--other-tenant", "globex", "--junitxml", str(report),
            "--max-requests", str(WALKED_BUDGET), cwd=workdir, environ={"XDG_CACHE_HOME": str(caches)},
        )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert f"target: {mock.base_url}, tenant acme" in output
    assert_every_property_checked(output, str(WALKED_BUDGET))
    assert " skipped" not in output
    written = [path for path in workdir.rglob("*") if path.is_file()]
    assert written == [report]  # nothing of the ci profile's in the working folder
    assert SECRET not in output and SECRET not in report.read_text()
    # Hypothesis' caches, in the user's cache folder for the next run: derived tables, no example database, no key.
    kept = [path for path in (caches / "flexportal-contract").rglob("*") if path.is_file()]
    kinds = {path.relative_to(caches / "flexportal-contract" / "hypothesis").parts[0] for path in kept}
    assert "unicode_data" in kinds and kinds <= {"unicode_data", "constants"}, kinds
    assert all(SECRET.encode() not in path.read_bytes() for path in kept)


def test_every_property_is_checked_within_the_smallest_budget_against_a_mock_started_by_hand() -> None:
    # The test above does the same at WALKED_BUDGET.
    with running_mock("--api-key", SECRET, "--log-level", "warning") as mock:
        result = kit("--base-url", mock.base_url, "--tenant", "acme", "--other-tenant", "globex",
                     "--max-requests", "300")  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    assert_every_property_checked(result.stdout, "300")


def test_shrinking_a_failure_stops_at_its_share_and_the_properties_after_it_are_checked() -> None:
    result = kit("--app", "tests.kit.variants:has_more_on_exactly_full_last_page", "--max-requests", "600")
    assert result.returncode == 1, result.stdout[-3000:]
    assert "FAILED test_traversal: " in result.stdout
    assert re.search(r"test_traversal +\d+ / \d+ .*shrinking stopped at its share", result.stdout)
    assert "NOT CHECKED" not in result.stdout
    assert re.search(r"test_direction +\d+ / \d+ +[1-9]\d* examples? checked", result.stdout), result.stdout[-3000:]
    failure = result.stdout.split("FAILED test_traversal: ", 1)[1].split("\nFAILED ", 1)[0]
    assert "curl -H" in failure  # the smallest failing example found is shown with its requests


def test_a_deployment_needs_a_tenant_and_a_key() -> None:
    result = kit("--base-url", "http://127.0.0.1:9", "--tenant", "acme", key=None)
    assert result.returncode != 0
    assert "needs --tenant and an API key" in result.stdout + result.stderr


def test_a_budget_below_the_minimum_is_said_and_stops_the_run_without_a_verdict() -> None:
    result = kit("--max-requests", "30")
    assert result.returncode == 75, result.stdout[-3000:]
    assert "WARNING the budget of 30 requests is below the " in result.stdout
    assert "NOT CHECKED test_direction: the request budget of 30 is spent" in result.stdout
    sent = re.search(r"(\d+) requests sent of a budget of 30", result.stdout)
    assert sent is not None and int(sent[1]) <= 30
    assert "FAILED" not in result.stdout


def test_the_rate_spaces_requests() -> None:
    started = time.monotonic()
    result = kit("--rate", "120", "-k", "test_authentication")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "4 requests sent" in result.stdout
    assert time.monotonic() - started >= 1.5  # four requests at two a second: three gaps of half a second


def test_the_tie_breaker_rule_is_overridden_without_editing_code() -> None:
    # The mock breaks ties in the sort's direction; told that a real deployment always breaks them
    # ascending, the kit must find the mock's descending ties out of order.
    result = kit("--tie-breaker-direction", "ascending", "-k", "test_order", "--max-requests", "100")
    assert result.returncode == 1, result.stdout[-3000:]
    assert "FAILED test_order: customers are out of order" in result.stdout


ORDER_PROPERTIES = "test_order or test_limit_invariance or test_partition or test_direction"


def test_a_collation_this_machine_cannot_compute_is_a_usage_error() -> None:
    result = kit("--string-collation", "libc:xx_NOWHERE.UTF-8")
    assert result.returncode == 4, result.stdout[-3000:]
    assert "no locale 'xx_NOWHERE.UTF-8'" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_a_wrong_collation_fails_only_test_order_which_names_the_right_one() -> None:
    # The mock sorts by code point; told it is glibc's en_US, only the order itself is wrong:
    # the other properties compare the server's own traversals.
    result = kit("--string-collation", "libc:en_US.UTF-8", "-k", ORDER_PROPERTIES, "--max-requests", "300")
    assert result.returncode == 1, result.stdout[-3000:]
    assert "FAILED test_order: customers are out of order" in result.stdout
    assert result.stdout.count("FAILED test_") == 1, result.stdout[-3000:]
    # Shrunk to ties of createdAt or to names, the hint names code point for the field that failed.
    assert re.search(r"order is what --(string|id)-collation codepoint", result.stdout), result.stdout[-3000:]


def test_any_collation_accepts_the_mocks_consistent_order() -> None:
    result = kit("--string-collation", "any", "-k", ORDER_PROPERTIES, "--max-requests", "300")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "every property checked holds" in result.stdout


def test_a_thorough_run_keeps_the_key_out_of_its_example_database(tmp_path: Path) -> None:
    result = kit(
        "--profile", "thorough", "-k", "test_email_lookup or test_cursor_robustness", "--max-requests", "300",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    stored = [path for path in (tmp_path / ".hypothesis").rglob("*") if path.is_file()]
    assert stored, "the thorough profile keeps an example database"
    assert all(SECRET.encode() not in path.read_bytes() for path in stored)
    assert SECRET not in result.stdout + result.stderr
