"""The mock as pytest fixtures, for testing code that calls FlexPortal's customer API.

Installing the package registers this plugin (entry point `pytest11`). Its fixtures:

- `flexportal_mock`: the mock served on a free loopback port, as a `FlexportalMock`: where it
  listens, the key and tenant to send, ready-made headers, and the seeded records;
- `flexportal_app`: the same mock as an ASGI app, for `httpx.ASGITransport`, no socket involved;
- `flexportal_client`: an `httpx.AsyncClient` over that app, its headers already set;
- `flexportal_dataset`: the seeded records alone, to compute what a test should see.

What is served comes from the ini options `flexportal_seed`, `flexportal_customers`,
`flexportal_tenants`, `flexportal_fixtures` and `flexportal_api_key`, which a
`@pytest.mark.flexportal(...)` marker overrides for a test, class or module. Each distinct
configuration gets one app, and at most one server, for the whole session; every write (Update
Customer, orders) is undone before each test that uses the mock or the app, so tests never see
each other's changes.

Nothing but pytest and the standard library is imported until a fixture is used, so runs that
never use them pay nothing for the plugin.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, NoReturn, TypeVar

import pytest

if TYPE_CHECKING:
    import httpx
    from starlette.applications import Starlette

    from mockserver.background import BackgroundServer
    from mockserver.settings import Settings

T = TypeVar("T")

MARKER: Final = "flexportal"
DEFAULT_SEED: Final = 7
DEFAULT_CUSTOMERS: Final = 300
DEFAULT_TENANTS: Final = ("acme", "globex")
DEFAULT_API_KEY: Final = "test-key"
IN_PROCESS_BASE_URL: Final = "http://flexportal-mock.test"
_KEYS: Final = ("seed", "customers", "tenants", "fixtures", "api_key")
_INI: Final = {key: f"flexportal_{key}" for key in _KEYS}


def pytest_addoption(parser: pytest.Parser) -> None:
    # pytest 8.4 reads integers itself, also from native TOML configuration; older ones give strings.
    integer: Literal["int", "string"] = "int" if pytest.version_tuple >= (8, 4) else "string"
    parser.addini(
        _INI["seed"], f"seed of the data the flexportal fixtures serve (default {DEFAULT_SEED})", integer, None
    )
    parser.addini(
        _INI["customers"],
        f"customers per tenant the flexportal fixtures serve (default {DEFAULT_CUSTOMERS})",
        integer,
        None,
    )
    parser.addini(
        _INI["tenants"], f"tenants the flexportal fixtures serve (default {' '.join(DEFAULT_TENANTS)})", "args"
    )
    parser.addini(
        _INI["fixtures"], "fixture file the flexportal fixtures serve instead of generated data (relative to this file)"
    )
    parser.addini(_INI["api_key"], f"the one bearer key the flexportal fixtures accept (default {DEFAULT_API_KEY})")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(seed=, customers=, tenants=[...], fixtures=path, api_key=): what the flexportal_mock, "
        "flexportal_app, flexportal_client and flexportal_dataset fixtures serve this test "
        "(a relative fixtures path is taken from the test file's folder)",
    )


@dataclass(frozen=True, slots=True)
class MockConfig:
    """What a mock serves, and to which key; mocks of equal configurations are one and the same.

    With `fixtures`, the file's tenants and customers are served and `tenants` and `customers`
    are empty.
    """

    seed: int = DEFAULT_SEED
    customers: int = DEFAULT_CUSTOMERS
    tenants: tuple[str, ...] = DEFAULT_TENANTS
    fixtures: Path | None = None
    api_key: str = DEFAULT_API_KEY

    def settings(self) -> Settings:
        """The server settings; raises ValueError for what the server refuses (a bad tenant id, say)."""
        from mockserver.settings import Settings

        return Settings(
            seed=self.seed,
            customers=self.customers,
            tenants=self.tenants,
            fixtures=self.fixtures,
            api_keys=frozenset({self.api_key}),
        )


class Dataset:
    """The seeded records of a mock, by tenant, as Get Customer returns them.

    List Customers shows the same records without the profitability figures. Every call returns
    fresh copies, so a test may change what it got without changing what the next test gets.
    """

    __slots__ = ("_encoded", "settings")

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._encoded: dict[str, bytes] | None = None

    @property
    def tenants(self) -> tuple[str, ...]:
        """The tenants served, in the order of the settings or of the fixture file."""
        if self.settings.fixtures is None:
            return self.settings.tenants
        return tuple(self._tenant_records())

    def records(self, tenant: str | None = None) -> list[dict[str, Any]]:
        """The seeded records of `tenant` (the first tenant when None), in the order they were made."""
        import orjson

        encoded = self._tenant_records()
        chosen = tenant if tenant is not None else next(iter(encoded))
        if chosen not in encoded:
            raise KeyError(f"the mock serves no tenant {chosen!r}; it serves {', '.join(encoded)}")
        records: list[dict[str, Any]] = orjson.loads(encoded[chosen])
        return records

    def _tenant_records(self) -> dict[str, bytes]:
        if self._encoded is None:
            import orjson

            from mockserver.dataset import dataset_records

            self._encoded = {
                tenant: orjson.dumps(records) for tenant, records in dataset_records(self.settings).items()
            }
        return self._encoded


@dataclass(frozen=True)
class FlexportalMock:
    """A mock serving on `base_url`, as the `flexportal_mock` fixture gives it to a test.

    It accepts `api_key` only and serves `tenant` and `other_tenants`; `headers` are the ones to
    send. `records()` are the seeded customers, `app` the application served (its state, with
    every write, is `app.state.data`), and `reset()` undoes every write, as happens before each test.
    """

    base_url: str
    api_key: str
    tenant: str
    other_tenants: tuple[str, ...]
    dataset: Dataset = field(repr=False)
    app: Starlette = field(repr=False)
    _reset: Callable[[], None] = field(repr=False)

    @property
    def tenants(self) -> tuple[str, ...]:
        """Every tenant served, `tenant` first."""
        return (self.tenant, *self.other_tenants)

    @property
    def headers(self) -> dict[str, str]:
        """`Authorization` and `Tenant-ID` for `tenant`: a new dict each time, free to extend."""
        return self.headers_for(self.tenant)

    def headers_for(self, tenant: str) -> dict[str, str]:
        """`Authorization` and `Tenant-ID` for `tenant`."""
        return _headers(self.api_key, tenant)

    def url(self, path: str) -> str:
        """The absolute URL of `path` (with or without its leading slash) on this mock."""
        return f"{self.base_url}/{path.lstrip('/')}"

    def records(self, tenant: str | None = None) -> list[dict[str, Any]]:
        """The seeded records of `tenant` (default: `tenant`); see `Dataset.records`."""
        return self.dataset.records(tenant or self.tenant)

    def reset(self) -> None:
        """Undo every write so far: serve the seeded data again."""
        self._reset()


class MockInstance:
    """The app, and server once asked for, of one configuration; both made on first use."""

    def __init__(self, config: MockConfig) -> None:
        self.config = config
        self.settings = config.settings()
        self.dataset = Dataset(self.settings)
        self._app: Starlette | None = None
        self._server: BackgroundServer | None = None

    @property
    def app(self) -> Starlette:
        if self._app is None:
            from mockserver.app import create_app

            self._app = create_app(self.settings)
        return self._app

    def serve(self) -> BackgroundServer:
        """The app's server, started on first use."""
        if self._server is None:
            from mockserver.background import BackgroundServer

            server = BackgroundServer(self.app)
            server.start()
            self._server = server
        return self._server

    def reset(self) -> None:
        """Serve the seeded data again.

        While a server runs, the app is uvicorn's, on the event loop of the server's thread, and
        the state (its change log's transactions, its caches) is not made to be used from two
        threads at once. So the reset is scheduled on that loop, where it runs between two
        requests, as a `POST /_mock/reset` would, but with no key or control endpoint needed and
        nothing that can be refused. Without a server, the app runs only in the test's thread.
        """
        if self._app is None:
            return
        state = self._app.state.data
        if self._server is not None:
            self._server.call(state.reset)
        else:
            state.reset()

    def handle(self) -> FlexportalMock:
        """The served mock as a test sees it."""
        tenants = tuple(self.app.state.tenant_sizes)
        return FlexportalMock(
            base_url=self.serve().base_url,
            api_key=self.config.api_key,
            tenant=tenants[0],
            other_tenants=tenants[1:],
            dataset=self.dataset,
            app=self.app,
            _reset=self.reset,
        )

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


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
    _flexportal_instance.reset()
    return handle


@pytest.fixture
def flexportal_app(_flexportal_instance: MockInstance) -> Starlette:
    """The FlexPortal mock as an ASGI app, serving the seeded data (every earlier write undone).

    For `httpx.ASGITransport(app=...)`; its state is `app.state.data`. Same configuration and data
    as `flexportal_mock`, which serves this very app.
    """
    app = _or_fail(lambda: _flexportal_instance.app)
    _flexportal_instance.reset()
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
    headers = _headers(_flexportal_instance.config.api_key, next(iter(flexportal_app.state.tenant_sizes)))
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=flexportal_app), base_url=IN_PROCESS_BASE_URL, headers=headers
    )


@pytest.fixture
def flexportal_dataset(_flexportal_instance: MockInstance) -> Dataset:
    """The seeded records the mock of this test serves, by tenant; no server is started for it."""
    return _flexportal_instance.dataset


def resolve_config(node: pytest.Item, config: pytest.Config) -> MockConfig:
    """The configuration for `node`: defaults, then ini options, then markers from the module's to the test's.

    Each layer overrides the keys it names. A layer naming a fixture file drops the `tenants`
    and `customers` of the layers before it, and one naming `tenants` or `customers` drops their
    fixture file: the file brings its own. One layer may not name both.
    """
    layers = [("the ini options", _ini_layer(config))]
    for owner, mark in reversed(list(node.iter_markers_with_node(MARKER))):
        folder = owner.path if owner.path.is_dir() else owner.path.parent
        layers.append((f"@pytest.mark.{MARKER} on {owner.nodeid or owner.name}", _marker_layer(mark, folder)))
    merged: dict[str, Any] = {}
    for where, layer in layers:
        generated = {"tenants", "customers"} & layer.keys()
        if layer.get("fixtures") is not None:
            if generated:
                _fail(f"{where}: a fixture file brings its own tenants and customers; drop {' and '.join(generated)}")
            merged.pop("tenants", None)
            merged.pop("customers", None)
        if generated:
            merged.pop("fixtures", None)
        merged.update(layer)
    fixtures = merged.get("fixtures")
    if fixtures is not None:
        fixtures = fixtures.resolve()
        if not fixtures.is_file():
            _fail(f"the flexportal fixture file {fixtures} does not exist")
        return MockConfig(
            seed=merged.get("seed", DEFAULT_SEED),
            customers=0,
            tenants=(),
            fixtures=fixtures,
            api_key=merged.get("api_key", DEFAULT_API_KEY),
        )
    return MockConfig(**{key: value for key, value in merged.items() if key != "fixtures"})


def _ini_layer(config: pytest.Config) -> dict[str, Any]:
    """The keys the ini options set, checked; a relative fixture path is taken from the ini file's folder."""
    values = {key: _getini(config, name) for key, name in _INI.items()}
    layer: dict[str, Any] = {}
    for key in ("seed", "customers"):
        value = values[key]
        if isinstance(value, str) and value.strip():
            try:
                value = int(value)
            except ValueError:
                _fail(f"{_INI[key]} must be an integer, got {value!r}")
        if isinstance(value, int):
            layer[key] = value
    if values["tenants"]:
        layer["tenants"] = tuple(values["tenants"])
    if values["fixtures"].strip():
        folder = config.inipath.parent if config.inipath is not None else config.invocation_params.dir
        layer["fixtures"] = folder / values["fixtures"].strip()
    if values["api_key"].strip():
        layer["api_key"] = values["api_key"].strip()
    return layer


def _getini(config: pytest.Config, name: str) -> Any:
    try:
        return config.getini(name)
    except pytest.UsageError as error:  # a value of the wrong type, in native TOML or for an integer option
        message = str(error)
    _fail(message if name in message else f"{name}: {message}")


def _marker_layer(mark: pytest.Mark, folder: Path) -> dict[str, Any]:
    """The keys a marker names, checked; a relative fixture path is taken from `folder`."""
    usage = f"@pytest.mark.{MARKER}"
    if mark.args:
        _fail(f"{usage} takes keyword arguments only, as {usage}(seed=3, customers=50)")
    unknown = sorted(set(mark.kwargs) - set(_KEYS))
    if unknown:
        _fail(f"{usage} does not take {', '.join(unknown)}; it takes {', '.join(_KEYS)}")
    layer: dict[str, Any] = {}
    for key, value in mark.kwargs.items():
        if key in ("seed", "customers"):
            if not isinstance(value, int) or isinstance(value, bool):
                _fail(f"{usage}: {key} must be an integer, got {value!r}")
            layer[key] = value
        elif key == "tenants":
            if not isinstance(value, list | tuple) or not all(isinstance(tenant, str) for tenant in value):
                _fail(f"{usage}: tenants takes a list of tenant ids, as tenants=['acme'], got {value!r}")
            layer[key] = tuple(value)
        elif key == "fixtures":
            if value is not None and not isinstance(value, str | os.PathLike):
                _fail(f"{usage}: fixtures takes a path, got {value!r}")
            layer[key] = None if value is None else folder / Path(value)
        else:
            if not isinstance(value, str) or not value:
                _fail(f"{usage}: api_key must be a non-empty string, got {value!r}")
            layer[key] = value
    return layer


def _headers(api_key: str, tenant: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}", "Tenant-ID": tenant}


def _or_fail(make: Callable[[], T]) -> T:
    """`make()`, or this test failed with the reason the mock could not be made."""
    try:
        return make()
    except ValueError as error:  # settings the server refuses, a fixture file that does not load
        reason = str(error)
    _fail(f"the flexportal mock cannot be made: {reason}")


def _fail(message: str) -> NoReturn:
    pytest.fail(message, pytrace=False)


__all__ = ["Dataset", "FlexportalMock", "MockConfig", "resolve_config"]
