"""Pagination while the data changes: on a mock offering control endpoints, or on staging with writes allowed.

The property first lists the query's customers, then traverses it again while it changes
customers through Update Customer between the pages, with writes designed from that first
listing to hit the classic bugs (`checks/under_change.py`): a customer shown moving to the next
page, a tie-group member at the boundary leaving the filter, a customer not yet reached moving
to the pages shown. The traversal must return no customer twice and skip none that the query
listed before it began and that no write touched.

Against a mock with control endpoints, each example starts from the seeded data and leaves it
seeded. Against any other deployment the property writes only when `--allow-writes` says so,
and puts back every field it changed once the example ends; what it could not put back is
listed in the run's summary. An example counts only when every write was acknowledged: a
refused write makes the property "not checked", with the status and code the target gave.
Read-only, the kit cannot tell a cursor that holds an offset from one that holds a position:
on data that does not change, both give the same pages.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from contract_tests.checks.invariants import body_of
from contract_tests.checks.under_change import Write, check_under_change, page_sizes, writes_at
from contract_tests.run.kit import Kit
from contract_tests.run.summary import NOT_CHECKED
from contract_tests.spec.contract import Contract
from contract_tests.spec.queries import Query
from contract_tests.violations import ContractViolation

# Sort fields Update Customer sets and the kit can put back as they were.
MOVABLE_FIELDS = ("firstName", "lastName")
STATUS = "status"


@st.composite
def movable_queries(draw: st.DrawFn, contract: Contract) -> Query:
    """A query sorted by a field that Update Customer sets, in either direction, with or without a status filter."""
    sort_by = draw(st.sampled_from([name for name in MOVABLE_FIELDS if name in contract.sort_fields]), label="sortBy")
    order = draw(st.sampled_from(["asc", "desc"]), label="sortOrder")
    statuses = next((rule.values for rule in contract.filters if rule.parameter == STATUS), ())
    status = draw(st.sampled_from([None, *statuses]), label="status")
    return Query(filters=() if status is None else ((STATUS, status),), sort_by=sort_by, sort_order=order)


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
        query = data.draw(movable_queries(contract), label="query")
        # The order before any write, in the largest pages: what the writes are designed from.
        present = kit.traverse(replace(query, limit=contract.limit_max))
        sort_by = query.sort_by or contract.sort_default
        values = [item.get(sort_by) for item in present.items]
        sizes = page_sizes(values, smallest=contract.limit_min, largest=contract.limit_max)
        if not sizes:
            pytest.skip(f"{NOT_CHECKED}: the query lists too few customers to design writes between its pages")
        query = replace(query, limit=data.draw(st.sampled_from(sizes), label="limit"))
        status = dict(query.filters).get(STATUS)
        items = {item[contract.id_property]: item for item in present.items}
        pages = [kit.page(query)]
        curls = [kit.client.log[-1].curl()]
        changed: set[str] = set()
        while pages[-1][contract.has_more_property] and len(pages) < kit.max_pages:
            designed = writes_at(len(pages), query.limit or 0, present.items, sort_by, contract.id_property, status)
            for write in designed:
                _write(kit, write)
                if originals is not None:
                    originals.remember(write.customer, write.patch, items[write.customer])
                changed.add(write.customer)
            pages.append(kit.page(query, cursor=pages[-1][contract.next_cursor_property]))
            curls.append(kit.client.log[-1].curl())
        if not changed:
            pytest.skip(f"{NOT_CHECKED}: the traversal ended before a write could be designed between its pages")
        shown = [[item[contract.id_property] for item in page[contract.items_property]] for page in pages]
        check_under_change(shown, curls, present.ids, changed)


def _write(kit: Kit, write: Write) -> None:
    """Make one designed write; a refusal leaves the property not checked, a 5xx is a violation."""
    response = kit.update_customer(write.customer, write.patch)
    if response.status_code >= 500:
        raise ContractViolation(
            f"Update Customer answered {response.status_code}",
            f"{dict(write.patch)} for {write.customer}: {response.text[:300]}",
            finding_class="server-error",
        )
    if not response.is_success:
        body = body_of(response)
        error = body.get("error") if isinstance(body, dict) else None
        code = error.get("code") if isinstance(error, dict) else None
        pytest.skip(
            f"{NOT_CHECKED}: the target refused the kit's writes (write-refused): PATCH of {sorted(write.patch)}"
            f" answered {response.status_code}{f' {code}' if code else ''}"
        )


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
