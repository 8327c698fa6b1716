"""The kit reads the API's names, limits and rules from the spec, and refuses a spec it cannot use."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_tests.run.target import spec_document
from contract_tests.spec.contract import Contract, Filter, Ordering, SpecError, contract_from_spec, load_spec

LIST = ("paths", "/v1/customers", "get")
GET = ("paths", "/v1/customers/{customerId}", "get")


@pytest.fixture(scope="module")
def shipped_spec() -> dict[str, Any]:
    return spec_document()


@pytest.fixture
def spec(shipped_spec: dict[str, Any]) -> dict[str, Any]:
    """A copy each test may change."""
    return copy.deepcopy(shipped_spec)


@pytest.fixture(scope="module")
def contract(shipped_spec: dict[str, Any]) -> Contract:
    return contract_from_spec(copy.deepcopy(shipped_spec))


def operation(spec: dict[str, Any], where: tuple[str, ...] = LIST) -> dict[str, Any]:
    node: Any = spec
    for key in where:
        node = node[key]
    return node  # type: ignore[no-any-return]


def parameter(spec: dict[str, Any], name: str, where: tuple[str, ...] = LIST) -> dict[str, Any]:
    for candidate in operation(spec, where)["parameters"]:
        if candidate.get("name") == name:
            return candidate  # type: ignore[no-any-return]
    raise KeyError(name)


# --- the shipped spec ----------------------------------------------------------------------------


def test_paths_and_properties(contract: Contract) -> None:
    assert contract.list_path == "/v1/customers"
    assert contract.get_path == "/v1/customers/{customerId}"
    assert contract.get_id_parameter == "customerId"
    assert contract.item_property == "customer"
    assert contract.tenant_header == "Tenant-ID"
    assert contract.items_property == "customers"
    assert contract.count_property == "count"
    assert contract.limit_property == "limit"
    assert contract.has_more_property == "hasMore"
    assert contract.next_cursor_property == "nextCursor"
    assert contract.id_property == "customerId"


def test_limit_and_cursor(contract: Contract) -> None:
    assert contract.limit_parameter == "limit"
    assert (contract.limit_min, contract.limit_max, contract.limit_default) == (1, 100, 50)
    assert contract.cursor_parameter == "startAfter"
    assert contract.cursor_max_length == 2048


def test_sort_and_order(contract: Contract) -> None:
    assert contract.sort_parameter == "sortBy"
    assert contract.sort_fields == (
        "createdAt",
        "firstName",
        "lastName",
        "email",
        "totalMonthlyRevenue",
        "totalDevicesRented",
    )
    assert contract.sort_default == "createdAt"
    assert contract.order_parameter == "sortOrder"
    assert contract.order_default == "desc"


def test_ordering_rules(contract: Contract) -> None:
    assert contract.ordering == Ordering(
        tie_breaker="customerId",
        tie_direction="same-as-sortOrder",
        collation="codepoint",
        field_types={
            "createdAt": "timestamp",
            "firstName": "string",
            "lastName": "string",
            "email": "string",
            "totalMonthlyRevenue": "number",
            "totalDevicesRented": "number",
        },
    )


def test_filters(contract: Contract) -> None:
    assert contract.filters == (
        Filter(parameter="status", field="status", match="equals", values=("active", "inactive")),
        Filter(parameter="customerType", field="customerType", match="equals", values=("individual", "business")),
        Filter(parameter="email", field="email", match="ascii-case-insensitive", values=(), max_length=254),
        Filter(parameter="hasActiveRentals", field="totalDevicesRented", match="positive", values=("true", "false")),
    )
    assert contract.filter("hasActiveRentals").field == "totalDevicesRented"
    assert [rule.parameter for rule in contract.partitioning_filters] == ["status", "customerType", "hasActiveRentals"]
    with pytest.raises(KeyError):
        contract.filter("sortBy")  # a parameter, but not a filter


def test_statuses_and_error_schema(contract: Contract) -> None:
    assert contract.list_statuses == {200, 400, 401, 403, 429, 500, 503}
    assert contract.get_statuses == {200, 400, 401, 403, 404, 429, 500, 503}
    assert contract.error_schema["$ref"] == "#/components/schemas/Error"
    assert "Error" in contract.error_schema["components"]["schemas"]


def test_load_spec_reads_a_file(tmp_path: Path, shipped_spec: dict[str, Any]) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(shipped_spec), encoding="utf-8")
    assert load_spec(path) == shipped_spec


def test_load_spec_refuses_a_document_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(SpecError, match="not a YAML mapping"):
        load_spec(path)


# --- names come from the spec --------------------------------------------------------------------


def test_renamed_limit_parameter(spec: dict[str, Any]) -> None:
    parameter(spec, "limit")["name"] = "pageSize"
    parameter(spec, "pageSize")["schema"].update(minimum=5, maximum=500, default=25)
    operation(spec)["x-pagination"]["limitParameter"] = "pageSize"
    contract = contract_from_spec(spec)
    assert contract.limit_parameter == "pageSize"
    assert (contract.limit_min, contract.limit_max, contract.limit_default) == (5, 500, 25)
    assert contract.limit_property == "limit"  # the response property is named on its own


def test_every_name_comes_from_the_spec(spec: dict[str, Any]) -> None:
    list_op = operation(spec)
    renames = {"startAfter": "after", "sortBy": "orderBy", "sortOrder": "direction", "email": "emailAddress"}
    for old, new in renames.items():
        parameter(spec, old)["name"] = new
    list_op["x-pagination"].update(
        cursorParameter="after",
        itemsProperty="results",
        countProperty="size",
        limitProperty="pageSize",
        hasMoreProperty="more",
        nextCursorProperty="next",
        idProperty="id",
    )
    list_op["x-ordering"].update(
        sortParameter="orderBy",
        orderParameter="direction",
        tieBreaker="id",
        tieBreakerDirection="ascending",
        stringCollation="casefold",
    )
    parameter(spec, "status")["x-filter"] = {"field": "state", "match": "exact"}
    spec["components"]["parameters"]["TenantId"]["name"] = "X-Org"
    get_op = spec["paths"].pop("/v1/customers/{customerId}")
    parameter({"get": get_op["get"]}, "customerId", ("get",))["name"] = "id"
    get_op["get"]["x-item-property"] = "data"
    spec["paths"]["/v2/clients/{id}"] = get_op
    spec["paths"]["/v2/clients"] = spec["paths"].pop("/v1/customers")

    contract = contract_from_spec(spec)
    assert contract.list_path == "/v2/clients"
    assert contract.get_path == "/v2/clients/{id}"
    assert contract.get_id_parameter == "id"
    assert contract.item_property == "data"
    assert contract.tenant_header == "X-Org"
    assert contract.cursor_parameter == "after"
    assert (contract.items_property, contract.count_property, contract.limit_property) == (
        "results",
        "size",
        "pageSize",
    )
    assert (contract.has_more_property, contract.next_cursor_property, contract.id_property) == ("more", "next", "id")
    assert (contract.sort_parameter, contract.order_parameter) == ("orderBy", "direction")
    assert contract.ordering.tie_breaker == "id"
    assert contract.ordering.tie_direction == "ascending"
    assert contract.ordering.collation == "casefold"
    assert contract.filter("emailAddress") == Filter(
        "emailAddress", "email", "ascii-case-insensitive", (), max_length=254
    )
    assert contract.filter("status") == Filter("status", "state", "exact", ("active", "inactive"))
    with pytest.raises(KeyError):
        contract.filter("email")


def test_enums_and_defaults_come_from_the_spec(spec: dict[str, Any]) -> None:
    sort = parameter(spec, "sortBy")["schema"]
    sort["enum"] = ["lastName", "createdAt"]
    sort["default"] = "lastName"
    parameter(spec, "sortOrder")["schema"]["default"] = "asc"
    operation(spec)["x-ordering"]["fields"] = {"lastName": "string", "createdAt": "timestamp"}
    spec["components"]["schemas"]["CustomerStatus"]["enum"] = ["active", "inactive", "suspended"]
    parameter(spec, "startAfter")["schema"]["maxLength"] = 512
    contract = contract_from_spec(spec)
    assert contract.sort_fields == ("lastName", "createdAt")
    assert contract.sort_default == "lastName"
    assert contract.order_default == "asc"
    assert contract.filter("status").values == ("active", "inactive", "suspended")
    assert contract.cursor_max_length == 512
    assert contract.ordering.field_types == {"lastName": "string", "createdAt": "timestamp"}


def test_a_new_filter_parameter_is_picked_up(spec: dict[str, Any]) -> None:
    operation(spec)["parameters"].append(
        {
            "name": "plan",
            "in": "query",
            "x-filter": {"field": "plan", "match": "equals"},
            "schema": {"type": "string", "enum": ["starter", "pro"]},
        }
    )
    contract = contract_from_spec(spec)
    assert contract.filter("plan") == Filter("plan", "plan", "equals", ("starter", "pro"))
    assert contract.filter("plan") in contract.partitioning_filters


def test_the_shipped_spec_is_left_alone(shipped_spec: dict[str, Any]) -> None:
    """The tests above change copies only (and contract_from_spec changes nothing)."""
    before = copy.deepcopy(shipped_spec)
    contract_from_spec(shipped_spec)
    assert shipped_spec == before
    assert parameter(shipped_spec, "limit")["schema"]["maximum"] == 100


# --- specs the kit cannot use --------------------------------------------------------------------


def test_without_x_pagination(spec: dict[str, Any]) -> None:
    del operation(spec)["x-pagination"]
    with pytest.raises(SpecError, match="x-pagination, found 0"):
        contract_from_spec(spec)


def test_x_pagination_on_two_operations(spec: dict[str, Any]) -> None:
    operation(spec, GET)["x-pagination"] = copy.deepcopy(operation(spec)["x-pagination"])
    with pytest.raises(SpecError, match="x-pagination, found 2"):
        contract_from_spec(spec)


def test_without_x_item_property(spec: dict[str, Any]) -> None:
    del operation(spec, GET)["x-item-property"]
    with pytest.raises(SpecError, match="x-item-property"):
        contract_from_spec(spec)


def test_without_x_ordering(spec: dict[str, Any]) -> None:
    del operation(spec)["x-ordering"]
    with pytest.raises(SpecError, match="no x-ordering"):
        contract_from_spec(spec)


def test_ordering_fields_must_cover_the_sort_enum(spec: dict[str, Any]) -> None:
    del operation(spec)["x-ordering"]["fields"]["email"]
    with pytest.raises(SpecError, match="x-ordering.fields"):
        contract_from_spec(spec)


def test_ordering_fields_must_not_exceed_the_sort_enum(spec: dict[str, Any]) -> None:
    operation(spec)["x-ordering"]["fields"]["phone"] = "string"
    with pytest.raises(SpecError, match="x-ordering.fields"):
        contract_from_spec(spec)


def test_ordering_fields_must_have_known_types(spec: dict[str, Any]) -> None:
    operation(spec)["x-ordering"]["fields"]["createdAt"] = "date"
    with pytest.raises(SpecError, match="x-ordering.fields"):
        contract_from_spec(spec)


def test_the_order_parameter_must_take_asc_and_desc(spec: dict[str, Any]) -> None:
    parameter(spec, "sortOrder")["schema"]["enum"] = ["ascending", "descending"]
    with pytest.raises(SpecError, match="'asc' and 'desc'"):
        contract_from_spec(spec)


def test_an_unknown_filter_match(spec: dict[str, Any]) -> None:
    parameter(spec, "email")["x-filter"]["match"] = "prefix"
    with pytest.raises(SpecError, match="x-filter of 'email'"):
        contract_from_spec(spec)


def test_a_filter_without_a_match(spec: dict[str, Any]) -> None:
    del parameter(spec, "status")["x-filter"]["match"]
    with pytest.raises(SpecError, match="x-filter of 'status'"):
        contract_from_spec(spec)


def test_the_tenant_header_must_be_required(spec: dict[str, Any]) -> None:
    spec["components"]["parameters"]["TenantId"]["required"] = False
    with pytest.raises(SpecError, match="one required header"):
        contract_from_spec(spec)


def test_a_remote_reference(spec: dict[str, Any]) -> None:
    operation(spec)["parameters"][0] = {"$ref": "https://example.com/params.yaml#/TenantId"}
    with pytest.raises(SpecError, match="only local references"):
        contract_from_spec(spec)


def test_x_pagination_naming_an_undefined_parameter(spec: dict[str, Any]) -> None:
    """A spec that names a parameter it does not define lacks something the kit needs: a SpecError, as documented."""
    operation(spec)["x-pagination"]["limitParameter"] = "pageSize"  # no parameter is called that
    with pytest.raises(SpecError):
        contract_from_spec(spec)


@pytest.mark.parametrize("collation", ["codepoint", "any", "icu:und", "libc:en_US.UTF-8", "icu:und-u-ks-level2"])
def test_the_string_collation_may_name_a_database_order(spec: dict[str, Any], collation: str) -> None:
    operation(spec)["x-ordering"]["stringCollation"] = collation
    assert contract_from_spec(spec).ordering.collation == collation


@pytest.mark.parametrize("collation", ["binary", "icu:", "en_US.UTF-8", ""])
def test_the_string_collation_must_be_one_the_kit_knows(spec: dict[str, Any], collation: str) -> None:
    operation(spec)["x-ordering"]["stringCollation"] = collation
    with pytest.raises(SpecError, match="x-ordering.stringCollation: unknown string collation"):
        contract_from_spec(spec)
