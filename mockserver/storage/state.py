"""What a server serves now: the seeded tenant stores with the change log laid over them.

Reads catch up with the log first, so a write made through any worker (or replica) that shares
the log is seen by the next request to every one of them. Writes go to the log before they are
served, so the log, not a process's memory, is the record of what changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from mockserver.domain.customer import Customer
from mockserver.storage.livestores import LiveStores
from mockserver.storage.logs import ChangeLogBackend
from mockserver.storage.overlay import OverlaidStore
from mockserver.storage.seededindex import TenantStore

__all__ = ["ServerState"]


class ServerState(Mapping[str, OverlaidStore]):
    """The tenants' current customers, by tenant; see the module's docstring.

    `version` is the sequence number of the last change served, the snapshot a traversal
    starting now reads; `reset_at` that of the last reset, before which no snapshot is valid.
    """

    def __init__(
        self, seeded: LiveStores, log: ChangeLogBackend, overlay: Callable[[TenantStore], OverlaidStore] = OverlaidStore
    ) -> None:
        """Serve `seeded` with `log` laid over it; `overlay` makes a tenant's live store from its seeded one."""
        self._seeded = seeded
        self._log = log
        self.overlay = overlay
        self._bases: Mapping[str, TenantStore] = {}
        self._tenants: dict[str, OverlaidStore] = {}
        self.version = 0
        self.reset_at = 0
        self._catch_up(rebuild=True)

    def __getitem__(self, tenant: str) -> OverlaidStore:
        self._catch_up()
        return self._tenants[tenant]

    def __iter__(self) -> Iterator[str]:
        return iter(self._seeded)

    def __len__(self) -> int:
        return len(self._seeded)

    def change(self, tenant: str, make: Callable[[OverlaidStore], Customer]) -> Customer:
        """Store the record `make` derives from the tenant's current data, and return it.

        `make` runs while this server holds the log's write lock, on data that includes every
        other worker's writes, so no two writes are derived from the same state. Any exception
        it raises (an `ApiError` refusing the write) leaves the data as it was.
        """
        with self._log.transaction():
            self._catch_up(written=True)
            record = make(self._tenants[tenant])
            self._log.append(tenant, record)
        self._catch_up(written=True)
        return record

    def reset(self) -> None:
        """Serve the seeded data again, in every worker."""
        self._log.reset()
        self._catch_up(rebuild=False, written=True)

    def _catch_up(self, *, rebuild: bool = False, written: bool = False) -> None:
        bases = self._seeded.current()
        if bases is not self._bases:
            rebuild = True
        if rebuild:
            self._bases = bases
            self._tenants = {tenant: self.overlay(store) for tenant, store in bases.items()}
            self.version = self.reset_at = 0
        elif not (written or self._log.may_have_changed()):
            return
        for change in self._log.changes_after(self.version):
            self.version = change.seq
            if change.is_reset:
                self.reset_at = change.seq
                self._tenants = {tenant: self.overlay(store) for tenant, store in bases.items()}
                continue
            assert change.record is not None
            overlaid = self._tenants.get(change.tenant)
            if overlaid is not None:
                overlaid.apply(change.seq, change.record)
