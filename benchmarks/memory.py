"""`python -m benchmarks.memory`: the mock's memory under thousands of distinct tenants, cursors and keys.

Hostile or merely varied clients send values the server has never seen: tenant ids it does
not serve, cursors it did not issue, API keys by the thousand (the per-key rate limiter is
on, so each key is state). Nothing of that may be kept without bound. After a warm-up, each
round sends every kind of value fresh; the resident memory after each phase must level off,
not climb with the number of distinct values.
"""

from __future__ import annotations

import argparse
import http.client
import secrets
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from urllib.parse import quote, urlsplit

from benchmarks.process import resident_mib, served

KEY = "bench-key"
HEADERS = {"Authorization": f"Bearer {KEY}", "Tenant-ID": "acme"}
QUERIES = ("limit=50", "status=active&sortBy=lastName&sortOrder=asc&limit=20", "sortBy=email&limit=100")

Request = tuple[str, dict[str, str]]


def unknown_tenants(count: int) -> Iterator[Request]:
    for _ in range(count):
        yield "/v1/customers?limit=5", {**HEADERS, "Tenant-ID": "t-" + secrets.token_hex(8)}


def foreign_cursors(count: int) -> Iterator[Request]:
    for _ in range(count):
        yield "/v1/customers?startAfter=" + quote(secrets.token_urlsafe(48) + "." + secrets.token_urlsafe(16)), HEADERS


def new_keys(count: int) -> Iterator[Request]:
    for _ in range(count):
        yield "/v1/customers?limit=5", {**HEADERS, "Authorization": "Bearer k-" + secrets.token_hex(12)}


def valid_pages(count: int) -> Iterator[Request]:
    for index in range(count):
        yield "/v1/customers?" + QUERIES[index % len(QUERIES)], HEADERS


PHASES: dict[str, Callable[[int], Iterator[Request]]] = {
    "unknown tenant ids": unknown_tenants,
    "cursors it never issued": foreign_cursors,
    "new API keys (rate limiter on)": new_keys,
}


def send_all(base_url: str, requests: Iterator[Request]) -> dict[int, int]:
    """Send every request on one keep-alive connection; count the answers by status."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    statuses: dict[int, int] = {}
    try:
        for path, headers in requests:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            statuses[response.status] = statuses.get(response.status, 0) + 1
    finally:
        connection.close()
    return statuses


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--per-phase", type=int, default=10_000, help="distinct values per phase (default: %(default)s)"
    )
    parser.add_argument("--rounds", type=int, default=2, help="rounds of all phases (default: %(default)s)")
    args = parser.parse_args(argv)
    command = [sys.executable, "-m", "mockserver", "--rate-limit", "1000000", "--log-level", "warning"]
    rows = []
    with served(command, HEADERS) as (process, base_url, _):
        statuses = send_all(base_url, valid_pages(2_000))
        warm = resident_mib(process.pid)
        rows.append(("warm-up: 2,000 pages", statuses, warm))
        for round_number in range(1, args.rounds + 1):
            for name, requests in PHASES.items():
                started = time.perf_counter()
                statuses = send_all(base_url, requests(args.per_phase))
                rate = args.per_phase / (time.perf_counter() - started)
                rows.append(
                    (
                        f"round {round_number}: {args.per_phase:,} {name} ({rate:,.0f}/s)",
                        statuses,
                        resident_mib(process.pid),
                    )
                )
    print(f"{'phase':<60} {'answers':<22} {'RSS MiB':>8} {'vs warm':>8}")
    for name, counts, rss in rows:
        answers = ", ".join(f"{count:,}×{status}" for status, count in sorted(counts.items()))
        print(f"{name:<60} {answers:<22} {rss:>8.1f} {rss - warm:>+8.1f}")
    errors = sum(count for _, counts, _ in rows for status, count in counts.items() if status >= 500)
    first_round = rows[len(PHASES)][2]
    last = rows[-1][2]
    print(
        f"\nafter the first round {first_round - warm:+.1f} MiB; the later rounds {last - first_round:+.1f} MiB more;"
        f" 5xx answers: {errors}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
