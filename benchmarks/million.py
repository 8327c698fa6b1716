"""`python -m benchmarks.million`: a million customers per tenant against its goals: ready, RSS, flat p50.

Starts the mock with 1,000,000 customers (one tenant, one worker, pinned to one core) several
times and reports the time from the process's start to its first page (the median, and the
spread, since the goal of 10 s is absolute), and its resident memory once served. A 10,000
customer mock runs beside the last one, and page 3 of the main query is timed one request at a
time on both in turn, round after round, so that the machine's drifting speed meets both alike:
the ratio of their best p50s is the figure. The machine's load (`uptime`) is printed with it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from collections.abc import Sequence
from contextlib import ExitStack

from benchmarks.__main__ import HEADERS, MAIN_QUERY, mock_command
from benchmarks.probe import Client
from benchmarks.process import resident_mib, served

__all__ = ["GOALS", "million_figures"]

MILLION = 1_000_000
SMALL = 10_000
# Each figure's goal: a measured value meets it at or below it.
GOALS = {"ready_s": 10.0, "rss_mib": 1024.0, "p50_ratio": 1.3}


def million_figures(starts: int = 3, probes: int = 200, rounds: int = 5, core: int | None = None) -> dict[str, float]:
    """The three figures of a million customers: median ready seconds (and their range), RSS MiB, p50 1M / 10k.

    `starts` starts of the 1M mock are timed; the last one stays up for the latency rounds,
    each `probes` sequential requests of page 3 of the main query against each size.
    """
    ready: list[float] = []
    rss: list[float] = []
    for _ in range(starts - 1):
        with served(mock_command(MILLION), HEADERS, core) as (process, _, seconds):
            ready.append(seconds)
            rss.append(resident_mib(process.pid))
    with ExitStack() as running:
        process, big_url, seconds = running.enter_context(served(mock_command(MILLION), HEADERS, core))
        ready.append(seconds)
        rss.append(resident_mib(process.pid))
        _, small_url, _ = running.enter_context(served(mock_command(SMALL), HEADERS, core))
        big, small = Client(big_url, HEADERS), Client(small_url, HEADERS)
        urls = (big.url_of_page(MAIN_QUERY, 3), small.url_of_page(MAIN_QUERY, 3))
        best = [float("inf"), float("inf")]
        for _ in range(rounds):
            for side, (client, url) in enumerate(zip((big, small), urls, strict=True)):
                best[side] = min(best[side], client.p50(url, probes))
        rss.append(resident_mib(process.pid))  # after serving pages too
    return {
        "ready_s": statistics.median(ready),
        "ready_min_s": min(ready),
        "ready_max_s": max(ready),
        "rss_mib": max(rss),
        "p50_1m_ms": best[0],
        "p50_10k_ms": best[1],
        "p50_ratio": best[0] / best[1],
    }


def render(figures: dict[str, float], load: str) -> str:
    """The figures against their goals, as a Markdown table, with the load they were measured under."""
    rows = [
        (
            "1,000,000 customers per tenant: ready",
            f"{figures['ready_s']:.2f} s (range {figures['ready_min_s']:.2f}–{figures['ready_max_s']:.2f})",
            "ready_s",
            "≤ 10 s",
        ),
        ("1,000,000 customers per tenant: RSS", f"{figures['rss_mib']:,.0f} MiB", "rss_mib", "≤ 1,024 MiB"),
        (
            "p50 at 1M vs 10k (page 3 of the main query)",
            f"{figures['p50_ratio']:.2f}× ({figures['p50_1m_ms']:.3f} / {figures['p50_10k_ms']:.3f} ms)",
            "p50_ratio",
            "≤ 1.3×",
        ),
    ]
    lines = [f"load: {load}", "", "| figure | measured | goal | |", "|---|---:|---:|---|"]
    for name, measured, key, goal in rows:
        verdict = "met" if figures[key] <= GOALS[key] else "**missed**"
        lines.append(f"| {name} | {measured} | {goal} | {verdict} |")
    return "\n".join(lines) + "\n"


def uptime() -> str:
    """The machine's load as `uptime` prints it."""
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.million", description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=3, help="timed starts of the 1M mock (default: %(default)s)")
    parser.add_argument("--probes", type=int, default=200, help="requests per latency round (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=5, help="latency rounds per size (default: %(default)s)")
    args = parser.parse_args(argv)
    cores = sorted(os.sched_getaffinity(0))
    server_core = cores[0] if len(cores) > 1 else None
    if server_core is not None:
        os.sched_setaffinity(0, {cores[-1]})  # the client off the servers' core
    before = uptime()
    figures = million_figures(args.starts, args.probes, args.rounds, server_core)
    print(render(figures, f"before: {before}; after: {uptime()}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
