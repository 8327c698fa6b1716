"""The errors the API answers, one class per documented code, and their one rendering as the envelope.

Every refusal raised anywhere in the deployment is an `ApiError`; `envelope` turns it into
`{"error": {"code": ..., "message": ...}}` with its status, and nothing else writes error bodies.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from starlette.responses import JSONResponse


class ApiError(Exception):
    """A request the API refuses: its status and documented code, a message for people."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "INTERNAL_ERROR"

    def __init__(self, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = dict(headers or {})


class BadRequest(ApiError):
    status, code = 400, "BAD_REQUEST"


class InvalidParameter(ApiError):
    status, code = 400, "INVALID_PARAMETER"


class UnknownParameter(ApiError):
    status, code = 400, "UNKNOWN_PARAMETER"


class InvalidCursor(ApiError):
    status, code = 400, "INVALID_CURSOR"


class InvalidBody(ApiError):
    status, code = 400, "INVALID_BODY"


class MissingTenant(ApiError):
    status, code = 400, "MISSING_TENANT_ID"


class InvalidTenant(ApiError):
    status, code = 400, "INVALID_TENANT_ID"


class Unauthorized(ApiError):
    status, code = 401, "UNAUTHORIZED"

    def __init__(self, message: str) -> None:
        super().__init__(message, {"WWW-Authenticate": "Bearer"})


class UnknownTenant(ApiError):
    status, code = 403, "UNKNOWN_TENANT"


class CustomerNotFound(ApiError):
    status, code = 404, "CUSTOMER_NOT_FOUND"


class NotFound(ApiError):
    status, code = 404, "NOT_FOUND"


class MethodNotAllowed(ApiError):
    status, code = 405, "METHOD_NOT_ALLOWED"


class EmailInUse(ApiError):
    status, code = 409, "EMAIL_IN_USE"


class Conflict(ApiError):
    status, code = 409, "CONFLICT"


class PayloadTooLarge(ApiError):
    status, code = 413, "PAYLOAD_TOO_LARGE"


class UnsupportedMediaType(ApiError):
    status, code = 415, "UNSUPPORTED_MEDIA_TYPE"


class ValidationFailed(ApiError):
    status, code = 422, "VALIDATION_ERROR"


def envelope(error: ApiError) -> JSONResponse:
    """`error` as the documented error response."""
    body = {"error": {"code": error.code, "message": error.message}}
    return JSONResponse(body, status_code=error.status, headers=error.headers)
