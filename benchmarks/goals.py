"""`python -m benchmarks.goals`: every figure of the scale-and-speed goals, measured in one run, against its goal.

Runs the three benchmarks that own the figures, one after the other, and prints one table: a
million customers (`benchmarks.million`: ready, RSS, p50 at 1M over 10k), the mock's req/s over
the same-bytes ceiling with the access log off and on (`benchmarks.ratios`, the three servers
loaded at once), and the kit client's traversal (`benchmarks.kit_traversal`). Each ratio is
measured side by side within its own benchmark; the load average is printed before and after,
since the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from benchmarks.kit_traversal import GOAL_PAGES_PER_SECOND, kit_pages_per_second
from benchmarks.million import GOALS as MILLION_GOALS
from benchmarks.million import million_figures
from benchmarks.ratios import GOALS as RATIO_GOALS
from benchmarks.ratios import LOG_OFF, LOG_ON, Options, load_average, throughput_ratios

__all__ = ["Goal", "goal_rows", "main"]

# (figure, measured as text, met?, goal as text)
Goal = tuple[str, str, bool, str]


def goal_rows(starts: int = 3, rounds: int = 3) -> list[Goal]:
    """Measure every figure; one row each, in the order of the goals' table."""
    cores = sorted(os.sched_getaffinity(0))
    server_core = cores[0] if len(cores) > 1 else None
    million = million_figures(starts=starts, core=server_core)
    ratios = throughput_ratios(Options(rounds=rounds))
    pages = kit_pages_per_second(rounds=rounds)
    return [
        (
            "1,000,000 customers per tenant: ready",
            f"{million['ready_s']:.2f} s (range {million['ready_min_s']:.2f}–{million['ready_max_s']:.2f})",
            million["ready_s"] <= MILLION_GOALS["ready_s"],
            "≤ 10 s",
        ),
        (
            "1,000,000 customers per tenant: RSS",
            f"{million['rss_mib']:,.0f} MiB",
            million["rss_mib"] <= MILLION_GOALS["rss_mib"],
            "≤ 1,024 MiB",
        ),
        (
            "p50 at 1M vs 10k",
            f"{million['p50_ratio']:.2f}×",
            million["p50_ratio"] <= MILLION_GOALS["p50_ratio"],
            "≤ 1.3×",
        ),
        (
            "req/s vs the same bytes pre-encoded, paired, access log off",
            f"{ratios[LOG_OFF]:.2f}",
            ratios[LOG_OFF] >= RATIO_GOALS[LOG_OFF],
            f"≥ {RATIO_GOALS[LOG_OFF]:.2f}",
        ),
        (
            "the same, access log on (the default)",
            f"{ratios[LOG_ON]:.2f}",
            ratios[LOG_ON] >= RATIO_GOALS[LOG_ON],
            f"≥ {RATIO_GOALS[LOG_ON]:.2f}",
        ),
        (
            "kit traversal through its client (in process, 100,000 customers, limit 50)",
            f"{pages:,.0f} pages/s",
            pages >= GOAL_PAGES_PER_SECOND,
            f"≥ {GOAL_PAGES_PER_SECOND:,} pages/s",
        ),
    ]


def render(rows: Sequence[Goal], before: str, after: str) -> str:
    """The rows as a Markdown table, with the load averages around the run."""
    lines = [
        f"load average before: {before}; after: {after}",
        "",
        "| figure | measured | goal | |",
        "|---|---:|---:|---|",
    ]
    lines += [
        f"| {name} | {measured} | {goal} | {'met' if met else '**missed**'} |" for name, measured, met, goal in rows
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.goals", description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=3, help="timed starts of the 1M mock (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=3, help="paired runs and traversals (default: %(default)s)")
    args = parser.parse_args(argv)
    before = load_average()
    rows = goal_rows(args.starts, args.rounds)
    print(render(rows, before, load_average()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
