"""The run's first authenticated request, sent before any property: some answers end the run at once.

A target that refuses connections, has no DNS name or fails the TLS handshake, or that refuses
the run's key or tenant, would only make every property end unchecked, one slow retry after
another. One line naming the cause, and an exit status of its own, says more in seconds.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

import httpx

from contract_tests.run.kit import Kit
from contract_tests.transport.client import Credentials, KitClient, TargetUnavailable

# Exit statuses (sysexits.h): the target could not be reached; the target refused the credentials.
UNREACHABLE: Final = 69
REFUSED: Final = 77


@dataclass(frozen=True, slots=True)
class Verdict:
    """Why the run ends before its first property, and with which exit status."""

    status: int
    line: str


def _causes(error: BaseException) -> Iterator[BaseException]:
    """`error`, what caused it, and exceptions it carries as arguments (httpcore wraps the socket's error so)."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [found for found in (current.__cause__, current.__context__) if found is not None]
        pending += [argument for argument in current.args if isinstance(argument, BaseException)]


def connection_failure(error: BaseException, base_url: str) -> str | None:
    """What a failed connection says about the target: refused, no such name, or no TLS; None if none of these."""
    parts = urlsplit(base_url)
    host = parts.hostname or base_url
    where = f"{host}:{parts.port}" if parts.port else host
    causes = list(_causes(error))
    tls = next((cause for cause in causes if isinstance(cause, ssl.SSLError)), None)
    if tls is not None:
        return f"the TLS handshake with {where} failed ({tls})"
    dns = next((cause for cause in causes if isinstance(cause, socket.gaierror)), None)
    if dns is not None:
        return f"the name {host} could not be resolved ({dns})"
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return f"{where} refused the connection (nothing listens there)"
    return None


def check_first_request(
    client: KitClient, path: str, params: list[tuple[str, str]], main: Credentials
) -> Verdict | None:
    """Send the first authenticated request; a verdict when its answer (or its lack) ends the run."""
    try:
        response = client.get(path, params, credentials=main)
    except TargetUnavailable as error:
        failure = connection_failure(error, client.base_url)
        return None if failure is None else Verdict(UNREACHABLE, f"target unreachable: {failure}")
    except httpx.InvalidURL as error:
        return Verdict(UNREACHABLE, f"target unreachable: {client.base_url} is not a usable URL ({error})")
    if response.status_code == 401:
        return Verdict(
            REFUSED, f"the API key was refused: GET {path} as tenant {main.tenant} answered 401 {_message(response)}"
        )
    if response.status_code == 403:
        return Verdict(
            REFUSED,
            f"the tenant {main.tenant} was refused to this key: GET {path} answered 403 {_message(response)}",
        )
    return None


def _message(response: httpx.Response) -> str:
    """The error envelope's code and message, when the answer has one."""
    try:
        error = response.json().get("error", {})
        return f"({error.get('code')}: {error.get('message')})"
    except (ValueError, AttributeError):
        return f"({response.text[:120]!r})"


def preflight(kit: Kit) -> Verdict | None:
    """The first authenticated request (retried once at most), then the control endpoints' GET; a verdict or None.

    A target that answers but gives nothing usable (a 503, a timeout) is no verdict on its own:
    the properties meet the same trouble and say so, each of them.
    """
    first = KitClient(
        kit.client.base_url,
        tenant_header=kit.contract.tenant_header,
        budget=kit.client.budget,
        pacer=kit.client.pacer,
        timeout=kit.client.timeout,
        retries=min(kit.client.retries, 1),
        backoff=kit.client.backoff,
        deadline=kit.client.deadline,
    )
    try:
        params = [(kit.contract.limit_parameter, str(kit.contract.limit_min))]
        verdict = check_first_request(first, kit.contract.list_path, params, kit.target.main)
        if verdict is None:
            kit.controls(first)
        return verdict
    except TargetUnavailable:
        return None
    finally:
        first.close()
