"""Running the contract kit as a user starts it, `python -m contract_tests`, in a process of its own.

The key comes from the environment, as the README tells users to pass it; every other
`FLEXPORTAL_` variable of the suite's environment is left out, so a run sees only its arguments.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET = "kit-secret-do-not-print-3141"
# The smallest budget, with some room, at which a whole run against the mock walks every property's
# enumeration (every sort order, filter value and pair; at 450 the summary names what it left out,
# at 520 nothing): what a proof that a correct target passes needs, where 4,000 only adds drawn examples.
WALKED_BUDGET = 600


def kit(
    *args: str, cwd: Path = ROOT, key: str | None = SECRET, environ: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """One run of the kit with these arguments, its key (if any) in `FLEXPORTAL_API_KEY`, `environ` added."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("FLEXPORTAL_")}
    env.update(environ or {})
    if key is not None:
        env["FLEXPORTAL_API_KEY"] = key
    command = [sys.executable, "-m", "contract_tests", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)


@dataclass(frozen=True)
class KitRun:
    """A finished run: its exit status, everything it printed, and its JUnit report."""

    returncode: int
    output: str
    junit: str

    def assert_passed(self) -> None:
        """Every property held, none was cut short of its enumeration, and the key was never shown."""
        assert self.returncode == 0, self.output[-3000:]
        assert self.failed_tests() == set()
        assert "every property checked holds" in self.output
        assert "left out" not in self.output, self.output[-3000:]  # every enumeration walked
        assert SECRET not in self.output and SECRET not in self.junit

    def failed_tests(self) -> set[str]:
        cases = ET.fromstring(self.junit).iter("testcase")
        return {
            case.get("name", "") for case in cases if case.find("failure") is not None or case.find("error") is not None
        }


def run_kit(report: Path, *args: str) -> KitRun:
    """A run that writes its JUnit report to `report`."""
    result = kit("--junitxml", str(report), *args)
    return KitRun(result.returncode, result.stdout + result.stderr, report.read_text())
