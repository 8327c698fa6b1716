"""How a broken promise is reported: what was documented, what was received, how grave, how often."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final


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


# Every class of finding the kit reports, with its severity: the one table `--fail-on`, the
# baseline and the reports read. A name is stable once released (baselines record it). A class
# missing here counts as CONFORMANCE, the lowest severity: it fails a run under the default
# `--fail-on conformance` and never passes for graver than it was classified.
FINDING_CLASSES: Final[Mapping[str, Severity]] = {
    # Security: another tenant's data, cursors a client can forge or that cross what they were issued for.
    "tenant-data-shared": Severity.SECURITY,
    "tenant-cursor-accepted": Severity.SECURITY,
    "tenant-customer-readable": Severity.SECURITY,
    "cursor-not-bound-to-tenant": Severity.SECURITY,
    "cursor-not-bound-to-query": Severity.SECURITY,
    "cursor-readable-unsigned": Severity.SECURITY,
    "cursor-tamper-accepted": Severity.SECURITY,
    "auth-not-enforced": Severity.SECURITY,
    "record-other-tenant": Severity.SECURITY,
    # Correctness: a client gets the wrong customers.
    "order": Severity.CORRECTNESS,
    "duplicate": Severity.CORRECTNESS,
    "duplicate-under-writes": Severity.CORRECTNESS,
    "skipped-under-writes": Severity.CORRECTNESS,
    "filter": Severity.CORRECTNESS,
    "email-lookup": Severity.CORRECTNESS,
    "email-fold": Severity.CORRECTNESS,
    "email-partial-match": Severity.CORRECTNESS,
    "cursor-replay": Severity.CORRECTNESS,
    "traversals-differ-in-customers": Severity.CORRECTNESS,
    "traversals-differ-in-order": Severity.CORRECTNESS,
    "traversals-differ-in-fields": Severity.CORRECTNESS,
    "partition-overlap": Severity.CORRECTNESS,
    "partition-stray": Severity.CORRECTNESS,
    "partition-missing": Severity.CORRECTNESS,
    "partition-order": Severity.CORRECTNESS,
    "get-list-disagreement": Severity.CORRECTNESS,
    "data-consistency": Severity.CORRECTNESS,
    # Conformance: statuses, schemas, the envelope; a client written to the spec trips on them.
    "page-count": Severity.CONFORMANCE,
    "page-limit-echo": Severity.CONFORMANCE,
    "page-over-limit": Severity.CONFORMANCE,
    "page-shape": Severity.CONFORMANCE,
    "page-schema": Severity.CONFORMANCE,
    "record-schema": Severity.CONFORMANCE,
    "has-more-cursor-disagree": Severity.CONFORMANCE,
    "empty-page-has-more": Severity.CONFORMANCE,
    "has-more-on-full-last-page": Severity.CONFORMANCE,
    "valid-query-refused": Severity.CONFORMANCE,
    "not-json": Severity.CONFORMANCE,
    "server-error": Severity.CONFORMANCE,
    "cursor-server-error": Severity.CONFORMANCE,
    "cursor-bound-to-limit": Severity.CONFORMANCE,
    "undocumented-status": Severity.CONFORMANCE,
    "error-envelope": Severity.CONFORMANCE,
    "get-customer-shape": Severity.CONFORMANCE,
    "inconsistent-answers": Severity.CONFORMANCE,
    # Schemathesis' checks (test_schema_conformance), named after its failure types.
    "schema-undefined-status-code": Severity.CONFORMANCE,
    "schema-json-schema-error": Severity.CONFORMANCE,
    "schema-missing-headers": Severity.CONFORMANCE,
    "schema-undefined-content-type": Severity.CONFORMANCE,
    "schema-missing-content-type": Severity.CONFORMANCE,
    "schema-malformed-media-type": Severity.CONFORMANCE,
    "schema-malformed-json": Severity.CONFORMANCE,
    "schema-server-error": Severity.CONFORMANCE,
    "schema-content-type-server-error": Severity.CONFORMANCE,
    "schema-accepted-negative-data": Severity.CONFORMANCE,
    "schema-rejected-positive-data": Severity.CONFORMANCE,
    "schema-missing-header-not-rejected": Severity.CONFORMANCE,
    # A property that failed other than through a finding (an unexpected exception, in the kit or the target).
    "unclassified": Severity.CONFORMANCE,
}
UNCLASSIFIED: Final = "unclassified"


def severity_of(finding_class: str) -> Severity:
    """The severity of `finding_class`; CONFORMANCE for a class the table does not know."""
    return FINDING_CLASSES.get(finding_class, Severity.CONFORMANCE)
