"""The package's public surface is exactly what is meant to be public."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from starlette.applications import Starlette

import mockserver

ROOT = Path(__file__).resolve().parents[2]

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
        _ = getattr(mockserver, "nothing")  # noqa: B009


def test_served_state_is_what_the_app_serves() -> None:
    app = mockserver.create_app(mockserver.Settings(customers=3, tenants=("acme",)))
    state = mockserver.served_state(app)
    assert list(state) == ["acme"] and len(state["acme"]) == 3
    with pytest.raises(TypeError, match="create_app"):
        mockserver.served_state(Starlette())


PUBLIC_MODULES = ("mockserver", "mockserver.pytest_plugin")
IMPORT = re.compile(
    r"^\s*(?:from\s+((?:mockserver|contract_tests)[\w.]*)\s+import|import\s+((?:mockserver|contract_tests)[\w.]*))",
    re.M,
)


def internal_imports(text: str) -> list[str]:
    """The project modules `text` imports that are not public (ARCHITECTURE.md, "The public boundary")."""
    modules = [first or second for first, second in IMPORT.findall(text)]
    return [module for module in modules if module not in PUBLIC_MODULES]


def test_the_docs_import_only_public_modules() -> None:
    assert internal_imports("from mockserver import create_app\nfrom mockserver.app import served_state") == [
        "mockserver.app"
    ]
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    assert len(pages) > 5
    found = {page.name: internal_imports(page.read_text(encoding="utf-8")) for page in pages}
    assert {page: modules for page, modules in found.items() if modules} == {}


def test_both_packages_declare_their_type_hints() -> None:
    assert (ROOT / "mockserver" / "py.typed").is_file() and (ROOT / "contract_tests" / "py.typed").is_file()


def test_importing_the_package_does_no_work() -> None:
    """No dataset, Faker instance or app is created at import: configuration is passed in."""
    assert not [name for name, value in vars(mockserver).items() if type(value).__name__ in {"Starlette", "Faker"}]
