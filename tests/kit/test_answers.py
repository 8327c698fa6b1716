"""Email lookups, replayed pages, refusals, details against the list and disjoint tenants, on hand-made answers."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest

from contract_tests.checks import invariants
from contract_tests.checks.email_spellings import FOLDS
from contract_tests.transport.traversal import Page
from tests.kit.samples import CONTRACT, EMAIL, A, B, C, customer, page, raises

# --- check_email_lookup --------------------------------------------------------------------------

OWNER = customer("cus_7", email="Lena.Fischer+invoices@Example.de")


def test_email_lookup_finds_the_owner() -> None:
    invariants.check_email_lookup([OWNER], "Lena.Fischer+invoices@Example.de", OWNER, EMAIL, CONTRACT)


def test_email_lookup_case_swapped_finds_the_owner() -> None:
    invariants.check_email_lookup([OWNER], "lENA.fISCHER+INVOICES@eXAMPLE.DE", OWNER, EMAIL, CONTRACT)


def test_email_lookup_by_a_prefix_lists_nobody() -> None:
    invariants.check_email_lookup([], "Lena.Fischer", OWNER, EMAIL, CONTRACT)


def test_email_lookup_by_a_prefix_listing_the_owner() -> None:
    violation = raises(
        lambda: invariants.check_email_lookup([OWNER], "Lena.Fischer", OWNER, EMAIL, CONTRACT),
        "email='Lena.Fischer' listed a customer whose email does not match it (ascii-case-insensitive)",
    )
    assert "cus_7" in violation.details


def test_email_lookup_missing_the_owner() -> None:
    raises(
        lambda: invariants.check_email_lookup([], "lena.fischer+invoices@example.de", OWNER, EMAIL, CONTRACT),
        "email='lena.fischer+invoices@example.de' did not list exactly the customer it names (ascii-case-insensitive)",
    )


def test_email_lookup_listing_the_owner_twice() -> None:
    raises(
        lambda: invariants.check_email_lookup([OWNER, OWNER], OWNER["email"], OWNER, EMAIL, CONTRACT),
        f"email={OWNER['email']!r} did not list exactly the customer it names (ascii-case-insensitive)",
    )


def test_email_lookup_listing_another_customer() -> None:
    raises(
        lambda: invariants.check_email_lookup([OWNER, A], OWNER["email"], OWNER, EMAIL, CONTRACT),
        f"email={OWNER['email']!r} listed a customer whose email does not match it (ascii-case-insensitive)",
    )


def test_email_lookup_folding_beyond_ascii() -> None:
    owner = customer("cus_8", email="É@x.io")
    invariants.check_email_lookup([], "é@x.io", owner, EMAIL, CONTRACT)
    raises(
        lambda: invariants.check_email_lookup([owner], "é@x.io", owner, EMAIL, CONTRACT),
        "email='é@x.io' listed a customer whose email does not match it (ascii-case-insensitive)",
    )


def test_email_lookup_with_a_unicode_case_twin_lists_nobody() -> None:
    owner = customer("cus_9", email="kim@example.com")
    kelvin = FOLDS[0].applied(owner["email"])
    assert kelvin is not None and kelvin.lower() == "kim@example.com"  # str.lower() maps the Kelvin sign to k
    invariants.check_email_lookup([], kelvin, owner, EMAIL, CONTRACT)
    raises(
        lambda: invariants.check_email_lookup([owner], kelvin, owner, EMAIL, CONTRACT),
        f"email={kelvin!r} listed a customer whose email does not match it (ascii-case-insensitive)",
    )
    accented = customer("cus_10", email="Émile@exämple.de")
    invariants.check_email_lookup([accented], "éMILE@EXäMPLE.DE".replace("é", "É"), accented, EMAIL, CONTRACT)
    raises(
        lambda: invariants.check_email_lookup([accented], "émile@exämple.de", accented, EMAIL, CONTRACT),
        "email='émile@exämple.de' listed a customer whose email does not match it (ascii-case-insensitive)",
    )


def test_email_lookup_under_exact_matching() -> None:
    exact = dataclasses.replace(EMAIL, match="exact")
    swapped = OWNER["email"].swapcase()
    invariants.check_email_lookup([], swapped, OWNER, exact, CONTRACT)
    raises(
        lambda: invariants.check_email_lookup([OWNER], swapped, OWNER, exact, CONTRACT),
        f"email={swapped!r} listed a customer whose email does not match it (exact)",
    )


# --- check_same_page -----------------------------------------------------------------------------


def test_same_page_holds() -> None:
    invariants.check_same_page(page([A, B], has_more=True, cursor="n"), page([A, B], has_more=True, cursor="n"), "c")


@pytest.mark.parametrize(
    "second",
    [
        page([A, C], has_more=True, cursor="n"),
        page([B, A], has_more=True, cursor="n"),
        page([A, B], has_more=True, cursor="other"),
        page([A, B]),
        page([{**A, "status": "inactive"}, B], has_more=True, cursor="n"),
    ],
)
def test_same_page_broken(second: Page) -> None:
    first = page([A, B], has_more=True, cursor="n")
    violation = raises(
        lambda: invariants.check_same_page(first, second, "cursor-123"), "replaying a cursor gave a different page"
    )
    assert "cursor-123" in violation.details


# --- check_rejected and body_of ------------------------------------------------------------------

ENVELOPE = {"error": {"code": "INVALID_PARAMETER", "message": "limit must be from 1 to 100"}}


def response(status: int, **content: Any) -> httpx.Response:
    return httpx.Response(status, **content, request=httpx.Request("GET", "http://x/"))


def test_rejected_with_a_documented_4xx_and_the_envelope() -> None:
    invariants.check_rejected(response(400, json=ENVELOPE), CONTRACT.list_statuses, CONTRACT.error_schema, "limit=0")
    invariants.check_rejected(
        response(401, json={"error": {"code": "UNAUTHORIZED", "message": "no key"}}),
        CONTRACT.list_statuses,
        CONTRACT.error_schema,
        "no key",
    )
    invariants.check_rejected(
        response(404, json={"error": {"code": "CUSTOMER_NOT_FOUND", "message": "none"}}),
        CONTRACT.get_statuses,
        CONTRACT.error_schema,
        "another tenant's customer",
    )


@pytest.mark.parametrize(
    "answer",
    [
        response(500, json={"error": {"code": "INTERNAL_ERROR", "message": "boom"}}),
        response(200, json={"customers": []}),
        response(204),
        response(404, json={"error": {"code": "NOT_FOUND", "message": "no such path"}}),  # not documented for the list
        response(422, json=ENVELOPE),
    ],
)
def test_rejected_with_an_undocumented_status(answer: httpx.Response) -> None:
    violation = raises(
        lambda: invariants.check_rejected(answer, CONTRACT.list_statuses, CONTRACT.error_schema, "limit=0"),
        "limit=0 was not refused with a documented 4xx",
    )
    assert f"got {answer.status_code}" in violation.details
    assert "[400, 401, 403, 429]" in violation.details


@pytest.mark.parametrize(
    "answer",
    [
        response(400, json={"message": "bad limit"}),
        response(400, json={"error": "bad limit"}),
        response(400, json={"error": {"code": "INVALID_PARAMETER"}}),
        response(400, json={"error": {"code": "invalid parameter", "message": "bad limit"}}),
        response(400, json={"error": {"code": "INVALID_PARAMETER", "message": ""}}),
        response(400, text="bad limit"),
        response(400),
    ],
)
def test_rejected_without_the_envelope(answer: httpx.Response) -> None:
    raises(
        lambda: invariants.check_rejected(answer, CONTRACT.list_statuses, CONTRACT.error_schema, "limit=0"),
        "limit=0 was refused without the documented error envelope",
    )


def test_body_of() -> None:
    assert invariants.body_of(response(400, json=ENVELOPE)) == ENVELOPE
    assert invariants.body_of(response(502, text="<html>Bad Gateway</html>")) == "<html>Bad Gateway</html>"
    assert invariants.body_of(response(204)) == ""


# --- check_detail_matches_item -------------------------------------------------------------------


def test_detail_matches_item() -> None:
    detail = {**A, "lifetimeCollected": 120.0, "customerMargin": 20.0}
    invariants.check_detail_matches_item(A, detail, CONTRACT)
    invariants.check_detail_matches_item({**A, "phone": None}, {**A, "phone": None}, CONTRACT)


@pytest.mark.parametrize(
    ("detail", "field"),
    [
        ({**A, "firstName": "Anne"}, "firstName"),
        ({**A, "totalDevicesRented": "2"}, "totalDevicesRented"),
        ({key: value for key, value in A.items() if key != "email"}, "email"),
    ],
)
def test_detail_differs_from_item(detail: dict[str, Any], field: str) -> None:
    violation = raises(
        lambda: invariants.check_detail_matches_item(A, detail, CONTRACT), "Get Customer disagrees with List Customers"
    )
    assert violation.details.startswith("cus_1: ")
    assert field in violation.details


def test_detail_absent_where_the_item_has_null() -> None:
    raises(
        lambda: invariants.check_detail_matches_item({**A, "phone": None}, A, CONTRACT),
        "Get Customer disagrees with List Customers",
    )


@pytest.mark.parametrize("detail", [None, "cus_1", [A], 42])
def test_detail_not_a_customer(detail: Any) -> None:
    raises(lambda: invariants.check_detail_matches_item(A, detail, CONTRACT), "Get Customer did not return a customer")


# --- check_disjoint ------------------------------------------------------------------------------


def test_disjoint_holds() -> None:
    invariants.check_disjoint(["cus_1", "cus_2"], ["cus_3"], "acme", "globex")
    invariants.check_disjoint([], [], "acme", "globex")


def test_disjoint_broken() -> None:
    violation = raises(
        lambda: invariants.check_disjoint(["cus_1", "cus_2", "cus_3"], ["cus_3", "cus_2", "cus_9"], "acme", "globex"),
        "two tenants list the same customers",
    )
    assert violation.details == "acme and globex both list ['cus_2', 'cus_3'] (2 in all)"
