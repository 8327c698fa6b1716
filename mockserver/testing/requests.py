"""The request journal as a test reads it: which API requests the mock answered, and assertions on them.

The journal belongs to the app's thread (the server's event loop while a server runs), so every
read goes through the instance's `run`, between two requests: a request whose answer the test
has received is always in it. Imported when a fixture is used, never at the plugin's start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from mockserver.journal.patterns import ParamValue, RequestPattern, expectation_report, param_values, select
from mockserver.journal.records import Journal, JournalRecord

__all__ = ["RequestJournal"]

Runner = Callable[[Callable[[], Any]], Any]


class RequestJournal:
    """The API requests a mock answered since the test began (or since `clear()`), oldest first.

    `params` name parameters that must be there with these values (`{"limit": 100}`; a list for
    a repeated one; None for any value); others may be there too, unless `exact_params`. `path`
    matches exactly, or as a prefix when it ends with `*`.
    """

    def __init__(self, journal: Journal | None, run: Runner) -> None:
        self._journal = journal
        self._run = run

    def requests(
        self,
        method: str | None = None,
        path: str | None = None,
        params: Mapping[str, ParamValue | None] | None = None,
        tenant: str | None = None,
        *,
        exact_params: bool = False,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[JournalRecord]:
        """The requests that match, as typed records."""
        pattern = RequestPattern(method, path, param_values(params), tenant, exact_params, since, until)
        return select(self._read()[0], pattern)

    def assert_requested(
        self,
        method: str | None = None,
        path: str | None = None,
        params: Mapping[str, ParamValue | None] | None = None,
        tenant: str | None = None,
        *,
        times: int | None = None,
        exact_params: bool = False,
    ) -> list[JournalRecord]:
        """The matching requests; an `AssertionError` unless exactly `times` arrived (at least one when None).

        The error lists the closest requests that did arrive and how each differs from the expectation.
        """
        __tracebackhide__ = True
        if times is not None and times < 0:
            raise ValueError(f"times must be 0 or more, got {times}")
        pattern = RequestPattern(method, path, param_values(params), tenant, exact_params)
        records, dropped = self._read()
        report = expectation_report(pattern, records, times, dropped)
        if report is not None:
            raise AssertionError(report)
        return select(records, pattern)

    def clear(self) -> None:
        """Forget the requests so far."""
        self._run(self._kept().clear)

    def _read(self) -> tuple[list[JournalRecord], int]:
        journal = self._kept()
        records: tuple[list[JournalRecord], int] = self._run(lambda: (journal.records(), journal.dropped))
        return records

    def _kept(self) -> Journal:
        if self._journal is None:
            raise RuntimeError("this mock keeps no request journal: its journal size (flexportal_journal_size) is 0")
        return self._journal
