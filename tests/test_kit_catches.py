"""The contract kit catches each deliberately broken mock with the property meant for it, and passes the real one.

Every run is `python -m contract_tests --app tests.kit_variants:NAME -k PROPERTY`, as a user
would start it; the runs go in parallel, two at a time, since each takes a few seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from tests.kit_runs import SECRET, KitRun, run_kit
from tests.kit_variants import CAUGHT_BY

pytestmark = pytest.mark.slow


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
