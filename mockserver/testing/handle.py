"""A mock of one configuration as a test sees it: its seeded records, its app and its server.

`MockInstance` makes the app and the server on first use; `FlexportalMock` is what the
`flexportal_mock` fixture hands a test; `Dataset` the seeded records alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from mockserver.testing.config import MockConfig

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from mockserver.journal.patterns import ParamValue
    from mockserver.journal.records import JournalRecord
    from mockserver.server.background import BackgroundServer
    from mockserver.settings import Settings
    from mockserver.storage.state import ServerState
    from mockserver.testing.requests import RequestJournal

__all__ = ["Dataset", "FlexportalMock", "MockInstance", "headers"]

T = TypeVar("T")


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
    send. `records()` are the seeded customers, `app` the application served, `state()` what it
    serves now, writes included, and `reset()` undoes every write, as happens before each test.
    `requests()` and `assert_requested()` read `journal`, the API requests answered in this
    test (see `RequestJournal`).
    """

    base_url: str
    api_key: str
    tenant: str
    other_tenants: tuple[str, ...]
    dataset: Dataset = field(repr=False)
    app: Starlette = field(repr=False)
    journal: RequestJournal = field(repr=False)
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
        return headers(self.api_key, tenant)

    def url(self, path: str) -> str:
        """The absolute URL of `path` (with or without its leading slash) on this mock."""
        return f"{self.base_url}/{path.lstrip('/')}"

    def records(self, tenant: str | None = None) -> list[dict[str, Any]]:
        """The seeded records of `tenant` (default: `tenant`); see `Dataset.records`."""
        return self.dataset.records(tenant or self.tenant)

    def state(self) -> ServerState:
        """What the mock serves now, writes included, by tenant: `mockserver.served_state(app)`.

        Read it between requests: the server runs in another thread of this process.
        """
        from mockserver.app import served_state

        return served_state(self.app)

    def reset(self) -> None:
        """Undo every write so far: serve the seeded data again (the request journal stays)."""
        self._reset()

    def requests(
        self,
        method: str | None = None,
        path: str | None = None,
        params: Mapping[str, ParamValue | None] | None = None,
        tenant: str | None = None,
        *,
        exact_params: bool = False,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[JournalRecord]:
        """The API requests answered in this test that match, oldest first; see `RequestJournal.requests`."""
        return self.journal.requests(method, path, params, tenant, exact_params=exact_params, since=since, until=until)

    def assert_requested(
        self,
        method: str | None = None,
        path: str | None = None,
        params: Mapping[str, ParamValue | None] | None = None,
        tenant: str | None = None,
        *,
        times: int | None = None,
        exact_params: bool = False,
    ) -> list[JournalRecord]:
        """Fail, listing the closest requests that did arrive, unless `times` (at least one) matched."""
        __tracebackhide__ = True
        return self.journal.assert_requested(method, path, params, tenant, times=times, exact_params=exact_params)

    def clear_requests(self) -> None:
        """Forget the API requests answered so far, as happens before each test."""
        self.journal.clear()


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
            from mockserver.server.background import BackgroundServer

            server = BackgroundServer(self.app)
            server.start()
            self._server = server
        return self._server

    def run(self, function: Callable[[], T]) -> T:
        """`function()` where the app's state may be used: on the server's event loop while a server runs."""
        if self._server is not None:
            return self._server.call(function)
        return function()

    def journal(self) -> RequestJournal:
        """The app's request journal, read through `run`."""
        from mockserver.app import request_journal
        from mockserver.testing.requests import RequestJournal

        return RequestJournal(request_journal(self.app), self.run)

    def fresh(self) -> None:
        """What each test starts from: the seeded data and an empty request journal."""
        if self._app is None:
            return
        self.reset()
        from mockserver.app import request_journal

        journal = request_journal(self.app)
        if journal is not None:
            self.run(journal.clear)

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
        from mockserver.app import served_state

        self.run(served_state(self._app).reset)

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
            journal=self.journal(),
            _reset=self.reset,
        )

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


def headers(api_key: str, tenant: str) -> dict[str, str]:
    """`Authorization` and `Tenant-ID` for calling as `tenant` with `api_key`."""
    return {"Authorization": f"Bearer {api_key}", "Tenant-ID": tenant}
