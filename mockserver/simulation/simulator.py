"""Simulated latency, faults, rate limiting and UI states, so that clients can see them before production does.

Everything is off by default. The server's settings (`SimulationConfig`, from the command line)
apply to every API request, and a request can override any of them with a `Prefer` header
(see `prefer.py`), for instance `Prefer: code=503` or `Prefer: latency=2000, empty`. A request
is simulated after routing, authentication and the tenant check, in this order:

1. `code` forces a status the operation documents (`200` skips 2 and 3);
2. `rate-limit` counts the request against its API key, answering 429 when over the limit;
3. `fault-rate` answers 500 or 503 at that rate;
4. `empty` answers an empty page (List Customers) or 404 (Get Customer).

Network faults (`netfaults.py`: `network-fault`, `network-fault-rate`) are decided apart, by
`Simulator.network_fault`, for the served edge to carry out on whatever the answer is.

The answer, whatever it is, waits `latency` (a fixed or a random time in a range) plus `slow`.
Simulated errors are the documented error envelopes, so every answer conforms to `openapi.yaml`.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from mockserver.domain.errors import (
    ApiError,
    BadRequest,
    CustomerNotFound,
    InternalError,
    RateLimited,
    ServiceUnavailable,
    Unauthorized,
    UnknownTenant,
    quote,
)
from mockserver.simulation.netfaults import (
    ALL_NETWORK_FAULTS,
    DEFAULT_SLOW_BODY_MS,
    NetworkFault,
    NetworkFaultPlan,
    draw_network_fault,
    parse_network_fault,
    parse_network_faults,
)
from mockserver.simulation.prefer import parse_prefer
from mockserver.simulation.ratelimit import RateLimiter

__all__ = ["DEFAULT_SLOW_MS", "Latency", "MAX_DELAY_MS", "SIMULATED_ERRORS", "SimulationConfig", "Simulator"]

MAX_DELAY_MS: Final = 60_000
DEFAULT_SLOW_MS: Final = 3_000

SIMULATED_ERRORS: Final[Mapping[int, Callable[[str], ApiError]]] = {
    400: BadRequest,
    401: Unauthorized,
    403: UnknownTenant,
    404: CustomerNotFound,
    429: lambda message: RateLimited(message, retry_after=1),
    500: InternalError,
    503: ServiceUnavailable,
}
"""How each status a request can force is answered: with the error the spec documents for it."""


@dataclass(frozen=True, slots=True)
class Latency:
    """A delay in milliseconds: fixed when `low == high`, else drawn uniformly from the range."""

    low: int = 0
    high: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.high <= MAX_DELAY_MS:
            raise ValueError(f"latency must be MS or MIN-MAX milliseconds, 0 <= MIN <= MAX <= {MAX_DELAY_MS}")

    @classmethod
    def parse(cls, text: str) -> Latency:
        """`"250"` or `"100-800"`; raises ValueError for anything else."""
        low, dash, high = text.strip().partition("-")
        try:
            return cls(int(low), int(high if dash else low))
        except ValueError:
            raise ValueError(
                f"latency must be MS or MIN-MAX milliseconds, 0 <= MIN <= MAX <= {MAX_DELAY_MS}; got {quote(text)}"
            ) from None

    def __str__(self) -> str:
        return f"{self.low}" if self.low == self.high else f"{self.low}-{self.high}"


@dataclass(frozen=True, kw_only=True, slots=True)
class SimulationConfig:
    """What to simulate; the defaults simulate nothing. `rate_limit` and `slow_ms` are off at 0.

    `network_fault` forces a network fault on every answer; else one of `network_faults` is
    drawn with probability `network_fault_rate`. `slow_body_ms` spaces a slow body's parts.
    The kinds may be given by name (`"reset"`); they are kept as `NetworkFault`s.
    """

    latency: Latency = Latency()
    fault_rate: float = 0.0
    force_status: int | None = None
    rate_limit: int = 0
    empty: bool = False
    slow_ms: int = 0
    network_fault: NetworkFault | None = None
    network_fault_rate: float = 0.0
    network_faults: frozenset[NetworkFault] = ALL_NETWORK_FAULTS
    slow_body_ms: int = DEFAULT_SLOW_BODY_MS

    def __post_init__(self) -> None:
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError(f"fault rate must be from 0 to 1, got {self.fault_rate}")
        if self.force_status is not None and self.force_status != 200 and self.force_status not in SIMULATED_ERRORS:
            raise ValueError(f"status {self.force_status} cannot be simulated; use one of {_listed(_FORCEABLE)}")
        if self.rate_limit < 0:
            raise ValueError(f"rate limit must be 0 (off) or a number of requests per minute, got {self.rate_limit}")
        if not 0 <= self.slow_ms <= MAX_DELAY_MS:
            raise ValueError(f"slow must be from 0 to {MAX_DELAY_MS} milliseconds, got {self.slow_ms}")
        if self.network_fault is not None:
            object.__setattr__(self, "network_fault", parse_network_fault(str(self.network_fault)))
        object.__setattr__(self, "network_faults", parse_network_faults(",".join(self.network_faults)))
        if not 0.0 <= self.network_fault_rate <= 1.0:
            raise ValueError(f"network fault rate must be from 0 to 1, got {self.network_fault_rate}")
        if not 0 <= self.slow_body_ms <= MAX_DELAY_MS:
            raise ValueError(
                f"slow body interval must be from 0 to {MAX_DELAY_MS} milliseconds, got {self.slow_body_ms}"
            )

    def describe(self) -> str:
        """What this simulates, in words, for the log."""
        parts = []
        if self.latency.high:
            parts.append(f"latency {self.latency} ms")
        if self.slow_ms:
            parts.append(f"slow {self.slow_ms} ms")
        if self.force_status is not None:
            parts.append(f"status {self.force_status} forced")
        if self.rate_limit:
            parts.append(f"rate limit {self.rate_limit} requests per minute per API key")
        if self.fault_rate:
            parts.append(f"fault rate {self.fault_rate}")
        if self.empty:
            parts.append("empty results")
        kinds = self.network_faults
        if self.network_fault is not None:
            kinds = frozenset({self.network_fault})
            parts.append(f"network fault {self.network_fault} on every answer")
        elif self.network_fault_rate:
            parts.append(f"network faults {', '.join(sorted(kinds))} at rate {self.network_fault_rate}")
        if (self.network_fault is not None or self.network_fault_rate) and NetworkFault.SLOW_BODY in kinds:
            parts.append(f"slow bodies in parts {self.slow_body_ms} ms apart")
        return ", ".join(parts) or "nothing"

    @property
    def active(self) -> bool:
        """Whether this simulates anything at all."""
        return self != SimulationConfig()

    @property
    def shapes_answers(self) -> bool:
        """Whether this simulates anything of the answers themselves, network faults aside."""
        return replace(self, **_NO_NETWORK_FAULT) != SimulationConfig()

    def overridden(self, preferences: Mapping[str, str | None]) -> SimulationConfig:
        """This configuration with a request's preferences applied; BadRequest names a bad one."""
        changes: dict[str, Any] = {}
        try:
            for name, value in preferences.items():
                if name == "code":
                    changes["force_status"] = _integer(name, value)
                elif name == "latency":
                    changes["latency"] = Latency.parse(_required(name, value))
                elif name == "fault-rate":
                    changes["fault_rate"] = _rate(name, value)
                elif name == "rate-limit":
                    changes["rate_limit"] = _integer(name, value)
                elif name == "empty":
                    changes["empty"] = _flag(name, value)
                elif name == "slow":
                    changes["slow_ms"] = (self.slow_ms or DEFAULT_SLOW_MS) if value is None else _integer(name, value)
                elif name == "network-fault":
                    changes["network_fault"] = parse_network_fault(_required(name, value))
                    if changes["network_fault"] is None:
                        changes["network_fault_rate"] = 0.0
                elif name == "network-fault-rate":
                    changes["network_fault_rate"] = _rate(name, value)
                elif name == "slow-body-interval":
                    changes["slow_body_ms"] = _integer(name, value)
            return replace(self, **changes) if changes else self
        except ValueError as error:
            raise BadRequest(f"Prefer header: {error}") from None


_FORCEABLE: Final = (200, *sorted(SIMULATED_ERRORS))
_NO_NETWORK_FAULT: Final[Mapping[str, Any]] = {
    "network_fault": None,
    "network_fault_rate": 0.0,
    "network_faults": ALL_NETWORK_FAULTS,
    "slow_body_ms": DEFAULT_SLOW_BODY_MS,
}


def _listed(statuses: Sequence[int]) -> str:
    return ", ".join(str(status) for status in statuses)


def _required(name: str, value: str | None) -> str:
    if value is None:
        raise ValueError(f"{name} needs a value, as in {name}=...")
    return value


def _integer(name: str, value: str | None) -> int:
    text = _required(name, value)
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise ValueError(f"{name} must be a whole number, got {quote(text)}")
    return int(text)


def _rate(name: str, value: str | None) -> float:
    text = _required(name, value)
    try:
        rate = float(text)
    except ValueError:
        rate = -1.0
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"{name} must be a number from 0 to 1, got {quote(text)}")
    return rate


def _flag(name: str, value: str | None) -> bool:
    if value is None or value.lower() == "true":
        return True
    if value.lower() == "false":
        return False
    raise ValueError(f"{name} is 'true' or 'false' (or given alone), got {quote(value)}")


class Simulator:
    """Applies a `SimulationConfig`, overridden per request, to the operations of the spec.

    `documented` gives each operation's documented statuses: a forced status must be one of
    them. Randomness (fault draws, latency in a range) comes from one generator seeded with
    `seed`, so the same sequence of requests meets the same faults and delays on every run.
    A delay is waited out by `sleep` (seconds; `asyncio.sleep` unless a test gives its own clock).
    """

    def __init__(
        self,
        config: SimulationConfig,
        documented: Mapping[str, frozenset[int]],
        seed: int,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        for operation, statuses in documented.items():
            if config.force_status is not None and config.force_status not in statuses:
                raise ValueError(
                    f"status {config.force_status} is not documented for {operation}; "
                    f"a forced status must be one every operation documents"
                )
        self.config = config
        self.active = config.shapes_answers
        self._documented = documented
        self._random = random.Random(seed)
        self._network_random = random.Random(f"{seed}/network")
        self._limiter = RateLimiter()
        self._sleep = sleep

    @property
    def draws_network_faults(self) -> bool:
        """Whether an answer can meet a network fault without asking for one in `Prefer`."""
        return self.config.network_fault is not None or bool(self.config.network_fault_rate)

    def network_fault(self, prefer: Sequence[str]) -> NetworkFaultPlan | None:
        """The network fault this request's answer meets, if any, from the `Prefer` headers `prefer`.

        A bad `Prefer` header means none: the operation answers it with its `400`.
        """
        try:
            config = self.config.overridden(parse_prefer(prefer)) if prefer else self.config
        except BadRequest:
            return None
        return draw_network_fault(
            config.network_fault,
            config.network_fault_rate,
            config.network_faults,
            config.slow_body_ms,
            self._network_random,
        )

    async def simulate(self, operation: str, api_key: str, prefer: Sequence[str]) -> bool:
        """Wait and answer as configured: raises the simulated error, or returns whether to answer empty."""
        config = self.config.overridden(parse_prefer(prefer)) if prefer else self.config
        outcome = self._outcome(operation, api_key, config)
        delay_ms = config.slow_ms + (
            config.latency.low
            if config.latency.low == config.latency.high
            else self._random.randint(config.latency.low, config.latency.high)
        )
        if delay_ms:
            await self._sleep(delay_ms / 1000)
        if isinstance(outcome, ApiError):
            raise outcome
        return outcome

    def _outcome(self, operation: str, api_key: str, config: SimulationConfig) -> ApiError | bool:
        """The error to answer with, or whether to answer empty, decided when the request arrives."""
        status = config.force_status
        if status is not None:
            documented = self._documented[operation]
            if status not in documented:
                raise BadRequest(
                    f"Prefer header: code={status} is not a status {operation} documents; "
                    f"use one of {_listed(sorted(documented))}"
                )
            if status != 200:
                return SIMULATED_ERRORS[status](f"Simulated {status}: the status was forced")
            return config.empty
        if config.rate_limit:
            retry_after = self._limiter.hit(api_key, config.rate_limit)
            if retry_after is not None:
                return RateLimited(
                    f"Rate limit of {config.rate_limit} requests per minute exceeded", retry_after=retry_after
                )
        if config.fault_rate and self._random.random() < config.fault_rate:
            if self._random.random() < 0.5:
                return InternalError("Simulated fault: the server failed (fault-rate)")
            return ServiceUnavailable("Simulated fault: the service is unavailable (fault-rate)")
        return config.empty
