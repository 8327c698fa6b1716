"""Live fixtures: serve a fixture file's new contents as soon as it is saved, without a restart.

The file is polled (its size, modification time and inode), which works on every file system
and with every editor. A change is loaded once the file has stopped changing for one poll, so a
half-written file is not read; it is checked as at start, in a worker thread, and swapped in
whole. A file that does not load (bad JSON, a record the schema refuses, a missing file) leaves
the last good data in service, and the log says which file and what is wrong with it.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from pathlib import Path

from mockserver.storage.fixturefile import FixtureError
from mockserver.storage.livestores import LiveStores
from mockserver.storage.seededindex import TenantStore

__all__ = ["FixtureWatcher", "Signature"]

Signature = tuple[int, int, int] | None


def _signature(path: Path) -> Signature:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size, status.st_ino)


class FixtureWatcher:
    """Polls one fixture file every `interval` seconds and swaps freshly built stores into `live`."""

    def __init__(
        self,
        path: Path,
        live: LiveStores,
        build: Callable[[], dict[str, TenantStore]],
        interval: float,
        logger: logging.Logger,
    ) -> None:
        self._path = path
        self._live = live
        self._build = build
        self._interval = interval
        self._logger = logger
        self._loaded = _signature(path)

    async def run(self) -> None:
        """Watch until cancelled."""
        self._logger.info("watching %s for changes", self._path)
        seen = self._loaded
        while True:
            await asyncio.sleep(self._interval)
            current = _signature(self._path)
            settled = current == seen
            seen = current
            if settled and current != self._loaded:
                self._loaded = current
                await self._reload()

    async def _reload(self) -> None:
        try:
            stores = await asyncio.to_thread(self._build)
        except FixtureError as error:
            self._logger.error("fixture file not reloaded; still serving the last good data: %s", error)
            return
        except Exception:
            self._logger.exception("fixture file %s not reloaded; still serving the last good data", self._path)
            return
        self._live.replace(stores)
        sizes = ", ".join(f"{tenant} ({len(store)} customers)" for tenant, store in stores.items())
        self._logger.info("reloaded %s: %s", self._path, sizes)
