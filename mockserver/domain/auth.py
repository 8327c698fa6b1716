"""Who is calling, and for which tenant: the `Authorization` and `Tenant-ID` headers."""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Final, TypeVar

from mockserver.domain.errors import InvalidTenantId, MissingTenantId, Unauthorized, UnknownTenant, quote

__all__ = ["TENANT_ID", "authenticate", "is_valid_tenant_id", "resolve_tenant"]

TENANT_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")

T = TypeVar("T")


def is_valid_tenant_id(value: str) -> bool:
    """Whether `value` has the form the spec's `Tenant-ID` pattern gives."""
    return TENANT_ID.fullmatch(value) is not None


def authenticate(authorization: Sequence[str], api_keys: frozenset[str]) -> str:
    """The key of a single `Bearer <key>` header, if it is known (any non-empty key if none are configured)."""
    if not authorization:
        raise Unauthorized("Send the API key as 'Authorization: Bearer <key>'")
    if len(authorization) > 1:
        raise Unauthorized("Send the Authorization header once")
    return _accepted(authorization[0], api_keys)


@lru_cache(maxsize=64)
def _accepted(authorization: str, api_keys: frozenset[str]) -> str:
    """The key of an `Authorization` value that `api_keys` accept; refusals raise and so are never cached."""
    scheme, _, key = authorization.strip().partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key or " " in key:
        raise Unauthorized("The Authorization header must be 'Bearer <key>'")
    if api_keys and not any(_same(key, known) for known in api_keys):
        raise Unauthorized("Unknown API key")
    return key


def resolve_tenant(tenant_id: Sequence[str], tenants: Mapping[str, T]) -> T:
    """The tenant the `Tenant-ID` header names, if this server serves it."""
    if not tenant_id or not tenant_id[0]:
        raise MissingTenantId("Send your tenant identifier in the Tenant-ID header")
    if len(tenant_id) > 1:
        raise InvalidTenantId("Send the Tenant-ID header once")
    value = tenant_id[0]
    if not is_valid_tenant_id(value):
        raise InvalidTenantId(
            f"Tenant-ID {quote(value)} is not a tenant identifier (letters, digits, '.', '_', '-'; at most 64)"
        )
    try:
        return tenants[value]
    except KeyError:
        served = ", ".join(sorted(tenants)) or "none"
        raise UnknownTenant(f"Unknown tenant {quote(value)}; this server serves: {served}") from None


def _same(given: str, known: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), known.encode("utf-8", "surrogateescape"))
