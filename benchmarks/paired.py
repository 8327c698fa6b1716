"""`python -m benchmarks.paired`: the mock against the baseline, loaded together so that other work hits both alike.

On a shared machine a run of the baseline and the next run of the mock meet different loads, and
the ratio of their req/s swings between runs (0.4 to 1.4 for one query here). This starts the
baseline and the mock (or several source trees of the mock, to compare versions) pinned to one
core and loads them together, each with its own wrk on the other core. The scheduler then gives
each server the same share of the core, so the ratio of their req/s is the ratio of what a
request costs each, whatever else runs. The two also share the core's caches, which costs the
mock (more memory touched per request) more than the baseline: read the figures as a floor for
what `python -m benchmarks` shows on a quiet machine, and as a steady way to compare versions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

from benchmarks.__main__ import HEADERS, KEY, MAIN_QUERY, SAMPLE_QUERIES, TENANT
from benchmarks.probe import Client, wait_until_served
from benchmarks.process import free_port
from benchmarks.wrk import ensure_wrk, wrk_command, wrk_result

HERE = Path(__file__).resolve().parent.parent


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.paired", description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000, help="customers (default: %(default)s)")
    parser.add_argument("--duration", type=int, default=3, help="seconds of each paired run (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=3, help="paired runs per query and tree (default: %(default)s)")
    parser.add_argument("--connections", type=int, default=32, help="connections per server (default: %(default)s)")
    parser.add_argument(
        "--tree",
        action="append",
        type=Path,
        metavar="DIR",
        help="a source tree of the mock (as `git archive` writes one); repeat to compare (default: this one)",
    )
    args = parser.parse_args(argv)
    ensure_wrk()
    trees = args.tree or [HERE]
    cores = sorted(os.sched_getaffinity(0))
    server_core, client_core = (cores[0], cores[-1]) if len(cores) > 1 else (None, None)
    if client_core is not None:
        os.sched_setaffinity(0, {client_core})
    mock = [sys.executable, "-m", "mockserver", "--customers", str(args.customers), "--tenant", TENANT]
    mock += ["--api-key", KEY, "--log-level", "warning"]
    baseline = [sys.executable, "-m", "uvicorn", "benchmarks.baseline:create_baseline_app", "--factory"]
    baseline += ["--log-level", "warning", "--no-access-log", "--no-server-header"]
    with ExitStack() as running, tempfile.TemporaryDirectory() as scratch:
        mocks = [running.enter_context(serving(mock, tree, server_core)) for tree in trees]
        body = Path(scratch) / "page.json"
        first = Client(mocks[0], HEADERS)
        body.write_bytes(first.get(first.url_of_page(MAIN_QUERY, 3)))
        base_url = running.enter_context(serving(baseline, HERE, server_core, {"BENCHMARK_BODY": str(body)}))
        print(f"{args.customers:,} customers; req/s of the mock over req/s of the baseline, loaded together")
        print("| query | " + " | ".join(tree.name or str(tree) for tree in trees) + " |")
        print("|---|" + "---:|" * len(trees))
        for query in SAMPLE_QUERIES:
            ratios = []
            for url in mocks:
                page = Client(url, HEADERS).url_of_page(query, 3)
                runs = [paired_ratio(base_url + "/v1/customers", page, args, client_core) for _ in range(args.rounds)]
                ratios.append(statistics.median(runs))
            print(f"| `{query}` | " + " | ".join(f"{ratio:.2f}" for ratio in ratios) + " |", flush=True)
    return 0


def paired_ratio(baseline_url: str, mock_url: str, args: argparse.Namespace, core: int | None) -> float:
    """req/s of `mock_url` over req/s of `baseline_url`, both loaded at once."""
    targets = [(baseline_url, {}), (mock_url, HEADERS)]
    loads = [
        subprocess.Popen(
            wrk_command(url, headers, args.connections, args.duration, core), stdout=subprocess.PIPE, text=True
        )
        for url, headers in targets
    ]
    base, mock = (wrk_result(url, load.communicate()[0]) for (url, _), load in zip(targets, loads, strict=True))
    return mock.requests_per_second / base.requests_per_second


@contextmanager
def serving(
    command: list[str], tree: Path, core: int | None, env: dict[str, str] | None = None, stderr: IO[bytes] | None = None
) -> Iterator[str]:
    """`command` run from `tree` (its `mockserver` and `benchmarks` first on the path) on a free port; its URL.

    Its log goes to `stderr` when given, else to this process's.
    """
    port = free_port()
    pinned = ["taskset", "-c", str(core)] if core is not None else []
    process = subprocess.Popen(
        [*pinned, *command, "--port", str(port)],
        cwd=tree,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        env={**os.environ, **(env or {})},
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_served(url + "/v1/customers?limit=1", HEADERS, process, timeout=600)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
