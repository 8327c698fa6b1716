"""Cursors sent where they do not belong, and what the answer to each says about the server.

A cursor is bound to its tenant, its filters and its sort (not to the page size), and only the
server can mint one. Each `Probe` sends a cursor somewhere: damaged, forged, or replayed with
another `sortBy`, `sortOrder`, filter, tenant or limit. `verdict` judges the answer: a
documented 4xx in the error envelope where the cursor does not belong, a page where it does;
a 5xx is never an answer, and an accepted cursor names the binding the server lacks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

import jsonschema

from contract_tests.spec.contract import Contract
from contract_tests.spec.queries import Query

__all__ = [
    "NOT_BOUND_TO_QUERY",
    "NOT_BOUND_TO_TENANT",
    "Probe",
    "SERVER_ERROR",
    "TAMPER_ACCEPTED",
    "UNSIGNED",
    "binding_probes",
    "tamper_positions",
    "verdict",
]

SERVER_ERROR: Final = "cursor-server-error"
TAMPER_ACCEPTED: Final = "cursor-tamper-accepted"
UNSIGNED: Final = "cursor-readable-unsigned"
NOT_BOUND_TO_QUERY: Final = "cursor-not-bound-to-query"
NOT_BOUND_TO_TENANT: Final = "cursor-not-bound-to-tenant"
BOUND_TO_LIMIT: Final = "cursor-bound-to-limit"
UNDOCUMENTED_STATUS: Final = "undocumented-status"
NO_ENVELOPE: Final = "error-envelope"
# A run of base64 or base64url characters: its last one may carry bits a decoder ignores.
_BASE64_RUN: Final = re.compile(r"[A-Za-z0-9+/_-]+")


@dataclass(frozen=True, slots=True)
class Probe:
    """`cursor` sent with `query` (as the other tenant when `other_tenant`).

    `kind` names the try for its count ("a tampered cursor"); `accepted_as` is the finding
    class of a server that answers it with a page, or None when a page is the right answer.
    """

    kind: str
    query: Query
    cursor: str
    accepted_as: str | None
    other_tenant: bool = False


def verdict(probe: Probe, status: int, body: Any, contract: Contract) -> tuple[str, str] | None:
    """The finding class and message of an answer `status`/`body` to `probe`, or None when it is right."""
    if status >= 500:
        return SERVER_ERROR, f"answered {status} to {probe.kind}"
    if probe.accepted_as is None:
        if 200 <= status < 300:
            return None
        return BOUND_TO_LIMIT, f"refused {probe.kind} with {status}"
    if 200 <= status < 300:
        return probe.accepted_as, f"accepted {probe.kind}"
    documented = sorted(code for code in contract.list_statuses if 400 <= code < 500)
    if status not in documented:
        return UNDOCUMENTED_STATUS, f"refused {probe.kind} with the undocumented status {status}"
    try:
        jsonschema.validate(body, contract.error_schema)
    except jsonschema.ValidationError:
        return NO_ENVELOPE, f"refused {probe.kind} without the documented error envelope"
    return None


def binding_probes(
    contract: Contract, query: Query, cursor: str, items: Sequence[Mapping[str, Any]], *, other_tenant: bool
) -> list[Probe]:
    """`cursor` of `query` replayed with every other sortBy and sortOrder, each filter changed, another limit
    and (when there is one) another tenant; `items` is the page that carried it."""
    probes: list[Probe] = []
    sort_by = query.sort_by or contract.sort_default
    for field in contract.sort_fields:
        if field != sort_by:
            probes.append(
                Probe("a cursor sent with another sortBy", replace(query, sort_by=field), cursor, NOT_BOUND_TO_QUERY)
            )
    probes.append(Probe("a cursor sent with the other sortOrder", query.reversed(contract), cursor, NOT_BOUND_TO_QUERY))
    chosen = dict(query.filters)
    for rule in contract.filters:
        changed: list[Query] = []
        if rule.parameter in chosen:
            changed.append(query.without_filter(rule.parameter))
            others = [value for value in rule.values if value != chosen[rule.parameter]]
            if others:
                changed.append(query.with_filter(rule.parameter, others[0]))
        elif rule.values:
            changed.append(query.with_filter(rule.parameter, rule.values[0]))
        elif items and isinstance(items[0].get(rule.field), str):
            changed.append(query.with_filter(rule.parameter, items[0][rule.field]))
        probes += [Probe("a cursor sent with a filter changed", sent, cursor, NOT_BOUND_TO_QUERY) for sent in changed]
    if other_tenant:
        probes.append(Probe("a cursor sent as another tenant", query, cursor, NOT_BOUND_TO_TENANT, other_tenant=True))
    limit = query.limit or contract.limit_default
    other_limit = limit + 1 if limit < contract.limit_max else limit - 1
    if other_limit >= contract.limit_min and other_limit != limit:
        probes.append(Probe("a cursor sent with another limit", replace(query, limit=other_limit), cursor, None))
    return probes


def tamper_positions(cursor: str) -> list[int]:
    """The places of `cursor` where any other character changes what the server reads.

    The last character of a run of base64 characters may hold padding bits that decoders drop
    (`...Wlo` and `...Wlp` both end in the same bytes), so changing it need not change the
    cursor at all: a server accepting it is no finding. Every other place is fair game.
    """
    last = {match.end() - 1 for match in _BASE64_RUN.finditer(cursor)}
    positions = [index for index in range(len(cursor)) if index not in last]
    return positions or list(range(len(cursor)))
