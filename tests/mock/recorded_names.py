"""What the recording tests compare with the source: every person's name a fixture's records show."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def full_names(records: list[dict[str, Any]]) -> Iterator[str]:
    """Every person's name in `records`: the customers' and their addresses' contacts."""
    for record in records:
        yield f"{record['firstName']} {record['lastName']}"
        for address in ("lastBillingAddress", "lastShippingAddress"):
            if isinstance(record.get(address), dict):
                yield record[address]["contactName"]
