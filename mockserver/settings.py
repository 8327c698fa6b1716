"""The settings a mock server is created with; one immutable value, validated on creation."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from mockserver.domain.auth import is_valid_tenant_id
from mockserver.domain.defaults import (
    ANY_ORIGIN,
    DEFAULT_CUSTOMERS,
    DEFAULT_JOURNAL_SIZE,
    DEFAULT_SEED,
    DEFAULT_TENANTS,
)
from mockserver.simulation.simulator import SimulationConfig
from mockserver.storage.logs import StateLocation

__all__ = ["ANY_ORIGIN", "DEFAULT_CUSTOMERS", "DEFAULT_SEED", "DEFAULT_TENANTS", "MAX_CUSTOMERS", "ORIGIN", "Settings"]

MAX_CUSTOMERS: Final = 5_000_000
MAX_JOURNAL_SIZE: Final = 1_000_000
MAX_STATE_WAIT: Final = 3600
ORIGIN: Final = re.compile(r"https?://[^/?#\s]+")


@dataclass(frozen=True, kw_only=True, slots=True)
class Settings:
    """What to serve and whom to let in.

    `seed`, `customers` and `tenants` describe a generated dataset; `fixtures` replaces it with
    the tenants and customers of a fixture file. `api_keys` empty means any non-empty bearer
    key is accepted. `cursor_secret` signs cursors: a random one for each server unless given, so
    that nobody can forge a cursor; replicas given the same one accept each other's cursors and,
    with the same dataset, serve identical bytes.

    Writes (Update Customer, and orders through the control endpoints, which `control` turns on)
    are kept in a change log: in this process's memory when `state` is None, else in that SQLite
    file, which several workers may share, or (a `postgresql://` URL) in that PostgreSQL database,
    which replicas on several hosts may share; a database not reachable yet is waited for, for up
    to `state_wait` seconds, before the app gives up (replicas often start beside their database).

    `cors_origins` are the browser origins allowed to call the API (`*`: any; empty: CORS off).
    `simulation` says what to simulate (nothing by default). A fixture file is checked for
    changes every `reload_interval` seconds and served anew when it changed and is valid.
    The last `journal_size` API requests are kept in this process's request journal (0: none).
    """

    seed: int = DEFAULT_SEED
    customers: int = DEFAULT_CUSTOMERS
    tenants: tuple[str, ...] = DEFAULT_TENANTS
    api_keys: frozenset[str] = field(default_factory=frozenset)
    fixtures: Path | None = None
    cursor_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    cors_origins: tuple[str, ...] = (ANY_ORIGIN,)
    simulation: SimulationConfig = field(default_factory=SimulationConfig)
    reload_interval: float = 0.5
    state: StateLocation = None
    state_wait: float = 0.0
    control: bool = True
    journal_size: int = DEFAULT_JOURNAL_SIZE

    def __post_init__(self) -> None:
        if not 0 <= self.customers <= MAX_CUSTOMERS:
            raise ValueError(f"customers must be from 0 to {MAX_CUSTOMERS}, got {self.customers}")
        if not self.tenants and self.fixtures is None:
            raise ValueError("at least one tenant is needed")
        for tenant in self.tenants:
            if not is_valid_tenant_id(tenant):
                raise ValueError(f"{tenant!r} is not a tenant identifier (letters, digits, '.', '_', '-'; at most 64)")
        if len(set(self.tenants)) != len(self.tenants):
            raise ValueError("a tenant is named more than once")
        for key in self.api_keys:
            if not key or any(char.isspace() for char in key):
                raise ValueError("an API key must be non-empty and contain no whitespace")
        if len(self.cursor_secret) < 16:
            raise ValueError("the cursor secret must be at least 16 bytes")
        for origin in self.cors_origins:
            if origin != ANY_ORIGIN and ORIGIN.fullmatch(origin) is None:
                raise ValueError(f"{origin!r} is not an origin: give scheme://host[:port], as in http://localhost:5173")
        if not 0 <= self.journal_size <= MAX_JOURNAL_SIZE:
            raise ValueError(f"the journal size must be from 0 to {MAX_JOURNAL_SIZE}, got {self.journal_size}")
        if not 0 <= self.state_wait <= MAX_STATE_WAIT:
            raise ValueError(f"the wait for the state's database must be from 0 to {MAX_STATE_WAIT} seconds")
        if not 0.05 <= self.reload_interval <= 60:
            raise ValueError("the reload interval must be from 0.05 to 60 seconds")
