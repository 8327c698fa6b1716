"""Which findings fail the run: those at or above `--fail-on`, and not recorded in the baseline.

A baseline is a JSON file of the findings a team has accepted for now, each by property, class
and normalised detail (no ids, cursors or counts, which change between runs). A run with
`--baseline` fails only on findings not in it and lists the entries it no longer saw; written
again beside that baseline, it keeps only the entries still seen, so the file only shrinks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from contract_tests.run.findings import Finding
from contract_tests.violations import Severity

BASELINE_VERSION: Final = 1
LEVELS: Final = {severity.name.lower(): severity for severity in Severity}


class BaselineError(ValueError):
    """A baseline file that cannot be read: it names the file and what is wrong."""


@dataclass(frozen=True, order=True)
class Entry:
    """One accepted finding, as a baseline records it."""

    property: str
    finding_class: str
    detail: str

    @classmethod
    def of(cls, finding: Finding) -> Entry:
        return cls(finding.property_name, finding.finding_class, finding.detail)

    def describe(self) -> str:
        return f"{self.property} {self.finding_class}: {self.detail}"


@dataclass(frozen=True)
class Gate:
    """What the run accepts: findings below `fail_on`, and those in `baseline` (None: no baseline)."""

    fail_on: Severity = Severity.CONFORMANCE
    baseline: frozenset[Entry] | None = None
    recording: bool = False
    """`--write-baseline` without `--baseline`: every finding is recorded as accepted."""

    def accepted(self, finding: Finding) -> str | None:
        """Why `finding` does not fail the run, or None when it does."""
        if finding.severity < self.fail_on:
            return f"{finding.severity.name.lower()}, below --fail-on {self.fail_on.name.lower()}"
        if self.baseline is not None:
            return "in the baseline" if Entry.of(finding) in self.baseline else None
        return "recorded in the new baseline" if self.recording else None

    def no_longer_seen(self, findings: Iterable[Finding], held: Iterable[str]) -> list[Entry]:
        """Baseline entries of properties that ran to a verdict (`held`, or failed) and did not show them again."""
        if self.baseline is None:
            return []
        seen = {Entry.of(finding) for finding in findings}
        judged = set(held) | {entry.property for entry in seen}
        return sorted(entry for entry in self.baseline - seen if entry.property in judged)


def read_baseline(path: Path) -> frozenset[Entry]:
    """The entries of the baseline at `path`."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return frozenset(
            Entry(str(entry["property"]), str(entry["class"]), str(entry["detail"])) for entry in document["findings"]
        )
    except OSError as error:
        raise BaselineError(f"cannot read the baseline {path}: {error.strerror}") from None
    except (ValueError, KeyError, TypeError) as error:
        raise BaselineError(f"{path} is not a baseline written by --write-baseline ({error!r})") from None


def baseline_document(findings: Sequence[Finding], kept: frozenset[Entry] | None) -> str:
    """The baseline recording `findings` (only those in `kept`, when a baseline was given: it only shrinks)."""
    entries = sorted({Entry.of(finding) for finding in findings})
    if kept is not None:
        entries = [entry for entry in entries if entry in kept]
    records = [{"property": e.property, "class": e.finding_class, "detail": e.detail} for e in entries]
    return json.dumps({"version": BASELINE_VERSION, "findings": records}, indent=2, ensure_ascii=False) + "\n"
