"""The README's Schemathesis command, all checks, against a real mock process: no failure."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.serving import running_mock

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> tuple[list[str], list[str]]:
    """The mock and schemathesis command lines the README gives, split into words."""
    readme = (ROOT / "README.md").read_text()
    mock = re.search(r"^\.venv/bin/flexportal-mock (--api-key .*) &$", readme, re.MULTILINE)
    run = re.search(r"^\.venv/bin/schemathesis (run .*)$", readme, re.MULTILINE)
    assert mock and run, "README lost its 'Check the contract' commands"
    return shlex.split(mock[1]), shlex.split(run[1])


def test_readme_schemathesis_command_reports_no_failure(tmp_path: Path) -> None:
    mock_args, run_args = readme_commands()
    assert "--checks" in run_args and run_args[run_args.index("--checks") + 1] == "all"
    with running_mock(*mock_args, "--log-level", "warning") as mock:
        run_args[run_args.index("--url") + 1] = mock.base_url
        report = tmp_path / "junit.xml"
        command = [
            str(Path(sys.executable).parent / "schemathesis"),
            *run_args,
            "--max-examples",
            "15",
            "--seed",
            "1",
            "--report",
            "junit",
            "--report-junit-path",
            str(report),
        ]
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=400)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "No issues found" in output
    assert 'failures="0"' in report.read_text() and 'errors="0"' in report.read_text()
