"""Reading a request's JSON body: its size capped, its media type and its syntax checked."""

from __future__ import annotations

from typing import Any, Final

import orjson
from starlette.requests import Request

from mockserver.domain.errors import InvalidBody, PayloadTooLarge, UnsupportedMediaType

__all__ = ["JSON_MEDIA_TYPES", "MAX_BODY_BYTES", "read_json_object"]

MAX_BODY_BYTES: Final = 64 * 1024
JSON_MEDIA_TYPES: Final = frozenset({"application/json", "application/merge-patch+json"})


async def read_json_object(request: Request, limit: int = MAX_BODY_BYTES) -> dict[str, Any]:
    """The body as a JSON object; raises an `ApiError` for any other body, never reading past `limit` bytes."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type not in JSON_MEDIA_TYPES:
        shown = media_type or "none"
        raise UnsupportedMediaType(f"Send the body as application/json (Content-Type was {shown})")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"The body has {declared} bytes; at most {limit} are accepted")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"The body has more than {limit} bytes; at most {limit} are accepted")
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise InvalidBody(f"The body is not JSON: {error}") from None
    if not isinstance(value, dict):
        raise InvalidBody(f"The body must be a JSON object, not {type(value).__name__}")
    return value
