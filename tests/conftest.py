"""The suite's configuration and its fixtures: one per way of serving the mock, and the private databases.

The mock is served in tests in four ways, each through one mechanism:

- in process: the `client` fixture, a Starlette `TestClient` over a small seeded dataset shared
  by the session; a test that changes what it serves makes its own with `helpers.client_for`;
- on a socket in this process: `mockserver.server.background` (uvicorn in a thread), for what
  only a real connection shows (network faults, the HTTP protocol, the kit's runs);
- as a process, started as a user starts it: `helpers.running_mock(*args)`, and the `replicas`
  fixture for two of them sharing one PostgreSQL database;
- through the pytest plugin's own fixtures (`flexportal_mock` and its siblings).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import ExitStack

import psycopg
import pytest
from hypothesis import settings as hypothesis_settings
from starlette.testclient import TestClient

from mockserver import Settings
from tests.helpers import RunningMock, client_for, missing_here, running_mock
from tests.mock.replicas import replica_args
from tests.postgres import Cluster, private_cluster, unavailable

# Shared machines are noisy: no per-example deadline; in CI, the same examples on every run.
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True, database=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")


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
    """Files marked `slow(seconds=N)` first, the longest first, so that xdist's workers do not end on one
    while the others idle: with `--dist loadfile --no-loadscope-reorder` a file runs on one worker and
    files are handed out in the order given here."""
    items.sort(key=_schedule)


def _schedule(item: pytest.Item) -> tuple[bool, float]:
    marker = item.get_closest_marker("slow")
    if marker is None:
        return True, 0.0
    if "seconds" not in marker.kwargs:
        raise pytest.UsageError(f"{item.nodeid}: the slow mark takes the file's seconds, as slow(seconds=N)")
    return False, -float(marker.kwargs["seconds"])


@pytest.fixture(scope="session")
def small_settings() -> Settings:
    return Settings(seed=11, customers=300, tenants=("acme", "globex"))


@pytest.fixture(scope="session")
def client(small_settings: Settings) -> Iterator[TestClient]:
    with client_for(small_settings) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """A private PostgreSQL 15 cluster for the session; the tests using it skip where it cannot start (fail in CI)."""
    reason = unavailable()
    if reason is not None:
        missing_here(reason)
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
