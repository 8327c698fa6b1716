"""The kit's only way to reach a target: GET requests within a budget and a rate, recorded as curl lines.

A run may point at production, so the client sends nothing but GET, never more requests than
the budget allows, never faster than the rate allows, waits when told to by a 429's
`Retry-After`, verifies TLS, and keeps API keys out of everything it records. The one
exception is `write`, which the pagination-under-change property uses only against a target
that has shown, through a GET, that it is a mock offering control endpoints, or when the run
was started with `--allow-writes`.
"""

from __future__ import annotations

import json
import re
import shlex
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from contract_tests.transport.shares import Share

# What httpx takes as a query: pairs, a mapping (values may be lists), or an encoded string.
Params = Sequence[tuple[str, str]] | Mapping[str, Any] | str

API_KEY_ENV: Final = "FLEXPORTAL_API_KEY"
OTHER_API_KEY_ENV: Final = "FLEXPORTAL_OTHER_API_KEY"
MAX_RETRY_AFTER: Final = 120.0
MAX_RATE_LIMITED_RETRIES: Final = 5
# Answers that say "try again" rather than anything about the contract.
TRANSIENT_STATUSES: Final = frozenset({502, 503, 504})
_PLACEHOLDER: Final = re.compile(r"(\$FLEXPORTAL_[A-Z_]+)")
_TRANSPORT_HEADERS: Final = frozenset(
    {"host", "accept", "accept-encoding", "connection", "user-agent", "content-length"}
)
# What every request carries besides its own headers (those httpx's client would add).
_DEFAULT_HEADERS: Final = (
    ("Accept", "*/*"),
    ("Accept-Encoding", "gzip, deflate"),
    ("Connection", "keep-alive"),
    ("User-Agent", f"python-httpx/{httpx.__version__}"),
)


class BudgetExhausted(Exception):
    """The run has sent as many requests as it may."""


class TargetUnavailable(Exception):
    """The target could not be checked: no usable answer after the retries, or the run's deadline passed.

    An infrastructure problem (timeouts, resets, gateway errors, non-JSON error pages, endless
    429s), reported apart from contract violations: it says nothing about the contract.
    """


class RateLimitedTooLong(TargetUnavailable):
    """The target kept answering 429, or asked for a longer wait than the kit will make."""


@dataclass
class Budget:
    """At most `limit` requests for the whole run (None: no limit), the last `reserve` of them for essential ones.

    Essential requests undo what the run changed on a deployment; the reserve keeps them possible
    after everything else has spent its share. The property under way spends its `share`, planned
    in `planned`, plus whatever the properties before it left unspent of theirs.
    """

    limit: int | None
    spent: int = 0
    reserve: int = 0
    planned: Mapping[str, int] = field(default_factory=dict)
    share: Share | None = None
    shares: dict[str, Share] = field(default_factory=dict)
    _unspent: int = 0

    def spend(self, *, essential: bool = False) -> None:
        if self.share is not None and not essential:
            self.share.check()
        if self.limit is not None and self.spent >= self.limit - (0 if essential else self.reserve):
            raise BudgetExhausted(f"the request budget of {self.limit} is spent")
        if self.share is not None and not essential:
            self.share.spent += 1
        self.spent += 1

    def open(self, name: str) -> Share:
        """Start spending for property `name`: its planned share and what earlier properties left."""
        planned = self.planned.get(name)
        share = Share(name, None if planned is None else planned + self._unspent)
        self.share = self.shares[name] = share
        return share

    def close(self) -> None:
        """The property under way has ended; what it left of its share passes on to the next."""
        if self.share is not None and self.share.limit is not None:
            self._unspent = max(0, int(self.share.left))
        self.share = None


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
    status: int | str
    method: str = "GET"
    body: str | None = None

    def curl(self) -> str:
        parts = ["curl"] if self.method == "GET" else ["curl", "-X", self.method]
        parts.extend(f"-H {_shell_word(f'{name}: {value}')}" for name, value in self.headers)
        if self.body is not None:
            parts.append(f"--data {shlex.quote(self.body)}")
        parts.append(shlex.quote(self.url))  # as sent: a placeholder is only ever in a header
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
    """GET-only access to one base URL, shared by every check of a run.

    Requests go straight to an httpx transport (`transport`, or httpx's own over a pooled
    connection): `httpx.Client`'s redirects, auth, cookies and hooks, which the kit never uses,
    cost more than the request itself against a local target. So no cookie is ever sent back,
    and every request is exactly what its curl line shows.
    """

    def __init__(
        self,
        base_url: str,
        *,
        tenant_header: str,
        budget: Budget,
        pacer: Pacer,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        deadline: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.tenant_header = tenant_header
        self.budget = budget
        self.pacer = pacer
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.deadline = deadline
        self.clock = clock
        self.retried = 0
        self.log: list[Exchange] = []
        self._secrets: dict[str, str] = {}
        self._transport = transport if transport is not None else default_transport(self.base_url)

    def close(self) -> None:
        self._transport.close()

    def keep_secret(self, credentials: Credentials) -> None:
        """Never record `credentials.api_key`: curl lines name its environment variable where it is sent.

        The key is sent only in the Authorization header, so only that header's credentials are
        replaced, and only when they are the key entire: URLs, cursors and other headers are
        recorded as sent, however short the key (`k`) and whatever text it shares with them.
        """
        self._secrets[credentials.api_key] = f"${credentials.key_env}"

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

    def write(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None,
        *,
        credentials: Credentials,
        essential: bool = False,
    ) -> httpx.Response:
        """One write (POST, PATCH), within the budget and rate; `essential` for one that undoes an earlier write.

        It is retried like a GET: a write repeated after a lost answer changes the same customer
        again, or adds a customer, which the property that writes allows for.
        """
        headers = {"Authorization": f"Bearer {credentials.api_key}", self.tenant_header: credentials.tenant}
        content = None if body is None else json.dumps(body)
        if content is not None:
            headers["Content-Type"] = "application/json"
        request = httpx.Request(method, self.base_url + path, content=content, headers=_with_defaults(headers))
        return self._exchange(request, essential=essential)

    def send(self, method: str, url: str, params: Params, headers: Mapping[str, str]) -> httpx.Response:
        """Send one request, waiting out 429s; anything but GET is refused before it leaves."""
        if method.upper() != "GET":
            raise ValueError(f"the kit sends GET requests only, not {method}")
        query = str(httpx.QueryParams(params if isinstance(params, (str, Mapping)) else list(params)))
        sent = _with_defaults(headers)
        if "?" in url:  # merged with the URL's own query, as httpx merges them
            request = httpx.Request("GET", url, params=httpx.QueryParams(query), headers=sent)
        else:  # parsed once: a long cursor makes every parse of the URL count
            request = httpx.Request("GET", f"{url}?{query}" if query else url, headers=sent)
        return self._exchange(request)

    def _exchange(self, request: httpx.Request, *, essential: bool = False) -> httpx.Response:
        """Send `request` until it gets a usable answer, waiting out 429s and retrying transient failures."""
        body = None if not request.content else request.content.decode("utf-8", "replace")
        failures = waits = 0
        while True:
            response, problem, error = self._attempt(request, body, essential=essential)
            if response is not None and response.status_code == 429:
                if waits == MAX_RATE_LIMITED_RETRIES:
                    raise RateLimitedTooLong(f"still rate limited after {MAX_RATE_LIMITED_RETRIES} waits")
                waits += 1
                self.pacer.hold(_retry_after(response))
                continue
            if problem is None:
                assert response is not None
                return response
            if failures == self.retries:
                attempts = f"{failures + 1} attempt{'s' if failures else ''}"
                raise TargetUnavailable(f"{request.method} {request.url.path}: {problem} ({attempts})") from error
            self.pacer.hold(self.backoff * 2**failures)
            failures += 1
            self.retried += 1

    def _attempt(
        self, request: httpx.Request, body: str | None = None, *, essential: bool = False
    ) -> tuple[httpx.Response | None, str | None, httpx.TransportError | None]:
        """One try: the response, what makes it unusable (a transient failure) if anything, and the error, if any."""
        remaining = None if self.deadline is None else self.deadline - self.clock()
        if remaining is not None and remaining <= 0 and not essential:
            raise TargetUnavailable("the run's deadline has passed")
        self.budget.spend(essential=essential)
        self.pacer.wait()
        # An essential request (an undo) goes out after the deadline too, with the usual timeout.
        timeout = self.timeout if remaining is None or essential else max(0.001, min(self.timeout, remaining))
        request.extensions["timeout"] = httpx.Timeout(timeout).as_dict()
        started = time.perf_counter()
        try:
            response = self._transport.handle_request(request)
            response.request = request
            response.read()
            response.elapsed = timedelta(seconds=time.perf_counter() - started)
        except httpx.TransportError as error:
            self._record(request, f"no response ({type(error).__name__})", body)
            return None, f"no response ({type(error).__name__}: {error})", error
        self._record(request, response.status_code, body)
        if response.status_code in TRANSIENT_STATUSES:
            return response, f"{response.status_code} {response.reason_phrase}", None
        if (
            response.is_success
            and response.status_code != 204
            and "json" not in response.headers.get("content-type", "")
        ):
            # A page where a JSON answer was due: a captive portal or a misrouted proxy, not the API.
            return (
                response,
                f"a {response.status_code} answer that is not JSON ({response.headers.get('content-type')})",
                None,
            )
        return response, None, None

    def _record(self, request: httpx.Request, status: int | str, body: str | None = None) -> None:
        shown = []
        for raw_name, raw_value in request.headers.raw:
            name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
            if name.lower() in _TRANSPORT_HEADERS:
                continue
            shown.append((name, self._hidden(value) if name.lower() == "authorization" else value))
        self.log.append(
            Exchange(url=str(request.url), headers=tuple(shown), status=status, method=request.method, body=body)
        )

    def _hidden(self, authorization: str) -> str:
        """An Authorization value with a kept secret as its credentials (`Bearer KEY`) shown by its placeholder."""
        scheme, _, credentials = authorization.partition(" ")
        placeholder = self._secrets.get(credentials)
        return authorization if placeholder is None else f"{scheme} {placeholder}"


def _with_defaults(headers: Mapping[str, str]) -> list[tuple[str, str]]:
    """`headers` after the default ones they do not replace (names compared without case, as HTTP does)."""
    given = {name.lower() for name in headers}
    return [*(pair for pair in _DEFAULT_HEADERS if pair[0].lower() not in given), *headers.items()]


def default_transport(base_url: str) -> httpx.BaseTransport:
    """httpx's transport for `base_url`: TLS verified (`SSL_CERT_FILE` honoured), through the environment's proxy.

    The client talks to one base URL, so the proxy (`HTTPS_PROXY`, `ALL_PROXY`, ... unless
    `NO_PROXY` exempts the host) is chosen once, as `httpx.Client` would choose it per request.
    """
    parts = urlsplit(base_url)
    proxies = urllib.request.getproxies()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy or (parts.hostname and urllib.request.proxy_bypass(parts.hostname)):
        return httpx.HTTPTransport(verify=True, trust_env=True)
    # `proxy.example:3128` means an HTTP proxy, as curl and httpx read it.
    return httpx.HTTPTransport(verify=True, trust_env=True, proxy=proxy if "://" in proxy else f"http://{proxy}")


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
