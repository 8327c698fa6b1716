"""Reading and writing fixture files: a whole dataset as one JSON document.

    {"format": "flexportal-mock-fixtures/1",
     "tenants": {"acme": [<CustomerDetail>, ...], "globex": [...]}}

Every record is checked when the file is loaded, so a bad file fails at start with the file,
the tenant, the record and the problem named, never later at request time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import orjson

from mockserver.domain.auth import is_valid_tenant_id
from mockserver.domain.customer import Customer, CustomerChecker
from mockserver.domain.query import fold_email

__all__ = ["FORMAT", "FixtureError", "dump_fixtures", "load_fixtures"]

FORMAT: Final = "flexportal-mock-fixtures/1"


class FixtureError(ValueError):
    """A fixture file that cannot be served; the message names the file and the record."""


def dump_fixtures(tenants: Mapping[str, Sequence[Customer]]) -> bytes:
    """A fixture document holding `tenants`, stable byte for byte for the same data."""
    document = {"format": FORMAT, "tenants": {tenant: list(records) for tenant, records in tenants.items()}}
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def load_fixtures(path: Path, checker: CustomerChecker | None = None) -> dict[str, list[Customer]]:
    """The tenants and customers of the fixture file at `path`; raises FixtureError naming any problem."""
    try:
        document = json.loads(path.read_bytes(), object_pairs_hook=_unique_keys)
    except OSError as error:
        raise FixtureError(f"{path}: cannot read the fixture file: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FixtureError(f"{path}: not valid JSON: {error}") from None
    except ValueError as error:
        raise FixtureError(f"{path}: {error}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise FixtureError(f'{path}: not a fixture file; expected an object with "format": "{FORMAT}"')
    tenants = document.get("tenants")
    if not isinstance(tenants, dict) or not tenants:
        raise FixtureError(f'{path}: "tenants" must map at least one tenant id to a list of customers')
    checker = checker or CustomerChecker()
    return {tenant: _checked_tenant(path, tenant, records, checker) for tenant, records in tenants.items()}


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a repeated key (JSON parsers otherwise keep one copy silently)."""
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"the key {key!r} appears twice in one object")
        document[key] = value
    return document


def _checked_tenant(path: Path, tenant: str, records: Any, checker: CustomerChecker) -> list[Customer]:
    if not is_valid_tenant_id(tenant):
        raise FixtureError(f"{path}: {tenant!r} is not a tenant identifier (letters, digits, '.', '_', '-')")
    if not isinstance(records, list):
        raise FixtureError(f"{path}: tenant {tenant!r} must hold a list of customers")
    ids: set[str] = set()
    emails: set[str] = set()
    for index, record in enumerate(records):
        label = f"{path}: tenant {tenant!r}, record {index}"
        if isinstance(record, dict) and isinstance(record.get("customerId"), str):
            label += f" (customerId {record['customerId']!r})"
        for problem in checker.problems(record, tenant):
            raise FixtureError(f"{label}: {problem}")
        if record["customerId"] in ids:
            raise FixtureError(f"{label}: customerId is used by an earlier record")
        if fold_email(record["email"]) in emails:
            raise FixtureError(f"{label}: email {record['email']!r} is used by an earlier record (case-insensitively)")
        ids.add(record["customerId"])
        emails.add(fold_email(record["email"]))
    return records
