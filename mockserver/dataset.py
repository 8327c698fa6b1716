"""The data a server holds: one indexed store per tenant, generated or read from a fixture file."""

from __future__ import annotations

from mockserver.customer import Customer
from mockserver.fixturefile import load_fixtures
from mockserver.generator import build_pools, generate_customers
from mockserver.settings import Settings
from mockserver.store import TenantStore


def dataset_records(settings: Settings) -> dict[str, list[Customer]]:
    """Each tenant's customer records as `settings` describe them."""
    if settings.fixtures is not None:
        return load_fixtures(settings.fixtures)
    pools = build_pools(settings.seed)
    return {tenant: generate_customers(settings.seed, tenant, settings.customers, pools) for tenant in settings.tenants}


def build_stores(settings: Settings) -> dict[str, TenantStore]:
    """An indexed store per tenant, ready to serve."""
    return {tenant: TenantStore(tenant, records) for tenant, records in dataset_records(settings).items()}
