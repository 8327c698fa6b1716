"""Every way one example saw the target fail, counted by finding class, reported as one violation.

A property that sends many tries in one example (every edit of a cursor, every fold of an
email) meets several failure classes at once. Hypothesis keeps only the shortest failing
example, so the example itself tallies what it met: each class with how many of its tries
failed that way and one curl line that reproduces it. The tally lives in one example, so
shrinking, which replays examples, never inflates a count.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Protocol, TypeVar

from contract_tests.violations import ContractViolation, Symptom

__all__ = ["Tally", "first_tries"]


class _Try(Protocol):
    @property
    def kind(self) -> str: ...


T = TypeVar("T", bound=_Try)


def first_tries(tries: Iterable[T], left: float) -> list[T]:
    """`tries` in the order to send them, every kind once before any twice, cut to the `left` requests affordable.

    A property sends many tries in one example; cut short by its share of the budget, it still
    tries each kind. At least one is kept: an example that cannot afford one is stopped by its share.
    """
    by_kind: dict[str, list[T]] = {}
    for attempt in tries:
        by_kind.setdefault(attempt.kind, []).append(attempt)
    ordered = [attempt for layer in zip_longest(*by_kind.values()) for attempt in layer if attempt is not None]
    return ordered if math.isinf(left) else ordered[: max(1, int(left))]


@dataclass
class _Met:
    finding_class: str
    kind: str
    count: int
    curl: tuple[str, ...]
    example: str


@dataclass
class Tally:
    """Tries by kind ("a tampered cursor") and the failures met among them, by class and message."""

    tries: Counter[str] = field(default_factory=Counter)
    _met: dict[tuple[str, str], _Met] = field(default_factory=dict)

    def tried(self, kind: str) -> None:
        """One more try of `kind` was made."""
        self.tries[kind] += 1

    def met(self, finding_class: str, message: str, kind: str, curl: Sequence[str] = (), example: str = "") -> None:
        """A try of `kind` failed as `finding_class`; `message` says how, `curl` reproduces the first such try
        and `example` names what it showed (a customer's id, say)."""
        seen = self._met.get((finding_class, message))
        if seen is None:
            self._met[(finding_class, message)] = _Met(finding_class, kind, 1, tuple(curl), example)
        else:
            seen.count += 1

    @property
    def symptoms(self) -> list[Symptom]:
        """What was met, most frequent first (then in the order first met)."""
        ranked = sorted(enumerate(self._met.items()), key=lambda entry: (-entry[1][1].count, entry[0]))
        return [
            Symptom(met.finding_class, message, met.count, self.tries[met.kind], met.curl)
            for _, ((_, message), met) in ranked
        ]

    def violation(self, title: str | None = None) -> ContractViolation | None:
        """One violation listing every symptom ("answered 500 to a tampered cursor: 77 of 185"), or None."""
        symptoms = self.symptoms
        if not symptoms:
            return None
        headline = symptoms[0]
        classes = {symptom.finding_class for symptom in symptoms}
        others = f" (and {len(classes) - 1} other failure class{'es' if len(classes) > 2 else ''})"
        examples = {(met.finding_class, message): met.example for (_, message), met in self._met.items()}
        lines = [
            f"{symptom.message}: {symptom.count} of {symptom.tries} [{symptom.finding_class}]"
            + (f" (first: {example})" if (example := examples[symptom.finding_class, symptom.message]) else "")
            + "".join(f"\n    {line}" for line in symptom.curl)
            for symptom in symptoms
        ]
        return ContractViolation(
            (title or headline.message) + (others if len(classes) > 1 else ""),
            "\n".join(lines),
            finding_class=headline.finding_class,
            symptoms=symptoms,
        )

    def check(self, title: str | None = None) -> None:
        """Raise the violation, if anything was met."""
        violation = self.violation(title)
        if violation is not None:
            raise violation
