"""The settings a mock server is created with; one immutable value, validated on creation."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from mockserver.auth import is_valid_tenant_id

DEFAULT_SEED: Final = 7
DEFAULT_CUSTOMERS: Final = 1000
DEFAULT_TENANTS: Final = ("acme", "globex")
MAX_CUSTOMERS: Final = 5_000_000


@dataclass(frozen=True, kw_only=True, slots=True)
class Settings:
    """What to serve and whom to let in.

    `seed`, `customers` and `tenants` describe a generated dataset; `fixtures` replaces it with
    the tenants and customers of a fixture file. `api_keys` empty means any non-empty bearer
    key is accepted. `cursor_secret` signs cursors; by default it is derived from the seed, so
    replicas started with the same flags accept each other's cursors and serve identical bytes.
    """

    seed: int = DEFAULT_SEED
    customers: int = DEFAULT_CUSTOMERS
    tenants: tuple[str, ...] = DEFAULT_TENANTS
    api_keys: frozenset[str] = field(default_factory=frozenset)
    fixtures: Path | None = None
    cursor_secret: bytes | None = None

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
        if self.cursor_secret is not None and len(self.cursor_secret) < 16:
            raise ValueError("the cursor secret must be at least 16 bytes")

    @property
    def signing_key(self) -> bytes:
        """The key cursors are signed with."""
        if self.cursor_secret is not None:
            return self.cursor_secret
        return hashlib.sha256(f"flexportal-mock cursor key, seed {self.seed}".encode()).digest()
