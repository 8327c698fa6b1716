"""What a run checks: a deployment by URL, or an application served in-process on a free port.

Both reach the kit as a base URL, so every property takes the same path through HTTP whether
it checks production or the mock in this process.
"""

from __future__ import annotations

import importlib
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from contract_tests.spec.contract import load_spec, parse_spec
from contract_tests.transport.client import OTHER_API_KEY_ENV, Credentials
from mockserver.domain.defaults import DEFAULT_CUSTOMERS, DEFAULT_SEED, DEFAULT_TENANTS

DEFAULT_APP: Final = "mockserver:create_app"
IN_PROCESS_TENANTS: Final = DEFAULT_TENANTS


@dataclass(frozen=True, slots=True)
class Target:
    """Where requests go and as whom; `other` enables the tenant-isolation properties."""

    base_url: str
    main: Credentials
    other: Credentials | None = None
    in_process: bool = False


def load_factory(reference: str) -> Callable[..., Any]:
    """`module:attribute` imported: an application factory taking a mock `Settings`."""
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"--app takes MODULE:FACTORY, not {reference!r}")
    factory = getattr(importlib.import_module(module_name), attribute)
    if not callable(factory):
        raise ValueError(f"{reference} is not callable")
    return factory  # type: ignore[no-any-return]


def bundled_spec() -> bytes:
    """The OpenAPI document shipped with the mock server: the contract when none is given."""
    from mockserver.domain.spec import spec_bytes

    return spec_bytes()


def spec_document(path: Path | None = None) -> dict[str, Any]:
    """The OpenAPI document at `path`, or the one shipped with the mock server when None."""
    return load_spec(path) if path is not None else parse_spec(bundled_spec())


@contextmanager
def in_process_target(
    app_reference: str = DEFAULT_APP,
    *,
    api_key: str | None = None,
    customers: int = DEFAULT_CUSTOMERS,
    seed: int = DEFAULT_SEED,
) -> Iterator[Target]:
    """The mock (or the app `app_reference` builds from mock settings) on a free loopback port.

    It accepts `api_key` (a random one when None) for the first tenant and another random key
    for the second.
    """
    from mockserver import Settings

    keys = [api_key or "kit-" + secrets.token_urlsafe(12), "kit-" + secrets.token_urlsafe(12)]
    settings = Settings(seed=seed, customers=customers, tenants=IN_PROCESS_TENANTS, api_keys=frozenset(keys))
    app = load_factory(app_reference)(settings)
    with serve_in_thread(app) as base_url:
        yield Target(
            base_url=base_url,
            main=Credentials(tenant=IN_PROCESS_TENANTS[0], api_key=keys[0]),
            other=Credentials(tenant=IN_PROCESS_TENANTS[1], api_key=keys[1], key_env=OTHER_API_KEY_ENV),
            in_process=True,
        )


@contextmanager
def serve_in_thread(app: Any, startup_timeout: float = 30.0) -> Iterator[str]:
    """Serve the ASGI `app` in a daemon thread, as `flexportal-mock` serves it; yield its base URL; stop it after.

    It is the mock's own background server (the same HTTP protocol and limits as the command
    line), so the kit's in-process target is the HTTP stack users run.
    """
    from mockserver.server.background import BackgroundServer

    server = BackgroundServer(app, name="kit-target")
    server.start(timeout=startup_timeout)
    try:
        yield server.base_url
    finally:
        server.stop()
