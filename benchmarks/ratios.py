"""`python -m benchmarks.ratios`: the mock's req/s over its ceiling's, with the access log off and on, paired.

The baseline (Starlette answering the same page's bytes, encoded beforehand), the mock with its
access log off (`--log-level warning`) and the mock as a user starts it (access log on, to a
file) are pinned to one core and loaded *at the same time*, each by its own wrk on the other
core (see `benchmarks.paired`): the scheduler gives each the same share of the core, so each
ratio is what a request costs the baseline over what it costs the mock, whatever else runs.
The load average is printed with the figures: the machine may be shared. The mock that logs is
checked to have written one line per request it answered.

Then, as context for the gap, the baseline is paired with the mock's serving stack alone
(`benchmarks.floor`: the mock with its access log off, every page answered with the same bytes
in place of the operation), two servers at once: what the protocol and the request edge (network
faults, the dispatch, the journal and CORS) cost over the ceiling, without the operation.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from benchmarks.__main__ import HEADERS, KEY, MAIN_QUERY, TENANT
from benchmarks.paired import HERE, serving
from benchmarks.probe import Client
from benchmarks.wrk import WrkResult, ensure_wrk, wrk_command, wrk_result

__all__ = ["GOALS", "load_average", "main", "throughput_ratios"]

LOG_OFF: str = "access log off"
LOG_ON: str = "access log on (default)"
FLOOR: str = "the mock's serving stack, the operation answered with the bytes (no goal)"
GOALS: dict[str, float] = {LOG_OFF: 0.70, LOG_ON: 0.55}
_ACCESS_LINE = b'"GET /v1/customers?'


@dataclass(frozen=True)
class Options:
    """How long and how hard each paired run loads the servers."""

    customers: int = 10_000
    duration: int = 3
    rounds: int = 3
    connections: int = 32


def throughput_ratios(options: Options = Options()) -> dict[str, float]:
    """Median over `options.rounds` of each mock's req/s over the baseline's, all three loaded at once.

    Keys are `LOG_OFF` and `LOG_ON` (the goals' keys in `GOALS`), and `FLOOR`, the mock's serving
    stack without the operation (`benchmarks.floor`), paired with the baseline alone.
    """
    ensure_wrk()
    cores = sorted(os.sched_getaffinity(0))
    server_core, client_core = (cores[0], cores[-1]) if len(cores) > 1 else (None, None)
    mock = [sys.executable, "-m", "mockserver", "--customers", str(options.customers), "--tenant", TENANT]
    # One cursor secret, so that both mocks accept the page's cursor.
    mock += ["--api-key", KEY, "--cursor-secret", "benchmark-cursor-secret"]
    baseline = [sys.executable, "-m", "uvicorn", "benchmarks.baseline:create_baseline_app", "--factory"]
    baseline += ["--log-level", "warning", "--no-access-log", "--no-server-header"]
    with tempfile.TemporaryDirectory() as scratch:
        log_path = Path(scratch) / "access.log"
        with ExitStack() as running, log_path.open("wb") as log:
            quiet = running.enter_context(serving([*mock, "--log-level", "warning"], HERE, server_core))
            logging = running.enter_context(serving(mock, HERE, server_core, stderr=log))
            body = Path(scratch) / "page.json"
            first = Client(quiet, HEADERS)
            page = first.url_of_page(MAIN_QUERY, 3)
            body.write_bytes(first.get(page))
            base = running.enter_context(serving(baseline, HERE, server_core, {"BENCHMARK_BODY": str(body)}))
            path = page.removeprefix(quiet)
            targets = [(base + "/v1/customers", {}), (quiet + path, HEADERS), (logging + path, HEADERS)]
            rounds = [_loaded_together(targets, options, client_core) for _ in range(options.rounds)]
            floor_command = [sys.executable, "-m", "benchmarks.floor", *mock[3:], "--log-level", "warning"]
            floor = running.enter_context(serving(floor_command, HERE, server_core, {"BENCHMARK_BODY": str(body)}))
            floors = [
                _loaded_together([targets[0], (floor + path, HEADERS)], options, client_core)
                for _ in range(options.rounds)
            ]
        # Counted once the servers have stopped: a clean shutdown must have written every line.
        logged = _access_lines(log_path)
    answered = sum(result[2].requests for result in rounds)
    if logged < answered:
        raise RuntimeError(f"the mock answered {answered} requests but logged {logged} lines")
    return {
        LOG_OFF: statistics.median(off.requests_per_second / base.requests_per_second for base, off, _ in rounds),
        LOG_ON: statistics.median(on.requests_per_second / base.requests_per_second for base, _, on in rounds),
        FLOOR: statistics.median(stack.requests_per_second / base.requests_per_second for base, stack in floors),
    }


def _loaded_together(targets: list[tuple[str, dict[str, str]]], options: Options, core: int | None) -> list[WrkResult]:
    """One wrk per target, all running at once; their results in the order of `targets`."""
    loads = [
        subprocess.Popen(
            wrk_command(url, headers, options.connections, options.duration, core), stdout=subprocess.PIPE, text=True
        )
        for url, headers in targets
    ]
    return [wrk_result(url, load.communicate()[0]) for (url, _), load in zip(targets, loads, strict=True)]


def _access_lines(path: Path) -> int:
    """How many access-log lines for a page request the file holds so far."""
    return path.read_bytes().count(_ACCESS_LINE)


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages, as `uptime` prints them."""
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ratios", description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=Options.customers, help="customers (default: %(default)s)")
    parser.add_argument("--duration", type=int, default=Options.duration, help="seconds a run (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=Options.rounds, help="paired runs (default: %(default)s)")
    parser.add_argument(
        "--connections", type=int, default=Options.connections, help="connections a server (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    options = Options(args.customers, args.duration, args.rounds, args.connections)
    before = load_average()
    ratios = throughput_ratios(options)
    print(f"{options.customers:,} customers, page 3 of `{MAIN_QUERY}`; paired req/s over the baseline's")
    print(f"load average {before} before, {load_average()} after")
    print("| figure | ratio | goal | met |")
    print("|---|---:|---:|---|")
    for name, ratio in ratios.items():
        if name in GOALS:
            print(f"| {name} | {ratio:.2f} | ≥ {GOALS[name]:.2f} | {'yes' if ratio >= GOALS[name] else 'no'} |")
        else:
            print(f"| {name} | {ratio:.2f} | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
