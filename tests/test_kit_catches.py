"""The contract kit catches each deliberately broken mock with the property meant for it, and passes the real one.

Every run is `python -m contract_tests --app tests.kit_variants:NAME -k PROPERTY`, as a user
would start it; the runs go in parallel, two at a time, since each takes a few seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.kit_variants import CAUGHT_BY

ROOT = Path(__file__).resolve().parent.parent
SECRET = "kit-secret-do-not-print-3141"

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class KitRun:
    returncode: int
    output: str
    junit: str

    def failed_tests(self) -> set[str]:
        cases = ET.fromstring(self.junit).iter("testcase")
        return {
            case.get("name", "") for case in cases if case.find("failure") is not None or case.find("error") is not None
        }


def run_kit(report: Path, *args: str) -> KitRun:
    result = subprocess.run(
        [sys.executable, "-m", "contract_tests", "--junitxml", str(report), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "FLEXPORTAL_API_KEY": SECRET},
    )
    return KitRun(result.returncode, result.stdout + result.stderr, report.read_text())


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[KitRun]]]:
    folder = tmp_path_factory.mktemp("kit-runs")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            name: pool.submit(run_kit, folder / f"{name}.xml", "--app", f"tests.kit_variants:{name}", "-k", prop)
            for name, prop in CAUGHT_BY.items()
        }
        futures["correct"] = pool.submit(run_kit, folder / "correct.xml")
        yield futures


@pytest.mark.parametrize("variant", sorted(CAUGHT_BY))
def test_each_broken_variant_is_caught_by_its_property(runs: dict[str, Future[KitRun]], variant: str) -> None:
    run = runs[variant].result()
    prop = CAUGHT_BY[variant]
    assert run.returncode == 1, run.output[-3000:]
    assert run.failed_tests() == {prop}, run.output[-3000:]
    assert f"FAILED {prop}: " in run.output
    assert "curl -H" in run.output.split(f"FAILED {prop}: ", 1)[1]  # a request sequence to reproduce it
    assert SECRET not in run.output and SECRET not in run.junit


def test_the_correct_mock_passes_every_property(runs: dict[str, Future[KitRun]]) -> None:
    run = runs["correct"].result()
    assert run.returncode == 0, run.output[-3000:]
    assert run.failed_tests() == set()
    assert "every property checked holds" in run.output
    assert SECRET not in run.output and SECRET not in run.junit
