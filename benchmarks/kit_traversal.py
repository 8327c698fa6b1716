"""`python -m benchmarks.kit_traversal`: pages a second of a whole traversal through the kit's client.

The kit's in-process target (the mock served by its own protocol in a thread of this process,
as `python -m contract_tests` runs it) holds `--customers` customers; each round follows every
cursor of the newest-first list through `KitClient` and `traverse`, decoding and keeping every
page as the properties do. Server and client share one interpreter, so a page costs the
server's work plus the client's: the report splits the process's CPU time between the two
threads. The goal is 2,000 pages a second at 50 customers a page; the machine's load average is
printed with every figure, since a shared host moves them.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from contract_tests.run.target import in_process_target, spec_document
from contract_tests.spec.contract import contract_from_spec
from contract_tests.spec.ordering import ListOrder
from contract_tests.transport.client import Budget, Credentials, KitClient, Pacer
from contract_tests.transport.traversal import traverse

GOAL_PAGES_PER_SECOND = 2_000
CUSTOMERS = 100_000
LIMIT = 50


@dataclass(frozen=True, slots=True)
class Round:
    """One whole traversal: its pages, wall time, and the CPU time of the client and of the server thread."""

    pages: int
    seconds: float
    client_cpu: float
    server_cpu: float  # NaN where it cannot be read

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds


def traversal_round(base_url: str, tenant_header: str, credentials: Credentials, limit: int = LIMIT) -> Round:
    """Every page of the newest-first list at `limit` a page, through a fresh `KitClient` with no budget or rate."""
    contract = contract_from_spec(spec_document())
    order = ListOrder(sort_by="createdAt", descending=True, rules=contract.ordering)
    client = KitClient(base_url, tenant_header=tenant_header, budget=Budget(None), pacer=Pacer(None))
    # The mock's server thread, when it runs in this process, is named after the URL it serves.
    server = next((t for t in threading.enumerate() if t.name.endswith(f" {base_url}")), None)
    try:
        server_started = _thread_cpu(server)
        client_started, started = time.thread_time(), time.perf_counter()
        traversal = traverse(client, contract, credentials, [("limit", str(limit))], order, max_pages=10**7)
        seconds = time.perf_counter() - started
        client_cpu = time.thread_time() - client_started
        server_cpu = _thread_cpu(server) - server_started
    finally:
        client.close()
    if not traversal.complete:
        raise RuntimeError(f"the traversal stopped early: {traversal.describe()}")
    return Round(len(traversal.pages), seconds, client_cpu, server_cpu)


def kit_rounds(customers: int = CUSTOMERS, limit: int = LIMIT, rounds: int = 3) -> list[Round]:
    """`rounds` whole traversals of the in-process target holding `customers` customers a tenant."""
    with in_process_target(customers=customers) as target:
        return [traversal_round(target.base_url, "Tenant-ID", target.main, limit) for _ in range(rounds)]


def kit_pages_per_second(customers: int = CUSTOMERS, limit: int = LIMIT, rounds: int = 3) -> float:
    """The median pages a second of `rounds` whole traversals of the in-process target (the goal: 2,000)."""
    return statistics.median(round_.pages_per_second for round_ in kit_rounds(customers, limit, rounds))


def _thread_cpu(thread: threading.Thread | None) -> float:
    """A thread's CPU seconds (user and system) as Linux counts them; NaN elsewhere or for no thread."""
    try:
        if thread is None:
            return math.nan
        fields = Path(f"/proc/self/task/{thread.native_id}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.kit_traversal", description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=CUSTOMERS, help="customers a tenant (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=LIMIT, help="customers a page (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=5, help="whole traversals (default: %(default)s)")
    args = parser.parse_args(argv)
    print(f"load average before: {_load()}", flush=True)
    rounds = kit_rounds(args.customers, args.limit, args.rounds)
    for number, measured in enumerate(rounds, 1):
        client = f"client {measured.client_cpu / measured.pages * 1e6:.0f} µs"
        server = f"server thread {measured.server_cpu / measured.pages * 1e6:.0f} µs"
        print(
            f"round {number}: {measured.pages:,} pages in {measured.seconds:.2f} s, "
            f"{measured.pages_per_second:,.0f} pages/s; CPU a page: {client}, {server}",
            flush=True,
        )
    median = statistics.median(measured.pages_per_second for measured in rounds)
    verdict = "met" if median >= GOAL_PAGES_PER_SECOND else "missed"
    print(f"kit traversal, {args.customers:,} customers at limit={args.limit}: {median:,.0f} pages/s (median)")
    print(f"goal ≥ {GOAL_PAGES_PER_SECOND:,} pages/s: {verdict}")
    print(f"load average after: {_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
