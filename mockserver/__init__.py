"""A mock of FlexPortal's List Customers and Get Customer API that honours its contract."""

from __future__ import annotations

from mockserver.app import create_app
from mockserver.settings import Settings

__version__ = "0.1.0"

__all__ = ["Settings", "__version__", "create_app"]
