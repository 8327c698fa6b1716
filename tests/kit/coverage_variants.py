"""Broken variants of the mock that only a covering walk of the query space, or a check of every page, finds.

Each is an application factory taking the mock's `Settings`, as the kit's `--app` option
expects, built as `tests/kit/variants.py` builds its own: a tenant store that misbehaves for one
corner of the query space, or a wrapper that spoils one record deep in a traversal.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Scope

from mockserver import Settings, create_app
from mockserver.domain.ordering import SortKey
from mockserver.domain.query import ListQuery
from mockserver.storage.seededindex import Page, TenantStore
from tests.kit.variants import Rewrite, with_store

# The one sort order the first variant breaks, and the one pair of filter values the second ignores.
BROKEN_SORT = ("totalDevicesRented", "desc")
BROKEN_PAIR = (("status", "inactive"), ("customerType", "business"))


class _OneSortAscending(TenantStore):
    """`sortBy=totalDevicesRented&sortOrder=desc` comes ascending; every other order is right."""

    def page(self, query: ListQuery, after: SortKey | None) -> Page:
        if (query.sort_by, query.sort_order) == BROKEN_SORT:
            query = query._replace(sort_order="asc")
        return super().page(query, after)


class _OnePairIgnoresType(TenantStore):
    """`status=inactive` together with `customerType=business` ignores the type; each alone works."""

    def page(self, query: ListQuery, after: SortKey | None) -> Page:
        if query.status == BROKEN_PAIR[0][1] and query.customer_type == BROKEN_PAIR[1][1]:
            query = query._replace(customer_type=None)
        return super().page(query, after)


def _spoiled_from_page_three(settings: Settings) -> ASGIApp:
    """The real mock, but from the third page of a traversal on, the first customer's `totalOrders` is text.

    Pages are counted by the cursors handed out: the page after a cursor given on page n is page n + 1.
    """
    pages: dict[str, int] = {}
    asked = [1]

    def remember(scope: Scope) -> Scope:
        cursor = dict(parse_qsl(scope["query_string"].decode("latin-1"))).get("startAfter")
        asked[:] = [pages.get(cursor, 2) if cursor else 1]
        return scope

    def spoil(status: int, body: Any) -> tuple[int, Any]:
        (number,) = asked
        if status == 200 and isinstance(body, dict) and "customers" in body:
            if body.get("nextCursor"):
                pages[body["nextCursor"]] = number + 1
            if number >= 3 and body["customers"]:
                body["customers"][0]["totalOrders"] = str(body["customers"][0]["totalOrders"])
        return status, body

    return Rewrite(create_app(settings), request=remember, response=spoil)


one_sort_order_wrong = with_store(_OneSortAscending)
one_filter_pair_ignored = with_store(_OnePairIgnoresType)
record_spoiled_from_page_three = _spoiled_from_page_three
