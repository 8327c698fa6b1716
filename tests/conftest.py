"""Shared test helpers: in-process clients over small seeded datasets, and a traversal helper."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from typing import Any

import psycopg
import pytest
from hypothesis import settings as hypothesis_settings
from starlette.testclient import TestClient

from mockserver import Settings, create_app
from tests.postgres import Cluster, private_cluster, unavailable
from tests.replicas import replica_args
from tests.serving import RunningMock, running_mock

# Shared machines are noisy: no per-example deadline; in CI, the same examples on every run.
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True, database=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

HEADERS = {"Authorization": "Bearer test-key", "Tenant-ID": "acme"}


def pytest_configure(config: pytest.Config) -> None:
    # The suite starts dozens of Pythons (the kit, the mock, xdist's workers) that import the same
    # modules; each would compile them again, and pytest re-rewrite its plugins' hundreds, when the
    # environment forbids writing bytecode. Caching it changes only how fast they start.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Two workers a core for `-n auto`: a quarter of the suite's time is spent waiting on the
    processes and servers it starts, and a second worker per core fills those waits."""
    return 2 * (os.cpu_count() or 1)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files marked `slow` first (in their order), so xdist's workers do not end on one while the others idle."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def client_for(settings: Settings) -> TestClient:
    return TestClient(create_app(settings), raise_server_exceptions=True)


def traverse(
    client: TestClient, params: Mapping[str, Any], headers: Mapping[str, str] = HEADERS, max_pages: int = 10_000
) -> Iterator[dict[str, Any]]:
    """Every page of a list query, following nextCursor until hasMore is false."""
    query = dict(params)
    for _ in range(max_pages):
        response = client.get("/v1/customers", params=query, headers=dict(headers))
        assert response.status_code == 200, response.text
        page = response.json()
        yield page
        if not page["hasMore"]:
            return
        query["startAfter"] = page["nextCursor"]
    raise AssertionError(f"traversal of {params} did not end within {max_pages} pages")


@pytest.fixture(scope="session")
def small_settings() -> Settings:
    return Settings(seed=11, customers=300, tenants=("acme", "globex"))


@pytest.fixture(scope="session")
def client(small_settings: Settings) -> Iterator[TestClient]:
    with client_for(small_settings) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """A private PostgreSQL 15 cluster for the session; the tests using it skip where it cannot start."""
    reason = unavailable()
    if reason is not None:
        pytest.skip(reason)
    with private_cluster() as cluster:
        yield cluster


@pytest.fixture
def database(postgres_cluster: Cluster) -> Iterator[str]:
    """A fresh database of the cluster, as the URL `--state` takes; dropped afterwards."""
    name = f"replicas_{secrets.token_hex(4)}"
    with psycopg.connect(postgres_cluster.dsn(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    c = postgres_cluster
    yield f"postgresql://{c.user}:{c.password}@{c.host}:{c.port}/{name}"
    with psycopg.connect(postgres_cluster.dsn(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def replicas(database: str) -> Iterator[tuple[RunningMock, RunningMock]]:
    with ExitStack() as stack:
        first = stack.enter_context(running_mock(*replica_args(database)))
        second = stack.enter_context(running_mock(*replica_args(database)))
        yield first, second
