"""The kit as a CI gate: the documented adoption path, reports dashboards read right, curl lines that reproduce."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from junitparser import Error, JUnitXml, Skipped

from tests.docs import pages
from tests.helpers import free_port, running_mock
from tests.kit.runs import ROOT, kit

pytestmark = pytest.mark.slow(seconds=45)

# A mock that repeats a customer across pages, and the two properties that show it or not, within the
# smallest budget the kit documents: the first traversal across a page boundary shows the duplicate.
BROKEN = (
    "--app tests.kit.variants:duplicate_at_page_boundaries -k 'test_traversal or test_page_shape' --max-requests 300"
)


def _adoption_commands() -> list[str]:
    (script,) = pages.blocks(pages.section("docs/kit.md", "Adopting it: first run, baseline, gate"), "sh")
    return [line for line in script.splitlines() if line.startswith(".venv/bin/python -m contract_tests")]


def _run(command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {name: value for name, value in os.environ.items() if not name.startswith(("FLEXPORTAL_", "GITHUB_"))}
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=300,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
    )  # fmt: skip


def test_the_documented_adoption_path_runs_as_written(tmp_path: Path) -> None:
    """First run, baseline, gate: the documented commands, with the in-process broken mock as the deployment."""
    first, record, gate = (
        line.replace(".venv/bin/python -m contract_tests", f"{shlex.quote(sys.executable)} -m contract_tests {BROKEN}")
        for line in _adoption_commands()
    )
    found = _run(first, tmp_path)
    assert found.returncode == 1, found.stdout[-3000:]
    closing = found.stdout.strip().splitlines()[-1]
    assert "1 failed, 1 passed" in closing and "properties: 1 failed, 1 passed" in found.stdout
    assert "FAILED test_traversal: a traversal returned a customer more than once [correctness: duplicate]" in (
        found.stdout
    )
    (finding,) = json.loads((tmp_path / "kit.json").read_text())["findings"]
    assert (finding["property"], finding["class"], finding["severity"]) == (
        "test_traversal",
        "duplicate",
        "correctness",
    )
    assert finding["curl"] and all(line.startswith("curl ") for line in finding["curl"])

    recorded = _run(record, tmp_path)
    assert recorded.returncode == 0, recorded.stdout[-3000:]
    baseline = json.loads((tmp_path / "kit-baseline.json").read_text())["findings"]
    assert baseline == [
        {"property": "test_traversal", "class": "duplicate", "detail": "a traversal returned a customer more than once"}
    ]

    summary = tmp_path / "step-summary.md"
    gated = _run(gate, tmp_path, GITHUB_STEP_SUMMARY=str(summary))
    assert gated.returncode == 0, gated.stdout[-3000:]
    assert "ACCEPTED test_traversal: " in gated.stdout and "(in the baseline)" in gated.stdout
    assert "1 passed" in gated.stdout.strip().splitlines()[-1] and "1 xfailed" in gated.stdout.strip().splitlines()[-1]
    (suite,) = list(JUnitXml.fromfile(str(tmp_path / "kit.xml")))
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (2, 0, 0, 1)
    (accepted,) = next(case for case in suite if case.name == "test_traversal").result
    assert isinstance(accepted, Skipped) and accepted.type == "accepted"
    assert "`test_traversal` correctness `duplicate`" in summary.read_text()

    # The correct mock, gated by the same baseline: the entry it no longer sees is listed, the run passes.
    healed = gate.replace("--app tests.kit.variants:duplicate_at_page_boundaries ", "")
    fixed = _run(healed, tmp_path)
    assert fixed.returncode == 0, fixed.stdout[-3000:]
    assert "BASELINE entry no longer seen (remove it): test_traversal duplicate: " in fixed.stdout
    # A new finding is not in the baseline: `--fail-on` is the only other way to let it pass.
    other = _run(gate.replace("duplicate_at_page_boundaries", "count_wrong"), tmp_path)
    assert other.returncode == 1 and "FAILED test_page_shape: " in other.stdout, other.stdout[-3000:]


def test_an_unreachable_target_writes_one_errored_case_and_prints_the_summary(tmp_path: Path) -> None:
    port = free_port()
    summary = tmp_path / "step-summary.md"
    result = _run(
        f"{shlex.quote(sys.executable)} -m contract_tests --base-url http://127.0.0.1:{port} --tenant acme"
        " --junitxml kit.xml --report-json kit.json",
        tmp_path,
        FLEXPORTAL_API_KEY="k",
        GITHUB_STEP_SUMMARY=str(summary),
    )
    assert result.returncode == 69, result.stdout[-3000:]
    block = result.stdout.split("FlexPortal contract kit", 1)[1]
    assert f"target unreachable: 127.0.0.1:{port} refused the connection (nothing listens there) (exit status 69)" in (
        block
    )
    (suite,) = list(JUnitXml.fromfile(str(tmp_path / "kit.xml")))
    (case,) = list(suite)
    (error,) = case.result
    assert isinstance(error, Error) and error.type == "unreachable" and "refused the connection" in error.message
    assert (suite.tests, suite.errors) == (1, 1)
    assert json.loads((tmp_path / "kit.json").read_text())["exit_status"] == 69
    assert "refused the connection" in summary.read_text()


def test_counts_agree_for_skipped_and_unchecked_properties(tmp_path: Path) -> None:
    report = tmp_path / "kit.xml"
    result = kit("--max-requests", "30", "--junitxml", str(report))
    assert result.returncode == 75, result.stdout[-3000:]
    closing = result.stdout.strip().splitlines()[-1]
    counted = re.search(r"properties: (.*)", result.stdout)
    assert counted is not None and counted[1] in closing, (counted, closing)
    (suite,) = list(JUnitXml.fromfile(str(report)))
    assert suite.tests == 18 and suite.skipped == len(re.findall(r"NOT CHECKED", result.stdout)) > 0
    kinds = {case.name: [each.type for each in case.result] for case in suite}
    assert "not-checked" in kinds["test_direction"]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed (apt-get install curl)")
def test_a_one_letter_keys_curl_lines_reproduce_the_requests() -> None:
    """Hidden only in the header, the key `k` leaves every cursor as sent: each printed line gets its answer again."""
    with running_mock("--api-key", "k", "--log-level", "warning") as mock:
        result = kit(
            "--base-url", mock.base_url, "--tenant", "acme", "--tie-breaker-direction", "ascending",
            "-k", "test_order", "--max-requests", "100", key="k",
        )  # fmt: skip
        assert result.returncode == 1, result.stdout[-3000:]
        lines = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("curl ")]
        assert lines and any("startAfter=" in line for line in lines)
        for line in dict.fromkeys(lines):
            command, status = line.rsplit("   # -> ", 1)
            assert "FLEXPORTAL_API_KEY" not in shlex.split(command)[-1]  # never in the URL
            replayed = _run(f"{command} -s -o /dev/null -w '%{{http_code}}'", ROOT, FLEXPORTAL_API_KEY="k")
            assert replayed.stdout == status, (line, replayed.stdout, replayed.stderr)


def test_a_failure_the_target_does_not_repeat_is_headed_by_the_finding() -> None:
    """The target answers a page wrongly only the first time: Hypothesis' replay passes and it raises
    FlakyFailure, yet the summary names the finding, and the property's arguments print in a line."""
    result = kit(
        "--app", "tests.kit.variants:count_wrong_on_first_answer", "-k", "test_page_shape", "--max-requests", "100"
    )
    assert result.returncode == 1, result.stdout[-3000:]
    assert "produces unreliable results" in result.stdout  # Hypothesis' flakiness error was met
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED test_page_shape")]
    assert failed == ["FAILED test_page_shape: count is not the number of items in the page [conformance: page-count]"]
    assert "Kit(an in-process mock, tenant acme)" in result.stdout and "json-schema.org" not in result.stdout
