"""How a broken promise is reported: what was documented, what was received, how grave, how often."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """How grave a finding is; `--fail-on` names the lowest one that fails a run."""

    CONFORMANCE = 1
    """Statuses, schemas, the error envelope: a client written to the spec trips on it."""
    CORRECTNESS = 2
    """Order, completeness, duplicates, filters: a client gets the wrong customers."""
    SECURITY = 3
    """Cursors not bound to their tenant or query, readable unsigned cursors, another tenant's data."""


@dataclass(frozen=True)
class Symptom:
    """One distinct way a property saw the target fail: its class, how often in how many tries, one reproduction.

    `finding_class` is a stable kebab-case name (`cursor-server-error`, `duplicate-under-writes`);
    `message` says what happened without values that change between runs.
    """

    finding_class: str
    message: str
    count: int = 1
    tries: int = 1
    curl: tuple[str, ...] = ()


class ContractViolation(AssertionError):
    """The target broke a promise of the contract; `title` says which, `details` what was seen.

    `finding_class` names the class of the headline finding (None where the raiser has not
    classified it); `symptoms` lists every distinct failure a property met on the way, so a
    report shows each with its count, not only the example Hypothesis shrank to.
    """

    def __init__(
        self, title: str, details: str, *, finding_class: str | None = None, symptoms: Sequence[Symptom] = ()
    ) -> None:
        super().__init__(f"{title}\n{details}")
        self.title = title
        self.details = details
        self.finding_class = finding_class
        self.symptoms = tuple(symptoms)
