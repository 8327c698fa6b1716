"""Runs of the kit, as a user starts them, showing the query space walked, the budget spent, every page checked.

One run at the default budget shows the coverage table and the whole enumeration traversed
with at least 90% of the budget sent; the others use the smallest budget that makes their point.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from contract_tests.run.plan import DEFAULT_BUDGET
from contract_tests.spec.contract import contract_from_spec, load_spec
from contract_tests.spec.coverage import sort_pairs
from tests.kit.coverage_variants import BROKEN_PAIR, BROKEN_SORT
from tests.kit.runs import KitRun, run_kit

pytestmark = pytest.mark.slow(seconds=25)

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = contract_from_spec(load_spec(ROOT / "openapi.yaml"))
SORTED_BY = ("order", "limit_invariance", "direction")
FILTERED_BY = ("filters", "partition")


def coverage_table(output: str) -> dict[str, dict[str, str]]:
    """The summary's coverage table: per row label, the figure of each property column."""
    lines = output.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("coverage ("))
    headers = lines[start + 1].split()
    table: dict[str, dict[str, str]] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("    "):
            break
        cells = line.split()
        label = " ".join(cells[: len(cells) - len(headers)])
        table[label] = dict(zip(headers, cells[-len(headers) :], strict=True))
    return table


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[KitRun]]]:
    folder = tmp_path_factory.mktemp("kit-coverage-runs")
    variants = {
        "one_sort_order_wrong": ("test_order", "150"),
        "one_filter_pair_ignored": ("test_filters", "60"),
        "record_spoiled_from_page_three": ("test_order", "150"),
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {"default": pool.submit(run_kit, folder / "default.xml")}
        for name, (prop, budget) in variants.items():
            app = f"tests.kit.coverage_variants:{name}"
            futures[name] = pool.submit(
                run_kit, folder / f"{name}.xml", "--app", app, "-k", prop, "--max-requests", budget
            )
        for index in (1, 2):
            futures[f"small {index}"] = pool.submit(
                run_kit, folder / f"small-{index}.xml", "-k", "test_partition", "--max-requests", "30"
            )
        yield futures


def test_a_default_run_walks_the_whole_enumeration_and_spends_its_budget(runs: dict[str, Future[KitRun]]) -> None:
    run = runs["default"].result()
    assert run.returncode == 0, run.output[-3000:]
    assert "every property checked holds" in run.output
    sent = next(line for line in run.output.splitlines() if line.startswith("target: "))
    spent = int(sent.split("; ")[1].split(" requests sent")[0])
    assert f"of a budget of {DEFAULT_BUDGET}" in sent and spent >= 0.9 * DEFAULT_BUDGET, sent
    table = coverage_table(run.output)
    for field, direction in sort_pairs(CONTRACT):
        for prop in SORTED_BY:
            assert table[f"{field} {direction}"][prop] != ".", (field, direction, prop)
    for rule in CONTRACT.partitioning_filters:
        for value in rule.values:
            for prop in FILTERED_BY:
                assert table[f"{rule.parameter}={value}"][prop] != ".", (rule.parameter, value, prop)
    for prop in FILTERED_BY:
        assert table["pairs of filter values"][prop] == "12/12"
    assert "left out" not in run.output


def test_a_budget_too_small_for_the_enumeration_names_what_it_left_out(runs: dict[str, Future[KitRun]]) -> None:
    run = runs["small 1"].result()
    assert run.returncode == 0, run.output[-3000:]
    warning = next(line for line in run.output.splitlines() if "enumerated examples of test_partition" in line)
    assert warning.startswith("WARNING the budget left out 3 of 7 enumerated examples of test_partition: ")
    left_out = warning.split(": ", 1)[1].split("; ")
    assert "status=inactive&sortBy=email&sortOrder=asc, filter=hasActiveRentals" in left_out
    assert coverage_table(run.output)["pairs of filter values"]["partition"] != "12/12"


def test_the_ci_profile_stays_deterministic(runs: dict[str, Future[KitRun]]) -> None:
    first, second = (runs[f"small {index}"].result().output for index in (1, 2))
    assert coverage_table(first) == coverage_table(second)
    shown = [
        [line for line in output.splitlines() if line.startswith(("target:", "    test_partition", "WARNING"))]
        for output in (first, second)
    ]
    assert shown[0] == shown[1] and len(shown[0]) == 3


def test_one_wrong_sort_order_is_caught_by_its_enumerated_example(runs: dict[str, Future[KitRun]]) -> None:
    run = runs["one_sort_order_wrong"].result()
    assert run.returncode == 1, run.output[-3000:]
    assert run.failed_tests() == {"test_order"}
    field, direction = BROKEN_SORT
    assert f"(enumerated example 12 of 12: sortBy={field}&sortOrder={direction})" in run.output


def test_one_ignored_pair_of_filter_values_is_caught_by_its_enumerated_example(runs: dict[str, Future[KitRun]]) -> None:
    run = runs["one_filter_pair_ignored"].result()
    assert run.returncode == 1, run.output[-3000:]
    assert run.failed_tests() == {"test_filters"}
    (status, inactive), (kind, business) = BROKEN_PAIR
    assert f"enumerated example 4 of 12: {status}={inactive}&{kind}={business}&" in run.output
    assert "[correctness: filter]" in run.output


def test_a_record_spoiled_on_page_three_fails_a_property_that_does_not_judge_records(
    runs: dict[str, Future[KitRun]],
) -> None:
    run = runs["record_spoiled_from_page_three"].result()
    assert run.returncode == 1, run.output[-3000:]
    assert run.failed_tests() == {"test_order"}
    assert "FAILED test_order: a listed customer does not match the schema [conformance: record-schema]" in run.output
    assert re.search(
        r"page 3 of [^,]*, customer 1 on the page: at totalOrders: '\d+' is not of type 'integer'", run.output
    )
