"""A clock the tests move by hand, and a pacer that reads it, so that the kit's pacing is tested without waiting."""

from __future__ import annotations

from dataclasses import dataclass, field

from contract_tests.transport.client import Pacer


@dataclass
class FakeTime:
    """A clock that moves only when slept on."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def pacer(per_minute: float | None, time: FakeTime) -> Pacer:
    return Pacer(per_minute, clock=time.clock, sleep=time.sleep)
