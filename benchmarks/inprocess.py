"""`python -m benchmarks.inprocess`: what a request costs the app itself, in process, for source trees side by side.

Calls the ASGI app made by `create_app` directly (no socket, no HTTP parsing, no load
generator), so that what the request edge and the operations cost is not drowned in the
protocol's and the client's; the access log is off, as in `benchmarks.paired`. Each tree (as
`git archive` writes one; default: this one) is measured in a process of its own, the trees
taking turns round by round so that other load hits them alike, and each figure is the median
over the rounds of each round's median request. Pages are page 1 of the five sample queries, and
a Get Customer that answers `404`; `--cors` adds an `Origin` header to an app that allows any.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
_KEY = "bench-key"
_TENANT = "acme"
_ITEM = "/v1/customers/nobody"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.inprocess", description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000, help="customers (default: %(default)s)")
    parser.add_argument(
        "--requests", type=int, default=3_000, help="requests per path and round (default: %(default)s)"
    )
    parser.add_argument("--rounds", type=int, default=6, help="rounds per tree (default: %(default)s)")
    parser.add_argument("--cors", action="store_true", help="requests with an Origin, to an app allowing any")
    parser.add_argument("--tree", action="append", type=Path, metavar="DIR", help="a source tree; repeat to compare")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        print(json.dumps(_measure(args.worker, args.customers, args.requests, args.cors)))
        return 0
    from benchmarks.__main__ import SAMPLE_QUERIES

    trees = args.tree or [HERE]
    rounds: list[list[dict[str, float]]] = [[] for _ in trees]
    for _ in range(args.rounds):
        for tree, taken in zip(trees, rounds, strict=True):
            command = [sys.executable, str(Path(__file__).resolve()), "--worker", str(tree.resolve())]
            command += ["--customers", str(args.customers), "--requests", str(args.requests)]
            command += ["--cors"] if args.cors else []
            taken.append(json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout))
    print(f"{args.customers:,} customers; µs a request, in process (median of {args.rounds} rounds' medians)")
    print("| request | " + " | ".join(tree.name or str(tree) for tree in trees) + " |")
    print("|---|" + "---:|" * len(trees))
    for name in [*(f"`{query}`" for query in SAMPLE_QUERIES), f"`GET {_ITEM}` (404)"]:
        cells = [statistics.median(taken[name] for taken in runs) for runs in rounds]
        print(f"| {name} | " + " | ".join(f"{cell:.1f}" for cell in cells) + " |")
    return 0


def _measure(tree: Path, customers: int, requests: int, cors: bool) -> dict[str, float]:
    """The median µs of a request to each path, on the app of the mock in `tree`."""
    sys.path.insert(0, str(tree))
    from benchmarks.__main__ import SAMPLE_QUERIES
    from mockserver.app import create_app
    from mockserver.settings import Settings

    logging.getLogger("flexportal_mock.access").setLevel(logging.WARNING)
    settings = Settings(
        customers=customers, tenants=(_TENANT,), api_keys=frozenset({_KEY}), cors_origins=("*",) if cors else ()
    )
    app = create_app(settings)
    headers = [(b"host", b"mock"), (b"authorization", f"Bearer {_KEY}".encode()), (b"tenant-id", _TENANT.encode())]
    headers += [(b"origin", b"http://app.test")] if cors else []
    targets = {f"`{query}`": ("/v1/customers", query.encode()) for query in SAMPLE_QUERIES}
    targets[f"`GET {_ITEM}` (404)"] = (_ITEM, b"")
    return asyncio.run(_timed(app, headers, targets, requests))


async def _timed(
    app: Any, headers: list[tuple[bytes, bytes]], targets: dict[str, tuple[str, bytes]], requests: int
) -> dict[str, float]:
    statuses = set()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.add(message["status"])

    medians = {}
    for name, (path, query) in targets.items():
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query,
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 2),
        }
        for _ in range(requests // 10):  # warm up
            await app(scope, receive, send)
        taken = []
        for _ in range(requests):
            started = time.perf_counter_ns()
            await app(scope, receive, send)
            taken.append(time.perf_counter_ns() - started)
        medians[name] = statistics.median(taken) / 1000
    if not statuses <= {200, 404}:
        raise RuntimeError(f"the app answered {sorted(statuses)}, not only 200 and 404")
    return medians


if __name__ == "__main__":
    sys.exit(main())
