"""Small projects that use the pytest plugin.

Each runs in a pytest of its own (pytester), as a project that installed the package would:
strict markers and configuration, every warning an error.
"""

from __future__ import annotations

import threading
from pathlib import Path

import httpcore  # noqa: F401
import pytest

import mockserver.server.background  # noqa: F401
from tests.docs.pages import section

# Loaded here, before pytester snapshots sys.modules, so that its in-process runs neither import
# uvicorn anew each time nor leave httpx's exception map keyed by an httpcore the snapshot then
# drops (httpx imports httpcore on first use and maps its errors by class: one imported again
# after the drop would reach the kit's client unmapped, as no `httpx.TransportError`).

ROOT = Path(__file__).resolve().parents[2]
STRICT_INI = """\
[pytest]
addopts = --strict-markers --strict-config -p no:cacheprovider
filterwarnings = error
"""
SMALL = "flexportal_customers = 40\n"


def project(pytester: pytest.Pytester, ini: str = "", **files: str) -> None:
    """A project folder with a strict pytest.ini (plus `ini` lines) and these test files."""
    pytester.makefile(".ini", pytest=STRICT_INI + ini)
    if files:
        pytester.makepyfile(**files)


def servers_running() -> list[str]:
    return [thread.name for thread in threading.enumerate() if thread.name.startswith("flexportal-mock")]


def readme_section() -> str:
    """The tests page's section on the plugin, whose example the suite runs."""
    return section("docs/tests.md", "The pytest plugin")
