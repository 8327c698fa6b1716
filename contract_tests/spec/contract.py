"""What the kit knows about the API under test, read from `openapi.yaml` and nowhere else.

Parameter and field names, enums, limits and the ordering rules all come from the spec: the
list operation is the one carrying `x-pagination`, its filters carry `x-filter`, its order is
described by `x-ordering`, and Get Customer is the operation carrying `x-item-property`. A team
whose API differs edits the spec, not the kit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from contract_tests.spec.collations import CollationError, check_name

FILTER_MATCHES: Final = ("equals", "ascii-case-insensitive", "exact", "positive")
FIELD_TYPES: Final = ("string", "number", "timestamp")


class SpecError(Exception):
    """The spec lacks something the kit needs, or states it in a form the kit cannot use."""


@dataclass(frozen=True, slots=True)
class Filter:
    """A query parameter that keeps only customers whose `field` passes `match` against its value.

    `values` are the parameter's possible values when it has only a few (an enum or a boolean,
    as query strings), empty for a free-form value such as an email address. `max_length` is the
    schema's bound on a free-form value: a longer one is invalid input, not a lookup.
    """

    parameter: str
    field: str
    match: str
    values: tuple[str, ...]
    max_length: int | None = None


@dataclass(frozen=True, slots=True)
class Ordering:
    """How a list is ordered: sort value under `collation`, then `tie_breaker` under `id_collation`."""

    tie_breaker: str
    tie_direction: str
    collation: str
    field_types: dict[str, str]
    id_collation: str | None = None


@dataclass(frozen=True, slots=True)
class Contract:
    """The facts the properties are written against."""

    list_path: str
    get_path: str
    get_id_parameter: str
    item_property: str
    tenant_header: str
    limit_parameter: str
    limit_min: int
    limit_max: int
    limit_default: int
    cursor_parameter: str
    cursor_max_length: int
    items_property: str
    count_property: str
    limit_property: str
    has_more_property: str
    next_cursor_property: str
    id_property: str
    sort_parameter: str
    sort_fields: tuple[str, ...]
    sort_default: str
    order_parameter: str
    order_default: str
    filters: tuple[Filter, ...]
    ordering: Ordering
    list_statuses: frozenset[int]
    get_statuses: frozenset[int]
    error_schema: dict[str, Any]
    # The list page's and one listed customer's schemas (None when the spec gives none), and the
    # customer property that names its tenant (the one named like the tenant header), if any.
    page_schema: dict[str, Any] | None = None
    item_schema: dict[str, Any] | None = None
    tenant_property: str | None = None

    def filter(self, parameter: str) -> Filter:
        """The filter named `parameter`."""
        for candidate in self.filters:
            if candidate.parameter == parameter:
                return candidate
        raise KeyError(parameter)

    @property
    def partitioning_filters(self) -> tuple[Filter, ...]:
        """Filters with a few values that split every list into disjoint parts."""
        return tuple(candidate for candidate in self.filters if candidate.values)


def load_spec(path: Path) -> dict[str, Any]:
    """The OpenAPI document at `path`."""
    return parse_spec(path.read_bytes())


def parse_spec(data: bytes) -> dict[str, Any]:
    """An OpenAPI document from its YAML (or JSON) bytes, read by libyaml where PyYAML was built with it
    (ten times faster than its Python reader, which every run would otherwise pay at start)."""
    spec = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(spec, dict):
        raise SpecError("the spec is not a YAML mapping")
    return spec


def contract_from_spec(spec: dict[str, Any]) -> Contract:
    """A `Contract` from parsed OpenAPI 3.1 data."""
    list_path, list_op = _operation_with(spec, "x-pagination")
    get_path, get_op = _operation_with(spec, "x-item-property")
    pagination = list_op["x-pagination"]
    rules = _require(list_op, "x-ordering", "the list operation")
    parameters = {param["name"]: param for param in _parameters(spec, list_op)}
    for role in ("limitParameter", "cursorParameter"):
        _check_parameter(parameters, pagination, role, "x-pagination")
    for role in ("sortParameter", "orderParameter"):
        _check_parameter(parameters, rules, role, "x-ordering")
    headers = [param for param in _parameters(spec, list_op) if param.get("in") == "header" and param.get("required")]
    get_ids = [param for param in _parameters(spec, get_op) if param.get("in") == "path"]
    if len(headers) != 1 or len(get_ids) != 1:
        raise SpecError("expected one required header (the tenant) on the list and one path parameter on the get")

    limit = _schema(spec, parameters[pagination["limitParameter"]])
    cursor = _schema(spec, parameters[pagination["cursorParameter"]])
    sort = _schema(spec, parameters[rules["sortParameter"]])
    order = _schema(spec, parameters[rules["orderParameter"]])
    field_types = dict(rules.get("fields") or {})
    if set(field_types) != set(sort["enum"]) or not set(field_types.values()) <= set(FIELD_TYPES):
        raise SpecError(f"x-ordering.fields must give each of {sort['enum']} one of the types {FIELD_TYPES}")
    try:
        for key in ("stringCollation", "tieBreakerCollation"):
            if key in rules:
                check_name(rules[key])
    except CollationError as error:
        raise SpecError(f"x-ordering.{key}: {error}") from None
    if set(order["enum"]) != {"asc", "desc"}:
        raise SpecError(f"the order parameter must take 'asc' and 'desc', not {order['enum']}")

    return Contract(
        list_path=list_path,
        get_path=get_path,
        get_id_parameter=get_ids[0]["name"],
        item_property=get_op["x-item-property"],
        tenant_header=headers[0]["name"],
        limit_parameter=pagination["limitParameter"],
        limit_min=int(limit.get("minimum", 1)),
        limit_max=int(limit["maximum"]),
        limit_default=int(limit["default"]),
        cursor_parameter=pagination["cursorParameter"],
        cursor_max_length=int(cursor.get("maxLength", 4096)),
        items_property=pagination["itemsProperty"],
        count_property=pagination["countProperty"],
        limit_property=pagination["limitProperty"],
        has_more_property=pagination["hasMoreProperty"],
        next_cursor_property=pagination["nextCursorProperty"],
        id_property=pagination["idProperty"],
        sort_parameter=rules["sortParameter"],
        sort_fields=tuple(sort["enum"]),
        sort_default=sort["default"],
        order_parameter=rules["orderParameter"],
        order_default=order["default"],
        filters=tuple(_filter(spec, param) for param in parameters.values() if "x-filter" in param),
        ordering=Ordering(
            tie_breaker=rules["tieBreaker"],
            tie_direction=rules["tieBreakerDirection"],
            collation=rules["stringCollation"],
            field_types=field_types,
            # The tie-breaker's own collation, when the spec states one (else the sort fields' applies).
            id_collation=rules.get("tieBreakerCollation"),
        ),
        list_statuses=_statuses(list_op),
        get_statuses=_statuses(get_op),
        error_schema={"$ref": "#/components/schemas/Error", "components": spec.get("components", {})},
        **_listed_schemas(spec, list_op, pagination["itemsProperty"], headers[0]["name"]),
    )


def _listed_schemas(spec: dict[str, Any], operation: dict[str, Any], items: str, tenant_header: str) -> dict[str, Any]:
    """The page and item schemas of the list's 200 answer, each with the spec's components, and the tenant property."""
    content = (operation.get("responses", {}).get("200") or {}).get("content") or {}
    node = (content.get("application/json") or {}).get("schema")
    if not isinstance(node, dict):
        return {}
    components = spec.get("components", {})
    item = (_resolve(spec, node).get("properties") or {}).get(items, {}).get("items")
    if not isinstance(item, dict):
        return {"page_schema": {**node, "components": components}}
    wanted = re.sub(r"[^a-z0-9]", "", tenant_header.lower())
    named = [name for name in _resolve(spec, item).get("properties") or {} if name.lower() == wanted]
    return {
        "page_schema": {**node, "components": components},
        "item_schema": {**item, "components": components},
        "tenant_property": named[0] if named else None,
    }


def _operation_with(spec: dict[str, Any], extension: str) -> tuple[str, dict[str, Any]]:
    found = [
        (path, operation)
        for path, item in (spec.get("paths") or {}).items()
        for method, operation in item.items()
        if method == "get" and isinstance(operation, dict) and extension in operation
    ]
    if len(found) != 1:
        raise SpecError(f"expected exactly one GET operation with {extension}, found {len(found)}")
    return found[0]


def _check_parameter(parameters: dict[str, Any], rules: dict[str, Any], role: str, extension: str) -> None:
    if rules.get(role) not in parameters:
        raise SpecError(f"{extension}.{role} must name a parameter of the list operation, not {rules.get(role)!r}")


def _require(mapping: dict[str, Any], key: str, where: str) -> Any:
    if key not in mapping:
        raise SpecError(f"{where} has no {key}")
    return mapping[key]


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """`node`, with local `$ref`s followed."""
    while "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise SpecError(f"only local references are supported, not {ref!r}")
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _parameters(spec: dict[str, Any], operation: dict[str, Any]) -> list[dict[str, Any]]:
    return [_resolve(spec, param) for param in operation.get("parameters", [])]


def _schema(spec: dict[str, Any], parameter: dict[str, Any]) -> dict[str, Any]:
    return _resolve(spec, parameter.get("schema", {}))


def _filter(spec: dict[str, Any], parameter: dict[str, Any]) -> Filter:
    rule = parameter["x-filter"]
    if rule.get("match") not in FILTER_MATCHES:
        raise SpecError(f"x-filter of {parameter['name']!r}: match must be one of {FILTER_MATCHES}")
    schema = _schema(spec, parameter)
    if schema.get("type") == "boolean":
        values: tuple[str, ...] = ("true", "false")
    else:
        values = tuple(str(value) for value in schema.get("enum", ()))
    max_length = schema.get("maxLength")
    return Filter(
        parameter=parameter["name"],
        field=rule["field"],
        match=rule["match"],
        values=values,
        max_length=int(max_length) if max_length is not None else None,
    )


def _statuses(operation: dict[str, Any]) -> frozenset[int]:
    return frozenset(int(code) for code in operation.get("responses", {}) if re.fullmatch(r"[1-5][0-9][0-9]", code))
