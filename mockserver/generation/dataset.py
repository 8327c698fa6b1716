"""The data a server holds: one indexed store per tenant, generated or read from a fixture file.

It takes any value with the dataset fields of `mockserver.Settings` (`DatasetSpec`), so that this
layer does not depend on the whole configuration.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from mockserver.domain.customer import Customer
from mockserver.storage.fixturefile import load_fixtures
from mockserver.storage.heap import return_free_memory
from mockserver.storage.seededindex import TenantStore

__all__ = ["DatasetSpec", "build_stores", "dataset_records"]


class DatasetSpec(Protocol):
    """What describes a dataset: a seed, a size and tenants, or a fixture file (`Settings` is one)."""

    @property
    def seed(self) -> int: ...
    @property
    def customers(self) -> int: ...
    @property
    def tenants(self) -> Sequence[str]: ...
    @property
    def fixtures(self) -> Path | None: ...


def dataset_records(settings: DatasetSpec) -> dict[str, list[Customer]]:
    """Each tenant's customer records as `settings` describe them."""
    if settings.fixtures is not None:
        return load_fixtures(settings.fixtures)
    from mockserver.generation.generator import generate_customers  # serving a fixture file needs no generator
    from mockserver.generation.pools import build_pools

    pools = build_pools(settings.seed)
    return {tenant: generate_customers(settings.seed, tenant, settings.customers, pools) for tenant in settings.tenants}


def _stores(settings: DatasetSpec) -> dict[str, TenantStore]:
    if settings.fixtures is not None:
        return {tenant: TenantStore(tenant, records) for tenant, records in load_fixtures(settings.fixtures).items()}
    from mockserver.generation.generator import generate_table
    from mockserver.generation.pools import build_pools

    pools = build_pools(settings.seed)
    return {
        tenant: TenantStore.from_table(tenant, generate_table(settings.seed, tenant, settings.customers, pools))
        for tenant in settings.tenants
    }


def build_stores(settings: DatasetSpec) -> dict[str, TenantStore]:
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
