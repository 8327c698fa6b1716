"""`python -m benchmarks.kit_power`: how many of the kit's broken variants a whole run catches, by budget.

For each broken mock of `tests/kit/variants.py` and each budget it runs the whole kit
(`python -m contract_tests --app tests.kit.variants:NAME --max-requests N`), every property
sharing the budget as against a deployment, and reads the JUnit report: a variant is caught
when the property meant for it fails. The correct mock must pass at every budget. Runs go two
at a time; each takes tens of seconds, so the table takes a while on a small machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from contract_tests.run.plan import DEFAULT_BUDGET, MINIMUM_BUDGET
from tests.kit.variants import CAUGHT_BY

ROOT = Path(__file__).resolve().parent.parent
BUDGETS = (MINIMUM_BUDGET, 600, DEFAULT_BUDGET)
CORRECT = "correct"


@dataclass(frozen=True)
class Outcome:
    """One whole run: its exit status, the properties that failed and those it could not check."""

    status: int
    failed: frozenset[str]
    unchecked: frozenset[str]


def run(variant: str, budget: int, folder: Path) -> Outcome:
    report = folder / f"{variant}-{budget}.xml"
    app = "mockserver:create_app" if variant == CORRECT else f"tests.kit.variants:{variant}"
    command = [sys.executable, "-m", "contract_tests", "--app", app, "--max-requests", str(budget)]
    env = {**os.environ, "FLEXPORTAL_API_KEY": "kit-power-key"}
    done = subprocess.run([*command, "--junitxml", str(report)], cwd=ROOT, capture_output=True, text=True, env=env)
    suite = ET.parse(report).getroot()
    failed = {case.get("name", "") for case in suite.iter("testcase") if case.find("failure") is not None}
    unchecked = {
        case.get("name", "")
        for case in suite.iter("testcase")
        if (skipped := case.find("skipped")) is not None and "not checked" in skipped.get("message", "")
    }
    return Outcome(done.returncode, frozenset(failed), frozenset(unchecked))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.kit_power", description=__doc__.split("\n\n")[0])
    parser.add_argument("--budgets", type=int, nargs="+", default=list(BUDGETS), help="budgets (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=2, help="runs at a time (default: %(default)s)")
    parser.add_argument(
        "--variants", nargs="+", choices=sorted(CAUGHT_BY), help="only these broken mocks (default: every one)"
    )
    args = parser.parse_args(argv)
    chosen = sorted(args.variants or CAUGHT_BY)
    names = [*chosen, CORRECT]
    print(f"load average before: {', '.join(f'{value:.1f}' for value in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory() as scratch, ThreadPoolExecutor(args.jobs) as pool:
        futures = {
            (name, budget): pool.submit(run, name, budget, Path(scratch)) for name in names for budget in args.budgets
        }
        outcomes = {key: future.result() for key, future in futures.items()}
    print(f"load average after: {', '.join(f'{value:.1f}' for value in os.getloadavg())}\n")
    header = " | ".join(f"{budget} requests" for budget in args.budgets)
    print(f"| variant | caught by | {header} |")
    print("|---|---|" + "---|" * len(args.budgets))
    for name in names:
        cells = []
        for budget in args.budgets:
            outcome = outcomes[name, budget]
            if name == CORRECT:
                verdict = (
                    "passes" if outcome.status == 0 else f"exit {outcome.status}: {', '.join(sorted(outcome.failed))}"
                )
            elif CAUGHT_BY[name] in outcome.failed:
                verdict = "caught"
            elif CAUGHT_BY[name] in outcome.unchecked:
                verdict = "not checked"
            else:
                verdict = "missed" + (f" (failed: {', '.join(sorted(outcome.failed))})" if outcome.failed else "")
            cells.append(verdict)
        print(f"| `{name}` | `{CAUGHT_BY.get(name, 'every property')}` | " + " | ".join(cells) + " |")
    totals = [sum(CAUGHT_BY[name] in outcomes[name, budget].failed for name in chosen) for budget in args.budgets]
    print("| **caught** | | " + " | ".join(f"**{total} of {len(chosen)}**" for total in totals) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
