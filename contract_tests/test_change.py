"""Pagination while the data changes: on a mock offering control endpoints, or on staging with writes allowed.

Between the pages of a traversal the property creates customers (orders for new emails),
updates customers so that they move in the order or between filters (Update Customer, and
orders that rent a device), and then checks that the traversal returned no customer twice and
every customer that the query listed before it began and that no write touched.

Against a mock with control endpoints, each example starts from the seeded data and leaves it
seeded. Against any other deployment the property writes only when `--allow-writes` says so,
and then only through the spec's Update Customer, putting back every field it changed once the
example ends; what it could not put back is listed in the run's summary. Read-only, the kit
cannot tell a cursor that holds an offset from one that holds a position: on data that does
not change, both give the same pages.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from contract_tests.checks import invariants
from contract_tests.run.kit import Kit
from contract_tests.spec.queries import queries
from contract_tests.transport.traversal import Traversal
from contract_tests.violations import ContractViolation

NAMES = st.text(alphabet="AZaz09ÉéŁß-", min_size=1, max_size=6)
# Fields Update Customer changes in staging: each can be put back as it was. A stored email may be
# one that Update Customer's stricter schema would refuse to set again, so emails change only on mocks.
RESTORABLE_FIELDS = ("firstName", "lastName", "status")


@st.composite
def writes(draw: st.DrawFn, present: list[str], *, controls: bool = True) -> list[tuple[str, Any]]:
    """Up to three writes: ("create", an order body), ("update", (id, patch)), ("rent", id): a rental order.

    Without control endpoints (no orders), only updates of the fields that can be restored.
    """
    chosen: list[tuple[str, Any]] = []
    kinds = ["create", "update", "rent"] if controls else ["update"]
    for _ in range(draw(st.integers(0, 3), label="writes")):
        if not present and not controls:
            break
        kind = draw(st.sampled_from(kinds if present else ["create"]), label="kind")
        if kind == "create":
            local = draw(st.from_regex(r"[a-z]{1,8}", fullmatch=True), label="email")
            body = {"email": f"{local}.{len(chosen)}@kit.example", "firstName": draw(NAMES), "lastName": draw(NAMES)}
            chosen.append((kind, body))
            continue
        customer = draw(st.sampled_from(present), label="customer")
        if kind == "rent":
            chosen.append((kind, customer))
            continue
        fields = ["firstName", "lastName", "status", "email"] if controls else list(RESTORABLE_FIELDS)
        name = draw(st.sampled_from(fields), label="field")
        value: str = draw(NAMES)
        if name == "status":
            value = draw(st.sampled_from(["active", "inactive"]))
        elif name == "email":
            value = f"moved.{draw(st.from_regex(r'[a-z]{1,8}', fullmatch=True))}@kit.example"
        chosen.append((kind, (customer, {name: value})))
    return chosen


# Each example writes and traverses twice, so shrinking a failure would replay thousands of requests:
# the first failing example is reported as it was found, its requests as the reproduction.
@settings(report_multiple_bugs=False, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(data=st.data())
def test_pagination_under_change(kit: Kit, data: st.DataObject) -> None:
    """Writes between pages make a traversal neither repeat a customer nor skip one that stayed unchanged."""
    controls = kit.controls() is not None
    if not controls and not kit.allow_writes:
        pytest.skip(
            "read-only: the target offers no control endpoints (GET /_mock); --allow-writes lets this property"
            " change customers through Update Customer and put them back"
        )
    contract = kit.contract
    with _from_the_seed(kit) if controls else _restored(kit) as originals:
        kit.begin()
        query = data.draw(queries(contract), label="query")
        # Pages of at least 25 keep each example to a few dozen requests within a run's budget.
        query = replace(query, limit=max(query.limit or contract.limit_default, min(25, contract.limit_max)))
        present = kit.traverse(query)
        email_rule = next(candidate for candidate in contract.filters if not candidate.values)
        emails = {item[contract.id_property]: item[email_rule.field] for item in present.items}
        pages = [kit.page(query)]
        changed: set[str] = set()
        items = {item[contract.id_property]: item for item in present.items}
        while pages[-1][contract.has_more_property] and len(pages) < kit.max_pages:
            for kind, argument in data.draw(writes(present.ids, controls=controls), label="between pages"):
                if kind == "rent":
                    kind, argument = "order", {"email": emails[argument], "monthlyPrice": 19.9}
                written = _write(kit, kind, argument)
                if written and originals is not None:
                    originals.remember(argument[0], argument[1], items[argument[0]])
                changed |= written
            pages.append(kit.page(query, cursor=pages[-1][contract.next_cursor_property]))
        complete = present.complete and not pages[-1][contract.has_more_property]
        traversal = Traversal(tuple(query.params(contract)), present.order, tuple(pages), complete, contract)
        invariants.check_traversal_under_change(traversal, present.ids, changed)


def _write(kit: Kit, kind: str, argument: Any) -> set[str]:
    """Make one write; the ids of the customers it changed (none when the target refused it with a 4xx)."""
    if kind == "update":
        customer, patch = argument
        response = kit.update_customer(customer, patch)
    else:
        response = kit.control("orders", argument)
    if response.status_code >= 500:
        raise ContractViolation(
            f"a write answered {response.status_code}", f"{kind} {argument!r}: {response.text[:300]}"
        )
    if not response.is_success:
        return set()
    return {response.json()[kit.contract.item_property][kit.contract.id_property]}


@contextmanager
def _from_the_seed(kit: Kit) -> Iterator[None]:
    """Start from the seeded data and leave it seeded, so that the other properties see no writes."""
    kit.control("reset")
    try:
        yield
    finally:
        kit.control("reset", essential=True)


@dataclass
class Originals:
    """The values customers had before the property first changed them, field by field."""

    fields: dict[str, dict[str, Any]] = field(default_factory=dict)

    def remember(self, customer: str, patch: Mapping[str, Any], before: Mapping[str, Any]) -> None:
        kept = self.fields.setdefault(customer, {})
        for name in patch:
            kept.setdefault(name, before.get(name))


@contextmanager
def _restored(kit: Kit) -> Iterator[Originals]:
    """Put back, through Update Customer, every field the example changed; list in the summary what stays changed."""
    originals = Originals()
    try:
        yield originals
    finally:
        for customer, patch in originals.fields.items():
            kit.restore_customer(customer, patch)
