"""Hand-made customers, pages, orders and traversals for the unit tests of the kit's checks."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from contract_tests.run.target import spec_document
from contract_tests.spec.contract import Contract, contract_from_spec
from contract_tests.spec.ordering import Item, ListOrder
from contract_tests.transport.traversal import Page, Traversal
from contract_tests.violations import ContractViolation

CONTRACT: Contract = contract_from_spec(spec_document())
STATUS = CONTRACT.filter("status")
EMAIL = CONTRACT.filter("email")
RENTALS = CONTRACT.filter("hasActiveRentals")


def customer(customer_id: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "customerId": customer_id,
        "email": f"{customer_id}@example.com",
        "firstName": "Ann",
        "lastName": "Lee",
        "customerType": "individual",
        "status": "active",
        "totalDevicesRented": 0,
        "totalMonthlyRevenue": 0,
        "createdAt": "2024-01-01T00:00:00Z",
    }
    return {**base, **fields}


def page(
    items: Sequence[Item],
    *,
    limit: int = 50,
    has_more: bool = False,
    cursor: str | None = None,
    count: int | None = None,
) -> Page:
    return {
        "customers": list(items),
        "count": len(items) if count is None else count,
        "limit": limit,
        "hasMore": has_more,
        "nextCursor": cursor,
    }


def order(sort_by: str = "firstName", *, descending: bool = False, **rules: Any) -> ListOrder:
    return ListOrder(sort_by=sort_by, descending=descending, rules=dataclasses.replace(CONTRACT.ordering, **rules))


def traversal(
    *pages: Sequence[Item],
    ordered: ListOrder | None = None,
    complete: bool = True,
    params: Sequence[tuple[str, str]] = (),
) -> Traversal:
    """A traversal of `pages`; every page but the last (and the last too when incomplete) says more follow."""
    built = tuple(
        page(items, has_more=number < len(pages) or not complete, cursor="c" if number < len(pages) else None)
        for number, items in enumerate(pages, 1)
    )
    return Traversal(tuple(params), ordered or order(), built, complete, CONTRACT)


def raises(check: Callable[[], None], title: str) -> ContractViolation:
    """Run `check`, which must fail with exactly `title`."""
    with pytest.raises(ContractViolation) as caught:
        check()
    assert caught.value.title == title, caught.value
    return caught.value


# Five customers in firstName order: A < B < C < D < E, alternating status, some renting.
A = customer("cus_1", firstName="Ann", status="active", totalDevicesRented=2)
B = customer("cus_2", firstName="Ben", status="inactive")
C = customer("cus_3", firstName="Cat", status="active")
D = customer("cus_4", firstName="Dan", status="inactive", totalDevicesRented=1)
E = customer("cus_5", firstName="Eve", status="active")
ALL = [A, B, C, D, E]
DESC = order(descending=True)
