"""The run's reports for CI tools: JUnit (one test case per property), JSON (one object per finding), Markdown.

Each is written from the same per-property results the console summary prints, so the three
count alike: a property is passed, failed, skipped (with its reason; "not checked" ones say so),
or accepted (it failed only on findings the run accepts: below `--fail-on`, or in the baseline).
A run that ends before its first property (69, 75, 77) is one errored test case naming the cause.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from contract_tests.run.findings import Finding

SUITE: Final = "flexportal-contract"
# The order outcomes are counted in, as pytest's closing line counts them (an accepted failure is its xfailed).
OUTCOMES: Final = ("failed", "passed", "skipped", "accepted")
SHOWN_IN_MARKDOWN: Final = 3


@dataclass
class Judged:
    """A finding and why the run accepts it (None: it fails the run)."""

    finding: Finding
    accepted: str | None = None


@dataclass
class PropertyResult:
    """One property's verdict: `outcome` (one of OUTCOMES), the reason of a skip, its findings."""

    name: str
    module: str
    outcome: str = "passed"
    reason: str = ""
    findings: list[Judged] = field(default_factory=list)
    seconds: float = 0.0


def counts(results: Sequence[PropertyResult]) -> str:
    """`2 failed, 15 passed, 1 skipped`: the properties per outcome, in pytest's words (accepted: xfailed)."""
    counted = Counter(result.outcome for result in results)
    words = {"accepted": "xfailed"}
    return ", ".join(f"{counted[outcome]} {words.get(outcome, outcome)}" for outcome in OUTCOMES if counted[outcome])


def _finding_text(judged: Judged) -> str:
    finding = judged.finding
    state = f"accepted: {judged.accepted}" if judged.accepted else "fails the run"
    seen = f", {finding.count} of {finding.tries} tries" if finding.tries > 1 else ""
    lines = [f"[{finding.severity.name.lower()}] {finding.finding_class}: {finding.message} ({state}{seen})"]
    lines += [f"    {line}" for line in finding.details.splitlines()]
    lines += [f"    {line}" for line in finding.curl]
    return "\n".join(lines)


def junit_xml(results: Sequence[PropertyResult], *, early_exit: tuple[str, str] | None = None) -> bytes:
    """The JUnit document: one test case per property, or, for `early_exit` (kind, line), one errored case."""
    suite = ET.Element("testsuite", name=SUITE)
    if early_exit is not None:
        kind, line = early_exit
        case = ET.SubElement(suite, "testcase", classname="contract_tests", name="preflight", time="0")
        ET.SubElement(case, "error", type=kind, message=line).text = line
        tallies = {"tests": 1, "errors": 1, "failures": 0, "skipped": 0}
    else:
        for result in results:
            case = ET.SubElement(
                suite, "testcase", classname=result.module, name=result.name, time=f"{result.seconds:.3f}"
            )
            text = "\n\n".join(_finding_text(judged) for judged in result.findings)
            if result.outcome == "failed":
                failing = [judged.finding for judged in result.findings if judged.accepted is None]
                message = "; ".join(dict.fromkeys(finding.message for finding in failing)) or result.reason
                kinds = ",".join(dict.fromkeys(finding.finding_class for finding in failing)) or "failed"
                ET.SubElement(case, "failure", type=kinds, message=message).text = text
            elif result.outcome == "skipped":
                kind = "not-checked" if result.reason.startswith("not checked") else "skipped"
                ET.SubElement(case, "skipped", type=kind, message=result.reason)
            elif result.outcome == "accepted":
                ET.SubElement(case, "skipped", type="accepted", message=result.reason).text = text
        counted = Counter(result.outcome for result in results)
        tallies = {
            "tests": len(results),
            "errors": 0,
            "failures": counted["failed"],
            "skipped": counted["skipped"] + counted["accepted"],
        }
    for name, value in tallies.items():
        suite.set(name, str(value))
    root = ET.Element("testsuites", {"name": SUITE, **{name: str(value) for name, value in tallies.items()}})
    root.append(suite)
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def json_report(results: Sequence[PropertyResult], *, exit_status: int, no_longer_seen: Sequence[str]) -> str:
    """One object per finding (property, class, severity, message, curl and more), and the run's verdict."""
    findings = [
        {
            "property": judged.finding.property_name,
            "class": judged.finding.finding_class,
            "severity": judged.finding.severity.name.lower(),
            "message": judged.finding.message,
            "detail": judged.finding.detail,
            "details": judged.finding.details,
            "curl": list(judged.finding.curl),
            "count": judged.finding.count,
            "tries": judged.finding.tries,
            "accepted": judged.accepted,
        }
        for result in results
        for judged in result.findings
    ]
    outcomes = {result.name: result.outcome for result in results}
    document = {
        "exit_status": exit_status,
        "properties": outcomes,
        "findings": findings,
        "baseline_no_longer_seen": list(no_longer_seen),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def markdown(results: Sequence[PropertyResult], *, exit_status: int, early_exit: str | None = None) -> str:
    """A GitHub job summary: the counts, a row per property that did not simply pass, each finding with its curl."""
    lines = ["## FlexPortal contract kit", ""]
    if early_exit is not None:
        return "\n".join([*lines, f"**{early_exit}** (exit status {exit_status}); no property was run", ""])
    lines += [f"{counts(results)} (exit status {exit_status})", ""]
    noted = [result for result in results if result.outcome != "passed"]
    if noted:
        lines += ["| property | verdict | why |", "|---|---|---|"]
        for result in noted:
            why = "; ".join(judged.finding.message for judged in result.findings) or result.reason
            escaped = why.replace("|", r"\|")
            lines.append(f"| `{result.name}` | {result.outcome} | {escaped} |")
        lines.append("")
    for result in results:
        for judged in result.findings:
            finding = judged.finding
            state = f"accepted: {judged.accepted}" if judged.accepted else "**fails the run**"
            severity = finding.severity.name.lower()
            lines.append(f"- `{result.name}` {severity} `{finding.finding_class}`: {finding.message} ({state})")
            shown = list(finding.curl[:SHOWN_IN_MARKDOWN])
            if len(finding.curl) > SHOWN_IN_MARKDOWN:
                shown.append(f"# ... {len(finding.curl) - SHOWN_IN_MARKDOWN} more")
            if shown:
                lines += ["  ```sh", *(f"  {line}" for line in shown), "  ```"]
    return "\n".join(lines) + "\n"
