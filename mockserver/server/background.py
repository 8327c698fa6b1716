"""Serving an app with uvicorn in a background thread of this process, on a free loopback port.

The one server-in-a-thread of the project: the pytest plugin, the contract kit's in-process
target and the tests serve this way. Tests reach the app over real HTTP, while its app and
data stay in the test process, where a test can read them. The server speaks HTTP the way
`flexportal-mock` does (`server_config`: the same protocol class, limits and headers) but
leaves logging as the host process configured it: its records reach pytest's log capture.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any, Final, Literal, TypeVar

import uvicorn
from starlette.types import ASGIApp

from mockserver.server.protocol import EnvelopeHttpToolsProtocol
from mockserver.server.sockets import listen

__all__ = ["BackgroundServer", "ServerFailed", "server_config"]

T = TypeVar("T")

_POLL_SECONDS: Final = 0.005
_GRACEFUL_SHUTDOWN_SECONDS: Final = 5


def server_config(app: Any, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration for `app` as every server of the mock runs it, the CLI's included.

    The mock's HTTP protocol (envelope answers to unreadable requests, head limits, one write a
    response), no `server` header and no uvicorn access log (the app keeps its own); `options`
    add what differs between a process of its own and a thread: workers, logging, lifespan.
    """
    return uvicorn.Config(app, http=EnvelopeHttpToolsProtocol, access_log=False, server_header=False, **options)


class ServerFailed(RuntimeError):
    """The background server did not start, or did not answer a call in time."""


class BackgroundServer:
    """One uvicorn server for `app` on 127.0.0.1 and a free port, in a daemon thread.

    `start` returns once the server accepts connections (its lifespan has started); `stop` ends
    it gracefully. `call` runs a function on the server's event loop, between requests.
    """

    def __init__(self, app: ASGIApp, *, name: str = "flexportal-mock", lifespan: Literal["on", "off"] = "on") -> None:
        """Serve `app`; `lifespan="off"` for a bare ASGI app that does not speak the lifespan protocol."""
        self._config = server_config(
            app,
            log_config=None,
            log_level=None,
            lifespan=lifespan,
            ws="none",
            timeout_graceful_shutdown=_GRACEFUL_SHUTDOWN_SECONDS,
        )
        self._server = uvicorn.Server(self._config)
        self._socket = listen("127.0.0.1", 0)
        self.base_url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"{name} {self.base_url}", daemon=True)

    def start(self, timeout: float = 30) -> None:
        """Start serving; raise ServerFailed if the server ends or is not up within `timeout` seconds."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive():
                self._socket.close()
                raise ServerFailed(f"the server for {self.base_url} did not start; see its log") from self._failure
            if time.monotonic() > deadline:
                self.stop()
                raise ServerFailed(f"the server for {self.base_url} did not start within {timeout} s")
            time.sleep(_POLL_SECONDS)

    def call(self, function: Callable[[], T], timeout: float = 10) -> T:
        """`function()` run on the server's event loop, so it never interleaves with a request's code."""
        if self._loop is None or not self._thread.is_alive():
            raise ServerFailed(f"the server for {self.base_url} is not running")

        async def run() -> T:
            return function()

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout)

    def stop(self, timeout: float = 10) -> None:
        """Stop accepting, let requests in flight finish (a few seconds at most), and end the thread."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout)
        self._socket.close()

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and self._server.started

    def _run(self) -> None:
        try:
            with asyncio.Runner(loop_factory=self._config.get_loop_factory()) as runner:
                runner.run(self._serve())
        except BaseException as error:  # reported by `start`, which is waiting for the server
            self._failure = error

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self._server.serve(sockets=[self._socket])
