"""The contract itself: it validates, it is served as-is, and the mock's constants are its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate
from starlette.testclient import TestClient

from mockserver.domain import auth, ordering, query
from mockserver.domain.customer import PROFITABILITY_FIELDS
from mockserver.domain.errors import ApiError
from mockserver.domain.spec import load_spec, spec_bytes

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load_spec()


def list_parameter(spec: dict[str, Any], name: str) -> dict[str, Any]:
    for parameter in spec["paths"]["/v1/customers"]["get"]["parameters"]:
        if parameter.get("name") == name:
            return parameter  # type: ignore[no-any-return]
    raise KeyError(name)


def test_spec_is_a_valid_openapi_document(spec: dict[str, Any]) -> None:
    validate(spec)
    assert spec["openapi"].startswith("3.1")


def test_package_ships_the_repository_spec() -> None:
    assert spec_bytes() == (ROOT / "openapi.yaml").read_bytes()


def test_mock_serves_the_spec_bytes(client: TestClient) -> None:
    response = client.get("/openapi.yaml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/yaml")
    assert response.content == (ROOT / "openapi.yaml").read_bytes()


def test_query_constants_are_the_specs(spec: dict[str, Any]) -> None:
    limit = list_parameter(spec, "limit")["schema"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, query.MAX_LIMIT, query.DEFAULT_LIMIT)
    sort_by = list_parameter(spec, "sortBy")["schema"]
    assert tuple(sort_by["enum"]) == ordering.SORT_FIELDS and sort_by["default"] == "createdAt"
    sort_order = list_parameter(spec, "sortOrder")["schema"]
    assert tuple(sort_order["enum"]) == query.SORT_ORDERS and sort_order["default"] == "desc"
    schemas = spec["components"]["schemas"]
    assert tuple(schemas["CustomerStatus"]["enum"]) == query.STATUSES
    assert tuple(schemas["CustomerType"]["enum"]) == query.CUSTOMER_TYPES
    assert list_parameter(spec, "startAfter")["schema"]["maxLength"] == query.MAX_CURSOR_LENGTH
    assert list_parameter(spec, "email")["schema"]["maxLength"] == query.MAX_EMAIL_LENGTH
    names = [p.get("name") for p in spec["paths"]["/v1/customers"]["get"]["parameters"] if "name" in p]
    assert tuple(names) == query.LIST_PARAMETERS


def test_tenant_id_pattern_is_the_specs(spec: dict[str, Any]) -> None:
    pattern = spec["components"]["parameters"]["TenantId"]["schema"]["pattern"]
    assert pattern == f"^{auth.TENANT_ID.pattern}$"
    assert spec["components"]["schemas"]["Customer"]["properties"]["tenantId"]["pattern"] == pattern


def test_profitability_fields_are_what_get_customer_adds(spec: dict[str, Any]) -> None:
    added = spec["components"]["schemas"]["CustomerDetail"]["allOf"][1]["properties"]
    assert set(added) == PROFITABILITY_FIELDS


def test_ordering_rules_are_stated_machine_readably(spec: dict[str, Any]) -> None:
    rules = spec["paths"]["/v1/customers"]["get"]["x-ordering"]
    assert rules["tieBreaker"] == "customerId"
    assert rules["tieBreakerDirection"] == "same-as-sortOrder"
    assert rules["stringCollation"] == "codepoint"
    assert tuple(rules["fields"]) == ordering.SORT_FIELDS
    assert list_parameter(spec, "email")["x-email-match"] == "ascii-case-insensitive"


def every_error_class() -> list[type[ApiError]]:
    found, pending = [], [ApiError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_every_error_code_the_mock_can_answer_is_documented(spec: dict[str, Any]) -> None:
    description = spec["info"]["description"]
    for cls in every_error_class():
        assert f"| {cls.status_code} | `{cls.code}` |" in description, cls.__name__
