"""The end-of-run summary: where the run went, what it spent per property, and every verdict, one line each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from contract_tests.run.coverage import coverage_table, left_out_lines
from contract_tests.run.kit import Kit
from contract_tests.run.preflight import Verdict
from contract_tests.run.reports import PropertyResult, counts

NOT_CHECKED = "not checked"
# Exit status of a run that found no violation but could not check everything (sysexits' EX_TEMPFAIL).
INCOMPLETE = 75
# Curl lines shown for one failure: the first and last few of a longer sequence.
SHOWN_CURLS = 12


@dataclass
class RunRecord:
    """What the hooks gathered: failures with their curl lines, unchecked properties, warnings, an early verdict.

    `results` holds every property's verdict with its findings, for the counts and the reports;
    `accepted` the properties that failed only on findings the run accepts (why, one line each);
    `no_longer_seen` the baseline's entries the run did not meet again.
    """

    failures: list[tuple[str, str, list[str]]] = field(default_factory=list)
    unchecked: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    verdict: Verdict | None = None
    results: dict[str, PropertyResult] = field(default_factory=dict)
    accepted: list[tuple[str, str]] = field(default_factory=list)
    no_longer_seen: list[str] = field(default_factory=list)
    # The property whose test function is running: reports made meanwhile are its subtests' (Schemathesis').
    running: str | None = None


def summary(kit: Kit | None, record: RunRecord, *, strict_data: bool) -> list[str]:
    """The summary's lines."""
    lines: list[str] = []
    if kit is not None:
        where = "an in-process mock" if kit.target.in_process else kit.target.base_url
        retried = f", {kit.client.retried} retried" if kit.client.retried else ""
        budget = kit.client.budget
        of = f" of a budget of {budget.limit}" if budget.limit is not None else ""
        lines.append(f"target: {where}, tenant {kit.target.main.tenant}; {budget.spent} requests sent{of}{retried}")
        if record.verdict is None:
            lines += spending(kit)
            lines += coverage_table(kit.coverage, kit.contract)
    lines += [f"WARNING {warning}" for warning in record.warnings]
    if kit is not None and record.verdict is None:
        lines += [f"WARNING {line}" for line in left_out_lines(kit.coverage)]
    if record.verdict is not None:
        lines.append(f"{record.verdict.line} (exit status {record.verdict.status}); no property was run")
    elif not record.failures and not record.unchecked and record.accepted:
        lines.append(
            f"no finding fails the run; {len(record.accepted)} propert{'y' if len(record.accepted) == 1 else 'ies'}"
            " failed only on accepted findings"
        )
    elif not record.failures and not record.unchecked:
        lines.append("every property checked holds")
    elif not record.failures:
        count = len(record.unchecked)
        lines.append(
            f"no violation found, but {count} propert{'y' if count == 1 else 'ies'} could not be checked"
            f" (exit status {INCOMPLETE})"
        )
    if record.results and record.verdict is None:
        lines.append(f"properties: {counts(list(record.results.values()))}")
    for name, title, curls in record.failures:
        lines.append(f"FAILED {name}: {title}")
        lines += [f"    {line}" for line in _shortened(curls)]
    lines += [f"ACCEPTED {name}: {why}" for name, why in record.accepted]
    lines += [f"BASELINE entry no longer seen (remove it): {entry}" for entry in record.no_longer_seen]
    lines += [
        f"NOT CHECKED {name}: {reason.removeprefix(NOT_CHECKED + ': ')}" for name, reason in record.unchecked.items()
    ]
    if kit is not None:
        lines += [f"NOT RESTORED {line}" for line in kit.unrestored]
        lines += _findings(kit, strict_data)
    return lines


def spending(kit: Kit) -> list[str]:
    """Requests per property: spent, its share, and the examples that ran to the end."""
    shares = kit.client.budget.shares
    if not shares:
        return []
    walk = kit.plan.walk_pages if kit.plan is not None else kit.max_pages
    walked = f" ({walk} for the enumerated examples)" if walk != kit.max_pages else ""
    pages = f"; traversals of up to {kit.max_pages} pages{walked}" if kit.plan is not None else ""
    lines = [f"requests by property (spent / share, examples checked){pages}:"]
    width = max(len(name) for name in shares)
    for name, share in shares.items():
        planned = "" if share.limit is None else f" / {share.limit}"
        notes = [f"{share.completed} example{'' if share.completed == 1 else 's'} checked"]
        if share.stopped:
            notes.append(f"shrinking {share.stopped}" if share.failure is not None else share.stopped)
        lines.append(f"    {name:<{width}}  {share.spent:>5}{planned:<8}  {', '.join(notes)}")
    return lines


def _shortened(curls: Sequence[str]) -> list[str]:
    if len(curls) <= SHOWN_CURLS:
        return list(curls)
    half = SHOWN_CURLS // 2
    return [*curls[:half], f"... {len(curls) - SHOWN_CURLS} more ...", *curls[-half:]]


def _findings(kit: Kit, strict_data: bool) -> list[str]:
    if not kit.findings:
        return []
    weight = "failing the run" if strict_data else "reported, not failing the run"
    lines = [f"data consistency: {len(kit.findings)} finding(s), {weight}"]
    return lines + [f"    {finding.rule}: {finding.customer_id}: {finding.detail}" for finding in kit.findings[:20]]
