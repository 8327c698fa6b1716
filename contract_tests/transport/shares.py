"""One property's share of the run's budget, spent while it runs, and what its examples did with it.

A share counts the property's requests and its examples: those that ran to the end, and the
latest that failed. Once a failure is found, Hypothesis shrinks it, trying examples that differ
a little; each smaller one that still fails replaces the one kept. When the share is spent the
property stops where it is: shrinking ends and the failure kept is reported, with the requests
that showed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contract_tests.transport.client import Exchange


class ShareSpent(BaseException):
    """The property under way has sent as many requests as its share allows.

    A BaseException, like pytest's skip, so that neither the property nor Hypothesis takes it
    for a failure of the example: it ends the property, whose verdict is then what its
    examples so far have shown.
    """


@dataclass
class Share:
    """Property `name` may send `limit` requests (None: any number)."""

    name: str
    limit: int | None
    spent: int = 0
    completed: int = 0
    failure: Exception | None = None
    failure_log: list[Exchange] = field(default_factory=list)
    # Why the property ended before Hypothesis was done with it ("" while it was not stopped).
    stopped: str = ""
    # The last request that got no usable answer, if any: why an example could not be checked.
    unavailable: str = ""
    _completed_cost: int = 0
    _example_started: int = 0

    @property
    def left(self) -> float:
        return float("inf") if self.limit is None else self.limit - self.spent

    def check(self) -> None:
        """Raise ShareSpent when no request is left (the budget counts the one sent)."""
        if self.limit is not None and self.spent >= self.limit:
            raise self.stop(f"its share of {self.limit} requests is spent")

    def stop(self, reason: str, note: str = "stopped at its share") -> ShareSpent:
        """End the property: the exception to raise, saying why; `note` says it in the summary."""
        self.stopped = note
        return ShareSpent(reason)

    def begin(self) -> None:
        """An example starts; one that would not fit what is left ends the property instead (after the first)."""
        if self.completed and self.failure is None and self.left < self._completed_cost / self.completed:
            raise self.stop(f"what is left of its share of {self.limit} requests would not fit another example")
        self._example_started = self.spent

    def passed(self) -> None:
        self.completed += 1
        self._completed_cost += self.spent - self._example_started

    def failed(self, error: Exception, log: list[Exchange]) -> None:
        """The example under way failed with `error` after `log`'s requests: reported unless a smaller one fails."""
        self.failure, self.failure_log = error, list(log)
