"""Following a list query's cursors from the first page to the last (or to a page cap)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from contract_tests.spec.contract import Contract
from contract_tests.spec.ordering import Item, ListOrder
from contract_tests.transport.client import Credentials, KitClient
from contract_tests.violations import ContractViolation

# Failures point at the property that found them, not at these helpers.
__tracebackhide__ = True

Page = dict[str, Any]
# Judges one page: the page, the query it answers (with its cursor), the tenant asked as, and which request it was.
PageCheck = Callable[[Page, Sequence[tuple[str, str]], str, str], None]


@dataclass(frozen=True, slots=True)
class Traversal:
    """The pages of one list query, in the order they came, and whether the last one said it was last.

    A traversal stopped by the page cap is *incomplete*: it shows the first customers of the
    query, and the properties compare only that part of it.
    """

    params: tuple[tuple[str, str], ...]
    order: ListOrder
    pages: tuple[Page, ...]
    complete: bool
    contract: Contract

    @property
    def items(self) -> list[Item]:
        items_property = self.contract.items_property
        return [item for page in self.pages for item in page[items_property]]

    @property
    def ids(self) -> list[str]:
        return [item[self.contract.id_property] for item in self.items]

    def describe(self) -> str:
        query = "&".join(f"{name}={value}" for name, value in self.params) or "(no parameters)"
        extent = "complete" if self.complete else "stopped at the page cap"
        return f"{query}: {len(self.items)} customers in {len(self.pages)} pages, {extent}"


def page_of(response: httpx.Response, contract: Contract) -> Page:
    """The body of a 200 list response, with just enough shape checked to follow it."""
    if response.status_code != 200:
        raise ContractViolation(
            "a valid list query was refused",
            f"{response.request.url} answered {response.status_code}: {response.text[:300]}",
            finding_class="server-error" if response.status_code >= 500 else "valid-query-refused",
        )
    try:
        # orjson: a traversal of a large dataset spends most of its time decoding pages.
        page = orjson.loads(response.content)
    except ValueError as error:
        raise ContractViolation(
            "a list page is not JSON", f"{response.request.url}: {error}", finding_class="not-json"
        ) from None
    items = page.get(contract.items_property) if isinstance(page, dict) else None
    if not isinstance(items, list) or not isinstance(page.get(contract.has_more_property), bool):
        raise ContractViolation(
            "a list page lacks its items or its hasMore flag",
            f"{response.request.url} answered {response.text[:300]}",
            finding_class="page-shape",
        )
    return dict(page)


def traverse(
    client: KitClient,
    contract: Contract,
    credentials: Credentials,
    params: Sequence[tuple[str, str]],
    order: ListOrder,
    *,
    max_pages: int,
    check: PageCheck | None = None,
) -> Traversal:
    """Every page of `params`, following `nextCursor`, until `hasMore` is false or `max_pages` pages.

    `check`, when given, judges every page as it comes, before the traversal goes on.
    """
    with _collector_paused():
        pages: list[Page] = []
        query = list(params)
        for _ in range(max_pages):
            page = page_of(client.get(contract.list_path, query, credentials=credentials), contract)
            if check is not None:
                check(page, query, credentials.tenant, f"page {len(pages) + 1} of {_shown(params)}")
            pages.append(page)
            if not page[contract.has_more_property]:
                return Traversal(tuple(params), order, tuple(pages), True, contract)
            cursor = page.get(contract.next_cursor_property)
            if not isinstance(cursor, str) or not cursor:
                raise ContractViolation(
                    "hasMore is true but there is no cursor to follow",
                    f"page {len(pages)} of {dict(params)} has {contract.next_cursor_property}={cursor!r}",
                    finding_class="has-more-cursor-disagree",
                )
            query = [*params, (contract.cursor_parameter, cursor)]
        return Traversal(tuple(params), order, tuple(pages), False, contract)


def _shown(params: Sequence[tuple[str, str]]) -> str:
    return "&".join(f"{name}={value}" for name, value in params) or "(no parameters)"


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while pages pile up.

    A traversal keeps every page it reads: thousands of small dicts and lists, none of them in
    a cycle. The collector would scan them all again and again as they accumulate, which made
    a traversal of 100k customers a third slower. It runs as usual afterwards.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
