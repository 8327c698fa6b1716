"""Opaque, signed keyset cursors.

A cursor names the position after the last customer of a page, as that customer's sort key,
together with the tenant and the query (filters and order) it belongs to, and the moment of the
data (a change-log sequence number) at which its traversal began. It is
`base64url(payload) "." base64url(mac)`, the MAC a keyed BLAKE2b of the first part's text; the
MAC makes it tamper-evident, and because it holds a position rather than an offset, pages stay
correct when data changes in between. Its payload holds nothing the client has not already
been shown.

Every page but the first checks one cursor and mints another, so both are kept cheap: BLAKE2b
in keyed mode is a MAC in one pass (HMAC-SHA256 took three times as long), and because the MAC
covers the payload as written, a cursor that verifies is known to be spelled as this codec
spells it without encoding it again. The codec also remembers the last cursors it minted, so
that the next page's request, which nearly always brings one of them back, is answered without
verifying or decoding it again.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, NamedTuple

import orjson

from mockserver.domain.errors import InvalidCursor
from mockserver.domain.ordering import SortKey, is_valid_sort_value
from mockserver.domain.query import describe_fingerprint

__all__ = ["CursorCodec", "Fingerprint", "MINTED_KEPT", "Resume", "VERSION"]

VERSION: Final = 2
_MAC_BYTES: Final = 16
MINTED_KEPT: Final = 4096
"""How many of the cursors it minted last a codec remembers, decoded."""
_FROM_URLSAFE: Final = bytes.maketrans(b"-_", b"+/")
_TO_URLSAFE: Final = bytes.maketrans(b"+/", b"-_")
_TOKEN = re.compile(r"([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{22})")

Fingerprint = Sequence[str | bool | None]


class Resume(NamedTuple):
    """Where a cursor resumes: after the customer with key `after`, in the data as of `snapshot`."""

    after: SortKey
    snapshot: int


def _b64encode(data: bytes) -> str:
    """Base64url without padding (`base64.urlsafe_b64encode` unpadded, in fewer steps: it runs twice a page)."""
    return binascii.b2a_base64(data, newline=False).translate(_TO_URLSAFE).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    """The bytes of base64url `text` (ASCII, as `_TOKEN` admits), padding or not."""
    return binascii.a2b_base64(text.encode("ascii").translate(_FROM_URLSAFE) + b"=" * (-len(text) % 4))


def _is_canonical(text: str) -> bool:
    """Whether `text` is base64url as `_b64encode` writes it (no padding, no stray trailing bits)."""
    try:
        return _b64encode(_b64decode(text)) == text
    except (binascii.Error, ValueError):
        return False


@dataclass(frozen=True, slots=True)
class CursorCodec:
    """Mints and verifies cursors with one secret; replicas sharing the secret accept each other's."""

    secret: bytes
    _keyed: hashlib.blake2b = field(init=False, repr=False, compare=False)
    _minted: dict[str, tuple[str, list[str | bool | None], Resume]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # BLAKE2b takes keys of at most 64 bytes; a secret of any length is hashed to one. The keyed
        # state is made once and copied for each MAC, which is cheaper than keying anew.
        key = hashlib.blake2b(self.secret, digest_size=32).digest()
        object.__setattr__(self, "_keyed", hashlib.blake2b(key=key, digest_size=_MAC_BYTES))
        object.__setattr__(self, "_minted", {})

    def encode(self, tenant: str, fingerprint: Fingerprint, position: SortKey, snapshot: int = 0) -> str:
        scope = list(fingerprint)
        payload = _b64encode(orjson.dumps([VERSION, tenant, scope, position[0], position[1], snapshot]))
        token = f"{payload}.{self.sign(payload)}"
        if _resumable(scope, position[0], position[1], snapshot):  # what decoding the text would accept
            minted = self._minted
            if len(minted) >= MINTED_KEPT:
                minted.pop(next(iter(minted), token), None)  # the oldest: dicts keep insertion order
            minted[token] = (tenant, scope, Resume(position, snapshot))
        return token

    def remembered(self) -> int:
        """How many of the cursors minted here are remembered now, decoded (at most `MINTED_KEPT`)."""
        return len(self._minted)

    def remembers(self, token: str) -> bool:
        """Whether `token` is one of the cursors remembered, which `decode` answers without verifying again."""
        return token in self._minted

    def decode(self, token: str, tenant: str, fingerprint: Fingerprint) -> Resume:
        """Where `token` resumes, if it was minted here for this tenant and query."""
        remembered = self._minted.get(token)
        if remembered is not None:
            cursor_tenant, scope, resume = remembered
            _check_scope(cursor_tenant, scope, tenant, fingerprint)
            return resume
        match = _TOKEN.fullmatch(token)
        if match is None:
            raise InvalidCursor("startAfter is not a cursor this API issued; pass nextCursor unchanged")
        payload, mac = match.groups()
        if not hmac.compare_digest(mac, self.sign(payload)):
            # Base64 has several spellings of the same bytes; only the ones this codec writes are cursors.
            if not (_is_canonical(payload) and _is_canonical(mac)):
                raise InvalidCursor("startAfter is not a cursor this API issued; pass nextCursor unchanged")
            raise InvalidCursor("startAfter has been altered or was issued by another server")
        try:
            decoded = orjson.loads(_b64decode(payload))
        except (binascii.Error, ValueError):
            raise InvalidCursor("startAfter is not a cursor this API issued") from None
        if not (isinstance(decoded, list) and len(decoded) == 6 and decoded[0] == VERSION):
            raise InvalidCursor("startAfter comes from an incompatible version of this API")
        _, cursor_tenant, cursor_fingerprint, value, customer_id, snapshot = decoded
        _check_scope(cursor_tenant, cursor_fingerprint, tenant, fingerprint)
        if not _resumable(fingerprint, value, customer_id, snapshot):
            raise InvalidCursor("startAfter holds a position of the wrong type")
        return Resume((value, customer_id), snapshot)

    def sign(self, payload: str) -> str:
        """The MAC of a cursor's first part, as its second part (what a server sharing the secret would sign)."""
        mac = self._keyed.copy()
        mac.update(payload.encode("ascii"))
        return _b64encode(mac.digest())


def _check_scope(cursor_tenant: object, cursor_fingerprint: object, tenant: str, fingerprint: Fingerprint) -> None:
    """Refuse a cursor issued for another tenant or another query than the request's."""
    if cursor_tenant != tenant:
        raise InvalidCursor("startAfter was issued for another tenant")
    if cursor_fingerprint != list(fingerprint):
        raise InvalidCursor(
            "startAfter was issued for a different query; repeat its filters, sortBy and sortOrder: "
            + describe_fingerprint(cursor_fingerprint)
        )


def _resumable(fingerprint: Fingerprint, value: object, customer_id: object, snapshot: object) -> bool:
    """Whether a position and snapshot have the types a cursor of the query `fingerprint` holds."""
    valid_snapshot = isinstance(snapshot, int) and not isinstance(snapshot, bool) and snapshot >= 0
    return is_valid_sort_value(str(fingerprint[0]), value) and isinstance(customer_id, str) and valid_snapshot
