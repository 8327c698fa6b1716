"""The kit's only way to reach a target: GET requests within a budget and a rate, recorded as curl lines.

A run may point at production, so the client sends nothing but GET, never more requests than
the budget allows, never faster than the rate allows, waits when told to by a 429's
`Retry-After`, verifies TLS, and keeps API keys out of everything it records.
"""

from __future__ import annotations

import re
import shlex
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import quote, quote_plus

import httpx

# What httpx takes as a query: pairs, a mapping (values may be lists), or an encoded string.
Params = Sequence[tuple[str, str]] | Mapping[str, Any] | str

API_KEY_ENV: Final = "FLEXPORTAL_API_KEY"
OTHER_API_KEY_ENV: Final = "FLEXPORTAL_OTHER_API_KEY"
MAX_RETRY_AFTER: Final = 120.0
MAX_RATE_LIMITED_RETRIES: Final = 5
_PLACEHOLDER: Final = re.compile(r"(\$FLEXPORTAL_[A-Z_]+)")
_TRANSPORT_HEADERS: Final = frozenset({"host", "accept", "accept-encoding", "connection", "user-agent"})


class BudgetExhausted(Exception):
    """The run has sent as many requests as it may."""


class RateLimitedTooLong(Exception):
    """The target kept answering 429, or asked for a longer wait than the kit will make."""


@dataclass
class Budget:
    """At most `limit` requests for the whole run (None: no limit)."""

    limit: int | None
    spent: int = 0

    def spend(self) -> None:
        if self.limit is not None and self.spent >= self.limit:
            raise BudgetExhausted(f"the request budget of {self.limit} is spent")
        self.spent += 1


@dataclass
class Pacer:
    """Spaces request starts evenly so that no minute holds more than `per_minute` of them."""

    per_minute: float | None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _next: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self) -> None:
        """Sleep until the next request may start (a `hold` applies even without a rate)."""
        with self._lock:
            now = self.clock()
            if now < self._next:
                self.sleep(self._next - now)
                now = self._next
            self._next = now + (60.0 / self.per_minute if self.per_minute else 0.0)

    def hold(self, seconds: float) -> None:
        """Send nothing for `seconds` (a 429's `Retry-After`)."""
        with self._lock:
            self._next = max(self._next, self.clock() + seconds)


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request the kit sent and the status it got, as a reproducible curl line."""

    url: str
    headers: tuple[tuple[str, str], ...]
    status: int

    def curl(self) -> str:
        parts = ["curl", *(f"-H {_shell_word(f'{name}: {value}')}" for name, value in self.headers)]
        parts.append(_shell_word(self.url))
        return " ".join(parts) + f"   # -> {self.status}"


def _shell_word(text: str) -> str:
    """`text` quoted for a POSIX shell, with the kit's `$VARIABLE` placeholders left to expand."""
    pieces = _PLACEHOLDER.split(text)
    return "".join(f'"{piece}"' if _PLACEHOLDER.fullmatch(piece) else shlex.quote(piece) for piece in pieces if piece)


@dataclass(frozen=True, slots=True)
class Credentials:
    """Who the kit is when it calls as `tenant` with `api_key`."""

    tenant: str
    api_key: str
    key_env: str = API_KEY_ENV


class KitClient:
    """GET-only access to one base URL, shared by every check of a run."""

    def __init__(
        self,
        base_url: str,
        *,
        tenant_header: str,
        budget: Budget,
        pacer: Pacer,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.tenant_header = tenant_header
        self.budget = budget
        self.pacer = pacer
        self.log: list[Exchange] = []
        self._secrets: dict[str, str] = {}
        self._http = httpx.Client(timeout=timeout, transport=transport, follow_redirects=False, verify=True)

    def close(self) -> None:
        self._http.close()

    def keep_secret(self, credentials: Credentials) -> None:
        """Never record `credentials.api_key`, plain or URL-encoded; curl lines name its environment variable."""
        key, placeholder = credentials.api_key, f"${credentials.key_env}"
        for form in (key, quote(key, safe=""), quote_plus(key, safe="")):
            self._secrets[form] = placeholder

    def get(
        self,
        path: str,
        params: Params = (),
        *,
        credentials: Credentials | None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """GET `path` as `credentials` (None: no Authorization and no tenant header), plus `headers`."""
        sent: dict[str, str] = {}
        if credentials is not None:
            sent["Authorization"] = f"Bearer {credentials.api_key}"
            sent[self.tenant_header] = credentials.tenant
        sent.update(headers or {})
        return self.send("GET", self.base_url + path, params, sent)

    def send(self, method: str, url: str, params: Params, headers: Mapping[str, str]) -> httpx.Response:
        """Send one request, waiting out 429s; anything but GET is refused before it leaves."""
        if method.upper() != "GET":
            raise ValueError(f"the kit sends GET requests only, not {method}")
        request = self._http.build_request(
            "GET",
            url,
            params=httpx.QueryParams(params if isinstance(params, (str, Mapping)) else list(params)),
            headers=dict(headers),
        )
        for _ in range(MAX_RATE_LIMITED_RETRIES + 1):
            self.budget.spend()
            self.pacer.wait()
            response = self._http.send(request)
            response.read()
            self._record(request, response.status_code)
            if response.status_code != 429:
                return response
            self.pacer.hold(_retry_after(response))
        raise RateLimitedTooLong(f"still rate limited after {MAX_RATE_LIMITED_RETRIES} waits")

    def _record(self, request: httpx.Request, status: int) -> None:
        shown = []
        for raw_name, raw_value in request.headers.raw:
            name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
            if name.lower() in _TRANSPORT_HEADERS:
                continue
            for secret, placeholder in self._secrets.items():
                value = value.replace(secret, placeholder)
            shown.append((name, value))
        url = str(request.url)
        for secret, placeholder in self._secrets.items():
            url = url.replace(secret, placeholder)
        self.log.append(Exchange(url=url, headers=tuple(shown), status=status))


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("retry-after", "1")
    try:
        seconds = float(value)
    except ValueError:
        seconds = 1.0
    if seconds > MAX_RETRY_AFTER:
        raise RateLimitedTooLong(
            f"the target asked to wait {value} seconds (Retry-After); the kit waits at most {MAX_RETRY_AFTER:.0f}"
        )
    return max(seconds, 0.0)
