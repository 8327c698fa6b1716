"""A mock of FlexPortal's List Customers and Get Customer API that honours its contract.

The public API is what `__all__` names: `create_app(Settings(...))` makes the ASGI app,
`served_state(app)` reaches what it serves now, and the pytest plugin's fixtures hand out a
`FlexportalMock` (with its seeded records as a `Dataset`) and the requests it answered as a
`RequestJournal` of `JournalRecord`s. With the command line (`python -m mockserver`) and the
plugin's fixtures, markers and ini options, that is all that is public: every submodule is
internal (typed and documented for the project's own use, changed without notice), so import
the public names from `mockserver` itself.

PYTEST_DONT_REWRITE: pytest rewrites the asserts of every package of a distribution that carries
a pytest plugin, as this one does, and warns about a package imported before it started (by a
script that then calls `pytest.main`, say). This module has no assert to rewrite.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from mockserver.app import create_app, served_state
    from mockserver.journal.records import JournalRecord
    from mockserver.settings import Settings
    from mockserver.simulation.simulator import Latency, SimulationConfig
    from mockserver.testing.handle import Dataset, FlexportalMock
    from mockserver.testing.requests import RequestJournal

__version__ = "0.1.0"

__all__ = [
    "Dataset",
    "FlexportalMock",
    "JournalRecord",
    "Latency",
    "RequestJournal",
    "Settings",
    "SimulationConfig",
    "__version__",
    "create_app",
    "served_state",
]

_HOMES: Final = {
    "create_app": "mockserver.app",
    "served_state": "mockserver.app",
    "Settings": "mockserver.settings",
    "SimulationConfig": "mockserver.simulation.simulator",
    "Latency": "mockserver.simulation.simulator",
    "Dataset": "mockserver.testing.handle",
    "FlexportalMock": "mockserver.testing.handle",
    "JournalRecord": "mockserver.journal.records",
    "RequestJournal": "mockserver.testing.requests",
}


def __getattr__(name: str) -> Any:
    """The public names, each imported on first use.

    pytest imports this package at start-up in every run, to load its plugin; importing the
    application here would cost each of those runs half a second, whether it uses the mock or not.
    """
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
