"""From pytest's reports to the run's verdicts: each property's outcome and findings, judged, then written out.

The pytest glue (conftest.py) calls these from its hooks; they keep the console summary, pytest's
own counts and the written reports on one set of verdicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from contract_tests.run.findings import Finding
from contract_tests.run.gate import Gate, baseline_document
from contract_tests.run.reports import Judged, PropertyResult, json_report, junit_xml, markdown
from contract_tests.run.summary import RunRecord


@dataclass(frozen=True)
class Outputs:
    """Where the run writes its reports (None: not written) and its baseline."""

    junit: Path | None = None
    report_json: Path | None = None
    step_summary: Path | None = None
    write_baseline: Path | None = None


def property_result(record: RunRecord, item: pytest.Item) -> PropertyResult:
    """The verdict of `item`'s property, made on its first phase."""
    module = getattr(getattr(item, "module", None), "__name__", None) or item.nodeid.split("::", 1)[0]
    return record.results.setdefault(item.name, PropertyResult(item.name, module))


def judge_failure(
    report: pytest.TestReport,
    record: RunRecord,
    result: PropertyResult,
    gate: Gate,
    findings: Sequence[Finding],
    curls: list[str],
) -> None:
    """Judge a failed property's findings: all accepted makes its report an expected failure (pytest's xfailed)."""
    judged = [Judged(finding, gate.accepted(finding)) for finding in findings]
    name = result.name
    result.findings = judged
    failing = [each.finding for each in judged if each.accepted is None]
    if failing:
        record.failures.append((name, _title(failing), curls))
        return
    reasons = "; ".join(dict.fromkeys(f"{_title([each.finding])} ({each.accepted})" for each in judged))
    record.accepted.append((name, reasons))
    report.outcome = "skipped"
    report.wasxfail = f"accepted: {reasons}"


def _title(findings: Sequence[Finding]) -> str:
    messages = "; ".join(dict.fromkeys(finding.message for finding in findings))
    classes = ", ".join(
        dict.fromkeys(f"{finding.severity.name.lower()}: {finding.finding_class}" for finding in findings)
    )
    return f"{messages} [{classes}]"


def record_phase(record: RunRecord, item: pytest.Item, report: pytest.TestReport) -> None:
    """Fold one phase's report (setup, call, teardown) into the property's outcome.

    A subtest's report (one operation of Schemathesis' test) counts only when it failed: the
    property's own call report, made after them, says whether it passed or was skipped.
    """
    if record.running == item.name and not report.failed:
        return
    result = property_result(record, item)
    result.seconds += report.duration
    if report.failed:
        result.outcome = "failed"
        if not result.reason:
            result.reason = (report.longreprtext.strip().splitlines() or [f"{report.when} failed"])[-1]
    elif report.skipped and result.outcome != "failed":
        accepted = getattr(report, "wasxfail", None)
        result.outcome = "accepted" if accepted is not None else "skipped"
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(accepted or "")
        result.reason = record.unchecked.get(item.name) or str(reason).removeprefix("Skipped: ")


def finish_reports(record: RunRecord, gate: Gate) -> None:
    """Note the baseline's entries that properties which ran to a verdict no longer showed."""
    findings = [judged.finding for result in record.results.values() for judged in result.findings]
    held = [name for name, result in record.results.items() if result.outcome == "passed"]
    record.no_longer_seen = [entry.describe() for entry in gate.no_longer_seen(findings, held)]


def write_outputs(record: RunRecord, gate: Gate, outputs: Outputs, exit_status: int) -> None:
    """Write the reports asked for, the baseline if asked, and append the Markdown summary to GitHub's job summary."""
    results = list(record.results.values())
    verdict = record.verdict
    early = None if verdict is None else (_kind(verdict.status), verdict.line)
    if outputs.junit is not None:
        outputs.junit.write_bytes(junit_xml(results, early_exit=early))
    if outputs.report_json is not None:
        outputs.report_json.write_text(
            json_report(results, exit_status=exit_status, no_longer_seen=record.no_longer_seen), encoding="utf-8"
        )
    if outputs.step_summary is not None:
        with outputs.step_summary.open("a", encoding="utf-8") as summary:
            summary.write(markdown(results, exit_status=exit_status, early_exit=None if early is None else early[1]))
    if outputs.write_baseline is not None and verdict is None:
        findings = [judged.finding for result in results for judged in result.findings]
        outputs.write_baseline.write_text(baseline_document(findings, gate.baseline), encoding="utf-8")


def _kind(status: int) -> str:
    return {69: "unreachable", 75: "incomplete", 77: "refused"}.get(status, f"exit-{status}")
