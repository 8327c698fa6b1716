"""The data a server holds: one indexed store per tenant, generated or read from a fixture file."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping

from mockserver.customer import Customer
from mockserver.fixturefile import load_fixtures
from mockserver.heap import return_free_memory
from mockserver.settings import Settings
from mockserver.store import TenantStore


def dataset_records(settings: Settings) -> dict[str, list[Customer]]:
    """Each tenant's customer records as `settings` describe them."""
    if settings.fixtures is not None:
        return load_fixtures(settings.fixtures)
    from mockserver.generator import generate_customers  # serving a fixture file needs no generator
    from mockserver.pools import build_pools

    pools = build_pools(settings.seed)
    return {tenant: generate_customers(settings.seed, tenant, settings.customers, pools) for tenant in settings.tenants}


def _stores(settings: Settings) -> dict[str, TenantStore]:
    if settings.fixtures is not None:
        return {tenant: TenantStore(tenant, records) for tenant, records in load_fixtures(settings.fixtures).items()}
    from mockserver.generator import generate_table
    from mockserver.pools import build_pools

    pools = build_pools(settings.seed)
    return {
        tenant: TenantStore.from_table(tenant, generate_table(settings.seed, tenant, settings.customers, pools))
        for tenant in settings.tenants
    }


def build_stores(settings: Settings) -> dict[str, TenantStore]:
    """An indexed store per tenant, ready to serve.

    Building allocates millions of long-lived, acyclic objects. The cyclic collector would scan
    them again and again for nothing, so it is paused while they are made, and they are frozen
    afterwards so that later collections, during requests, skip them too. What the build freed
    is then handed back to the operating system.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        stores = _stores(settings)
    finally:
        if collecting:
            gc.enable()
    gc.freeze()
    return_free_memory()
    return stores


class LiveStores(Mapping[str, TenantStore]):
    """The tenant stores being served now, as a read-only mapping.

    A reload replaces them whole, in one assignment, so a lookup always finds a store of one
    consistent dataset; a request keeps the store it found for its whole life.
    """

    __slots__ = ("_current",)

    def __init__(self, stores: dict[str, TenantStore]) -> None:
        self._current = stores

    def current(self) -> dict[str, TenantStore]:
        """The stores served now; a reload puts a new dictionary in its place."""
        return self._current

    def replace(self, stores: dict[str, TenantStore]) -> None:
        """Serve `stores` from now on."""
        self._current = stores

    def __getitem__(self, tenant: str) -> TenantStore:
        return self._current[tenant]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current)

    def __len__(self) -> int:
        return len(self._current)
