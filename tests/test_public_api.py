"""The package's public surface is exactly what is meant to be public."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from starlette.applications import Starlette

import mockserver

PUBLIC: dict[str, list[str]] = {
    "mockserver": [
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
    ],
    "mockserver.pytest_plugin": ["Dataset", "FlexportalMock", "MockConfig", "resolve_config"],
    "mockserver.app": ["create_app", "request_journal", "served_state"],
    "mockserver.settings": [
        "ANY_ORIGIN",
        "DEFAULT_CUSTOMERS",
        "DEFAULT_SEED",
        "DEFAULT_TENANTS",
        "MAX_CUSTOMERS",
        "ORIGIN",
        "Settings",
    ],
    "mockserver.simulation.simulator": [
        "DEFAULT_SLOW_MS",
        "Latency",
        "MAX_DELAY_MS",
        "SIMULATED_ERRORS",
        "SimulationConfig",
        "Simulator",
    ],
    "mockserver.testing.handle": ["Dataset", "FlexportalMock", "MockInstance", "headers"],
    "mockserver.storage.state": ["ServerState"],
}


def every_module() -> list[str]:
    found = ["mockserver"]
    found += [info.name for info in pkgutil.walk_packages(mockserver.__path__, "mockserver.")]
    return sorted(found)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_exports_are_pinned(name: str) -> None:
    assert sorted(importlib.import_module(name).__all__) == PUBLIC[name]


@pytest.mark.parametrize("name", every_module())
def test_every_module_says_what_it_exports(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert isinstance(exported, list), f"{name} has no __all__"
    assert [export for export in exported if not hasattr(module, export)] == []


def test_the_exports_are_the_real_things() -> None:
    from mockserver.app import create_app, served_state
    from mockserver.settings import Settings
    from mockserver.simulation.simulator import SimulationConfig
    from mockserver.testing.handle import Dataset, FlexportalMock

    assert mockserver.create_app is create_app and mockserver.served_state is served_state
    assert mockserver.Settings is Settings and mockserver.SimulationConfig is SimulationConfig
    assert mockserver.Dataset is Dataset and mockserver.FlexportalMock is FlexportalMock
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = mockserver.nothing  # type: ignore[attr-defined]


def test_served_state_is_what_the_app_serves() -> None:
    app = mockserver.create_app(mockserver.Settings(customers=3, tenants=("acme",)))
    state = mockserver.served_state(app)
    assert list(state) == ["acme"] and len(state["acme"]) == 3
    with pytest.raises(TypeError, match="create_app"):
        mockserver.served_state(Starlette())


def test_importing_the_package_does_no_work() -> None:
    """No dataset, Faker instance or app is created at import: configuration is passed in."""
    assert not [name for name, value in vars(mockserver).items() if type(value).__name__ in {"Starlette", "Faker"}]
