"""Schemathesis with all checks against a real mock process: the kit page's command, and the fuzz target.

The normal suite runs each scenario with a few examples. `pytest -m fuzz` runs the same
scenarios with thousands of cases (`FLEXPORTAL_FUZZ_EXAMPLES` per operation and phase, 500 by
default): valid credentials, a wrong key, and a tenant the mock does not serve. The stateful
phase alone, with more scenarios, proves that every link of `openapi.yaml` is followed.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from contract_tests.run.cursors import IssuedCursors, bind_cursor
from tests.docs.pages import section
from tests.helpers import running_mock
from tests.mock.stateful_events import Follow, follows

pytestmark = pytest.mark.slow(seconds=95)
ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = {
    "valid credentials": {},
    "a wrong key": {"Authorization": "Bearer not-the-key"},
    "an unknown tenant": {"Tenant-ID": "initech"},
}
# What Schemathesis rightly notes when every answer is a refusal; anything else is an issue.
REFUSED_EVERYWHERE = "Authentication failed: 3 operations returned only 401/403 responses"


def readme_commands() -> tuple[list[str], list[str]]:
    """The mock and schemathesis command lines the kit page gives, split into words."""
    text = section("docs/kit.md", "Check the contract with Schemathesis")
    mock = re.search(r"^\.venv/bin/flexportal-mock (--api-key .*) &$", text, re.MULTILINE)
    run = re.search(r"^\.venv/bin/schemathesis (run .*)$", text, re.MULTILINE)
    assert mock and run, "the kit page lost its 'Check the contract' commands"
    return shlex.split(mock[1]), shlex.split(run[1])


def run_schemathesis(tmp_path: Path, examples: int, headers: dict[str, str], *extra: str) -> str:
    """The kit page's run, with `headers` replacing its own, must report no failure and the server no traceback.

    `extra` options follow the page's (a later `--phases` wins); the output is returned.
    """
    mock_args, run_args = readme_commands()
    assert "--checks" in run_args and run_args[run_args.index("--checks") + 1] == "all"
    for name, value in headers.items():
        index = next(i for i, word in enumerate(run_args) if word.startswith(f"{name}:"))
        run_args[index] = f"{name}: {value}"
    report = tmp_path / "junit.xml"
    with running_mock(*mock_args, "--log-level", "warning") as mock:
        run_args[run_args.index("--url") + 1] = mock.base_url
        command = [
            str(Path(sys.executable).parent / "schemathesis"),
            *run_args,
            *("--max-examples", str(examples), "--seed", "1"),
            *("--report", "junit", "--report-junit-path", str(report)),
            *extra,
        ]
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=3000)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "No issues found" in output if not headers else REFUSED_EVERYWHERE in output and " passed" in output
    assert "failed" not in output.split("Test cases:")[-1]
    assert 'failures="0"' in report.read_text() and 'errors="0"' in report.read_text()
    assert "Traceback" not in mock.log and " 500 " not in mock.log
    return output


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_readme_schemathesis_command_reports_no_failure(tmp_path: Path, scenario: str) -> None:
    run_schemathesis(tmp_path, 15, SCENARIOS[scenario])


@pytest.mark.fuzz
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_fuzzing_finds_no_server_error_and_no_schema_violation(tmp_path: Path, scenario: str) -> None:
    run_schemathesis(tmp_path, int(os.environ.get("FLEXPORTAL_FUZZ_EXAMPLES", "500")), SCENARIOS[scenario])


def test_readme_command_runs_the_stateful_phase() -> None:
    _, run_args = readme_commands()
    assert "--phases" in run_args and "stateful" in run_args[run_args.index("--phases") + 1].split(",")


def test_stateful_phase_follows_every_link_and_finds_nothing(tmp_path: Path) -> None:
    """List -> Get Customer, list -> next page, Get Customer -> Update Customer: each followed, none failing."""
    events = tmp_path / "events.ndjson"
    output = run_schemathesis(
        tmp_path, 40, {}, "--phases", "stateful", "--report", "ndjson", "--report-ndjson-path", str(events)
    )
    covered = re.search(r"API Links:\s+(\d+) covered / (\d+) selected / (\d+) total", output)
    assert covered and covered[1] == covered[3], output[-3000:]
    steps = follows(events)
    succeeded = {step.link for step in steps if step.applied and step.mode == "positive" and step.status == 200}
    assert succeeded == {"GetCustomer", "NextPage", "UpdateCustomer"}, sorted({(s.link, s.status) for s in steps})
    # The cursor a page carried, sent back with the filters and sort it came from, is a page.
    assert any(step.status == 200 and issued_cursor_sent(step) for step in steps if step.link == "NextPage")
    for step in steps:
        assert all(unresolved_by_design(step, name) for name in step.unresolved), (step.link, step.unresolved)


def issued_cursor_sent(step: Follow) -> bool:
    cursor = step.source_body.get("nextCursor") if isinstance(step.source_body, dict) else None
    return cursor is not None and step.query.get("startAfter") == [cursor]


def unresolved_by_design(step: Follow, name: str) -> bool:
    """A link finds nothing only where the source leaves it out: a filter not used, the first item of an empty page."""
    if step.expressions[name].startswith("$request.query."):
        return True
    empty_page = isinstance(step.source_body, dict) and step.source_body.get("customers") == []
    return step.link == "GetCustomer" and name == "customerId" and empty_page


def test_a_cursor_the_server_issued_goes_with_its_own_filters_and_an_invented_one_is_dropped() -> None:
    issued = IssuedCursors(capacity=2)
    issued.remember("c1", {"status": "active", "sortBy": "email", "limit": 5, "startAfter": "c0"})
    query: dict[str, Any] = {"startAfter": "c1", "limit": 7, "customerType": "business", "sortBy": "lastName"}
    bind_cursor(query, issued)
    assert query == {"startAfter": "c1", "limit": 7, "status": "active", "sortBy": "email"}
    invented: dict[str, Any] = {"startAfter": "made-up", "status": "inactive"}
    bind_cursor(invented, issued)
    assert invented == {"status": "inactive"}
    issued.remember("c2", {})
    issued.remember("c3", {})
    assert issued.query_for("c1") is None and issued.query_for("c3") == {}, "the oldest cursor is forgotten"
