"""`python -m benchmarks.writes`: what writes cost the reads that follow them.

Pages are served in this process through the whole ASGI app (no socket, so the figures are the
mock's own cost), from a change log in memory, from a shared SQLite file as `--workers` uses
and, with `--postgres URL` (an empty database), from PostgreSQL as replicas use it, first with
no writes and then after growing numbers of them. A page must stay about as fast as without
writes: reads catch up with the log through one `PRAGMA data_version` (in PostgreSQL, one
`SELECT max(seq)` over the kept connection) and merge the written customers into the seeded
store's page.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
from starlette.types import ASGIApp, Message

from mockserver import Settings, create_app

HEADERS = [(b"authorization", b"Bearer bench"), (b"tenant-id", b"acme")]
QUERIES = (
    b"status=active&sortBy=totalMonthlyRevenue&sortOrder=desc&limit=50",
    b"sortBy=lastName&sortOrder=asc&limit=50",
    b"limit=50",
)


async def call(app: ASGIApp, method: str, path: str, query: bytes = b"", body: bytes = b"") -> tuple[int, bytes]:
    """One request through `app`, as a server would make it."""
    headers = [*HEADERS, (b"content-type", b"application/json")] if body else HEADERS
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[Message] = []
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(message["status"] for message in sent if message["type"] == "http.response.start")
    return status, b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")


async def page_micros(app: ASGIApp, rounds: int) -> float:
    """The median time of a page of each sample query, in microseconds."""
    times = []
    for _ in range(rounds):
        for query in QUERIES:
            start = time.perf_counter()
            status, _ = await call(app, "GET", "/v1/customers", query)
            times.append(time.perf_counter() - start)
            assert status == 200
    return statistics.median(times) * 1e6


async def measure(settings: Settings, writes: Sequence[int], rounds: int) -> list[tuple[int, float]]:
    """Page time after each number of `writes` (updates of distinct customers and new customers, half each)."""
    app = create_app(settings)
    status, body = await call(app, "GET", "/v1/customers", b"limit=100&sortBy=email")
    ids = [item["customerId"] for item in orjson.loads(body)["customers"]]
    done = 0
    figures = []
    for target in writes:
        while done < target:
            if done % 2:
                patch = b'{"lastName": "Moved %d"}' % done
                await call(app, "PATCH", f"/v1/customers/{ids[done % len(ids)]}", body=patch)
            else:
                await call(app, "POST", "/_mock/orders", body=b'{"email": "new%d@bench.example"}' % done)
            done += 1
        figures.append((target, await page_micros(app, rounds)))
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.writes", description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--writes", default="0,10,100,1000", help="numbers of writes to measure after")
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--postgres", metavar="URL", help="also measure a change log in this (empty) database")
    args = parser.parse_args(argv)
    writes = [int(number) for number in args.writes.split(",")]
    print(f"page time through the app, median of {args.rounds * len(QUERIES)} pages, {args.customers:,} customers")
    print("| change log | " + " | ".join(f"after {number} writes" for number in writes) + " |")
    print("|---|" + "---:|" * len(writes))
    with tempfile.TemporaryDirectory() as folder:
        logs: list[tuple[str, Path | str | None]] = [
            ("in memory", None),
            ("SQLite file (--workers)", Path(folder) / "state.sqlite3"),
        ]
        if args.postgres:
            logs.append(("PostgreSQL (replicas)", args.postgres))
        for name, state in logs:
            settings = Settings(customers=args.customers, tenants=("acme",), state=state)
            figures = asyncio.run(measure(settings, writes, args.rounds))
            print(f"| {name} | " + " | ".join(f"{micros:.0f} µs" for _, micros in figures) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
