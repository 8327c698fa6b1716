"""Where an interrupted recording stands: a state file beside the output, written atomically.

It holds each tenant's customer ids as listed and the cursor of the next list page, the
customers fetched so far (anonymised, unless personal data is kept), and what makes the
stand-ins the same after a resume: the keyed hashes of the source's names, emails and phones
and the domains' stand-ins (no original value), and the random anonymisation key of a
recording started without one, or a check value of a given key (never the key itself), so
that a resume with another key is refused. The file is readable by its owner alone and
removed once the fixture file is written.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from mockserver.domain.customer import Customer

__all__ = ["STATE_FORMAT", "Progress", "StateError", "TenantProgress", "key_check", "state_path"]

STATE_FORMAT: Final = "flexportal-mock-recording/1"


class StateError(ValueError):
    """A state file that cannot be resumed: another recording's, unreadable, or made with another key."""


def state_path(out: Path) -> Path:
    """The state file of a recording into `out`."""
    return out.with_name(out.name + ".partial")


def key_check(key: bytes) -> str:
    """A value that tells whether a resume uses the same key, from which the key cannot be found."""
    return hmac.new(key, b"flexportal-mock recording key check", hashlib.sha256).hexdigest()


@dataclass
class TenantProgress:
    """One tenant: its customer ids as listed, the `startAfter` of the next list page, the customers recorded."""

    ids: list[str] = field(default_factory=list)
    cursor: str | None = None
    listed: bool = False
    records: list[Customer] = field(default_factory=list)


@dataclass
class Progress:
    """A whole recording: what it was started with, and each tenant's progress."""

    base_url: str
    tenants: dict[str, TenantProgress]
    anonymise: bool
    key_check: str | None
    stored_key: str | None = None
    source: set[str] = field(default_factory=set)
    domains: dict[str, str] = field(default_factory=dict)

    @classmethod
    def fresh(
        cls, base_url: str, tenants: tuple[str, ...], *, anonymise: bool, key: bytes | None, store_key: bool
    ) -> Progress:
        return cls(
            base_url=base_url,
            tenants={tenant: TenantProgress() for tenant in tenants},
            anonymise=anonymise,
            key_check=None if key is None else key_check(key),
            stored_key=key.hex() if key is not None and store_key else None,
        )

    def matches(self, base_url: str, tenants: tuple[str, ...], *, anonymise: bool) -> bool:
        return self.base_url == base_url and tuple(self.tenants) == tenants and self.anonymise == anonymise

    @property
    def recorded(self) -> int:
        return sum(len(tenant.records) for tenant in self.tenants.values())

    def save(self, path: Path) -> None:
        """Write the state to `path` at once: a reader sees the old file or the new one, never half of one."""
        document = {
            "format": STATE_FORMAT,
            "baseUrl": self.base_url,
            "anonymise": self.anonymise,
            "keyCheck": self.key_check,
            "key": self.stored_key,
            "source": sorted(self.source),
            "domains": self.domains,
            "tenants": {
                name: {"ids": tenant.ids, "cursor": tenant.cursor, "listed": tenant.listed, "records": tenant.records}
                for name, tenant in self.tenants.items()
            },
        }
        temporary = path.with_name(path.name + ".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            json.dump(document, stream, ensure_ascii=False)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: Path) -> Progress:
        try:
            document: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise StateError(f"{path}: cannot resume from this file: {error}") from None
        if not isinstance(document, dict) or document.get("format") != STATE_FORMAT:
            raise StateError(f"{path}: not the state file of a recording")
        try:
            tenants = {
                name: TenantProgress(
                    ids=[str(id_) for id_ in tenant["ids"]],
                    cursor=tenant["cursor"],
                    listed=bool(tenant["listed"]),
                    records=list(tenant["records"]),
                )
                for name, tenant in document["tenants"].items()
            }
            return cls(
                base_url=str(document["baseUrl"]),
                tenants=tenants,
                anonymise=bool(document["anonymise"]),
                key_check=document["keyCheck"],
                stored_key=document["key"],
                source={str(digest) for digest in document["source"]},
                domains={str(known): str(stand_in) for known, stand_in in document["domains"].items()},
            )
        except (KeyError, TypeError, AttributeError, ValueError) as error:
            raise StateError(f"{path}: a damaged state file ({error!r}); delete it to start again") from None
