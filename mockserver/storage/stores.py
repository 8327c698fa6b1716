"""One indexed store per tenant, built from tables: a fixture file's, loaded here, or generated ones handed in.

Serving a fixture file goes through this module alone: the file is read and every record
checked (`fixturefile.py`) before any store is built, so a bad file fails at start, or leaves
the last good data in service when it is reloaded (`reload.py`). Generated tables come from a
layer above (`generation/`); the choice between the two is the caller's (`mockserver/dataset.py`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from pathlib import Path

from mockserver.storage.fixturefile import load_fixtures
from mockserver.storage.heap import return_free_memory
from mockserver.storage.seededindex import TenantStore
from mockserver.storage.table import CustomerTable, table_from_records

__all__ = ["fixture_tables", "index_tables"]


def fixture_tables(path: Path) -> Iterator[tuple[str, CustomerTable]]:
    """Each tenant of the fixture file at `path` and its table, once the whole file is checked; FixtureError if not."""
    for tenant, records in load_fixtures(path).items():
        yield tenant, table_from_records(records)


def index_tables(tables: Iterable[tuple[str, CustomerTable]]) -> dict[str, TenantStore]:
    """An indexed store per tenant of `tables`, ready to serve; each table is indexed as it comes.

    Building allocates millions of long-lived, acyclic objects. The cyclic collector would scan
    them again and again for nothing, so it is paused while they are made (`tables` may make
    them as they are iterated), and they are frozen afterwards so that later collections,
    during requests, skip them too. What the build freed is then handed back to the operating
    system.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        stores = {tenant: TenantStore.from_table(tenant, table) for tenant, table in tables}
    finally:
        if collecting:
            gc.enable()
    gc.freeze()
    return_free_memory()
    return stores
