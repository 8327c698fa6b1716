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
import importlib.util
import math
import os
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def traversal_round(
    base_url: str, tenant_header: str, credentials: Credentials, limit: int = LIMIT, client_class: Any = KitClient
) -> Round:
    """Every page of the newest-first list at `limit` a page, through a fresh `KitClient` with no budget or rate.

    `client_class`: another tree's `KitClient` (see `client_of_tree`), to compare two clients.
    """
    contract = contract_from_spec(spec_document())
    order = ListOrder(sort_by="createdAt", descending=True, rules=contract.ordering)
    client = client_class(base_url, tenant_header=tenant_header, budget=Budget(None), pacer=Pacer(None))
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


def client_of_tree(tree: Path) -> Any:
    """The `KitClient` class of another source tree's `contract_tests/transport/client.py`, imported apart."""
    path = tree / "contract_tests" / "transport" / "client.py"
    spec = importlib.util.spec_from_file_location("_compared_kit_client", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module.KitClient


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
    parser.add_argument(
        "--tree", type=Path, help="also another source tree's KitClient, alternating round by round (paired)"
    )
    args = parser.parse_args(argv)
    clients: dict[str, Any] = {"this tree": KitClient}
    if args.tree is not None:
        clients[str(args.tree)] = client_of_tree(args.tree)
    print(f"load average before: {_load()}", flush=True)
    measured: dict[str, list[Round]] = {name: [] for name in clients}
    with in_process_target(customers=args.customers) as target:
        for number in range(1, args.rounds + 1):
            for name, client_class in clients.items():
                round_ = traversal_round(target.base_url, "Tenant-ID", target.main, args.limit, client_class)
                measured[name].append(round_)
                print(f"round {number}, {name}: {_describe(round_)}; load {_load()}", flush=True)
    for name, rounds in measured.items():
        median = statistics.median(round_.pages_per_second for round_ in rounds)
        client_cpu = statistics.median(round_.client_cpu / round_.pages * 1e6 for round_ in rounds)
        verdict = "met" if median >= GOAL_PAGES_PER_SECOND else "missed"
        print(
            f"{name}: kit traversal, {args.customers:,} customers at limit={args.limit}: {median:,.0f} pages/s "
            f"(median), client CPU {client_cpu:.0f} µs a page; goal ≥ {GOAL_PAGES_PER_SECOND:,} pages/s: {verdict}"
        )
    print(f"load average after: {_load()}")
    return 0


def _describe(measured: Round) -> str:
    client = f"client {measured.client_cpu / measured.pages * 1e6:.0f} µs"
    server = f"server thread {measured.server_cpu / measured.pages * 1e6:.0f} µs"
    return (
        f"{measured.pages:,} pages in {measured.seconds:.2f} s, {measured.pages_per_second:,.0f} pages/s; "
        f"CPU a page: {client}, {server}"
    )


if __name__ == "__main__":
    sys.exit(main())
