"""Network faults: what goes wrong between the server and the client once an answer is ready.

The simulator decides here, from the configuration and its seeded generator, whether an answer
meets a fault and which; the request edge carries it out on the connection
(`mockserver/http/wirefaults.py`). The kinds, as a client sees them:

- `reset`: the head and part of the body arrive, then the connection is reset (TCP RST);
- `close`: the connection is closed before a byte of the answer is sent;
- `truncate`: the head (with the full `Content-Length`) and part of the body, then a clean close;
- `garbage`: random bytes that are not HTTP, ending in a blank line (so that a client parses
  them rather than waits for more), then a close;
- `slow-body`: the whole answer, its body in parts spaced out in time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from mockserver.domain.errors import quote

__all__ = [
    "ALL_NETWORK_FAULTS",
    "DEFAULT_SLOW_BODY_MS",
    "NO_NETWORK_FAULT",
    "SLOW_BODY_PARTS",
    "NetworkFault",
    "NetworkFaultPlan",
    "body_parts",
    "cut",
    "draw_network_fault",
    "parse_network_fault",
    "parse_network_faults",
]

DEFAULT_SLOW_BODY_MS: Final = 500
SLOW_BODY_PARTS: Final = 4
NO_NETWORK_FAULT: Final = "none"
_GARBAGE_BYTES: Final = (16, 256)


class NetworkFault(StrEnum):
    """A kind of network fault, by the name the flags and `Prefer` give it."""

    RESET = "reset"
    CLOSE = "close"
    TRUNCATE = "truncate"
    GARBAGE = "garbage"
    SLOW_BODY = "slow-body"

    @property
    def needs_connection(self) -> bool:
        """Whether only the server's connection can do it (every kind but `slow-body`)."""
        return self is not NetworkFault.SLOW_BODY


ALL_NETWORK_FAULTS: Final = frozenset(NetworkFault)
_KINDS: Final = ", ".join(kind.value for kind in NetworkFault)


@dataclass(frozen=True, slots=True)
class NetworkFaultPlan:
    """The fault one answer meets: its kind, the spacing of a slow body's parts, a garbage answer's bytes."""

    kind: NetworkFault
    slow_body_ms: int = DEFAULT_SLOW_BODY_MS
    garbage: bytes = b""


def parse_network_fault(text: str) -> NetworkFault | None:
    """A kind's name, or `none` (None); raises ValueError naming the kinds for anything else."""
    name = text.strip().lower()
    if name == NO_NETWORK_FAULT:
        return None
    try:
        return NetworkFault(name)
    except ValueError:
        raise ValueError(f"a network fault is one of {_KINDS} (or {NO_NETWORK_FAULT}), got {quote(text)}") from None


def parse_network_faults(text: str) -> frozenset[NetworkFault]:
    """A comma-separated list of kinds, as `reset,truncate`; raises ValueError for an empty or unknown one."""
    try:
        kinds = {NetworkFault(name.strip().lower()) for name in text.split(",")}
    except ValueError:
        raise ValueError(f"network faults are a comma-separated list of {_KINDS}, got {quote(text)}") from None
    return frozenset(kinds)


def draw_network_fault(
    forced: NetworkFault | None,
    rate: float,
    kinds: frozenset[NetworkFault],
    slow_body_ms: int,
    generator: random.Random,
) -> NetworkFaultPlan | None:
    """The fault an answer meets: `forced`, else one of `kinds` with probability `rate`, else None.

    The generator is drawn from only when a fault can happen, so a run without network faults
    draws the same numbers as before they existed.
    """
    kind = forced
    if kind is None:
        if not rate or not kinds or generator.random() >= rate:
            return None
        kind = generator.choice(sorted(kinds))
    garbage = b""
    if kind is NetworkFault.GARBAGE:
        noise = bytearray(generator.randbytes(generator.randint(*_GARBAGE_BYTES)))
        noise[0] |= 0x80  # not ASCII, so that no client can take the answer for a status line
        garbage = bytes(noise) + b"\r\n\r\n"
    return NetworkFaultPlan(kind, slow_body_ms, garbage)


def cut(body: bytes) -> bytes:
    """The part of `body` a reset or truncated answer sends: its first half (nothing of a one-byte body)."""
    return body[: len(body) // 2]


def body_parts(body: bytes, parts: int = SLOW_BODY_PARTS) -> list[bytes]:
    """`body` in `parts` parts of nearly equal size (fewer for a body shorter than that, one for an empty one)."""
    count = max(1, min(parts, len(body)))
    size, extra = divmod(len(body), count)
    pieces, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        pieces.append(body[start:end])
        start = end
    return pieces
