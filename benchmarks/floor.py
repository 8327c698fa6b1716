"""`python -m benchmarks.floor ARGS...`: the mock as `flexportal-mock ARGS...` runs it, with a free List Customers.

Every List Customers request gets the bytes of the file `$BENCHMARK_BODY` at once, in place of
the operation (authentication, query, cursor, page, body); everything else is the mock as it
runs: its HTTP protocol and the request edge (network faults, the dispatch of the reads, the
journal, CORS and the access log). Loaded beside the baseline (`benchmarks.ratios`), it shows what the mock's serving
stack costs without the operation, so that the gap to the ceiling can be put where it is.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from mockserver import cli
from mockserver.http.endpoints import CustomerEndpoints
from mockserver.http.request import RawHeaders

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    body = Path(os.environ["BENCHMARK_BODY"]).read_bytes()

    async def answered(self: CustomerEndpoints, headers: RawHeaders, query_string: bytes) -> bytes:
        return body

    # This process only, and before the app is made: the request edge calls the replaced method.
    CustomerEndpoints.list_customers = answered  # type: ignore[method-assign]
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
