"""`python -m benchmarks.journal`: what the request journal adds to a served request.

Calls the ASGI app directly (no socket, no HTTP parsing, so the difference is not drowned in
them) with the same List Customers page, on an app with the journal and one without, taking
turns request by request so that other load and drift hit both alike (rounds of one app then
the other swung by ±10 % on a loaded machine); with the access log off, where the journal's
own timing shows most. Also times `Journal.record` alone, against a bare call, which says how
loaded the machine is.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
import timeit
from collections.abc import Sequence
from typing import Any

from mockserver.app import create_app
from mockserver.http.accesslog import LOGGER
from mockserver.journal.records import Journal
from mockserver.settings import Settings

_QUERY = b"limit=20&status=active&sortBy=lastName"


def _scope() -> dict[str, Any]:
    headers = [(b"host", b"mock"), (b"authorization", b"Bearer k"), (b"tenant-id", b"acme"), (b"accept", b"*/*")]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/v1/customers",
        "raw_path": b"/v1/customers",
        "query_string": _QUERY,
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 2),
    }


async def _interleaved_ns(apps: Sequence[Any], requests: int) -> list[list[int]]:
    """Each request's time on each app, the apps taking turns request by request so that drift hits all alike."""
    scope = _scope()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        return None

    timings: list[list[int]] = [[] for _ in apps]
    clock = time.perf_counter_ns
    for _ in range(requests):
        for app, taken in zip(apps, timings, strict=True):
            started = clock()
            await app(scope, receive, send)
            taken.append(clock() - started)
    return timings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.journal", description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000, help="customers (default: %(default)s)")
    parser.add_argument("--requests", type=int, default=20_000, help="requests per app (default: %(default)s)")
    args = parser.parse_args(argv)
    logging.getLogger(LOGGER).setLevel(logging.WARNING)
    apps = [create_app(Settings(customers=args.customers, tenants=("acme",), journal_size=size)) for size in (0, 1000)]
    off, on = (sorted(taken) for taken in asyncio.run(_interleaved_ns(apps, args.requests)))
    for name, at in (("median", 0.5), ("25th percentile", 0.25)):
        without, with_ = off[int(len(off) * at)] / 1000, on[int(len(on) * at)] / 1000
        print(
            f"List Customers in-process, access log off, {name}: {without:.2f} us without the journal, "
            f"{with_:.2f} us with it ({with_ - without:+.2f} us, {(with_ - without) / without:+.1%})"
        )
    journal, scope = Journal(1000), _scope()
    record = min(timeit.repeat(lambda: journal.record(scope, 200, 1.0), number=100_000, repeat=5)) / 100_000
    bare = min(timeit.repeat(lambda: None, number=100_000, repeat=5)) / 100_000
    print(f"Journal.record alone: {record * 1e9:.0f} ns (a call that does nothing: {bare * 1e9:.0f} ns)")
    read = min(timeit.repeat(journal.records, number=20, repeat=3)) / 20
    print(f"reading 1000 records back (parsed): {read * 1e3:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
