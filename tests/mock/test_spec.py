"""The contract itself: it validates, it is served as-is, and the mock's constants are its own."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate
from starlette.testclient import TestClient

from mockserver import Settings
from mockserver.domain import auth, ordering, query
from mockserver.domain.customer import PROFITABILITY_FIELDS
from mockserver.domain.errors import ApiError
from mockserver.domain.spec import load_spec, spec_bytes
from tests.helpers import client_for

ROOT = Path(__file__).resolve().parents[2]


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


def test_the_sort_field_table_is_the_specs(spec: dict[str, Any]) -> None:
    """One row of `ordering.FIELDS` per `sortBy` value, in its order, of the kind `x-ordering` gives it."""
    enum = list_parameter(spec, "sortBy")["schema"]["enum"]
    kinds = spec["paths"]["/v1/customers"]["get"]["x-ordering"]["fields"]
    assert [(field.name, field.kind) for field in ordering.FIELDS] == [(name, kinds[name]) for name in enum]


def test_ordering_rules_are_stated_machine_readably(spec: dict[str, Any]) -> None:
    rules = spec["paths"]["/v1/customers"]["get"]["x-ordering"]
    assert rules["tieBreaker"] == "customerId"
    assert rules["tieBreakerDirection"] == "same-as-sortOrder"
    assert rules["stringCollation"] == "codepoint"
    assert rules["fields"] == {field.name: field.kind for field in ordering.FIELDS}
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


def test_stored_emails_may_be_internationalised_and_fold_only_ascii(spec: dict[str, Any], tmp_path: Path) -> None:
    """The schema admits the addresses a tenant may hold (RFC 6531), and the filter folds A-Z alone."""
    customer_schema = spec["components"]["schemas"]["Customer"]["properties"]["email"]
    assert customer_schema["format"] == "idn-email"  # `email` would be ASCII only
    update_pattern = spec["components"]["schemas"]["CustomerUpdate"]["properties"]["email"]["pattern"]
    assert re.fullmatch(update_pattern, "zoë@example.de") is None  # writes stay plain ASCII
    edge = json.loads((ROOT / "fixtures" / "edge-cases.json").read_text(encoding="utf-8"))
    tenant, records = next(iter(edge["tenants"].items()))
    upper, lower = dict(records[0]), dict(records[1])
    upper.update(customerId="cus_upper", email="Émile.Zoë@exämple.de")
    lower.update(customerId="cus_lower", email="émile.zoë@exämple.de")  # another address: É is not é
    path = tmp_path / "idn.json"
    path.write_text(json.dumps({"format": edge["format"], "tenants": {tenant: [upper, lower]}}), encoding="utf-8")
    headers = {"Authorization": "Bearer test-key", "Tenant-ID": tenant}
    with client_for(Settings(fixtures=path)) as client:

        def found(email: str) -> list[str]:
            response = client.get("/v1/customers", params={"email": email}, headers=headers)
            assert response.status_code == 200, response.text
            return [item["customerId"] for item in response.json()["customers"]]

        assert found("ÉMILE.ZOË@EXäMPLE.DE") == []  # Ë is not ë
        assert found("ÉMILE.ZoË@EXäMPLE.DE") == []
        assert found("ÉMILE.Zoë@EXäMPLE.DE") == ["cus_upper"]  # only A-Z swapped
        assert found("émile.zoë@exämple.de") == ["cus_lower"]
        assert found("éMILE.zOë@EXäMPLE.de") == ["cus_lower"]
