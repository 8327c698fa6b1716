"""Access to `openapi.yaml`, the contract this server implements."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

__all__ = ["component_schema", "documented_statuses", "load_spec", "spec_bytes"]


def spec_bytes() -> bytes:
    """The contract exactly as shipped with the package (the mock serves these bytes)."""
    return resources.files("mockserver").joinpath("openapi.yaml").read_bytes()


def load_spec(data: bytes | None = None) -> dict[str, Any]:
    """The contract parsed into plain data, by libyaml where PyYAML was built with it (ten times faster)."""
    spec = yaml.load(spec_bytes() if data is None else data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(spec, dict):
        raise ValueError("openapi.yaml does not hold a mapping")
    return spec


def component_schema(spec: dict[str, Any], name: str) -> dict[str, Any]:
    """A standalone JSON Schema for `#/components/schemas/<name>`, its references resolvable."""
    return {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}


def documented_statuses(spec: dict[str, Any]) -> dict[str, frozenset[int]]:
    """Each operation's documented response statuses, by `operationId`."""
    return {
        operation["operationId"]: frozenset(int(code) for code in operation.get("responses", {}) if code.isdigit())
        for path in spec["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
