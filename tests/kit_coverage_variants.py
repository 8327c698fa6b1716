"""Broken variants of the mock that only a covering walk of the query space, or a check of every page, finds.

Each is an application factory taking the mock's `Settings`, as the kit's `--app` option
expects, built as `tests/kit_variants.py` builds its own: a tenant store that misbehaves for one
corner of the query space, or a wrapper that spoils one record deep in a traversal.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver import Settings, create_app
from mockserver.domain.ordering import SortKey
from mockserver.domain.query import ListQuery
from mockserver.storage.seededindex import Page, TenantStore
from tests.kit_variants import with_store

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


class _SpoilFromPageThree:
    """Wraps the real mock: from the third page of a traversal on, the first customer's `totalOrders` is text.

    It counts pages by the cursors it handed out: the page after a cursor given on page n is page n + 1.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.pages: dict[str, int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != "/v1/customers":
            await self.app(scope, receive, send)
            return
        cursor = dict(parse_qsl(scope["query_string"].decode("latin-1"))).get("startAfter")
        number = self.pages.get(cursor, 2) if cursor else 1
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            else:
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        if start["status"] == 200:
            page = orjson.loads(body)
            if page.get("nextCursor"):
                self.pages[page["nextCursor"]] = number + 1
            if number >= 3 and page.get("customers"):
                page["customers"][0]["totalOrders"] = str(page["customers"][0]["totalOrders"])
                body = orjson.dumps(page)
        headers = [(name, value) for name, value in start["headers"] if name.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": start["status"], "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _spoiled_from_page_three(settings: Settings) -> ASGIApp:
    return _SpoilFromPageThree(create_app(settings))


one_sort_order_wrong = with_store(_OneSortAscending)
one_filter_pair_ignored = with_store(_OnePairIgnoresType)
record_spoiled_from_page_three = _spoiled_from_page_three
