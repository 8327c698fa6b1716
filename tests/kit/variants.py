"""Deliberately broken variants of the mock, for proving that the contract kit catches each bug.

Each is an application factory taking the mock's `Settings`, as the kit's `--app` option
expects. Bugs in what a page holds are tenant stores that misbehave; bugs at the HTTP edge
wrap the real application. They exist only here, never in the shipped mock.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver import Settings, create_app, served_state
from mockserver.domain.cursor import CursorCodec, Fingerprint, Resume
from mockserver.domain.errors import ApiError
from mockserver.domain.ordering import SortKey, sort_key
from mockserver.domain.query import ListQuery, fold_email, parse_list_query
from mockserver.storage.overlay import OverlaidStore
from mockserver.storage.seededindex import Page, TenantStore

STRING_FIELDS = ("firstName", "lastName", "email")


def with_store(store_class: type[TenantStore]) -> Callable[[Settings], ASGIApp]:
    """A factory serving the real mock whose seeded tenant stores behave as `store_class`.

    Each seeded store is indexed again, once, as a `store_class` of the same records, and the
    writes are laid over it as over the real one.
    """

    def factory(settings: Settings) -> ASGIApp:
        @functools.cache
        def broken(seeded: TenantStore) -> TenantStore:
            return store_class(seeded.tenant, seeded.records())

        return create_app(settings, overlay=lambda seeded: OverlaidStore(broken(seeded)))

    return factory


class _DuplicateAtBoundary(TenantStore):
    """Each page after the first starts again with the last customer of the page before."""

    def page(self, query: ListQuery, after: SortKey | None) -> Page:
        page = super().page(query, after)
        if after is None:
            return page
        boundary = self.position_of(after[1])
        assert boundary is not None
        positions = [boundary, *page.positions]
        return Page(positions=positions[: query.limit], has_more=page.has_more or len(positions) > query.limit)


class _SkipAtBoundary(TenantStore):
    """Each page after the first leaves out the customer that should open it."""

    def page(self, query: ListQuery, after: SortKey | None) -> Page:
        if after is None:
            return super().page(query, after)
        page = super().page(query._replace(limit=query.limit + 1), after)
        return Page(positions=page.positions[1:], has_more=page.has_more)


class _TiesInAnyOrder(TenantStore):
    """Customers with equal sort values come in no defined order (here: by reversed id)."""

    def page(self, query: ListQuery, after: SortKey | None) -> Page:
        page = super().page(query, after)
        keys = [self.key_of(position, query.sort_by) for position in range(len(self))]
        positions = sorted(
            page.positions, key=lambda position: (keys[position][0], keys[position][1][::-1]), reverse=query.descending
        )
        return Page(positions=positions, has_more=page.has_more)


class _FiltersLostAfterPageOne(TenantStore):
    """Pages after the first ignore status, customerType and hasActiveRentals."""

    def page(self, query: ListQuery, after: SortKey | None) -> Page:
        if after is not None:
            query = query._replace(status=None, customer_type=None, has_active_rentals=None)
        return super().page(query, after)


class _StringsAlwaysAscending(TenantStore):
    """Descending order is ignored when sorting by a string field."""

    def page(self, query: ListQuery, after: SortKey | None) -> Page:
        if query.sort_by in STRING_FIELDS and query.descending:
            query = query._replace(sort_order="asc")
        return super().page(query, after)


class _HasMoreOnFullLastPage(TenantStore):
    """A last page that is exactly full says more follow (and the next page is empty)."""

    def page(self, query: ListQuery, after: SortKey | None) -> Page:
        page = super().page(query, after)
        if not page.has_more and len(page.positions) == query.limit:
            return Page(positions=page.positions, has_more=True)
        return page


class _EmailMatchesPrefixes(TenantStore):
    """The email filter lists every customer whose email starts with the value."""

    def page(self, query: ListQuery, after: SortKey | None) -> Page:
        if query.email is None:
            return super().page(query, after)
        wanted = fold_email(query.email)
        keys = [self.key_of(position, query.sort_by) for position in range(len(self))]
        found = [
            position for position, record in enumerate(self.records()) if fold_email(record["email"]).startswith(wanted)
        ]
        found.sort(key=keys.__getitem__, reverse=query.descending)
        return Page(positions=found[: query.limit], has_more=False)


class _EmailLowered(TenantStore):
    """The email filter compares `lower()` of both sides, as a database's lower() does: it folds the Kelvin sign."""

    def page(self, query: ListQuery, after: SortKey | None) -> Page:
        if query.email is None:
            return super().page(query, after)
        found = [
            position for position, record in enumerate(self.records()) if record["email"].lower() == query.email.lower()
        ]
        return Page(positions=found[: query.limit], has_more=False)


# Vowels written with umlauts in the addresses of every fourth customer of `_non_ascii_addresses`.
_UMLAUTS = str.maketrans({"a": "ä", "o": "ö", "u": "ü"})


class _NonAsciiNotFound(OverlaidStore):
    """Serves non-ASCII addresses (every fourth customer's vowels with umlauts) that its email filter never
    finds: the filter's value reaches the comparison mangled, as when a driver sends it as Latin-1."""

    def __init__(self, base: TenantStore) -> None:
        super().__init__(base)
        for record in base.records()[::4]:
            local, _, domain = record["email"].partition("@")
            self.apply(0, {**record, "email": f"{local.translate(_UMLAUTS)}@{domain}"})

    def page(self, query: ListQuery, after: SortKey | None, snapshot: int | None = None) -> Page:
        if query.email is not None and not query.email.isascii():
            return Page(positions=[], has_more=False)
        return super().page(query, after, snapshot)


class Rewrite:
    """Wraps the real mock, changing requests before it sees them or responses after."""

    def __init__(
        self,
        app: ASGIApp,
        request: Callable[[Scope], Scope] | None = None,
        response: Callable[[int, Any], tuple[int, Any]] | None = None,
    ) -> None:
        self.app, self.request, self.response = app, request, response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.request is not None:
            scope = self.request(dict(scope))
        if self.response is None:
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            else:
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        assert self.response is not None
        raw = b"".join(chunks)
        try:
            parsed = orjson.loads(raw)
        except orjson.JSONDecodeError:  # a 204, say: nothing to rewrite
            await send(start)
            await send({"type": "http.response.body", "body": raw})
            return
        status, body = self.response(start["status"], parsed)
        encoded = orjson.dumps(body)
        headers = [(name, value) for name, value in start["headers"] if name.lower() != b"content-length"]
        headers.append((b"content-length", str(len(encoded)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": encoded})


def _set_header(scope: Scope, name: bytes, value: bytes) -> Scope:
    scope["headers"] = [(key, old) for key, old in scope["headers"] if key.lower() != name] + [(name, value)]
    return scope


def _uncapped_limit(scope: Scope) -> Scope:
    """Silently clamp a limit above 100 instead of refusing it."""
    params = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
    clamped = [
        (key, "100" if key == "limit" and value.isdigit() and int(value) > 100 else value) for key, value in params
    ]
    scope["query_string"] = urlencode(clamped).encode()
    return scope


def _count_is_limit(status: int, body: Any) -> tuple[int, Any]:
    if status == 200 and "count" in body:
        body["count"] = body["limit"]
    return status, body


def _count_wrong_on_first_answer(settings: Settings) -> ASGIApp:
    """`count` is wrong the first time each list page is asked for, right ever after: a failing example passes
    when replayed, the way a target behind a flaky cache does."""
    seen: set[bytes] = set()
    current: list[bytes] = []

    def remember(scope: Scope) -> Scope:
        current[:] = [scope["query_string"]]
        return scope

    def rewrite(status: int, body: Any) -> tuple[int, Any]:
        (query,) = current
        if status == 200 and "count" in body and query not in seen:
            seen.add(query)
            body["count"] += 1
        return status, body

    return Rewrite(create_app(settings), request=remember, response=rewrite)


def _cursor_errors_crash(status: int, body: Any) -> tuple[int, Any]:
    if status == 400 and body["error"]["code"] == "INVALID_CURSOR":
        return 500, {"error": {"code": "INTERNAL_ERROR", "message": "cursor decoding failed"}}
    return status, body


def _wrapped(**rewrites: Callable[..., Any]) -> Callable[[Settings], ASGIApp]:
    def factory(settings: Settings) -> ASGIApp:
        return Rewrite(create_app(settings), **rewrites)

    return factory


class _OffsetCursors(OverlaidStore):
    """Cursors stand for an offset into the order as it is when the next page is asked for, with no snapshot."""

    def __init__(self, base: TenantStore) -> None:
        super().__init__(base)
        self._offsets: dict[SortKey, int] = {}

    def page(self, query: ListQuery, after: SortKey | None, snapshot: int | None = None) -> Page:
        everything = super().page(query._replace(limit=len(self) + 1), None).positions
        offset = 0 if after is None else self._offsets.get(after, 0)
        positions = everything[offset : offset + query.limit + 1]
        shown = positions[: query.limit]
        if shown:
            self._offsets[self.key_of(shown[-1], query.sort_by)] = offset + len(shown)
        return Page(positions=shown, has_more=len(positions) > query.limit)


class _OffsetInsideTies(OverlaidStore):
    """A cursor paginator's pages: after the last sort value shown, skip the customers with that value already shown.

    What it remembers per cursor is (value, customers with that value shown), read against the
    data as it is when the next page is asked for, with no snapshot: a tie member that leaves the
    list or the group in between makes it skip an unchanged one.
    """

    def __init__(self, base: TenantStore) -> None:
        super().__init__(base)
        self._ties: dict[SortKey, tuple[Any, int]] = {}

    def page(self, query: ListQuery, after: SortKey | None, snapshot: int | None = None) -> Page:
        everything = super().page(query._replace(limit=len(self) + 1), None).positions
        values = [self.key_of(position, query.sort_by)[0] for position in everything]
        start = 0
        if after is not None:
            value, shown = self._ties.get(after, (after[0], 1))
            group = next(
                (index for index, v in enumerate(values) if (v <= value if query.descending else v >= value)),
                len(values),
            )
            start = group + shown
        positions = everything[start : start + query.limit + 1]
        listed = positions[: query.limit]
        if listed:
            last = start + len(listed) - 1
            group = values.index(values[last])
            self._ties[self.key_of(listed[-1], query.sort_by)] = (values[last], last - group + 1)
        return Page(positions=listed, has_more=len(positions) > query.limit)


class _BookmarkCursors(OverlaidStore):
    """Keyset pages after the bookmark the cursor names, read as the data is now: no traversal snapshot."""

    def page(self, query: ListQuery, after: SortKey | None, snapshot: int | None = None) -> Page:
        return super().page(query, after, None)


def _serving(overlay: type[OverlaidStore]) -> Callable[[Settings], ASGIApp]:
    def factory(settings: Settings) -> ASGIApp:
        return create_app(settings, overlay=overlay)

    return factory


class _RefusePatches:
    """Refuses every Update Customer with 422, as a deployment whose schema rejects the kit's patches would."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "PATCH":
            body = orjson.dumps({"error": {"code": "VALIDATION_ERROR", "message": "this field cannot be changed"}})
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": 422, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


def _every_patch_refused(settings: Settings) -> ASGIApp:
    return _RefusePatches(create_app(settings))


def _offset_cursors(settings: Settings) -> ASGIApp:
    return create_app(settings, overlay=_OffsetCursors)


def _offset_cursors_without_controls(settings: Settings) -> ASGIApp:
    """Offset cursors on a server like a staging deployment: Update Customer, but no control endpoints."""
    return create_app(dataclasses.replace(settings, control=False), overlay=_OffsetCursors)


def _every_key_accepted(settings: Settings) -> ASGIApp:
    key = sorted(settings.api_keys)[0].encode() if settings.api_keys else b"any"
    return Rewrite(create_app(settings), request=lambda scope: _set_header(scope, b"authorization", b"Bearer " + key))


def _tenants_leak(settings: Settings) -> ASGIApp:
    first = settings.tenants[0].encode()

    def everyone_is_the_first_tenant(scope: Scope) -> Scope:
        headers = dict(scope["headers"])
        if b"tenant-id" in headers and headers[b"tenant-id"] in {tenant.encode() for tenant in settings.tenants}:
            return _set_header(scope, b"tenant-id", first)
        return scope

    return Rewrite(create_app(settings), request=everyone_is_the_first_tenant)


class _UncheckedCodec(CursorCodec):
    """Reads cursors without verifying their signature: whatever payload arrives is signed anew, then read."""

    def decode(self, token: str, tenant: str, fingerprint: Fingerprint) -> Resume:
        payload, _, _ = token.partition(".")
        if payload.isascii():
            token = f"{payload}.{self.sign(payload)}"
        return super().decode(token, tenant, fingerprint)


def _signature_never_checked(settings: Settings) -> ASGIApp:
    return create_app(settings, codec=_UncheckedCodec(settings.cursor_secret))


def _payload(token: str) -> Any:
    """The JSON inside the first part of one of the mock's cursors (ValueError when there is none)."""
    part = token.split(".")[0]
    return orjson.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _query_string_cursors(settings: Settings) -> ASGIApp:
    """Cursors as a cursor paginator spells them: base64 of `o=0&p=<sort value>&i=<id>&s=<snapshot>`, unsigned.

    The position a client sends is trusted: the server signs it anew for whatever query comes with it.
    """
    app = create_app(settings)
    codec = CursorCodec(settings.cursor_secret)  # the app's own secret: its cursors verify

    def readable(status: int, body: Any) -> tuple[int, Any]:
        if status == 200 and isinstance(body, dict) and body.get("nextCursor"):
            _, _, _, value, customer_id, snapshot = _payload(body["nextCursor"])
            text = urlencode({"o": 0, "p": value, "i": customer_id, "s": snapshot})
            body["nextCursor"] = base64.b64encode(text.encode()).decode()
        return status, body

    def trusted(scope: Scope) -> Scope:
        params = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        cursor = dict(params).get("startAfter")
        try:
            fields = dict(parse_qsl(base64.b64decode(cursor or "", validate=True).decode()))
            query = parse_list_query([pair for pair in params if pair[0] != "startAfter"])
            sort_by = query.sort_by
            value: Any = fields["p"] if sort_by in STRING_FIELDS else float(fields["p"])
            if sort_by in ("createdAt", "totalDevicesRented"):
                value = int(value)
            tenant = dict(scope["headers"]).get(b"tenant-id", b"").decode()
            token = codec.encode(tenant, query.fingerprint(), (value, fields["i"]), int(fields["s"]))
        except (ValueError, KeyError, ApiError, UnicodeDecodeError):
            return scope  # not one of its cursors: the mock refuses it
        params = [(name, token if name == "startAfter" else old) for name, old in params]
        scope["query_string"] = urlencode(params).encode()
        return scope

    return Rewrite(app, request=trusted, response=readable)


class _Crash:
    """Answers 500, as an unhandled decoding error would, to list requests whose cursor `crashes` says."""

    def __init__(self, app: ASGIApp, crashes: Callable[[str], bool]) -> None:
        self.app, self.crashes = app, crashes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            cursor = dict(parse_qsl(scope["query_string"].decode("latin-1"))).get("startAfter")
            if cursor is not None and self.crashes(cursor):
                body = orjson.dumps({"error": {"code": "INTERNAL_ERROR", "message": "cursor decoding failed"}})
                headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
                await send({"type": "http.response.start", "status": 500, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def _undecodable(cursor: str) -> bool:
    """Whether the first part of `cursor` is no base64 of JSON: what a server decoding it unguarded crashes on."""
    try:
        _payload(cursor)
    except ValueError:
        return True
    return False


def _server_error_on_some_tampered_cursors(settings: Settings) -> ASGIApp:
    """Refuses most bad cursors properly, but answers 500 to one whose payload no longer decodes."""
    return _Crash(create_app(settings), _undecodable)


@dataclasses.dataclass(frozen=True)
class _SortBlindCodec(CursorCodec):
    """Binds a cursor to its tenant and filters, not to its sort: it resumes after the same customer in any order.

    `served` holds the served state of the app it is given to, once that app is made.
    """

    served: list[Mapping[str, OverlaidStore]] = dataclasses.field(default_factory=list, compare=False)

    def decode(self, token: str, tenant: str, fingerprint: Fingerprint) -> Resume:
        try:
            minted_for = _payload(token)[2]
        except (ValueError, IndexError, TypeError):
            minted_for = None
        if (
            not isinstance(minted_for, list)
            or minted_for[2:] != list(fingerprint)[2:]
            or minted_for == list(fingerprint)
        ):
            return super().decode(token, tenant, fingerprint)
        resume = super().decode(token, tenant, minted_for)
        record = self.served[0][tenant].record(resume.after[1])
        if record is None:
            return resume
        return Resume(sort_key(record, str(fingerprint[0])), resume.snapshot)


def _cursor_accepted_under_another_sort(settings: Settings) -> ASGIApp:
    codec = _SortBlindCodec(settings.cursor_secret)
    app = create_app(settings, codec=codec)
    codec.served.append(served_state(app))
    return app


duplicate_at_page_boundaries = with_store(_DuplicateAtBoundary)
skipped_item_at_page_boundaries = with_store(_SkipAtBoundary)
ties_without_tie_breaker = with_store(_TiesInAnyOrder)
filters_lost_after_page_one = with_store(_FiltersLostAfterPageOne)
descending_ignored_for_strings = with_store(_StringsAlwaysAscending)
has_more_on_exactly_full_last_page = with_store(_HasMoreOnFullLastPage)
email_filter_matches_prefixes = with_store(_EmailMatchesPrefixes)
limit_not_capped = _wrapped(request=_uncapped_limit)
count_wrong = _wrapped(response=_count_is_limit)
count_wrong_on_first_answer = _count_wrong_on_first_answer
server_error_on_bad_cursor = _wrapped(response=_cursor_errors_crash)
tenant_data_leaks = _tenants_leak
auth_ignored = _every_key_accepted
offset_cursors_under_writes = _offset_cursors
email_filter_folds_with_lower = with_store(_EmailLowered)
non_ascii_addresses_not_found = _serving(_NonAsciiNotFound)
offset_inside_tie_groups = _serving(_OffsetInsideTies)
bookmark_cursors_under_writes = _serving(_BookmarkCursors)
# Not in CAUGHT_BY: it is caught only with --allow-writes (tests/kit/test_writes.py).
offset_cursors_without_controls = _offset_cursors_without_controls
# Not in CAUGHT_BY: refused writes leave the property not checked (tests/kit/test_writes.py).
every_patch_refused = _every_patch_refused
cursor_signature_never_checked = _signature_never_checked
unsigned_query_string_cursors = _query_string_cursors
server_error_on_some_tampered_cursors = _server_error_on_some_tampered_cursors
cursor_accepted_under_another_sort = _cursor_accepted_under_another_sort

# Each variant, and the property of the kit that must catch it.
CAUGHT_BY = {
    "duplicate_at_page_boundaries": "test_traversal",
    "skipped_item_at_page_boundaries": "test_limit_invariance",
    "ties_without_tie_breaker": "test_order",
    "filters_lost_after_page_one": "test_filters",
    "descending_ignored_for_strings": "test_order",
    "has_more_on_exactly_full_last_page": "test_traversal",
    "limit_not_capped": "test_limit_bounds",
    "count_wrong": "test_page_shape",
    "email_filter_matches_prefixes": "test_email_lookup",
    "email_filter_folds_with_lower": "test_email_lookup",
    "non_ascii_addresses_not_found": "test_email_lookup",
    "server_error_on_bad_cursor": "test_cursor_robustness",
    "tenant_data_leaks": "test_tenant_isolation",
    "auth_ignored": "test_authentication",
    "offset_cursors_under_writes": "test_pagination_under_change",
    "offset_inside_tie_groups": "test_pagination_under_change",
    "bookmark_cursors_under_writes": "test_pagination_under_change",
    "cursor_signature_never_checked": "test_cursor_forgery",
    "unsigned_query_string_cursors": "test_cursor_forgery",
    "server_error_on_some_tampered_cursors": "test_cursor_robustness",
    "cursor_accepted_under_another_sort": "test_cursor_robustness",
}
