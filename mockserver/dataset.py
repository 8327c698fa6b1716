"""The dataset a server serves, as its settings describe it: a fixture file's tenants, or generated ones.

The one place that chooses between the two, for the app and its fixture-file watcher, the
command line's export and the pytest plugin's `Dataset`: a fixture file is loaded by
`storage/` (`storage/stores.py`), generated data made by `generation/generator.py`.
"""

from __future__ import annotations

from collections.abc import Iterator

from mockserver.domain.customer import Customer
from mockserver.settings import Settings
from mockserver.storage.fixturefile import load_fixtures
from mockserver.storage.seededindex import TenantStore
from mockserver.storage.stores import fixture_tables, index_tables
from mockserver.storage.table import CustomerTable

__all__ = ["build_stores", "dataset_records"]


def build_stores(settings: Settings) -> dict[str, TenantStore]:
    """An indexed store per tenant of the dataset `settings` describe, ready to serve."""
    if settings.fixtures is not None:
        return index_tables(fixture_tables(settings.fixtures))
    return index_tables(_generated(settings))


def dataset_records(settings: Settings) -> dict[str, list[Customer]]:
    """Each tenant's customer records in the dataset `settings` describe, as a fixture file would hold them."""
    if settings.fixtures is not None:
        return load_fixtures(settings.fixtures)
    return {tenant: table.records() for tenant, table in _generated(settings)}


def _generated(settings: Settings) -> Iterator[tuple[str, CustomerTable]]:
    from mockserver.generation.generator import generate_tables  # serving a fixture file needs no generator

    return generate_tables(settings.seed, settings.tenants, settings.customers)
