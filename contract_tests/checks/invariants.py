"""The pagination invariants, as pure functions of what a target answered.

Each function takes pages, traversals or responses already fetched, returns nothing when the
invariant holds and raises `ContractViolation` saying what was documented and what was seen
when it does not. The same functions check the mock, a real deployment and the kit's own
tests, and are unit-tested on hand-made data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import httpx
import jsonschema

from contract_tests.checks.order_evidence import (
    FINDING_CLASS,
    OrderEvidence,
    Step,
    candidates_known,
    explain,
    fitting,
    statements,
)
from contract_tests.spec.collations import ANY, COLLATIONS
from contract_tests.spec.contract import Contract, Filter
from contract_tests.spec.ordering import Item, ListOrder
from contract_tests.transport.traversal import Page, Traversal
from contract_tests.violations import ContractViolation

# Failures point at the property that found them, not at these helpers.
__tracebackhide__ = True


def _ids(items: Iterable[Item], contract: Contract) -> list[str]:
    return [item[contract.id_property] for item in items]


def check_page_shape(page: Page, requested_limit: int | None, contract: Contract) -> None:
    """`count == len(items) <= limit`, the effective limit echoed, and `hasMore` ⇔ `nextCursor`."""
    items = page[contract.items_property]
    count = page.get(contract.count_property)
    limit = page.get(contract.limit_property)
    expected_limit = contract.limit_default if requested_limit is None else requested_limit
    cursor = page.get(contract.next_cursor_property)
    has_more = page[contract.has_more_property]
    if count != len(items):
        raise ContractViolation(
            f"{contract.count_property} is not the number of items in the page",
            f"{contract.count_property}={count!r} but the page holds {len(items)}",
            finding_class="page-count",
        )
    if limit != expected_limit:
        raise ContractViolation(
            f"{contract.limit_property} does not echo the effective page size",
            f"asked for {requested_limit if requested_limit is not None else 'the default'}"
            f" (effective {expected_limit}), the page says {limit!r}",
            finding_class="page-limit-echo",
        )
    if len(items) > expected_limit:
        raise ContractViolation(
            "a page holds more items than its limit",
            f"{len(items)} items with limit {limit}",
            finding_class="page-over-limit",
        )
    if has_more != (isinstance(cursor, str) and cursor != ""):
        raise ContractViolation(
            f"{contract.has_more_property} and {contract.next_cursor_property} disagree",
            f"{contract.has_more_property}={has_more!r}, {contract.next_cursor_property}={cursor!r}",
            finding_class="has-more-cursor-disagree",
        )
    if has_more and not items:
        raise ContractViolation(
            "an empty page says more follow",
            f"{contract.has_more_property} is true, no items",
            finding_class="empty-page-has-more",
        )


def check_traversal(traversal: Traversal) -> None:
    """No customer twice, and every page announced by `hasMore` holds at least one customer."""
    contract = traversal.contract
    duplicates = [item_id for item_id, seen in Counter(traversal.ids).items() if seen > 1]
    if duplicates:
        pages = {
            item_id: [
                number
                for number, page in enumerate(traversal.pages, 1)
                if item_id in _ids(page[contract.items_property], contract)
            ]
            for item_id in duplicates[:3]
        }
        raise ContractViolation(
            "a traversal returned a customer more than once",
            f"{traversal.describe()}; repeated: "
            + ", ".join(f"{item_id} on pages {numbers}" for item_id, numbers in pages.items()),
            finding_class="duplicate",
        )
    for number, page in enumerate(traversal.pages[1:], 2):
        if not page[contract.items_property]:
            raise ContractViolation(
                f"{contract.has_more_property} promised another page but it was empty",
                f"{traversal.describe()}; page {number - 1} said {contract.has_more_property}=true,"
                f" page {number} is empty",
                finding_class="empty-page-has-more",
            )


def check_last_page_exactly_full(page: Page, contract: Contract) -> None:
    """A page whose limit equals the number of customers left must say that none follow."""
    if page[contract.has_more_property] or page.get(contract.next_cursor_property) is not None:
        raise ContractViolation(
            f"{contract.has_more_property} is true on a last page that is exactly full",
            f"asked for the last {len(page[contract.items_property])} customers with exactly that limit, the page"
            f" says {contract.has_more_property}={page[contract.has_more_property]!r},"
            f" {contract.next_cursor_property}={page.get(contract.next_cursor_property)!r}",
            finding_class="has-more-on-full-last-page",
        )


def check_order(traversal: Traversal, evidence: OrderEvidence | None = None) -> None:
    """Each customer comes strictly after the one before it in the documented order.

    Where a field's collation is `any`, no string order is assumed for it: the traversal's
    statements must instead agree with each other and with those `evidence` gathered from
    earlier traversals. A failure names, per field, the known collations that explain all
    the run's traversals showed.
    """
    order = traversal.order
    items = traversal.items
    evidence = evidence if evidence is not None else OrderEvidence()
    if not (order.collation.assumed and order.id_collation.assumed):
        evidence.add(statements(items, order, traversal.describe()), order)
        return
    for index, (before, after) in enumerate(zip(items, items[1:], strict=False)):
        if order.compare(before, after) >= 0:
            steps = {**evidence.steps}
            for sort_by, said in _steps_of(traversal).items():
                steps[sort_by] = [*steps.get(sort_by, []), *said]
            raise ContractViolation(
                "customers are out of order",
                f"{traversal.describe()}; expected {order.describe()}, but item {index + 1}"
                f" ({_show(before, order)}) comes before item {index + 2} ({_show(after, order)})\n"
                + explained_by(steps, order),
                finding_class=FINDING_CLASS,
            )
    evidence.record(statements(items, order, traversal.describe()))


def _steps_of(traversal: Traversal) -> dict[str, list[Step]]:
    """What the traversal says about string orders, for a hint; nothing when its numbers are out of order."""
    try:
        said = statements(traversal.items, traversal.order, traversal.describe())
    except ContractViolation:
        return {}
    return {said.sort_by: list(said.steps)}


def explained_by(steps: dict[str, list[Step]], order: ListOrder) -> str:
    """Which known collations explain `steps`, per field: the flags the user may mean."""
    found = fitting(steps, order)
    tie = order.rules.tie_breaker
    sort_fields = [name for name in found if name != tie]
    shared = set.intersection(*(set(found[name]) for name in sort_fields)) if sort_fields else set()
    lines = []
    for name in [*sort_fields, tie]:
        flag = "--id-collation" if name == tie else "--string-collation"
        fits = [candidate for candidate in found[name] if candidate in shared] or found[name]
        if len(found[name]) == len(candidates_known(order)):
            lines.append(f"{name}: nothing seen yet tells which collation it follows")
        elif fits:
            lines.append(f"{name}'s order is what {flag} {' or '.join(fits)} expects")
        else:
            lines.append(f"no known collation explains {name}'s order; {flag} any accepts any consistent one")
    try:
        explain(steps, replace(order, rules=replace(order.rules, collation=ANY, id_collation=ANY)))
    except ContractViolation as error:
        lines.append("no order at all explains what was seen: " + error.details)
    return "\n".join(lines)


def _show(item: Item, order: ListOrder) -> str:
    tie = order.rules.tie_breaker
    return f"{order.sort_by}={item.get(order.sort_by)!r}, {tie}={item.get(tie)!r}"


def matches(item: Item, rule: Filter, value: str) -> bool:
    """Whether `item` passes the filter `rule` given `value`."""
    field = item.get(rule.field)
    if rule.match == "equals":
        return str(field) == value if not isinstance(field, bool) else str(field).lower() == value
    if rule.match == "exact":
        return field == value
    if rule.match == "ascii-case-insensitive":
        fold = COLLATIONS["ascii-case-insensitive"]
        return isinstance(field, str) and fold(field) == fold(value)
    if rule.match == "positive":
        return (isinstance(field, (int, float)) and field > 0) == (value == "true")
    raise ValueError(f"unknown match {rule.match!r}")


def check_filters(traversal: Traversal) -> None:
    """Every customer on every page passes every filter of the query."""
    contract = traversal.contract
    given = [(contract.filter(name), value) for name, value in traversal.params if name in _filter_names(contract)]
    for number, page in enumerate(traversal.pages, 1):
        for item in page[contract.items_property]:
            for rule, value in given:
                if not matches(item, rule, value):
                    raise ContractViolation(
                        f"a customer that fails the {rule.parameter} filter was listed",
                        f"{traversal.describe()}; page {number} lists {item.get(contract.id_property)}"
                        f" with {rule.field}={item.get(rule.field)!r} for {rule.parameter}={value}"
                        f" ({rule.match})",
                        finding_class="filter",
                    )


def _filter_names(contract: Contract) -> set[str]:
    return {rule.parameter for rule in contract.filters}


def check_email_lookup(items: Sequence[Item], email: str, owner: Item, rule: Filter, contract: Contract) -> None:
    """Filtering by `email` lists only customers it matches under the spec's rule: `owner` alone when it does."""
    for item in items:
        if not matches(item, rule, email):
            raise ContractViolation(
                f"{rule.parameter}={email!r} listed a customer whose {rule.field} does not match it ({rule.match})",
                f"listed {item.get(contract.id_property)} with {rule.field}={item.get(rule.field)!r}",
                finding_class="email-lookup",
            )
    owner_id = owner[contract.id_property]
    listed = _ids(items, contract)
    if matches(owner, rule, email) and listed != [owner_id]:
        raise ContractViolation(
            f"{rule.parameter}={email!r} did not list exactly the customer it names ({rule.match})",
            f"expected [{owner_id}] ({rule.field}={owner.get(rule.field)!r}), got {listed[:5]}",
            finding_class="email-lookup",
        )


def check_same_page(first: Page, second: Page, cursor: str) -> None:
    """Replaying a cursor gives the same page."""
    if first != second:
        raise ContractViolation(
            "replaying a cursor gave a different page",
            f"startAfter={cursor[:60]}...: first answer {str(first)[:300]}\nsecond answer {str(second)[:300]}",
            finding_class="cursor-replay",
        )


def body_of(response: httpx.Response) -> Any:
    """A response's JSON body, or its text when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return response.text


def check_rejected(
    response: httpx.Response,
    documented: Iterable[int],
    error_schema: Mapping[str, Any],
    what: str,
    *,
    finding_class: str = "undocumented-status",
) -> None:
    """`what` was refused with a documented 4xx in the error envelope (never a 2xx or a 5xx).

    `finding_class` names what an answer other than a 4xx or 5xx means (another tenant's
    customer served: `tenant-customer-readable`); a 5xx is always a `server-error`.
    """
    documented_4xx = sorted(code for code in documented if 400 <= code < 500)
    body = body_of(response)
    if response.status_code not in documented_4xx:
        raise ContractViolation(
            f"{what} was not refused with a documented 4xx",
            f"expected one of {documented_4xx}, got {response.status_code}: {str(body)[:300]}",
            finding_class="server-error" if response.status_code >= 500 else finding_class,
        )
    try:
        jsonschema.validate(body, error_schema)
    except jsonschema.ValidationError as error:
        raise ContractViolation(
            f"{what} was refused without the documented error envelope",
            f"{response.status_code} with body {str(body)[:300]}: {error.message}",
            finding_class="error-envelope",
        ) from None


def check_detail_matches_item(item: Item, detail: Any, contract: Contract) -> None:
    """Get Customer shows every field of the customer's list item, with the same value."""
    if not isinstance(detail, Mapping):
        raise ContractViolation(
            "Get Customer did not return a customer", f"got {str(detail)[:300]}", finding_class="get-customer-shape"
        )
    differing = {
        name: (value, detail.get(name, "<absent>")) for name, value in item.items() if detail.get(name, ...) != value
    }
    if differing:
        raise ContractViolation(
            "Get Customer disagrees with List Customers",
            f"{item.get(contract.id_property)}: "
            + "; ".join(f"{name}: list {a!r}, get {b!r}" for name, (a, b) in list(differing.items())[:5]),
            finding_class="get-list-disagreement",
        )


def check_disjoint(first: Sequence[str], second: Sequence[str], first_tenant: str, second_tenant: str) -> None:
    """Two tenants never share a customer."""
    shared = sorted(set(first) & set(second))
    if shared:
        raise ContractViolation(
            "two tenants list the same customers",
            f"{first_tenant} and {second_tenant} both list {shared[:5]} ({len(shared)} in all)",
            finding_class="tenant-data-shared",
        )
