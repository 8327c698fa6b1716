"""The contract kit catches each deliberately broken mock with the property meant for it, and passes the real one.

Every run is `python -m contract_tests --app tests.kit.variants:NAME -k PROPERTY`, as a user
would start it; the runs go in parallel, two at a time, since each takes a few seconds. Every
variant must be caught with no more requests than a whole run at the default budget gives its
property (run alone, a property would get the whole budget), those in `FAILURE_CLASSES`
with the failure class named. The correct mock passes a whole run that walks every enumeration.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from contract_tests.run.plan import DEFAULT_BUDGET
from tests.kit.runs import SECRET, WALKED_BUDGET, KitRun, run_kit
from tests.kit.shares import share_arguments
from tests.kit.variants import CAUGHT_BY

pytestmark = pytest.mark.slow(seconds=75)
# Variants whose failure class is named, and the class each shows.
FAILURE_CLASSES = {
    "unsigned_query_string_cursors": "cursor-readable-unsigned",
    "server_error_on_some_tampered_cursors": "cursor-server-error",
    "cursor_accepted_under_another_sort": "cursor-not-bound-to-query",
    "email_filter_folds_with_lower": "email-fold",
    "non_ascii_addresses_not_found": "email-lookup",
    "offset_inside_tie_groups": "skipped-under-writes",
    "bookmark_cursors_under_writes": "duplicate-under-writes",
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[KitRun]]]:
    folder = tmp_path_factory.mktemp("kit-runs")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            name: pool.submit(
                run_kit,
                folder / f"{name}.xml",
                "--app",
                f"tests.kit.variants:{name}",
                "-k",
                prop,
                *share_arguments(prop, DEFAULT_BUDGET),
            )
            for name, prop in CAUGHT_BY.items()
        }
        futures["correct"] = pool.submit(run_kit, folder / "correct.xml", "--max-requests", str(WALKED_BUDGET))
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
    if variant in FAILURE_CLASSES:
        assert f"[{FAILURE_CLASSES[variant]}]" in run.output, run.output[-3000:]


def test_the_correct_mock_passes_every_property(runs: dict[str, Future[KitRun]]) -> None:
    runs["correct"].result().assert_passed()
