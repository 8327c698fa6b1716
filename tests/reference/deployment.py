"""What one deployment is: where its tables are, which keys it accepts, and which bugs it has."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CursorKind = Literal["keyset", "unverified", "offset"]
EmailMatch = Literal["exact", "ilike-prefix"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Deployment:
    """A deployment's configuration. The defaults are the correct service; each other value is a bug.

    - `keyset_tie_breaker=False`: the keyset `WHERE` compares the sort column alone, so the
      customers tied with a page's last one are skipped.
    - `email_match="ilike-prefix"`: the email filter is `email ILIKE 'value%'`.
    - `cursors="unverified"`: cursors are signed but the signature is never checked;
      `cursors="offset"`: a cursor holds an offset and pages are read with `OFFSET`.
    """

    schema: str
    api_keys: frozenset[str]
    cursor_secret: bytes
    keyset_tie_breaker: bool = True
    email_match: EmailMatch = "exact"
    cursors: CursorKind = "keyset"

    def __post_init__(self) -> None:
        if not self.api_keys:
            raise ValueError("a deployment needs at least one API key")
        if len(self.cursor_secret) < 16:
            raise ValueError("the cursor secret must be at least 16 bytes")
