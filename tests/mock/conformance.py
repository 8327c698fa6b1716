"""Whether a response conforms to `openapi.yaml`, judged by Schemathesis' own response checks."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import schemathesis

from mockserver.domain.spec import documented_statuses, load_spec

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def _schema() -> Any:
    return schemathesis.openapi.from_path(ROOT / "openapi.yaml")


@functools.cache
def _statuses() -> dict[str, frozenset[int]]:
    return documented_statuses(load_spec())


def assert_conforms(response: Any) -> None:
    """Fail unless `response` (from either operation) has a documented status, body and headers."""
    path = response.request.url.path
    operation = "listCustomers" if path.rstrip("/") == "/v1/customers" else "getCustomer"
    template = "/v1/customers" if operation == "listCustomers" else "/v1/customers/{customerId}"
    assert response.status_code in _statuses()[operation], f"status {response.status_code} undocumented for {operation}"
    _schema()[template]["GET"].validate_response(response)
