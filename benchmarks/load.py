"""`python -m benchmarks.load`: sustained load on loopback, as many clients syncing customers would make.

Many connections (one wrk thread each), each walking a mix of list queries page by page
through their cursors, for a bounded number of requests. Prints the throughput, p50/p99
latency, the failed answers (there must be none) and the resident memory before and after
(which must not climb).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks.process import resident_mib, served
from benchmarks.wrk import ensure_wrk, run_wrk

HEADERS = {"Authorization": "Bearer bench-key", "Tenant-ID": "acme"}
SCRIPT = Path(__file__).with_name("follow.lua")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000, help="customers per tenant (default: %(default)s)")
    parser.add_argument("--connections", type=int, default=64, help="concurrent clients (default: %(default)s)")
    parser.add_argument("--requests", type=int, default=200_000, help="requests in each round (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of load (default: %(default)s)")
    args = parser.parse_args(argv)
    ensure_wrk()
    command = [sys.executable, "-m", "mockserver", "--customers", str(args.customers), "--tenant", "acme"]
    per_thread = max(1, args.requests // args.connections)
    total = per_thread * args.connections
    print(f"{args.customers:,} customers, {args.connections} connections, {total:,} requests a round")
    print(f"{'round':<8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>10} {'failed':>7} {'RSS MiB':>8}")
    with served([*command, "--log-level", "warning"], HEADERS, core=0) as (process, base_url, _):
        before = resident_mib(process.pid)
        print(f"{'before':<8} {'':>9} {'':>8} {'':>8} {'':>10} {'':>7} {before:>8.1f}")
        failed = 0
        for number in range(1, args.rounds + 1):
            result = run_wrk(
                base_url + "/v1/customers",
                HEADERS,
                connections=args.connections,
                seconds=600,
                core=1,
                threads=args.connections,
                script=SCRIPT,
                env={"LOAD_REQUESTS_PER_THREAD": str(per_thread)},
            )
            failed += result.failed
            rss = resident_mib(process.pid)
            print(
                f"{number:<8} {result.requests_per_second:>9,.0f} {result.p50_ms:>8.2f} {result.p99_ms:>8.2f}"
                f" {result.requests:>10,} {result.failed:>7,} {rss:>8.1f}"
            )
    print(f"\nfailed answers: {failed}; memory after the last round {rss - before:+.1f} MiB against before the load")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
