"""`python -m benchmarks`: the mock against its ceiling, by dataset size, driven by wrk.

For each dataset size it starts the mock (one tenant, one uvicorn worker) and a baseline
Starlette app that answers with the mock's own page bytes, each pinned to one core while the
load generator runs on the other; measures start-up (process start until a page is served),
throughput and latency under 32 keep-alive connections for a sample of queries, the p50 of
every sort field × direction × filter combination and of email lookups one request at a time,
and the resident memory. Against the 100k dataset it also times a full traversal through the
contract kit's client. Figures on a shared machine are noisy: compare ratios within one run.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from benchmarks.probe import Client
from benchmarks.process import resident_mib, served
from benchmarks.wrk import WrkResult, ensure_wrk, run_wrk

TENANT = "acme"
KEY = "bench-key"
HEADERS = {"Authorization": f"Bearer {KEY}", "Tenant-ID": TENANT}
MAIN_QUERY = "status=active&sortBy=totalMonthlyRevenue&sortOrder=desc&limit=50"
SAMPLE_QUERIES = (
    MAIN_QUERY,
    "sortBy=lastName&sortOrder=asc&limit=50",
    "customerType=business&hasActiveRentals=true&status=inactive&sortBy=createdAt&limit=50",
    "hasActiveRentals=false&sortBy=email&sortOrder=desc&limit=50",
    "customerType=individual&sortBy=firstName&sortOrder=asc&limit=50",
)
FLAT_LIMIT = 1.3
PROBE_ROUNDS = 3
SORT_FIELDS = ("createdAt", "firstName", "lastName", "email", "totalMonthlyRevenue", "totalDevicesRented")
FILTER_VALUES = {
    "status": (None, "active", "inactive"),
    "customerType": (None, "individual", "business"),
    "hasActiveRentals": (None, "true", "false"),
}


@dataclass
class SizeResult:
    """Everything measured at one dataset size."""

    customers: int
    startup_seconds: float
    rss_mib: float
    baseline: WrkResult
    queries: dict[str, WrkResult]
    p50_by_query: dict[str, float]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="customers per run (default: %(default)s)")
    parser.add_argument("--duration", type=int, default=4, help="seconds of load per wrk run (default: %(default)s)")
    parser.add_argument("--connections", type=int, default=32, help="keep-alive connections (default: %(default)s)")
    parser.add_argument("--probes", type=int, default=20, help="timed requests per probed query (default: %(default)s)")
    parser.add_argument(
        "--kit-size", type=int, default=100_000, help="size of the kit traversal (default: %(default)s)"
    )
    parser.add_argument("--write", type=Path, metavar="PATH", help="also write the report as Markdown to PATH")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    ensure_wrk()
    cores = sorted(os.sched_getaffinity(0))
    server_core, client_core = (cores[0], cores[-1]) if len(cores) > 1 else (None, None)
    if client_core is not None:
        os.sched_setaffinity(0, {client_core})  # the probes and the kit client run beside wrk, off the server's core
    results: list[SizeResult] = []
    kit: dict[int, float] = {}
    default_command = [sys.executable, "-m", "mockserver", "--api-key", KEY, "--log-level", "warning"]
    with served(default_command, HEADERS, server_core) as (process, _, startup):
        default = (startup, resident_mib(process.pid))
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as running:
        clients: list[Client] = []
        for size in sizes:
            print(f"== {size:,} customers", file=sys.stderr, flush=True)
            process, base_url, startup = running.enter_context(served(mock_command(size), HEADERS, server_core))
            result, kit_rates = measure_size(
                size, process, base_url, startup, args, server_core, client_core, Path(scratch)
            )
            results.append(result)
            kit.update(kit_rates)
            clients.append(Client(base_url, HEADERS))
        # Every size stays up and is probed query by query in turn, so that the machine's speed,
        # which drifts on a shared host, is the same for the sizes being compared.
        print("== latency of every query at every size", file=sys.stderr, flush=True)
        for result, p50 in zip(results, probe_every_query(clients, args.probes), strict=True):
            result.p50_by_query = p50
    report = render(results, kit, default, args)
    print(report)
    if args.write:
        args.write.write_text(report)
    return 0


def mock_command(size: int) -> list[str]:
    command = [sys.executable, "-m", "mockserver", "--customers", str(size), "--tenant", TENANT]
    return [*command, "--api-key", KEY, "--log-level", "warning"]


def measure_size(
    size: int,
    process: subprocess.Popen[bytes],
    base_url: str,
    startup: float,
    args: argparse.Namespace,
    server_core: int | None,
    client_core: int | None,
    scratch: Path,
) -> tuple[SizeResult, dict[int, float]]:
    """Throughput against the baseline, memory, and (at `--kit-size`) the kit traversal, of one running mock."""
    baseline_command = [sys.executable, "-m", "uvicorn", "benchmarks.baseline:create_baseline_app", "--factory"]
    baseline_command += ["--log-level", "warning", "--no-access-log", "--no-server-header"]
    body = scratch / "page.json"
    client = Client(base_url, HEADERS)
    urls = {query: client.url_of_page(query, 3) for query in SAMPLE_QUERIES}
    body.write_bytes(client.get(urls[MAIN_QUERY]))
    queries: dict[str, WrkResult] = {}
    baselines: list[WrkResult] = []
    with served(baseline_command, HEADERS, server_core, env={"BENCHMARK_BODY": str(body)}) as (_, baseline_url, _):
        for query, url in urls.items():  # alternate, so that the machine's other load hits both alike
            baselines.append(run_wrk(baseline_url + "/v1/customers", {}, args.connections, args.duration, client_core))
            queries[query] = run_wrk(url, HEADERS, args.connections, args.duration, client_core)
    baseline = WrkResult(
        statistics.mean(run.requests_per_second for run in baselines),
        statistics.median(run.p50_ms for run in baselines),
        statistics.median(run.p99_ms for run in baselines),
    )
    rss = resident_mib(process.pid)
    kit = kit_traversal(base_url) if size == args.kit_size else {}
    return SizeResult(size, startup, rss, baseline, queries, {}), kit


def probe_every_query(clients: list[Client], probes: int) -> list[dict[str, float]]:
    """For each server, the p50 latency (ms), one request at a time, of every query.

    The queries: page 3 of every sort × direction × filter combination, and email lookups
    (listed customers' emails, some with their case changed, as a client types them).
    """
    per_server = [_queries(client) for client in clients]
    best: list[dict[str, float]] = [{} for _ in clients]
    # Query by query, each size in turn, in several rounds keeping each query's best median: a
    # burst of other load on the shared machine then spoils a query only if it hits every round.
    for _ in range(PROBE_ROUNDS):
        for query in per_server[0]:
            for client, urls, p50 in zip(clients, per_server, best, strict=True):
                p50[query] = min(p50.get(query, float("inf")), client.p50(urls[query], probes))
    # A query that looks slower at some size is measured again, at every size alike, before it counts.
    for _ in range(PROBE_ROUNDS):
        suspects = [query for query in per_server[0] if any(p50[query] > FLAT_LIMIT * best[0][query] for p50 in best)]
        for query in suspects:
            for client, urls, p50 in zip(clients, per_server, best, strict=True):
                p50[query] = min(p50[query], client.p50(urls[query], probes))
    return best


def _queries(client: Client) -> dict[str, str]:
    """The probed queries' URLs on one server (page 3 found through its cursors)."""
    urls: dict[str, str] = {}
    for field, order in itertools.product(SORT_FIELDS, ("asc", "desc")):
        for values in itertools.product(*FILTER_VALUES.values()):
            filters = [f"{name}={value}" for name, value in zip(FILTER_VALUES, values, strict=True) if value]
            query = "&".join([*filters, f"sortBy={field}", f"sortOrder={order}", "limit=50"])
            urls[query] = client.url_of_page(query, 3)
    customers = client.get_json(client.base_url + "/v1/customers?sortBy=email&limit=100")["customers"]
    for index, customer in enumerate(customers[:: max(1, len(customers) // 10)]):
        email = customer["email"].swapcase() if index % 2 else customer["email"]
        urls[f"email lookup #{index}"] = client.url_of(f"email={email}")
    return urls


def kit_traversal(base_url: str) -> dict[int, float]:
    """Pages a second of a whole traversal through the contract kit's client, by page size."""
    from benchmarks.kit_traversal import traversal_round
    from contract_tests.transport.client import Credentials

    credentials = Credentials(TENANT, KEY)
    return {limit: traversal_round(base_url, "Tenant-ID", credentials, limit).pages_per_second for limit in (50, 100)}


def render(
    results: list[SizeResult], kit: dict[int, float], default: tuple[float, float], args: argparse.Namespace
) -> str:
    """The report: machine, throughput table, flat-latency summary, start-up, memory, kit."""
    lines = [
        "## Machine",
        "",
        f"- CPU: {cpu_model()} ({os.cpu_count()} cores as `nproc` counts them)",
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}",
        f"- {args.connections} keep-alive connections, {args.duration} s per wrk run, one uvicorn worker; "
        "servers pinned to one core, wrk and the probes to the other",
        "",
        "## Throughput and latency (page 3 of each query; baseline: the main query's page 3 bytes, pre-encoded, "
        "measured between the mock's runs)",
        "",
        "| customers | query | req/s | p50 ms | p99 ms | vs baseline |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for result in results:
        base = result.baseline
        lines.append(
            f"| {result.customers:,} | *baseline* | {base.requests_per_second:,.0f} | {base.p50_ms:.2f} | "
            f"{base.p99_ms:.2f} | 1.00 |"
        )
        for query, measured in result.queries.items():
            ratio = measured.requests_per_second / base.requests_per_second
            lines.append(
                f"| {result.customers:,} | `{query}` | {measured.requests_per_second:,.0f} | {measured.p50_ms:.2f} | "
                f"{measured.p99_ms:.2f} | {ratio:.2f} |"
            )
    lines += ["", "## Start-up and memory", "", "| customers | start-up s | RSS MiB |", "|---:|---:|---:|"]
    lines += [f"| {r.customers:,} | {r.startup_seconds:.2f} | {r.rss_mib:,.0f} |" for r in results]
    lines.append(f"| default dataset (2 tenants × 1,000) | {default[0]:.2f} | {default[1]:,.0f} |")
    smallest = results[0]
    lines += [
        "",
        f"## Flat in size: p50 of {len(smallest.p50_by_query)} queries, one request at a time, vs "
        f"{smallest.customers:,} customers",
        "",
        f"| customers | median p50 ms | worst p50 ms | median ratio | worst ratio | over {FLAT_LIMIT}× | worst query |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for result in results:
        ratios = {query: p50 / smallest.p50_by_query[query] for query, p50 in result.p50_by_query.items()}
        worst = max(ratios, key=ratios.__getitem__)
        values = sorted(result.p50_by_query.values())
        over = sum(ratio > FLAT_LIMIT for ratio in ratios.values())
        lines.append(
            f"| {result.customers:,} | {values[len(values) // 2]:.3f} | {values[-1]:.3f} | "
            f"{statistics.median(ratios.values()):.2f} | {ratios[worst]:.2f} | {over} | `{worst}` |"
        )
    over_limit = [
        (result.customers, query, p50 / smallest.p50_by_query[query])
        for result in results
        for query, p50 in result.p50_by_query.items()
        if p50 / smallest.p50_by_query[query] > FLAT_LIMIT
    ]
    if over_limit:
        lines += ["", f"Queries over {FLAT_LIMIT}×:", ""]
        lines += [f"- {size:,}: `{query}` {ratio:.2f}×" for size, query, ratio in over_limit[:15]]
        if len(over_limit) > 15:
            lines.append(f"- and {len(over_limit) - 15} more")
    if kit:
        lines += ["", f"## Contract kit: full traversal of {args.kit_size:,} customers through `KitClient`", ""]
        lines += [f"- limit={limit}: {rate:,.0f} pages/s" for limit, rate in kit.items()]
    return "\n".join(lines) + "\n"


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


if __name__ == "__main__":
    sys.exit(main())
