"""Access to `openapi.yaml`, the contract this server implements."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml


def spec_bytes() -> bytes:
    """The contract exactly as shipped with the package (the mock serves these bytes)."""
    return resources.files("mockserver").joinpath("openapi.yaml").read_bytes()


def load_spec(data: bytes | None = None) -> dict[str, Any]:
    """The contract parsed into plain data."""
    spec = yaml.safe_load(spec_bytes() if data is None else data)
    if not isinstance(spec, dict):
        raise ValueError("openapi.yaml does not hold a mapping")
    return spec


def component_schema(spec: dict[str, Any], name: str) -> dict[str, Any]:
    """A standalone JSON Schema for `#/components/schemas/<name>`, its references resolvable."""
    return {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
