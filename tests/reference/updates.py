"""Update Customer: a merge patch checked against the spec's `CustomerUpdate`, then one UPDATE.

The fields sent replace the stored ones (`null` clears an optional field), `updatedAt`
advances, and the row takes a new revision so that traversals begun before it leave it out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final, cast

import orjson
import psycopg
import yaml
from jsonschema import Draft202012Validator
from psycopg import sql

from tests.reference.customers import BY_FIELD, COLUMNS, stored
from tests.reference.errors import (
    Conflict,
    CustomerNotFound,
    EmailInUse,
    InvalidBody,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)

SPEC: Final = Path(__file__).resolve().parents[2] / "openapi.yaml"
MAX_BODY: Final = 64 * 1024
MEDIA_TYPES: Final = frozenset({"application/json", "application/merge-patch+json"})


def patch_validator(spec_path: Path = SPEC) -> Draft202012Validator:
    """A validator of the spec's `CustomerUpdate` schema (its `$ref`s resolved within the spec)."""
    spec = yaml.safe_load(spec_path.read_text())
    schema = {"$ref": "#/components/schemas/CustomerUpdate", "components": spec["components"]}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def parse_patch(body: bytes, content_type: str | None, validator: Draft202012Validator) -> dict[str, Any]:
    """The request body as a valid patch, checked in the documented order: size, media type, syntax, schema."""
    if len(body) > MAX_BODY:
        raise PayloadTooLarge(f"the body is {len(body)} bytes; at most {MAX_BODY} are accepted")
    media_type = (content_type or "").partition(";")[0].strip().lower()
    if media_type not in MEDIA_TYPES:
        raise UnsupportedMediaType("send the patch as application/json or application/merge-patch+json")
    try:
        patch = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise InvalidBody("the body is not JSON") from None
    if not isinstance(patch, dict):
        raise InvalidBody("the body must be a JSON object")
    errors = sorted(validator.iter_errors(patch), key=lambda error: [str(part) for part in error.path])
    if errors:
        where = "/".join(str(part) for part in errors[0].path) or "the body"
        raise ValidationFailed(f"{where}: {errors[0].message}"[:300])
    return patch


def check_company_rule(patch: Mapping[str, Any], customer_type: str, company: str | None) -> None:
    """Refuse a patch after which a business customer would lack a company, or an individual have one."""
    customer_type = patch.get("customerType", customer_type)
    company = patch.get("company", company)
    if (customer_type == "business") != (company is not None):
        raise Conflict("a business customer needs a company, and an individual has none")


def apply_patch(
    connection: psycopg.Connection[Any], schema: str, tenant: str, customer_id: str, patch: Mapping[str, Any]
) -> Sequence[Any]:
    """Apply `patch` to the customer in one transaction; its row as it is now."""
    table = sql.SQL("{}.customers").format(sql.Identifier(schema))
    with connection.transaction():
        current = connection.execute(
            sql.SQL(
                "SELECT customer_type, company FROM {} WHERE tenant_id = %s AND customer_id = %s FOR UPDATE"
            ).format(table),
            [tenant, customer_id],
        ).fetchone()
        if current is None:
            raise CustomerNotFound(f"no customer {customer_id!r} in tenant {tenant!r}")
        check_company_rule(patch, current[0], current[1])
        assignments = [sql.SQL("{} = %s").format(sql.Identifier(BY_FIELD[field].name)) for field in patch]
        statement = sql.SQL(
            "UPDATE {table} SET {assignments},"
            " updated_at = greatest(date_trunc('milliseconds', now()), updated_at + interval '1 millisecond'),"
            " revision = nextval({sequence}::regclass) WHERE tenant_id = %s AND customer_id = %s RETURNING {columns}"
        ).format(
            table=table,
            assignments=sql.SQL(", ").join(assignments),
            sequence=sql.Literal(f'"{schema}".revisions'),
            columns=sql.SQL(", ").join(sql.Identifier(column.name) for column in COLUMNS),
        )
        try:
            with connection.transaction():
                row = connection.execute(
                    statement, [*(stored(field, value) for field, value in patch.items()), tenant, customer_id]
                ).fetchone()
        except psycopg.errors.UniqueViolation:
            raise EmailInUse(f"another customer of tenant {tenant!r} has the email {patch.get('email')!r}") from None
    assert row is not None
    return cast(Sequence[Any], row)
