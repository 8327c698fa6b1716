"""A mock of FlexPortal's List Customers and Get Customer API that honours its contract.

PYTEST_DONT_REWRITE: pytest rewrites the asserts of every package of a distribution that carries
a pytest plugin, as this one does, and warns about a package imported before it started (by a
script that then calls `pytest.main`, say). This module has no assert to rewrite.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockserver.app import create_app
    from mockserver.settings import Settings

__version__ = "0.1.0"

__all__ = ["Settings", "__version__", "create_app"]


def __getattr__(name: str) -> Any:
    """`create_app` and `Settings`, imported on first use.

    pytest imports this package at start-up in every run, to load its plugin; importing the
    application here would cost each of those runs half a second, whether it uses the mock or not.
    """
    if name == "create_app":
        from mockserver.app import create_app

        return create_app
    if name == "Settings":
        from mockserver.settings import Settings

        return Settings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
