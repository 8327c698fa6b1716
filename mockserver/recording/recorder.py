"""Recording a deployment's tenants into a fixture file, through the contract kit's client.

The kit's `KitClient` is the one way this project reaches a deployment that may be production:
GET only, within a request budget and a rate, waiting out a 429's `Retry-After`, keeping the
key out of what it records. First every tenant is listed, oldest first (`createdAt` ascending,
where new customers arrive at the end), noting the ids and the keyed hashes of the names,
emails and phones, so that no stand-in can be any of them; then each customer is fetched with
Get Customer, since a fixture holds the profitability figures that the list leaves out.
Progress is saved after every page, every few customers and whenever the recording stops, so
the same command picks up where it left off.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

import httpx

from contract_tests.transport.client import (
    Budget,
    BudgetExhausted,
    Credentials,
    KitClient,
    Pacer,
    TargetUnavailable,
)
from mockserver.domain.paths import LIST_PATH
from mockserver.domain.spec import load_spec
from mockserver.recording.anonymise import Anonymiser
from mockserver.recording.progress import Progress, StateError, TenantProgress, key_check, state_path
from mockserver.recording.pseudonyms import Pseudonyms
from mockserver.storage.fixturefile import FixtureError, dump_fixtures, load_fixtures

__all__ = ["PAGE_SIZE", "RecordError", "Recording", "RecordingStopped", "record"]

PAGE_SIZE: Final = 100
SAVE_EVERY: Final = 50


class RecordError(Exception):
    """The recording cannot go on: the deployment refused it, or answered what is not a customer list."""


class RecordingStopped(Exception):
    """The recording stopped before the end (budget, deadline, unavailable target, interrupt); its state is saved."""


@dataclass(frozen=True, slots=True)
class Recording:
    """What to record, from where, into which file, and how gently."""

    base_url: str
    tenants: tuple[str, ...]
    out: Path
    api_key: str
    anonymise_key: bytes | None
    anonymise: bool = True
    max_requests: int | None = None
    rate: float | None = None
    timeout: float = 10.0
    page_size: int = PAGE_SIZE


def record(
    recording: Recording,
    *,
    report: Callable[[str], None] = lambda _: None,
    transport: httpx.BaseTransport | None = None,
) -> int:
    """Record every tenant into `recording.out` and return the number of customers written.

    Raises RecordingStopped (state saved, run again to resume), RecordError, or StateError.
    """
    path = state_path(recording.out)
    progress, key = _progress(recording, path)
    anonymiser = None
    if key is not None:
        anonymiser = Anonymiser(Pseudonyms(key), source=progress.source, domains=progress.domains)
        for tenant in progress.tenants.values():
            for done in tenant.records:
                anonymiser.remember(done)
    spec = load_spec()
    client = KitClient(
        recording.base_url,
        tenant_header=spec["components"]["parameters"]["TenantId"]["name"],
        budget=Budget(recording.max_requests),
        pacer=Pacer(recording.rate),
        timeout=recording.timeout,
        transport=transport,
    )
    try:
        for name, tenant in progress.tenants.items():
            credentials = Credentials(name, recording.api_key)
            client.keep_secret(credentials)
            while not tenant.listed:
                _list_page(client, credentials, tenant, recording.page_size, anonymiser)
                progress.save(path)
                report(f"{name}: {len(tenant.ids)} customers listed, {client.budget.spent} requests sent")
        for name, tenant in progress.tenants.items():
            credentials = Credentials(name, recording.api_key)
            fetched = {done["customerId"] for done in tenant.records}
            for customer_id in tenant.ids:
                if customer_id not in fetched:
                    _fetch(client, credentials, customer_id, tenant, anonymiser)
                    fetched.add(customer_id)
                    if len(fetched) % SAVE_EVERY == 0:
                        progress.save(path)
                        report(f"{name}: {len(tenant.records)} customers recorded, {client.budget.spent} requests sent")
            report(f"{name}: all {len(tenant.records)} customers recorded, {client.budget.spent} requests sent")
    except (BudgetExhausted, TargetUnavailable, KeyboardInterrupt) as error:
        progress.save(path)
        reason = "interrupted" if isinstance(error, KeyboardInterrupt) else str(error)
        raise RecordingStopped(
            f"stopped ({reason}) with {progress.recorded} customers recorded; "
            f"progress is in {path}: run the same command again to go on"
        ) from None
    except RecordError:
        if any(tenant.ids for tenant in progress.tenants.values()):
            progress.save(path)  # what was fetched before the refusal is kept for a resume
        raise
    finally:
        client.close()
    document = dump_fixtures({name: tenant.records for name, tenant in progress.tenants.items()})
    _write_at_once(recording.out, document)
    path.unlink(missing_ok=True)
    try:
        load_fixtures(recording.out)
    except FixtureError as error:
        raise RecordError(f"the recorded data breaks the fixture rules, so --fixtures refuses it: {error}") from None
    return progress.recorded


def _progress(recording: Recording, path: Path) -> tuple[Progress, bytes | None]:
    """The saved progress, if it is this recording's, else a fresh one; and the anonymisation key."""
    key = recording.anonymise_key if recording.anonymise else None
    if not path.exists():
        if recording.anonymise and key is None:
            key = os.urandom(32)
            return Progress.fresh(recording.base_url, recording.tenants, anonymise=True, key=key, store_key=True), key
        return Progress.fresh(
            recording.base_url, recording.tenants, anonymise=recording.anonymise, key=key, store_key=False
        ), key
    progress = Progress.load(path)
    if not progress.matches(recording.base_url, recording.tenants, anonymise=recording.anonymise):
        raise StateError(
            f"{path} holds a recording with other arguments (URL, tenants or anonymisation); "
            "run it with those, or delete the file to start again"
        )
    if progress.stored_key is not None and key is None:
        key = bytes.fromhex(progress.stored_key)
    if recording.anonymise and (key is None or progress.key_check != key_check(key)):
        raise StateError(f"{path} was recorded with another anonymisation key; resume with that one, or delete it")
    return progress, key


def _list_page(
    client: KitClient,
    credentials: Credentials,
    tenant: TenantProgress,
    page_size: int,
    anonymiser: Anonymiser | None,
) -> None:
    """Fetch the next list page: note its ids (and the hashes of what no stand-in may be); move the cursor on."""
    query = [("limit", str(page_size)), ("sortBy", "createdAt"), ("sortOrder", "asc")]
    if tenant.cursor is not None:
        query.append(("startAfter", tenant.cursor))
    response = client.get(LIST_PATH, query, credentials=credentials)
    if response.status_code == 400 and tenant.cursor is not None and _code(response) == "INVALID_CURSOR":
        # The cursor has expired (a restarted deployment signs with a new key): list again from
        # the start; the ids already listed are kept once.
        tenant.cursor = None
        return
    page = _body(response, "customers")
    listed = set(tenant.ids)
    for item in page["customers"]:
        if not isinstance(item, dict) or not isinstance(item.get("customerId"), str):
            raise RecordError(f"the list of {credentials.tenant} holds an item without a customerId")
        if anonymiser is not None:
            anonymiser.note_source(item)
        if item["customerId"] not in listed:
            tenant.ids.append(item["customerId"])
            listed.add(item["customerId"])
    if page.get("hasMore") and isinstance(page.get("nextCursor"), str):
        tenant.cursor = page["nextCursor"]
    else:
        tenant.listed = True


def _fetch(
    client: KitClient, credentials: Credentials, customer_id: str, tenant: TenantProgress, anonymiser: Anonymiser | None
) -> None:
    """Get Customer for one listed id, and record it (anonymised); a customer deleted since is left out."""
    response = client.get(f"{LIST_PATH}/{quote(customer_id, safe='')}", credentials=credentials)
    if response.status_code == 404:
        return
    customer = _body(response, "customer")["customer"]
    if anonymiser is not None:
        anonymiser.note_source(customer)
        customer = anonymiser.customer(customer)
    tenant.records.append(customer)


def _body(response: httpx.Response, member: str) -> dict[str, Any]:
    """The JSON object of a 200 answer holding `member`, or a RecordError saying what came instead."""
    where = f"GET {response.request.url.path}"
    if response.status_code != 200:
        code = _code(response)
        hint = {401: " (is $FLEXPORTAL_API_KEY right?)", 403: " (may this key read this tenant?)"}.get(
            response.status_code, ""
        )
        raise RecordError(f"{where} answered {response.status_code}{f' {code}' if code else ''}{hint}")
    try:
        body = response.json()
    except ValueError:
        raise RecordError(f"{where} answered 200 with a body that is not JSON") from None
    if not isinstance(body, dict) or member not in body:
        raise RecordError(f"{where} answered 200 without {member!r}")
    return body


def _code(response: httpx.Response) -> str | None:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return None
    return error.get("code") if isinstance(error, dict) else None


def _write_at_once(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
