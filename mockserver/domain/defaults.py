"""The defaults of a mock's configuration, in one place for the settings, the CLI and the pytest plugin.

Only constants: the pytest plugin reads them at start-up, before anything of the mock is imported.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ANY_ORIGIN",
    "API_KEY_ENV",
    "DEFAULT_CUSTOMERS",
    "DEFAULT_HOST",
    "DEFAULT_JOURNAL_SIZE",
    "DEFAULT_PORT",
    "DEFAULT_SEED",
    "DEFAULT_STATE_WAIT",
    "DEFAULT_TENANTS",
    "FIXTURE_API_KEY",
    "FIXTURE_CUSTOMERS",
]

DEFAULT_SEED: Final = 7
"""Seed of the generated data."""
DEFAULT_CUSTOMERS: Final = 1000
"""Customers per tenant a server generates."""
DEFAULT_TENANTS: Final = ("acme", "globex")
"""The tenants a server generates data for."""
ANY_ORIGIN: Final = "*"
"""The CORS origin that stands for every origin (the default: any browser page may call the mock)."""
DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8000
DEFAULT_STATE_WAIT: Final = 30.0
"""Seconds the command line waits at start for a `--state` database: long enough for one starting beside it."""
FIXTURE_CUSTOMERS: Final = 300
"""Customers per tenant the pytest fixtures serve: enough for several pages, quick to build."""
API_KEY_ENV: Final = "FLEXPORTAL_API_KEY"
"""Where a client keeps its bearer key: the banner's curl line reads it, and so does the contract kit."""
FIXTURE_API_KEY: Final = "test-key"
"""The one bearer key the pytest fixtures accept unless configured otherwise."""
DEFAULT_JOURNAL_SIZE: Final = 1000
"""API requests a server keeps in its request journal (0: none)."""
