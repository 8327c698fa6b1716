"""Cursors: a readable JSON payload, base64url-encoded, then a dot and its HMAC-SHA256.

The payload names the tenant, the query the cursor belongs to, the position after the last
customer of its page and the revision its traversal began at. Readable on purpose: many real
cursors are, and only the signature keeps a client from editing one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

from tests.reference.errors import InvalidCursor


def issue(payload: dict[str, Any], secret: bytes) -> str:
    """The cursor carrying `payload`."""
    body = _encode(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    return f"{body}.{_encode(_signature(body, secret))}"


def read(cursor: str, secret: bytes, *, verify: bool = True) -> dict[str, Any]:
    """The payload of `cursor`; InvalidCursor unless it is well formed and (when `verify`) signed with `secret`."""
    body, dot, signature = cursor.partition(".")
    if not dot or not body or not signature:
        raise InvalidCursor("startAfter is not a cursor this API issued")
    if verify:
        try:
            given = _decode(signature)
        except ValueError:
            given = b""
        if not hmac.compare_digest(given, _signature(body, secret)):
            raise InvalidCursor("startAfter is not a cursor this API issued (bad signature)")
    try:
        payload = json.loads(_decode(body))
    except ValueError:
        raise InvalidCursor("startAfter is not a cursor this API issued") from None
    if not isinstance(payload, dict):
        raise InvalidCursor("startAfter is not a cursor this API issued")
    return payload


def _signature(body: str, secret: bytes) -> bytes:
    return hmac.new(secret, body.encode(), hashlib.sha256).digest()


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError(str(error)) from None
