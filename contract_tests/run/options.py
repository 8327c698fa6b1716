"""The kit's command-line options: their names, help, checks, and the environment variables behind them.

Each option can also come from an environment variable, so CI keeps keys in its secret store;
`option` reads one the way every part of the run must, the command line first.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any, Final

import platformdirs
import pytest

from contract_tests.run.gate import LEVELS
from contract_tests.run.plan import DEFAULT_BUDGET, MINIMUM_BUDGET, PLANS
from contract_tests.run.target import DEFAULT_APP
from contract_tests.spec.collations import CollationError, collation
from contract_tests.spec.ordering import TIE_DIRECTIONS
from contract_tests.transport.client import API_KEY_ENV, OTHER_API_KEY_ENV

PROFILES: Final[dict[str, dict[str, Any]]] = {
    "ci": {"max_examples": 12, "derandomize": True, "database": None},
    "thorough": {"max_examples": 100},
}
# The ci profile's home for Hypothesis: no example database there, only the tables Hypothesis derives from
# Python's Unicode data and from source files, which a run would otherwise spend a second and more rebuilding.
CACHE_APP: Final = "flexportal-contract"
ENV: Final = {
    "base_url": "FLEXPORTAL_BASE_URL",
    "api_key": API_KEY_ENV,
    "tenant": "FLEXPORTAL_TENANT",
    "other_tenant": "FLEXPORTAL_OTHER_TENANT",
    "other_api_key": OTHER_API_KEY_ENV,
    "profile": "FLEXPORTAL_KIT_PROFILE",
}


def add_options(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """Register the kit's command-line options in their group of pytest's parser."""
    group = parser.getgroup("flexportal", "FlexPortal contract kit")
    if pluginmanager.is_blocked("junitxml"):  # `python -m contract_tests`: the kit writes the JUnit report
        group.addoption(
            "--junitxml",
            "--junit-xml",
            dest="kit_junitxml",
            metavar="FILE",
            help="write a JUnit report: one test case per property, with the summary's verdict and reason",
        )
    group.addoption(
        "--report-json", metavar="FILE", help="write every finding (property, class, severity, message, curl) as JSON"
    )
    group.addoption(
        "--fail-on",
        choices=sorted(LEVELS, key=lambda name: LEVELS[name]),
        default="conformance",
        help="the lowest severity of finding that fails the run (default: %(default)s, every finding)",
    )
    group.addoption("--baseline", type=Path, metavar="FILE", help="fail only on findings not recorded in this baseline")
    group.addoption(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="record the run's findings as accepted (with --baseline: only those still in it)",
    )
    group.addoption("--base-url", help=f"check this deployment instead of an in-process mock (${ENV['base_url']})")
    group.addoption("--api-key", help=f"bearer key for --base-url; prefer ${API_KEY_ENV}")
    group.addoption("--tenant", help=f"tenant to check (${ENV['tenant']})")
    group.addoption(
        "--other-tenant", help=f"a second tenant, for the tenant-isolation properties (${ENV['other_tenant']})"
    )
    group.addoption("--other-api-key", help=f"its key when it differs; prefer ${OTHER_API_KEY_ENV}")
    group.addoption(
        "--spec", type=Path, help="the OpenAPI document to check against (default: the shipped openapi.yaml)"
    )
    group.addoption(
        "--app",
        default=DEFAULT_APP,
        help="in-process target: MODULE:FACTORY taking mock Settings (default: %(default)s)",
    )
    group.addoption(
        "--max-requests",
        type=int,
        help=f"request budget for the whole run, divided among the properties (at least {MINIMUM_BUDGET} to check"
        f" each; default: {DEFAULT_BUDGET}, in-process too)",
    )
    group.addoption("--rate", type=float, help="at most this many requests per minute (a Starter plan allows 100)")
    group.addoption(
        "--plan",
        choices=sorted(PLANS),
        help="budget and rate for a FlexPortal plan: "
        + "; ".join(f"{name}: {chosen.description}" for name, chosen in PLANS.items()),
    )
    group.addoption(
        "--timeout", type=float, default=10.0, help="seconds to wait for each response (default: %(default)s)"
    )
    group.addoption(
        "--retries",
        type=int,
        default=3,
        help="retries of a request that got no usable answer (timeout, reset, 502/503/504, not JSON)"
        " (default: %(default)s)",
    )
    group.addoption(
        "--backoff",
        type=float,
        default=0.5,
        help="seconds before the first retry, doubled for each next one (default: %(default)s)",
    )
    group.addoption("--deadline", type=float, help="seconds the whole run may take; requests stop after it")
    group.addoption(
        "--max-pages", type=int, default=25, help="pages a traversal follows at most (default: %(default)s)"
    )
    group.addoption(
        "--profile", choices=sorted(PROFILES), help=f"ci (fast, deterministic; default) or thorough (${ENV['profile']})"
    )
    group.addoption(
        "--string-collation",
        type=_usable_collation,
        help="override the spec's collation of the sort fields: codepoint, utf16, ascii-case-insensitive, casefold,"
        " icu:<locale> (e.g. icu:und, icu:en-US; needs the [icu] extra), libc:<locale> (e.g. libc:en_US.UTF-8),"
        " a MySQL/MariaDB collation (utf8mb4_bin, utf8mb4_general_ci, utf8mb4_unicode_ci, utf8mb4_uca1400_ai_ci...),"
        " or any (no string order assumed, only a consistent one)",
    )
    group.addoption(
        "--id-collation",
        type=_usable_collation,
        help="the tie-breaker's collation, where it differs from the sort fields' (ids are often binary, e.g."
        " codepoint or utf8mb4_bin, where names are linguistic); the same names as --string-collation",
    )
    group.addoption("--tie-breaker-direction", choices=TIE_DIRECTIONS, help="override the spec's tie-breaker direction")
    group.addoption("--strict-data", action="store_true", help="fail the run on data-consistency findings too")
    group.addoption(
        "--allow-writes",
        action="store_true",
        help="let test_pagination_under_change change customers through Update Customer (PATCH) on a deployment"
        " that offers no control endpoints, putting every change back afterwards",
    )


def _usable_collation(name: str) -> str:
    """`name`, when it is a collation this machine can compute (a usage error otherwise)."""
    try:
        collation(name)
    except CollationError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return name


def option(config: pytest.Config, name: str) -> Any:
    """An option's value: the command line first, then its environment variable."""
    value = config.getoption(name)
    if value is None and name in ENV:
        value = os.environ.get(ENV[name]) or None
    return value


def ci_cache_folder() -> Path | None:
    """The user's cache folder for the kit's ci runs, created if need be; None where it cannot be written."""
    folder = Path(platformdirs.user_cache_dir(CACHE_APP, appauthor=False)) / "hypothesis"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None
