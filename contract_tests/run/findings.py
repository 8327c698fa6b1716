"""What a failed property found, one finding per distinct way the target failed, whatever wrapped it.

Hypothesis and Schemathesis wrap what a property raised: in exception groups, in a
`FlakyFailure` when a failure did not recur, behind an "Inconsistent data generation" error
when the target answered a replayed example differently, in a health check. None of those is
the headline; the ContractViolation (or Schemathesis' failure) inside is, and where the target
answered the same request two ways with nothing else to show, the two answers are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from hypothesis.errors import HypothesisException
from schemathesis.errors import FailureGroup

from contract_tests.transport.client import Exchange
from contract_tests.violations import UNCLASSIFIED, ContractViolation, Severity, severity_of

# What changes between runs of the same finding: quoted values, `name=value` pairs, numbers, long tokens.
_QUOTED: Final = re.compile(r"""'[^']*'|"[^"]*\"""")
_ASSIGNED: Final = re.compile(r"=[^\s,;()\[\]]+")
# A word of eight characters or more holding a digit: an id, a cursor, a signature.
_TOKEN: Final = re.compile(r"(?<![\w\-+/])(?=[\w\-+/]*\d)[\w\-+/]{8,}={0,2}")
_NUMBER: Final = re.compile(r"\d+")


@dataclass(frozen=True)
class Finding:
    """One distinct failure of `property`: its class, what happened, where, and the requests that show it."""

    property_name: str
    finding_class: str
    message: str
    details: str = ""
    curl: tuple[str, ...] = ()
    count: int = 1
    tries: int = 1

    @property
    def severity(self) -> Severity:
        return severity_of(self.finding_class)

    @property
    def detail(self) -> str:
        """The message without what changes between runs: what a baseline records and matches."""
        return normalised(self.message)


def normalised(text: str) -> str:
    """`text` with quoted values, `=values`, long tokens (cursors, ids) and numbers replaced by placeholders."""
    text = _QUOTED.sub("'…'", text.splitlines()[0] if text else "")
    text = _ASSIGNED.sub("=…", text)
    text = _TOKEN.sub("…", text)
    return _NUMBER.sub("N", text).strip()


def _wrapped(error: BaseException) -> Iterator[BaseException]:
    """`error` and everything it wraps: group members, causes and contexts, a custom check's exception."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            pending += list(current.exceptions)
        inner = getattr(current, "exception", None)  # Schemathesis' failure of a custom check
        pending += [found for found in (inner, current.__cause__, current.__context__) if found is not None]


def _from_violation(name: str, violation: ContractViolation, curls: Sequence[str]) -> list[Finding]:
    if not violation.symptoms:
        found = violation.finding_class or UNCLASSIFIED
        return [Finding(name, found, violation.title, violation.details, tuple(curls))]
    return [
        Finding(
            name,
            symptom.finding_class,
            symptom.message,
            violation.details,
            symptom.curl or tuple(curls),
            symptom.count,
            symptom.tries,
        )  # fmt: skip
        for symptom in violation.symptoms
    ]


def _schemathesis_class(failure: BaseException) -> str:
    """`schema-` and the failure's type in kebab case (`UndefinedStatusCode`: `schema-undefined-status-code`)."""
    return "schema-" + re.sub(r"(?<!^)(?=[A-Z])", "-", type(failure).__name__).lower()


def findings_of(name: str, error: BaseException, curls: Sequence[str]) -> list[Finding]:
    """The findings `error` carries for property `name`: none when it holds no violation and no check's failure."""
    chain = list(_wrapped(error))
    found: dict[tuple[str, str], Finding] = {}
    for violation in (each for each in chain if isinstance(each, ContractViolation)):
        for finding in _from_violation(name, violation, curls):
            found.setdefault((finding.finding_class, finding.message), finding)
    if not found:
        failures = [
            member
            for group in chain
            if isinstance(group, FailureGroup)
            for member in group.exceptions
            if not isinstance(getattr(member, "exception", None), ContractViolation)
        ]
        for failure in failures:
            title = str(getattr(failure, "title", "") or type(failure).__name__)
            message = str(getattr(failure, "message", ""))
            finding = Finding(name, _schemathesis_class(failure), title, message, tuple(curls))
            found.setdefault((finding.finding_class, title), finding)
    return list(found.values())


def is_wrapper(error: BaseException) -> bool:
    """Whether `error` is Hypothesis' account of a failure (flakiness, a health check), not a failure itself."""
    return any(isinstance(each, HypothesisException) for each in _wrapped(error))


def two_answers(first: Sequence[Exchange], second: Sequence[Exchange]) -> list[str]:
    """Requests sent in both runs of an example that the target answered with different statuses, as curl lines."""
    earlier = {(exchange.method, exchange.url, exchange.headers, exchange.body): exchange for exchange in first}
    lines = []
    for exchange in second:
        before = earlier.get((exchange.method, exchange.url, exchange.headers, exchange.body))
        if before is not None and before.status != exchange.status:
            lines.append(f"{exchange.curl()}   (the first time: {before.status})")
    return lines


def headline(
    name: str,
    error: BaseException,
    curls: Sequence[str],
    *,
    earlier: tuple[BaseException, Sequence[Exchange]] | None = None,
    replay: Sequence[Exchange] = (),
) -> list[Finding]:
    """The findings a failed property reports: those in `error`, else those of the failed example `earlier`.

    When Hypothesis reports flakiness or a health check and neither holds a finding, the
    requests the target answered two ways (in `earlier`'s log and in `replay`) are the
    finding; failing that, the error's first line, unclassified.
    """
    found = findings_of(name, error, curls)
    if found or not is_wrapper(error):
        return found or [Finding(name, UNCLASSIFIED, _first_line(error), str(error), tuple(curls))]
    if earlier is not None:
        failure, log = earlier
        found = findings_of(name, failure, [exchange.curl() for exchange in log])
        if found:
            return found
        answers = two_answers(log, replay)
        if answers:
            message = "the target answered the same request two ways"
            return [Finding(name, "inconsistent-answers", message, _first_line(failure), tuple(answers))]
    return [Finding(name, UNCLASSIFIED, _first_line(error), str(error), tuple(curls))]


def _first_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0]
