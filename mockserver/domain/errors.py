"""The errors the API answers with, as one hierarchy.

    ApiError
    ├── BadRequest (400)
    │   ├── InvalidParameter, UnknownParameter
    │   ├── InvalidCursor
    │   ├── InvalidBody
    │   └── MissingTenantId, InvalidTenantId
    ├── Unauthorized (401)
    ├── UnknownTenant (403)
    ├── NotFound (404)
    │   └── CustomerNotFound
    ├── MethodNotAllowed (405)
    ├── Conflict (409)
    │   └── EmailInUse
    ├── PayloadTooLarge (413)
    ├── UnsupportedMediaType (415)
    ├── ValidationFailed (422)
    ├── RateLimited (429)
    ├── InternalError (500)
    └── ServiceUnavailable (503)

Each class carries the status and the `code` that `openapi.yaml` documents; `app.py` turns
any of them into the `{"error": {"code", "message"}}` envelope in one place.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "ApiError",
    "BadRequest",
    "Conflict",
    "CustomerNotFound",
    "EmailInUse",
    "InternalError",
    "InvalidBody",
    "InvalidCursor",
    "InvalidParameter",
    "InvalidTenantId",
    "MethodNotAllowed",
    "MissingTenantId",
    "NotFound",
    "PayloadTooLarge",
    "RateLimited",
    "ServiceUnavailable",
    "Unauthorized",
    "UnknownParameter",
    "UnknownTenant",
    "UnsupportedMediaType",
    "ValidationFailed",
    "internal_failure",
    "quote",
]


class ApiError(Exception):
    """An error answered to the client with a status, a documented code and a message."""

    status_code: int = 500
    code: str = "INTERNAL_ERROR"

    def __init__(self, message: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers: dict[str, str] = dict(headers or {})


class BadRequest(ApiError):
    status_code = 400
    code = "BAD_REQUEST"


class InvalidParameter(BadRequest):
    code = "INVALID_PARAMETER"


class UnknownParameter(BadRequest):
    code = "UNKNOWN_PARAMETER"


class InvalidCursor(BadRequest):
    code = "INVALID_CURSOR"


class InvalidBody(BadRequest):
    code = "INVALID_BODY"


class MissingTenantId(BadRequest):
    code = "MISSING_TENANT_ID"


class InvalidTenantId(BadRequest):
    code = "INVALID_TENANT_ID"


class Unauthorized(ApiError):
    status_code = 401
    code = "UNAUTHORIZED"

    def __init__(self, message: str) -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class UnknownTenant(ApiError):
    status_code = 403
    code = "UNKNOWN_TENANT"


class NotFound(ApiError):
    status_code = 404
    code = "NOT_FOUND"


class CustomerNotFound(NotFound):
    code = "CUSTOMER_NOT_FOUND"


class MethodNotAllowed(ApiError):
    status_code = 405
    code = "METHOD_NOT_ALLOWED"


class Conflict(ApiError):
    status_code = 409
    code = "CONFLICT"


class EmailInUse(Conflict):
    code = "EMAIL_IN_USE"


class PayloadTooLarge(ApiError):
    status_code = 413
    code = "PAYLOAD_TOO_LARGE"


class UnsupportedMediaType(ApiError):
    status_code = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class ValidationFailed(ApiError):
    status_code = 422
    code = "VALIDATION_ERROR"


class RateLimited(ApiError):
    status_code = 429
    code = "RATE_LIMITED"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


class InternalError(ApiError):
    status_code = 500
    code = "INTERNAL_ERROR"


class ServiceUnavailable(ApiError):
    status_code = 503
    code = "SERVICE_UNAVAILABLE"


def internal_failure() -> InternalError:
    """What an exception that is not an `ApiError` is answered with: a 500 that gives nothing away."""
    return InternalError("The mock server failed; this is a bug in the mock")


def quote(value: str, limit: int = 64) -> str:
    """`value` quoted for an error message, cut short so that hostile input is never echoed whole."""
    shown = value if len(value) <= limit else value[:limit] + "…"
    return repr(shown)
