"""The mock as pytest fixtures, for testing code that calls FlexPortal's customer API.

Installing the package registers this plugin (entry point `pytest11`). Its fixtures:

- `flexportal_mock`: the mock served on a free loopback port, as a `FlexportalMock`: where it
  listens, the key and tenant to send, ready-made headers, and the seeded records;
- `flexportal_app`: the same mock as an ASGI app, for `httpx.ASGITransport`, no socket involved;
- `flexportal_client`: an `httpx.AsyncClient` over that app, its headers already set;
- `flexportal_requests`: the API requests the mock answered in this test, with `assert_requested`
  (the same as `flexportal_mock.requests()` and `flexportal_mock.assert_requested()`);
- `flexportal_dataset`: the seeded records alone, to compute what a test should see.

What is served comes from the ini options `flexportal_seed`, `flexportal_customers`,
`flexportal_tenants`, `flexportal_fixtures`, `flexportal_api_key` and `flexportal_journal_size`, which a
`@pytest.mark.flexportal(...)` marker overrides for a test, class or module. Each distinct
configuration gets one app, and at most one server, for the whole session; every write (Update
Customer, orders) is undone, and the request journal emptied, before each test that uses the mock
or the app, so tests never see each other's changes or requests.

Nothing but pytest and the standard library is imported until a fixture is used, so runs that
never use them pay nothing for the plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

import pytest

from mockserver.testing.config import MARKER, MockConfig, add_options, fail, resolve_config
from mockserver.testing.handle import Dataset, FlexportalMock, MockInstance, headers

if TYPE_CHECKING:
    import httpx
    from starlette.applications import Starlette

    from mockserver.testing.requests import RequestJournal

__all__ = ["Dataset", "FlexportalMock", "MockConfig", "resolve_config"]

T = TypeVar("T")

IN_PROCESS_BASE_URL = "http://flexportal-mock.test"


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(seed=, customers=, tenants=[...], fixtures=path, api_key=, journal_size=): what the "
        "flexportal_mock, flexportal_app, flexportal_client, flexportal_requests and flexportal_dataset fixtures serve "
        "this test "
        "(a relative fixtures path is taken from the test file's folder)",
    )


class MockPool:
    """The session's mocks, one per configuration, stopped when the session ends."""

    def __init__(self) -> None:
        self._instances: dict[MockConfig, MockInstance] = {}

    def get(self, config: MockConfig) -> MockInstance:
        instance = self._instances.get(config)
        if instance is None:
            instance = _or_fail(lambda: MockInstance(config))
            self._instances[config] = instance
        return instance

    def close(self) -> None:
        for instance in self._instances.values():
            instance.close()
        self._instances.clear()


@pytest.fixture(scope="session")
def _flexportal_pool() -> Iterator[MockPool]:
    pool = MockPool()
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def _flexportal_instance(request: pytest.FixtureRequest, _flexportal_pool: MockPool) -> MockInstance:
    return _flexportal_pool.get(resolve_config(request.node, request.config))


@pytest.fixture
def flexportal_mock(_flexportal_instance: MockInstance) -> FlexportalMock:
    """The FlexPortal mock on a free loopback port, serving the seeded data (every earlier write undone).

    Gives `base_url`, `api_key`, `tenant`, `other_tenants`, `headers`, `url(path)`, `records(tenant)`,
    `dataset`, `app` and `reset()`. Configure it with the `flexportal` marker or `flexportal_*` ini options.
    """
    handle = _or_fail(_flexportal_instance.handle)
    _flexportal_instance.fresh()
    return handle


@pytest.fixture
def flexportal_app(_flexportal_instance: MockInstance) -> Starlette:
    """The FlexPortal mock as an ASGI app, serving the seeded data (every earlier write undone).

    For `httpx.ASGITransport(app=...)`; its state is `mockserver.served_state(app)`. Same configuration and data
    as `flexportal_mock`, which serves this very app.
    """
    app = _or_fail(lambda: _flexportal_instance.app)
    _flexportal_instance.fresh()
    return app


@pytest.fixture
def flexportal_client(flexportal_app: Starlette, _flexportal_instance: MockInstance) -> httpx.AsyncClient:
    """An `httpx.AsyncClient` that calls `flexportal_app` in this process, with `Authorization` and `Tenant-ID` set.

    Use it from an async test (anyio's or pytest-asyncio's); it needs no closing.
    """
    try:
        import httpx
    except ImportError:
        pytest.fail("flexportal_client needs httpx: pip install 'flexportal-mock[kit]' or httpx", pytrace=False)
    sent = headers(_flexportal_instance.config.api_key, next(iter(flexportal_app.state.tenant_sizes)))
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=flexportal_app), base_url=IN_PROCESS_BASE_URL, headers=sent
    )


@pytest.fixture
def flexportal_requests(flexportal_app: Starlette, _flexportal_instance: MockInstance) -> RequestJournal:
    """The API requests the mock of this test answered (served or in-process), with `assert_requested`.

    Empty when the test starts. `flexportal_mock.requests()` and `flexportal_mock.assert_requested()` read the same.
    """
    return _flexportal_instance.journal()


@pytest.fixture
def flexportal_dataset(_flexportal_instance: MockInstance) -> Dataset:
    """The seeded records the mock of this test serves, by tenant; no server is started for it."""
    return _flexportal_instance.dataset


def _or_fail(make: Callable[[], T]) -> T:
    """`make()`, or this test failed with the reason the mock could not be made."""
    try:
        return make()
    except ValueError as error:  # settings the server refuses, a fixture file that does not load
        reason = str(error)
    fail(f"the flexportal mock cannot be made: {reason}")
