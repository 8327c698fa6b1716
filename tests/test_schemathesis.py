"""Schemathesis with all checks against a real mock process: the README's command, and the fuzz target.

The normal suite runs each scenario with a few examples. `pytest -m fuzz` runs the same
scenarios with thousands of cases (`FLEXPORTAL_FUZZ_EXAMPLES` per operation and phase, 500 by
default): valid credentials, a wrong key, and a tenant the mock does not serve.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.serving import running_mock

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {
    "valid credentials": {},
    "a wrong key": {"Authorization": "Bearer not-the-key"},
    "an unknown tenant": {"Tenant-ID": "initech"},
}
# What Schemathesis rightly notes when every answer is a refusal; anything else is an issue.
REFUSED_EVERYWHERE = "Authentication failed: 3 operations returned only 401/403 responses"


def readme_commands() -> tuple[list[str], list[str]]:
    """The mock and schemathesis command lines the README gives, split into words."""
    readme = (ROOT / "README.md").read_text()
    mock = re.search(r"^\.venv/bin/flexportal-mock (--api-key .*) &$", readme, re.MULTILINE)
    run = re.search(r"^\.venv/bin/schemathesis (run .*)$", readme, re.MULTILINE)
    assert mock and run, "README lost its 'Check the contract' commands"
    return shlex.split(mock[1]), shlex.split(run[1])


def run_schemathesis(tmp_path: Path, examples: int, headers: dict[str, str]) -> None:
    """The README's run, with `headers` replacing its own, must report no failure and the server no traceback."""
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
        ]
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=3000)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "No issues found" in output if not headers else REFUSED_EVERYWHERE in output and " passed" in output
    assert "failed" not in output.split("Test cases:")[-1]
    assert 'failures="0"' in report.read_text() and 'errors="0"' in report.read_text()
    assert "Traceback" not in mock.log and " 500 " not in mock.log


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_readme_schemathesis_command_reports_no_failure(tmp_path: Path, scenario: str) -> None:
    run_schemathesis(tmp_path, 15, SCENARIOS[scenario])


@pytest.mark.fuzz
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_fuzzing_finds_no_server_error_and_no_schema_violation(tmp_path: Path, scenario: str) -> None:
    run_schemathesis(tmp_path, int(os.environ.get("FLEXPORTAL_FUZZ_EXAMPLES", "500")), SCENARIOS[scenario])
