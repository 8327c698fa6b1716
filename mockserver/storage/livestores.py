"""The tenant stores a server serves now, swapped whole when a fixture file is reloaded."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from mockserver.storage.seededindex import TenantStore

__all__ = ["LiveStores"]


class LiveStores(Mapping[str, TenantStore]):
    """The tenant stores being served now, as a read-only mapping.

    A reload replaces them whole, in one assignment, so a lookup always finds a store of one
    consistent dataset; a request keeps the store it found for its whole life.
    """

    __slots__ = ("_current",)

    def __init__(self, stores: dict[str, TenantStore]) -> None:
        self._current = stores

    def current(self) -> dict[str, TenantStore]:
        """The stores served now; a reload puts a new dictionary in its place."""
        return self._current

    def replace(self, stores: dict[str, TenantStore]) -> None:
        """Serve `stores` from now on."""
        self._current = stores

    def __getitem__(self, tenant: str) -> TenantStore:
        return self._current[tenant]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current)

    def __len__(self) -> int:
        return len(self._current)
