"""What a flexportal fixture serves: the ini options and `flexportal` markers resolved into a `MockConfig`.

Nothing but pytest and the standard library is imported here: the plugin loads this at start-up.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, NoReturn

import pytest

from mockserver.domain.defaults import (
    DEFAULT_JOURNAL_SIZE,
    DEFAULT_SEED,
    DEFAULT_TENANTS,
    FIXTURE_API_KEY,
    FIXTURE_CUSTOMERS,
)

if TYPE_CHECKING:
    from mockserver.settings import Settings

__all__ = ["INI_OPTIONS", "MARKER", "MockConfig", "add_options", "fail", "resolve_config"]

MARKER: Final = "flexportal"
_KEYS: Final = ("seed", "customers", "tenants", "fixtures", "api_key", "journal_size")
_INTEGERS: Final = ("seed", "customers", "journal_size")
INI_OPTIONS: Final = {key: f"flexportal_{key}" for key in _KEYS}


def add_options(parser: pytest.Parser) -> None:
    """Declare the `flexportal_*` ini options."""
    # pytest 8.4 reads integers itself, also from native TOML configuration; older ones give strings.
    integer: Literal["int", "string"] = "int" if pytest.version_tuple >= (8, 4) else "string"
    parser.addini(
        INI_OPTIONS["seed"], f"seed of the data the flexportal fixtures serve (default {DEFAULT_SEED})", integer, None
    )
    parser.addini(
        INI_OPTIONS["customers"],
        f"customers per tenant the flexportal fixtures serve (default {FIXTURE_CUSTOMERS})",
        integer,
        None,
    )
    parser.addini(
        INI_OPTIONS["tenants"], f"tenants the flexportal fixtures serve (default {' '.join(DEFAULT_TENANTS)})", "args"
    )
    parser.addini(
        INI_OPTIONS["fixtures"],
        "fixture file the flexportal fixtures serve instead of generated data (relative to this file)",
    )
    parser.addini(
        INI_OPTIONS["api_key"], f"the one bearer key the flexportal fixtures accept (default {FIXTURE_API_KEY})"
    )
    parser.addini(
        INI_OPTIONS["journal_size"],
        f"API requests the flexportal fixtures' request journal keeps (default {DEFAULT_JOURNAL_SIZE}; 0: off)",
        integer,
        None,
    )


@dataclass(frozen=True, slots=True)
class MockConfig:
    """What a mock serves, and to which key; mocks of equal configurations are one and the same.

    With `fixtures`, the file's tenants and customers are served and `tenants` and `customers`
    are empty.
    """

    seed: int = DEFAULT_SEED
    customers: int = FIXTURE_CUSTOMERS
    tenants: tuple[str, ...] = DEFAULT_TENANTS
    fixtures: Path | None = None
    api_key: str = FIXTURE_API_KEY
    journal_size: int = DEFAULT_JOURNAL_SIZE

    def settings(self) -> Settings:
        """The server settings; raises ValueError for what the server refuses (a bad tenant id, say)."""
        from mockserver.settings import Settings

        return Settings(
            seed=self.seed,
            customers=self.customers,
            tenants=self.tenants,
            fixtures=self.fixtures,
            api_keys=frozenset({self.api_key}),
            journal_size=self.journal_size,
        )


def resolve_config(node: pytest.Item, config: pytest.Config) -> MockConfig:
    """The configuration for `node`: defaults, then ini options, then markers from the module's to the test's.

    Each layer overrides the keys it names. A layer naming a fixture file drops the `tenants`
    and `customers` of the layers before it, and one naming `tenants` or `customers` drops their
    fixture file: the file brings its own. One layer may not name both.
    """
    layers = [("the ini options", _ini_layer(config))]
    for owner, mark in reversed(list(node.iter_markers_with_node(MARKER))):
        folder = owner.path if owner.path.is_dir() else owner.path.parent
        layers.append((f"@pytest.mark.{MARKER} on {owner.nodeid or owner.name}", _marker_layer(mark, folder)))
    merged: dict[str, Any] = {}
    for where, layer in layers:
        generated = {"tenants", "customers"} & layer.keys()
        if layer.get("fixtures") is not None:
            if generated:
                fail(f"{where}: a fixture file brings its own tenants and customers; drop {' and '.join(generated)}")
            merged.pop("tenants", None)
            merged.pop("customers", None)
        if generated:
            merged.pop("fixtures", None)
        merged.update(layer)
    fixtures = merged.get("fixtures")
    if fixtures is not None:
        fixtures = fixtures.resolve()
        if not fixtures.is_file():
            fail(f"the flexportal fixture file {fixtures} does not exist")
        return MockConfig(
            seed=merged.get("seed", DEFAULT_SEED),
            customers=0,
            tenants=(),
            fixtures=fixtures,
            api_key=merged.get("api_key", FIXTURE_API_KEY),
            journal_size=merged.get("journal_size", DEFAULT_JOURNAL_SIZE),
        )
    return MockConfig(**{key: value for key, value in merged.items() if key != "fixtures"})


def _ini_layer(config: pytest.Config) -> dict[str, Any]:
    """The keys the ini options set, checked; a relative fixture path is taken from the ini file's folder."""
    values = {key: _getini(config, name) for key, name in INI_OPTIONS.items()}
    layer: dict[str, Any] = {}
    for key in _INTEGERS:
        value = values[key]
        if isinstance(value, str) and value.strip():
            try:
                value = int(value)
            except ValueError:
                fail(f"{INI_OPTIONS[key]} must be an integer, got {value!r}")
        if isinstance(value, int):
            layer[key] = value
    if values["tenants"]:
        layer["tenants"] = tuple(values["tenants"])
    if values["fixtures"].strip():
        folder = config.inipath.parent if config.inipath is not None else config.invocation_params.dir
        layer["fixtures"] = folder / values["fixtures"].strip()
    if values["api_key"].strip():
        layer["api_key"] = values["api_key"].strip()
    return layer


def _getini(config: pytest.Config, name: str) -> Any:
    try:
        return config.getini(name)
    except pytest.UsageError as error:  # a value of the wrong type, in native TOML or for an integer option
        message = str(error)
    fail(message if name in message else f"{name}: {message}")


def _marker_layer(mark: pytest.Mark, folder: Path) -> dict[str, Any]:
    """The keys a marker names, checked; a relative fixture path is taken from `folder`."""
    usage = f"@pytest.mark.{MARKER}"
    if mark.args:
        fail(f"{usage} takes keyword arguments only, as {usage}(seed=3, customers=50)")
    unknown = sorted(set(mark.kwargs) - set(_KEYS))
    if unknown:
        fail(f"{usage} does not take {', '.join(unknown)}; it takes {', '.join(_KEYS)}")
    layer: dict[str, Any] = {}
    for key, value in mark.kwargs.items():
        if key in _INTEGERS:
            if not isinstance(value, int) or isinstance(value, bool):
                fail(f"{usage}: {key} must be an integer, got {value!r}")
            layer[key] = value
        elif key == "tenants":
            if not isinstance(value, list | tuple) or not all(isinstance(tenant, str) for tenant in value):
                fail(f"{usage}: tenants takes a list of tenant ids, as tenants=['acme'], got {value!r}")
            layer[key] = tuple(value)
        elif key == "fixtures":
            if value is not None and not isinstance(value, str | os.PathLike):
                fail(f"{usage}: fixtures takes a path, got {value!r}")
            layer[key] = None if value is None else folder / Path(value)
        else:
            if not isinstance(value, str) or not value:
                fail(f"{usage}: api_key must be a non-empty string, got {value!r}")
            layer[key] = value
    return layer


def fail(message: str) -> NoReturn:
    """End the test (or the fixture setting it up) with `message` and no traceback."""
    pytest.fail(message, pytrace=False)
